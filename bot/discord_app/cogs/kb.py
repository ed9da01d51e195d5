"""/kb: the moderators' view of the knowledge base and the question log. Every reply is private.

Discord shows /kb to members with Manage Server (a server can change that in its Integrations
settings), so each use is checked again here: administrators and moderation.moderator_role_ids.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.knowledge.loader import SUFFIXES, validate_upload
from bot.core.moderation import (
    REPORT_DAYS_DEFAULT,
    STALE_MONTHS_DEFAULT,
    QuestionReport,
    gaps_reply,
    problem_lines,
    reload_reply,
    stale_entries,
    stale_reply,
    stats_reply,
    status_reply,
    validation_reply,
)
from bot.core.replies import Reply, error_reply
from bot.discord_app.checks import Refused, is_moderator
from bot.discord_app.client import AdvisorBot
from bot.discord_app.views import send_reply
from bot.storage import StorageError

UPLOAD_MAX_BYTES = 512 * 1024  # a knowledge file is a few kilobytes; this refuses anything else
Days = app_commands.Range[int, 1, 3650]
DAYS = f"Over the last this many days (default {REPORT_DAYS_DEFAULT})"


class Knowledge(commands.Cog):
    kb = app_commands.Group(
        name="kb",
        description="Moderators: the knowledge base and the question log",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: AdvisorBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if not is_moderator(interaction, self.bot.settings.moderation.moderator_role_ids):
            raise Refused("Only moderators can use /kb.")
        return True

    async def _send(self, interaction: discord.Interaction[AdvisorBot], reply: Reply) -> None:
        await send_reply(interaction, reply, ephemeral=True)

    @kb.command(description="Content hash, number of topics, when it was loaded, the last problem")
    async def status(self, interaction: discord.Interaction[AdvisorBot]) -> None:
        status = self.bot.knowledge.status(self.bot.watching, self.bot.store.problem)
        await self._send(interaction, status_reply(status))

    @kb.command(description="Load the knowledge files again now (they are also watched)")
    async def reload(self, interaction: discord.Interaction[AdvisorBot]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.bot.reload_knowledge()
        summary = result.summary()
        await self._send(interaction, reload_reply(result.outcome == "applied", summary, result.problems))

    @kb.command(description="Check a knowledge file before it goes live; nothing is applied")
    @app_commands.describe(file="A .yaml file, checked as if it were in the knowledge folder under its name")
    async def validate(self, interaction: discord.Interaction[AdvisorBot], file: discord.Attachment) -> None:
        if Path(file.filename).suffix not in SUFFIXES:
            await self._send(interaction, error_reply(f"`{file.filename}` is not a .yaml file."))
            return
        if file.size > UPLOAD_MAX_BYTES:
            await self._send(
                interaction,
                error_reply(f"`{file.filename}` is {file.size:,} bytes; knowledge files are far smaller."),
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            raw = await file.read()
        except discord.HTTPException as error:
            await self._send(
                interaction, error_reply(f"Could not download `{file.filename}` ({error.status}): try again.")
            )
            return
        directory = Path(self.bot.settings.knowledge_dir)
        where, problems = await asyncio.to_thread(validate_upload, directory, file.filename, raw)
        await self._send(
            interaction, validation_reply(file.filename, where, problem_lines(problems, directory))
        )

    @kb.command(description="Entries whose reviewed date is older than some months")
    @app_commands.describe(months=f"Older than this many months (default {STALE_MONTHS_DEFAULT})")
    async def stale(
        self,
        interaction: discord.Interaction[AdvisorBot],
        months: app_commands.Range[int, 1, 120] = STALE_MONTHS_DEFAULT,
    ) -> None:
        entries = stale_entries(self.bot.advisor.kb, self.bot.clock().date(), months)
        await self._send(interaction, stale_reply(entries, months))

    @kb.command(description="Questions declined or voted not helpful, most frequent first")
    @app_commands.describe(days=DAYS)
    async def gaps(
        self, interaction: discord.Interaction[AdvisorBot], days: Days = REPORT_DAYS_DEFAULT
    ) -> None:
        report = await self._report(interaction, days)
        if report is not None:
            await self._send(interaction, gaps_reply(report, days))

    @kb.command(description="Top topics, answered and declined counts, helpful votes")
    @app_commands.describe(days=DAYS)
    async def stats(
        self, interaction: discord.Interaction[AdvisorBot], days: Days = REPORT_DAYS_DEFAULT
    ) -> None:
        report = await self._report(interaction, days)
        if report is not None:
            await self._send(interaction, stats_reply(report, self.bot.advisor.kb, days))

    async def _report(self, interaction: discord.Interaction[AdvisorBot], days: int) -> QuestionReport | None:
        """The question log of the last `days` days, or None after telling the moderator why not."""
        problem = self.bot.store.problem
        if problem is None:
            await self.bot.write_questions()  # the last questions asked count too
            try:
                return await self.bot.store.report(self.bot.clock() - dt.timedelta(days=days))
            except StorageError as error:
                problem = str(error)
        await self._send(interaction, error_reply(f"The question log cannot be read: {problem}"))
        return None


async def setup(bot: AdvisorBot) -> None:
    await bot.add_cog(Knowledge(bot))
