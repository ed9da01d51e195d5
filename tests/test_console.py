"""The offline console, driven through its input like a user at the prompt."""

from __future__ import annotations

import io

import pytest

from bot.console import Console
from bot.core.advisor import Advisor


@pytest.fixture(scope="module")
def console() -> Console:
    return Console(Advisor.from_directory())


def session(console: Console, *lines: str) -> str:
    out = io.StringIO()
    assert console.run(io.StringIO("\n".join(lines) + "\n"), out) == 0
    return out.getvalue()


def test_a_session_of_every_command(console: Console) -> None:
    text = session(
        console,
        "/help",
        "/ask cpc vs ccs",
        "how do i get experience without a job",
        "/faq removing-the-a",
        "/compare cpc ccs",
        "/earnings 25 0.75 40",
        "/topics",
        "/topics earnings",
        "/quit",
        "/ask this line is never read",
    )
    assert "/compare" in text  # help
    assert text.count("Sources:") >= 3  # two questions and one faq, each with its sources
    assert "CPC (Certified Professional Coder) vs CCS" in text
    assert "$39,000" in text and "$3,250" in text
    assert "Pay and earnings" in text
    assert "never read" not in text


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("/frobnicate", "Unknown command /frobnicate"),
        ("/compare cpc", "Name two credentials"),
        ("/earnings 25 abc 40", "must be numbers"),
        ("/earnings 25 0.75", "Usage: /earnings"),
        ("/earnings 25 0.75 100", "at most 80"),
        ("/earnings 25 inf 40", "pay per chart (USD): inf is not a number"),
        ("/earnings nan 0.75 40", "charts per hour: nan is not a number"),
        ('/ask "unclosed', "Could not read that"),
        ("/topics nope", "Categories:"),
    ],
)
def test_mistakes_get_a_clear_message(console: Console, line: str, words: str) -> None:
    assert words in console.handle(line)


def test_blank_lines_print_nothing(console: Console) -> None:
    assert console.handle("   ") == ""


def test_hostile_text_is_handled(console: Console) -> None:
    for line in ("@everyone " * 50, "\u200b\u200b\u200b", "コーディングの資格", "x" * 6000, "**__~~||`"):
        assert console.handle(line).strip()
