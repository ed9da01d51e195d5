"""The console at a terminal, driven through a pseudo-terminal the way a person types: keys, not lines."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.history import InMemoryHistory

from bot import terminal
from bot.console import Console
from bot.core.advisor import Advisor
from bot.terminal import LEAVE_HINT, ConsoleCompleter, open_history

READY = "\x1b[?2004h"  # prompt_toolkit turns bracketed paste on once its prompt reads keys
UP, CTRL_C, CTRL_D, TAB = "\x1b[A", "\x03", "\x04", "\t"
SGR = re.compile(r"\x1b\[[0-9;]*m")  # a colour or style
ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[=>])")
REMOVE_THE_A = "in one of three ways"  # in the answer of removing-the-a
PRO_FEE_BODY, PRO_FEE_END = (
    "bills the hospital",
    "reviewed 20",
)  # answer of professional-vs-facility, its footer


class Terminal:
    """`coding-advisor console` in a pseudo-terminal of 120 x 40."""

    def __init__(self, state: Path, no_color: bool = False) -> None:
        # LINES and COLUMNS (pytest-xdist sets 24 x 80) would override the pseudo-terminal's own size.
        unset = ("DISCORD_TOKEN", "NO_COLOR", "LINES", "COLUMNS")
        env = {k: v for k, v in os.environ.items() if k not in unset}
        env.update(CODING_ADVISOR_STATE_DIR=str(state), TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1")
        if no_color:
            env["NO_COLOR"] = "1"
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "bot", "console"],
            env=env,
            dimensions=(40, 120),
            encoding="utf-8",
            timeout=30,
        )
        self.ready()

    def ready(self) -> str:
        """Wait for the prompt; what was written since the last wait."""
        self.child.expect_exact(READY)
        return str(self.child.before)

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def wait_for(self, text: str) -> str:
        self.child.expect_exact(text)
        return str(self.child.before)

    def finish(self) -> tuple[int | None, str]:
        """Wait for the console to exit: its exit status and its last output, escapes removed."""
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus, ESCAPES.sub("", str(self.child.before))


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state"


def history(state: Path) -> list[str]:
    lines = (state / terminal.HISTORY_FILE).read_text(encoding="utf-8").splitlines()
    return [line[1:] for line in lines if line.startswith("+")]


def test_tab_completes_a_command_then_a_topic_id(state: Path) -> None:
    console = Terminal(state)
    console.send("/fa")
    console.wait_for("open one topic")  # the menu offers /faq as it is typed
    console.send(TAB)
    console.send("professional-vs-f")
    console.wait_for("Professional (pro-fee) vs facility coding")  # offered in the menu
    console.send(TAB + "\r")
    console.wait_for(PRO_FEE_BODY)
    console.ready()
    console.send(CTRL_D)
    assert console.finish()[0] == 0
    assert history(state) == ["/faq professional-vs-facility"]


def test_up_recalls_the_previous_question_in_this_session_and_the_next(state: Path) -> None:
    console = Terminal(state)
    console.send("how do i remove the a\r")
    console.wait_for(REMOVE_THE_A)
    console.ready()
    console.send("/help\r")
    console.wait_for("How I can help")
    console.ready()
    console.send(UP + UP + "\r")  # past /help to the question
    console.wait_for(REMOVE_THE_A)
    console.ready()
    console.send(CTRL_D)
    assert console.finish()[0] == 0
    again = Terminal(state)  # a new session reads the history kept in the state directory
    again.send(UP + "\r")
    again.wait_for(REMOVE_THE_A)
    again.ready()
    again.send(CTRL_D)
    assert again.finish()[0] == 0
    # A line repeating the one before it is not stored twice.
    assert history(state) == ["how do i remove the a", "/help", "how do i remove the a"]


def test_markdown_arrives_styled(state: Path) -> None:
    console = Terminal(state)
    console.send("/faq professional-vs-facility\r")
    console.wait_for(PRO_FEE_BODY)
    answer = console.wait_for(PRO_FEE_END)
    assert "\x1b[1mProfessional\x1b[0m" in answer  # a bold line, as on Discord
    assert "\x1b[3mboth\x1b[0m" in answer  # *both*, in italics
    assert " • " in answer and "**" not in answer
    console.send(CTRL_D)
    assert console.finish()[0] == 0


def test_no_color_removes_every_style(state: Path) -> None:
    console = Terminal(state, no_color=True)
    console.send("/faq professional-vs-facility\r")
    console.wait_for(PRO_FEE_BODY)
    answer = console.wait_for(PRO_FEE_END)
    assert "Professional" in answer and " • " in answer
    assert not SGR.search(answer), answer
    assert "**" not in answer
    console.send(CTRL_D)
    assert console.finish()[0] == 0


def test_ctrl_d_exits_0_on_a_new_line(state: Path) -> None:
    console = Terminal(state)
    console.send(CTRL_D)
    status, tail = console.finish()
    assert status == 0
    assert tail.endswith("\n")  # the shell's prompt starts on its own line


def test_ctrl_c_clears_the_line_and_a_second_one_leaves(state: Path) -> None:
    console = Terminal(state)
    console.send("half a question")
    console.send(CTRL_C)
    console.wait_for(LEAVE_HINT)
    console.ready()
    console.send("/help\r")  # the half question is gone, or this would not be a command
    console.wait_for("How I can help")
    console.ready()
    console.send(CTRL_C)
    console.wait_for(LEAVE_HINT)
    console.ready()
    console.send(CTRL_C)
    status, tail = console.finish()
    assert status == 0 and tail.endswith("\n")
    assert history(state) == ["/help"]


def test_a_long_reply_is_paged(state: Path) -> None:
    steps = len(Advisor.from_directory().kb.roadmap)
    console = Terminal(state)
    console.send("/roadmap\r")
    console.wait_for(f"Page 1/{steps}")
    console.ready()  # the pager waits for a key
    console.send("\r")
    console.wait_for(f"Page 2/{steps}")
    console.ready()
    console.send("q")
    console.ready()  # back at the prompt
    console.send(CTRL_D)
    assert console.finish()[0] == 0


# ------------------------------------------------------------------- the parts, without a terminal


@pytest.fixture(scope="module")
def completer() -> ConsoleCompleter:
    return ConsoleCompleter(Console(Advisor.from_directory()))


def completions(completer: ConsoleCompleter, text: str) -> list[str]:
    return [
        c.text for c in completer.get_completions(Document(text), CompleteEvent(completion_requested=True))
    ]


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("/fa", "/faq "),
        ("/COMP", "/compare "),
        ("/faq remvoing teh a", "removing-the-a"),
        ("/faq cred", "credentials"),  # the category, listing its topics
        ("/compare cpc vs cpa", "cpc"),
        ("/compare ccs, rhi", "rhit"),
        ("/topics pay", "earnings"),
        ("/topics ", "credentials"),
    ],
)
def test_what_tab_offers(completer: ConsoleCompleter, typed: str, first: str) -> None:
    assert completions(completer, typed)[0] == first


def test_tab_offers_categories_for_faq_and_nothing_for_a_question(completer: ConsoleCompleter) -> None:
    assert "credentials" in completions(completer, "/faq cred")
    assert completions(completer, "how do i") == []
    assert completions(completer, "/nope ") == []


def test_an_unwritable_state_directory_keeps_history_for_the_session(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    warnings = tmp_path / "warnings.txt"
    with warnings.open("w", encoding="utf-8") as warn:
        kept = open_history(blocker / "state", warn)
    assert isinstance(kept, InMemoryHistory)
    message = warnings.read_text(encoding="utf-8")
    assert message.count("\n") == 1 and "history kept for this session only" in message
    assert "CODING_ADVISOR_STATE_DIR" in message


def test_the_history_file_is_private_and_trimmed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(terminal, "HISTORY_MAX", 3)
    kept = open_history(tmp_path, sys.stderr)
    for number in range(5):
        kept.store_string(f"question {number}")
    assert (tmp_path / terminal.HISTORY_FILE).stat().st_mode & 0o777 == 0o600
    assert list(open_history(tmp_path, sys.stderr).load_history_strings()) == [
        "question 4",
        "question 3",
        "question 2",
    ]
    assert history(tmp_path) == ["question 2", "question 3", "question 4"]


def test_typing_with_the_output_in_a_pipe_gets_plain_lines(state: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "NO_COLOR")}
    env["CODING_ADVISOR_STATE_DIR"] = str(state)
    command = f"{sys.executable} -m bot console | cat; echo exit=${{PIPESTATUS[0]}}"
    child = pexpect.spawn("bash", ["-c", command], env=env, encoding="utf-8", timeout=30)
    child.expect_exact("> ")
    child.send("/faq professional-vs-facility\r")
    child.expect_exact("Sources:")  # the plain rendering
    child.send(CTRL_D)
    child.expect_exact("exit=0")
    assert "\x1b[" not in str(child.before) and "**" not in str(child.before)
    child.expect(pexpect.EOF)
