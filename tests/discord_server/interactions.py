"""Interactions the test server sends, and what the bot answered to each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .objects import walk_components

if TYPE_CHECKING:
    from .server import FakeDiscord, RequestRecord

APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
SELECT_TYPES = {3, 5, 6, 7, 8}


class Attachment:
    """A file attached to a command option: `data` is the attachment object Discord sends in
    `resolved.attachments`, `content` the bytes its CDN URL serves (see FakeDiscord.upload)."""

    def __init__(self, data: dict[str, Any], content: bytes) -> None:
        self.data = data
        self.content = content


class Reply(dict[str, Any]):
    """The callback body the bot posted (`reply["type"]`, `reply["data"]`), plus:

    - `interaction`: the `FakeInteraction` it answered (to wait for edits and followups);
    - `message`: the message the callback created or updated (None for 5/6/8/9 until edited).
    """

    def __init__(
        self, body: dict[str, Any], interaction: FakeInteraction, message: dict[str, Any] | None
    ) -> None:
        super().__init__(body)
        self.interaction = interaction
        self.message = message


class FakeInteraction:
    """One INTERACTION_CREATE sent to the bot, and what the bot did with its token."""

    def __init__(self, server: FakeDiscord, payload: dict[str, Any]) -> None:
        self.server = server
        self.payload = payload
        self.id: str = payload["id"]
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.message_id: str | None = payload["message"]["id"] if "message" in payload else None
        self.sent_at: float = 0.0  # loop time, set when dispatched; the 3 s callback deadline runs from it
        self.answered_at: float | None = None  # loop time the accepted callback reached the server
        self.reply: Reply | None = None
        self.original_id: str | None = None
        self.followup_ids: list[str] = []
        self.edit_count = 0
        self.modal: dict[str, Any] | None = None  # data of a type 9 (MODAL) callback
        self.trigger: FakeInteraction | None = None  # for a modal submit: the interaction that opened it

    def __repr__(self) -> str:
        return f"<FakeInteraction id={self.id} type={self.type} reply={None if self.reply is None else self.reply['type']}>"

    @property
    def requests(self) -> list[RequestRecord]:
        return [r for r in self.server.requests if self.token in r.path]

    @property
    def rejected(self) -> list[RequestRecord]:
        return [r for r in self.requests if r.status is not None and r.status >= 400]

    @property
    def original(self) -> dict[str, Any] | None:
        return None if self.original_id is None else self.server.messages.get(self.original_id)

    @property
    def followups(self) -> list[dict[str, Any]]:
        return [self.server.messages[i] for i in self.followup_ids if i in self.server.messages]

    async def response(self, timeout: float = 5.0) -> Reply:
        """The accepted callback (`POST /interactions/{id}/{token}/callback`)."""
        return await self.server.wait_for(
            lambda: self.reply, timeout=timeout, what=f"a callback for {self!r}"
        )

    async def wait_edit(self, count: int = 1, timeout: float = 5.0) -> dict[str, Any]:
        """The original message once it has been edited `count` times (PATCH .../@original)."""
        return await self.server.wait_for(
            lambda: self.original if self.edit_count >= count else None,
            timeout=timeout,
            what=f"edit #{count} of the original response of {self!r}",
        )

    async def wait_followup(self, index: int = 0, timeout: float = 5.0) -> dict[str, Any]:
        """Followup message number `index` (0 = first), as stored after any later edits."""
        return await self.server.wait_for(
            lambda: self.followups[index] if len(self.followups) > index else None,
            timeout=timeout,
            what=f"followup #{index} of {self!r}",
        )

    async def wait_rejected(self, timeout: float = 5.0) -> RequestRecord:
        """The first request for this interaction that the server refused (status >= 400)."""
        return await self.server.wait_for(
            lambda: self.rejected[0] if self.rejected else None,
            timeout=timeout,
            what=f"a refused request of {self!r}",
        )


# --- payload builders --------------------------------------------------------------------------


def _infer_type(value: Any) -> int:
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return NUMBER
    return STRING


def build_options(
    server: FakeDiscord,
    definitions: list[dict[str, Any]] | None,
    values: dict[str, Any],
    resolved: dict[str, dict[str, Any]],
    *,
    focused: str | None = None,
    where: str,
) -> list[dict[str, Any]]:
    """Options as Discord sends them, typed by the registered command when there is one."""
    by_name = {d["name"]: d for d in definitions or []}
    if definitions is not None:
        unknown = set(values) - set(by_name)
        if unknown:
            raise ValueError(f"{where} has no option {sorted(unknown)}; it has {sorted(by_name)}")
        if focused is None:
            missing = [d["name"] for d in definitions if d.get("required") and d["name"] not in values]
            if missing:
                raise ValueError(f"{where} needs the required option(s) {missing}")
    options = []
    for name, value in values.items():
        definition = by_name.get(name, {"type": _infer_type(value)})
        kind = definition["type"]
        option: dict[str, Any] = {"name": name, "type": kind}
        if name == focused:
            option["value"], option["focused"] = str(value), True  # the raw text being typed
        else:
            option["value"] = _option_value(server, kind, value, resolved)
            choices = definition.get("choices")
            if choices and option["value"] not in [c["value"] for c in choices]:
                raise ValueError(f"{where} option {name!r} only takes {[c['value'] for c in choices]}")
        options.append(option)
    return options


def _option_value(server: FakeDiscord, kind: int, value: Any, resolved: dict[str, dict[str, Any]]) -> Any:
    if kind == STRING:
        return str(value)
    if kind == INTEGER:
        return int(value)
    if kind == NUMBER:
        return float(value)
    if kind == BOOLEAN:
        return bool(value)
    if kind == ATTACHMENT:
        if not isinstance(value, Attachment):
            raise ValueError(f"an attachment option takes FakeDiscord.upload(...), not {value!r}")
        resolved.setdefault("attachments", {})[value.data["id"]] = dict(value.data)
        return value.data["id"]
    snowflake = str(value["id"] if isinstance(value, dict) else value)
    if kind in (USER, MENTIONABLE) and snowflake in server.members:
        member = dict(server.members[snowflake])
        resolved.setdefault("users", {})[snowflake] = member.pop("user")
        resolved.setdefault("members", {})[snowflake] = member
    elif kind == CHANNEL and snowflake in server.channels:
        channel = server.channels[snowflake]
        resolved.setdefault("channels", {})[snowflake] = {
            key: channel[key] for key in ("id", "name", "type", "parent_id", "flags")
        } | {"permissions": str(server.bot_permissions())}
    elif kind in (ROLE, MENTIONABLE):
        role = next((r for r in server.guild["roles"] if r["id"] == snowflake), None)
        if role is None:
            raise ValueError(f"no member or role with id {snowflake}")
        resolved.setdefault("roles", {})[snowflake] = role
    else:
        raise ValueError(f"option type {kind}: no such member/channel/role {value!r}")
    return snowflake


def find_component(
    message: dict[str, Any], kinds: set[int], *, custom_id: str | None, label: str | None
) -> dict[str, Any]:
    """A button/select of `message` by custom_id, label (or placeholder), or the only one there is."""
    candidates = [c for c in walk_components(message.get("components") or []) if c.get("type") in kinds]
    if custom_id is not None:
        found = [c for c in candidates if c.get("custom_id") == custom_id]
    elif label is not None:
        found = [c for c in candidates if label in (c.get("label"), c.get("placeholder"))]
    else:
        found = candidates if len(candidates) == 1 else []
    wanted = custom_id or label or "the only one"
    if len(found) != 1:
        have = [(c.get("label") or c.get("placeholder"), c.get("custom_id")) for c in candidates]
        raise LookupError(f"message {message['id']}: no single component matching {wanted!r}; it has {have}")
    if found[0].get("disabled"):
        raise ValueError(f"component {wanted!r} is disabled: a user cannot use it")
    return found[0]
