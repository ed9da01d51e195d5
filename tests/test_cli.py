"""The coding-advisor command, run as a user runs it: in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.charts import HEIGHT_PX, WIDTH_PX
from tests.helpers import png_size, write_knowledge


def run(
    *args: str, stdin: str | None = None, environ: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=_env() | (environ or {}),
    )


_state: dict[str, str] = {}


@pytest.fixture(autouse=True, scope="module")
def _question_log_elsewhere(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The questions these tests ask are logged in a temporary state_dir, not in the checkout."""
    _state["dir"] = str(tmp_path_factory.mktemp("state"))


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith("CODING_ADVISOR")}
    env["PYTHONIOENCODING"] = "utf-8"
    env["CODING_ADVISOR_STATE_DIR"] = _state["dir"]
    return env


def test_ask_json_has_the_documented_keys() -> None:
    done = run("ask", "cpc vs ccs which one should i get", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) >= {"question", "answered", "confidence", "matches", "text"}
    assert data["answered"] is True and 0 < data["confidence"] <= 1
    assert data["matches"][0]["id"] == "cpc-vs-ccs"
    assert {"id", "title", "score"} <= set(data["matches"][0])
    assert "CPC" in data["text"]


def test_ask_json_adds_figures_with_the_keys_of_earnings_json() -> None:
    asked = run("ask", "a chart takes me 4 min and pays 65c, what's that a month", "--json")
    assert asked.returncode == 0, asked.stderr
    data = json.loads(asked.stdout)
    assert data["answered"] is True and "$1,690 a month" in data["text"]
    calculated = run(
        "earnings", "--charts-per-hour", "15", "--rate", "0.65", "--hours-per-week", "40", "--json"
    )
    expected = json.loads(calculated.stdout)
    figures = data["figures"]
    assert {k: figures[k] for k in expected} == expected  # same keys, same values
    assert figures["read"] == ["4 min a chart (15 charts an hour)", "$0.65 a chart"]
    assert "full time, 40 hours a week" in figures["assumed"]
    plain = json.loads(run("ask", "what is the cpc", "--json").stdout)
    assert "figures" not in plain


def test_ask_reads_one_question_per_line_and_writes_one_object_per_line() -> None:
    done = run("ask", "-", "--json", stdin="how do i remove the a\nwhat is the best pizza in town\n")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [item["question"] for item in lines] == ["how do i remove the a", "what is the best pizza in town"]
    assert lines[0]["answered"] and lines[0]["matches"][0]["id"] == "removing-the-a"
    assert not lines[1]["answered"] and "not sure" in lines[1]["text"].lower()


def test_earnings_json_reproduces_the_article_example_correctly() -> None:
    done = run("earnings", "--charts-per-hour", "25", "--rate", "0.75", "--hours-per-week", "40", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["charts_per_week"], data["weekly"], data["biweekly"]) == (1000, 750, 1500)
    assert (data["monthly"], data["annual"], data["hourly"]) == (3250, 39000, 18.75)
    assert data["contractor"]["self_employment_tax"] == pytest.approx(5510.52, abs=0.01)


def test_earnings_text_with_a_comparison_and_a_target() -> None:
    done = run(
        "earnings",
        "--charts-per-hour",
        "25",
        "--rate",
        "$0.75",
        "--hours-per-week",
        "40",
        "--compare-charts-per-hour",
        "40",
        "--target-annual",
        "50000",
    )
    assert done.returncode == 0, done.stderr
    assert "$3,250" in done.stdout and "$1,200/week" in done.stdout
    assert "51.3 hours a week" in done.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["earnings", "--charts-per-hour", "abc", "--rate", "1", "--hours-per-week", "40"],
            "'abc' is not a number",
        ),
        (["earnings", "--charts-per-hour", "900", "--rate", "1", "--hours-per-week", "40"], "at most 200"),
        (["earnings", "--charts-per-hour", "20", "--rate", "1"], "--hours-per-week"),
        (["ask", "cpc", "--knowledge", "/nonexistent/dir"], "knowledge directory not found"),
        (["ask", "   "], "the question is empty"),
        (["run"], "no Discord token: set DISCORD_TOKEN"),
        (["run", "--config", "/nonexistent/config.yaml"], "config file not found"),
        (["console", "--config", "/nonexistent/config.yaml"], "config file not found"),
        (["sync", "--guild", "abc"], "invalid int value"),
    ],
)
def test_bad_input_gives_one_clear_line_and_no_traceback(args: list[str], words: str) -> None:
    done = run(*args)
    assert done.returncode != 0
    assert words in done.stderr
    assert "Traceback" not in done.stderr


