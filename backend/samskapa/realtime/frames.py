"""Frames built once and written to many sockets.

A flush sends a connection everything pending as one frame, a JSON array of
already-encoded messages. On a board most connections have the very same
messages pending at a pass (the same events, the same cursor message for the
same view), and a server's websocket frames are not masked, so the same bytes
— header and payload — are right for all of them. A pass therefore builds each
distinct frame once (`FrameCache`) and each connection writes those bytes to
its socket (`websocket_protocol.WebSocketProtocol.write_frame`), instead of
joining the payload, framing it and going through the ASGI send per recipient.
"""

from collections.abc import Sequence

from websockets.frames import Frame, Opcode


class OutFrame:
    """One frame's payload, and its bytes on the wire once some socket needs them."""

    __slots__ = ("_wire", "payload", "size")

    def __init__(self, payload: bytes) -> None:
        self.payload = payload
        self.size = len(payload)
        self._wire: bytes | None = None

    @property
    def wire(self) -> bytes:
        """Header and payload of a final, unmasked binary frame."""
        if self._wire is None:
            self._wire = Frame(Opcode.BINARY, self.payload).serialize(mask=False)
        return self._wire


# What a connection has pending: single messages and runs of messages.
Pending = list[bytes | tuple[bytes, ...]]


def frame_of(items: Sequence[bytes | tuple[bytes, ...]]) -> OutFrame:
    """One frame holding every pending message, in order."""
    parts: list[bytes] = []
    for item in items:
        if type(item) is tuple:
            parts.extend(item)
        else:
            parts.append(item)  # type: ignore[arg-type]
    # A binary frame of UTF-8 JSON: no decode here, no encode below.
    return OutFrame(b"[" + b",".join(parts) + b"]")


class FrameCache:
    """The frames of one flush pass, by the messages they hold.

    The key is the tuple of the pending items themselves: the hub pushes one
    bytes object, or one tuple of them, to every recipient, so equal lists are
    mostly of the same objects (compared by identity first) and bytes keep
    their hash, so a lookup costs little more than a tuple's construction.
    """

    __slots__ = ("_frames",)

    def __init__(self) -> None:
        self._frames: dict[tuple[bytes | tuple[bytes, ...], ...], OutFrame] = {}

    def frame(self, items: Pending) -> OutFrame:
        key = tuple(items)
        frame = self._frames.get(key)
        if frame is None:
            frame = self._frames[key] = frame_of(items)
        return frame


class RoomRuns:
    """The runs of messages published to every connection of a board since its
    last flush pass, kept once for the board instead of appended to each of a
    thousand outboxes at every commit.

    Each connection on the board remembers how far into these runs it has
    taken (`Connection`): before anything else is queued on it, and at the
    pass, it takes the rest into its own outbox, in order and under the same
    bound as before. The pass walks every connection of the board anyway, so
    the commit only appends here; a connection with nothing of its own pending
    is sent the one frame of these runs without touching its outbox. Positions
    count from the board's first run, so a connection that joins takes only
    what is published after it joined (what came before is in its catch-up).
    """

    __slots__ = ("_frame", "count", "runs", "start")

    def __init__(self) -> None:
        # Position of runs[0] among every run ever published on the board.
        self.start = 0
        self.runs: list[tuple[bytes, ...]] = []
        # Messages in the runs, counting each message of a run.
        self.count = 0
        self._frame: OutFrame | None = None

    @property
    def end(self) -> int:
        return self.start + len(self.runs)

    def append(self, run: tuple[bytes, ...]) -> None:
        self.runs.append(run)
        self.count += len(run)
        self._frame = None

    def since(self, taken: int) -> list[tuple[bytes, ...]]:
        """The runs after position `taken`, in order."""
        return self.runs[max(0, taken - self.start) :]

    def frame(self) -> OutFrame:
        """The one frame holding all the runs, built once (with its bytes on
        the wire: nearly every connection of a board writes them)."""
        frame = self._frame
        if frame is None:
            frame = self._frame = frame_of(self.runs)
            frame.wire  # noqa: B018 (built here, once, rather than at the first write)
        return frame

    def clear(self) -> None:
        """Every connection took everything (the end of a pass)."""
        self.start = self.end
        self.runs = []
        self.count = 0
        self._frame = None
