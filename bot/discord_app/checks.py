"""Checks shared by the cogs: the per-user cooldown, and who may moderate or pin."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

if TYPE_CHECKING:
    from bot.core.knowledge.model import Chapter


class Refused(app_commands.CheckFailure):
    """The user may not run this command; the message says why, privately."""


def _cooldown(interaction: discord.Interaction) -> app_commands.Cooldown | None:
    return interaction.client.cooldown_for(interaction)  # type: ignore[attr-defined]


def _key(interaction: discord.Interaction) -> tuple[int, int]:
    # Command objects (and so their cooldown buckets) are shared by every bot built in one process,
    # so the bucket is per bot as well as per user.
    return interaction.client.instance_number, interaction.user.id  # type: ignore[attr-defined]


# A per-user cooldown whose rate comes from the settings (cooldown.rate per cooldown.per_seconds).
per_user_cooldown = app_commands.checks.dynamic_cooldown(_cooldown, key=_key)


def _role_ids(interaction: discord.Interaction) -> set[int]:
    return {role.id for role in getattr(interaction.user, "roles", [])}


def is_moderator(interaction: discord.Interaction, moderator_role_ids: list[int]) -> bool:
    """A server administrator, or a member with one of moderation.moderator_role_ids. Checked at
    run time because a server can override a command's default_member_permissions."""
    if interaction.guild is None:
        return False
    if interaction.permissions.administrator:
        return True
    return bool(_role_ids(interaction) & set(moderator_role_ids))


def is_chapter_lead(interaction: discord.Interaction, chapter: Chapter | None) -> bool:
    """A member with one of the lead roles of the chapter this channel belongs to."""
    return chapter is not None and bool(_role_ids(interaction) & set(chapter.lead_role_ids))
