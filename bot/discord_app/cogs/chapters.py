"""/chapter: the local chapter of this channel (meetings, contact, exam sittings, links)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.chapters import chapter_reply, no_chapter_reply
from bot.core.replies import command
from bot.discord_app.checks import per_user_cooldown
from bot.discord_app.client import AdvisorBot
from bot.discord_app.views import send_reply


class Chapters(commands.Cog):
    def __init__(self, bot: AdvisorBot) -> None:
        self.bot = bot

    @app_commands.command(description=command("chapter").description)
    @app_commands.describe(private="Only you will see it")
    @per_user_cooldown
    async def chapter(self, interaction: discord.Interaction[AdvisorBot], private: bool = False) -> None:
        advisor = self.bot.advisor
        found = self.bot.chapter_for(interaction, advisor)
        if found is None:
            reply = no_chapter_reply(advisor.kb)
        else:
            reply = chapter_reply(advisor.kb, found.id, self.bot.clock().date())
        await send_reply(interaction, reply, ephemeral=private)


async def setup(bot: AdvisorBot) -> None:
    await bot.add_cog(Chapters(bot))
