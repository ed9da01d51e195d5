"""Discord objects as the API returns them: snowflakes, users, the guild, channels, messages."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import time
from typing import Any

DISCORD_EPOCH_MS = 1420070400000

# Permission bits used below (https://discord.com/developers/docs/topics/permissions).
CREATE_INSTANT_INVITE = 1 << 0
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_EXTERNAL_EMOJIS = 1 << 18
CHANGE_NICKNAME = 1 << 26
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
PIN_MESSAGES = 1 << 51  # split from MANAGE_MESSAGES in 2025; since 2026 only it allows pinning
ALL_PERMISSIONS = (1 << 53) - 1

EVERYONE_PERMISSIONS = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)
BOT_ROLE_PERMISSIONS = EVERYONE_PERMISSIONS | MANAGE_MESSAGES | PIN_MESSAGES
MODERATOR_PERMISSIONS = MANAGE_GUILD | MANAGE_MESSAGES | MANAGE_CHANNELS | PIN_MESSAGES


def snowflake_at(ms: int, increment: int = 0) -> str:
    return str(((ms - DISCORD_EPOCH_MS) << 22) | (increment & 0xFFF))


def fixed_snowflake(year: int, n: int) -> str:
    ms = int(dt.datetime(year, 1, 1, tzinfo=dt.UTC).timestamp() * 1000)
    return snowflake_at(ms, n)


class SnowflakeFactory:
    """New ids from the current time, like Discord's (so `created_at` is now)."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def __call__(self) -> str:
        return snowflake_at(int(time.time() * 1000), next(self._counter))


def iso_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def iso_at(year: int) -> str:
    return dt.datetime(year, 1, 1, tzinfo=dt.UTC).isoformat()


def make_user(user_id: str, username: str, global_name: str | None, *, bot: bool = False) -> dict[str, Any]:
    user: dict[str, Any] = {
        "id": user_id,
        "username": username,
        "global_name": global_name,
        "avatar": None,
        "discriminator": "0",
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "collectibles": None,
        "primary_guild": None,
    }
    if bot:
        user["bot"] = True
    return user


def make_member(user: dict[str, Any], roles: list[str], joined_at: str) -> dict[str, Any]:
    return {
        "user": user,
        "nick": None,
        "avatar": None,
        "banner": None,
        "roles": list(roles),
        "joined_at": joined_at,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
        "unusual_dm_activity_until": None,
    }


def make_role(
    role_id: str, name: str, permissions: int, position: int, *, bot_id: str | None = None
) -> dict[str, Any]:
    role: dict[str, Any] = {
        "id": role_id,
        "name": name,
        "description": None,
        "permissions": str(permissions),
        "position": position,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "managed": bot_id is not None,
        "mentionable": False,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }
    if bot_id is not None:
        role["tags"] = {"bot_id": bot_id}
    return role


def make_text_channel(
    channel_id: str, guild_id: str, name: str, position: int, parent_id: str | None = None
) -> dict[str, Any]:
    return {
        "id": channel_id,
        "type": 0,
        "guild_id": guild_id,
        "name": name,
        "position": position,
        "flags": 0,
        "parent_id": parent_id,
        "topic": None,
        "nsfw": False,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "permission_overwrites": [],
        "default_auto_archive_duration": 1440,
        "default_thread_rate_limit_per_user": 0,
    }


def make_category(channel_id: str, guild_id: str, name: str, position: int) -> dict[str, Any]:
    """A category (type 4): channels list it as their `parent_id`."""
    return {
        "id": channel_id,
        "type": 4,
        "guild_id": guild_id,
        "name": name,
        "position": position,
        "flags": 0,
        "parent_id": None,
        "permission_overwrites": [],
    }


def make_overwrite(target_id: str, kind: int, *, allow: int = 0, deny: int = 0) -> dict[str, Any]:
    """A permission overwrite: kind 0 for a role (the guild id is @everyone), 1 for a member."""
    return {"id": target_id, "type": kind, "allow": str(allow), "deny": str(deny)}


def make_guild(
    guild_id: str, name: str, owner_id: str, system_channel_id: str, roles: list[dict[str, Any]]
) -> dict[str, Any]:
    """A guild as GET /guilds/{id} returns it (GUILD_CREATE adds members, channels, ...)."""
    return {
        "id": guild_id,
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "home_header": None,
        "region": "deprecated",
        "owner_id": owner_id,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "roles": roles,
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": system_channel_id,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "max_presences": None,
        "max_members": 500000,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": False,
        "preferred_locale": "en-US",
        "nsfw": False,
        "nsfw_level": 0,
        "widget_enabled": False,
        "widget_channel_id": None,
        "incidents_data": None,
    }


def make_application(
    application_id: str, bot_user: dict[str, Any], owner: dict[str, Any], flags: int
) -> dict[str, Any]:
    """The application as GET /oauth2/applications/@me returns it."""
    scopes = ["applications.commands", "bot"]
    return {
        "id": application_id,
        "name": bot_user["global_name"] or bot_user["username"],
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "bot": bot_user,
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": flags,
        "flags_new": str(flags),
        "hook": True,
        "tags": [],
        "rpc_origins": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,  # set, discord.py would warn that it gets no interactions
        "role_connections_verification_url": None,
        "owner": owner,
        "team": None,
        "approximate_guild_count": 1,
        "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0,
        "explicit_content_filter": 0,
        "eligible_oauth2_scopes": scopes,
        "install_params": {"scopes": scopes, "permissions": str(BOT_ROLE_PERMISSIONS)},
        "integration_types_config": {"0": {"oauth2_install_params": {"scopes": scopes, "permissions": "0"}}},
    }


