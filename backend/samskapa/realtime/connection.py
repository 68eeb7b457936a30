"""One websocket connection: its state machine, bounded outbox and writer task.

The hub never awaits a client. It appends already-encoded messages to the
connection's outbox (a list of bytes) and wakes the writer; the writer sends
everything that is pending as one frame, a JSON array (docs/protocol.md §2).
A client that stops reading makes its own `send` wait on TCP back-pressure
while its outbox grows; at the limit it is evicted with 4008 (resync) and
resumes later from its `last_seq`. Nobody else waits for it.
"""

import asyncio
import contextlib
import logging
import time
from enum import Enum

from starlette.websockets import WebSocket

from ..domain.policy import Actor
from ..domain.state import Participant
from ..domain.visibility import Viewer
from .protocol import CloseCode

log = logging.getLogger(__name__)


# Seconds a closing connection may take to flush its last frame and close frame.
CLOSE_GRACE = 2.0
EVICTION_GRACE = 10.0


class ConnState(Enum):
    AWAITING_HELLO = "awaiting_hello"
    CATCHING_UP = "catching_up"
    LIVE = "live"
    CLOSED = "closed"


_ALLOWED = {
    ConnState.AWAITING_HELLO: {ConnState.CATCHING_UP, ConnState.CLOSED},
    ConnState.CATCHING_UP: {ConnState.LIVE, ConnState.CLOSED},
    ConnState.LIVE: {ConnState.CLOSED},
    ConnState.CLOSED: {ConnState.CLOSED},
}


class TokenBucket:
    """Ops per second per connection: `rate` sustained, `burst` at once."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.tokens = float(burst)
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class Connection:
    def __init__(self, websocket: WebSocket, board_id: str, queue_limit: int) -> None:
        self.websocket = websocket
        self.board_id = board_id
        self.queue_limit = queue_limit
        # Seconds between two frames to this client, set by the hub from the size
        # of the board (Hub.pace): the first message after a quiet spell leaves at
        # once, what follows rides together in the next frame. Sending a frame costs
        # far more than adding a message to one, so this is what keeps a thousand
        # receivers affordable, while a small board pays no delay.
        self.frame_interval = 0.0
        self.state = ConnState.AWAITING_HELLO
        self.actor: Actor | None = None
        self.member: Participant | None = None
        # What this connection may see (domain/visibility.py); set after hello.
        self.viewer: Viewer | None = None
        # The board cells this connection's viewport covers (cursors.py).
        self.view: tuple[tuple[int, int], ...] = ()
        self._pending: list[bytes] = []
        self._wake = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._close_code: int | None = None
        self._close_reason = ""
        self.reader: asyncio.Task[None] | None = None
        self.last_seen = time.monotonic()
        self.frames_sent = 0
        self.messages_sent = 0
        self.evicted = False

    def transition(self, new: ConnState) -> None:
        if new not in _ALLOWED[self.state]:
            raise RuntimeError(f"illegal connection transition {self.state} -> {new}")
        self.state = new

    @property
    def queued(self) -> int:
        return len(self._pending)

    def start_writer(self) -> None:
        self._writer = asyncio.create_task(self._write_loop(), name=f"ws-writer-{self.board_id}")

    def push(self, message: bytes) -> None:
        """Queue an encoded message. Never blocks; evicts on overflow."""
        if self.state is ConnState.CLOSED or self._close_code is not None:
            return
        if len(self._pending) >= self.queue_limit:
            self.evicted = True
            self.close(CloseCode.RESYNC, "too far behind; resume from last_seq")
            return
        self._pending.append(message)
        self._wake.set()

    def push_many(self, messages: list[bytes]) -> None:
        for message in messages:
            self.push(message)

    def close(self, code: int, reason: str = "") -> None:
        """Ask the writer to close the socket after what is already queued.

        On eviction the queue is dropped instead (the client resumes from its
        last seq) and the reader stops at once; the writer finishes the frame it
        may be sending and then sends the close code, so a slow client that is
        still reading learns that it must resync.
        """
        if self._close_code is not None:
            return
        self._close_code = code
        self._close_reason = reason
        if code == CloseCode.RESYNC:
            self._pending.clear()
        if code in (CloseCode.RESYNC, CloseCode.HEARTBEAT_TIMEOUT) and self.reader is not None:
            # Stop reading now: nothing more from this client will be used.
            self.reader.cancel()
        self._wake.set()

    async def _write_loop(self) -> None:
        ws = self.websocket
        # The ASGI send itself: Starlette's wrapper re-checks states this loop
        # already guarantees, on the hottest path of the server.
        send = ws._send
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                if self._pending:
                    items, self._pending = self._pending, []
                    frame = b"[" + b",".join(items) + b"]"
                    # A binary frame of UTF-8 JSON: no decode here, no encode in
                    # the server below (docs/protocol.md §2).
                    await send({"type": "websocket.send", "bytes": frame})
                    self.frames_sent += 1
                    self.messages_sent += len(items)
                    if self.frame_interval and self._close_code is None:
                        await asyncio.sleep(self.frame_interval)
                if self._close_code is not None and not self._pending:
                    with contextlib.suppress(Exception):
                        await ws.close(self._close_code, self._close_reason)
                    if self.reader is not None:
                        self.reader.cancel()
                    return
        except asyncio.CancelledError:
            raise
        except Exception:
            # The peer went away mid-send; the reader notices and cleans up.
            log.debug("send failed on board %s", self.board_id, exc_info=True)
            if self.reader is not None:
                self.reader.cancel()

    async def finish(self) -> None:
        """Stop the writer; called once by the handler on its way out.

        The writer gets a bounded grace period to flush and send the close frame:
        long enough for a slow client that still reads, never forever for one
        that does not.
        """
        self.state = ConnState.CLOSED
        if self._writer is None or self._writer.done():
            return
        if self._close_code is not None:
            grace = EVICTION_GRACE if self._close_code == CloseCode.RESYNC else CLOSE_GRACE
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._writer), grace)
        self._writer.cancel()
        with contextlib.suppress(BaseException):
            await self._writer
