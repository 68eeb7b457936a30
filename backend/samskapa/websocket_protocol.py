"""uvicorn's websocket protocol, made cheap to flood (docs/protocol.md §2.8):
frames are parsed only as the application takes them, and once the server has
sent its close frame, whatever the client sends is dropped unparsed.

uvicorn stops reading a socket while the application has a message it has not
taken yet, which lets a flooder's messages wait in the socket buffers, where
they cost nothing. Two things undid that, both measured with a sampling
profiler during the flood benchmark (docs/benchmarks.md, "Flood"):

* **Every read is parsed whole.** One read from the socket is up to 256 KB,
  some 5,000 small messages, and uvicorn parses all of them into its queue at
  once (about 0.1 s in one stretch of the event loop), although the budgets
  then read them at 20 a second. Here a read larger than `SLICE` is kept as
  bytes and handed to the parser a slice at a time, the next slice only when
  the application has taken every message of the one before. An honest
  client's reads are small and go straight through.
* **Closing parses the backlog.** After the application closes, uvicorn reads
  on to find the client's closing frame, and that frame sits behind everything
  the client had sent meanwhile: a flooder closed with 4029 has megabytes of
  messages buffered, which uvicorn parsed frame by frame in one stretch (about
  0.9 s, during which no other connection on the process moved). Here, after
  the close frame, the TCP connection is half-closed (FIN after the close frame:
  the client has it all) and what arrives is thrown away unread, a buffer copy
  per read. A well-behaved client answers with its close frame and closes its
  side; the end of its stream closes the connection here (uvicorn's close
  timeout still ends one that never does). The client's close frame is thus
  never parsed, which nothing needs: the application has closed already.

A TLS transport cannot half-close, so there the close goes as in uvicorn (a
deployment behind the load balancer terminates TLS there).

It also lets the fan-out write a frame it built once for many recipients
straight to the socket (`write_frame`, docs/architecture.md "Frame once, write
many"): server frames are not masked, so the same bytes are right for every
client. The protocol puts itself in the ASGI scope's extensions
(`samskapa.frames`) for that; where it is absent (another server, a test
client), the connection sends through ASGI as before.

And it lets a live session take pointer moves and ops on a short path
(`samskapa.cursors`, `samskapa.ops`): a frame that starts like a `cursor`
message, or like an `op` or `ops` message, goes to the session's sink right
where it is parsed, without the ASGI queue, Starlette's receive, a task switch,
and the read pause and resume (two changes of the event loop's selector) that
uvicorn makes around every message it queues. A sink that declines a frame
(malformed, over budget, the session resting after an excess) sends it the
ordinary way, where it is counted and answered as always. Only while nothing
else waits in the queue and none is on its way from the queue to the
application (`receive` parses the rest of a large read behind the message it
hands out), so a message never overtakes one read before it. With one
connection per board nearly every op arrives in a frame of its own, and this
was a good part of what each op cost (docs/benchmarks.md, "Ingest").
Such a frame usually comes in a read of its own, and then it is not even given
to the `websockets` parser (a generator per frame and a few per header field,
an event object, uvicorn's dispatch on it): when the parser waits at a frame's
start with nothing buffered and the read is exactly one small, final, masked
text frame, its payload is unmasked here and handed on. Anything else (another
opcode, a fragment, a reserved bit, a frame split over reads or sharing one)
goes to the parser as before; a data frame changes nothing of the parser's or
the connection's state, so both stay in step.

Idle sockets are most of a big workshop's connections, so what each one holds
is kept small: uvicorn's receive queue and its "writable" flag are an
`asyncio.Queue` and an `asyncio.Event`, about 4 KB together (four deques of 64
slots); here they are `Inbox` and `Writable`, which do the same for the one
reader and the one writer a socket has in a few dozen bytes, and the
handshake's request and response are let go once the socket is accepted.

`samskapa serve` passes this class to uvicorn as its websocket protocol.
"""

import asyncio
from collections.abc import Callable
from typing import Any

from uvicorn._types import ASGIReceiveEvent
from uvicorn.config import Config
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.http11 import Request
from websockets.protocol import Protocol, State
from websockets.server import ServerProtocol
from websockets.speedups import apply_mask
from websockets.streams import StreamReader

# The scope extensions under which the protocol offers `write_frame` and the
# pointer moves' short path.
FRAMES_EXTENSION = "samskapa.frames"
CURSORS_EXTENSION = "samskapa.cursors"
OPS_EXTENSION = "samskapa.ops"
# How a cursor message starts as clients write it (docs/protocol.md §2.5), and
# the most bytes one can take (a longer one goes the ordinary way).
CURSOR_PREFIX = b'{"type":"cursor",'
CURSOR_MAX_BYTES = 128
# How `op` and `ops` messages start as clients write them (docs/protocol.md
# §2.3): both begin with these bytes. Their size is the sink's to check.
OP_PREFIX = b'{"type":"op'

