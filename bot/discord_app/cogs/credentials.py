"""/compare: two credentials side by side, generated from the credential records."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.limits import CHOICE_NAME_MAX, CHOICES_MAX
from bot.core.replies import command
from bot.discord_app.checks import per_user_cooldown
from bot.discord_app.client import AdvisorBot
from bot.discord_app.views import send_reply


class Credentials(commands.Cog):
    def __init__(self, bot: AdvisorBot) -> None:
        self.bot = bot

    @app_commands.command(description=command("compare").description)
    @app_commands.describe(
        first="A credential, e.g. CPC", second="Another one, e.g. CCS", private="Only you will see it"
    )
    @per_user_cooldown
    async def compare(
        self,
        interaction: discord.Interaction[AdvisorBot],
        first: app_commands.Range[str, 1, CHOICE_NAME_MAX],
        second: app_commands.Range[str, 1, CHOICE_NAME_MAX],
        private: bool = False,
    ) -> None:
        await send_reply(interaction, self.bot.advisor.compare(first, second), ephemeral=private)

    @compare.autocomplete("first")
    @compare.autocomplete("second")
    async def credential_autocomplete(
        self, interaction: discord.Interaction[AdvisorBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=match.title[:CHOICE_NAME_MAX], value=match.id)
            for match in self.bot.advisor.suggest_credentials(current[:CHOICE_NAME_MAX], limit=CHOICES_MAX)
        ]


async def setup(bot: AdvisorBot) -> None:
    await bot.add_cog(Credentials(bot))
