"""Pytest fixtures: a running FakeDiscord, and real discord.py clients logged in to it.

Use from a test module with `pytest_plugins = ["tests.discord_server.fixtures"]`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import discord
import pytest

from . import openapi
from .client import ClientT, running_bot
from .server import FakeDiscord

StartBot = Callable[..., Awaitable[discord.Client]]


def pytest_report_header() -> str:
    spec = openapi.find_spec()
    if spec is not None:
        return f"Discord OpenAPI spec: {spec}"
    return "Discord OpenAPI spec: MISSING, request bodies are NOT checked against it (an error when CI=true)"


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI, stop before any test runs when the spec is missing: one clear message, not a red wall."""
    if openapi.find_spec() is None and openapi.in_ci():
        raise pytest.UsageError(openapi.missing_message())


@pytest.fixture
async def discord_server() -> AsyncIterator[FakeDiscord]:
    """A started FakeDiscord; at teardown, fails the test on `server.spec_problems()`."""
    server = FakeDiscord()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
    problems = server.spec_problems()
    assert not problems, "OpenAPI spec violations:\n" + "\n".join(problems)


@pytest.fixture
async def start_bot(discord_server: FakeDiscord) -> AsyncIterator[StartBot]:
    """`bot = await start_bot(bot, **running_bot_kwargs)`: runs until the test ends."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(client: ClientT, **kwargs: object) -> ClientT:
            return await stack.enter_async_context(running_bot(client, discord_server, **kwargs))  # type: ignore[arg-type]

        yield start