# Takes one message's bytes; False: not taken, send it the ordinary way.
CursorSink = Callable[[bytes], bool]
OpSink = Callable[[bytes], bool]

# The first byte of a final, uncompressed text frame (FIN, no reserved bits,
# opcode 1), and the parser's step where it waits for the next frame.
FINAL_TEXT = 0x81
_AT_EOF = StreamReader.at_eof.__code__

# Bytes handed to the frame parser at a time while a client sends faster than
# the application reads: about a hundred small messages, a millisecond or two.
SLICE = 4096


def single_text_frame(data: bytes) -> bytes | None:
    """The unmasked payload when `data` is exactly one final, masked text
    frame without reserved bits and shorter than 64 KB; else None."""
    if len(data) < 6 or data[0] != FINAL_TEXT:
        return None
    length = data[1] ^ 0x80  # the mask bit must be set (a client's frame)
    start = 2
    if length == 126:
        length = int.from_bytes(data[2:4])
        start = 4
    elif length > 126:
        return None  # unmasked, or a 64-bit length: the parser's to judge
    if len(data) != start + 4 + length:
        return None
    return apply_mask(data[start + 4 :], data[start : start + 4])


def _waits_for_a_frame(conn: Protocol) -> bool:
    """Whether the parser waits at the start of the next frame (the innermost
    of its generators is `at_eof`), not inside one."""
    inner = conn.parser
    while (outer := getattr(inner, "gi_yieldfrom", None)) is not None:
        inner = outer
    return getattr(inner, "gi_code", None) is _AT_EOF


def forget_handshake(conn: ServerProtocol) -> None:
    """Let go of the handshake request that the websockets parser keeps.

    `ServerProtocol.parse` reads the request into a local variable and then
    parses frames in the same generator, so the request, headers and all,
    lives as long as the connection. Between two frames (waiting in
    `at_eof`, nothing of the next one read) a fresh frame parser takes over
    from exactly the same place; otherwise the old one is kept.
    """
    frames = getattr(conn.parser, "gi_yieldfrom", None)  # Protocol.parse
    waiting = getattr(frames, "gi_yieldfrom", None)
    if getattr(waiting, "gi_code", None) is StreamReader.at_eof.__code__:
        conn.parser = Protocol.parse(conn)
        next(conn.parser)


class Inbox:
    """What uvicorn asks of its `asyncio.Queue` (put_nowait, empty), for the
    one task that reads a socket (`WebSocketProtocol.receive`). Messages wait
    in a plain list: uvicorn stops reading the socket while one waits, so it
    holds one or two."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[ASGIReceiveEvent] = []
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: ASGIReceiveEvent) -> None:
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    def empty(self) -> bool:
        return not self._items

    def arrival(self) -> "asyncio.Future[None]":
        """Done when a message is put (awaited directly: no coroutine frame
        stays suspended for it on an idle socket)."""
        waiter = self._waiter
        if waiter is None or waiter.done():
            waiter = self._waiter = asyncio.get_running_loop().create_future()
        return waiter

    def pop(self) -> ASGIReceiveEvent:
        return self._items.pop(0)


class Writable:
    """What uvicorn asks of its `asyncio.Event` (set, clear, is_set, wait):
    whether the transport takes writes now. `wait` returns at once, without
    yielding, while it does, as the Event's does (Connection drives sends by
    hand on that)."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = True
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> bool:
        if self._set:
            return True
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        try:
            await waiter
        finally:
            if self._waiters is not None and waiter in self._waiters:
                self._waiters.remove(waiter)
        return True


