"""The gateway websocket: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, RESUME with replay."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from .server import FakeDiscord

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE_UPDATE, VOICE_STATE_UPDATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_GUILD_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11
OP_NAMES = {
    HEARTBEAT: "HEARTBEAT",
    IDENTIFY: "IDENTIFY",
    PRESENCE_UPDATE: "PRESENCE_UPDATE",
    VOICE_STATE_UPDATE: "VOICE_STATE_UPDATE",
    RESUME: "RESUME",
    REQUEST_GUILD_MEMBERS: "REQUEST_GUILD_MEMBERS",
}

GUILDS_INTENT = 1 << 0
GUILD_MEMBERS_INTENT = 1 << 1
GUILD_PRESENCES_INTENT = 1 << 8
GUILD_MESSAGES_INTENT = 1 << 9
MESSAGE_CONTENT_INTENT = 1 << 15
PRIVILEGED_INTENTS = GUILD_MEMBERS_INTENT | GUILD_PRESENCES_INTENT | MESSAGE_CONTENT_INTENT
REPLAY_BUFFER = 1000


@dataclass
class GatewayEvent:
    """One line of the gateway log: `direction` is "recv", "send" or "conn"."""

    direction: str
    name: str
    data: Any = None


class Connection:
    def __init__(self, ws: web.WebSocketResponse, request: web.Request, compress: bool) -> None:
        self.ws = ws
        self.transport = request.transport
        self.compressor = zlib.compressobj() if compress else None
        self.session: Session | None = None
        self.closed_by_server = False
        self.close_code: int | None = None  # sent by us, or by the client in its CLOSE frame
        self._lock = asyncio.Lock()

    async def send(self, text: str) -> None:
        async with self._lock:
            if self.compressor is None:
                await self.ws.send_str(text)
            else:  # zlib-stream: one shared context, every message ends with a Z_SYNC_FLUSH
                data = self.compressor.compress(text.encode()) + self.compressor.flush(zlib.Z_SYNC_FLUSH)
                await self.ws.send_bytes(data)

    async def close(self, code: int, reason: str) -> None:
        self.closed_by_server = True
        self.close_code = code
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(code=code, message=reason.encode()), 5)


@dataclass(eq=False)
class Session:
    id: str
    token: str
    intents: int
    shard: tuple[int, int] | None
    seq: int = 0
    frames: list[tuple[int, str]] = field(default_factory=list)  # (seq, JSON text) for replay
    connection: Connection | None = None
    resumable: bool = True

    def covers(self, guild_id: str) -> bool:
        if self.shard is None:
            return True
        shard_id, count = self.shard
        return (int(guild_id) >> 22) % count == shard_id


class Gateway:
    def __init__(self, server: FakeDiscord) -> None:
        self.server = server
        self.sessions: dict[str, Session] = {}
        self.connections: list[Connection] = []
        self.log: list[GatewayEvent] = []

    def _log(self, direction: str, name: str, data: Any = None) -> None:
        self.log.append(GatewayEvent(direction, name, data))
        self.server._notify()

    # --- connection loop ---------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        query = dict(request.query)
        conn = Connection(ws, request, self.server.compress and query.get("compress") == "zlib-stream")
        self.connections.append(conn)
        self._log("conn", "CONNECT", query)
        try:
            if query.get("v", "10") != "10":
                await conn.close(4012, "Invalid API version")
            elif query.get("encoding", "json") != "json":
                await conn.close(4002, "Decode error: only encoding=json is served")
            else:
                hello = {
                    "heartbeat_interval": self.server.heartbeat_interval,
                    "_trace": ['["gateway-fake",{}]'],
                }
                await self._send(conn, {"op": HELLO, "d": hello, "s": None, "t": None}, "HELLO")
                while not ws.closed:
                    message = await ws.receive()
                    if message.type is WSMsgType.CLOSE:
                        conn.close_code = message.data
                        break
                    if message.type is not WSMsgType.TEXT:
                        if message.type not in (WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                            await conn.close(4002, "Decode error: send JSON text frames")
                        break
                    try:
                        payload = json.loads(message.data)
                    except ValueError:
                        await conn.close(4002, "Decode error")
                        break
                    await self._on_payload(conn, payload)
        finally:
            self.connections.remove(conn)
            session = conn.session
            if session is not None and session.connection is conn:
                session.connection = None
                # A client that closes with 1000/1001 ends its session, as on Discord.
                if not conn.closed_by_server and conn.close_code in (1000, 1001):
                    session.resumable = False
            self._log("conn", "DISCONNECT", {"code": conn.close_code, "by_server": conn.closed_by_server})
        return ws

    async def _send(self, conn: Connection, frame: dict[str, Any], name: str) -> None:
        with contextlib.suppress(ConnectionError, RuntimeError):
            await conn.send(json.dumps(frame))
        self._log("send", name, frame.get("d"))

    async def _on_payload(self, conn: Connection, payload: Any) -> None:
        op = payload.get("op") if isinstance(payload, dict) else None
        data = payload.get("d") if isinstance(payload, dict) else None
        name = OP_NAMES.get(op) if isinstance(op, int) else None
        if name is None:
            await conn.close(4001, "Unknown opcode")
            return
        self._log("recv", name, data)
        if op == HEARTBEAT:
            await self._send(conn, {"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None}, "HEARTBEAT_ACK")
        elif op == IDENTIFY:
            await self._identify(conn, data or {})
        elif op == RESUME:
            await self._resume(conn, data or {})
        elif conn.session is None:
            await conn.close(4003, "Not authenticated")
        elif op == REQUEST_GUILD_MEMBERS:
            await self._request_members(conn.session, data or {})

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        if conn.session is not None:
            await conn.close(4005, "Already authenticated")
            return
        if not self.server.token_ok(data.get("token")):
            await conn.close(4004, "Authentication failed")
            return
        intents = data.get("intents")
        if not isinstance(intents, int) or intents < 0 or intents >= 1 << 26:
            await conn.close(4013, "Invalid intent(s)")
            return
        if intents & PRIVILEGED_INTENTS & ~self.server.privileged_intents:
            await conn.close(4014, "Disallowed intent(s)")
            return
        shard = data.get("shard")
        if shard is not None:
            if not (isinstance(shard, list) and len(shard) == 2 and 0 <= shard[0] < shard[1]):
                await conn.close(4010, "Invalid shard")
                return
            shard = (shard[0], shard[1])
        session = Session(secrets.token_hex(16), data["token"], intents, shard)
        self.sessions[session.id] = session
        session.connection, conn.session = conn, session
        await self.dispatch_to(session, "READY", self.server.ready_payload(session))
        if session.covers(self.server.guild_id):
            await self.dispatch_to(session, "GUILD_CREATE", self.server.guild_create_payload(intents))

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        seq = data.get("seq")
        oldest = session.frames[0][0] if session and session.frames else 1
        if (
            session is None
            or not session.resumable
            or data.get("token") != session.token
            or not isinstance(seq, int)
            or seq < oldest - 1
        ):
            await self._send(
                conn, {"op": INVALID_SESSION, "d": False, "s": None, "t": None}, "INVALID_SESSION"
            )
            return
        previous = session.connection
        session.connection, conn.session = conn, session
        if previous is not None and previous is not conn:
            await previous.close(4000, "Resumed elsewhere")
        for frame_seq, text in list(session.frames):
            if frame_seq > seq:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await conn.send(text)
        await self.dispatch_to(session, "RESUMED", {"_trace": ['["gateway-fake",{}]']})

    async def _request_members(self, session: Session, data: dict[str, Any]) -> None:
        members = list(self.server.members.values())
        query, user_ids = data.get("query"), data.get("user_ids")
        if user_ids:
            wanted = {str(u) for u in (user_ids if isinstance(user_ids, list) else [user_ids])}
            members = [m for m in members if m["user"]["id"] in wanted]
        elif query:
            members = [m for m in members if m["user"]["username"].startswith(query)]
        chunk: dict[str, Any] = {
            "guild_id": str(data.get("guild_id")),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        if data.get("presences"):
            chunk["presences"] = []
        await self.dispatch_to(session, "GUILD_MEMBERS_CHUNK", chunk)

    # --- sending events ----------------------------------------------------------------------

    async def dispatch_to(self, session: Session, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH; kept for replay, so a disconnected session gets it on RESUME."""
        session.seq += 1
        text = json.dumps({"op": DISPATCH, "t": event, "s": session.seq, "d": data})
        session.frames.append((session.seq, text))
        del session.frames[:-REPLAY_BUFFER]
        if session.connection is not None:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await session.connection.send(text)
        self._log("send", event, data)

    def live_sessions(self, guild_id: str, intent: int = 0) -> list[Session]:
        """Resumable sessions for the guild, connected ones last (the newest connected is [-1])."""
        found = [
            s
            for s in self.sessions.values()
            if s.resumable and s.covers(guild_id) and (not intent or s.intents & intent)
        ]
        return sorted(found, key=lambda s: s.connection is not None)

    async def drop(self, code: int = 4000, *, abort: bool = False) -> None:
        """Cut every gateway connection (sessions stay resumable unless the client says otherwise)."""
        for conn in list(self.connections):
            if abort:
                conn.closed_by_server = True
                if conn.transport is not None:
                    conn.transport.abort()
            else:
                await conn.close(code, "Dropped by the test server")

    async def send_op(self, op: int, data: Any, name: str) -> None:
        for conn in list(self.connections):
            if conn.session is not None:
                await self._send(conn, {"op": op, "d": data, "s": None, "t": None}, name)

    async def close_all(self) -> None:
        for conn in list(self.connections):
            await conn.close(1001, "Server stopping")
