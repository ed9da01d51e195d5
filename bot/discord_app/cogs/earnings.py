"""/earnings: what a pace and a per-chart rate come to, and what a contractor keeps, with a chart."""

from __future__ import annotations

import asyncio
import io
import logging

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.charts import CHART_FILENAME, earnings_png
from bot.core.earnings import DEFAULT_WEEKS_PER_YEAR, LIMITS, EarningsQuestion
from bot.core.replies import Reply, command
from bot.discord_app.checks import per_user_cooldown
from bot.discord_app.client import AdvisorBot
from bot.discord_app.embeds import to_embed
from bot.discord_app.views import NO_MENTIONS, send_reply

log = logging.getLogger(__name__)

# The core's bounds, enforced by the user's Discord client before anything is sent: the same
# values are accepted here, in the console and by the CLI.
ChartsPerHour = app_commands.Range[
    float, LIMITS["charts_per_hour"].minimum, LIMITS["charts_per_hour"].maximum
]
Rate = app_commands.Range[float, LIMITS["pay_per_chart"].minimum, LIMITS["pay_per_chart"].maximum]
HoursPerWeek = app_commands.Range[float, LIMITS["hours_per_week"].minimum, LIMITS["hours_per_week"].maximum]
WeeksPerYear = app_commands.Range[float, LIMITS["weeks_per_year"].minimum, LIMITS["weeks_per_year"].maximum]


class Earnings(commands.Cog):
    def __init__(self, bot: AdvisorBot) -> None:
        self.bot = bot
        # One chart drawn at a time: drawing holds the GIL, and a burst of them would starve the
        # event loop that answers everyone else. Waiting here costs nothing; equal charts come cached.
        self.drawing = asyncio.Semaphore(1)

    @app_commands.command(description=command("earnings").description)
    @app_commands.describe(
        charts_per_hour="Charts you code per hour, e.g. 12",
        rate="Pay per chart in US dollars, e.g. 0.75",
        hours_per_week="Hours of coding per week, e.g. 40",
        weeks_per_year=f"Weeks worked per year (default {DEFAULT_WEEKS_PER_YEAR:g}; unpaid time off lowers it)",
        compare_charts_per_hour="A second pace to compare with, e.g. 20",
        private="Only you will see it",
    )
    @per_user_cooldown
    async def earnings(
        self,
        interaction: discord.Interaction[AdvisorBot],
        charts_per_hour: ChartsPerHour,
        rate: Rate,
        hours_per_week: HoursPerWeek,
        weeks_per_year: WeeksPerYear = DEFAULT_WEEKS_PER_YEAR,
        compare_charts_per_hour: ChartsPerHour | None = None,
        private: bool = False,
    ) -> None:
        advisor = self.bot.advisor  # once: a reload in between must not mix two knowledge bases
        question = EarningsQuestion(
            charts_per_hour, rate, hours_per_week, weeks_per_year, compare_charts_per_hour
        )
        reply = advisor.earnings_reply(question)
        await send_reply(interaction, reply, ephemeral=private)  # an error is always private
        if reply.kind != "error":
            # The figures go out at once; the chart follows in an edit, drawn in a worker thread.
            curve = advisor.earnings_curve(advisor.earnings(question))
            async with self.drawing:
                png = await asyncio.to_thread(earnings_png, curve)
            await self._attach_chart(interaction, reply, png)

    async def _attach_chart(
        self, interaction: discord.Interaction[AdvisorBot], reply: Reply, png: bytes
    ) -> None:
        embed = to_embed(reply).set_image(url=f"attachment://{CHART_FILENAME}")
        chart = discord.File(
            io.BytesIO(png), CHART_FILENAME, description="Weekly gross and net by charts per hour"
        )
        try:
            await interaction.edit_original_response(
                embed=embed, attachments=[chart], allowed_mentions=NO_MENTIONS
            )
        except (discord.HTTPException, aiohttp.ClientError):
            log.warning("could not attach the earnings chart; the figures stand", exc_info=True)


async def setup(bot: AdvisorBot) -> None:
    await bot.add_cog(Earnings(bot))
