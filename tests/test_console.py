"""The offline console, driven through its input like a user at the prompt."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from bot.console import EARNINGS_USAGE, Console
from bot.core.advisor import Advisor
from bot.core.replies import COMMANDS
from tests.helpers import CREDENTIALS, curve_for, png_size, write_knowledge


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
        ("/compare cpa ccs", "'cpa' (did you mean CPC?)"),
        ("/earnings 25 abc 40", "must be numbers ('abc')"),
        ("/earnings 25 75 dollars 40", "must be numbers ('dollars')"),
        ("/earnings 25 0.75", "Usage: /earnings"),
        ("/earnings 25 0.75 100", "at most 80"),
        ("/earnings 0.05 0.75 40", "charts per hour must be at least 0.1, got 0.05"),  # as Discord refuses it
        ("/earnings 25 0.75 40 52 500", "compared charts per hour must be at most 200"),
        ("/earnings 25 inf 40", "must be numbers ('inf')"),
        ("/earnings nan 0.75 40", "must be numbers ('nan')"),
        ('/ask "unclosed', "Could not read that"),
        ("/topics nope", "Categories:"),
        ("/which-credential hospital 1", "unknown setting 'hospital'"),
        ("/which-credential payer lots", "Years must be a number"),
        ("/course-check cpc", "Usage: /course-check CREDENTIAL HOURS CODE_SETS"),
        ("/course-check cpc 80 ICD-9-CM", "ICD-9-CM was replaced"),
        ("/course-check cpc 80 CPT $lots", "'$lots' is not a price"),
        ("/audit-risk 0.95 0.96", "Usage: /audit-risk"),
        ("/audit-risk 0.95 0.96 0", "sample size must be from 1"),
        ("/earnings 25 0.75 40 --chart", "Name the file after --chart"),
        ("/earnings 25 0.75 40 --chart chart.gif", "give a file name ending in .png"),
    ],
)
def test_mistakes_get_a_clear_message(console: Console, line: str, words: str) -> None:
    assert words in console.handle(line)


def test_the_tools_in_the_console(console: Console) -> None:
    quiz = console.handle("/which-credential")
    assert "Where do you want to work?" in quiz and "risk-adjustment: Risk adjustment (HCC)" in quiz
    assert console.handle("/which-credential outpatient-facility 0").startswith(
        "Hospital outpatient or ED facility: COC"
    )
    assert "Remote coding jobs" in console.handle("/which-credential payer 0 remote")
    course = console.handle(
        "/course-check ccs 120 'ICD-10-CM, ICD-10-PCS, CPT, HCPCS Level II' --practice-exams anatomy $3,000"
    )
    assert (
        course.startswith("Looks complete for the CCS")
        and "$3,000 for 120 contact hours is $25 an hour" in course
    )
    audit = console.handle("/audit-risk 95% 96% 50")
    assert "fails about 46% of the time" in audit and "48 of 50" in audit


def test_the_earnings_chart_from_the_console_is_the_cli_picture(console: Console, tmp_path: Path) -> None:
    chart = tmp_path / "console.png"
    text = console.handle(f"/earnings 25 0.75 40 52 40 --chart {chart}")
    assert "$39,000" in text and f"chart written to {chart}" in text
    assert png_size(chart.read_bytes()) == (960, 540)
    from bot.charts import earnings_png

    same = earnings_png(curve_for(console.advisor, 25, 0.75, 40, 52, 40))
    assert chart.read_bytes() == same
    assert "must be at most 200" in console.handle(f"/earnings 500 0.75 40 --chart {tmp_path / 'bad.png'}")
    assert not (tmp_path / "bad.png").exists()


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


@pytest.mark.parametrize(
    "line",
    [
        "/compare cpc ccs",
        "/compare cpc vs ccs",
        "/compare cpc and ccs",
        "/compare CPC, CCS",
        "/compare cpc vs. ccs",
    ],
)
def test_compare_reads_two_credentials_however_they_are_written(console: Console, line: str) -> None:
    assert console.handle(line).startswith("CPC (Certified Professional Coder) vs CCS")


def test_compare_takes_names_of_several_words(console: Console) -> None:
    assert console.handle('/compare "certified coding specialist" cpc').startswith("CCS (")
    assert console.handle("/compare certified coding specialist vs cpc").startswith("CCS (")


@pytest.mark.parametrize("rate", ["0.75", "$0.75", "75c", "75¢", "75 cents", ".75"])
def test_earnings_reads_the_rate_in_dollars_or_cents(console: Console, rate: str) -> None:
    text = console.handle(f"/earnings 25 {rate} 40")
    assert "$39,000" in text and "$0.75" in text


@pytest.mark.parametrize("words", ["pay", "Credentials", "CREDENTIALS", "earnings", "Pay and earnings"])
def test_topics_finds_a_category_by_id_or_title_in_any_case(console: Console, words: str) -> None:
    text = console.handle(f"/topics {words}")
    assert "/faq " in text and "Categories:" not in text


def test_faq_with_a_category_lists_that_category(console: Console) -> None:
    text = console.handle("/faq credentials")
    assert text.startswith("🎓 Credentials") and "/faq cpc-vs-ccs" in text


def test_plain_output_shows_no_markdown_marks(console: Console) -> None:
    text = console.handle("/faq professional-vs-facility")
    assert "**" not in text and "*both*" not in text and "produces both claims" in text
    assert "`" not in console.handle("what is the best pizza")  # the decline's `/faq id` hints


def test_the_roadmap_comes_in_the_pages_discord_shows(console: Console) -> None:
    steps = console.advisor.kb.roadmap
    text = console.handle("/roadmap")
    assert f"-- page 1/{len(steps)} --" in text and f"-- page {len(steps)}/{len(steps)} --" in text
    assert all(step.title in text for step in steps)


def test_help_mentions_tab_and_quit(console: Console) -> None:
    text = console.handle("/help")
    assert "/quit" in text and "Tab" in text


def test_the_console_runs_and_completes_every_command_help_lists(console: Console) -> None:
    names = [c.name for c in COMMANDS]
    assert list(console.commands) == names
    assert list(console.command_help()) == [*names, "quit"]
    text = console.handle("/help")
    assert all(f"{c.usage} — {c.about}" in text for c in COMMANDS)
    assert EARNINGS_USAGE.startswith("Usage: /earnings CHARTS_PER_HOUR RATE HOURS_PER_WEEK [WEEKS_PER_YEAR]")
