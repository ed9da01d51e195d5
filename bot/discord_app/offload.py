"""Searching and completing off the event loop when the knowledge base is large.

Over a few thousand topics a question or a keystroke of autocomplete takes milliseconds, and the
event loop answers nobody else meanwhile (nor the gateway's heartbeat). Above
bot.core.advisor.THREAD_MIN topics the cogs run them in a worker thread; below it they run here,
where a thread would cost more than the work.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from bot.core.advisor import Advisor

P = ParamSpec("P")
T = TypeVar("T")


async def off_loop(advisor: Advisor, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`work(*args, **kwargs)`: in a worker thread when `advisor` is large, else right here."""
    if advisor.worth_a_thread:
        return await asyncio.to_thread(work, *args, **kwargs)
    return work(*args, **kwargs)
