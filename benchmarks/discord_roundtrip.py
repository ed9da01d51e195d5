"""Interaction round trip and memory: INTERACTION_CREATE sent -> the bot's callback received, on 127.0.0.1.

    python benchmarks/discord_roundtrip.py [--sequential 1000] [--concurrent 200]

The Discord-compatible test server (tests/discord_server) runs here; each bot runs in a process of
its own, as in production, with the real discord.py client: first a bare discord.py bot that
answers "pong" (the library's floor), then the advisor exactly as `coding-advisor run` starts it
(its config: a cooldown and a duplicate window that let a benchmark ask the same thing again and
again). `/ask` asks the on-topic messages of the blind tuning sets (benchmarks/blind/tuning*.yaml,
never test.yaml: about 1,600 distinct messages, real writers' wording), shuffled with a fixed seed
and each asked once before any is asked again, so no cache is flattered by the same few questions.
Printed, all measured in this one run:
- each bot's resident memory (RSS) once connected (commands synced, before any interaction) and
  after its interactions, and the advisor's against the bare bot's;
- median and p99 of sequential and concurrent interactions, each p99 against the bare bot's, and
  the CPU time each bot process spent per interaction. An interaction's time runs from the moment
  the server sends its INTERACTION_CREATE to the moment the bot's callback request reaches the
  server's handler: what the bot takes. The p99 "until handled" adds what the test server then
  does with the callback before the next interaction (checking the reply, storing the message,
  sending MESSAGE_CREATE): its own work, larger for an embed with buttons than for "pong".
`/faq` opens the topics by id, as autocomplete sends them: the same kind of reply as `/ask` (an
embed, related-topic buttons) without the search, so the gap between the two is the search's.
"/earnings chart" is the time until the chart is attached (the edit that follows the figures); the
next /earnings waits for it. The machine's load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.evaluation import median, percentile, tuning_sets
from bot.core.knowledge import load_knowledge
from bot.core.knowledge.paths import default_knowledge_dir
from tests.discord_server import FakeDiscord

HERE = Path(__file__).resolve().parent
TUNING_SETS = tuning_sets(HERE / "blind")  # never test.yaml
SHUFFLE_SEED = 20261201
CONNECT_TIMEOUT = 60.0
TOPIC_IDS = list(load_knowledge(default_knowledge_dir()).topics)
SETTLE = 1.0  # seconds after the commands are synced before memory is read: the bot is idle


def pong_bot(api_base: str, gateway: str, guild_id: int) -> None:
    """The floor: a bare discord.py bot with one slash command answering "pong" (run in a child)."""
    import discord
    import yarl
    from discord import app_commands
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    class PongBot(discord.Client):
        def __init__(self) -> None:
            super().__init__(
                intents=discord.Intents.default(), allowed_mentions=discord.AllowedMentions.none()
            )
            self.tree = app_commands.CommandTree(self)

            @self.tree.command(description="pong", guild=discord.Object(guild_id))
            async def ping(interaction: discord.Interaction) -> None:
                await interaction.response.send_message("pong")

        async def setup_hook(self) -> None:
            await self.tree.sync(guild=discord.Object(guild_id))

    Route.BASE = api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    logging.getLogger("discord").setLevel(logging.ERROR)
    PongBot().run("fake-bot-token", log_handler=None)


def questions() -> Iterator[str]:
    """The tuning sets' distinct on-topic messages, in a fixed shuffled order, over and over."""
    asked: dict[str, None] = {}
    for path in TUNING_SETS:
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            if item.get("topic") and not item.get("off_topic") and not item.get("greeting"):
                asked[item["q"]] = None
    messages = list(asked)
    random.Random(SHUFFLE_SEED).shuffle(messages)
    return itertools.cycle(messages)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


