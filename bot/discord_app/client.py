"""The Discord bot: a commands.Bot subclass that loads the cogs and serves the core's replies."""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.core.advisor import Advisor
from bot.core.knowledge.templates import Place
from bot.discord_app.views import DYNAMIC_ITEMS, NO_MENTIONS

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.discord_app.cogs.answers",
    "bot.discord_app.cogs.credentials",
    "bot.discord_app.cogs.earnings",
    "bot.discord_app.cogs.guide",
    "bot.discord_app.cogs.tools",
)
COMMAND_HASH_FILE = "commands.sha256"
# View Channels, Send Messages, Embed Links, Read Message History: 1024 + 2048 + 16384 + 65536.
INVITE_PERMISSIONS = 84992
MISSING_ACCESS = 50001  # Discord's error code for a guild the bot cannot reach
_INSTANCES = itertools.count(1)

# The bot never joins voice: discord.py's warnings about its missing voice libraries are noise.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


def invite_url(application_id: int | None) -> str:
    """The link that adds the bot to a server with the scopes and permissions it needs."""
    client_id = application_id or "YOUR_APPLICATION_ID"
    return (
        f"https://discord.com/oauth2/authorize?client_id={client_id}"
        f"&scope=bot+applications.commands&permissions={INVITE_PERMISSIONS}"
    )


def unreachable_guild(guild_id: int, application_id: int | None, setting: str) -> str:
    """One line for a guild Discord refused the commands of (403 Missing Access)."""
    return (
        f"cannot publish the slash commands to server {guild_id}: Discord answered 403 Missing Access. "
        f"Check the id in {setting}, and that the bot was invited to that server with the "
        f"applications.commands scope: {invite_url(application_id)}"
    )


@dataclass(frozen=True)
class SyncResult:
    """What a commands sync did: command counts by guild (None: global), and the guilds refused."""

    synced: dict[int | None, int]
    unreachable: tuple[int, ...] = ()


def apply_endpoints(settings: Settings) -> None:
    """Point discord.py at another REST base and gateway (a rate-limit proxy, or a test server).

    discord.py has no constructor option for this: REST builds every URL from Route.BASE, and a
    non-sharded client opens its first gateway connection to DiscordWebSocket.DEFAULT_GATEWAY.
    """
    if settings.discord.api_base_url:
        discord.http.Route.BASE = settings.discord.api_base_url
    if settings.discord.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord.gateway_url)


