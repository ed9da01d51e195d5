"""Autocomplete shared by the cogs that take a topic."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.core.advisor import Advisor
from bot.core.limits import CHOICE_NAME_MAX, CHOICES_MAX, QUESTION_MAX
from bot.discord_app.offload import off_loop

if TYPE_CHECKING:
    from bot.discord_app.client import AdvisorBot


def topic_choices(advisor: Advisor, current: str) -> list[app_commands.Choice[str]]:
    """The topics completing what is typed so far."""
    return [
        app_commands.Choice(name=match.title[:CHOICE_NAME_MAX], value=match.id)
        for match in advisor.suggest(current[:QUESTION_MAX], limit=CHOICES_MAX)
    ]


async def complete_topic(
    interaction: discord.Interaction[AdvisorBot], current: str
) -> list[app_commands.Choice[str]]:
    """The autocomplete of a `topic` option (the same list for /faq and /pin add), off the event
    loop when the knowledge base is large."""
    advisor = interaction.client.advisor
    return await off_loop(advisor, topic_choices, advisor, current)
