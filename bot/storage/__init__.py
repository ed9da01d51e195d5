"""What the bot remembers, behind one small interface the faces use: the question log, helpful
votes and the pinned FAQs it keeps current. Cogs never write SQL; a PostgreSQL backend for several
bot processes (shards) can implement `Store` without touching them.

Privacy: no user id, name or message id of a student is stored. A logged question keeps its text,
the topic it matched, the confidence, whether it was answered, and the chapter of the channel.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from bot.core.advisor import Answer
from bot.core.limits import QUESTION_MAX
from bot.core.moderation import LISTED_MAX, QuestionReport

Source = Literal["discord", "console", "cli"]
QUESTION_ID_BITS = 63  # SQLite's INTEGER PRIMARY KEY is a signed 64-bit integer


def new_question_id() -> int:
    """An id for a question not logged yet, drawn at random: the bot puts it in the answer's buttons
    and logs the question once the answer is sent. Random, it says nothing about how many questions
    came before, and two never meet in practice (one chance in 2**63 per question logged)."""
    return secrets.randbits(QUESTION_ID_BITS)


class StorageError(Exception):
    """The database cannot be used; the message is one line naming the file and what to do."""


@dataclass(frozen=True)
class LoggedQuestion:
    asked_at: dt.datetime
    question: str
    topic_id: str | None  # the topic answered with; for a decline, the closest one considered
    confidence: float
    kind: str  # the reply's kind: answer, figures, decline, greeting, error
    chapter_id: str | None
    source: Source
    id: int | None = None  # given in advance (new_question_id), else the store numbers it

    @classmethod
    def from_answer(
        cls,
        answer: Answer,
        *,
        at: dt.datetime,
        chapter_id: str | None,
        source: Source,
        id: int | None = None,
    ) -> LoggedQuestion:
        result = answer.result
        topic = answer.reply.topic_id or (result.matches[0].id if result.matches else None)
        text = result.question[:QUESTION_MAX]  # what Discord allows; a CLI line could be any length
        confidence = round(result.confidence, 4)
        return cls(at, text, topic, confidence, answer.reply.kind, chapter_id, source, id)


@dataclass(frozen=True)
class Vote:
    voted_at: dt.datetime
    topic_id: str
    helpful: bool
    question_id: int | None = None  # the logged /ask it answers, when the vote came from one


@dataclass(frozen=True)
class PinRecord:
    """A pinned FAQ the bot posted and keeps current; `content_hash` is what it last showed."""

    guild_id: int
    channel_id: int
    topic_id: str
    message_id: int
    content_hash: str
    pinned_at: dt.datetime


class Store(Protocol):
    @property
    def problem(self) -> str | None:
        """Why the store is off (one line), or None when it works."""
        ...

    async def close(self) -> None: ...

    async def log_question(self, entry: LoggedQuestion) -> int | None:
        """Record a question under `entry.id` (a new id when it is None); returns the id, for votes on
        its answer, or None when the store is off."""
        ...

    async def log_questions(self, entries: Sequence[LoggedQuestion]) -> None:
        """Record several questions in as few writes as it can (each under its `id`, or a new one)."""
        ...

    async def record_vote(self, vote: Vote) -> None: ...

    async def prune(self, before: dt.datetime) -> int:
        """Delete questions and votes older than `before`; returns the questions deleted."""
        ...

    async def report(self, since: dt.datetime, limit: int = LISTED_MAX) -> QuestionReport: ...

    async def add_pin(self, pin: PinRecord) -> None: ...

    async def pins(
        self, *, guild_id: int | None = None, channel_id: int | None = None
    ) -> list[PinRecord]: ...

    async def pin_by_message(self, message_id: int) -> PinRecord | None: ...

    async def set_pin_hash(self, channel_id: int, topic_id: str, content_hash: str) -> None: ...

    async def remove_pin(self, channel_id: int, topic_id: str) -> None: ...


class DisabledStore:
    """Stands in when the database cannot be used: nothing is logged, no pin is kept, nothing fails."""

    def __init__(self, problem: str) -> None:
        self._problem = problem

    @property
    def problem(self) -> str | None:
        return self._problem

    async def close(self) -> None:
        return None

    async def log_question(self, entry: LoggedQuestion) -> int | None:
        return None

    async def log_questions(self, entries: Sequence[LoggedQuestion]) -> None:
        return None

    async def record_vote(self, vote: Vote) -> None:
        return None

    async def prune(self, before: dt.datetime) -> int:
        return 0

    async def report(self, since: dt.datetime, limit: int = LISTED_MAX) -> QuestionReport:
        return QuestionReport(since, (), (), 0, 0)

    async def add_pin(self, pin: PinRecord) -> None:
        raise StorageError(self._problem)

    async def pins(self, *, guild_id: int | None = None, channel_id: int | None = None) -> list[PinRecord]:
        return []

    async def pin_by_message(self, message_id: int) -> PinRecord | None:
        return None

    async def set_pin_hash(self, channel_id: int, topic_id: str, content_hash: str) -> None:
        return None

    async def remove_pin(self, channel_id: int, topic_id: str) -> None:
        return None


async def open_store(path: Path) -> Store:
    """The SQLite store at `path` (created and migrated as needed), or a DisabledStore saying why."""
    from bot.storage.sqlite import SqliteStore

    try:
        return await SqliteStore.open(path)
    except StorageError as error:
        return DisabledStore(str(error))
