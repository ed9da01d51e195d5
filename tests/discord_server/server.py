"""FakeDiscord: a Discord-compatible REST v10 + gateway server on 127.0.0.1, for driving a real
discord.py client in tests."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import json
import math
import mimetypes
import re
import secrets
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, TypeVar

from aiohttp import web

from . import objects as obj
from .gateway import (
    GUILD_MEMBERS_INTENT,
    GUILD_MESSAGES_INTENT,
    GUILD_PRESENCES_INTENT,
    GUILDS_INTENT,
    INVALID_SESSION,
    MESSAGE_CONTENT_INTENT,
    PRIVILEGED_INTENTS,
    RECONNECT,
    Gateway,
    GatewayEvent,
    Session,
)
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    CHANNEL,
    MENTIONABLE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    ROLE,
    SELECT_TYPES,
    SUB_COMMAND,
    SUB_COMMAND_GROUP,
    USER,
    Attachment,
    FakeInteraction,
    Reply,
    _option_value,
    build_options,
    find_component,
)
from .openapi import OpenAPISpec, load_spec
from .validation import (
    EPHEMERAL,
    IS_COMPONENTS_V2,
    SUPPRESS_EMBEDS,
    SUPPRESS_NOTIFICATIONS,
    FormErrors,
    check_autocomplete,
    check_commands,
    check_message,
    check_modal,
)

T = TypeVar("T")
LOADING = 1 << 7
MESSAGE_FLAGS_ALLOWED = EPHEMERAL | SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2
# Which callback types each interaction type accepts.
CALLBACK_TYPES = {APPLICATION_COMMAND: {4, 5, 9, 12}, MESSAGE_COMPONENT: {4, 5, 6, 7, 9}, AUTOCOMPLETE: {8}}
SELECT_OPTION_KINDS = {5: USER, 6: ROLE, 7: MENTIONABLE, 8: CHANNEL}
MAX_PINS = 250  # per channel, since 2025 (it was 50)
CHANNEL_PINNED_MESSAGE = 6  # the system message "X pinned a message to this channel"
POLL_SECONDS = 0.02  # wait_for re-checks its predicate this often besides on every change here


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request: `files[n]` and its bytes."""

    name: str  # the form field, e.g. "files[0]"
    filename: str
    data: bytes

    @property
    def index(self) -> int | None:
        found = re.fullmatch(r"files\[(\d+)\]", self.name)
        return int(found[1]) if found else None


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, read from its IHDR chunk as Discord does for image attachments."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    return None


@dataclass
class RequestRecord:
    """One REST request as the server saw it."""

    method: str
    path: str  # after /api/v10, e.g. "/channels/123/messages"
    query: dict[str, str]
    json: Any = None  # the JSON body, or the payload_json of a multipart body
    files: list[str] = field(default_factory=list)  # the uploaded files' names
    uploads: list[Upload] = field(default_factory=list)
    status: int | None = None
    response: Any = None
    violations: list[str] = field(default_factory=list)  # how the body breaks the OpenAPI spec
    received_at: float = 0.0  # loop time the request reached its handler (its headers read)

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status}>"


class ApiError(Exception):
    def __init__(
        self, status: int, message: str, code: int = 0, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"message": message, "code": code}
        if errors:
            self.body["errors"] = errors

    @classmethod
    def form(cls, errors: FormErrors) -> ApiError:
        return cls(400, "Invalid Form Body", 50035, errors.tree)


@dataclass
class _Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    retry_after: float
    is_global: bool


@dataclass
class _Call:
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    files: list[Upload]
    received_at: float


Handler = Callable[[_Call], Awaitable[tuple[int, Any]]]


def _resolve_attachment_urls(message: dict[str, Any]) -> None:
    """An embed's image or thumbnail at attachment://NAME points at that attachment, as on Discord."""
    by_name = {a["filename"]: a for a in message["attachments"]}
    for embed in message["embeds"]:
        for key in ("image", "thumbnail"):
            media = embed.get(key)
            if isinstance(media, dict) and str(media.get("url", "")).startswith("attachment://"):
                attachment = by_name.get(media["url"].removeprefix("attachment://"))
                if attachment is not None:
                    media["url"], media["proxy_url"] = attachment["url"], attachment["proxy_url"]
                    if "width" in attachment:
                        media["width"], media["height"] = attachment["width"], attachment["height"]


def _flag(query: dict[str, str], name: str) -> bool:
    return query.get(name, "").lower() in ("1", "true")


