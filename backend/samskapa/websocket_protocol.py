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

And it lets a live session take pointer moves on a short path
(`samskapa.cursors`): a frame that starts like a `cursor` message goes to the
session's sink right where it is parsed, without the ASGI queue, Starlette's
receive, a task switch and the general message parser; a sink that declines it
(malformed, over budget) sends it the ordinary way, where it is counted and
answered as always. Only while nothing else waits in the queue, so a move never
overtakes a message read before it.

`samskapa serve` passes this class to uvicorn as its websocket protocol.
"""

from collections.abc import Callable
from typing import Any

from uvicorn._types import ASGIReceiveEvent
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.http11 import Request
from websockets.protocol import State

# The scope extensions under which the protocol offers `write_frame` and the
# pointer moves' short path.
FRAMES_EXTENSION = "samskapa.frames"
CURSORS_EXTENSION = "samskapa.cursors"
# How a cursor message starts as clients write it (docs/protocol.md §2.5), and
# the most bytes one can take (a longer one goes the ordinary way).
CURSOR_PREFIX = b'{"type":"cursor",'
CURSOR_MAX_BYTES = 128

# Takes one cursor message; False: not taken, send it the ordinary way.
CursorSink = Callable[[bytes], bool]

# Bytes handed to the frame parser at a time while a client sends faster than
# the application reads: about a hundred small messages, a millisecond or two.
SLICE = 4096


class WebSocketProtocol(WebSocketsSansIOProtocol):
    _discarding = False
    _unparsed: bytearray | None = None
    _cursor_sink: CursorSink | None = None

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:  # an upgrade (not refused during the handshake)
            scope["extensions"][FRAMES_EXTENSION] = {"write": self.write_frame}
            scope["extensions"][CURSORS_EXTENSION] = {"sink": self.set_cursor_sink}

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        scope = getattr(self, "scope", None)
        if scope is not None:
            # The scope points back at this protocol; let reference counting
            # free both as soon as the application lets go of the scope.
            scope["extensions"].pop(FRAMES_EXTENSION, None)
            scope["extensions"].pop(CURSORS_EXTENSION, None)
        self._cursor_sink = None

    def set_cursor_sink(self, sink: CursorSink | None) -> None:
        self._cursor_sink = sink

    def send_receive_event_to_app(self) -> None:
        sink = self._cursor_sink
        if (
            sink is not None
            and len(self.frames) == 1
            and self.queue.empty()
            and not self.close_sent
        ):
            data = self.frames[0]
            if len(data) <= CURSOR_MAX_BYTES and data[:17] == CURSOR_PREFIX:
                try:
                    taken = sink(data)
                except Exception:  # the ordinary path will say what is wrong
                    taken = False
                if taken:
                    self.frames = []
                    return
        super().send_receive_event_to_app()

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
        message = await self.queue.get()
        if self._unparsed is not None and self.queue.empty():
            self._feed()
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
        if closing and self.close_sent and self.transport.can_write_eof():
            self._discarding = True
            self._unparsed = None
            self.transport.write_eof()
