"""The Discord bot: a commands.Bot subclass that loads the cogs and serves the core's replies.

Besides answering, it keeps what the moderators need running: the store (question log, votes,
pinned FAQs), the knowledge watcher that swaps the whole Advisor on a valid edit, the mod-log
channel, and a daily round that prunes old questions and refreshes pinned FAQs.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.core.advisor import Advisor, Answer
from bot.core.knowledge.loader import Chapter, content_version
from bot.core.knowledge.templates import Place
from bot.core.limits import MESSAGE_CONTENT_MAX
from bot.discord_app.checks import Refused, UserCooldowns
from bot.discord_app.views import DYNAMIC_ITEMS, NO_MENTIONS
from bot.live.reloader import KnowledgeReloader, ReloadResult
from bot.live.watcher import watch_knowledge
from bot.storage import (
    DisabledStore,
    LoggedQuestion,
    StorageError,
    Store,
    Vote,
    new_question_id,
    open_store,
)

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.discord_app.cogs.answers",
    "bot.discord_app.cogs.credentials",
    "bot.discord_app.cogs.earnings",
    "bot.discord_app.cogs.guide",
    "bot.discord_app.cogs.chapters",
    "bot.discord_app.cogs.kb",
    "bot.discord_app.cogs.pins",
    "bot.discord_app.cogs.tools",
)
COMMAND_HASH_FILE = "commands.sha256"
MAINTENANCE_INTERVAL = 24 * 60 * 60.0  # seconds between two pruning rounds
# Seconds an answered question waits to be written with those asked after it, in one write: one
# write per question cost the bot about a third of an /ask's time (aiosqlite's thread, a commit).
QUESTION_LOG_DELAY = 1.0
VOTES_REMEMBERED = 10_000  # (user, message) pairs kept in memory so one person votes once per answer
# View Channels, Send Messages, Embed Links, Read Message History, Pin Messages (for /pin):
# 1024 + 2048 + 16384 + 65536 + 2**51.
INVITE_PERMISSIONS = 2251799813770240
MISSING_ACCESS = 50001  # Discord's error code for a guild the bot cannot reach
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def channel_chain(channel: object) -> tuple[int, ...]:
    """A channel's id, then its parents' that may name a chapter: category; for a thread, its
    channel and that channel's category."""
    ids = [int(getattr(channel, "id", 0) or 0)]
    if isinstance(channel, discord.Thread):
        ids.append(channel.parent_id)
        channel = channel.parent
    category_id = getattr(channel, "category_id", None)
    if category_id:
        ids.append(int(category_id))
    return tuple(i for i in ids if i)


def _channel(interaction: discord.Interaction[Any]) -> object:
    """The interaction's channel; its bare id when discord.py has not cached it (a thread, a DM)."""
    return interaction.channel or discord.Object(interaction.channel_id or 0)


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


@contextlib.contextmanager
def discord_endpoints(api_base_url: str | None, gateway_url: str | None) -> Iterator[None]:
    """Point discord.py at another REST base and gateway (a rate-limit proxy, or a test server) for
    the block, and put back what was there when it ends; None keeps discord.py's own.

    discord.py has no constructor option for this: REST builds every URL from Route.BASE, and a
    non-sharded client opens its first gateway connection to DiscordWebSocket.DEFAULT_GATEWAY.
    """
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    try:
        if api_base_url:
            discord.http.Route.BASE = api_base_url
        if gateway_url:
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
        yield
    finally:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved


class AdvisorTree(app_commands.CommandTree["AdvisorBot"]):
    """One error handler for every command: a short, friendly message for the user, the traceback
    for the logs, and the bot keeps running."""

    async def on_error(
        self, interaction: discord.Interaction[AdvisorBot], error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.CommandOnCooldown):
            message = f"You're asking quickly! Try again in {error.retry_after:.0f} s."
        elif isinstance(error, Refused):
            message = str(error)
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


