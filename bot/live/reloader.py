"""Reloading the knowledge base while the bot runs: validate first, swap the whole Advisor, keep
the last good one when an edit is broken, and say each broken state once.

Nothing here knows Discord: the bot passes what to do with the outcome (swap it in, tell the
mod-log, refresh the pinned FAQs).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.core.advisor import Advisor
from bot.core.knowledge import KnowledgeError
from bot.core.knowledge.diff import KnowledgeDiff, diff_knowledge
from bot.core.moderation import KnowledgeStatus, problem_lines

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class ReloadResult:
    outcome: Literal["applied", "unchanged", "failed"]
    advisor: Advisor  # what is served now: the new one, or the last good one
    diff: KnowledgeDiff = field(default_factory=KnowledgeDiff)
    problems: tuple[str, ...] = ()  # `file:line: message`, when it failed
    new_problems: bool = False  # a broken state not reported before

    def summary(self) -> str:
        """The one line for the mod-log."""
        kb = self.advisor.kb
        if self.outcome == "failed":
            return (
                f"Knowledge reload failed with {len(self.problems)} problem(s); still serving version "
                f"`{kb.version}`:"
            )
        if self.outcome == "unchanged":
            return f"Knowledge unchanged (version `{kb.version}`, {len(kb.topics)} topics)."
        what = self.diff.summary() if not self.diff.empty else "no entry changed (comments or layout only)"
        return f"Knowledge reloaded: {what}. Version `{kb.version}`, {len(kb.topics)} topics."


class KnowledgeReloader:
    """Holds the advisor being served and replaces it, whole, when the directory changes."""

    def __init__(
        self,
        directory: Path,
        advisor: Advisor,
        clock: Clock,
        build: Callable[[Path], Advisor] = lambda directory: Advisor.from_directory(directory).warm(),
    ) -> None:
        self.directory = Path(directory)
        self.advisor = advisor
        self.loaded_at = clock()
        self.clock = clock
        self._build = build
        self._lock = asyncio.Lock()
        self._failing: tuple[str, ...] = ()  # the problems of the current broken state, if any
        self._reported: str | None = None  # fingerprint of the broken state last reported
        self.attempts = 0  # reloads tried since start, shown by /kb status

    @property
    def last_problems(self) -> tuple[str, ...]:
        return self._failing

    def status(self, watching: bool, storage_problem: str | None) -> KnowledgeStatus:
        kb = self.advisor.kb
        return KnowledgeStatus(
            kb.version,
            len(kb.topics),
            len(kb.chapters),
            self.loaded_at,
            watching,
            self._failing,
            storage_problem,
            reloads=self.attempts,
        )

    async def reload(self) -> ReloadResult:
        """Load the directory again, off the event loop. One reload at a time; the swap itself is
        one assignment, so a request sees either the old knowledge base or the new one."""
        async with self._lock:
            self.attempts += 1
            try:
                candidate = await asyncio.to_thread(self._build, self.directory)
            except KnowledgeError as error:
                return self._failed(tuple(problem_lines(error.problems, self.directory)))
            except Exception as error:  # a bug or an unexpected file must not stop the bot
                log.exception("reloading %s failed", self.directory)
                return self._failed((f"{self.directory}: the reload failed unexpectedly: {error}",))
            self._failing, self._reported = (), None
            old = self.advisor
            if candidate.kb.version == old.kb.version:
                return ReloadResult("unchanged", old)
            self.advisor, self.loaded_at = candidate, self.clock()
            return ReloadResult("applied", candidate, diff_knowledge(old.kb, candidate.kb))

    def _failed(self, problems: tuple[str, ...]) -> ReloadResult:
        fingerprint = hashlib.sha256("\n".join(problems).encode()).hexdigest()
        new = fingerprint != self._reported
        self._failing, self._reported = problems, fingerprint
        return ReloadResult("failed", self.advisor, problems=problems, new_problems=new)