def member_permissions(member: dict[str, Any], guild: dict[str, Any]) -> int:
    roles = {role["id"]: int(role["permissions"]) for role in guild["roles"]}
    value = roles.get(guild["id"], 0)
    for role_id in member["roles"]:
        value |= roles.get(role_id, 0)
    if guild.get("owner_id") == member["user"]["id"] or value & ADMINISTRATOR:
        return ALL_PERMISSIONS
    return value


def channel_permissions(member: dict[str, Any], guild: dict[str, Any], channel: dict[str, Any]) -> int:
    """A member's permissions in a channel, with its overwrites, in Discord's documented order:
    @everyone, then the member's roles together (deny, then allow), then the member's own."""
    base = member_permissions(member, guild)
    if base & ADMINISTRATOR or base == ALL_PERMISSIONS:
        return ALL_PERMISSIONS
    overwrites = {o["id"]: o for o in channel.get("permission_overwrites") or []}
    value = base
    everyone = overwrites.get(guild["id"])
    if everyone is not None:
        value = (value & ~int(everyone["deny"])) | int(everyone["allow"])
    deny = allow = 0
    for role_id in member["roles"]:
        overwrite = overwrites.get(role_id)
        if overwrite is not None and overwrite["type"] == 0:
            deny, allow = deny | int(overwrite["deny"]), allow | int(overwrite["allow"])
    value = (value & ~deny) | allow
    own = overwrites.get(member["user"]["id"])
    if own is not None and own["type"] == 1:
        value = (value & ~int(own["deny"])) | int(own["allow"])
    if not value & VIEW_CHANNEL:
        return 0  # a channel you cannot see grants nothing
    return value


def number_components(components: list[dict[str, Any]], start: int = 1) -> int:
    """Give every component a numeric `id`, depth first, as Discord does; returns the next free id.

    Also stores component emoji as Discord returns them."""
    next_id = start
    for component in components:
        for item in (component, *component.get("options", [])):
            emoji = item.get("emoji")
            if isinstance(emoji, dict) and emoji.get("id") is None:
                emoji.pop("id", None)  # a unicode emoji comes back as {"name": "👍"}
        component.setdefault("id", next_id)
        next_id = max(next_id, int(component["id"])) + 1
        children = list(component.get("components") or [])
        children += [
            component[key] for key in ("accessory", "component") if isinstance(component.get(key), dict)
        ]
        next_id = number_components(children, next_id)
    return next_id


def normalise_embeds(embeds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for embed in embeds:
        embed = copy.deepcopy(embed)
        embed.setdefault("type", "rich")
        for field in embed.get("fields", []):
            field.setdefault("inline", False)
        result.append(embed)
    return result


def make_message(
    message_id: str,
    channel_id: str,
    author: dict[str, Any],
    body: dict[str, Any],
    *,
    message_type: int = 0,
    flags: int = 0,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A message object built from a create body (content, embeds, components, ...)."""
    components = copy.deepcopy(body.get("components") or [])
    number_components(components)
    message: dict[str, Any] = {
        "id": message_id,
        "channel_id": channel_id,
        "type": message_type,
        "content": body.get("content") or "",
        "author": author,
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": bool(body.get("tts", False)),
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": normalise_embeds(body.get("embeds") or []),
        "components": components,
        "pinned": False,
        "flags": flags,
    }
    if extra:
        message.update(extra)
    return message


def apply_edit(message: dict[str, Any], body: dict[str, Any]) -> None:
    """Apply a PATCH body to a stored message (only the keys the body sets)."""
    if "content" in body:
        message["content"] = body["content"] or ""
    if "embeds" in body:
        message["embeds"] = normalise_embeds(body["embeds"] or [])
    if "components" in body:
        components = copy.deepcopy(body["components"] or [])
        number_components(components)
        message["components"] = components
    if "attachments" in body:
        kept = {str(a.get("id")) for a in body["attachments"] or []}
        message["attachments"] = [a for a in message["attachments"] if str(a["id"]) in kept]
    if "flags" in body and body["flags"] is not None:
        # Only SUPPRESS_EMBEDS can be changed by an edit; keep the others.
        suppress = 1 << 2
        message["flags"] = (message["flags"] & ~suppress) | (int(body["flags"]) & suppress)
    message["flags"] &= ~(1 << 7)  # LOADING goes away with the first edit of a deferred reply
    message["edited_timestamp"] = iso_now()


def walk_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """All components, depth first (action rows, sections, containers, labels)."""
    found: list[dict[str, Any]] = []
    for component in components:
        found.append(component)
        children = list(component.get("components") or [])
        children += [
            component[key] for key in ("accessory", "component") if isinstance(component.get(key), dict)
        ]
        found.extend(walk_components(children))
    return found
