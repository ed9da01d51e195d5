"""The offline console: the same commands as on Discord, typed in a terminal, drawn as text.

It is a second face over the same core: every command builds the same Reply the Discord layer
turns into an embed. A line without a leading slash is a question, as if typed after /ask.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import sys
from collections.abc import Callable
from typing import TextIO

from bot.core.advisor import Advisor, Answer
from bot.core.chapters import chapter_reply, no_chapter_reply
from bot.core.replies import Reply, error_reply, help_reply

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
    def __init__(
        self,
        advisor: Advisor,
        on_answer: Callable[[Answer], None] | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ):
        self.advisor = advisor
        self.on_answer = on_answer  # e.g. the question log, as the bot keeps one for /ask
        self.today = today  # which exam sittings are still ahead
        self.commands: dict[str, Callable[[list[str], str], Reply]] = {
            "ask": self._ask,
            "faq": self._faq,
            "compare": self._compare,
            "earnings": self._earnings,
            "topics": self._topics,
            "roadmap": self._roadmap,
            "chapter": self._chapter,
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
        answer = self.advisor.ask(rest)
        if self.on_answer is not None:
            self.on_answer(answer)
        return answer.reply

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
        )
        if not 3 <= len(args) <= 5:
            return error_reply(f"{usage}, e.g. /earnings 25 0.75 40")
        try:
            numbers = [float(a.lstrip("$")) for a in args]
        except ValueError:
            return error_reply(f"Those must be numbers. {usage}")
        weeks = numbers[3] if len(numbers) > 3 else 52
        compare = numbers[4] if len(numbers) > 4 else None
        return self.advisor.earnings_reply(numbers[0], numbers[1], numbers[2], weeks, compare)

    def _roadmap(self, args: list[str], rest: str) -> Reply:
        """All steps at once: a terminal scrolls, so there is nothing to page."""
        steps = [self.advisor.roadmap(i) for i in range(max(len(self.advisor.kb.roadmap), 1))]
        body = "\n\n".join(f"**{s.title}**\n{s.body}" for s in steps)
        return Reply(title="Career roadmap", body=body, kind="info")

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
