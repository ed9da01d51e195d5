"""Plain text: Discord markup removed before searching, facts compared without Markdown."""

from __future__ import annotations

import pytest

from bot.core.advisor import Advisor
from bot.core.text import clean_message, is_greeting, states


@pytest.mark.parametrize(
    ("message", "cleaned"),
    [
        ("@everyone <@&123> what is the cpc", "what is the cpc"),
        ("<@!42> <#999> **is** the `ccs` hard <:sob:1234> <a:party:55>", "is the ccs hard"),
        ("```\ncpc or ccs\n```", "cpc or ccs"),
        ("see [this](https://example.com) ~~old~~ > quote", "see this old quote"),
    ],
)
def test_discord_markup_is_removed(message: str, cleaned: str) -> None:
    assert clean_message(message) == cleaned


def test_mentions_do_not_change_the_answer() -> None:
    advisor = Advisor.from_directory()
    plain = advisor.ask("what is the cpc")
    mentioned = advisor.ask("@everyone <@&123> <@456> what is the cpc")
    assert mentioned.result.confidence == plain.result.confidence
    assert mentioned.reply.topic_id == plain.reply.topic_id == "cpc"


@pytest.mark.parametrize(
    "message",
    [
        "hi",
        "Hello!!",
        "thanks!!",
        "ty",
        "good morning everyone",
        "thank you so much 🙏",
        "ty, that helped a lot!",
        "hey <:wave:9912345> thank u so much",
        "hi, thanks again!",
        "good evening ☀️",
        "thank u, that really helped me a lot",
        "thank u so much that helped a lot <3",
        "ty :D",
    ],
)
def test_greetings_and_thanks_get_a_short_reply(message: str) -> None:
    assert is_greeting(clean_message(message))
    reply = Advisor.from_directory().ask(message).reply
    assert reply.kind == "greeting" and "/help" in reply.body


@pytest.mark.parametrize(
    ("message", "thanks"), [("hey thank u so much", True), ("ty!!", True), ("hello there", False)]
)
def test_thanks_get_a_you_are_welcome_and_hellos_a_hello(message: str, thanks: bool) -> None:
    title = Advisor.from_directory().ask(message).reply.title
    assert title.startswith("You're welcome") is thanks


@pytest.mark.parametrize(
    "message", ["hi, what is the cpc", "thanks but how do i remove the a", "x", "hii im new"]
)
def test_a_greeting_with_a_question_is_not_just_a_greeting(message: str) -> None:
    assert not is_greeting(message)


def test_facts_are_compared_without_markdown_case_or_thousands_separators() -> None:
    assert states("It is **$39,000** a year", "$39000 a year")
    assert states("Claim-level accuracy", "claim-level")
    assert not states("It is $39,000 a year", "$3,900")


def test_a_decimal_fact_is_a_number_trailing_zeros_aside() -> None:
    assert states("**$18.90** an hour", "$18.9")
    assert states("$3,317.60 a month", "$3317.6")
    assert not states("$18.95 an hour", "$18.9")
    assert not states("$4,238.87", "$4238.8")
    assert not states("$24.16", "$24")


def test_the_question_of_a_long_story_is_found() -> None:
    from bot.core.text import question_part

    story = (
        "So I worked retail for eleven years and hurt my back lifting boxes last spring. "
        "My sister codes from home and loves it, so I finished a course in June. "
        "Now I keep seeing CPC-A everywhere. How do I get rid of the A?"
    )
    assert question_part(story) == "How do I get rid of the A?"
    assert question_part("how do i get rid of the a? asking for me") == ""  # short: searched whole
    no_question_mark = story.replace("?", ".") + " Thanks in advance to anyone who answers this."
    assert question_part(no_question_mark) == "Thanks in advance to anyone who answers this."
