"""Wire messages of protocol version 1 (docs/protocol.md).

Client messages are a tagged union with unknown fields refused. Server messages
are built as plain dicts and encoded once (orjson); every server frame is a JSON
array of them.
"""

from dataclasses import dataclass
from enum import IntEnum
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from .. import metrics
from ..domain.commands import ClientCommand
from ..domain.errors import ErrorCode
from ..domain.events import StoredEvent
from ..domain.values import COORD_LIMIT, Coord, Id

PROTOCOL_VERSION = 1


class CloseCode(IntEnum):
    MESSAGE_TOO_BIG = 1009
    SERVICE_RESTART = 1012
    PROTOCOL_ERROR = 4000
    UNAUTHORIZED = 4001
    BOARD_NOT_FOUND = 4004
    UNSUPPORTED_PROTOCOL = 4005
    RESYNC = 4008
    HEARTBEAT_TIMEOUT = 4009
    OVER_BUDGET = 4029
    # The board was deleted while the client was on it (or before its hello).
    BOARD_DELETED = 4410


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Hello(_Message):
    type: Literal["hello"]
    protocol: Annotated[int, Field(strict=True)]
    credential: Annotated[str, Field(min_length=1, max_length=200)]
    last_seq: Annotated[int, Field(ge=0, strict=True)] | None = None


class Op(_Message):
    type: Literal["op"]
    op_id: Id
    command: ClientCommand


class Ping(_Message):
    type: Literal["ping"]


class CursorMove(_Message):
    """Where this member's pointer is, in board units. Ephemeral."""

    type: Literal["cursor"]
    x: Coord
    y: Coord


class View(_Message):
    """The part of the board this client shows, in board units."""

    type: Literal["view"]
    x: Coord
    y: Coord
    w: Annotated[float, Field(gt=0, le=1_000_000, allow_inf_nan=False, strict=True)]
    h: Annotated[float, Field(gt=0, le=1_000_000, allow_inf_nan=False, strict=True)]


ClientMessage = Annotated[Hello | Op | Ping | CursorMove | View, Field(discriminator="type")]
client_message_adapter: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)

# At most this many ops in one `ops` frame (docs/protocol.md §2.3).
MAX_OPS_PER_FRAME = 100


class OpEntry(_Message):
    """One op of an `ops` frame: an `op` message without its `type`."""

    op_id: Id
    command: ClientCommand


_op_entry_adapter: TypeAdapter[OpEntry] = TypeAdapter(OpEntry)
_op_entries_adapter: TypeAdapter[list[OpEntry]] = TypeAdapter(list[OpEntry])


@dataclass(frozen=True, slots=True)
class OpBatch:
    """Several ops in one frame, in order. Each is what a frame of its own would
    have been: its op (`OpEntry`), or the `BadMessage` that frame would have got."""

    items: "tuple[OpEntry | BadMessage, ...]"


class BadMessage(Exception):
    def __init__(self, code: ErrorCode, message: str, op_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.op_id = op_id


def parse_client_message(raw: str | bytes) -> ClientMessage | OpBatch:
    """Parse one client frame, or raise `BadMessage` with the right stable code."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadMessage(ErrorCode.INVALID_JSON, "The message is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadMessage(ErrorCode.INVALID_JSON, "A message must be a JSON object.")
    cursor = _fast_cursor(data)
    if cursor is not None:
        return cursor
    if data.get("type") == "ops":
        return _parse_ops(data)
    op_id = data.get("op_id") if isinstance(data.get("op_id"), str) else None
    try:
        return client_message_adapter.validate_python(data)
    except ValidationError as exc:
        raise _explain(exc, op_id) from None


def _parse_ops(data: dict[str, Any]) -> OpBatch:
    """An `ops` frame. The list is validated in one call (the common case: every
    op is well formed); if that fails, op by op, so that each bad op gets its
    own error with its `op_id` and the others go on as if sent one by one."""
    ops = data.get("ops")
    if len(data) != 2 or not isinstance(ops, list) or not ops:
        raise BadMessage(
            ErrorCode.INVALID_MESSAGE, "ops: a non-empty list of {op_id, command} is required."
        )
    if len(ops) > MAX_OPS_PER_FRAME:
        raise BadMessage(
            ErrorCode.INVALID_MESSAGE, f"ops: at most {MAX_OPS_PER_FRAME} ops in one frame."
        )
    try:
        return OpBatch(tuple(_op_entries_adapter.validate_python(ops)))
    except ValidationError:
        return OpBatch(tuple(_parse_entry(entry) for entry in ops))


def _parse_entry(entry: Any) -> "OpEntry | BadMessage":
    op_id = entry.get("op_id") if isinstance(entry, dict) else None
    try:
        return _op_entry_adapter.validate_python(entry)
    except ValidationError as exc:
        return _explain(exc, op_id if isinstance(op_id, str) else None)


def cursor_point(data: Any) -> tuple[float, float] | None:
    """The point of a well-formed `cursor` message (parsed JSON), else None.
    Cursor moves are most of the traffic: they are checked here, without the
    general validator (anything else falls through to it and its errors)."""
    if type(data) is not dict or data.get("type") != "cursor" or len(data) != 3:
        return None
    x, y = data.get("x"), data.get("y")
    if type(x) not in (int, float) or type(y) not in (int, float):
        return None
    assert isinstance(x, int | float) and isinstance(y, int | float)
    if not (abs(x) <= COORD_LIMIT and abs(y) <= COORD_LIMIT):  # also refuses NaN
        return None
    return float(x), float(y)


def _fast_cursor(data: dict[str, Any]) -> CursorMove | None:
    point = cursor_point(data)
    if point is None:
        return None
    return CursorMove.model_construct(type="cursor", x=point[0], y=point[1])


def _explain(exc: ValidationError, op_id: str | None) -> BadMessage:
    errors = exc.errors(include_url=False, include_input=False)
    for err in errors:
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            where = "command" if "command" in err["loc"] else "message"
            return BadMessage(ErrorCode.UNKNOWN_TYPE, f"Unknown {where} type.", op_id)
    for err in errors:
        if err["type"] == "string_too_long":
            field = str(err["loc"][-1])
            return BadMessage(ErrorCode.TEXT_TOO_LONG, f"{field} is too long: {err['msg']}.", op_id)
    first = errors[0]
    # The first two parts of a location name the union branches, not fields.
    branches = ("op", "hello", "ping", "cursor", "view")
    field = ".".join(str(p) for p in first["loc"] if p not in branches)
    return BadMessage(ErrorCode.INVALID_MESSAGE, f"{field}: {first['msg']}", op_id)


def encode(message: dict[str, Any]) -> bytes:
    return orjson.dumps(message)


def encode_event(event: StoredEvent) -> bytes:
    """An event's wire form, reusing the store's encoding of its `data`."""
    if not event.data_json:
        return encode(event.to_wire())
    head = encode(
        {
            "seq": event.seq,
            "type": event.body.type,
            "at": event.at,
            "actor": event.actor,
            "op_id": event.op_id,
        }
    )
    return head[:-1] + b',"data":' + event.data_json + b"}"


def error_message(code: ErrorCode, message: str, op_id: str | None = None) -> bytes:
    metrics.refused(code.value, "ws")
    body: dict[str, Any] = {"type": "error", "code": code.value, "message": message}
    if op_id is not None:
        body["op_id"] = op_id
    return encode(body)
