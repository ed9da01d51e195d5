"""Checks shared by the cogs: the per-user cooldown, and who may moderate or pin."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

if TYPE_CHECKING:
    from bot.core.knowledge.model import Chapter
    from bot.discord_app.client import AdvisorBot


class Refused(app_commands.CheckFailure):
    """The user may not run this command; the message says why, privately."""


class UserCooldowns:
    """One bot's cooldown buckets: `rate` uses of each command per user every `per` seconds.

    Kept by the bot rather than by discord.py's cooldown decorator, whose buckets live in the
    decorated function and so are shared by every bot built in one process."""

    def __init__(self, rate: int, per: float) -> None:
        self.rate, self.per = rate, per
        self._buckets: dict[tuple[str, int], app_commands.Cooldown] = {}

    def hit(self, command: str, user_id: int, now: float) -> app_commands.Cooldown | None:
        """Count one use at `now` (seconds); the bucket when it is over its rate, else None."""
        # Buckets full again are forgotten, so the table holds only users active in the last period.
        self._buckets = {k: b for k, b in self._buckets.items() if b.get_tokens(now) < b.rate}
        bucket = self._buckets.setdefault((command, user_id), app_commands.Cooldown(self.rate, self.per))
        return bucket if bucket.update_rate_limit(now) is not None else None


async def _cooldown(interaction: discord.Interaction[AdvisorBot]) -> bool:
    now = interaction.created_at.timestamp()
    command = interaction.command.qualified_name if interaction.command else ""
    bucket = interaction.client.cooldowns.hit(command, interaction.user.id, now)
    if bucket is not None:
        raise app_commands.CommandOnCooldown(bucket, bucket.get_retry_after(now))
    return True


# A per-user cooldown whose rate comes from the settings (cooldown.rate per cooldown.per_seconds).
per_user_cooldown = app_commands.check(_cooldown)


def _role_ids(interaction: discord.Interaction[AdvisorBot]) -> set[int]:
    return {role.id for role in getattr(interaction.user, "roles", [])}


def is_moderator(interaction: discord.Interaction[AdvisorBot], moderator_role_ids: list[int]) -> bool:
    """A server administrator, or a member with one of moderation.moderator_role_ids. Checked at
    run time because a server can override a command's default_member_permissions."""
    if interaction.guild is None:
        return False
    if interaction.permissions.administrator:
        return True
    return bool(_role_ids(interaction) & set(moderator_role_ids))


def is_chapter_lead(interaction: discord.Interaction[AdvisorBot], chapter: Chapter | None) -> bool:
    """A member with one of the lead roles of the chapter this channel belongs to."""
    return chapter is not None and bool(_role_ids(interaction) & set(chapter.lead_role_ids))
