"""/earnings: what a pace and a per-chart rate come to, and what a contractor keeps."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.earnings import LIMITS
from bot.discord_app.checks import per_user_cooldown
from bot.discord_app.client import AdvisorBot
from bot.discord_app.views import send_reply

# Discord enforces the same bounds as the core in the user's client, before anything is sent.
ChartsPerHour = app_commands.Range[float, 0.1, float(LIMITS["charts_per_hour"][1])]
Rate = app_commands.Range[float, 0.01, float(LIMITS["pay_per_chart"][1])]
HoursPerWeek = app_commands.Range[float, 0.5, float(LIMITS["hours_per_week"][1])]
WeeksPerYear = app_commands.Range[float, 1.0, float(LIMITS["weeks_per_year"][1])]


class Earnings(commands.Cog):
    def __init__(self, bot: AdvisorBot) -> None:
        self.bot = bot

    @app_commands.command(description="Earnings calculator: charts per hour x pay per chart")
    @app_commands.describe(
        charts_per_hour="Charts you code per hour, e.g. 12",
        rate="Pay per chart in US dollars, e.g. 0.75",
        hours_per_week="Hours of coding per week, e.g. 40",
        weeks_per_year="Weeks worked per year (default 52; unpaid time off lowers it)",
        compare_charts_per_hour="A second pace to compare with, e.g. 20",
        private="Only you will see it",
    )
    @per_user_cooldown
    async def earnings(
        self,
        interaction: discord.Interaction,
        charts_per_hour: ChartsPerHour,
        rate: Rate,
        hours_per_week: HoursPerWeek,
        weeks_per_year: WeeksPerYear = 52.0,
        compare_charts_per_hour: ChartsPerHour | None = None,
        private: bool = False,
    ) -> None:
        reply = self.bot.advisor.earnings_reply(
            charts_per_hour, rate, hours_per_week, weeks_per_year, compare_charts_per_hour
        )
        await send_reply(interaction, reply, ephemeral=private)


async def setup(bot: AdvisorBot) -> None:
    await bot.add_cog(Earnings(bot))