def test_validate_the_shipped_knowledge() -> None:
    done = run("validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid" in done.stdout


def test_validate_reports_every_problem_with_path_and_line(tmp_path: Path) -> None:
    write_knowledge(tmp_path, {"topics/bad.yaml": "topics:\n  - id: Bad Id\n    titel: x\n"})
    done = run("validate", str(tmp_path))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert f"{tmp_path / 'topics' / 'bad.yaml'}:2: " in lines[0]
    assert any(":3: unknown key `titel`" in line and "did you mean `title`" in line for line in lines)
    assert "Traceback" not in done.stderr


def test_schema_is_json_schema_for_the_knowledge_files() -> None:
    done = run("schema")
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    assert schema["$schema"].endswith("2020-12/schema")
    assert {"topics", "credentials", "earnings_presets"} <= set(schema["properties"])


def test_the_committed_schema_matches_the_model() -> None:
    committed = (Path(__file__).parents[1] / "knowledge" / "schema.json").read_text(encoding="utf-8")
    assert committed == run("schema").stdout, "run: coding-advisor schema --write knowledge"


def test_help_everywhere() -> None:
    commands = ["ask", "earnings", "validate", "schema", "console", "run", "sync", "report"]
    commands += ["which-credential", "course-check", "audit-risk"]
    for args in ([], *([c] for c in commands)):
        done = run(*args, "--help")
        assert done.returncode == 0 and "usage: coding-advisor" in done.stdout


def test_no_token_starts_the_console() -> None:
    done = run(stdin="/earnings 25 0.75 40\n/quit\n")
    assert done.returncode == 0, done.stderr
    assert "offline console" in done.stdout and "$39,000" in done.stdout


# --- the question log and the report --------------------------------------------------------------


def _config(tmp_path: Path) -> Path:
    config = tmp_path / "config.yaml"
    config.write_text("storage:\n  path: log.sqlite3\n")  # relative to the config file
    return config


def test_asked_questions_are_logged_and_reported(tmp_path: Path) -> None:
    config = str(_config(tmp_path))
    questions = "best pizza in town?\nBest pizza in town\nhow do i remove the a\n"
    assert run("ask", "-", "--config", config, stdin=questions).returncode == 0
    assert run("ask", "what is the CPC credential", "--config", config, "--no-log").returncode == 0
    session = run("console", "--config", config, stdin="cpc or ccs which one should i get\n/quit\n")
    assert session.returncode == 0, session.stderr
    assert (tmp_path / "log.sqlite3").is_file()

    done = run("report", "--config", config, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"gaps", "top_topics", "answered", "declined"}
    assert (data["answered"], data["declined"]) == (2, 2)
    [gap] = data["gaps"]
    assert set(gap) == {"question", "count", "last_seen"}
    assert gap["question"].casefold().startswith("best pizza in town") and gap["count"] == 2
    assert {t["id"] for t in data["top_topics"]} == {"removing-the-a", "cpc-vs-ccs"}  # not cpc: --no-log
    assert set(data["top_topics"][0]) == {"id", "count", "helpful", "not_helpful"}

    text = run("report", "--config", config, "--days", "7")
    assert "last 7 days: 2 answered, 2 declined" in text.stdout and "   2  " in text.stdout


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        ("missing", "no question log at"),
        ("corrupt", "the database file is damaged"),
        ("days", "give at least 1 day"),
    ],
)
def test_report_problems_are_one_line(tmp_path: Path, setup: str, words: str) -> None:
    config = _config(tmp_path)
    if setup == "corrupt":
        (tmp_path / "log.sqlite3").write_bytes(b"not a database" * 100)
    args = ["report", "--config", str(config)] + (["--days", "0"] if setup == "days" else [])
    done = run(*args)
    assert done.returncode != 0
    assert words in done.stderr.strip().splitlines()[-1]  # argparse shows the usage line above it
    assert "Traceback" not in done.stderr


def test_a_broken_question_log_does_not_stop_the_answers(tmp_path: Path) -> None:
    config = _config(tmp_path)
    (tmp_path / "log.sqlite3").write_bytes(b"not a database" * 100)
    done = run("ask", "how do i remove the a", "--config", str(config))
    assert done.returncode == 0 and 'Removing the "A"' in done.stdout
    assert done.stderr.strip().startswith("coding-advisor: not logging questions:")
    assert "damaged" in done.stderr and len(done.stderr.strip().splitlines()) == 1


BAD_TOPIC = "topics:\n  - id: Bad Id\n    titel: x\n"


