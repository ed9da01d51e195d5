"""The offline console: the same commands as on Discord, typed in a terminal.

It is a second face over the same core: every command builds the same Reply the Discord layer
turns into an embed. A line without a leading slash is a question, as if typed after /ask.
Arguments are read forgivingly: `/compare cpc vs ccs`, `/earnings 25 75c 40`, `/topics pay`.

At a terminal (standard input and output both terminals) bot/terminal.py adds line editing,
history, Tab completion and styled replies; otherwise lines are read and answered as plain text,
so scripts and pipes keep working.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shlex
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

from bot.core.advisor import Advisor, Answer
from bot.core.chapters import chapter_reply, no_chapter_reply
from bot.core.earnings import EarningsQuestion
from bot.core.knowledge.model import COURSE_ITEMS, FIT_GOALS, FIT_SETTINGS
from bot.core.replies import COMMANDS, QUIZ_QUESTIONS, QUIZ_TITLE, Reply, command, error_reply, help_reply
from bot.core.tools.course_check import CourseOffer

QUIT = {"/quit", "/exit", "quit", "exit"}
BANNER = "coding-advisor — offline console. Ask a question, or type /help for the commands, /quit to leave."
CONSOLE_HELP = (
    ("/quit", "leave (or Ctrl-D)"),
    ("Tab, ↑", "complete commands, topics, credentials and categories; recall earlier lines"),
)
EARNINGS_USAGE = f"Usage: /earnings {command('earnings').arguments.upper()} [--chart FILE.png]"
AUDIT_USAGE = f"Usage: /audit-risk {command('audit-risk').arguments.upper()}"

# Plain text: Discord's Markdown reduced to what reads well without styles.
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])|(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)")
_CODE = re.compile(r"`([^`\n]+)`")
_HEADING = re.compile(r"^(?:#{1,3}|-#) +", re.MULTILINE)
# /compare: what people put between two credentials.
_PAIR = re.compile(r"\s*(?:,|&|/|\bvs\b\.?|\bversus\b|\band\b|\bor\b|\bwith\b)\s*", re.IGNORECASE)
# /earnings: "$0.75", "0.75", "75c", "75¢", "75 cents", "1,000".
_MONEY = re.compile(r"\$?(\d+(?:\.\d*)?|\.\d+)(¢|c|cents?)?", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_CENTS_APART = re.compile(r"(\d)\s+(¢|cents?\b)", re.IGNORECASE)


def plain_markdown(text: str) -> str:
    """Markdown as plain text: links spelled out, bold, italics, code and heading marks removed."""
    text = _LINK.sub(r"\1 <\2>", text)
    text = _BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    text = _ITALIC.sub(lambda m: m.group(1) or m.group(2), text)
    text = _CODE.sub(r"\1", text)
    return _HEADING.sub("", text)


def render(reply: Reply, width: int = 100) -> str:
    """A Reply as plain text, for scripts, pipes and `ask --json`: no styles, every page in turn."""
    out = [plain_markdown(reply.title), "=" * min(len(reply.title), width)]
    pages = reply.all_pages
    for number, page in enumerate(pages, 1):
        if len(pages) > 1:
            out.append(f"-- page {number}/{len(pages)} --")
        out.append(plain_markdown(page))
    for field in reply.fields:
        out.append(f"\n{plain_markdown(field.name)}:\n  " + plain_markdown(field.value).replace("\n", "\n  "))
    if reply.sources:
        out.append("\nSources:")
        out.extend(f"  - {s.title} <{s.url}>" for s in reply.sources)
    if reply.related:
        out.append("\nRelated: " + " · ".join(f"/faq {r.id}" for r in reply.related))
    if reply.footer:
        out.append(f"\n({reply.footer})")
    return "\n".join(out).strip() + "\n"


def split_pair(text: str) -> tuple[str, str] | None:
    """Two names from "cpc ccs", "cpc vs ccs", "CPC, CCS", "cpc and ccs" or "ccs-p or cpc"."""
    parts = [p.strip() for p in _PAIR.split(text) if p.strip()]
    if len(parts) == 1:
        parts = parts[0].split()
    return (parts[0], parts[1]) if len(parts) == 2 else None


def read_money(text: str) -> float | None:
    """Dollars from "$0.75", "0.75", "75c", "75¢" or "75cents"; None if it is not an amount."""
    match = _MONEY.fullmatch(text.strip().replace(",", ""))
    if match is None:
        return None
    value = float(match.group(1))
    return value / 100 if match.group(2) else value


def read_number(text: str) -> float | None:
    cleaned = text.strip().replace(",", "")
    return float(cleaned) if _NUMBER.fullmatch(cleaned) else None


class Console:
    """Lines in, Replies out: the commands of the Discord bot, with forgiving arguments."""

    def __init__(
        self,
        advisor: Advisor,
        state_dir: Path | None = None,
        on_answer: Callable[[Answer], None] | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ):
        self.advisor = advisor
        self.state_dir = state_dir  # where the history is kept at a terminal (None: not kept)
        self.on_answer = on_answer  # e.g. the question log, as the bot keeps one for /ask
        self.today = today  # which exam sittings are still ahead
        # The commands of the one list, each run by the method of its name (/which-credential: _which_credential).
        self.commands: dict[str, Callable[[list[str], str], Reply]] = {
            c.name: getattr(self, "_" + c.name.replace("-", "_")) for c in COMMANDS
        }

    def command_help(self) -> dict[str, str]:
        """Command name -> what it does, from the one list /help shows, plus the console's own."""
        own = {usage.split()[0].lstrip("/"): what for usage, what in CONSOLE_HELP}
        return {c.name: c.about for c in COMMANDS} | {"quit": own["quit"]}

    def reply(self, line: str) -> Reply | None:
        """One line of input -> the reply to show (None for a blank line)."""
        line = line.strip()
        if not line:
            return None
        if not line.startswith("/"):
            return self._ask([], line)
        name, _, rest = line[1:].partition(" ")
        command = self.commands.get(name.lower())
        if command is None:
            return error_reply(f"Unknown command /{name}. Type /help for the list.")
        try:
            args = shlex.split(rest)
        except ValueError as error:
            return error_reply(f"Could not read that: {error}.")
        return command(args, rest.strip())

    def handle(self, line: str) -> str:
        """One line of input -> the plain text to show (empty for a blank line)."""
        reply = self.reply(line)
        return render(reply) if reply is not None else ""

    def run(
        self,
        stdin: TextIO = sys.stdin,
        stdout: TextIO = sys.stdout,
        environ: Mapping[str, str] | None = None,
    ) -> int:
        """Read lines until end of input or /quit; at a terminal, the full interactive console."""
        environ = os.environ if environ is None else environ
        if stdin.isatty() and stdout.isatty():
            from bot.terminal import interactive

            return interactive(self, stdout, environ, self.state_dir)
        print(BANNER, file=stdout)
        person = stdin.isatty()  # typing, with the output going to a file or a pipe
        try:
            while True:
                if person:
                    stdout.write("\n> ")
                    stdout.flush()
                line = stdin.readline()
                if not line or line.strip().lower() in QUIT:
                    if person and not line:
                        stdout.write("\n")  # Ctrl-D: the shell's prompt on its own line
                    return 0
                output = self.handle(line)
                if output:
                    print(output, file=stdout)
        except KeyboardInterrupt:
            if not person:
                raise  # a script interrupted: the usual 130
            stdout.write("\n")
            return 0

    def _ask(self, args: list[str], rest: str) -> Reply:
        if not rest:
            return error_reply("Type a question after /ask, e.g. /ask cpc or ccs?")
        answer = self.advisor.ask(rest)
        if self.on_answer is not None:
            self.on_answer(answer)
        return answer.reply

    def _faq(self, args: list[str], rest: str) -> Reply:
        if not rest:
            return self.advisor.topics()
        return self.advisor.faq(rest)

    def _compare(self, args: list[str], rest: str) -> Reply:
        quoted = len(args) == 2 and any(
            q in rest for q in "\"'"
        )  # /compare "certified coding specialist" cpc
        pair = (args[0], args[1]) if quoted else split_pair(rest)
        if pair is None:
            return error_reply("Name two credentials, e.g. /compare cpc ccs or /compare cpc vs ccs")
        return self.advisor.compare(*pair)

    def _earnings(self, args: list[str], rest: str) -> Reply:
        chart: Path | None = None
        if "--chart" in args:
            at = args.index("--chart")
            if at + 1 >= len(args):
                return error_reply(f"Name the file after --chart. {EARNINGS_USAGE}")
            chart = Path(args[at + 1]).expanduser()
            args = args[:at] + args[at + 2 :]
        args = _CENTS_APART.sub(r"\1\2", " ".join(args)).split()  # "75 cents" is one amount
        if not 3 <= len(args) <= 5:
            return error_reply(f"{EARNINGS_USAGE}, e.g. /earnings 25 0.75 40 or /earnings 25 75c 40")
        numbers = [read_money(a) if position == 1 else read_number(a) for position, a in enumerate(args)]
        if any(n is None for n in numbers):
            wrong = ", ".join(repr(a) for a, n in zip(args, numbers, strict=True) if n is None)
            return error_reply(
                f"Those must be numbers ({wrong}); the rate may be $0.75 or 75c. {EARNINGS_USAGE}"
            )
        charts, rate, hours, *more = (n for n in numbers if n is not None)
        question = EarningsQuestion(charts, rate, hours, *more)  # more: weeks a year, a pace to compare
        reply = self.advisor.earnings_reply(question)
        if chart is None or reply.kind == "error":
            return reply
        from bot.charts import ChartError, write_earnings_png

        try:
            written = write_earnings_png(chart, self.advisor.earnings_curve(self.advisor.earnings(question)))
        except ChartError as error:
            return error_reply(f"{error}.")
        return dataclasses.replace(reply, footer=f"{reply.footer} · chart written to {written}")

    def _which_credential(self, args: list[str], rest: str) -> Reply:
        """The quiz with its answers typed at once; with none, the questions and their choices."""
        fit = self.advisor.kb.credential_fit
        if fit is None:
            return error_reply("The moderators have not set up the credential quiz yet.")
        usage = f"Usage: /which-credential SETTING YEARS [{'|'.join(FIT_GOALS)}], e.g. /which-credential inpatient 0 remote"
        if not 2 <= len(args) <= 3:
            settings = "\n".join(f"- `{s.id}`: {s.label}" for s in fit.settings if s.id in FIT_SETTINGS)
            body = (
                f"1. {QUIZ_QUESTIONS[0]}\n{settings}\n\n2. {QUIZ_QUESTIONS[1]} Years, e.g. "
                + ", ".join(f"`{c.years:g}` ({c.label})" for c in fit.experience)
                + f"\n\n3. {QUIZ_QUESTIONS[2]} `remote`, or leave it out.\n\n{usage}"
            )
            return Reply(title=QUIZ_TITLE, body=body, kind="info")
        try:
            years = float(args[1])
        except ValueError:
            return error_reply(f"Years must be a number, e.g. 0 or 1.5. {usage}")
        return self.advisor.which_credential_reply(args[0], years, args[2] if len(args) > 2 else None)

    def _course_check(self, args: list[str], rest: str) -> Reply:
        items = " ".join(f"[{item}]" for item in COURSE_ITEMS)
        usage = (
            f"Usage: /course-check CREDENTIAL HOURS CODE_SETS {items} [$PRICE], "
            "e.g. /course-check cpc 80 ICD-10-CM,CPT,HCPCS practice-exams anatomy $1999"
        )
        if len(args) < 3:
            return error_reply(usage)
        credential, hours_text, teaches, *extra = args
        price: float | None = None
        offers: list[str] = []
        for word in extra:
            if word.startswith("$"):
                try:
                    price = float(word[1:].replace(",", ""))
                except ValueError:
                    return error_reply(f"{word!r} is not a price. {usage}")
            else:
                offers.append(word.lstrip("-"))
        try:
            hours = float(hours_text)
        except ValueError:
            return error_reply(f"Contact hours must be a number, got {hours_text!r}. {usage}")
        return self.advisor.course_check_reply(CourseOffer(credential, hours, teaches, offers, price))

    def _audit_risk(self, args: list[str], rest: str) -> Reply:
        usage = f"{AUDIT_USAGE}, e.g. /audit-risk 0.95 0.96 50 (or 95 96 50)"
        if len(args) != 3:
            return error_reply(usage)
        try:
            accuracy, required, sample = (float(a.rstrip("%")) for a in args)
        except ValueError:
            return error_reply(f"Those must be numbers. {usage}")
        return self.advisor.audit_risk_reply(accuracy, required, sample)

    def _roadmap(self, args: list[str], rest: str) -> Reply:
        """One page per step, as the Discord buttons page through them."""
        return self.advisor.roadmap_pages()

    def _chapter(self, args: list[str], rest: str) -> Reply:
        """A terminal has no channel: a chapter by id, or the list of them."""
        kb = self.advisor.kb
        if rest in kb.chapters:
            return chapter_reply(kb, rest, self.today())
        listing = no_chapter_reply(kb)
        if not kb.chapters:
            return listing
        ids = ", ".join(kb.chapters)
        return Reply(title="Local chapters", body=f"{listing.body}\n\nType `/chapter ID` with one of: {ids}.")

    def _topics(self, args: list[str], rest: str) -> Reply:
        return self.advisor.topics(rest or None)

    def _help(self, args: list[str], rest: str) -> Reply:
        return help_reply(CONSOLE_HELP)
