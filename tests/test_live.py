"""Live updates without Discord: the reloader, the diff summary, the watcher, and pin sync."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path

import pytest

from bot.core.advisor import Advisor
from bot.core.knowledge import load_knowledge
from bot.core.knowledge.diff import diff_knowledge
from bot.live.pins import PinGone, PinSync, Rendered, _round_robin
from bot.live.reloader import KnowledgeReloader
from bot.live.watcher import watch_knowledge
from bot.storage import PinRecord
from bot.storage.sqlite import SqliteStore
from tests.helpers import FakeClock, save_like_an_editor, write_knowledge

T0 = dt.datetime(2027, 1, 10, tzinfo=dt.UTC)
CPC = "The CPC is AAPC's professional coding credential."


def edit(directory: Path, old: str, new: str, name: str = "topics/cpc.yaml") -> None:
    path = directory / name
    save_like_an_editor(path, path.read_text().replace(old, new))


# --- the reloader ----------------------------------------------------------------------------------


async def test_reload_swaps_on_success_and_keeps_the_last_good_on_failure(tmp_path: Path) -> None:
    directory = write_knowledge(tmp_path / "knowledge")
    clock = FakeClock(T0)
    first = Advisor.from_directory(directory)
    reloader = KnowledgeReloader(directory, first, clock)

    unchanged = await reloader.reload()
    assert unchanged.outcome == "unchanged" and reloader.advisor is first
    edit(directory, "categories:", "# only a comment added\ncategories:", name="categories.yaml")
    layout = await reloader.reload()
    assert layout.outcome == "applied" and layout.diff.empty
    assert "no entry changed (comments or layout only)" in layout.summary()

    clock.advance(minutes=5)
    edit(directory, CPC, "The CPC, changed.")
    applied = await reloader.reload()
    assert applied.outcome == "applied" and reloader.advisor is applied.advisor is not first
    assert reloader.loaded_at == T0 + dt.timedelta(minutes=5)
    assert applied.summary().startswith("Knowledge reloaded: 0 added, 1 changed (topic `cpc`), 0 removed.")

    good = reloader.advisor
    edit(directory, "related: [ccs]", "related: [nope]")
    failed = await reloader.reload()
    assert failed.outcome == "failed" and failed.new_problems and reloader.advisor is good
    [problem] = failed.problems
    assert (
        problem.startswith("knowledge/topics/cpc.yaml:") and "related topic `nope` does not exist" in problem
    )
    assert reloader.status(True, None).last_problems == failed.problems

    again = await reloader.reload()  # the same broken state: not new
    assert again.outcome == "failed" and not again.new_problems
    edit(directory, "categories:", "categories:\n  # a comment moves the lines", name="categories.yaml")
    assert not (await reloader.reload()).new_problems  # the same problems, same lines
    edit(directory, "related: [nope]", "related: [nah]")
    assert (await reloader.reload()).new_problems  # a different broken state

    edit(directory, "related: [nah]", "related: [ccs]")
    fixed = await reloader.reload()
    assert fixed.outcome == "applied" and reloader.status(True, None).last_problems == ()
    edit(directory, "related: [ccs]", "related: [nope]")
    assert (await reloader.reload()).new_problems  # broken again after a fix: said again
    assert reloader.attempts == 9


async def test_a_request_never_sees_half_a_reload(tmp_path: Path) -> None:
    """Requests running while a reload loads keep answering from one whole knowledge base."""
    directory = write_knowledge(tmp_path / "knowledge")
    reloader = KnowledgeReloader(directory, Advisor.from_directory(directory), FakeClock(T0))
    edit(directory, CPC, "Version two.")
    task = asyncio.create_task(reloader.reload())
    seen = set()
    while not task.done():
        advisor = reloader.advisor
        seen.add(advisor.kb.render_answer("cpc") + "|" + advisor.ask("what is the cpc").reply.body)
        await asyncio.sleep(0.001)  # many requests meanwhile, and still time for the reload thread
    await task
    assert seen <= {f"{CPC}|{CPC}", "Version two.|Version two."}


def test_the_diff_names_what_changed(tmp_path: Path) -> None:
    before = load_knowledge(write_knowledge(tmp_path / "a"))
    topic = """
          - id: {id}
            title: {title}
            category: credentials
            questions: [what is the {id}]
            answer: {answer}
            sources:
              - title: AAPC
                url: https://www.aapc.com/certifications/cpc
            reviewed: 2026-11-27
        """
    after = write_knowledge(
        tmp_path / "b",
        {
            "topics/cpc.yaml": "topics:\n"
            + topic.format(id="cpc", title="The CPC credential", answer="Changed.")
            + topic.format(id="cca", title="The CCA credential", answer="New."),
        },
    )
    diff = diff_knowledge(before, load_knowledge(after))
    assert diff.added == (("topics", "cca"),) and diff.removed == (("topics", "ccs"),)
    assert diff.changed == (("topics", "cpc"),)
    assert diff.summary() == "1 added (topic `cca`), 1 changed (topic `cpc`), 1 removed (topic `ccs`)"
    assert diff_knowledge(before, before).empty


# --- the watcher ------------------------------------------------------------------------------------


async def test_the_watcher_sees_an_editors_save_and_ignores_other_files(tmp_path: Path) -> None:
    directory = write_knowledge(tmp_path / "knowledge")
    seen: list[float] = []
    stop = asyncio.Event()

    async def changed() -> None:
        seen.append(time.monotonic())

    task = asyncio.create_task(watch_knowledge(directory, changed, stop))
    await asyncio.sleep(0.3)  # the watcher registers with the OS
    (directory / "notes.txt").write_text("not knowledge")
    (directory / "topics" / ".cpc.yaml.swp").write_text("an editor's swap file")
    await asyncio.sleep(0.8)
    assert seen == []
    saved = time.monotonic()
    edit(directory, CPC, "Saved by an editor.")
    deadline = saved + 5
    while not seen and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert seen and seen[0] - saved < 2.0
    await asyncio.sleep(0.6)
    assert len(seen) == 1  # one save (write, then rename) is one change
    stop.set()
    await asyncio.wait_for(task, 5)


async def test_a_failing_handler_does_not_stop_the_watcher(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    directory = write_knowledge(tmp_path / "knowledge")
    calls = 0
    stop = asyncio.Event()

    async def boom() -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("handler exploded")

    task = asyncio.create_task(watch_knowledge(directory, boom, stop))
    await asyncio.sleep(0.3)
    for text in ("one", "two"):
        edit(directory, "credentials\n", f"credentials {text}\n", name="categories.yaml")
        for _ in range(60):
            if calls and "handler exploded" in caplog.text:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.4)
    assert calls == 2
    stop.set()
    await asyncio.wait_for(task, 5)


# --- pin sync ---------------------------------------------------------------------------------------


class FakeDiscordSide:
    """What the Discord face does for PinSync, recorded: renders, fetches, edits, notes."""

    def __init__(self) -> None:
        self.content: dict[str, str] = {}  # topic -> what it renders to now
        self.gone: dict[int, str] = {}  # message id -> why Discord refuses it
        self.broken: set[int] = set()  # message ids that fail with a server error
        self.edits: list[tuple[int, float]] = []
        self.fetched: list[int] = []
        self.notes: list[str] = []

    def render(self, record: PinRecord) -> Rendered | None:
        text = self.content.get(record.topic_id)
        return None if text is None else Rendered(text, f"hash:{text}")

    async def fetch(self, record: PinRecord) -> None:
        self.fetched.append(record.message_id)
        if record.message_id in self.gone:
            raise PinGone(self.gone[record.message_id])

    async def edit(self, record: PinRecord, rendered: Rendered) -> None:
        if record.message_id in self.gone:
            raise PinGone(self.gone[record.message_id])
        if record.message_id in self.broken:
            raise RuntimeError("503 Service Unavailable")
        self.edits.append((record.message_id, time.monotonic()))

    async def dropped(self, record: PinRecord, reason: str) -> None:
        self.notes.append(f"{record.topic_id}@{record.channel_id}: {reason}")


async def _sync_world(tmp_path: Path, **spacing: float) -> tuple[SqliteStore, FakeDiscordSide, PinSync]:
    store = await SqliteStore.open(tmp_path / "log.sqlite3")
    side = FakeDiscordSide()
    side.content = {"cpc": "v1", "ccs": "v1", "cca": "v1"}
    for channel, topic, message in ((10, "cpc", 1), (10, "ccs", 2), (11, "cpc", 3), (12, "cca", 4)):
        await store.add_pin(PinRecord(1, channel, topic, message, "hash:v1", T0))
    sync = PinSync(store, side.render, side.fetch, side.edit, side.dropped, **spacing)
    return store, side, sync


async def test_only_changed_pins_are_edited_and_gone_ones_dropped(tmp_path: Path) -> None:
    store, side, sync = await _sync_world(tmp_path, spacing=0, channel_spacing=0)
    assert (await sync.run()).unchanged == 4 and side.edits == []

    side.content["cpc"] = "v2"
    side.gone[3] = "the message was deleted"
    side.broken.add(1)
    summary = await sync.run()
    assert (summary.edited, summary.dropped, summary.failed, summary.unchanged) == (0, 1, 1, 2)
    assert side.notes == ["cpc@11: the message was deleted"]
    assert {p.message_id for p in await store.pins()} == {1, 2, 4}  # the failed one is kept for next time

    side.broken.clear()
    summary = await sync.run()
    assert summary.edited == 1 and [m for m, _ in side.edits] == [1]
    assert (await sync.run()).edited == 0  # its new content is remembered

    del side.content["cca"]  # the topic was removed from the knowledge base
    await sync.run()
    assert side.notes[-1] == "cca@12: its topic is no longer in the knowledge base"
    await store.close()


async def test_after_a_restart_every_message_is_fetched_once(tmp_path: Path) -> None:
    store, side, sync = await _sync_world(tmp_path, spacing=0, channel_spacing=0)
    side.gone[2] = "the message was deleted"
    summary = await sync.run(verify=True)
    assert sorted(side.fetched) == [1, 2, 3, 4] and side.edits == []
    assert summary.dropped == 1 and side.notes == ["ccs@10: the message was deleted"]
    await store.close()


async def test_edits_are_paced_per_channel_and_overall(tmp_path: Path) -> None:
    store, side, sync = await _sync_world(tmp_path, spacing=0.05, channel_spacing=0.3)
    side.content = {"cpc": "v2", "ccs": "v2", "cca": "v2"}
    started = time.monotonic()
    await sync.run()
    order = [m for m, _ in side.edits]
    times = dict(side.edits)
    assert order == [1, 3, 4, 2]  # one per channel in turn: channel 10's second pin waits its turn
    assert all(b - a >= 0.045 for (_, a), (_, b) in zip(side.edits, side.edits[1:], strict=False))
    assert times[2] - times[1] >= 0.29  # two edits in one channel
    assert time.monotonic() - started < 2
    await store.close()


async def test_requests_during_a_sync_make_one_more_sync(tmp_path: Path) -> None:
    store, side, sync = await _sync_world(tmp_path, spacing=0.02, channel_spacing=0.02)
    side.content["cpc"] = "v2"
    sync.request()
    side.content["ccs"] = "v2"
    for _ in range(5):
        sync.request()
    await sync.idle()
    assert sorted(m for m, _ in side.edits) == [1, 2, 3]
    assert sync.last_summary is not None
    await sync.stop()
    await store.close()


def test_round_robin_takes_one_pin_per_channel_in_turn() -> None:
    records = [PinRecord(1, channel, f"t{n}", n, "h", T0) for n, channel in enumerate((5, 5, 5, 6, 7, 7))]
    assert [r.message_id for r in _round_robin(records)] == [0, 3, 4, 1, 5, 2]
