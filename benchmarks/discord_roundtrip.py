"""Interaction round trip: INTERACTION_CREATE sent -> the bot's callback received, on 127.0.0.1.

    python benchmarks/discord_roundtrip.py [--sequential 1000] [--concurrent 200]

Runs the real discord.py client against the Discord-compatible test server (tests/discord_server),
first a bare discord.py bot that answers "pong" (the library's floor), then the advisor answering
/ask and /earnings. Prints median and p99 for sequential and concurrent interactions, and the
ratio of each p99 to the bare bot's, all measured in this one run. "/earnings chart" is the time
until the chart is attached (the edit that follows the figures); the next /earnings waits for it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import CooldownSettings, DiscordSettings, Settings
from bot.core.advisor import Advisor
from bot.core.evaluation import median, percentile
from bot.discord_app.client import create_bot
from tests.discord_server import FakeDiscord, running_bot

QUESTIONS = ["cpc or ccs", "how do i remove the a", "externship", "1099 self employment tax", "ceus"]


class PongBot(discord.Client):
    def __init__(self, guild_id: int) -> None:
        super().__init__(intents=discord.Intents.default(), allowed_mentions=discord.AllowedMentions.none())
        self.tree = app_commands.CommandTree(self)
        self.guild = discord.Object(guild_id)

        @self.tree.command(description="pong")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong")

    async def setup_hook(self) -> None:
        await self.tree.sync(guild=self.guild)


async def measure(
    server: FakeDiscord,
    command: str,
    make: Callable[[int], dict[str, Any]],
    count: int,
    parallel: bool,
    finished: list[float] | None = None,
) -> list[float]:
    """Callback times; with `finished`, each interaction also waits for its one edit (the earnings
    chart) and that time is appended there, so the next one starts only when this one is done."""

    async def one(number: int) -> float:
        start = time.perf_counter()
        reply = await server.slash(command, timeout=30, **make(number))
        answered = (time.perf_counter() - start) * 1000
        if finished is not None:
            await reply.interaction.wait_edit(timeout=60)
            finished.append((time.perf_counter() - start) * 1000)
        return answered

    if parallel:
        return list(await asyncio.gather(*(one(n) for n in range(count))))
    return [await one(n) for n in range(count)]


def line(label: str, timings: list[float], floor: float | None) -> str:
    p99 = percentile(timings, 0.99)
    ratio = f"{p99 / floor:5.2f}x" if floor else "  floor"
    return f"{label:<28}{median(timings):>10.2f}{p99:>10.2f}   {ratio}"


async def main(sequential: int, concurrent: int) -> None:
    logging.getLogger("discord").setLevel(logging.ERROR)
    # The server's OpenAPI checks (the tests' job) would add their own cost to every round trip.
    server = FakeDiscord(openapi=False, check_responses=False)
    server.callback_deadline = 30.0  # measure latency, not Discord's 3 s cut-off
    await server.start()
    results: dict[str, list[float]] = {}
    try:
        async with running_bot(PongBot(int(server.guild_id)), server):
            for mode, count, parallel in (
                ("sequential", sequential, False),
                ("concurrent", concurrent, True),
            ):
                results[f"bare pong, {mode}"] = await measure(server, "ping", lambda n: {}, count, parallel)
        settings = Settings(
            discord=DiscordSettings(guild_ids=[int(server.guild_id)]),
            state_dir=Path(tempfile.mkdtemp()),
            cooldown=CooldownSettings(rate=1_000_000, per_seconds=1),
            duplicate_window_seconds=0,
        )
        server.commands.clear()
        commands: dict[str, Callable[[int], dict[str, Any]]] = {
            "ask": lambda n: {"question": QUESTIONS[n % len(QUESTIONS)]},
            "earnings": lambda n: {"charts_per_hour": 10 + n % 30, "rate": 0.75, "hours_per_week": 40},
        }
        async with running_bot(create_bot(settings, Advisor.from_directory()), server):
            for name, make in commands.items():
                for mode, count, parallel in (
                    ("sequential", sequential, False),
                    ("concurrent", concurrent, True),
                ):
                    charts: list[float] | None = [] if name == "earnings" else None
                    results[f"/{name}, {mode}"] = await measure(server, name, make, count, parallel, charts)
                    if charts is not None:
                        results[f"/{name} chart, {mode}"] = charts
    finally:
        await server.stop()

    print(f"{sequential} sequential and {concurrent} concurrent interactions each; milliseconds")
    print(f"{'':<28}{'median':>10}{'p99':>10}   p99 vs bare bot")
    for mode in ("sequential", "concurrent"):
        floor = percentile(results[f"bare pong, {mode}"], 0.99)
        print(line(f"bare pong, {mode}", results[f"bare pong, {mode}"], None))
        for name in ("ask", "earnings", "earnings chart"):
            print(line(f"/{name}, {mode}", results[f"/{name}, {mode}"], floor))


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sequential", type=int, default=1000)
    parser.add_argument("--concurrent", type=int, default=200)
    args = parser.parse_args(argv)
    asyncio.run(main(args.sequential, args.concurrent))
    return 0


if __name__ == "__main__":
    sys.exit(run())
