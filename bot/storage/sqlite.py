"""The Store on SQLite through aiosqlite: WAL mode (the CLI reads while the bot writes), schema
migrations numbered by PRAGMA user_version and run at start, one clear line when the file is
damaged, locked, read-only or from a newer version."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiosqlite

from bot.core.moderation import LISTED_MAX, Gap, QuestionReport, TopicCount
from bot.storage import LoggedQuestion, PinRecord, StorageError, Vote

LOCK_WAIT_SECONDS = 2.0  # how long a write waits for another process before giving up
QUESTION_INSERT = (
    "INSERT INTO questions (id, asked_at, question, grouping, topic_id, confidence, kind, chapter_id, source)"
    " VALUES "
)
QUESTION_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?)"
# Questions written by one INSERT: 9 parameters each, far below SQLite's 32,766 parameters a statement.
QUESTIONS_PER_INSERT = 500
ITER_CHUNK_SIZE = 64  # rows aiosqlite fetches at a time when a cursor is iterated (its default)

# Migration N brings a database from user_version N-1 to N. Append, never edit a shipped one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        asked_at TEXT NOT NULL,     -- UTC, ISO 8601
        question TEXT NOT NULL,
        grouping TEXT NOT NULL,     -- the wording folded: the same question asked twice groups
        topic_id TEXT,
        confidence REAL NOT NULL,
        kind TEXT NOT NULL,         -- answer, figures, decline, greeting, error
        chapter_id TEXT,
        source TEXT NOT NULL        -- discord, console, cli
    );
    CREATE INDEX questions_by_time ON questions (asked_at);
    CREATE TABLE votes (
        id INTEGER PRIMARY KEY,
        voted_at TEXT NOT NULL,
        topic_id TEXT NOT NULL,
        helpful INTEGER NOT NULL,
        question_id INTEGER REFERENCES questions (id) ON DELETE SET NULL
    );
    CREATE INDEX votes_by_time ON votes (voted_at);
    CREATE INDEX votes_by_question ON votes (question_id);
    CREATE TABLE pins (
        channel_id INTEGER NOT NULL,
        topic_id TEXT NOT NULL,
        guild_id INTEGER NOT NULL,
        message_id INTEGER NOT NULL UNIQUE,
        content_hash TEXT NOT NULL,
        pinned_at TEXT NOT NULL,
        PRIMARY KEY (channel_id, topic_id)
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def grouping_key(question: str) -> str:
    """'CPC or CCS??' and 'cpc or ccs' are the same question for the moderators' gap list."""
    return " ".join(re.findall(r"\w+", question.casefold()))


