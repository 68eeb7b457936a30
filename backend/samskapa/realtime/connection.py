"""One websocket connection: its state machine, bounded outbox and sends.

The hub never awaits a client. It appends already-encoded messages to the
connection's outbox (a list of bytes); a flush sends everything that is pending
as one frame, a JSON array (docs/protocol.md §2). Once the connection is on a
board, the board's flush pass (Hub) flushes all its connections in one go;
before that, a connection flushes itself on the next turn of the event loop.

A flush writes the frame itself instead of giving every connection a writer
task: a task wake-up and a timer per connection per frame cost more than the
send. Under `samskapa serve` it writes the frame's bytes, built once per pass
for every connection with the same messages pending (frames.py), straight to
the socket (`websocket_protocol.WebSocketProtocol.write_frame`); elsewhere, or
when that cannot go now, it drives the ASGI send by hand, which with uvicorn
finishes at once unless the socket's buffer is full. Only a send that has to
wait (a client that stops reading) goes on in a task of its own, while that
client's outbox grows; at the limit it is evicted with 4008 (resync) and
resumes later from its `last_seq`. Nobody else waits.

Reading needs no task of its own either: the session runs in the server's task
for the socket (`read`), and stopping the reading cancels that task, which
`read` absorbs so that the handler still finishes the connection.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from enum import Enum
from typing import Any

from starlette.websockets import WebSocket

from ..domain.policy import Actor
from ..domain.state import Participant
from ..domain.visibility import Viewer
from ..websocket_protocol import FRAMES_EXTENSION
from .frames import FrameCache, OutFrame, RoomRuns, frame_of
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


async def _finish(coro: Coroutine[Any, Any, None], waiting: Any) -> None:
    """Go on with a coroutine that was started by hand (`coro.send(None)`) and
    stopped at `waiting`, the future it awaits: what a task would have done."""
    while True:
        try:
            if waiting is None:
                await asyncio.sleep(0)  # a bare yield
            else:
                # The coroutine's own `await` marked the future as awaited;
                # a task clears that mark before it waits, and so must we.
                waiting._asyncio_future_blocking = False
                await waiting
        except BaseException as exc:  # cancelled: let the coroutine clean up
            waiting = coro.throw(exc)
            continue
        try:
            waiting = coro.send(None)
        except StopIteration:
            return


def flush_soon(conn: "Connection") -> None:
    """Until a board's flush pass takes it over: flush on the next loop turn."""
    asyncio.get_running_loop().call_soon(conn.flush)


