"""Autocomplete choices shared by the cogs that take a topic."""

from __future__ import annotations

from discord import app_commands

from bot.core.advisor import Advisor
from bot.core.limits import CHOICE_NAME_MAX, CHOICES_MAX, QUESTION_MAX


def topic_choices(advisor: Advisor, current: str) -> list[app_commands.Choice[str]]:
    """The topics completing what is typed so far (the same list for /faq and /pin add)."""
    return [
        app_commands.Choice(name=match.title[:CHOICE_NAME_MAX], value=match.id)
        for match in advisor.suggest(current[:QUESTION_MAX], limit=CHOICES_MAX)
    ]
