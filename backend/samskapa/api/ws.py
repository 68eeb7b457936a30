"""`/ws/boards/{board_id}`: the websocket adapter (docs/protocol.md §2).

A connection goes awaiting hello → catching up → live → closed. Resume is
either `incremental` (the missed events) or `reset` (a snapshot). The step from
"compute what the client missed" to "register for new events" has no `await`
in it, so no event can fall between the two.

The application hands a board's socket straight to `board_socket`
(`board_socket_path`, `serve_board_socket`, called by `app.SamskapaApp`), doing
itself the little that its middlewares would (the request id, the security
headers on a refusal), rather than through FastAPI's middleware stack and
router: a socket lives for hours, and every layer between the server and the
handler would stay suspended for as long, with its coroutine frame, its exit
stack and what it added to the scope. The whole session then runs in the
server's task for the socket (Connection.read).
"""

import asyncio
import logging
import re
import time
from typing import Any
from urllib.parse import urlsplit

import orjson
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from .. import metrics
from ..domain.errors import DomainError, ErrorCode
from ..domain.values import Role
from ..logs import request_id
from ..realtime.budget import Budget, Verdict
from ..realtime.budget import Kind as MessageKind
from ..realtime.connection import Connection, ConnState
from ..realtime.cursors import cells_for_view
from ..realtime.protocol import (
    PROTOCOL_VERSION,
    BadMessage,
    CloseCode,
    CursorMove,
    Hello,
    Op,
    OpBatch,
    OpEntry,
    Ping,
    View,
    cursor_point,
    encode,
    error_message,
    parse_client_message,
)
from ..store.eventstore import AppendResult, Reply
from ..websocket_protocol import CURSORS_EXTENSION, OPS_EXTENSION
from .deps import Services
from .headers import with_headers
from .request_id import request_id_of

log = logging.getLogger(__name__)


def origin_allowed(websocket: WebSocket, services: Services) -> bool:
    origin = websocket.headers.get("origin")
    if origin is None:
        return True  # not a browser; the credential still decides
    host = websocket.headers.get("host", "")
    if urlsplit(origin).netloc == host:
        return True
    allowed = set(services.settings.allowed_origins)
    if services.settings.public_url:
        allowed.add(services.settings.public_url.rstrip("/"))
    return origin.rstrip("/") in allowed


# Seconds a client refused for a full process is asked to wait (Retry-After).
FULL_RETRY_AFTER = 10


def server_full() -> JSONResponse:
    return JSONResponse(
        {"code": ErrorCode.SERVER_FULL.value, "message": "The server is full; try again soon."},
        status_code=503,
        headers={"Retry-After": str(FULL_RETRY_AFTER)},
    )


def foreign_origin() -> JSONResponse:
    return JSONResponse(
        {
            "code": ErrorCode.FORBIDDEN.value,
            "message": "This page's origin may not open the board's websocket.",
        },
        status_code=403,
    )


async def _refuse(websocket: WebSocket, response: JSONResponse, close_code: int) -> None:
    """Refuse a handshake with an HTTP answer, which carries our error body and
    the security headers (api/headers.py); where the server cannot send one,
    closing before accept makes it answer a bare 403."""
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        await websocket.send_denial_response(response)
    else:
        await websocket.close(code=close_code)


# The board's websocket path; the id is one path segment, as a route's `{board_id}`.
BOARD_SOCKET_PATH = re.compile(r"/ws/boards/([^/]+)")


def board_socket_path(scope: Scope) -> str | None:
    """The board id when `scope` is a websocket to `/ws/boards/{board_id}`."""
    if scope["type"] != "websocket":
        return None
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    match = BOARD_SOCKET_PATH.fullmatch(path)
    return match[1] if match is not None else None


async def serve_board_socket(scope: Scope, receive: Receive, send: Send, board_id: str) -> None:
    """A board's socket, with what RequestId and SecurityHeaders give it."""
    request_id.set(request_id_of(scope))
    await board_socket(WebSocket(scope, receive, with_headers(scope, send)), board_id)


