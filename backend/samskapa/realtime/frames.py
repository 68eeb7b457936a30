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

from websockets.frames import Frame, Opcode


class OutFrame:
    """One frame's payload, and its bytes on the wire once some socket needs them."""

    __slots__ = ("_wire", "payload")

    def __init__(self, payload: bytes) -> None:
        self.payload = payload
        self._wire: bytes | None = None

    @property
    def wire(self) -> bytes:
        """Header and payload of a final, unmasked binary frame."""
        if self._wire is None:
            self._wire = Frame(Opcode.BINARY, self.payload).serialize(mask=False)
        return self._wire


# What a connection has pending: single messages and runs of messages.
Pending = list[bytes | tuple[bytes, ...]]


def frame_of(items: Pending) -> OutFrame:
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
