"""Keeping pinned FAQs current: after a reload, edit in place each pinned message whose rendered
content changed, paced under Discord's rate limits; leave the others alone; forget a record whose
message, channel or permission is gone, saying so.

The Discord side is passed in (how to render a record, fetch and edit its message, and what to do
when one is dropped), so this module decides only what to edit, in which order and when.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from bot.storage import PinRecord, StorageError, Store

log = logging.getLogger(__name__)

# Discord allows about 5 message edits per 5 s in one channel and 50 requests a second overall;
# these keep well under both, and 100 pins spread over channels still finish within a minute.
EDIT_SPACING = 0.2  # seconds between any two requests of a sync
CHANNEL_SPACING = 1.0  # seconds between two requests in one channel


class PinGone(Exception):
    """Discord says the message, its channel or the bot's permission there is gone; the reason is
    one short phrase ("the message was deleted")."""


@dataclass(frozen=True)
class Rendered:
    payload: Any  # what the face sends in the edit (opaque here)
    content_hash: str


@dataclass
class SyncSummary:
    edited: int = 0
    unchanged: int = 0
    dropped: int = 0
    failed: int = 0  # kept, to be tried again at the next sync (a 5xx, a timeout...)


class PinSync:
    def __init__(
        self,
        store: Store,
        render: Callable[[PinRecord], Rendered | None],
        fetch: Callable[[PinRecord], Awaitable[None]],
        edit: Callable[[PinRecord, Rendered], Awaitable[None]],
        dropped: Callable[[PinRecord, str], Awaitable[None]],
        *,
        spacing: float = EDIT_SPACING,
        channel_spacing: float = CHANNEL_SPACING,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """`render` gives a record's content now (None when its topic is gone); `fetch` checks its
        message still exists; `edit` replaces its content; both raise PinGone when it is gone."""
        self.store = store
        self.render = render
        self.fetch = fetch
        self.edit = edit
        self.dropped = dropped
        self.spacing = spacing
        self.channel_spacing = channel_spacing
        self._clock = clock or (lambda: asyncio.get_running_loop().time())
        self._last: float | None = None
        self._last_in: dict[int, float] = {}
        self._pending = False
        self._verify = False
        self._task: asyncio.Task[None] | None = None
        self.last_summary: SyncSummary | None = None

    # --- scheduling ----------------------------------------------------------------------------

    def request(self, *, verify: bool = False) -> asyncio.Task[None]:
        """Sync soon; requests made while a sync runs are merged into one more sync after it.
        `verify` also fetches every message once (after a restart) to find those deleted meanwhile."""
        self._pending = True
        self._verify = self._verify or verify
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._worker(), name="pin-sync")
        return self._task

    async def _worker(self) -> None:
        while self._pending:
            self._pending = False
            verify, self._verify = self._verify, False
            try:
                self.last_summary = await self.run(verify=verify)
            except StorageError as error:
                log.warning("pinned FAQs not refreshed: %s", error)

    async def idle(self) -> None:
        """Wait for the syncs requested so far to finish."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    # --- one sync ------------------------------------------------------------------------------

    async def run(self, *, verify: bool = False) -> SyncSummary:
        summary = SyncSummary()
        for record in _round_robin(await self.store.pins()):
            rendered = self.render(record)
            if rendered is None:
                await self._drop(record, "its topic is no longer in the knowledge base", summary)
                continue
            changed = rendered.content_hash != record.content_hash
            if not changed and not verify:
                summary.unchanged += 1
                continue
            try:
                if verify:
                    await self._pace(record.channel_id)
                    await self.fetch(record)
                if changed:
                    await self._pace(record.channel_id)
                    await self.edit(record, rendered)
                    await self.store.set_pin_hash(record.channel_id, record.topic_id, rendered.content_hash)
                    summary.edited += 1
                else:
                    summary.unchanged += 1
            except PinGone as gone:
                await self._drop(record, str(gone), summary)
            except StorageError:
                raise
            except Exception:
                log.warning(
                    "pinned FAQ %s in channel %s not refreshed; trying again at the next sync",
                    record.topic_id,
                    record.channel_id,
                    exc_info=True,
                )
                summary.failed += 1
        if summary.edited or summary.dropped or summary.failed:
            log.info(
                "pinned FAQs: %d edited, %d unchanged, %d dropped, %d failed",
                summary.edited,
                summary.unchanged,
                summary.dropped,
                summary.failed,
            )
        return summary

    async def _drop(self, record: PinRecord, reason: str, summary: SyncSummary) -> None:
        await self.store.remove_pin(record.channel_id, record.topic_id)
        summary.dropped += 1
        log.warning("pinned FAQ %s in channel %s dropped: %s", record.topic_id, record.channel_id, reason)
        await self.dropped(record, reason)

    async def _pace(self, channel_id: int) -> None:
        """Wait until both the overall and the channel's spacing have passed since their last request."""
        now = self._clock()
        ready = max(
            (self._last + self.spacing) if self._last is not None else now,
            (self._last_in[channel_id] + self.channel_spacing) if channel_id in self._last_in else now,
        )
        if ready > now:
            await asyncio.sleep(ready - now)
            now = self._clock()
        self._last = self._last_in[channel_id] = now


def _round_robin(records: Iterable[PinRecord]) -> list[PinRecord]:
    """One record per channel in turn, so a channel with many pins does not hold the others up."""
    by_channel: dict[int, list[PinRecord]] = {}
    for record in records:
        by_channel.setdefault(record.channel_id, []).append(record)
    return [r for batch in zip_longest(*by_channel.values()) for r in batch if r is not None]