class AdvisorTree(app_commands.CommandTree):
    """One error handler for every command: a short, friendly message for the user, the traceback
    for the logs, and the bot keeps running."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        if isinstance(error, app_commands.CommandOnCooldown):
            message = f"You're asking quickly! Try again in {error.retry_after:.0f} s."
        elif isinstance(error, app_commands.TransformerError):
            message = f"That value doesn't work: {error}"
        elif isinstance(error, app_commands.CheckFailure):
            message = "You can't use this command here."
        else:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("command /%s failed", command, exc_info=error)
            message = "Sorry, something went wrong on my side. The moderators can see what happened."
        try:
            if interaction.response.is_done():
                await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_MENTIONS)
            else:
                await interaction.response.send_message(message, ephemeral=True, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.warning("could not tell the user about an error in /%s", interaction.command, exc_info=True)


class AdvisorMixin:
    """What the advisor adds to a discord.py bot, sharded or not."""

    settings: Settings
    advisor: Advisor
    tree: AdvisorTree

    def _setup_advisor(self, settings: Settings, advisor: Advisor) -> None:
        self.settings = settings
        self.advisor = advisor
        self.instance_number = next(_INSTANCES)  # tells bots in one process apart (cooldown buckets)
        self.auto_sync = True
        self.feedback: list[tuple[str, bool, int]] = []
        # (channel id, topic id) -> (monotonic time, jump URL) of recent public answers.
        self.recent_answers: dict[tuple[int, str], tuple[float, str]] = {}

    async def setup_hook(self) -> None:
        for extension in EXTENSIONS:
            await self.load_extension(extension)  # type: ignore[attr-defined]
        self.add_dynamic_items(*DYNAMIC_ITEMS)  # type: ignore[attr-defined]
        if self.auto_sync:
            await self.sync_if_changed()

    # --- commands sync -----------------------------------------------------------------------

    def command_payload(self) -> list[dict[str, Any]]:
        return [command.to_dict(self.tree) for command in self.tree.get_commands()]

    def command_hash(self) -> str:
        text = json.dumps(
            {"commands": self.command_payload(), "guilds": sorted(self.settings.discord.guild_ids)},
            sort_keys=True,
        )
        return hashlib.sha256(text.encode()).hexdigest()

    async def sync_commands(self, guild_id: int | None = None) -> SyncResult:
        """Copy the global command definitions to a guild (instant) or publish them globally.

        A guild Discord refuses (a wrong id, or the bot invited without the applications.commands
        scope) does not stop the others: it is returned in `unreachable`.
        """
        targets = [guild_id] if guild_id else self.settings.discord.guild_ids
        if not targets:
            synced = await self.tree.sync()
            log.info("synced %d commands globally (can take up to an hour to appear)", len(synced))
            return SyncResult({None: len(synced)})
        counts: dict[int | None, int] = {}
        unreachable: list[int] = []
        for target in targets:
            guild = discord.Object(id=target)
            self.tree.copy_global_to(guild=guild)
            try:
                synced = await self.tree.sync(guild=guild)
            except discord.Forbidden as error:
                if error.code != MISSING_ACCESS:
                    raise
                unreachable.append(target)
                continue
            counts[target] = len(synced)
            log.info("synced %d commands to guild %s", len(synced), target)
        return SyncResult(counts, tuple(unreachable))

    @property
    def _hash_file(self) -> Path:
        return Path(self.settings.state_dir) / COMMAND_HASH_FILE

    def save_command_hash(self) -> None:
        self._hash_file.parent.mkdir(parents=True, exist_ok=True)
        self._hash_file.write_text(self.command_hash() + "\n")

    async def sync_if_changed(self) -> bool:
        """Sync only when the definitions changed since the last sync (the first start syncs)."""
        marker = self._hash_file
        if marker.is_file() and marker.read_text().strip() == self.command_hash():
            log.info("slash commands unchanged since the last sync; not syncing")
            return False
        result = await self.sync_commands()
        for guild_id in result.unreachable:
            application_id = self.application_id  # type: ignore[attr-defined]
            log.error("%s", unreachable_guild(guild_id, application_id, "discord.guild_ids"))
        if not result.unreachable:  # else the next start tries those guilds again
            self.save_command_hash()
        return True

    # --- helpers for the cogs ----------------------------------------------------------------

    def place_for(self, interaction: discord.Interaction) -> Place:
        return Place(server_name=interaction.guild.name if interaction.guild else "this server")

    def record_feedback(self, topic_id: str, helpful: bool, user_id: int) -> None:
        self.feedback.append((topic_id, helpful, user_id))
        log.info("feedback: %s was %s", topic_id, "helpful" if helpful else "not helpful")

    def earlier_answer(self, channel_id: int | None, topic_id: str) -> str | None:
        """The link to the same topic answered publicly in this channel within the window, if any."""
        if channel_id is None:
            return None
        seen = self.recent_answers.get((channel_id, topic_id))
        if seen and time.monotonic() - seen[0] < self.settings.duplicate_window_seconds:
            return seen[1]
        return None

    def remember_answer(self, channel_id: int | None, topic_id: str, jump_url: str) -> None:
        if channel_id is None:
            return
        now = time.monotonic()
        window = self.settings.duplicate_window_seconds
        self.recent_answers = {k: v for k, v in self.recent_answers.items() if now - v[0] < window}
        self.recent_answers[(channel_id, topic_id)] = (now, jump_url)

    def cooldown_for(self, interaction: discord.Interaction) -> app_commands.Cooldown | None:
        settings = self.settings.cooldown
        return app_commands.Cooldown(settings.rate, settings.per_seconds)


def _options() -> dict[str, Any]:
    # Slash commands need no privileged intent: not message content, members or presences.
    return {
        "command_prefix": commands.when_mentioned,
        "intents": discord.Intents.default(),
        "allowed_mentions": NO_MENTIONS,
        "tree_cls": AdvisorTree,
        "help_command": None,
    }


class AdvisorBot(AdvisorMixin, commands.Bot):
    def __init__(self, settings: Settings, advisor: Advisor) -> None:
        super().__init__(**_options())
        self._setup_advisor(settings, advisor)


class ShardedAdvisorBot(AdvisorMixin, commands.AutoShardedBot):
    def __init__(self, settings: Settings, advisor: Advisor) -> None:
        super().__init__(
            **_options(),
            shard_count=settings.discord.shard_count,
            shard_ids=settings.discord.shard_ids,
        )
        self._setup_advisor(settings, advisor)


def create_bot(settings: Settings, advisor: Advisor) -> AdvisorBot | ShardedAdvisorBot:
    if settings.discord.shard_count:
        return ShardedAdvisorBot(settings, advisor)
    return AdvisorBot(settings, advisor)
