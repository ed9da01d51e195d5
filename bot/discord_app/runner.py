"""Starting the bot, and syncing its slash commands by hand."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import discord

from bot.config import ConfigError, Settings
from bot.core.advisor import Advisor
from bot.discord_app.client import apply_endpoints, create_bot

log = logging.getLogger(__name__)


def _token(settings: Settings) -> str:
    token = (settings.discord.token or "").strip()
    if not token:
        raise ConfigError("no Discord token: set DISCORD_TOKEN, or discord.token in the config file")
    return token


def run_bot(settings: Settings) -> int:
    token = _token(settings)
    advisor = Advisor.from_directory(settings.knowledge_dir)
    discord.utils.setup_logging(level=getattr(logging, settings.log_level))
    log.info("knowledge %s: %d topics", advisor.kb.version, len(advisor.kb.topics))
    apply_endpoints(settings)
    bot = create_bot(settings, advisor)
    try:
        bot.run(token, log_handler=None)
    except discord.LoginFailure:
        raise ConfigError(
            "Discord refused the token: copy it again from the Developer Portal (Bot page)"
        ) from None
    except (aiohttp.ClientError, OSError) as error:
        raise ConfigError(f"cannot reach Discord at {discord.http.Route.BASE}: {error}") from None
    return 0


def sync_commands(settings: Settings, guild_id: int | None) -> int:
    token = _token(settings)
    advisor = Advisor.from_directory(settings.knowledge_dir)
    discord.utils.setup_logging(level=getattr(logging, settings.log_level))

    apply_endpoints(settings)

    async def sync() -> int:
        bot = create_bot(settings, advisor)
        bot.auto_sync = False
        bot.serving = False  # publishing only: no store, no watcher
        async with bot:
            try:
                await bot.login(token)
            except discord.LoginFailure:
                raise ConfigError("Discord refused the token") from None
            count = await bot.sync_commands(guild_id)
            bot.save_command_hash()
            return count

    try:
        count = asyncio.run(sync())
    except (aiohttp.ClientError, OSError) as error:
        raise ConfigError(f"cannot reach Discord at {discord.http.Route.BASE}: {error}") from None
    print(f"synced {count} commands to {'guild ' + str(guild_id) if guild_id else 'the configured target'}")
    return 0