class WebSocketProtocol(WebSocketsSansIOProtocol):
    _discarding = False
    # Set while `receive` parses on behind the message it is handing out.
    _behind = False
    _unparsed: bytearray | None = None
    _cursor_sink: CursorSink | None = None
    _op_sink: OpSink | None = None

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.queue = Inbox()  # type: ignore[assignment]
        self.writable = Writable()  # type: ignore[assignment]

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:  # an upgrade (not refused during the handshake)
            scope["extensions"][FRAMES_EXTENSION] = {"write": self.write_frame}
            scope["extensions"][CURSORS_EXTENSION] = {"sink": self.set_cursor_sink}
            scope["extensions"][OPS_EXTENSION] = {"sink": self.set_op_sink}

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        scope = getattr(self, "scope", None)
        if scope is not None:
            # The scope points back at this protocol; let reference counting
            # free both as soon as the application lets go of the scope.
            scope["extensions"].pop(FRAMES_EXTENSION, None)
            scope["extensions"].pop(CURSORS_EXTENSION, None)
            scope["extensions"].pop(OPS_EXTENSION, None)
        self._cursor_sink = None
        self._op_sink = None

    def set_cursor_sink(self, sink: CursorSink | None) -> None:
        self._cursor_sink = sink

    def set_op_sink(self, sink: OpSink | None) -> None:
        self._op_sink = sink

    def send_receive_event_to_app(self) -> None:
        if (
            len(self.frames) == 1
            and self.queue.empty()
            and not self._behind
            and not self.close_sent
            and self._to_sink(self.frames[0])
        ):
            self.frames = []
            return
        super().send_receive_event_to_app()

    def _to_sink(self, data: bytes) -> bool:
        """Whether a sink took this message (the caller made sure that nothing
        waits in the queue before it)."""
        sink: Callable[[bytes], bool] | None = None
        if data[:11] == OP_PREFIX:
            sink = self._op_sink
        elif len(data) <= CURSOR_MAX_BYTES and data[:17] == CURSOR_PREFIX:
            sink = self._cursor_sink
        if sink is None:
            return False
        try:
            return sink(data)
        except Exception:  # the ordinary path will say what is wrong
            return False

    def _whole_frame(self, data: bytes) -> bool:
        """A read that is exactly one text frame, at a frame's start, while a
        sink is set and nothing waits: its message goes on without the frame
        parser (True); else False, and nothing was done."""
        if self._op_sink is None and self._cursor_sink is None:
            return False
        conn = self.conn
        if (
            conn.reader.buffer
            or conn.current_size is not None  # inside a fragmented message
            or conn.state is not State.OPEN
            or conn.extensions
            or self.close_sent
            or not self.queue.empty()
            or not _waits_for_a_frame(conn)
        ):
            return False
        payload = single_text_frame(data)
        if payload is None:
            return False
        limit = conn.max_message_size
        if limit is not None and len(payload) > limit:
            return False  # the parser closes with 1009
        if not self._to_sink(payload):
            # What the parser and uvicorn's text handler would have done.
            self.curr_msg_data_type = "text"
            self.frames = [payload]
            super().send_receive_event_to_app()
        return True

    def write_frame(self, frame: bytes) -> bool:
        """Write a complete server frame (header and payload, unmasked) to the
        socket now; False when it cannot go now, and then nothing was written.

        Exactly the cases where uvicorn's `send` would wait or fail answer
        False: the socket's buffer is over its high-water mark (the client
        does not read), the connection is not open, our close frame has gone
        or an extension (compression) would change the payload. The caller
        then sends through ASGI, which waits or raises as it always has.
        The websockets state machine has nothing to track for a data frame
        beyond "open", so writing past it keeps it in step.
        """
        if (
            not self.writable.is_set()
            or self.disconnected
            or self.close_sent
            or self.conn.state is not State.OPEN
            or self.conn.extensions
            or self.transport.is_closing()
        ):
            return False
        self.transport.write(frame)
        return True

    def data_received(self, data: bytes) -> None:
        if self._discarding:
            return  # after our close frame: nothing the client says is used
        if self._unparsed is None and len(data) <= SLICE:
            if not self._whole_frame(data):
                super().data_received(data)  # the honest path: small reads
            return
        if self._unparsed is None:
            self._unparsed = bytearray(data)
        else:
            self._unparsed += data
        self._feed()

    def _feed(self) -> None:
        """Parse slices until the application has a message waiting (or,
        closing without a half-close, everything: uvicorn's own way)."""
        unparsed = self._unparsed
        assert unparsed is not None
        while unparsed and (self.queue.empty() or self.close_sent):
            if self._discarding or self.transport.is_closing():
                unparsed.clear()
                break
            chunk = bytes(unparsed[:SLICE])
            del unparsed[:SLICE]  # cheap: a bytearray drops its head in place
            super().data_received(chunk)
        if not unparsed:
            self._unparsed = None
        elif not self.read_paused:
            # Bytes are left: the socket waits until they have been used.
            self.read_paused = True
            self.transport.pause_reading()

    async def receive(self) -> ASGIReceiveEvent:
        inbox: Inbox = self.queue  # type: ignore[assignment]
        while inbox.empty():
            await inbox.arrival()
        message = inbox.pop()
        if self._unparsed is not None and self.queue.empty():
            # The message just taken is not handled yet: what is parsed now
            # must queue behind it, not reach a sink ahead of it.
            self._behind = True
            try:
                self._feed()
            finally:
                self._behind = False
        if self.read_paused and self.queue.empty() and self._unparsed is None:
            self.read_paused = False
            self.transport.resume_reading()
        return message

    async def send(self, message: Any) -> None:
        closing = (
            message["type"] == "websocket.close"
            and self.handshake_complete
            and self.initial_response is None
            and not self.close_sent
        )
        await super().send(message)
        if message["type"] == "websocket.accept" and self.handshake_complete:
            # The handshake's request and response (headers and all) are not
            # used again; an idle connection need not keep them (the ASGI
            # scope has the request's headers).
            self.__dict__.pop("request", None)
            self.__dict__.pop("response", None)
            forget_handshake(self.conn)
        if closing and self.close_sent and self.transport.can_write_eof():
            self._discarding = True
            self._unparsed = None
            self.transport.write_eof()