@pytest.mark.parametrize("where", ["before", "after"])
def test_validate_honours_knowledge_wherever_it_is_given(tmp_path: Path, where: str) -> None:
    write_knowledge(tmp_path, {"topics/bad.yaml": BAD_TOPIC})
    args = ["--knowledge", str(tmp_path), "validate"]
    done = run(*(args if where == "before" else args[2:] + args[:2]))
    assert done.returncode == 1, done.stdout
    assert str(tmp_path / "topics" / "bad.yaml") in done.stdout
    assert not done.stdout.rstrip().endswith(": valid")


@pytest.mark.parametrize("where", ["before", "after"])
def test_ask_and_earnings_honour_knowledge_wherever_it_is_given(tmp_path: Path, where: str) -> None:
    write_knowledge(tmp_path)
    option, command = ["--knowledge", str(tmp_path)], ["ask", "what is the ccs", "--json"]
    done = run(*(option + command if where == "before" else command + option))
    assert done.returncode == 0, done.stderr
    assert {m["id"] for m in json.loads(done.stdout)["matches"]} <= {"cpc", "ccs"}
    broken = write_knowledge(tmp_path / "broken", {"topics/bad.yaml": BAD_TOPIC})
    option = ["--knowledge", str(broken)]
    command = ["earnings", "--charts-per-hour", "25", "--rate", "1", "--hours-per-week", "40"]
    done = run(*(option + command if where == "before" else command + option))
    assert done.returncode == 1 and "bad.yaml:2:" in done.stderr


def test_validate_refuses_two_different_directories(tmp_path: Path) -> None:
    done = run("validate", str(tmp_path), "--knowledge", str(tmp_path / "other"))
    assert done.returncode == 2
    assert "--knowledge" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("option", ["--knowledge", None])
def test_run_and_sync_name_a_missing_knowledge_directory(tmp_path: Path, option: str | None) -> None:
    for command in ("run", "sync"):
        args = [command, "--knowledge", str(tmp_path / "nowhere")] if option else [command]
        environ = {"CODING_ADVISOR_KNOWLEDGE_DIR": str(tmp_path / "nowhere")} if not option else {}
        done = run(*args, environ={"DISCORD_TOKEN": "x", **environ})
        assert done.returncode == 2, done.stderr
        named = "--knowledge" if option else "CODING_ADVISOR_KNOWLEDGE_DIR"
        [line] = done.stderr.splitlines()
        assert named in line and "nowhere" in line and "not found" in line


def test_a_broken_pipe_never_turns_problems_into_success(tmp_path: Path) -> None:
    write_knowledge(tmp_path, {"topics/bad.yaml": BAD_TOPIC * 50})
    command = f"{sys.executable} -m bot validate {tmp_path} | head -1"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=60, env=_env()
    )
    assert done.returncode == 1, done.stderr
    assert len(done.stdout.splitlines()) == 1
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    valid = f"{sys.executable} -m bot validate | head -1"
    ok = subprocess.run(["bash", "-o", "pipefail", "-c", valid], capture_output=True, timeout=60, env=_env())
    assert ok.returncode == 0, ok.stderr


EARN = ["earnings", "--charts-per-hour", "25", "--rate", "0.75", "--hours-per-week", "40"]


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--compare-charts-per-hour", "-1"], "--compare-charts-per-hour must be at least 0.1, got -1"),
        (["--charts-per-hour", "0.05"], "--charts-per-hour must be at least 0.1, got 0.05"),
        (["--compare-charts-per-hour", "500"], "--compare-charts-per-hour must be at most 200"),
        (["--weeks-per-year", "60"], "--weeks-per-year must be at most 52"),
        (["--rate", "500"], "--rate must be at most 100"),
        (["--hours-per-week", "0"], "--hours-per-week must be at least 0.5"),
        (["--target-annual", "-5"], "--target-annual must be more than 0"),
        (["--target-annual", "10000000"], "--target-annual $10,000,000 is out of reach"),
        (["--target-annual", "10000000", "--json"], "--target-annual $10,000,000 is out of reach"),
        (["--charts-per-hour", "inf"], "'inf' is not a number"),
        (["--weeks-per-year", "nan"], "'nan' is not a number"),
        (["--target-annual=-inf"], "'-inf' is not a number"),
        (["--compare-charts-per-hour", "NaN"], "'NaN' is not a number"),
    ],
)
def test_earnings_errors_name_the_option_given(extra: list[str], words: str) -> None:
    done = run(*EARN, *extra)
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert words in line, line
    assert done.stdout == ""


def test_a_target_out_of_reach_says_so_with_the_hours_it_would_take() -> None:
    done = run(*EARN, "--target-annual", "10000000")
    assert "10,256.4 hours a week" in done.stderr and "at most 80" in done.stderr