async def board_socket(websocket: WebSocket, board_id: str) -> None:
    services: Services = websocket.app.state.services
    if not origin_allowed(websocket, services):
        await _refuse(websocket, foreign_origin(), 1008)
        return
    limits = services.limits
    if not limits.admit():
        # Before the upgrade: an HTTP 503 with our error body (browsers see a
        # failed handshake and retry with their backoff).
        await _refuse(websocket, server_full(), 1013)
        return
    try:
        await websocket.accept()
        # The handshake's headers have been read (the origin, the request id);
        # a socket lives for hours and needs them no more.
        websocket.scope["headers"] = []
        websocket.__dict__.pop("_headers", None)
        opened = time.monotonic()
        metrics.WEBSOCKETS_OPENED.inc()
        conn = Connection(websocket, board_id, services.settings.outbound_queue_messages)
        try:
            # In this task: an eviction or a close cancels the session and
            # returns here (Connection.read).
            await conn.read(_session(conn, services))
        except WebSocketDisconnect:
            pass
        except RuntimeError as exc:
            # Starlette raises this when receiving on a socket that has closed.
            log.debug("socket ended: %s", exc)
        except Exception:
            log.error("websocket session failed", exc_info=True)
        finally:
            services.hub.leave(conn)
            await conn.finish()
            _log_close(conn, time.monotonic() - opened)
            _remember_seen(conn, services)
    finally:
        limits.release()


def _remember_seen(conn: Connection, services: Services) -> None:
    """The member has seen the board up to its head: a live connection got every
    event up to there. One evicted for falling behind had not; it keeps the old mark.
    Written in batches (seen.py), not per connection and never per event."""
    entry = services.store.cached(conn.board_id)
    if conn.actor is None or conn.evicted or not conn.went_live or entry is None:
        return
    services.seen.mark(conn.actor.member_id, entry.state.seq)


def _role(conn: Connection) -> str | None:
    return conn.actor.role.value if conn.actor is not None else None


def _log_open(conn: Connection) -> None:
    """One line per websocket that said a valid hello. Board and role only: never
    a name or anything a member wrote (docs/architecture.md, Logs)."""
    role = _role(conn)
    log.info(
        "websocket opened: board %s, %s",
        conn.board_id,
        role,
        extra={"event": "websocket.open", "board_id": conn.board_id, "role": role},
    )


def _log_close(conn: Connection, duration: float) -> None:
    """One line per accepted websocket, however it ended (role null: no valid hello)."""
    code = conn.close_code
    metrics.websocket_closed(code)
    role = _role(conn)
    log.info(
        "websocket closed: board %s, %s, code %d after %.1f s",
        conn.board_id,
        role or "no valid hello",
        code,
        duration,
        extra={
            "event": "websocket.close",
            "board_id": conn.board_id,
            "role": role,
            "close_code": code,
            "duration_s": round(duration, 3),
        },
    )


async def _receive_hello(conn: Connection, services: Services) -> str | bytes | None:
    """The first client frame, or None once the client is gone or closed.

    Only the first message (hello) is awaited with a timeout (the request
    timeout: a socket that says nothing holds a file descriptor for nobody);
    afterwards the hub's heartbeat sweep closes silent connections, which saves
    a timer per message on the busiest path (cursor moves arrive ten times a
    second).
    """
    try:
        message = await asyncio.wait_for(
            conn.websocket.receive(), services.settings.request_timeout
        )
    except TimeoutError:
        conn.close(CloseCode.HEARTBEAT_TIMEOUT, "no hello in time")
        return None
    return _unpack(conn, services, message)


def _unpack(conn: Connection, services: Services, message: Any) -> str | bytes | None:
    """A received ASGI message's frame, or None once the client is gone or closed."""
    conn.last_seen = time.monotonic()
    if message["type"] == "websocket.disconnect":
        conn.peer_close_code = message.get("code", 1005)
        return None
    raw: str | bytes | None = message.get("text")
    if raw is None:
        raw = message.get("bytes") or b""
    if len(raw) > services.settings.max_message_bytes:
        conn.close(CloseCode.MESSAGE_TOO_BIG, "message too big")
        return None
    return raw


