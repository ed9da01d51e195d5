"""Watching the knowledge directory with watchfiles (inotify, FSEvents or ReadDirectoryChangesW).

Editors often save by writing a temporary file and renaming it over the original: the rename
shows up as the YAML file being added or modified, which is all that is watched for here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from watchfiles import Change, awatch

from bot.core.knowledge.loader import SUFFIXES

log = logging.getLogger(__name__)

# Changes closer together than this are one save (an editor's temp file, write and rename);
# well inside the 2 s between a save and the reload.
DEBOUNCE_MS = 250
STEP_MS = 50


def is_knowledge_file(change: Change, path: str) -> bool:
    return Path(path).suffix in SUFFIXES and not Path(path).name.startswith(".")


async def watch_knowledge(
    directory: Path,
    on_change: Callable[[], Awaitable[object]],
    stop: asyncio.Event,
    ready: asyncio.Event | None = None,
) -> None:
    """Call `on_change` after each burst of changes to YAML files under `directory`, until `stop`."""
    watcher = awatch(
        directory,
        watch_filter=is_knowledge_file,
        debounce=DEBOUNCE_MS,
        step=STEP_MS,
        stop_event=stop,
        recursive=True,
    )
    if ready is not None:
        ready.set()
    log.info("watching %s for knowledge edits", directory)
    async for changes in watcher:
        log.info("knowledge edited: %s", ", ".join(sorted({Path(p).name for _, p in changes})))
        try:
            await on_change()
        except Exception:
            log.exception("handling a knowledge edit failed; still watching")
