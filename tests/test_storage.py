"""The SQLite store: migrations, the question log and its report, pins, and databases that
cannot be used (one line each, never a traceback)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from bot.storage import (
    DisabledStore,
    LoggedQuestion,
    PinRecord,
    StorageError,
    Vote,
    new_question_id,
    open_store,
)
from bot.storage import sqlite as sqlite_store
from bot.storage.sqlite import SCHEMA_VERSION, SqliteStore, grouping_key

T0 = dt.datetime(2027, 1, 10, 12, 0, tzinfo=dt.UTC)


def question(
    text: str, kind: str = "decline", topic: str | None = None, at: dt.datetime = T0
) -> LoggedQuestion:
    return LoggedQuestion(at, text, topic, 0.5, kind, None, "discord")


async def test_a_new_database_is_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "state" / "log.sqlite3"  # the folder is made as well
    store = await SqliteStore.open(path)
    await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"questions", "votes", "pins"} <= tables
    store = await SqliteStore.open(path)  # opening again changes nothing
    assert store.problem is None
    await store.close()


async def test_a_later_migration_runs_once_on_an_existing_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "log.sqlite3"
    store = await SqliteStore.open(path)
    await store.log_question(question("kept across the upgrade"))
    await store.close()
    upgraded = (*sqlite_store.MIGRATIONS, "ALTER TABLE questions ADD COLUMN locale TEXT;")
    monkeypatch.setattr(sqlite_store, "MIGRATIONS", upgraded)
    monkeypatch.setattr(sqlite_store, "SCHEMA_VERSION", len(upgraded))
    for _ in range(2):  # the second start finds nothing to do
        store = await SqliteStore.open(path)
        await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(upgraded)
        assert db.execute("SELECT question, locale FROM questions").fetchall() == [
            ("kept across the upgrade", None)
        ]


async def test_a_failed_migration_leaves_the_database_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "log.sqlite3"
    await (await SqliteStore.open(path)).close()
    broken = (*sqlite_store.MIGRATIONS, "CREATE TABLE extra (x INTEGER); THIS IS NOT SQL;")
    monkeypatch.setattr(sqlite_store, "MIGRATIONS", broken)
    monkeypatch.setattr(sqlite_store, "SCHEMA_VERSION", len(broken))
    with pytest.raises(StorageError, match="cannot be used"):
        await SqliteStore.open(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(broken) - 1
        assert not db.execute("SELECT name FROM sqlite_master WHERE name = 'extra'").fetchall()


async def test_the_report_groups_gaps_and_counts_votes(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "log.sqlite3")
    await store.log_question(question("best pizza in town?", at=T0))
    await store.log_question(question("Best pizza in town", at=T0 + dt.timedelta(minutes=5)))
    await store.log_question(question("what's the weather", at=T0 + dt.timedelta(minutes=1)))
    cpc = await store.log_question(question("what is the cpc", "answer", "cpc"))
    await store.log_question(question("cpc please", "answer", "cpc"))
    await store.log_question(question("how much for 25 charts an hour", "figures"))
    await store.log_question(question("hi", "greeting"))
    await store.record_vote(Vote(T0, "cpc", False, cpc))
    await store.record_vote(Vote(T0, "ccs", True))  # from /faq: no logged question
    report = await store.report(T0 - dt.timedelta(days=1))
    assert [(g.question, g.count) for g in report.gaps] == [
        ("Best pizza in town", 2),  # the latest wording of the group
        ("what's the weather", 1),
        ("what is the cpc", 1),  # answered, but voted not helpful
    ]
    assert report.gaps[0].last_seen == T0 + dt.timedelta(minutes=5)
    assert [(t.id, t.count, t.helpful, t.not_helpful) for t in report.top_topics] == [
        ("cpc", 2, 0, 1),
        ("ccs", 0, 1, 0),
    ]
    assert (report.answered, report.declined, report.helpful, report.not_helpful) == (3, 3, 1, 1)
    assert (await store.report(T0 + dt.timedelta(hours=1))).gaps == ()  # only the window
    assert report.as_dict()["gaps"][0] == {
        "question": "Best pizza in town",
        "count": 2,
        "last_seen": "2027-01-10T12:05:00Z",
    }
    await store.close()


async def test_a_question_keeps_the_id_drawn_for_it(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "log.sqlite3")
    drawn = new_question_id()
    assert 0 <= drawn < 2**63  # SQLite's integer key, and at most 19 digits in a button's custom_id
    answered = replace(question("drawn in advance", "answer", "cpc"), id=drawn)
    assert await store.log_question(answered) == drawn
    numbered = await store.log_question(question("numbered by the store"))  # the CLI's way
    assert numbered is not None and numbered != drawn
    await store.record_vote(Vote(T0, "cpc", False, drawn))  # not helpful: the answer becomes a gap
    report = await store.report(T0 - dt.timedelta(days=1))
    await store.close()
    assert {gap.question for gap in report.gaps} == {"drawn in advance", "numbered by the store"}


async def test_questions_logged_together_are_all_written_with_their_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "QUESTIONS_PER_INSERT", 2)  # five questions: three statements
    path = tmp_path / "log.sqlite3"
    store = await SqliteStore.open(path)
    drawn = [new_question_id() for _ in range(4)]
    entries = [
        replace(question(f"question {n}", at=T0 + dt.timedelta(minutes=n)), id=i) for n, i in enumerate(drawn)
    ]
    await store.log_questions([*entries, question("numbered by the store", at=T0 + dt.timedelta(hours=1))])
    await store.log_questions([])  # nothing to write: no statement
    await store.close()
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT id, question, asked_at, grouping FROM questions ORDER BY asked_at, question"
        ).fetchall()
    assert [row[:2] for row in rows[:4]] == [(i, f"question {n}") for n, i in enumerate(drawn)]
    assert rows[4][1] == "numbered by the store" and rows[4][0] not in drawn
    assert rows[1][2:] == ("2027-01-10T12:01:00+00:00", "question 1")


async def test_questions_logged_together_fail_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "log.sqlite3"
    monkeypatch.setattr(sqlite_store, "LOCK_WAIT_SECONDS", 0.1)
    store = await SqliteStore.open(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writing for longer than the store waits
    try:
        with pytest.raises(StorageError, match="locked by another program"):
            await store.log_questions([question("lost"), question("lost too")])
    finally:
        other.rollback()
        other.close()
    await store.log_questions([question("written")])
    report = await store.report(T0 - dt.timedelta(days=1))
    await store.close()
    assert [gap.question for gap in report.gaps] == ["written"]  # none of the two: all or none


async def test_prune_deletes_what_is_older_than_the_moment_given(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "log.sqlite3")
    old = await store.log_question(question("old", at=T0 - dt.timedelta(days=91)))
    await store.log_question(question("new", at=T0 - dt.timedelta(days=89)))
    await store.record_vote(Vote(T0 - dt.timedelta(days=91), "cpc", True, old))
    await store.record_vote(Vote(T0, "cpc", False, old))  # a late vote on a question about to go
    assert await store.prune(T0 - dt.timedelta(days=90)) == 1
    report = await store.report(T0 - dt.timedelta(days=365))
    assert [g.question for g in report.gaps] == ["new"]
    assert (report.helpful, report.not_helpful) == (0, 1)  # the old vote went with its day
    await store.record_vote(Vote(T0, "cpc", True, old))  # its question is gone: kept for the topic
    assert (await store.report(T0 - dt.timedelta(days=1))).helpful == 1
    with pytest.raises(ValueError, match="timezone-aware"):
        await store.prune(dt.datetime(2027, 1, 1))
    await store.close()


async def test_pin_records(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "log.sqlite3")
    first = PinRecord(1, 10, "cpc", 100, "hash-a", T0)
    await store.add_pin(first)
    await store.add_pin(PinRecord(1, 11, "cpc", 101, "hash-b", T0))
    await store.add_pin(PinRecord(2, 20, "ccs", 200, "hash-c", T0))
    assert [p.message_id for p in await store.pins(guild_id=1)] == [100, 101]
    assert [p.message_id for p in await store.pins(channel_id=20)] == [200]
    assert len(await store.pins()) == 3
    assert await store.pin_by_message(100) == first
    await store.set_pin_hash(10, "cpc", "hash-new")
    assert (await store.pin_by_message(100)).content_hash == "hash-new"  # type: ignore[union-attr]
    await store.remove_pin(10, "cpc")
    assert await store.pin_by_message(100) is None
    await store.close()
    store = await SqliteStore.open(tmp_path / "log.sqlite3")  # they survive a restart
    assert [p.message_id for p in await store.pins()] == [101, 200]
    await store.close()


async def test_a_damaged_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    store = await open_store(path)
    assert isinstance(store, DisabledStore)
    assert store.problem is not None and "\n" not in store.problem
    assert store.problem.startswith(f"{path}: the database file is damaged")
    assert "move it away" in store.problem


async def test_a_locked_database_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "log.sqlite3"
    await (await SqliteStore.open(path)).close()
    monkeypatch.setattr(sqlite_store, "LOCK_WAIT_SECONDS", 0.1)
    other = sqlite3.connect(path)
    other.execute("BEGIN EXCLUSIVE")  # another process writing, for longer than the bot waits
    try:
        store = await open_store(path)
    finally:
        other.rollback()
        other.close()
    assert store.problem == (
        f"{path}: the database is locked by another program (database is locked): stop the other "
        "coding-advisor process, or point storage.path at another file"
    )


async def test_a_place_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("a file where the database's folder should be")
    store = await open_store(blocker / "log.sqlite3")
    assert store.problem is not None and "cannot write the database" in store.problem
    assert "check the permissions" in store.problem
    directory = tmp_path / "a-folder"
    directory.mkdir()
    store = await open_store(directory)  # storage.path pointing at a folder
    assert store.problem is not None and str(directory) in store.problem


async def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    store = await open_store(path)
    assert store.problem is not None and "written by a newer coding-advisor" in store.problem


async def test_the_disabled_store_stores_nothing_and_fails_nothing() -> None:
    store = DisabledStore("off for a reason")
    assert await store.log_question(question("x")) is None
    assert await store.log_questions([question("y")]) is None
    await store.record_vote(Vote(T0, "cpc", True))
    assert await store.prune(T0) == 0 and await store.pins() == []
    assert (await store.report(T0)).answered == 0
    with pytest.raises(StorageError, match="off for a reason"):
        await store.add_pin(PinRecord(1, 2, "cpc", 3, "h", T0))


def test_grouping_key_ignores_case_and_punctuation() -> None:
    assert grouping_key("CPC or CCS??") == grouping_key("cpc or ccs") == "cpc or ccs"
    assert grouping_key("  what's   the A? ") == "what s the a"