async def _session(conn: Connection, services: Services) -> None:
    credential = await _join(conn, services)
    if credential is None:
        return
    # Live. What joining needed (the welcome, who was online, the catch-up)
    # went with its frame; only what reading uses stays for the socket's life.
    budget = Budget(services.limits)
    reading = Reading()
    short_paths = [
        path
        for path in (
            _cursor_sink(conn, services, budget),
            _op_sink(conn, services, budget, reading),
        )
        if path is not None
    ]
    try:
        await _read(conn, services, credential, budget, reading)
    finally:
        for path in short_paths:
            path["sink"](None)


async def _join(conn: Connection, services: Services) -> str | None:
    """Hello, sign-in and catch-up; the credential once the connection is live,
    None when it was closed instead."""
    raw = await _receive_hello(conn, services)
    if raw is None:
        return None
    try:
        hello = parse_client_message(raw)
    except BadMessage as bad:
        conn.push(error_message(bad.code, bad.message))
        conn.close(CloseCode.PROTOCOL_ERROR, "the first message must be a valid hello")
        return None
    if not isinstance(hello, Hello):
        conn.close(CloseCode.PROTOCOL_ERROR, "the first message must be hello")
        return None
    if hello.protocol != PROTOCOL_VERSION:
        conn.close(CloseCode.UNSUPPORTED_PROTOCOL, f"server speaks protocol {PROTOCOL_VERSION}")
        return None
    if services.limits.cooling(hello.credential):
        # Closed for flooding a moment ago: refused before any database work,
        # and held a little first, so a client that reconnects in a loop costs
        # one handshake per COOLDOWN_HOLD instead of hundreds a second.
        await asyncio.sleep(COOLDOWN_HOLD)
        conn.close(CloseCode.OVER_BUDGET, COOLDOWN_REASON)
        return None
    try:
        actor, seen = await services.boards.sign_in(conn.board_id, hello.credential)
        seen = services.seen.latest(actor.member_id, seen)
        if services.broker.crosses_processes:
            # Other processes write to this board too. Subscribe to its doorbells
            # first, then catch up from SQL: an event committed elsewhere in
            # between is then either in the catch-up or rings the bell.
            services.broker.watch(conn.board_id)
            entry = await services.store.sync(conn.board_id)
        else:
            entry = await services.store.entry(conn.board_id)
    except DomainError as err:
        code = {
            ErrorCode.BOARD_NOT_FOUND: CloseCode.BOARD_NOT_FOUND,
            ErrorCode.BOARD_DELETED: CloseCode.BOARD_DELETED,
        }.get(err.code, CloseCode.UNAUTHORIZED)
        conn.close(code, err.message)
        return None

    # --- catching up: no await from here until the connection is live ---
    conn.transition(ConnState.CATCHING_UP)
    state = entry.state
    member = state.participants[actor.member_id]
    conn.actor, conn.member = actor, member
    conn.viewer = services.boards.viewer(actor)
    missed = entry.events_after(hello.last_seq) if hello.last_seq is not None else None
    online = services.hub.join(conn, member)
    welcome: dict[str, Any] = {
        "type": "welcome",
        "protocol": PROTOCOL_VERSION,
        "board_id": conn.board_id,
        "member": member.model_dump(mode="json"),
        "resume": "incremental" if missed is not None else "reset",
        "head_seq": state.seq,
        "server_time": services.clock(),
        "online": online,
        # How often to send (and expect) pointer moves on this board now; a
        # `cursor_rate` message says when it changes (§2.5).
        "cursor_every_ms": services.hub.cursor_every_ms(conn.board_id),
        # Where this member was when last here (null: first visit); the client
        # asks GET /api/boards/{id}/news?after=… for what is new since then.
        "last_seen_seq": seen,
    }
    conn.push(encode(welcome))
    if missed is None:
        conn.push_many(services.hub.snapshot(conn.board_id, state, conn.viewer))
    else:
        conn.push_many(services.hub.project_missed(missed, state, conn.viewer))
    conn.transition(ConnState.LIVE)
    conn.went_live = True
    _log_open(conn)
    # --- live ---
    return hello.credential


