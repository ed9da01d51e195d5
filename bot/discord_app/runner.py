"""Starting the bot, and syncing its slash commands by hand."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator

import aiohttp
import discord

from bot.config import ConfigError, Settings
from bot.core.advisor import Advisor
from bot.discord_app.client import AdvisorBot, create_bot, discord_endpoints, unreachable_guild

log = logging.getLogger(__name__)


def _token(settings: Settings) -> str:
    token = (settings.discord.token or "").strip()
    if not token:
        raise ConfigError("no Discord token: set DISCORD_TOKEN, or discord.token in the config file")
    return token


def run_bot(settings: Settings) -> int:
    """Run until stopped; SIGTERM (systemd, docker stop) and Ctrl-C close the gateway cleanly and exit 0."""
    token = _token(settings)
    discord.utils.setup_logging(level=getattr(logging, settings.log_level))
    advisor = Advisor.from_directory(settings.knowledge_dir, cache_dir=settings.state_dir).warm()
    log.info("knowledge %s: %d topics", advisor.kb.version, len(advisor.kb.topics))
    with _endpoints(settings):
        try:
            asyncio.run(_serve(create_bot(settings, advisor), token))
        except discord.LoginFailure:
            raise ConfigError(
                "Discord refused the token: copy it again from the Developer Portal (Bot page)"
            ) from None
    return 0


@contextlib.contextmanager
def _endpoints(settings: Settings) -> Iterator[None]:
    """discord.py pointed at the configured endpoints; a Discord it cannot reach is one line."""
    with discord_endpoints(settings.discord.api_base_url, settings.discord.gateway_url):
        try:
            yield
        except (aiohttp.ClientError, OSError) as error:
            raise ConfigError(f"cannot reach Discord at {discord.http.Route.BASE}: {error}") from None


async def _serve(bot: AdvisorBot, token: str) -> None:
    """Run the bot until it stops by itself (raising what stopped it) or a stop signal arrives."""
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # no loop signal handlers on Windows
            loop.add_signal_handler(sig, stopping.set)
    async with bot:  # closes the gateway and the HTTP session however this block ends
        running = asyncio.create_task(bot.start(token), name="discord-bot")
        stop = asyncio.create_task(stopping.wait(), name="stop-signal")
        await asyncio.wait({running, stop}, return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        if running.done():
            running.result()
            return
        log.info("stopping: closing the gateway and the HTTP session")
        # Stop reading the gateway first: discord.py closes a socket it is still reading with code
        # 4000, which Discord treats as a drop (the session stays alive and the bot shows online
        # for minutes); closed when idle, it sends 1000 and Discord ends the session at once.
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await bot.close()


def sync_commands(settings: Settings, guild_id: int | None) -> int:
    """Publish the commands now; a guild Discord refuses is one line each, and exit code 2."""
    token = _token(settings)
    advisor = Advisor.from_directory(settings.knowledge_dir)
    # The outcome is printed; the log shows only what goes wrong (or everything at DEBUG).
    discord.utils.setup_logging(level=logging.DEBUG if settings.log_level == "DEBUG" else logging.WARNING)

    async def sync() -> tuple[dict[int | None, int], list[str]]:
        bot = create_bot(settings, advisor)
        bot.auto_sync = False
        bot.serving = False  # publishing only: no store, no watcher
        async with bot:
            try:
                await bot.login(token)
            except discord.LoginFailure:
                raise ConfigError("Discord refused the token") from None
            result = await bot.sync_commands(guild_id)
            setting = "--guild" if guild_id else "discord.guild_ids"
            refused = [unreachable_guild(g, bot.application_id, setting) for g in result.unreachable]
            if not refused:
                bot.save_command_hash()
            return result.synced, refused

    with _endpoints(settings):
        synced, refused = asyncio.run(sync())
    for target, count in synced.items():
        where = f"guild {target}" if target else "globally (can take up to an hour to appear)"
        print(f"synced {count} commands to {where}" if target else f"synced {count} commands {where}")
    if refused:
        raise ConfigError(refused)
    return 0
