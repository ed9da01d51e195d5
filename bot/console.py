"""The offline console: the same commands as on Discord, typed in a terminal, drawn as text.

It is a second face over the same core: every command builds the same Reply the Discord layer
turns into an embed. A line without a leading slash is a question, as if typed after /ask.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.core.advisor import Advisor
from bot.core.earnings import EarningsInputError
from bot.core.knowledge.model import COURSE_ITEMS, FIT_GOALS, FIT_SETTINGS
from bot.core.replies import QUIZ_QUESTIONS, QUIZ_TITLE, Reply, error_reply, help_reply
from bot.core.tools.course_check import CourseOffer

_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
QUIT = {"/quit", "/exit", "quit", "exit"}
BANNER = "coding-advisor — offline console. Ask a question, or type /help for the commands, /quit to leave."


def render(reply: Reply, width: int = 100) -> str:
    """A Reply as terminal text: Markdown links spelled out, bold kept as plain text."""

    def plain(text: str) -> str:
        return _BOLD.sub(r"\1", _LINK.sub(r"\1 <\2>", text))

    out = [plain(reply.title), "=" * min(len(reply.title), width)]
    pages = reply.all_pages
    for number, page in enumerate(pages, 1):
        if len(pages) > 1:
            out.append(f"-- page {number}/{len(pages)} --")
        out.append(plain(page))
    for field in reply.fields:
        out.append(f"\n{plain(field.name)}:\n  " + plain(field.value).replace("\n", "\n  "))
    if reply.sources:
        out.append("\nSources:")
        out.extend(f"  - {s.title} <{s.url}>" for s in reply.sources)
    if reply.related:
        out.append("\nRelated: " + " · ".join(f"/faq {r.id}" for r in reply.related))
    if reply.footer:
        out.append(f"\n({reply.footer})")
    return "\n".join(out).strip() + "\n"


class Console:
    def __init__(self, advisor: Advisor):
        self.advisor = advisor
        self.commands: dict[str, Callable[[list[str], str], Reply]] = {
            "ask": self._ask,
            "faq": self._faq,
            "compare": self._compare,
            "earnings": self._earnings,
            "topics": self._topics,
            "roadmap": self._roadmap,
            "which-credential": self._which_credential,
            "course-check": self._course_check,
            "audit-risk": self._audit_risk,
            "help": lambda args, rest: help_reply(),
        }

    def handle(self, line: str) -> str:
        """One line of input -> the text to show (empty for a blank line)."""
        line = line.strip()
        if not line:
            return ""
        if not line.startswith("/"):
            return render(self._ask([], line))
        name, _, rest = line[1:].partition(" ")
        command = self.commands.get(name.lower())
        if command is None:
            return render(error_reply(f"Unknown command /{name}. Type /help for the list."))
        try:
            args = shlex.split(rest)
        except ValueError as error:
            return render(error_reply(f"Could not read that: {error}."))
        return render(command(args, rest.strip()))

    def run(self, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
        interactive = stdin.isatty()
        print(BANNER, file=stdout)
        while True:
            if interactive:
                stdout.write("\n> ")
                stdout.flush()
            line = stdin.readline()
            if not line or line.strip().lower() in QUIT:
                return 0
            output = self.handle(line)
            if output:
                print(output, file=stdout)

    def _ask(self, args: list[str], rest: str) -> Reply:
        if not rest:
            return error_reply("Type a question after /ask, e.g. /ask cpc or ccs?")
        return self.advisor.ask(rest).reply

    def _faq(self, args: list[str], rest: str) -> Reply:
        if not rest:
            return self.advisor.topics()
        return self.advisor.faq(rest)

    def _compare(self, args: list[str], rest: str) -> Reply:
        if len(args) != 2:
            return error_reply("Name two credentials, e.g. /compare cpc ccs")
        return self.advisor.compare(*args)

    def _earnings(self, args: list[str], rest: str) -> Reply:
        usage = (
            "Usage: /earnings CHARTS_PER_HOUR RATE HOURS_PER_WEEK [WEEKS_PER_YEAR] [COMPARE_CHARTS_PER_HOUR]"
            " [--chart FILE.png]"
        )
        chart: Path | None = None
        if "--chart" in args:
            at = args.index("--chart")
            if at + 1 >= len(args):
                return error_reply(f"Name the file after --chart. {usage}")
            chart = Path(args[at + 1]).expanduser()
            args = args[:at] + args[at + 2 :]
        if not 3 <= len(args) <= 5:
            return error_reply(f"{usage}, e.g. /earnings 25 0.75 40")
        try:
            numbers = [float(a.lstrip("$")) for a in args]
        except ValueError:
            return error_reply(f"Those must be numbers. {usage}")
        weeks = numbers[3] if len(numbers) > 3 else 52
        compare = numbers[4] if len(numbers) > 4 else None
        reply = self.advisor.earnings_reply(numbers[0], numbers[1], numbers[2], weeks, compare)
        if chart is None or reply.kind == "error":
            return reply
        from bot.charts import ChartError, write_earnings_png

        try:
            figures = self.advisor.earnings_with_comparison(
                numbers[0], numbers[1], numbers[2], weeks, compare
            )
            written = write_earnings_png(chart, self.advisor.earnings_curve(*figures))
        except (ChartError, EarningsInputError) as error:
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
        usage = (
            "Usage: /audit-risk ACCURACY REQUIRED SAMPLE_SIZE, e.g. /audit-risk 0.95 0.96 50 (or 95 96 50)"
        )
        if len(args) != 3:
            return error_reply(usage)
        try:
            accuracy, required, sample = (float(a.rstrip("%")) for a in args)
        except ValueError:
            return error_reply(f"Those must be numbers. {usage}")
        return self.advisor.audit_risk_reply(accuracy, required, sample)

    def _roadmap(self, args: list[str], rest: str) -> Reply:
        """All steps at once: a terminal scrolls, so there is nothing to page."""
        steps = [self.advisor.roadmap(i) for i in range(max(len(self.advisor.kb.roadmap), 1))]
        body = "\n\n".join(f"**{s.title}**\n{s.body}" for s in steps)
        return Reply(title="Career roadmap", body=body, kind="info")

    def _topics(self, args: list[str], rest: str) -> Reply:
        return self.advisor.topics(rest or None)
