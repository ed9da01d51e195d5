"""/roadmap and /help: finding your way."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.replies import command, help_reply
from bot.discord_app.checks import per_user_cooldown
from bot.discord_app.client import AdvisorBot
from bot.discord_app.views import roadmap_view, send_reply


class Guide(commands.Cog):
    def __init__(self, bot: AdvisorBot) -> None:
        self.bot = bot

    @app_commands.command(description=command("roadmap").description)
    @app_commands.describe(private="Only you will see it")
    @per_user_cooldown
    async def roadmap(self, interaction: discord.Interaction[AdvisorBot], private: bool = False) -> None:
        reply = self.bot.advisor.roadmap(0)
        view = roadmap_view(reply, 0, len(self.bot.advisor.kb.roadmap))
        await send_reply(interaction, reply, ephemeral=private, view=view)

    @app_commands.command(name="help", description=command("help").description)
    @app_commands.describe(private="Only you will see it")
    async def help_command(self, interaction: discord.Interaction[AdvisorBot], private: bool = False) -> None:
        await send_reply(interaction, help_reply(), ephemeral=private)


async def setup(bot: AdvisorBot) -> None:
    await bot.add_cog(Guide(bot))