COOLDOWN_REASON = "too many messages; wait before reconnecting"
# Seconds a reconnect refused during the cooldown is held open before its 4029.
COOLDOWN_HOLD = 2.0
# Seconds the reader rests after each message over budget (budget.py): at most
# 20 such messages a second are read, twice the flood tolerance's refill, so a
# client that keeps flooding is warned and closed within about 20 s (default
# tolerance) while costing almost nothing until then.
EXCESS_PAUSE = 0.05


def _cursor_sink(conn: Connection, services: Services, budget: Budget) -> Any | None:
    """Pointer moves on the short path (websocket_protocol.py): checked, within
    budget, handed to the board's cursor field, nothing else. What it declines
    arrives in `_read`, as every other message does. Returns the extension (to
    unset the sink when reading ends), None where the server has none."""
    short_path = conn.websocket.scope.get("extensions", {}).get(CURSORS_EXTENSION)
    if short_path is None:
        return None
    hub = services.hub

    def take_cursor(data: bytes) -> bool:
        now = time.monotonic()
        try:
            point = cursor_point(orjson.loads(data))
        except orjson.JSONDecodeError:
            return False
        if point is None or not budget.cursor.take(now):
            return False
        conn.last_seen = now
        hub.move_cursor(conn, point[0], point[1])
        return True

    short_path["sink"](take_cursor)
    return short_path


class Reading:
    """What the op short path must know of the reader: whether it rests after
    a message over budget (then every op waits its turn the ordinary way, so
    the rest slows a flooder down as it always did)."""

    __slots__ = ("resting",)

    def __init__(self) -> None:
        self.resting = False


def _op_sink(conn: Connection, services: Services, budget: Budget, reading: Reading) -> Any | None:
    """`op` and `ops` frames on the short path (websocket_protocol.py): parsed
    and queued for the writer right where the frame is read, when every op in
    it is well formed and within the op budget. Anything else (a bad op, an
    excess, the reader resting, a frame too big) is declined and arrives in
    `_read`, which answers it as always. Each op is then exactly what it is on
    the ordinary path: the same budget take, the same `submit_with_reply`, the
    ack after its commit."""
    short_path = conn.websocket.scope.get("extensions", {}).get(OPS_EXTENSION)
    if short_path is None:
        return None
    max_bytes = services.settings.max_message_bytes
    ops = budget.op

    def take_ops(data: bytes) -> bool:
        if reading.resting or len(data) > max_bytes:
            return False
        now = time.monotonic()
        try:
            message = parse_client_message(data)
        except BadMessage:
            return False
        if type(message) is Op:
            items: tuple[Op | OpEntry, ...] = (message,)
        elif type(message) is OpBatch and all(type(i) is OpEntry for i in message.items):
            items = message.items  # type: ignore[assignment]
        else:
            return False
        if not ops.holds(len(items), now):
            return False
        conn.last_seen = now
        for item in items:
            _take_op(conn, services, budget, item, now)
        return True

    short_path["sink"](take_ops)
    return short_path