def _stamp(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("storage times must be timezone-aware")
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def describe(error: sqlite3.Error | OSError, path: Path) -> str:
    """One line: which file, what is wrong with it, and what to do."""
    text = str(error)
    folded = text.casefold()
    if "not a database" in folded or "malformed" in folded or "corrupt" in folded:
        return (
            f"{path}: the database file is damaged ({text}): move it away (a new one is made at the next "
            "start) or restore a backup"
        )
    if "locked" in folded or "busy" in folded:
        return (
            f"{path}: the database is locked by another program ({text}): stop the other coding-advisor "
            "process, or point storage.path at another file"
        )
    if (
        "readonly" in folded
        or "read-only" in folded
        or "unable to open" in folded
        or isinstance(error, OSError)
    ):
        return f"{path}: cannot write the database ({text}): check the permissions of the file and its folder"
    return f"{path}: the database cannot be used ({text})"


class SqliteStore:
    """The Store on one SQLite file. Open with `await SqliteStore.open(path)`."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> SqliteStore:
        """Open (creating it if needed), switch to WAL, run pending migrations and check that the
        file can be written now; raises StorageError with one line otherwise."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Opened here rather than by aiosqlite.connect: when the file cannot be opened, that one
            # stops its worker thread without waiting for it, and the thread then fails to report to
            # an event loop that may have ended meanwhile (an exception in a thread, after the fact).
            # Autocommit (isolation_level None): each write is its own transaction, one trip to
            # aiosqlite's thread with no commit to send after it; each trip wakes the event loop.
            connection = await asyncio.to_thread(
                sqlite3.connect,
                path,
                timeout=LOCK_WAIT_SECONDS,
                isolation_level=None,
                check_same_thread=False,
            )
        except (OSError, sqlite3.Error) as error:
            raise StorageError(describe(error, path)) from None
        db = await aiosqlite.Connection(lambda: connection, ITER_CHUNK_SIZE)
        try:
            await cls._prepare(db, path)
        except (sqlite3.Error, OSError) as error:
            await db.close()
            raise StorageError(describe(error, path)) from None
        except StorageError:
            await db.close()
            raise
        return cls(db, path)

    @staticmethod
    async def _prepare(db: aiosqlite.Connection, path: Path) -> None:
        await db.execute("PRAGMA journal_mode = WAL")
        # In WAL mode NORMAL is still safe from corruption; it only skips an fsync per commit, so a
        # logged question does not wait on the disk (a power cut may lose the last few).
        await db.execute("PRAGMA synchronous = NORMAL")
        await db.execute("PRAGMA foreign_keys = ON")
        async with db.execute("PRAGMA quick_check") as cursor:
            verdict = [str(row[0]) for row in await cursor.fetchall()]
        if verdict != ["ok"]:
            raise sqlite3.DatabaseError(f"database disk image is malformed: {'; '.join(verdict[:3])}")
        async with db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"{path}: written by a newer coding-advisor (schema {version}; this one knows up to "
                f"{SCHEMA_VERSION}): upgrade, or point storage.path at another file"
            )
        for number in range(version + 1, SCHEMA_VERSION + 1):
            # One transaction per migration: a failed one leaves the database as it was.
            await db.executescript(
                f"BEGIN IMMEDIATE;\n{MIGRATIONS[number - 1]}\nPRAGMA user_version = {number};\nCOMMIT;"
            )
        # Writable and not locked right now? (A read-only file or a held lock fails here, at start.)
        await db.execute("BEGIN IMMEDIATE")
        await db.rollback()

    async def close(self) -> None:
        await self._db.close()

    @property
    def problem(self) -> str | None:
        return None

    async def _write(self, sql: str, parameters: tuple[Any, ...] = ()) -> int:
        """Run one write (its own transaction); returns the id of the row it inserted, if any."""
        try:
            row = await self._db.execute_insert(sql, parameters)
        except sqlite3.Error as error:
            raise StorageError(describe(error, self.path)) from None
        return int(row[0]) if row else 0

    async def _delete(self, sql: str, parameters: tuple[Any, ...]) -> int:
        """Run one DELETE; returns how many rows it deleted."""
        try:
            async with self._db.execute(sql, parameters) as cursor:
                return int(cursor.rowcount)
        except sqlite3.Error as error:
            raise StorageError(describe(error, self.path)) from None

    async def _rows(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        try:
            return list(await self._db.execute_fetchall(sql, parameters))
        except sqlite3.Error as error:
            raise StorageError(describe(error, self.path)) from None

    # --- the question log ----------------------------------------------------------------------

    async def log_question(self, entry: LoggedQuestion) -> int | None:
        return await self._write(QUESTION_INSERT + QUESTION_VALUES, _question_row(entry))

    async def log_questions(self, entries: Sequence[LoggedQuestion]) -> None:
        # One statement, so one transaction and one trip to aiosqlite's thread, for many questions.
        for start in range(0, len(entries), QUESTIONS_PER_INSERT):
            chunk = entries[start : start + QUESTIONS_PER_INSERT]
            rows = ", ".join([QUESTION_VALUES] * len(chunk))
            await self._write(QUESTION_INSERT + rows, tuple(v for e in chunk for v in _question_row(e)))

    async def record_vote(self, vote: Vote) -> None:
        question_id = vote.question_id
        if question_id is not None and not await self._rows(
            "SELECT 1 FROM questions WHERE id = ?", (question_id,)
        ):
            question_id = None  # the question has been pruned since: keep the vote for the topic
        await self._write(
            "INSERT INTO votes (voted_at, topic_id, helpful, question_id) VALUES (?, ?, ?, ?)",
            (_stamp(vote.voted_at), vote.topic_id, int(vote.helpful), question_id),
        )

    async def prune(self, before: dt.datetime) -> int:
        stamp = _stamp(before)
        deleted = await self._delete("DELETE FROM questions WHERE asked_at < ?", (stamp,))
        await self._delete("DELETE FROM votes WHERE voted_at < ?", (stamp,))
        return deleted

    async def report(self, since: dt.datetime, limit: int = LISTED_MAX) -> QuestionReport:
        stamp = _stamp(since)
        [counts] = await self._rows(
            "SELECT COALESCE(SUM(kind IN ('answer', 'figures')), 0), COALESCE(SUM(kind = 'decline'), 0)"
            " FROM questions WHERE asked_at >= ?",
            (stamp,),
        )
        # With one MAX() aggregate, SQLite takes the bare columns from the row holding the maximum:
        # `question` is the latest wording of its group.
        gap_rows = await self._rows(
            "SELECT question, COUNT(*) AS times, MAX(asked_at) FROM questions AS q WHERE asked_at >= ?"
            " AND (kind = 'decline' OR EXISTS (SELECT 1 FROM votes AS v WHERE v.question_id = q.id"
            " AND v.helpful = 0)) GROUP BY grouping ORDER BY times DESC, MAX(asked_at) DESC LIMIT ?",
            (stamp, limit),
        )
        asked = {
            str(topic): int(times)
            for topic, times in await self._rows(
                "SELECT topic_id, COUNT(*) FROM questions WHERE asked_at >= ? AND kind = 'answer'"
                " AND topic_id IS NOT NULL GROUP BY topic_id",
                (stamp,),
            )
        }
        votes = {
            str(topic): (int(yes), int(no))
            for topic, yes, no in await self._rows(
                "SELECT topic_id, SUM(helpful), SUM(1 - helpful) FROM votes WHERE voted_at >= ? GROUP BY topic_id",
                (stamp,),
            )
        }
        topics = sorted(
            (
                TopicCount(topic, asked.get(topic, 0), *votes.get(topic, (0, 0)))
                for topic in set(asked) | set(votes)
            ),
            key=lambda t: (-t.count, -(t.helpful + t.not_helpful), t.id),
        )
        return QuestionReport(
            since=since,
            gaps=tuple(Gap(str(text), int(times), _moment(last)) for text, times, last in gap_rows),
            top_topics=tuple(topics[:limit]),
            answered=int(counts[0]),
            declined=int(counts[1]),
            helpful=sum(yes for yes, _ in votes.values()),
            not_helpful=sum(no for _, no in votes.values()),
        )

    # --- pinned FAQs ---------------------------------------------------------------------------

    async def add_pin(self, pin: PinRecord) -> None:
        await self._write(
            "INSERT OR REPLACE INTO pins (channel_id, topic_id, guild_id, message_id, content_hash, pinned_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                pin.channel_id,
                pin.topic_id,
                pin.guild_id,
                pin.message_id,
                pin.content_hash,
                _stamp(pin.pinned_at),
            ),
        )

    async def pins(self, *, guild_id: int | None = None, channel_id: int | None = None) -> list[PinRecord]:
        rows = await self._rows(
            "SELECT guild_id, channel_id, topic_id, message_id, content_hash, pinned_at FROM pins"
            " WHERE (? IS NULL OR guild_id = ?) AND (? IS NULL OR channel_id = ?)"
            " ORDER BY channel_id, pinned_at, message_id",
            (guild_id, guild_id, channel_id, channel_id),
        )
        return [_pin(row) for row in rows]

    async def pin_by_message(self, message_id: int) -> PinRecord | None:
        rows = await self._rows(
            "SELECT guild_id, channel_id, topic_id, message_id, content_hash, pinned_at FROM pins"
            " WHERE message_id = ?",
            (message_id,),
        )
        return _pin(rows[0]) if rows else None

    async def set_pin_hash(self, channel_id: int, topic_id: str, content_hash: str) -> None:
        await self._write(
            "UPDATE pins SET content_hash = ? WHERE channel_id = ? AND topic_id = ?",
            (content_hash, channel_id, topic_id),
        )

    async def remove_pin(self, channel_id: int, topic_id: str) -> None:
        await self._write("DELETE FROM pins WHERE channel_id = ? AND topic_id = ?", (channel_id, topic_id))


def _question_row(entry: LoggedQuestion) -> tuple[Any, ...]:
    return (
        entry.id,  # NULL: SQLite numbers the row
        _stamp(entry.asked_at),
        entry.question,
        grouping_key(entry.question),
        entry.topic_id,
        entry.confidence,
        entry.kind,
        entry.chapter_id,
        entry.source,
    )


def _pin(row: sqlite3.Row) -> PinRecord:
    guild_id, channel_id, topic_id, message_id, content_hash, pinned_at = row
    return PinRecord(
        int(guild_id), int(channel_id), str(topic_id), int(message_id), str(content_hash), _moment(pinned_at)
    )