class AdvisorBot(commands.Bot):
    """The advisor on Discord: the cogs, the store, the knowledge watcher and the mod-log."""

    def __init__(
        self, settings: Settings, advisor: Advisor, clock: Clock | None = None, **options: Any
    ) -> None:
        # Slash commands need no privileged intent: not message content, members or presences.
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            # No cache of recent messages: nothing here reads one (pins use raw events and partial
            # messages), and discord.py's default keeps the last 1,000 whole, embeds and all.
            max_messages=None,
            allowed_mentions=NO_MENTIONS,
            tree_cls=AdvisorTree,
            help_command=None,
            **options,
        )
        self.settings = settings
        self.clock: Clock = clock or utc_now
        self.knowledge = KnowledgeReloader(settings.knowledge_dir, advisor, self.clock)
        self.cooldowns = UserCooldowns(settings.cooldown.rate, settings.cooldown.per_seconds)
        self.auto_sync = True
        self.serving = True  # False: only publishing commands (`coding-advisor sync`), nothing runs
        self.maintenance_interval = MAINTENANCE_INTERVAL
        self.question_log_delay = QUESTION_LOG_DELAY
        self._unwritten: list[LoggedQuestion] = []  # answered, waiting for write_questions()
        self.store: Store = DisabledStore("the store is not open yet")
        self.watching = False
        self._watch_stop = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._votes: OrderedDict[tuple[int, int], None] = OrderedDict()
        # (channel id, topic id) -> (monotonic time, jump URL) of recent public answers.
        self.recent_answers: dict[tuple[int, str], tuple[float, str]] = {}

    @property
    def advisor(self) -> Advisor:
        """The knowledge base being served; a reload replaces it whole (read it once per request)."""
        return self.knowledge.advisor

    async def setup_hook(self) -> None:
        if self.serving:
            await self._open_store()
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        if self.serving:
            if self.settings.knowledge_watch:
                await self._start_watching()  # before the gateway connects: no edit is missed
            self._spawn(self._maintenance(), "maintenance")
            self._spawn(self._announce_start(), "announce-start")
        if self.auto_sync:
            await self.sync_if_changed()

    async def close(self) -> None:
        self._watch_stop.set()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await super().close()
        await self.write_questions()
        store, self.store = self.store, DisabledStore("the bot has stopped")
        await store.close()

    def _spawn(self, coroutine: Any, name: str) -> asyncio.Task[Any]:
        """A background task kept referenced until it ends, and cancelled when the bot closes."""
        task = asyncio.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # --- storage and the question log ---------------------------------------------------------

    async def _open_store(self) -> None:
        self.store = await open_store(self.settings.storage_path)
        if self.store.problem:
            log.error("storage: %s; the question log and pinned FAQs are off", self.store.problem)
            return
        await self.prune_question_log()

    async def prune_question_log(self) -> int:
        """Delete logged questions and votes older than question_log.retention_days."""
        before = self.clock() - dt.timedelta(days=self.settings.question_log.retention_days)
        try:
            deleted = await self.store.prune(before)
        except StorageError as error:
            log.warning("old questions not pruned: %s", error)
            return 0
        if deleted:
            log.info("question log: %d question(s) older than %s deleted", deleted, before.date())
        return deleted

    async def _maintenance(self) -> None:
        """Once a day: prune the question log, and let the pinned FAQs catch up with the date."""
        while True:
            await asyncio.sleep(self.maintenance_interval)
            await self.prune_question_log()
            self.dispatch("daily_maintenance")

    async def _announce_start(self) -> None:
        await self.wait_until_ready()
        if self.store.problem:
            await self.mod_log(
                f"Storage is off, so questions are not logged and pinned FAQs are not kept current: "
                f"{self.store.problem}"
            )

    def question_entry(self, answer: Answer, place: Place) -> LoggedQuestion:
        """An /ask to log (no user id), with its id drawn now when the store is on: the answer's
        buttons carry it, and the question is written once the answer is sent (log_question)."""
        question_id = new_question_id() if self.store.problem is None else None
        return LoggedQuestion.from_answer(
            answer,
            at=self.clock(),
            chapter_id=place.chapter.id if place.chapter else None,
            source="discord",
            id=question_id,
        )

    async def log_question(self, entry: LoggedQuestion) -> None:
        """Log a question from question_entry once its answer is sent: written with the others
        answered within question_log_delay seconds, or before anything reads them (a vote on its
        answer, a report) or the bot stops."""
        self._unwritten.append(entry)
        if len(self._unwritten) == 1:
            self._spawn(self._write_questions_later(), "question-log")

    async def _write_questions_later(self) -> None:
        await asyncio.sleep(self.question_log_delay)
        await self.write_questions()

    async def write_questions(self) -> None:
        """Write the questions logged and not written yet; a store that fails is a warning in the log."""
        entries, self._unwritten = self._unwritten, []
        if not entries:
            return
        try:
            await self.store.log_questions(entries)
        except StorageError as error:
            log.warning("question not logged (%d lost): %s", len(entries), error)

    async def record_feedback(
        self, topic_id: str, helpful: bool, voter: tuple[int, int], question_id: int | None = None
    ) -> bool:
        """Store a helpful / not helpful vote; False when this (user, message) already voted.
        Who voted is only remembered in memory, to count one vote per person and answer."""
        if voter in self._votes:
            return False
        self._votes[voter] = None
        while len(self._votes) > VOTES_REMEMBERED:
            self._votes.popitem(last=False)
        await self.write_questions()  # the question voted on, if it is still waiting
        try:
            await self.store.record_vote(Vote(self.clock(), topic_id, helpful, question_id))
        except StorageError as error:
            log.warning("vote not stored: %s", error)
        log.info("feedback: %s was %s", topic_id, "helpful" if helpful else "not helpful")
        return True

    # --- live knowledge -----------------------------------------------------------------------

    async def _start_watching(self) -> None:
        directory = Path(self.settings.knowledge_dir)
        self._spawn(watch_knowledge(directory, self.reload_knowledge, self._watch_stop), "knowledge-watcher")
        self.watching = True
        await asyncio.sleep(0)  # let the watcher register with the OS before looking at the files
        # An edit made while the bot was starting, before the watcher was there:
        if await asyncio.to_thread(content_version, directory) != self.advisor.kb.version:
            await self.reload_knowledge()

    async def reload_knowledge(self) -> ReloadResult:
        """Reload now: swap in the new knowledge and say so, or keep the old and say why (once)."""
        result = await self.knowledge.reload()
        if result.outcome == "applied":
            log.info("%s", result.summary())
            await self.mod_log(result.summary())
            self.dispatch("knowledge_reloaded", result)
        elif result.outcome == "failed" and result.new_problems:
            log.warning("%s %s", result.summary(), "; ".join(result.problems))
            await self.mod_log(result.summary(), result.problems)
        return result

    async def mod_log(self, text: str, lines: Sequence[str] = ()) -> None:
        """Post to moderation.mod_log_channel_id (when set): the text, then each line, in as few
        messages as Discord's 2,000 characters allow. Never mentions anyone, never raises."""
        channel_id = self.settings.moderation.mod_log_channel_id
        if channel_id is None:
            return
        messages: list[str] = []
        for line in (text, *lines):
            line = line if len(line) <= MESSAGE_CONTENT_MAX else line[: MESSAGE_CONTENT_MAX - 1] + "…"
            if messages and len(messages[-1]) + 1 + len(line) <= MESSAGE_CONTENT_MAX:
                messages[-1] += "\n" + line
            else:
                messages.append(line)
        channel = self.get_partial_messageable(channel_id)
        for message in messages:
            try:
                await channel.send(message, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as error:
                log.warning("cannot post to the mod-log channel %s: %s", channel_id, error)
                return

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
            application_id = self.application_id
            log.error("%s", unreachable_guild(guild_id, application_id, "discord.guild_ids"))
        if not result.unreachable:  # else the next start tries those guilds again
            self.save_command_hash()
        return True

    # --- helpers for the cogs ----------------------------------------------------------------

    def place_for(
        self, interaction: discord.Interaction[AdvisorBot], advisor: Advisor | None = None
    ) -> Place:
        """Where an answer is shown: the server's name and the channel's chapter, if any."""
        return self.place_in(interaction.guild, _channel(interaction), advisor)

    def place_in(self, guild: discord.Guild | None, channel: object, advisor: Advisor | None = None) -> Place:
        advisor = advisor or self.advisor
        chapter = self.chapter_of(channel, advisor)
        view = advisor.kb.chapter_view(chapter.id, self.clock().date()) if chapter else None
        return Place(server_name=guild.name if guild else "this server", chapter=view)

    def chapter_of(self, channel: object, advisor: Advisor | None = None) -> Chapter | None:
        """The chapter of a channel (or of its category, or of a thread's channel), if any."""
        return (advisor or self.advisor).kb.chapter_of(channel_chain(channel))

    def chapter_for(
        self, interaction: discord.Interaction[Any], advisor: Advisor | None = None
    ) -> Chapter | None:
        """The chapter of the channel an interaction comes from, if any."""
        return self.chapter_of(_channel(interaction), advisor)

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


class ShardedAdvisorBot(AdvisorBot, discord.AutoShardedClient):
    """The same bot over several gateway connections (discord.shard_count, discord.shard_ids);
    built like discord.py's AutoShardedBot, which is BotBase over AutoShardedClient."""

    def __init__(self, settings: Settings, advisor: Advisor, clock: Clock | None = None) -> None:
        shards = settings.discord
        super().__init__(settings, advisor, clock, shard_count=shards.shard_count, shard_ids=shards.shard_ids)


def create_bot(settings: Settings, advisor: Advisor, clock: Clock | None = None) -> AdvisorBot:
    """The bot for these settings; `clock` (aware UTC datetimes) is the real time unless a test
    passes its own."""
    if settings.discord.shard_count:
        return ShardedAdvisorBot(settings, advisor, clock)
    return AdvisorBot(settings, advisor, clock)