async def _read(
    conn: Connection, services: Services, credential: str, budget: Budget, reading: Reading
) -> None:
    """Read and dispatch client messages, each within its budget (budget.py)."""
    assert conn.actor is not None
    actor = conn.actor
    limits = services.limits
    hub = services.hub
    # The server's receive itself: Starlette's wrapper re-checks states that
    # the loop below already keeps, and would be one more suspended frame on
    # every idle socket.
    receive = conn.websocket._receive
    while True:
        raw = _unpack(conn, services, await receive())
        if raw is None:
            return
        now = conn.last_seen  # the receive time: one clock read per message
        verdict = Verdict.WITHIN
        try:
            message = parse_client_message(raw)
        except BadMessage as bad:
            if budget.may_reply(now):
                conn.push(error_message(bad.code, bad.message, bad.op_id))
            verdict = budget.excess(MessageKind.INVALID, now)
        else:
            if isinstance(message, CursorMove):
                if budget.cursor.take(now):
                    hub.move_cursor(conn, message.x, message.y)
                    continue
                verdict = budget.excess(MessageKind.CURSOR, now)
            elif isinstance(message, Op):
                refused = _take_op(conn, services, budget, message, now)
                if refused is None:
                    continue
                verdict = refused
            elif isinstance(message, OpBatch):
                refused = _take_ops(conn, services, budget, message, now)
                if refused is None:
                    continue
                verdict = refused
            elif isinstance(message, View):
                if budget.view.take(now):
                    conn.view = cells_for_view(message.x, message.y, message.w, message.h)
                    if actor.role is Role.FACILITATOR:
                        hub.move_view(conn, message.x, message.y, message.w, message.h)
                    continue
                verdict = budget.excess(MessageKind.VIEW, now)
            elif isinstance(message, Ping):
                if budget.ping.take(now):
                    conn.push(encode({"type": "pong", "server_time": services.clock()}))
                    continue
                verdict = budget.excess(MessageKind.PING, now)
            else:
                conn.close(CloseCode.PROTOCOL_ERROR, "hello was already received")
                return
        # Only messages over budget get here.
        if verdict is Verdict.WARN:
            conn.push(budget.warning())
        elif verdict is Verdict.CLOSE:
            limits.closed_for_flooding(credential, now)
            conn.close(CloseCode.OVER_BUDGET, COOLDOWN_REASON)
            return
        # Stop reading from this client for a moment. What it sends meanwhile
        # waits in the socket buffers, until TCP makes its sends wait too: a
        # flood is then read at about 1 / EXCESS_PAUSE messages a second and
        # costs next to nothing, however fast the client could send.
        reading.resting = True
        try:
            await asyncio.sleep(EXCESS_PAUSE)
        finally:
            reading.resting = False


def _take_op(
    conn: Connection, services: Services, budget: Budget, op: Op | OpEntry, now: float
) -> Verdict | None:
    """Queue one op for the writer if its budget allows (None), else refuse it
    and say what its excess means for the connection."""
    if budget.op.take(now):
        assert conn.actor is not None
        services.store.submit_with_reply(
            conn.board_id, op.command, conn.actor, op.op_id, _answer(conn, op.op_id)
        )
        return None
    if budget.may_reply(now):
        conn.push(error_message(ErrorCode.RATE_LIMITED, "Too many changes; slow down.", op.op_id))
    return budget.excess(MessageKind.OP, now)


# How bad an excess is, for keeping the worst of a frame's ops.
_SEVERITY = {None: 0, Verdict.WITHIN: 1, Verdict.WARN: 2, Verdict.CLOSE: 3}


def _take_ops(
    conn: Connection, services: Services, budget: Budget, batch: OpBatch, now: float
) -> Verdict | None:
    """The ops of one `ops` frame, each exactly as if it had come in a frame of
    its own (its budget, its error), in order. None if all were within budget;
    otherwise the worst verdict, and the reader pauses once for the frame."""
    worst: Verdict | None = None
    for item in batch.items:
        if isinstance(item, BadMessage):
            if budget.may_reply(now):
                conn.push(error_message(item.code, item.message, item.op_id))
            verdict: Verdict | None = budget.excess(MessageKind.INVALID, now)
        else:
            verdict = _take_op(conn, services, budget, item, now)
        if _SEVERITY[verdict] > _SEVERITY[worst]:
            worst = verdict
        if worst is Verdict.CLOSE:
            break
    return worst


def _answer(conn: Connection, op_id: str) -> Reply:
    """Acks or rejects one op on its connection, right after its commit."""
    received = time.perf_counter()

    def reply(outcome: AppendResult | DomainError) -> None:
        if isinstance(outcome, DomainError):
            conn.push(error_message(outcome.code, outcome.message, op_id))
        else:
            ack: dict[str, Any] = {"type": "ack", "op_id": op_id, "seq": outcome.seq}
            if outcome.duplicate:
                ack["duplicate"] = True
            conn.push(encode(ack))
        metrics.OP_ACK_SECONDS.observe(time.perf_counter() - received)

    return reply