def test_ask_keeps_one_output_line_per_input_line() -> None:
    done = run(
        "ask", "-", "--json", stdin="how do i remove the a\n\n   \ncpc or ccs which one should i get\n"
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [item["question"] for item in lines] == [
        "how do i remove the a",
        "",
        "",
        "cpc or ccs which one should i get",
    ]
    assert [item["answered"] for item in lines] == [True, False, False, True]


def test_every_config_problem_is_a_line_of_its_own(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("discord:\n  tokn: x\nlog_level: loud\n")
    done = run("run", "--config", str(config), environ={"DISCORD_GUILD_IDS": "abc"})
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "coding-advisor: environment variable DISCORD_GUILD_IDS='abc': 'abc' is not a server id: server ids "
        "are numbers, copy one in Discord with right-click on the server > Copy Server ID (turn on Developer "
        "Mode first)",
        f"coding-advisor: {config}:2: unknown key `tokn` in `discord`: did you mean `token`?",
        f"coding-advisor: {config}:3: `log_level`: use DEBUG, INFO, WARNING or ERROR",
    ]


def test_which_credential_json_keys() -> None:
    done = run(
        "which-credential", "--setting", "inpatient", "--experience-years", "0", "--goal", "remote", "--json"
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"recommended", "also_consider"} <= set(data)
    assert [r["id"] for r in data["recommended"]] == ["ccs", "cic"]
    assert all(set(r) == {"id", "title", "reasons"} and r["reasons"] for r in data["recommended"])
    assert data["also_consider"] == ["cca"]
    text = run("which-credential", "--setting", "billing", "--experience-years", "3")
    assert text.returncode == 0 and text.stdout.startswith("Billing: CPB")
    bad = run("which-credential", "--setting", "hospital", "--experience-years", "1")
    assert bad.returncode == 2 and "invalid choice: 'hospital'" in bad.stderr
    negative = run("which-credential", "--setting", "payer", "--experience-years", "-1")
    assert negative.returncode == 2
    assert negative.stderr.strip() == "coding-advisor: experience must be from 0 to 60 years, got -1"


def test_course_check_json_keys() -> None:
    done = run(
        "course-check", "--credential", "CPC", "--hours", "80", "--teaches", "ICD-10-CM,CPT,HCPCS Level II",
        "--practice-exams", "--anatomy", "--externship", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"verdict", "present", "missing"} <= set(data)
    assert data["verdict"] == "complete" and data["missing"] == ["billing-cycle"]
    assert "externship" in data["present"] and "contact-hours" in data["present"]
    short = json.loads(
        run("course-check", "--credential", "ccs", "--hours", "40", "--teaches", "CPT", "--json").stdout
    )
    assert short["verdict"] == "introductory" and "ICD-10-PCS" in short["missing"]
    bad = run("course-check", "--credential", "cpc", "--hours", "80", "--teaches", "ICD-9-CM")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "ICD-9-CM was replaced" in bad.stderr


def test_audit_risk_json_keys() -> None:
    done = run("audit-risk", "--accuracy", "0.95", "--required", "0.96", "--sample-size", "50", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"fail_probability", "pass_probability", "accuracy_for_95_percent_pass"} <= set(data)
    assert round(data["fail_probability"], 4) == 0.4595 and data["min_correct"] == 48
    text = run("audit-risk", "--accuracy", "95", "--required", "96", "--sample-size", "50")
    assert "a 50-chart audit fails about 46% of the time" in text.stdout
    bad = run("audit-risk", "--accuracy", "0.95", "--required", "0.96", "--sample-size", "0")
    assert bad.returncode == 2 and bad.stderr.strip().endswith(
        "sample size must be from 1 to 10,000 charts, got 0"
    )


def test_earnings_writes_the_chart(tmp_path: Path) -> None:
    chart = tmp_path / "earnings.png"
    args = ["earnings", "--charts-per-hour", "25", "--rate", "0.75", "--hours-per-week", "40"]
    done = run(*args, "--compare-charts-per-hour", "40", "--chart", str(chart), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["weekly"] == 750  # stdout stays JSON; the note goes to stderr
    assert f"chart written to {chart}" in done.stderr
    assert png_size(chart.read_bytes()) == (WIDTH_PX, HEIGHT_PX) == (960, 540)
    wrong = run(*args, "--chart", str(tmp_path / "earnings.jpg"))
    assert wrong.returncode == 2 and "give a file name ending in .png" in wrong.stderr
    missing = run(*args, "--chart", str(tmp_path / "no" / "such" / "dir.png"))
    assert (
        missing.returncode == 2
        and "cannot write the chart" in missing.stderr
        and "Traceback" not in missing.stderr
    )
