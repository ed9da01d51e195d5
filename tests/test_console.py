"""The offline console, driven through its input like a user at the prompt."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from bot.console import Console
from bot.core.advisor import Advisor
from tests.helpers import CREDENTIALS, write_knowledge


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


def test_chapters_in_the_console(console: Console, tmp_path: Path) -> None:
    assert "No local chapters yet" in console.handle("/chapter")  # the shipped knowledge has none
    chapters = """
        chapters:
          - id: nyc
            name: NYC chapter
            channels: [111]
            meetings: Second Tuesday, 7 pm
            exam_sittings:
              - {date: 2027-03-13, credential: cpc, place: Midtown Library}
        """
    write_knowledge(tmp_path, {"credentials.yaml": CREDENTIALS, "chapters.yaml": chapters})
    local = Console(Advisor.from_directory(tmp_path), today=lambda: dt.date(2027, 1, 10))
    listing = local.handle("/chapter")
    assert "**NYC chapter**" not in listing and "NYC chapter" in listing and "/chapter ID" in listing
    card = local.handle("/chapter nyc")
    assert "Second Tuesday, 7 pm" in card and "Saturday 13 March 2027: CPC at Midtown Library" in card


def test_console_questions_go_to_the_question_log() -> None:
    asked: list[str] = []
    logged = Console(Advisor.from_directory(), on_answer=lambda answer: asked.append(answer.result.question))
    logged.handle("how do i remove the a")
    logged.handle("/ask best pizza in town")
    logged.handle("/faq cpc")  # opening a topic is not a question
    assert asked == ["how do i remove the a", "best pizza in town"]