class Connection:
    # Thousands of these live as long as their sockets: no __dict__ each.
    __slots__ = (
        "_close_code",
        "_close_reason",
        "_closing",
        "_count",
        "_dirty",
        "_in_flight",
        "_pending",
        "_runs",
        "_send",
        "_stop_asked",
        "_taken",
        "_write",
        "actor",
        "board_id",
        "evicted",
        "last_seen",
        "member",
        "on_pending",
        "peer_close_code",
        "queue_limit",
        "reader",
        "state",
        "view",
        "viewer",
        "websocket",
        "went_live",
    )

    def __init__(self, websocket: WebSocket, board_id: str, queue_limit: int) -> None:
        self.websocket = websocket
        self.board_id = board_id
        self.queue_limit = queue_limit
        # Told once when messages start to pile up (Hub: the board's flush pass).
        self.on_pending: Callable[[Connection], None] = flush_soon
        self.state = ConnState.AWAITING_HELLO
        self.actor: Actor | None = None
        self.member: Participant | None = None
        # What this connection may see (domain/visibility.py); set after hello.
        self.viewer: Viewer | None = None
        # The board cells this connection's viewport covers (cursors.py).
        self.view: tuple[tuple[int, int], ...] = ()
        # What waits for the next frame, in order: single messages, and runs of
        # messages pushed together (one tuple shared by every connection of a
        # board: one append per connection per commit, not one per event).
        self._pending: list[bytes | tuple[bytes, ...]] = []
        # Messages waiting, counting each message of a run: the outbox's bound.
        self._count = 0
        # On a board: the runs published to all its connections (frames.py),
        # and how far into them this connection has taken. What it has not
        # taken yet is queued after `_pending` and counts against the bound.
        self._runs: RoomRuns | None = None
        self._taken = 0
        self._dirty = False
        # The ASGI send itself: Starlette's wrapper re-checks states that this
        # class already guarantees, on the hottest path of the server.
        self._send: Callable[[dict[str, Any]], Awaitable[None]] = websocket._send
        # Writes a whole frame to the socket when it can go at once (None: the
        # server offers no such thing, every frame goes through ASGI).
        frames = websocket.scope.get("extensions", {}).get(FRAMES_EXTENSION)
        self._write: Callable[[bytes], bool] | None = (
            frames["write"] if frames is not None else None
        )
        # A send that waits for the client, or the closing handshake.
        self._in_flight: asyncio.Future[None] | None = None
        self._close_code: int | None = None
        # The code the client closed with, when it closed first.
        self.peer_close_code: int | None = None
        self._close_reason = ""
        self._closing = False
        # The task that reads this socket (under `samskapa serve`, the server's
        # own task for it: `read`); stopping the reading cancels it.
        self.reader: asyncio.Task[None] | None = None
        self._stop_asked = False
        self.last_seen = time.monotonic()
        self.evicted = False
        self.went_live = False

    @property
    def close_code(self) -> int:
        """How the connection ended: the server's code, else the client's, else
        1006 (the connection dropped without a close frame)."""
        if self._close_code is not None:
            return self._close_code
        return self.peer_close_code if self.peer_close_code is not None else 1006

    def transition(self, new: ConnState) -> None:
        if new not in _ALLOWED[self.state]:
            raise RuntimeError(f"illegal connection transition {self.state} -> {new}")
        self.state = new

    @property
    def queued(self) -> int:
        runs = self._runs
        if runs is None:
            return self._count
        return self._count + sum(len(run) for run in runs.since(self._taken))

    def attach(self, runs: RoomRuns) -> None:
        """On a board: from now on, the runs published to all its connections
        are this connection's too."""
        self._runs = runs
        self._taken = runs.end

    def detach(self) -> None:
        """Off the board: what was published while it was on it is queued
        here, as if pushed then."""
        if self._runs is not None:
            if self._taken != self._runs.end:
                self._take()
                if self._pending or self._close_code is not None:
                    self._mark()
            self._runs = None

    def _take(self) -> None:
        """Queue the board's runs that this connection has not taken yet, in
        order, each under the bound as `push_many` would (frames.RoomRuns)."""
        runs = self._runs
        assert runs is not None
        since = runs.since(self._taken)
        self._taken = runs.end
        if self.state is ConnState.CLOSED or self._close_code is not None:
            return
        for run in since:
            if self._count + len(run) > self.queue_limit:
                self._evict()
                return
            self._pending.append(run)
            self._count += len(run)

    def push(self, message: bytes) -> None:
        """Queue an encoded message. Never blocks; evicts on overflow."""
        if self.state is ConnState.CLOSED or self._close_code is not None:
            return
        runs = self._runs
        if runs is not None and self._taken != runs.end:
            self._take()  # what the board published before this comes first
            if self._close_code is not None:
                return
        if self._count >= self.queue_limit:
            self._evict()
            return
        self._pending.append(message)
        self._count += 1
        self._mark()

    def push_many(self, messages: Sequence[bytes]) -> None:
        """Queue encoded messages, in order, as one run: pass the same tuple to
        every connection and the frames built from it are shared (frames.py).
        The bound is the same as for pushing them one by one."""
        if self.state is ConnState.CLOSED or self._close_code is not None or not messages:
            return
        runs = self._runs
        if runs is not None and self._taken != runs.end:
            self._take()  # what the board published before these comes first
            if self._close_code is not None:
                return
        if self._count + len(messages) > self.queue_limit:
            self._evict()
            return
        self._pending.append(messages if type(messages) is tuple else tuple(messages))
        self._count += len(messages)
        self._mark()

    def _evict(self) -> None:
        self.evicted = True
        self.close(CloseCode.RESYNC, "too far behind; resume from last_seq")

    def _mark(self) -> None:
        if not self._dirty:
            self._dirty = True
            self.on_pending(self)

    def close(self, code: int, reason: str = "") -> None:
        """Close the socket after what is already queued.

        On eviction the queue is dropped instead (the client resumes from its
        last seq) and the reader stops at once; a send in flight finishes first
        and then the close code goes out, so a slow client that is still
        reading learns that it must resync.
        """
        if self._close_code is not None:
            return
        runs = self._runs
        if runs is not None and self._taken != runs.end:
            # Published before the close: queued like everything else (an
            # erased member's own erasure event, then the close).
            self._take()
            if self._close_code is not None:
                return  # it did not fit: evicted
        self._close_code = code
        self._close_reason = reason
        if code == CloseCode.RESYNC:
            self._pending.clear()
            self._count = 0
        if code in (CloseCode.RESYNC, CloseCode.HEARTBEAT_TIMEOUT, CloseCode.BOARD_DELETED):
            # Stop reading now: nothing more from this client will be used.
            self._stop_reading()
        self._mark()

    def _stop_reading(self) -> None:
        """Cancel the reading task, once (a second cancel would reach it while
        it finishes the connection)."""
        reader, self.reader = self.reader, None
        if reader is not None:
            self._stop_asked = True
            reader.cancel()

    async def read(self, session: Coroutine[Any, Any, None]) -> None:
        """Run the session that reads this socket in the current task, which
        becomes the reader that closing or eviction cancels: the server's own
        task for the socket, so an idle connection costs one task, not two.

        That cancellation ends here and the caller goes on to finish the
        connection; any other (the server shutting down) goes on too.
        """
        task = asyncio.current_task()
        assert task is not None
        self.reader = task
        try:
            await session
        except asyncio.CancelledError:
            if not self._stop_asked or task.uncancel() > 0:
                raise
            return
        finally:
            self.reader = None
        if self._stop_asked:
            # Asked from within the session after its last wait (an eviction
            # while it handled a message): the cancel is still due and would
            # hit the caller's next wait; take it here.
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.sleep(0)
            if task.uncancel() > 0:
                raise asyncio.CancelledError

    def flush(self, frames: FrameCache | None = None) -> int:
        """Send what is pending as one frame, now (the board's flush pass, which
        hands in its frames so that equal ones are built once); returns the
        frame's payload size in bytes (0: nothing was sent)."""
        self._dirty = False
        runs = self._runs
        if runs is not None and self._taken != runs.end:
            if (
                self._taken == runs.start
                and not self._pending
                and self._in_flight is None
                and self._close_code is None
                and runs.count <= self.queue_limit
                and self.state is not ConnState.CLOSED
            ):
                # The common case on a board: nothing but what everyone gets.
                # The board's one frame, without a turn through the outbox.
                self._taken = runs.end
                frame = runs.frame()
                self._send_frame(frame)
                return frame.size
            self._take()
        if self._in_flight is not None:
            return 0  # the client is slow; what piles up leaves with the next frame
        size = 0
        if self._pending:
            items, self._pending, self._count = self._pending, [], 0
            frame = frames.frame(items) if frames is not None else frame_of(items)
            size = frame.size
            self._send_frame(frame)
        if self._close_code is not None and self._in_flight is None and not self._closing:
            self._closing = True
            self._track(asyncio.ensure_future(self._close_socket()))
        return size

    def _send_frame(self, frame: OutFrame) -> None:
        write = self._write
        if write is not None:
            try:
                if write(frame.wire):
                    return  # in the socket, or in its transport's buffer
            except Exception:
                log.debug("write failed on board %s", self.board_id, exc_info=True)
                self._gone()
                return
        # Not now (the client does not read, the socket is closing) or no
        # direct path: the ASGI send waits or fails as it always has.
        self._drive(self._send({"type": "websocket.send", "bytes": frame.payload}))

    def _drive(self, send: Awaitable[None]) -> None:
        coro: Coroutine[Any, Any, None] = send  # type: ignore[assignment]
        try:
            waiting = coro.send(None)
        except StopIteration:
            return  # sent
        except Exception:
            # The peer went away; the reader notices and cleans up.
            log.debug("send failed on board %s", self.board_id, exc_info=True)
            self._gone()
            return
        self._track(asyncio.ensure_future(_finish(coro, waiting)))

    def _track(self, future: asyncio.Future[None]) -> None:
        self._in_flight = future
        future.add_done_callback(self._landed)

    def _landed(self, future: asyncio.Future[None]) -> None:
        self._in_flight = None
        if future.cancelled():
            return
        if future.exception() is not None:
            log.debug("send failed on board %s", self.board_id, exc_info=future.exception())
            self._gone()
        elif not self._closing and (self._pending or self._close_code is not None):
            self._mark()

    def _gone(self) -> None:
        self._pending.clear()
        self._count = 0
        self._closing = True  # nothing more can be sent
        self._stop_reading()

    async def _close_socket(self) -> None:
        assert self._close_code is not None
        with contextlib.suppress(Exception):
            await self.websocket.close(self._close_code, self._close_reason)
        self._stop_reading()

    async def finish(self) -> None:
        """Send what is left and wait for it; called once by the handler on its way out.

        A closing connection gets a bounded grace period to flush and send the
        close frame: long enough for a slow client that still reads, never
        forever for one that does not.
        """
        self.state = ConnState.CLOSED
        self.on_pending = flush_soon
        if self._close_code is not None:
            self.flush()
        in_flight = self._in_flight
        if in_flight is None or in_flight.done():
            return
        if self._close_code is not None:
            grace = EVICTION_GRACE if self._close_code == CloseCode.RESYNC else CLOSE_GRACE
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(in_flight), grace)
        in_flight.cancel()
        with contextlib.suppress(BaseException):
            await in_flight