class FakeDiscord:
    """A Discord-compatible server: one guild, one text channel, a student and a moderator (the
    owner). Tests add roles, members, channels and categories with `add_role`, `add_member`,
    `add_channel`; the bot's permissions in each channel follow Discord's overwrite rules.

    `await start()` listens on 127.0.0.1 (random port); point discord.py at `api_base` and
    `gateway_url` (see fixtures.running_bot). Every REST request lands in `requests`.
    """

    def __init__(
        self,
        *,
        heartbeat_interval: int = 41250,
        token: str | None = None,
        compress: bool = True,
        shard_count: int = 1,
        callback_deadline: float | None = 3.0,
        require_allowed_mentions: bool = True,
        openapi: bool = True,
        check_responses: bool = True,
        privileged_intents: int = PRIVILEGED_INTENTS,
        application_commands_scope: bool = True,
    ) -> None:
        self.heartbeat_interval = heartbeat_interval  # ms, sent in HELLO
        self.token = token  # None: any non-empty bot token logs in
        self.compress = compress  # honour ?compress=zlib-stream (else plain JSON text frames)
        self.shard_count = shard_count  # what GET /gateway/bot recommends
        self.callback_deadline = callback_deadline  # seconds to answer an interaction, as on Discord
        self.require_allowed_mentions = require_allowed_mentions  # the project rule
        self.privileged_intents = privileged_intents  # privileged intents the app is allowed
        # False: the bot was invited without the applications.commands scope, so the guild's
        # command endpoints answer 403 Missing Access (50001), as Discord does.
        self.application_commands_scope = application_commands_scope
        self.spec: OpenAPISpec | None = load_spec() if openapi else None
        self.check_responses = check_responses

        self.requests: list[RequestRecord] = []
        self.openapi_checked = 0  # request bodies checked against the spec
        self.response_violations: list[str] = []  # the fake's own answers that break the spec
        self.messages: dict[str, dict[str, Any]] = {}
        self.attachment_data: dict[str, bytes] = {}  # attachment id -> the bytes uploaded
        self.commands: dict[str | None, list[dict[str, Any]]] = {}  # None: global, else guild id
        self.interactions: dict[str, FakeInteraction] = {}
        self.pins: dict[str, list[tuple[str, str]]] = {}  # channel id -> [(message id, pinned_at)]
        self.attachments: dict[str, Attachment] = {}  # served at /attachments/... like Discord's CDN
        # Server Settings > Integrations: command name -> {role, user or guild (@everyone) id: allowed}
        self.command_overrides: dict[str, dict[str, bool]] = {}
        self.gateway = Gateway(self)
        self.port = 0
        self.snowflake = obj.SnowflakeFactory()
        self._failures: list[_Failure] = []
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._build_world()
        self._routes = self._route_table()

    # --- the world ---------------------------------------------------------------------------

    def _build_world(self) -> None:
        self.application_id = obj.fixed_snowflake(2023, 1)  # the bot user has the application's id
        self.guild_id = obj.fixed_snowflake(2022, 2)
        self.channel_id = obj.fixed_snowflake(2022, 3)
        self.bot_role_id = obj.fixed_snowflake(2023, 4)
        self.moderator_role_id = obj.fixed_snowflake(2022, 5)
        self.bot_user = obj.make_user(self.application_id, "coding-advisor", "Coding Advisor", bot=True)
        self.user = obj.make_user(obj.fixed_snowflake(2021, 6), "student", "Student")
        self.moderator = obj.make_user(obj.fixed_snowflake(2020, 7), "moderator", "Moderator")
        joined = obj.iso_at(2023)
        self.members: dict[str, dict[str, Any]] = {
            self.bot_user["id"]: obj.make_member(self.bot_user, [self.bot_role_id], joined),
            self.user["id"]: obj.make_member(self.user, [], joined),
            self.moderator["id"]: obj.make_member(self.moderator, [self.moderator_role_id], obj.iso_at(2022)),
        }
        self.channels: dict[str, dict[str, Any]] = {
            self.channel_id: obj.make_text_channel(self.channel_id, self.guild_id, "general", 0),
        }
        roles = [
            obj.make_role(self.guild_id, "@everyone", obj.EVERYONE_PERMISSIONS, 0),
            obj.make_role(self.moderator_role_id, "Moderator", obj.MODERATOR_PERMISSIONS, 1),
            obj.make_role(
                self.bot_role_id, "Coding Advisor", obj.BOT_ROLE_PERMISSIONS, 2, bot_id=self.application_id
            ),
        ]
        self.guild = obj.make_guild(
            self.guild_id, "Medical Coding Students", self.moderator["id"], self.channel_id, roles
        )

    def bot_permissions(self, channel_id: str | None = None) -> int:
        """The bot's permissions in the guild, or in one channel (with its overwrites)."""
        return self.permissions_of(self.application_id, channel_id)

    def permissions_of(self, user_id: str, channel_id: str | None = None) -> int:
        member = self.members[user_id]
        if channel_id is None:
            return obj.member_permissions(member, self.guild)
        return obj.channel_permissions(member, self.guild, self.channels[channel_id])

    # --- changing the world, as a server admin or a member would --------------------------------

    async def add_role(self, name: str, permissions: int = 0) -> str:
        """A new role (GUILD_ROLE_CREATE); returns its id."""
        role = obj.make_role(self.snowflake(), name, permissions, len(self.guild["roles"]))
        self.guild["roles"].append(role)
        await self._dispatch_guild("GUILD_ROLE_CREATE", {"guild_id": self.guild_id, "role": role})
        return str(role["id"])

    async def add_member(self, username: str, roles: list[str] | None = None) -> dict[str, Any]:
        """A new member with `roles` (GUILD_MEMBER_ADD, for clients with GUILD_MEMBERS); returns the user."""
        user = obj.make_user(self.snowflake(), username, username.title())
        self.members[user["id"]] = member = obj.make_member(user, roles or [], obj.iso_now())
        await self._dispatch_guild(
            "GUILD_MEMBER_ADD", member | {"guild_id": self.guild_id}, GUILD_MEMBERS_INTENT
        )
        return user

    async def add_channel(
        self,
        name: str,
        *,
        parent_id: str | None = None,
        category: bool = False,
        overwrites: list[dict[str, Any]] | None = None,
    ) -> str:
        """A text channel (in category `parent_id`), or a category; CHANNEL_CREATE; returns its id."""
        if parent_id is not None and self.channels.get(parent_id, {}).get("type") != 4:
            raise ValueError(f"{parent_id} is not a category")
        channel_id, position = self.snowflake(), len(self.channels)
        if category:
            channel = obj.make_category(channel_id, self.guild_id, name, position)
        else:
            channel = obj.make_text_channel(channel_id, self.guild_id, name, position, parent_id)
        channel["permission_overwrites"] = list(overwrites or [])
        self.channels[channel_id] = channel
        await self._dispatch_guild("CHANNEL_CREATE", channel)
        return channel_id

    async def set_overwrites(self, channel_id: str, overwrites: list[dict[str, Any]]) -> None:
        """Replace a channel's permission overwrites (CHANNEL_UPDATE), e.g. to hide it from the bot."""
        channel = self.channels[channel_id]
        channel["permission_overwrites"] = list(overwrites)
        await self._dispatch_guild("CHANNEL_UPDATE", channel)

    async def delete_channel(self, channel_id: str) -> None:
        """Delete a channel and its messages (CHANNEL_DELETE)."""
        channel = self.channels.pop(channel_id)
        self.pins.pop(channel_id, None)
        for message_id in [m for m, message in self.messages.items() if message["channel_id"] == channel_id]:
            del self.messages[message_id]
        await self._dispatch_guild("CHANNEL_DELETE", channel)

    async def delete_message(self, message_id: str, *, quietly: bool = False) -> None:
        """A member deletes a message by hand (MESSAGE_DELETE); `quietly`: no event, as if the bot
        had been offline with its session gone."""
        message = self.messages[str(message_id)]
        if quietly:
            self.messages.pop(message["id"])
            self._unpin(message)
        else:
            await self._delete_message(message)

    def allow_command(self, name: str, target_id: str, allowed: bool = True) -> None:
        """What an admin does in Server Settings > Integrations: let a role, a member or everyone
        (the guild id) use a command whatever its default_member_permissions say (or forbid it)."""
        self.command_overrides.setdefault(name, {})[target_id] = allowed

    def may_use_command(self, command: dict[str, Any], member: dict[str, Any]) -> bool:
        """Discord's check before a member can run a command: the overrides (member, then any of
        their roles, then @everyone), else the command's default_member_permissions."""
        overrides = self.command_overrides.get(command["name"], {})
        user_id = member["user"]["id"]
        if user_id in overrides:
            return overrides[user_id]
        by_role = [overrides[r] for r in member["roles"] if r in overrides]
        if by_role:
            return any(by_role)
        if self.guild_id in overrides:
            return overrides[self.guild_id]
        required = command.get("default_member_permissions")
        if required is None:
            return True
        have = obj.member_permissions(member, self.guild)
        return have & obj.ADMINISTRATOR != 0 or have & int(required) == int(required)

    async def _dispatch_guild(self, event: str, data: dict[str, Any], intent: int = GUILDS_INTENT) -> None:
        for session in self.gateway.live_sessions(self.guild_id, intent):
            await self.gateway.dispatch_to(session, event, copy.deepcopy(data))

    def application_flags(self) -> int:
        flags = 1 << 23  # APPLICATION_COMMAND_BADGE
        # The GATEWAY_*_LIMITED flags: the privileged intents an app under 100 servers may use.
        for intent, flag in (
            (GUILD_PRESENCES_INTENT, 1 << 13),
            (GUILD_MEMBERS_INTENT, 1 << 15),
            (MESSAGE_CONTENT_INTENT, 1 << 19),
        ):
            if self.privileged_intents & intent:
                flags |= flag
        return flags

    def _me(self) -> dict[str, Any]:
        return self.bot_user | {"verified": True, "mfa_enabled": False, "locale": "en-US", "email": None}

    def token_ok(self, token: Any) -> bool:
        return isinstance(token, str) and bool(token) and (self.token is None or token == self.token)

    def ready_payload(self, session: Session) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "v": 10,
            "user": self._me(),
            "user_settings": {},
            "guilds": [{"id": self.guild_id, "unavailable": True}] if session.covers(self.guild_id) else [],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": self.application_id, "flags": self.application_flags()},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["us-east"],
            "auth": {},
            "_trace": ['["gateway-fake",{}]'],
        }
        if session.shard is not None:
            payload["shard"] = list(session.shard)
        return payload

    def guild_create_payload(self, intents: int) -> dict[str, Any]:
        # Without GUILD_PRESENCES, Discord sends only the bot's own member here.
        members = (
            list(self.members.values())
            if intents & GUILD_PRESENCES_INTENT
            else [self.members[self.application_id]]
        )
        channels = [{k: v for k, v in c.items() if k != "guild_id"} for c in self.channels.values()]
        return copy.deepcopy(self.guild) | {
            "joined_at": self.members[self.application_id]["joined_at"],
            "large": False,
            "unavailable": False,
            "lazy": True,
            "member_count": len(self.members),
            "members": copy.deepcopy(members),
            "channels": channels,
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "embedded_activities": [],
        }

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/", self.gateway.handle)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._handle_rest)
        app.router.add_get("/attachments/{channel}/{attachment}/{filename}", self._serve_attachment)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # --- waiting -----------------------------------------------------------------------------

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(
        self, predicate: Callable[[], T | None], *, timeout: float = 5.0, what: str = "it"
    ) -> T:
        """Wait until `predicate()` returns something other than None: re-checked on every change
        here, and every POLL_SECONDS for what changes only in a client (a cache, a task's state)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (value := predicate()) is None:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}\n{self.describe_recent()}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, POLL_SECONDS))
        return value

    def describe_recent(self, count: int = 12) -> str:
        lines = ["last REST requests:"]
        for record in self.requests[-count:]:
            line = f"  {record.method} {record.path} -> {record.status}"
            if record.status is not None and record.status >= 400:
                line += f" {json.dumps(record.response)[:400]}"
            lines.append(line)
        return "\n".join(lines)

    def find_requests(
        self, method: str | None = None, path: str | None = None, status: int | None = None
    ) -> list[RequestRecord]:
        """Recorded requests; `path` is a regex matched against the whole path."""
        return [
            r
            for r in self.requests
            if (method is None or r.method == method)
            and (path is None or re.fullmatch(path, r.path))
            and (status is None or r.status == status)
        ]

    async def wait_for_request(
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        *,
        timeout: float = 5.0,
    ) -> RequestRecord:
        return await self.wait_for(
            lambda: next(iter(self.find_requests(method, path, status)), None),
            timeout=timeout,
            what=f"a request {method or '*'} {path or '*'} -> {status or '*'}",
        )

    def gateway_events(self, name: str, direction: str | None = None) -> list[GatewayEvent]:
        return [
            e for e in self.gateway.log if e.name == name and (direction is None or e.direction == direction)
        ]

    async def wait_gateway(
        self, name: str, count: int = 1, *, direction: str | None = None, timeout: float = 5.0
    ) -> GatewayEvent:
        """Wait for the `count`-th gateway event called `name` (IDENTIFY, RESUME, READY, RESUMED, ...)."""
        return await self.wait_for(
            lambda: (
                events[count - 1] if len(events := self.gateway_events(name, direction)) >= count else None
            ),
            timeout=timeout,
            what=f"gateway event {name} #{count}",
        )

    # --- test controls -----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path: str,
        *,
        status: int = 429,
        times: int = 1,
        retry_after: float = 0.1,
        is_global: bool = False,
    ) -> None:
        """Answer the next `times` requests `method path` (path: regex, whole match) with `status`."""
        self._failures.append(_Failure(method, re.compile(path), status, times, retry_after, is_global))

    async def drop_gateway(self, code: int = 4000, *, abort: bool = False) -> None:
        """Close the gateway connection(s) with `code`, or cut TCP (`abort`). Sessions stay resumable."""
        await self.gateway.drop(code, abort=abort)

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT: the client closes and RESUMEs."""
        await self.gateway.send_op(RECONNECT, None, "RECONNECT")

    async def invalidate_session(self, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION. Note: discord.py waits 5 s before any IDENTIFY after the first."""
        if not resumable:
            for session in self.gateway.sessions.values():
                session.resumable = False
        await self.gateway.send_op(INVALID_SESSION, resumable, "INVALID_SESSION")

    @property
    def openapi_violations(self) -> list[str]:
        """Every request body that broke the spec, including ones the server refused."""
        return [v for r in self.requests for v in r.violations]

    def spec_problems(self) -> list[str]:
        """Spec violations nobody noticed: bodies the server accepted, and the server's own answers.

        (A body the server refused already failed loudly; the spec repeats most of Discord's limits.)
        """
        accepted = [v for r in self.requests if r.status is not None and r.status < 400 for v in r.violations]
        return accepted + self.response_violations

    def validate_body(self, method: str, path: str, body: Any) -> list[str]:
        """OpenAPI violations of a request body (empty when valid or when the spec is absent)."""
        return [] if self.spec is None else self.spec.check(method, path, body)

    def find_command(self, name: str) -> tuple[dict[str, Any] | None, str | None]:
        """The registered chat-input command `name` and its scope (guild id, or None for global)."""
        for scope in (self.guild_id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name and command["type"] == 1:
                    return command, scope
        return None, None

    # --- REST plumbing -----------------------------------------------------------------------

    def _route_table(self) -> list[tuple[str, re.Pattern[str], Handler]]:
        app = r"/applications/(?P<app>\d+)"
        commands = app + r"(?:/guilds/(?P<guild>\d+))?/commands"
        hook = r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)"
        channel = r"/channels/(?P<channel>\d+)"
        table: list[tuple[str, str, Handler]] = [
            ("GET", r"/users/@me", self._get_me),
            ("GET", r"/users/(?P<user>\d+)", self._get_user),
            ("GET", r"/oauth2/applications/@me", self._get_application),
            ("GET", r"/applications/@me", self._get_application),
            ("GET", r"/gateway", self._get_gateway),
            ("GET", r"/gateway/bot", self._get_gateway_bot),
            ("GET", commands, self._get_commands),
            ("PUT", commands, self._put_commands),
            ("GET", commands + r"/(?P<command>\d+)", self._get_command),
            ("DELETE", commands + r"/(?P<command>\d+)", self._delete_command),
            ("POST", r"/interactions/(?P<interaction>\d+)/(?P<token>[^/]+)/callback", self._callback),
            ("POST", hook, self._post_followup),
            ("GET", hook + r"/messages/(?P<message>@original|\d+)", self._get_webhook_message),
            ("PATCH", hook + r"/messages/(?P<message>@original|\d+)", self._patch_webhook_message),
            ("DELETE", hook + r"/messages/(?P<message>@original|\d+)", self._delete_webhook_message),
            ("GET", channel, self._get_channel),
            ("GET", channel + r"/messages", self._get_channel_messages),
            ("POST", channel + r"/messages", self._post_channel_message),
            ("GET", channel + r"/messages/(?P<message>\d+)", self._get_channel_message),
            ("PATCH", channel + r"/messages/(?P<message>\d+)", self._patch_channel_message),
            ("DELETE", channel + r"/messages/(?P<message>\d+)", self._delete_channel_message),
            ("GET", channel + r"/messages/pins", self._get_pins),
            ("PUT", channel + r"/messages/pins/(?P<message>\d+)", self._put_pin),
            ("DELETE", channel + r"/messages/pins/(?P<message>\d+)", self._delete_pin),
            ("GET", channel + r"/pins", self._get_pins_legacy),
            ("PUT", channel + r"/pins/(?P<message>\d+)", self._put_pin),
            ("DELETE", channel + r"/pins/(?P<message>\d+)", self._delete_pin),
            ("GET", r"/guilds/(?P<guild>\d+)", self._get_guild),
            ("GET", r"/guilds/(?P<guild>\d+)/channels", self._get_guild_channels),
            ("GET", r"/guilds/(?P<guild>\d+)/members/(?P<user>\d+)", self._get_member),
        ]
        return [(method, re.compile(pattern), handler) for method, pattern, handler in table]

    async def _handle_rest(self, request: web.Request) -> web.Response:
        record = RequestRecord(request.method, "/" + request.match_info["tail"], dict(request.query))
        record.received_at = asyncio.get_running_loop().time()
        self.requests.append(record)
        headers: dict[str, str] = {}
        try:
            record.json, record.uploads = await self._read_body(request)
            record.files = [upload.filename for upload in record.uploads]
            if self.spec is not None and record.json is not None:
                self.openapi_checked += 1
                record.violations = self.spec.check(record.method, record.path, record.json)
            injected = self._injected_failure(record)
            if injected is not None:
                status, payload, headers = injected
            else:
                status, payload = await self._route(request, record)
        except ApiError as error:
            status, payload = error.status, error.body
        record.status, record.response = status, payload
        if self.spec is not None and self.check_responses and payload is not None and status < 300:
            self.response_violations.extend(
                self.spec.check(record.method, record.path, payload, status=status)
            )
        self._notify()
        return self._respond(record, status, payload, headers)

    async def _read_body(self, request: web.Request) -> tuple[Any, list[Upload]]:
        if not request.body_exists:
            return None, []
        if request.content_type == "multipart/form-data":
            payload, files = None, []
            async for part in await request.multipart():
                if part.name == "payload_json":
                    payload = json.loads(await part.text())  # type: ignore[union-attr]
                else:
                    data = bytes(await part.read())  # type: ignore[union-attr]
                    filename = getattr(part, "filename", None) or str(part.name)
                    files.append(Upload(str(part.name), filename, data))
            return payload, files
        raw = await request.read()
        if not raw:
            return None, []
        try:
            return json.loads(raw), []
        except ValueError:
            raise ApiError(400, "The request body contains invalid JSON.", 50109) from None

    def _injected_failure(self, record: RequestRecord) -> tuple[int, Any, dict[str, str]] | None:
        for failure in self._failures:
            if (
                failure.times > 0
                and failure.method == record.method
                and failure.pattern.fullmatch(record.path)
            ):
                failure.times -= 1
                break
        else:
            return None
        if failure.status != 429:
            return (
                failure.status,
                {"message": f"{failure.status}: {HTTPStatus(failure.status).phrase}", "code": 0},
                {},
            )
        body = {
            "message": "You are being rate limited.",
            "retry_after": failure.retry_after,
            "global": failure.is_global,
            "code": 0,
        }
        headers = {
            "Retry-After": str(math.ceil(failure.retry_after)),
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + failure.retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{failure.retry_after:.3f}",
            "X-RateLimit-Bucket": self._bucket(record),
            "X-RateLimit-Scope": "global" if failure.is_global else "user",
        }
        if failure.is_global:
            headers["X-RateLimit-Global"] = "true"
        return 429, body, headers

    async def _route(self, request: web.Request, record: RequestRecord) -> tuple[int, Any]:
        allowed = False
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(record.path)
            if match is None:
                continue
            if method != record.method:
                allowed = True
                continue
            # Interaction callbacks and webhook-token routes authenticate by their token.
            if not record.path.startswith(("/interactions/", "/webhooks/")):
                authorization = request.headers.get("Authorization", "")
                if not (authorization.startswith("Bot ") and self.token_ok(authorization[4:])):
                    raise ApiError(401, "401: Unauthorized")
            params = {k: v for k, v in match.groupdict().items() if v is not None}
            return await handler(
                _Call(
                    record.method,
                    record.path,
                    params,
                    record.query,
                    record.json,
                    record.uploads,
                    record.received_at,
                )
            )
        if allowed:
            raise ApiError(405, "405: Method Not Allowed")
        raise ApiError(404, "404: Not Found")

    def _bucket(self, record: RequestRecord) -> str:
        shape = re.sub(r"\d{15,}", ":id", record.path.split("/messages/")[0])
        return hashlib.md5(f"{record.method} {shape}".encode()).hexdigest()[:16]

    def _respond(
        self, record: RequestRecord, status: int, payload: Any, extra: dict[str, str]
    ) -> web.Response:
        headers = {
            "Via": "1.1 google",  # discord.py treats a 429 without Via as a Cloudflare ban (no retry)
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "49",
            "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": self._bucket(record),
        } | extra
        if status == 204 or payload is None:
            return web.Response(status=status, headers=headers)
        headers["Content-Type"] = "application/json"  # exactly: discord.py compares the whole header
        return web.Response(status=status, body=json.dumps(payload).encode(), headers=headers)

    # --- users, application, gateway ---------------------------------------------------------

    async def _get_me(self, call: _Call) -> tuple[int, Any]:
        return 200, self._me()

    async def _get_user(self, call: _Call) -> tuple[int, Any]:
        member = self.members.get(call.params["user"])
        if member is None:
            raise ApiError(404, "Unknown User", 10013)
        return 200, member["user"]

    async def _get_application(self, call: _Call) -> tuple[int, Any]:
        return 200, obj.make_application(
            self.application_id, self.bot_user, self.moderator, self.application_flags()
        )

    async def _get_gateway(self, call: _Call) -> tuple[int, Any]:
        return 200, {"url": self.gateway_url}

    async def _get_gateway_bot(self, call: _Call) -> tuple[int, Any]:
        limit = {"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}
        return 200, {"url": self.gateway_url, "shards": self.shard_count, "session_start_limit": limit}

    # --- guilds and channels -----------------------------------------------------------------

    def _guild_of(self, call: _Call) -> dict[str, Any]:
        if call.params["guild"] != self.guild_id:
            raise ApiError(404, "Unknown Guild", 10004)
        return self.guild

    async def _get_guild(self, call: _Call) -> tuple[int, Any]:
        return 200, self._guild_of(call)

    async def _get_guild_channels(self, call: _Call) -> tuple[int, Any]:
        self._guild_of(call)
        return 200, list(self.channels.values())

    async def _get_member(self, call: _Call) -> tuple[int, Any]:
        self._guild_of(call)
        member = self.members.get(call.params["user"])
        if member is None:
            raise ApiError(404, "Unknown Member", 10007)
        return 200, member

    def _channel_of(self, call: _Call, *needs: int) -> dict[str, Any]:
        """The channel of the route, if the bot may see it and has every permission in `needs`."""
        channel = self.channels.get(call.params["channel"])
        if channel is None:
            raise ApiError(404, "Unknown Channel", 10003)
        have = self.bot_permissions(channel["id"])
        if not have & obj.VIEW_CHANNEL:
            raise ApiError(403, "Missing Access", 50001)
        if any(not have & need for need in needs):
            raise ApiError(403, "Missing Permissions", 50013)
        return channel

    async def _get_channel(self, call: _Call) -> tuple[int, Any]:
        return 200, self._channel_of(call)

    def _channel_message(self, call: _Call, *needs: int) -> dict[str, Any]:
        self._channel_of(call, *needs)
        message = self.messages.get(call.params["message"])
        if message is None or message["channel_id"] != call.params["channel"] or message["flags"] & EPHEMERAL:
            raise ApiError(404, "Unknown Message", 10008)
        return message

    async def _get_channel_messages(self, call: _Call) -> tuple[int, Any]:
        channel = self._channel_of(call, obj.READ_MESSAGE_HISTORY)
        found = [
            m
            for m in self.messages.values()
            if m["channel_id"] == channel["id"] and not m["flags"] & EPHEMERAL
        ]
        found.sort(key=lambda m: int(m["id"]), reverse=True)
        if "before" in call.query:
            found = [m for m in found if int(m["id"]) < int(call.query["before"])]
        if "after" in call.query:
            found = [m for m in found if int(m["id"]) > int(call.query["after"])]
        return 200, found[: int(call.query.get("limit", "50"))]

    async def _get_channel_message(self, call: _Call) -> tuple[int, Any]:
        return 200, self._channel_message(call, obj.READ_MESSAGE_HISTORY)

    def _check_message_body(self, body: Any, *, edit: bool) -> None:
        errors = FormErrors()
        has_content = check_message(
            errors, [], body, edit=edit, require_allowed_mentions=self.require_allowed_mentions
        )
        if errors:
            raise ApiError.form(errors)
        if not has_content:
            raise ApiError(400, "Cannot send an empty message", 50006)

    async def _post_channel_message(self, call: _Call) -> tuple[int, Any]:
        channel = self._channel_of(call, obj.SEND_MESSAGES)
        if channel["type"] == 4:
            raise ApiError(400, "Cannot send messages in a non-text channel", 50008)
        body = call.body if isinstance(call.body, dict) else {}
        self._check_message_body(call.body, edit=False)
        extra: dict[str, Any] = {}
        reference = body.get("message_reference")
        if isinstance(reference, dict) and reference.get("message_id"):
            if str(reference["message_id"]) not in self.messages:
                errors = FormErrors()
                errors.add(["message_reference"], "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
                raise ApiError.form(errors)
            extra["message_reference"] = {"type": 0, "message_id": str(reference["message_id"])} | {
                "channel_id": channel["id"],
                "guild_id": self.guild_id,
            }
            extra["referenced_message"] = self.messages[str(reference["message_id"])]
        flags = (body.get("flags") or 0) & (SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2)
        message = self._store_message(
            channel["id"],
            body,
            self.bot_user,
            files=call.files,
            flags=flags,
            extra=extra,
            kind=19 if extra else 0,
        )
        await self._broadcast("MESSAGE_CREATE", message)
        return 200, message

    async def _patch_channel_message(self, call: _Call) -> tuple[int, Any]:
        message = self._channel_message(call)
        if message["author"]["id"] != self.application_id:
            raise ApiError(403, "Cannot edit a message authored by another user", 50005)
        self._check_message_body(call.body, edit=True)
        self._apply_edit(message, call.body, call.files)
        await self._broadcast("MESSAGE_UPDATE", message)
        return 200, message

    async def _delete_channel_message(self, call: _Call) -> tuple[int, Any]:
        message = self._channel_message(call)
        if message["author"]["id"] != self.application_id:
            self._channel_of(call, obj.MANAGE_MESSAGES)  # anyone's message: Manage Messages
        await self._delete_message(message)
        return 204, None

    # --- pins --------------------------------------------------------------------------------

    async def _put_pin(self, call: _Call) -> tuple[int, Any]:
        message = self._channel_message(call, obj.PIN_MESSAGES)
        pinned = self.pins.setdefault(message["channel_id"], [])
        if any(m == message["id"] for m, _ in pinned):
            return 204, None  # pinning twice is not an error on Discord
        if len(pinned) >= MAX_PINS:
            raise ApiError(400, f"Maximum number of pins reached ({MAX_PINS})", 30003)
        now = obj.iso_now()
        pinned.append((message["id"], now))
        message["pinned"] = True
        await self._broadcast("MESSAGE_UPDATE", message)
        notice = self._store_message(
            message["channel_id"],
            {},
            self.bot_user,
            kind=CHANNEL_PINNED_MESSAGE,
            extra={
                "message_reference": {
                    "type": 0,
                    "message_id": message["id"],
                    "channel_id": message["channel_id"],
                    "guild_id": self.guild_id,
                }
            },
        )
        await self._broadcast("MESSAGE_CREATE", notice)
        await self._pins_update(message["channel_id"])
        return 204, None

    async def _delete_pin(self, call: _Call) -> tuple[int, Any]:
        message = self._channel_message(call, obj.PIN_MESSAGES)
        if self._unpin(message):
            await self._broadcast("MESSAGE_UPDATE", message)
            await self._pins_update(message["channel_id"])
        return 204, None

    def _unpin(self, message: dict[str, Any]) -> bool:
        pinned = self.pins.get(message["channel_id"], [])
        kept = [(m, at) for m, at in pinned if m != message["id"]]
        self.pins[message["channel_id"]] = kept
        message["pinned"] = False
        return len(kept) != len(pinned)

    async def _pins_update(self, channel_id: str) -> None:
        pinned = self.pins.get(channel_id, [])
        data = {"guild_id": self.guild_id, "channel_id": channel_id}
        data["last_pin_timestamp"] = pinned[-1][1] if pinned else None
        await self._dispatch_guild("CHANNEL_PINS_UPDATE", data)

    async def _get_pins(self, call: _Call) -> tuple[int, Any]:
        channel = self._channel_of(call, obj.READ_MESSAGE_HISTORY)
        newest_first = list(reversed(self.pins.get(channel["id"], [])))
        if "before" in call.query:
            newest_first = [(m, at) for m, at in newest_first if at < call.query["before"]]
        limit = int(call.query.get("limit", "50"))
        items = [{"pinned_at": at, "message": self.messages[m]} for m, at in newest_first[:limit]]
        return 200, {"items": items, "has_more": len(newest_first) > limit}

    async def _get_pins_legacy(self, call: _Call) -> tuple[int, Any]:
        channel = self._channel_of(call, obj.READ_MESSAGE_HISTORY)
        return 200, [self.messages[m] for m, _ in reversed(self.pins.get(channel["id"], []))]

    # --- attachments (Discord's CDN) -----------------------------------------------------------

    def upload(
        self, filename: str, content: bytes, content_type: str = "application/octet-stream"
    ) -> Attachment:
        """A file a user attaches to a command option; served at its `url` as the CDN serves it."""
        attachment_id = self.snowflake()
        url = f"http://127.0.0.1:{self.port}/attachments/{self.channel_id}/{attachment_id}/{filename}"
        attachment = Attachment(
            {
                "id": attachment_id,
                "filename": filename,
                "size": len(content),
                "url": url,
                "proxy_url": url,
                "content_type": content_type,
                "ephemeral": True,
            },
            content,
        )
        self.attachments[attachment_id] = attachment
        return attachment

    async def _serve_attachment(self, request: web.Request) -> web.Response:
        attachment = self.attachments.get(request.match_info["attachment"])
        if attachment is None or attachment.data["filename"] != request.match_info["filename"]:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=attachment.content, content_type="application/octet-stream")

    def _store_message(
        self,
        channel_id: str,
        body: dict[str, Any],
        author: dict[str, Any],
        *,
        files: list[Upload] | None = None,
        flags: int = 0,
        kind: int = 0,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        message_id = self.snowflake()
        message = obj.make_message(
            message_id, channel_id, author, body, message_type=kind, flags=flags, extra=extra
        )
        content = message["content"]
        message["mentions"] = [m["user"] for m in self.members.values() if f"<@{m['user']['id']}>" in content]
        message["attachments"] = self._new_attachments(channel_id, body, files or [], [])
        _resolve_attachment_urls(message)
        self.messages[message_id] = message
        self.channels[channel_id]["last_message_id"] = message_id
        return message

    def _new_attachments(
        self, channel_id: str, body: dict[str, Any], uploads: list[Upload], existing: list[str]
    ) -> list[dict[str, Any]]:
        """Attachment objects for the files of a create or edit, as Discord makes them.

        With an `attachments` list in the body, a new file is one whose entry's `id` is its upload
        index (`files[n]` -> n), with the entry's filename and description; without the list, every
        upload is attached. Sizes, content types and image dimensions are the real ones.
        """
        by_index = {u.index if u.index is not None else n: u for n, u in enumerate(uploads)}
        entries = body.get("attachments") if isinstance(body.get("attachments"), list) else None
        chosen: list[tuple[Upload, dict[str, Any]]] = []
        if entries is None:
            chosen = [(u, {}) for u in uploads]
        else:
            for entry in entries:
                key = str(entry.get("id")) if isinstance(entry, dict) else ""
                if key not in existing and key.isdigit() and int(key) in by_index:
                    chosen.append((by_index[int(key)], entry))
        attachments = []
        for upload, entry in chosen:
            attachment_id = self.snowflake()
            name = str(entry.get("filename") or upload.filename)
            url = f"https://cdn.discordapp.com/attachments/{channel_id}/{attachment_id}/{name}"
            attachment: dict[str, Any] = {
                "id": attachment_id,
                "filename": name,
                "size": len(upload.data),
                "url": url,
                "proxy_url": url.replace("cdn.discordapp.com", "media.discordapp.net"),
                "content_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
            }
            if entry.get("description"):
                attachment["description"] = entry["description"]
            size = image_size(upload.data)
            if size is not None:
                attachment["width"], attachment["height"] = size
            self.attachment_data[attachment_id] = upload.data
            attachments.append(attachment)
        return attachments

    def _apply_edit(self, message: dict[str, Any], body: dict[str, Any], uploads: list[Upload]) -> None:
        """A PATCH (or the followup that replaces a deferred reply): keep what it lists, add new files."""
        existing = [str(a["id"]) for a in message["attachments"]]
        obj.apply_edit(message, body)
        message["attachments"] += self._new_attachments(message["channel_id"], body, uploads, existing)
        _resolve_attachment_urls(message)

    async def _delete_message(self, message: dict[str, Any]) -> None:
        self.messages.pop(message["id"], None)
        if self._unpin(message):
            await self._pins_update(message["channel_id"])
        if not message["flags"] & EPHEMERAL:
            for session in self.gateway.live_sessions(self.guild_id, GUILD_MESSAGES_INTENT):
                data = {"id": message["id"], "channel_id": message["channel_id"], "guild_id": self.guild_id}
                await self.gateway.dispatch_to(session, "MESSAGE_DELETE", data)

    async def _broadcast(self, event: str, message: dict[str, Any]) -> None:
        """MESSAGE_CREATE/UPDATE to sessions with the GUILD_MESSAGES intent (never for ephemeral)."""
        if message["flags"] & EPHEMERAL:
            return
        author_id = message["author"]["id"]
        for session in self.gateway.live_sessions(self.guild_id, GUILD_MESSAGES_INTENT):
            data = copy.deepcopy(message) | {"guild_id": self.guild_id}
            if author_id in self.members:
                data["member"] = {k: v for k, v in self.members[author_id].items() if k != "user"}
            mentioned = any(u["id"] == self.application_id for u in message["mentions"])
            if (
                not session.intents & MESSAGE_CONTENT_INTENT
                and author_id != self.application_id
                and not mentioned
            ):
                data |= {"content": "", "embeds": [], "attachments": [], "components": []}
            await self.gateway.dispatch_to(session, event, data)

    # --- application commands ----------------------------------------------------------------

    def _command_scope(self, call: _Call) -> str | None:
        if call.params["app"] != self.application_id:
            raise ApiError(403, "Missing Access", 50001)
        guild = call.params.get("guild")
        # A guild the bot is not in, or one it joined without the applications.commands scope.
        if guild is not None and (guild != self.guild_id or not self.application_commands_scope):
            raise ApiError(403, "Missing Access", 50001)
        return guild

    async def _get_commands(self, call: _Call) -> tuple[int, Any]:
        return 200, self.commands.get(self._command_scope(call), [])

    async def _put_commands(self, call: _Call) -> tuple[int, Any]:
        scope = self._command_scope(call)
        errors = FormErrors()
        check_commands(errors, call.body)
        if errors:
            raise ApiError.form(errors)
        previous = {(c["type"], c["name"]): c for c in self.commands.get(scope, [])}
        stored = []
        for command in call.body or []:
            kind = command.get("type", 1)
            old = previous.get((kind, command["name"]))
            item: dict[str, Any] = {
                "id": old["id"] if old else self.snowflake(),  # Discord keeps ids across overwrites
                "application_id": self.application_id,
                "version": self.snowflake(),
                "type": kind,
                "name": command["name"],
                "description": command.get("description") or "",
                "default_member_permissions": (
                    None
                    if command.get("default_member_permissions") is None
                    else str(command["default_member_permissions"])
                ),
                "nsfw": bool(command.get("nsfw", False)),
                "integration_types": command.get("integration_types") or [0],
                "contexts": command.get("contexts"),
            }
            for key in ("name_localizations", "description_localizations", "options"):
                if command.get(key):
                    item[key] = copy.deepcopy(command[key])
            if scope is None:
                item["dm_permission"] = command.get("dm_permission", True) is not False
            else:
                item["guild_id"] = scope
            stored.append(item)
        self.commands[scope] = stored
        return 200, stored

    def _command_of(self, call: _Call) -> dict[str, Any]:
        for command in self.commands.get(self._command_scope(call), []):
            if command["id"] == call.params["command"]:
                return command
        raise ApiError(404, "Unknown application command", 10063)

    async def _get_command(self, call: _Call) -> tuple[int, Any]:
        return 200, self._command_of(call)

    async def _delete_command(self, call: _Call) -> tuple[int, Any]:
        command = self._command_of(call)
        self.commands[self._command_scope(call)].remove(command)
        return 204, None

    # --- interaction responses ---------------------------------------------------------------

    def _interaction_metadata(self, ix: FakeInteraction) -> dict[str, Any]:
        metadata: dict[str, Any] = {
            "id": ix.id,
            "type": ix.type,
            "user": ix.payload["member"]["user"],
            "authorizing_integration_owners": {"0": self.guild_id},
        }
        if ix.original_id:
            metadata["original_response_message_id"] = ix.original_id
        if ix.type == MESSAGE_COMPONENT and ix.message_id:
            metadata["interacted_message_id"] = ix.message_id
        if ix.type == MODAL_SUBMIT and ix.trigger is not None:
            metadata["triggering_interaction_metadata"] = self._interaction_metadata(ix.trigger)
        return metadata

    def _interaction_message(
        self, ix: FakeInteraction, body: dict[str, Any], *, flags: int, files: list[str], followup: bool
    ) -> dict[str, Any]:
        extra: dict[str, Any] = {
            "webhook_id": self.application_id,
            "application_id": self.application_id,
            "interaction_metadata": self._interaction_metadata(ix),
        }
        kind = 0
        if ix.type == APPLICATION_COMMAND:
            # The deprecated `interaction` field, still sent by Discord next to interaction_metadata.
            name, user = ix.payload["data"]["name"], ix.payload["member"]["user"]
            extra["interaction"] = {"id": ix.id, "type": ix.type, "name": name, "user": user}
            kind = 0 if followup else 20  # CHAT_INPUT_COMMAND
        return self._store_message(
            ix.payload["channel_id"], body, self.bot_user, files=files, flags=flags, kind=kind, extra=extra
        )

    async def _callback(self, call: _Call) -> tuple[int, Any]:
        ix = self.interactions.get(call.params["interaction"])
        loop = asyncio.get_running_loop()
        late = (
            self.callback_deadline is not None
            and ix is not None
            and loop.time() - ix.sent_at > self.callback_deadline
        )
        if ix is None or ix.token != call.params["token"] or late:
            raise ApiError(404, "Unknown interaction", 10062)
        if ix.reply is not None:
            raise ApiError(400, "Interaction has already been acknowledged.", 40060)
        body = call.body if isinstance(call.body, dict) else {}
        kind, data = body.get("type"), body.get("data")
        allowed = CALLBACK_TYPES.get(ix.type, {4, 5, 6, 7} if ix.message_id else {4, 5})
        errors = FormErrors()
        if kind not in allowed:
            errors.add(
                ["type"],
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Type {kind} cannot answer an interaction of type {ix.type}",
            )
        elif kind in (4, 7):
            has_content = check_message(
                errors,
                ["data"],
                data or {},
                edit=kind == 7,
                require_allowed_mentions=self.require_allowed_mentions,
            )
            if not has_content and not errors:
                raise ApiError(400, "Cannot send an empty message", 50006)
        elif kind == 8:
            check_autocomplete(errors, ["data"], data)
        elif kind == 9:
            check_modal(errors, ["data"], data)
        if errors:
            raise ApiError.form(errors)

        data = data if isinstance(data, dict) else {}
        flags = (data.get("flags") or 0) & MESSAGE_FLAGS_ALLOWED
        message: dict[str, Any] | None = None
        if kind == 4:
            message = self._interaction_message(ix, data, flags=flags, files=call.files, followup=False)
            ix.original_id = message["id"]
        elif kind == 5:
            message = self._interaction_message(
                ix, {}, flags=(flags & EPHEMERAL) | LOADING, files=[], followup=False
            )
            ix.original_id = message["id"]
        elif kind in (6, 7):
            ix.original_id = ix.message_id
            if kind == 7:
                message = self.messages[str(ix.message_id)]
                self._apply_edit(message, data, call.files)
        elif kind == 9:
            ix.modal = copy.deepcopy(data)
            obj.number_components(ix.modal["components"])

        response: dict[str, Any] = {"interaction": {"id": ix.id, "type": ix.type}}
        if kind in (4, 5) and message is not None:
            response["interaction"] |= {
                "response_message_id": message["id"],
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(message["flags"] & EPHEMERAL),
            }
        if kind in (4, 7) and message is not None:
            response["resource"] = {"type": kind, "message": message}
        ix.reply = Reply(body, ix, message)
        ix.answered_at = call.received_at
        if message is not None:
            await self._broadcast("MESSAGE_CREATE" if kind in (4, 5) else "MESSAGE_UPDATE", message)
        return (200, response) if _flag(call.query, "with_response") else (204, None)

    def _interaction_by_token(self, call: _Call) -> FakeInteraction:
        for ix in self.interactions.values():
            if ix.token == call.params["token"] and call.params["app"] == self.application_id and ix.reply:
                return ix
        raise ApiError(404, "Unknown Webhook", 10015)

    def _webhook_message(self, call: _Call) -> tuple[FakeInteraction, dict[str, Any]]:
        ix = self._interaction_by_token(call)
        wanted = ix.original_id if call.params["message"] == "@original" else call.params["message"]
        if (
            wanted is None
            or (wanted != ix.original_id and wanted not in ix.followup_ids)
            or wanted not in self.messages
        ):
            raise ApiError(404, "Unknown Message", 10008)
        return ix, self.messages[wanted]

    async def _post_followup(self, call: _Call) -> tuple[int, Any]:
        ix = self._interaction_by_token(call)
        self._check_message_body(call.body, edit=False)
        body = call.body
        original = ix.original
        if original is not None and original["flags"] & LOADING:
            # After a deferred (type 5) reply, the first followup replaces the "thinking" message.
            self._apply_edit(original, body, call.files)
            message = original
            await self._broadcast("MESSAGE_UPDATE", message)
        else:
            flags = (body.get("flags") or 0) & MESSAGE_FLAGS_ALLOWED
            message = self._interaction_message(ix, body, flags=flags, files=call.files, followup=True)
            await self._broadcast("MESSAGE_CREATE", message)
        ix.followup_ids.append(message["id"])
        return (200, message) if _flag(call.query, "wait") else (204, None)

    async def _get_webhook_message(self, call: _Call) -> tuple[int, Any]:
        return 200, self._webhook_message(call)[1]

    async def _patch_webhook_message(self, call: _Call) -> tuple[int, Any]:
        ix, message = self._webhook_message(call)
        self._check_message_body(call.body, edit=True)
        self._apply_edit(message, call.body, call.files)
        if message["id"] == ix.original_id:
            ix.edit_count += 1
        await self._broadcast("MESSAGE_UPDATE", message)
        return 200, message

    async def _delete_webhook_message(self, call: _Call) -> tuple[int, Any]:
        await self._delete_message(self._webhook_message(call)[1])
        return 204, None

    # --- driving the bot ---------------------------------------------------------------------

    def _member_of(self, as_user: dict[str, Any] | str | int | None) -> dict[str, Any]:
        if as_user is None:
            return self.members[self.user["id"]]
        user_id = str(as_user["id"] if isinstance(as_user, dict) else as_user)
        return self.members[user_id]

    def _message_of(self, message: Any) -> dict[str, Any]:
        if isinstance(message, Reply):
            message = message.message or message.interaction.original
        elif isinstance(message, FakeInteraction):
            message = message.original
        message_id = str(message["id"] if isinstance(message, dict) else message)
        if message_id not in self.messages:
            raise LookupError(f"no stored message {message_id}")
        return self.messages[message_id]

    async def send_interaction(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        as_user: dict[str, Any] | str | int | None = None,
        channel_id: str | None = None,
        message: dict[str, Any] | None = None,
        locale: str = "en-US",
        trigger: FakeInteraction | None = None,
    ) -> FakeInteraction:
        """Send INTERACTION_CREATE (any type) to the newest gateway session; returns its handle."""
        member = self._member_of(as_user)
        channel = self.channels[channel_id or self.channel_id]
        permissions = str(obj.channel_permissions(member, self.guild, channel))
        if kind in (APPLICATION_COMMAND, AUTOCOMPLETE):
            command, _ = self.find_command(data["name"])
            if command is not None and not self.may_use_command(command, member):
                # Discord's client does not even offer the command: nothing reaches the bot.
                raise PermissionError(
                    f"{member['user']['username']} may not use /{data['name']} "
                    f"(default_member_permissions {command.get('default_member_permissions')}); "
                    "see allow_command()"
                )
        payload: dict[str, Any] = {
            "id": self.snowflake(),
            "application_id": self.application_id,
            "type": kind,
            "data": data,
            "guild": {"id": self.guild_id, "locale": self.guild["preferred_locale"], "features": []},
            "guild_id": self.guild_id,
            "channel_id": channel["id"],
            "channel": channel | {"permissions": permissions},
            "member": copy.deepcopy(member) | {"permissions": permissions},
            "token": "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48),
            "version": 1,
            "app_permissions": str(self.bot_permissions(channel["id"])),
            "locale": locale,
            "guild_locale": self.guild["preferred_locale"],
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": self.guild_id},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = copy.deepcopy(message)
        sessions = self.gateway.live_sessions(self.guild_id)
        if not sessions:
            raise RuntimeError("no gateway session covers the guild: is the bot running?")
        ix = FakeInteraction(self, payload)
        ix.trigger = trigger
        self.interactions[ix.id] = ix
        ix.sent_at = asyncio.get_running_loop().time()
        await self.gateway.dispatch_to(sessions[-1], "INTERACTION_CREATE", payload)
        return ix

    def _command_data(self, path: str, values: dict[str, Any], focused: str | None) -> dict[str, Any]:
        top, *subs = path.split()
        command, scope = self.find_command(top)
        data: dict[str, Any] = {"id": command["id"] if command else self.snowflake(), "name": top, "type": 1}
        if scope is not None:
            data["guild_id"] = scope
        definitions: list[dict[str, Any]] | None = command.get("options", []) if command else None
        container, where = data, f"/{top}"
        for index, name in enumerate(subs):
            if definitions is None:
                kind = SUB_COMMAND if index == len(subs) - 1 else SUB_COMMAND_GROUP
            else:
                found = [
                    d
                    for d in definitions
                    if d["name"] == name and d["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
                ]
                if not found:
                    raise ValueError(f"{where} has no sub-command {name!r}")
                kind, definitions = found[0]["type"], found[0].get("options", [])
            child: dict[str, Any] = {"name": name, "type": kind, "options": []}
            container["options"] = [child]
            container, where = child, f"{where} {name}"
        if definitions and any(d["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for d in definitions):
            raise ValueError(f"{where} needs a sub-command")
        resolved: dict[str, dict[str, Any]] = {}
        options = build_options(self, definitions, values, resolved, focused=focused, where=where)
        if options or container is not data:
            container["options"] = options
        if resolved:
            data["resolved"] = resolved
        return data

    async def send_slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        /,
        *,
        as_user: dict[str, Any] | str | int | None = None,
        channel_id: str | None = None,
        **values: Any,
    ) -> FakeInteraction:
        """Invoke `/name` ("group sub" for sub-commands), typed by the registered command if synced."""
        data = self._command_data(name, {**(options or {}), **values}, None)
        return await self.send_interaction(APPLICATION_COMMAND, data, as_user=as_user, channel_id=channel_id)

    async def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        /,
        *,
        as_user: dict[str, Any] | str | int | None = None,
        channel_id: str | None = None,
        timeout: float = 5.0,
        **values: Any,
    ) -> Reply:
        ix = await self.send_slash(name, options, as_user=as_user, channel_id=channel_id, **values)
        return await ix.response(timeout)

    async def send_autocomplete(
        self,
        name: str,
        focused: str,
        text: str,
        options: dict[str, Any] | None = None,
        /,
        *,
        as_user: dict[str, Any] | str | int | None = None,
        channel_id: str | None = None,
        **values: Any,
    ) -> FakeInteraction:
        """The user types `text` into option `focused` of `/name` (other options already filled)."""
        data = self._command_data(name, {**(options or {}), **values, focused: text}, focused)
        return await self.send_interaction(AUTOCOMPLETE, data, as_user=as_user, channel_id=channel_id)

    async def autocomplete(
        self,
        name: str,
        focused: str,
        text: str,
        options: dict[str, Any] | None = None,
        /,
        *,
        as_user: dict[str, Any] | str | int | None = None,
        channel_id: str | None = None,
        timeout: float = 5.0,
        **values: Any,
    ) -> Reply:
        ix = await self.send_autocomplete(
            name, focused, text, options, as_user=as_user, channel_id=channel_id, **values
        )
        return await ix.response(timeout)

    async def send_click(
        self,
        message: Any,
        *,
        custom_id: str | None = None,
        label: str | None = None,
        as_user: dict[str, Any] | str | int | None = None,
    ) -> FakeInteraction:
        """Click a button of a stored message (a message dict, id, Reply or FakeInteraction)."""
        stored = self._message_of(message)
        button = find_component(stored, {2}, custom_id=custom_id, label=label)
        if button.get("style") in (5, 6):
            raise ValueError("link and premium buttons send no interaction")
        data = {"custom_id": button["custom_id"], "component_type": 2, "id": button["id"]}
        return await self.send_interaction(
            MESSAGE_COMPONENT, data, as_user=as_user, channel_id=stored["channel_id"], message=stored
        )

    async def click(
        self,
        message: Any,
        *,
        custom_id: str | None = None,
        label: str | None = None,
        as_user: dict[str, Any] | str | int | None = None,
        timeout: float = 5.0,
    ) -> Reply:
        ix = await self.send_click(message, custom_id=custom_id, label=label, as_user=as_user)
        return await ix.response(timeout)

    async def send_select(
        self,
        message: Any,
        values: list[str],
        *,
        custom_id: str | None = None,
        placeholder: str | None = None,
        as_user: dict[str, Any] | str | int | None = None,
    ) -> FakeInteraction:
        """Pick `values` in a select menu of a stored message (ids for user/role/channel selects)."""
        stored = self._message_of(message)
        select = find_component(stored, SELECT_TYPES, custom_id=custom_id, label=placeholder)
        low, high = select.get("min_values", 1), select.get("max_values", 1)
        if not low <= len(values) <= high:
            raise ValueError(f"select {select['custom_id']!r} takes {low}..{high} values, not {len(values)}")
        data: dict[str, Any] = {
            "custom_id": select["custom_id"],
            "component_type": select["type"],
            "id": select["id"],
        }
        if select["type"] == 3:
            offered = [o["value"] for o in select["options"]]
            if set(values) - set(offered):
                raise ValueError(f"select {select['custom_id']!r} offers {offered}, not {values}")
            data["values"] = list(values)
        else:
            resolved: dict[str, dict[str, Any]] = {}
            data["values"] = [
                _option_value(self, SELECT_OPTION_KINDS[select["type"]], v, resolved) for v in values
            ]
            data["resolved"] = resolved
        return await self.send_interaction(
            MESSAGE_COMPONENT, data, as_user=as_user, channel_id=stored["channel_id"], message=stored
        )

    async def select(
        self,
        message: Any,
        values: list[str],
        *,
        custom_id: str | None = None,
        placeholder: str | None = None,
        as_user: dict[str, Any] | str | int | None = None,
        timeout: float = 5.0,
    ) -> Reply:
        ix = await self.send_select(
            message, values, custom_id=custom_id, placeholder=placeholder, as_user=as_user
        )
        return await ix.response(timeout)

    async def send_modal_submit(
        self,
        source: FakeInteraction | Reply,
        values: dict[str, Any],
        *,
        as_user: dict[str, Any] | str | int | None = None,
    ) -> FakeInteraction:
        """Submit the modal the bot answered `source` with; `values` maps custom_id -> text (or list)."""
        ix = source.interaction if isinstance(source, Reply) else source
        if ix.modal is None:
            raise ValueError(f"{ix!r} was not answered with a modal")
        known = set()

        def submitted(component: dict[str, Any]) -> dict[str, Any]:
            custom_id = component["custom_id"]
            known.add(custom_id)
            result = {"type": component["type"], "id": component["id"], "custom_id": custom_id}
            required = component.get("required", True)
            if component["type"] == 4:
                # What Discord's client enforces before it lets the user press Submit.
                value = str(values.get(custom_id, ""))
                if required and not value:
                    raise ValueError(f"modal field {custom_id!r} is required")
                low, high = component.get("min_length", 0), component.get("max_length", 4000)
                if value and not low <= len(value) <= high:
                    raise ValueError(
                        f"modal field {custom_id!r} takes {low}..{high} characters, not {len(value)}"
                    )
                result["value"] = value
            else:
                picked = list(values.get(custom_id, []))
                low, high = component.get("min_values", 1), component.get("max_values", 1)
                if (picked or required) and not low <= len(picked) <= high:
                    raise ValueError(
                        f"modal select {custom_id!r} takes {low}..{high} values, not {len(picked)}"
                    )
                if component["type"] == 3:
                    offered = [o["value"] for o in component.get("options", [])]
                    if set(picked) - set(offered):
                        raise ValueError(f"modal select {custom_id!r} offers {offered}, not {picked}")
                result["values"] = picked
            return result

        rows = []
        for row in ix.modal["components"]:
            if row["type"] == 1:
                rows.append(
                    {"type": 1, "id": row["id"], "components": [submitted(c) for c in row["components"]]}
                )
            elif row["type"] == 18:
                rows.append({"type": 18, "id": row["id"], "component": submitted(row["component"])})
            else:
                rows.append({"type": row["type"], "id": row["id"]})
        if set(values) - known:
            raise ValueError(
                f"the modal has no field(s) {sorted(set(values) - known)}; it has {sorted(known)}"
            )
        data = {"custom_id": ix.modal["custom_id"], "components": rows}
        message = self.messages.get(ix.message_id) if ix.message_id else None
        return await self.send_interaction(
            MODAL_SUBMIT,
            data,
            as_user=as_user,
            channel_id=ix.payload["channel_id"],
            message=message,
            trigger=ix,
        )

    async def submit_modal(
        self,
        source: FakeInteraction | Reply,
        values: dict[str, Any],
        *,
        as_user: dict[str, Any] | str | int | None = None,
        timeout: float = 5.0,
    ) -> Reply:
        ix = await self.send_modal_submit(source, values, as_user=as_user)
        return await ix.response(timeout)

    async def send_user_message(
        self,
        content: str,
        *,
        as_user: dict[str, Any] | str | int | None = None,
        channel_id: str | None = None,
    ) -> dict[str, Any]:
        """A member posts in a channel (MESSAGE_CREATE; content hidden without MESSAGE_CONTENT)."""
        member = self._member_of(as_user)
        message = self._store_message(channel_id or self.channel_id, {"content": content}, member["user"])
        await self._broadcast("MESSAGE_CREATE", message)
        return message
