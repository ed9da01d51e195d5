"""The decision tools end to end: the real discord.py client against the Discord-compatible test server.

The quiz is clicked through as a student clicks it, the course form is opened and submitted as
Discord sends a modal submit, and the earnings chart arrives as an attachment whose bytes are checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bot.charts import CHART_FILENAME, HEIGHT_PX, WIDTH_PX, earnings_png
from bot.core.advisor import Advisor
from bot.discord_app.client import AdvisorBot, create_bot
from tests.discord_server import FakeDiscord
from tests.helpers import curve_for, png_size
from tests.test_bot_e2e import EPHEMERAL, buttons, embed, no_rejections, settings_for

if TYPE_CHECKING:
    from tests.discord_server.fixtures import StartBot


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor.from_directory()


@pytest.fixture
async def bot(
    discord_server: FakeDiscord, start_bot: StartBot, advisor: Advisor, tmp_path: Path
) -> AdvisorBot:
    return await start_bot(create_bot(settings_for(discord_server, tmp_path), advisor))


def labels(message: dict[str, Any]) -> list[str]:
    return [b["label"] for b in buttons(message)]


# --- /which-credential ------------------------------------------------------------------------


async def test_the_quiz_from_first_question_to_recommendation(
    discord_server: FakeDiscord, bot: AdvisorBot
) -> None:
    start = await discord_server.slash("which-credential")
    assert embed(start)["title"] == "Which credential fits you? (1/3)"
    assert "Where do you want to work?" in embed(start)["description"]
    rules = bot.advisor.kb.credential_fit
    assert rules is not None
    assert labels(start.message) == [s.label for s in rules.settings]  # six buttons, two rows
    assert [len(row["components"]) for row in start.message["components"]] == [5, 1]

    step2 = await discord_server.click(start, label="Hospital inpatient")
    assert step2["type"] == 7 and "(2/3)" in embed(step2)["title"]
    assert "So far: Hospital inpatient" in embed(step2)["description"]
    assert labels(step2.message) == ["None yet", "Less than a year", "1 to 2 years", "2 years or more"]

    step3 = await discord_server.click(start, label="None yet")
    assert labels(step3.message) == ["Work from home", "No particular goal"]

    result = await discord_server.click(start, label="Work from home")
    card = embed(result)
    assert card["title"] == "Hospital inpatient: CCS or CIC"
    assert "**CCS (Certified Coding Specialist)**" in card["description"]
    fields = {f["name"]: f["value"] for f in card["fields"]}
    assert "CCA" in fields["Also consider"] and "2-3 years" in fields["Good to know"]
    assert "None yet · Work from home" in card["footer"]["text"]
    assert "Start over" in labels(result.message)
    assert bot.advisor.kb.topics["remote-work-experience"].title[:80] in labels(result.message)

    again = await discord_server.click(start, label="Start over")
    assert "(1/3)" in embed(again)["title"]
    no_rejections(discord_server)


@pytest.mark.parametrize(
    ("setting", "title"),
    [
        ("Physician office or clinic", "Physician office or clinic: CPC"),
        ("Hospital outpatient or ED facility", "Hospital outpatient or ED facility: COC"),
        ("Risk adjustment (HCC)", "Risk adjustment (HCC): CRC"),
        ("Payer (insurance company)", "Payer (insurance company): CPC"),
        ("Billing", "Billing: CPB"),
    ],
)
async def test_every_setting_leads_to_its_credential(
    discord_server: FakeDiscord, bot: AdvisorBot, setting: str, title: str
) -> None:
    start = await discord_server.slash("which-credential", private=True)
    assert start["data"]["flags"] & EPHEMERAL
    for choice in (setting, "2 years or more", "No particular goal"):
        await discord_server.click(start, label=choice)
    card = start.message["embeds"][0]
    assert card["title"] == title
    assert "2 years or more · No particular goal" in card["footer"]["text"]
    no_rejections(discord_server)


async def test_only_the_student_who_started_can_answer(discord_server: FakeDiscord, bot: AdvisorBot) -> None:
    start = await discord_server.slash("which-credential")
    other = await discord_server.click(start, label="Billing", as_user=discord_server.moderator)
    assert other["type"] == 4 and other["data"]["flags"] & EPHEMERAL
    assert "someone else's" in other["data"]["content"]
    assert "(1/3)" in start.message["embeds"][0]["title"]  # the quiz did not move
    mine = await discord_server.click(start, label="Billing")
    assert "(2/3)" in embed(mine)["title"]


async def test_quiz_buttons_work_after_a_restart(
    discord_server: FakeDiscord, start_bot: StartBot, advisor: Advisor, tmp_path: Path
) -> None:
    first = await start_bot(create_bot(settings_for(discord_server, tmp_path), advisor))
    start = await discord_server.slash("which-credential")
    await discord_server.click(start, label="Billing")
    await first.close()
    await start_bot(create_bot(settings_for(discord_server, tmp_path), advisor))
    step3 = await discord_server.click(start, label="None yet")
    assert labels(step3.message) == ["Work from home", "No particular goal"]


# --- /course-check ----------------------------------------------------------------------------


async def test_the_course_form_opens_and_its_submit_gets_a_verdict(
    discord_server: FakeDiscord, bot: AdvisorBot
) -> None:
    opened = await discord_server.slash("course-check")
    assert opened["type"] == 9
    form = opened["data"]
    assert form["title"] == "Check a course"
    assert [row["label"] for row in form["components"]] == [
        "Credential it prepares for",
        "Contact hours",
        "Code books it teaches",
        "It also includes",
        "Price (optional)",
    ]
    credential_options = [o["value"] for o in form["components"][0]["component"]["options"]]
    assert credential_options == list(bot.advisor.kb.credentials)

    verdict = await discord_server.submit_modal(
        opened,
        {
            "course:credential": ["cpc"],
            "course:hours": "120 hours",
            "course:books": ["ICD-10-CM", "CPT", "HCPCS Level II"],
            "course:extras": ["practice-exams", "anatomy"],
            "course:price": "$2,400",
        },
    )
    assert verdict["type"] == 4 and not verdict["data"].get("flags", 0) & EPHEMERAL
    card = embed(verdict)
    assert card["title"] == "Looks complete for the CPC"
    assert "✅ At least 80 contact hours" in card["description"]
    assert "$2,400 for 120 contact hours is $20 an hour" in card["fields"][0]["value"]
    no_rejections(discord_server)


async def test_an_introductory_course_and_bad_hours(discord_server: FakeDiscord, bot: AdvisorBot) -> None:
    opened = await discord_server.slash("course-check", private=True)
    verdict = await discord_server.submit_modal(
        opened, {"course:credential": ["ccs"], "course:hours": "40", "course:books": ["CPT"]}
    )
    assert verdict["data"]["flags"] & EPHEMERAL  # private: the verdict too
    card = embed(verdict)
    assert card["title"] == "Looks introductory for the CCS"
    assert (
        "❌ **ICD-10-PCS**" in card["description"]
        and "❌ **At least 80 contact hours**" in card["description"]
    )

    opened = await discord_server.slash("course-check")
    refused = await discord_server.submit_modal(
        opened, {"course:credential": ["cpc"], "course:hours": "lots", "course:books": ["CPT"]}
    )
    assert refused["data"]["flags"] & EPHEMERAL  # an error is only for the student
    assert embed(refused)["description"] == "contact hours must be a number, got 'lots'."
    no_rejections(discord_server)


# --- /audit-risk ------------------------------------------------------------------------------


async def test_audit_risk(discord_server: FakeDiscord, bot: AdvisorBot) -> None:
    reply = await discord_server.slash("audit-risk", accuracy=0.95, required=0.96, sample_size=50)
    card = embed(reply)
    assert "a 50-chart audit fails about 46% of the time" in card["description"]
    fields = {f["name"]: f["value"] for f in card["fields"]}
    assert fields["Chance of failing"] == "45.9%" and fields["Charts right to pass"] == "48 of 50"
    assert fields["True accuracy for a 95% pass"] == "98.3%"
    percent = await discord_server.slash("audit-risk", accuracy=95, required=96, sample_size=50)
    assert embed(percent)["description"] == card["description"]
    no_rejections(discord_server)


async def test_audit_risk_options_are_bounded(discord_server: FakeDiscord, bot: AdvisorBot) -> None:
    [put] = discord_server.find_requests("PUT", r"/applications/\d+/guilds/\d+/commands")
    command = next(c for c in put.json if c["name"] == "audit-risk")
    options = {o["name"]: o for o in command["options"]}
    assert options["sample_size"]["type"] == 4 and options["sample_size"]["max_value"] == 10_000
    assert options["accuracy"]["max_value"] == 100
    # Past Discord's own checks anyway: one clear, private message.
    reply = await discord_server.slash("audit-risk", accuracy=0.95, required=0.96, sample_size=20_000)
    assert reply["data"]["flags"] & EPHEMERAL
    assert "sample size must be from 1 to 10,000" in embed(reply)["description"]


# --- /earnings chart ---------------------------------------------------------------------------


async def test_earnings_attaches_the_chart(discord_server: FakeDiscord, bot: AdvisorBot) -> None:
    reply = await discord_server.slash(
        "earnings", charts_per_hour=25, rate=0.75, hours_per_week=40, compare_charts_per_hour=40
    )
    assert {f["name"]: f["value"] for f in embed(reply)["fields"]}["Weekly"] == "$750"  # figures at once
    edited = await reply.interaction.wait_edit()
    [attachment] = edited["attachments"]
    assert attachment["filename"] == CHART_FILENAME and attachment["content_type"] == "image/png"
    assert (attachment["width"], attachment["height"]) == (WIDTH_PX, HEIGHT_PX)
    png = discord_server.attachment_data[attachment["id"]]
    assert png_size(png) == (WIDTH_PX, HEIGHT_PX) and attachment["size"] == len(png)
    assert png == earnings_png(curve_for(bot.advisor, 25, 0.75, 40, 52, 40))  # the CLI's picture
    [card] = edited["embeds"]
    assert card["image"]["url"] == attachment["url"]
    assert {f["name"]: f["value"] for f in card["fields"]}["Weekly"] == "$750"  # the figures stay
    no_rejections(discord_server)


async def test_a_refused_earnings_gets_no_chart(discord_server: FakeDiscord, bot: AdvisorBot) -> None:
    reply = await discord_server.slash("earnings", charts_per_hour=500, rate=0.75, hours_per_week=40)
    assert reply["data"]["flags"] & EPHEMERAL
    assert not discord_server.find_requests("PATCH", r"/webhooks/.*")


async def test_help_lists_the_tools(discord_server: FakeDiscord, bot: AdvisorBot) -> None:
    text = embed(await discord_server.slash("help"))["description"]
    assert "`/which-credential`" in text and "`/course-check`" in text
    assert "`/audit-risk accuracy required sample_size`" in text
