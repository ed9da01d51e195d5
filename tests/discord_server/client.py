"""Run a real discord.py client against a FakeDiscord: point it at the server, log in, wait for READY."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TypeVar

import discord

from bot.discord_app.client import discord_endpoints

from .server import FakeDiscord

ClientT = TypeVar("ClientT", bound=discord.Client)


async def _wait_ready(client: discord.Client, task: asyncio.Task[None], timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not client.is_ready():
        if task.done():
            task.result()  # raises what stopped the client
            raise RuntimeError("the client stopped before READY")
        if loop.time() > deadline:
            raise TimeoutError(f"the client was not ready after {timeout}s")
        await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def running_bot(
    client: ClientT,
    server: FakeDiscord,
    *,
    token: str | None = None,
    ready_timeout: float = 10.0,
    guild_ready_timeout: float | None = 0.05,
) -> AsyncIterator[ClientT]:
    """Log `client` in to `server` and run it until the block ends (then close it cleanly).

    discord.py waits `guild_ready_timeout` (default 2 s) after the last GUILD_CREATE before READY;
    the server sends every GUILD_CREATE at once, so a short wait is enough (None keeps the client's).
    A client that dies while the block runs (say, gateway close 4014) fails the block at its end.
    """
    if guild_ready_timeout is not None:
        client._connection.guild_ready_timeout = guild_ready_timeout
    with discord_endpoints(server.api_base, server.gateway_url):
        task = asyncio.create_task(
            client.start(token or server.token or "fake-bot-token"), name="discord-client"
        )
        try:
            await _wait_ready(client, task, ready_timeout)
            yield client
        finally:
            await client.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(task), 5)
            if not task.done():
                task.cancel()
    if task.done() and not task.cancelled() and task.exception() is not None:
        raise RuntimeError("the client task failed") from task.exception()
