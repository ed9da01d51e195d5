"""Checks shared by the cogs."""

from __future__ import annotations

import discord
from discord import app_commands


def _cooldown(interaction: discord.Interaction) -> app_commands.Cooldown | None:
    return interaction.client.cooldown_for(interaction)  # type: ignore[attr-defined]


def _key(interaction: discord.Interaction) -> tuple[int, int]:
    # Command objects (and so their cooldown buckets) are shared by every bot built in one process,
    # so the bucket is per bot as well as per user.
    return interaction.client.instance_number, interaction.user.id  # type: ignore[attr-defined]


# A per-user cooldown whose rate comes from the settings (cooldown.rate per cooldown.per_seconds).
per_user_cooldown = app_commands.checks.dynamic_cooldown(_cooldown, key=_key)