async def measure(
    server: FakeDiscord,
    command: str,
    make: Callable[[int], dict[str, Any]],
    count: int,
    parallel: bool,
    finished: list[float] | None = None,
) -> tuple[list[float], list[float]]:
    """Callback times: until the callback reached the server, and until the server had handled it;
    with `finished`, each interaction also waits for its one edit (the earnings chart) and that
    time is appended there, so the next one starts only when this one is done."""

    async def one(number: int) -> tuple[float, float]:
        start = time.perf_counter()
        reply = await server.slash(command, timeout=30, **make(number))
        handled = (time.perf_counter() - start) * 1000
        ix = reply.interaction
        assert ix.answered_at is not None
        answered = (ix.answered_at - ix.sent_at) * 1000
        if finished is not None:
            await ix.wait_edit(timeout=60)
            finished.append((time.perf_counter() - start) * 1000)
        return answered, handled

    if parallel:
        timings = list(await asyncio.gather(*(one(n) for n in range(count))))
    else:
        timings = [await one(n) for n in range(count)]
    return [answered for answered, _ in timings], [handled for _, handled in timings]


class BotProcess:
    """A bot in a child process, connected to the server: started, waited for, measured, stopped."""

    def __init__(self, server: FakeDiscord, argv: list[str], env: dict[str, str], command: str) -> None:
        self.server, self.argv, self.env, self.command = server, argv, env, command
        self.process: subprocess.Popen[bytes] | None = None
        self.log = Path(tempfile.mkstemp(prefix="bot-", suffix=".log")[1])

    def _synced(self) -> bool | None:
        listed = self.server.commands.get(str(self.server.guild_id), [])
        return True if any(c["name"] == self.command for c in listed) else None

    async def __aenter__(self) -> BotProcess:
        self.server.commands.clear()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(self.argv, env=self.env, stdout=log, stderr=log)
        try:
            await self.server.wait_for(self._synced, timeout=CONNECT_TIMEOUT, what=f"/{self.command} synced")
        except TimeoutError:
            await self.__aexit__()
            raise SystemExit(f"the bot did not connect:\n{self.log.read_text(errors='replace')}") from None
        await asyncio.sleep(SETTLE)
        return self

    def rss(self) -> float:
        assert self.process is not None
        return rss_mb(self.process.pid)

    def cpu(self) -> float:
        assert self.process is not None
        return cpu_seconds(self.process.pid)

    async def __aexit__(self, *exc: object) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        for _ in range(100):
            if self.process.poll() is not None:
                break
            await asyncio.sleep(0.1)
        else:
            self.process.kill()
        self.log.unlink(missing_ok=True)


