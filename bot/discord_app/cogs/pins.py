"""/pin: FAQs posted as ordinary bot messages, pinned, and kept current when the knowledge changes.

Moderators may pin anywhere; a chapter's lead roles in that chapter's channels. Discord offers
/pin to members with Pin Messages (a server can change that in its Integrations settings); each
use is checked again here. Replies are private; the pinned message itself is public.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.advisor import Advisor
from bot.core.limits import CHOICE_NAME_MAX, CHOICES_MAX
from bot.core.replies import Reply, error_reply
from bot.discord_app.checks import Refused, is_chapter_lead, is_moderator
from bot.discord_app.choices import complete_topic
from bot.discord_app.client import AdvisorBot
from bot.discord_app.embeds import to_embed
from bot.discord_app.views import NO_MENTIONS, answer_view, send_reply
from bot.live.pins import PinGone, PinSync, Rendered
from bot.live.reloader import ReloadResult
from bot.storage import PinRecord, StorageError

log = logging.getLogger(__name__)

# What Discord's error codes mean for a pinned FAQ the bot keeps: its record is dropped.
GONE: dict[int, str] = {
    10003: "the channel was deleted",
    10008: "the message was deleted",
    50001: "the bot can no longer see the channel",
    50013: "the bot lacks a permission in the channel",
}


def _gone(error: discord.HTTPException) -> Exception:
    """PinGone for 'deleted / not allowed any more', else the error itself (worth a retry)."""
    if isinstance(error, discord.NotFound | discord.Forbidden):
        return PinGone(GONE.get(error.code, f"Discord refused it ({error.status} {error.text})"))
    return error


class Pins(commands.Cog):
    pin = app_commands.Group(
        name="pin",
        description="Pinned FAQs that stay current when the knowledge base changes",
        default_permissions=discord.Permissions(pin_messages=True),
        guild_only=True,
    )

    def __init__(self, bot: AdvisorBot) -> None:
        self.bot = bot
        self.sync = PinSync(bot.store, self.render, self.fetch, self.edit, self.dropped)
        self._verified = False

    async def cog_unload(self) -> None:
        await self.sync.stop()

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if is_moderator(interaction, self.bot.settings.moderation.moderator_role_ids):
            return True
        if is_chapter_lead(interaction, self.bot.chapter_for(interaction)):
            return True
        raise Refused("Only moderators, and a chapter's leads in its own channels, can manage pinned FAQs.")

    # --- what a pinned FAQ shows, and keeping it so --------------------------------------------

    def render(self, record: PinRecord) -> Rendered | None:
        return self._render(record.guild_id, record.channel_id, record.topic_id)

    def _render(
        self, guild_id: int, channel_id: int, topic_id: str, advisor: Advisor | None = None
    ) -> Rendered | None:
        """The topic as it shows in that channel now (its chapter's details), or None if it is gone."""
        advisor = advisor or self.bot.advisor
        if topic_id not in advisor.kb.topics:
            return None
        channel = self.bot.get_channel(channel_id) or discord.Object(channel_id)
        place = self.bot.place_in(self.bot.get_guild(guild_id), channel, advisor)
        reply = advisor.faq(topic_id, place)
        embed, view = to_embed(reply), answer_view(reply)
        shown = {"embed": embed.to_dict(), "components": view.to_components() if view else []}
        digest = hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()
        return Rendered({"embed": embed, "view": view}, digest)

    async def fetch(self, record: PinRecord) -> None:
        channel = self.bot.get_partial_messageable(record.channel_id, guild_id=record.guild_id)
        try:
            await channel.fetch_message(record.message_id)
        except discord.HTTPException as error:
            raise _gone(error) from None

    async def edit(self, record: PinRecord, rendered: Rendered) -> None:
        channel = self.bot.get_partial_messageable(record.channel_id, guild_id=record.guild_id)
        message = channel.get_partial_message(record.message_id)
        try:
            await message.edit(**rendered.payload, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as error:
            raise _gone(error) from None

    async def dropped(self, record: PinRecord, reason: str) -> None:
        await self.bot.mod_log(
            f"Pinned FAQ `{record.topic_id}` in <#{record.channel_id}> is no longer kept current: {reason}."
        )

    @commands.Cog.listener()
    async def on_knowledge_reloaded(self, result: ReloadResult) -> None:
        self.sync.request()

    @commands.Cog.listener()
    async def on_daily_maintenance(self) -> None:
        self.sync.request()  # a date passed: "the next exam sitting" may have moved on

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if not self._verified:  # after a restart, once: messages may have gone while it was off
            self._verified = True
            self.sync.request(verify=True)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        try:
            record = await self.bot.store.pin_by_message(payload.message_id)
            if record is not None:
                await self.bot.store.remove_pin(record.channel_id, record.topic_id)
        except StorageError as error:
            log.warning("pinned FAQ records not checked: %s", error)
            return
        if record is not None:
            log.warning(
                "pinned FAQ %s in channel %s dropped: deleted by hand", record.topic_id, record.channel_id
            )
            await self.dropped(record, "its message was deleted")

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        try:
            records = await self.bot.store.pins(channel_id=channel.id)
            for record in records:
                await self.bot.store.remove_pin(record.channel_id, record.topic_id)
        except StorageError as error:
            log.warning("pinned FAQ records not checked: %s", error)
            return
        for record in records:
            log.warning("pinned FAQ %s dropped: channel %s deleted", record.topic_id, channel.id)
            await self.dropped(record, "the channel was deleted")

    # --- the commands --------------------------------------------------------------------------

    async def _refuse_if_off(self, interaction: discord.Interaction[AdvisorBot]) -> bool:
        if self.bot.store.problem is None:
            return False
        await send_reply(
            interaction, error_reply(f"Pinned FAQs are off: {self.bot.store.problem}"), ephemeral=True
        )
        return True

    @pin.command(name="add", description="Post a topic in this channel and pin it; it is kept current")
    @app_commands.describe(topic="Start typing: a topic or a keyword")
    @app_commands.autocomplete(topic=complete_topic)
    async def add(
        self, interaction: discord.Interaction[AdvisorBot], topic: app_commands.Range[str, 1, CHOICE_NAME_MAX]
    ) -> None:
        if await self._refuse_if_off(interaction):
            return
        advisor = self.bot.advisor
        topic_id = advisor.topic_id(topic)
        if topic_id is None or interaction.guild_id is None or interaction.channel_id is None:
            await send_reply(
                interaction,
                error_reply(f"There is no topic `{topic}`: pick one from the list as you type."),
                ephemeral=True,
            )
            return
        title = advisor.kb.topics[topic_id].title
        same = [
            r for r in await self.bot.store.pins(channel_id=interaction.channel_id) if r.topic_id == topic_id
        ]
        if same:
            await send_reply(
                interaction,
                Reply(title="Already pinned here", body=f"**{title}**: {self._jump(same[0])}"),
                ephemeral=True,
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        rendered = self._render(interaction.guild_id, interaction.channel_id, topic_id, advisor)
        assert rendered is not None  # the topic exists in this advisor
        channel = self.bot.get_partial_messageable(interaction.channel_id, guild_id=interaction.guild_id)
        try:
            message = await channel.send(**rendered.payload, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as error:
            await self._fail(
                interaction,
                f"I can't post in this channel ({error.text or error.status}): "
                "I need View Channel, Send Messages and Embed Links here.",
            )
            return
        try:
            await message.pin(reason=f"/pin add {topic_id}")
        except discord.HTTPException as error:
            with contextlib.suppress(discord.HTTPException):
                await message.delete()
            needs = (
                "I need the Pin Messages permission in this channel."
                if isinstance(error, discord.Forbidden)
                else ""
            )
            await self._fail(
                interaction, f"Discord refused the pin ({error.text or error.status}). {needs}".strip()
            )
            return
        record = PinRecord(
            interaction.guild_id,
            interaction.channel_id,
            topic_id,
            message.id,
            rendered.content_hash,
            self.bot.clock(),
        )
        try:
            await self.bot.store.add_pin(record)
        except StorageError as error:
            with contextlib.suppress(discord.HTTPException):
                await message.delete()
            await self._fail(interaction, f"The pin could not be recorded, so it was taken down: {error}")
            return
        log.info("pinned FAQ %s in channel %s", topic_id, interaction.channel_id)
        await send_reply(
            interaction,
            Reply(
                title="Pinned",
                body=f"**{title}**: {message.jump_url}\nIt changes when the knowledge base does.",
            ),
            ephemeral=True,
        )

    @pin.command(name="list", description="The pinned FAQs of this channel, or of the whole server")
    @app_commands.describe(everywhere="Every channel of the server, not only this one")
    async def list_pins(self, interaction: discord.Interaction[AdvisorBot], everywhere: bool = False) -> None:
        if await self._refuse_if_off(interaction):
            return
        if everywhere:
            records = await self.bot.store.pins(guild_id=interaction.guild_id)
        else:
            records = await self.bot.store.pins(channel_id=interaction.channel_id)
        topics = self.bot.advisor.kb.topics
        lines = [
            f"- **{topics[r.topic_id].title if r.topic_id in topics else r.topic_id}** in <#{r.channel_id}>: "
            f"{self._jump(r)}"
            for r in records
        ]
        where = "in this server" if everywhere else "in this channel"
        body = "\n".join(lines) or f"No pinned FAQs {where}. Add one with `/pin add`."
        await send_reply(interaction, Reply(title=f"Pinned FAQs {where}", body=body), ephemeral=True)

    @pin.command(name="remove", description="Unpin a FAQ in this channel and delete the bot's message")
    @app_commands.describe(topic="A pinned topic of this channel")
    async def remove(
        self, interaction: discord.Interaction[AdvisorBot], topic: app_commands.Range[str, 1, CHOICE_NAME_MAX]
    ) -> None:
        if await self._refuse_if_off(interaction):
            return
        records = await self.bot.store.pins(channel_id=interaction.channel_id)
        wanted = topic.strip().casefold()
        topics = self.bot.advisor.kb.topics
        record = next(
            (
                r
                for r in records
                if wanted in (r.topic_id, topics[r.topic_id].title.casefold() if r.topic_id in topics else "")
            ),
            None,
        )
        if record is None:
            await send_reply(
                interaction,
                error_reply(f"`{topic}` is not pinned in this channel. `/pin list` shows what is."),
                ephemeral=True,
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.bot.store.remove_pin(
            record.channel_id, record.topic_id
        )  # first: the delete event finds nothing
        message = self.bot.get_partial_messageable(
            record.channel_id, guild_id=record.guild_id
        ).get_partial_message(record.message_id)
        note = ""
        try:
            await message.unpin(reason=f"/pin remove {record.topic_id}")
            await message.delete()
        except discord.NotFound:
            pass  # already deleted by hand
        except discord.HTTPException as error:
            note = f" I could not take the message down ({error.text or error.status}): delete it by hand."
        await send_reply(
            interaction,
            Reply(title="Unpinned", body=f"`{record.topic_id}` is no longer pinned here.{note}"),
            ephemeral=True,
        )

    @remove.autocomplete("topic")
    async def remove_autocomplete(
        self, interaction: discord.Interaction[AdvisorBot], current: str
    ) -> list[app_commands.Choice[str]]:
        try:
            records = await self.bot.store.pins(channel_id=interaction.channel_id)
        except StorageError:
            return []
        topics = self.bot.advisor.kb.topics
        typed = current.strip().casefold()
        choices = []
        for record in records:
            title = topics[record.topic_id].title if record.topic_id in topics else record.topic_id
            if typed in f"{record.topic_id} {title}".casefold():
                choices.append(app_commands.Choice(name=title[:CHOICE_NAME_MAX], value=record.topic_id))
        return choices[:CHOICES_MAX]

    def _jump(self, record: PinRecord) -> str:
        channel = self.bot.get_partial_messageable(record.channel_id, guild_id=record.guild_id)
        return channel.get_partial_message(record.message_id).jump_url

    async def _fail(self, interaction: discord.Interaction[AdvisorBot], message: str) -> None:
        await send_reply(interaction, error_reply(message), ephemeral=True)


async def setup(bot: AdvisorBot) -> None:
    await bot.add_cog(Pins(bot))