async def main(sequential: int, concurrent: int) -> None:
    logging.getLogger("discord").setLevel(logging.ERROR)
    # The server's OpenAPI checks (the tests' job) would add their own cost to every round trip.
    server = FakeDiscord(openapi=False, check_responses=False)
    server.callback_deadline = 30.0  # measure latency, not Discord's 3 s cut-off
    await server.start()
    work = Path(tempfile.mkdtemp(prefix="roundtrip-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "CODING_ADVISOR_"))}
    results: dict[str, list[float]] = {}
    handled: dict[str, list[float]] = {}  # until the server had handled the callback
    memory: dict[str, tuple[float, float]] = {}
    cpu: dict[str, float] = {}  # the bot's own CPU milliseconds per interaction
    modes = (("sequential", sequential, False), ("concurrent", concurrent, True))
    try:
        pong = [sys.executable, __file__, "--pong-bot", server.api_base, server.gateway_url, server.guild_id]
        async with BotProcess(server, pong, env, "ping") as bot:
            connected = bot.rss()
            for mode, count, parallel in modes:
                used = bot.cpu()
                label = f"bare pong, {mode}"
                results[label], handled[label] = await measure(server, "ping", lambda n: {}, count, parallel)
                cpu[f"bare pong, {mode}"] = (bot.cpu() - used) * 1000 / count
            memory["bare pong bot"] = connected, bot.rss()

        config = work / "config.yaml"
        config.write_text(
            f"discord:\n  guild_ids: [{server.guild_id}]\nstate_dir: {work / 'state'}\n"
            "cooldown:\n  rate: 1000000\n  per_seconds: 1\nduplicate_window_seconds: 0\n",
            encoding="utf-8",
        )
        advisor_env = env | {
            "DISCORD_TOKEN": "fake-bot-token",
            "DISCORD_API_BASE_URL": server.api_base,
            "DISCORD_GATEWAY_URL": server.gateway_url,
        }
        advisor = [sys.executable, "-m", "bot", "run", "--config", str(config)]
        asked = questions()  # sequential first, then concurrent: the same message only after all others
        commands: dict[str, Callable[[int], dict[str, Any]]] = {
            "ask": lambda n: {"question": next(asked)},
            # The same kind of reply as /ask (an embed, related-topic buttons) without the search: a
            # topic by its id, as autocomplete sends it. What discord.py takes to send such a reply.
            "faq": lambda n: {"topic": TOPIC_IDS[n % len(TOPIC_IDS)]},
            "earnings": lambda n: {"charts_per_hour": 10 + n % 30, "rate": 0.75, "hours_per_week": 40},
        }
        async with BotProcess(server, advisor, advisor_env, "ask") as bot:
            connected = bot.rss()
            for name, make in commands.items():
                for mode, count, parallel in modes:
                    charts: list[float] | None = [] if name == "earnings" else None
                    used = bot.cpu()
                    label = f"/{name}, {mode}"
                    results[label], handled[label] = await measure(
                        server, name, make, count, parallel, charts
                    )
                    cpu[f"/{name}, {mode}"] = (bot.cpu() - used) * 1000 / count
                    if charts is not None:
                        results[f"/{name} chart, {mode}"] = charts
                if name == "ask":
                    after_ask = bot.rss()
            memory["advisor bot"] = connected, bot.rss()
    finally:
        await server.stop()

    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    print("resident memory, MB")
    print(f"{'':<28}{'connected':>10}{'after':>10}   connected vs bare bot")
    floor_mb = memory["bare pong bot"][0]
    for label, (connected_mb, after_mb) in memory.items():
        ratio = f"{connected_mb / floor_mb:5.2f}x" if label != "bare pong bot" else "  floor"
        print(f"{label:<28}{connected_mb:>10.1f}{after_mb:>10.1f}   {ratio}")
    print(f"{'advisor bot after /ask':<28}{'':>10}{after_ask:>10.1f}   (before any /earnings chart)")
    print()
    print(f"{sequential} sequential and {concurrent} concurrent interactions each; milliseconds")
    print(
        f"{'':<28}{'median':>10}{'p99':>10}   p99 vs bare bot   bot CPU per interaction"
        "   p99 until handled, vs bare bot"
    )
    for mode in ("sequential", "concurrent"):
        floor = f"bare pong, {mode}"
        print(_line(floor, results, handled, None, cpu[floor]))
        for name in ("ask", "faq", "earnings", "earnings chart"):
            label = f"/{name}, {mode}"
            print(_line(label, results, handled, floor, cpu.get(label)))
    print("(the bot's CPU is the user and system time of its process over the run, divided by its count;")
    print(" /earnings' includes drawing its chart)")


def _line(
    label: str,
    results: dict[str, list[float]],
    handled: dict[str, list[float]],
    floor: str | None,
    cpu_ms: float | None,
) -> str:
    timings = results[label]
    p99 = percentile(timings, 0.99)
    ratio = f"{p99 / percentile(results[floor], 0.99):5.2f}x" if floor else "  floor"
    used = f"{cpu_ms:8.2f} ms" if cpu_ms is not None else ""
    line = f"{label:<28}{median(timings):>10.2f}{p99:>10.2f}   {ratio:<16}{used:<26}"
    if label in handled:
        until = percentile(handled[label], 0.99)
        versus = f"{until / percentile(handled[floor], 0.99):5.2f}x" if floor else "floor"
        line += f"{until:>8.2f}   {versus}"
    return line


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sequential", type=int, default=1000)
    parser.add_argument("--concurrent", type=int, default=200)
    parser.add_argument("--pong-bot", nargs=3, metavar=("API", "GATEWAY", "GUILD"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.pong_bot:
        pong_bot(args.pong_bot[0], args.pong_bot[1], int(args.pong_bot[2]))
        return 0
    asyncio.run(main(args.sequential, args.concurrent))
    return 0


if __name__ == "__main__":
    sys.exit(run())
