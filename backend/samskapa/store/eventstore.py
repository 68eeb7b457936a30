"""The event store: group-commit writers (one on SQLite, one or more on PostgreSQL), plus reads.

Why one writer per board: committing whatever is queued in one transaction with
Core multi-row inserts is about 30× faster than one commit per op
(docs/benchmarks.md), and it makes the order of a board's events the order in
which one task decided them. A board's writer task is also the only code that
advances its cached state and publishes its committed events, so every
subscriber sees each board's events once, in `seq` order, without gaps. On
PostgreSQL several writers can share the boards out (`_Lane`) and commit side by side.

The rule "acknowledged means committed": a caller's future is resolved only
after COMMIT returned. If the commit fails, every op in the batch fails with
`internal_error` and nothing is published; the client retries with the same
`op_id`, which the unique `(board_id, op_id)` key makes safe.
"""

import asyncio
import contextlib
import logging
import sqlite3
import time
import zlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import asyncpg  # type: ignore[import-untyped]
import orjson
from sqlalchemy import bindparam, delete, func, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from .. import metrics
from ..clock import Clock, system_clock
from ..domain.apply import apply
from ..domain.commands import Command, CreateBoard
from ..domain.decide import decide
from ..domain.erasure import erased_members, scrub_stored
from ..domain.errors import DomainError, ErrorCode
from ..domain.events import StoredEvent, event_data, parse_body
from ..domain.policy import Actor
from ..domain.state import BoardState
from ..domain.visibility import recorded_actor
from . import deadlines
from .database import Database
from .tables import board_deletions, boards, events, metadata, snapshots

log = logging.getLogger(__name__)

# Events kept in memory per board for incremental resume (docs/protocol.md §2.2).
RECENT_EVENTS = 2000
# A snapshot at least every this many events bounds the work of loading a board
# (more on large boards: _snapshot_interval).
SNAPSHOT_EVERY = 500
# At most this many ops in one transaction: keeps a batch's commit latency
# bounded, and one sender's event + ack per op well inside its outbox (the
# default limit is 5,000 messages), so a burst is never mistaken for a stall.
MAX_BATCH = 1000
# Writers on PostgreSQL by default, each with its own share of the boards and
# its own connection. A group commit waits for its round trip and the
# database's WAL flush, and the next batch of the same writer waits behind it;
# more writers overlap those waits, but split the batches smaller, and every
# commit has a fixed cost in the server's core (system calls, wake-ups) and the
# database's. With PostgreSQL on the same small machine one writer measured as
# well as two at the p99 and used less of the core (docs/benchmarks.md,
# *Ingest*, PostgreSQL on 50 boards); more pay where the round trip is long (a
# database on another host) and the core has room. SQLite has one writer: its
# file takes one write transaction at a time.
POSTGRES_WRITERS = 1
# Boards kept in memory beyond those someone is watching; the rest reload on demand
# (a snapshot plus the events after it), so days-long idea collections
# on many boards do not grow the process forever.
MAX_IDLE_BOARDS = 64

# board_id, its new events in seq order, and the board's state after them
Listener = Callable[[str, list[StoredEvent], BoardState], None]
CommitListener = Callable[[str, int], None]


@dataclass(frozen=True, slots=True)
class AppendResult:
    seq: int
    duplicate: bool
    event: StoredEvent | None


@dataclass(slots=True)
class BoardEntry:
    """What this process holds of a board: its state and its recent events."""

    state: BoardState
    recent: deque[StoredEvent]
    snapshot_seq: int

    def events_after(self, seq: int) -> list[StoredEvent] | None:
        """Events after `seq` from memory, or None if some are no longer held."""
        head = self.state.seq
        if seq == head:
            return []
        if seq > head or seq < 0:
            return None
        first = self.recent[0].seq if self.recent else head + 1
        if seq + 1 < first:
            return None
        return [e for e in self.recent if e.seq > seq]


Reply = Callable[["AppendResult | DomainError"], None]
# More work in an accepted op's transaction (revoke a link, rewrite a log), run
# right after it was decided, in the order of the batch.
Also = Callable[[AsyncConnection], Awaitable[None]]


@dataclass(slots=True)
class _Append:
    board_id: str
    command: Command
    actor: Actor
    op_id: str
    future: "asyncio.Future[AppendResult] | None"
    extra: list[tuple[Any, list[dict[str, Any]]]] = field(default_factory=list)
    # Called synchronously right after the op's event was published, instead of
    # resolving a future: the websocket path uses it so that the sender's ack is
    # queued in the same pass as its event and leaves in the same frame.
    reply: Reply | None = None
    also: list[Also] = field(default_factory=list)

    def resolve(self, outcome: "AppendResult | DomainError") -> None:
        if self.reply is not None:
            reply, self.reply = self.reply, None
            try:
                reply(outcome)
            except Exception:
                # A reply's bug must not stop the writer or the other replies.
                log.exception("reply for op %s failed", self.op_id)
        elif self.future is not None and not self.future.done():
            if isinstance(outcome, DomainError):
                self.future.set_exception(outcome)
            else:
                self.future.set_result(outcome)


@dataclass(slots=True)
class _Sync:
    """Load a board, or catch it up with what other processes committed."""

    board_id: str
    future: asyncio.Future[BoardEntry]

    def fail(self, error: DomainError) -> None:
        if not self.future.done():
            self.future.set_exception(error)


@dataclass(frozen=True, slots=True)
class Deletion:
    """What a board deletion erased (the record keeps only these counts)."""

    board_id: str
    deleted_at: int
    events: int
    members: int
    notes: int


@dataclass(slots=True)
class _Delete:
    """Erase a board and everything of it, leaving a row in `board_deletions`."""

    board_id: str
    by: str
    future: asyncio.Future[Deletion]

    def fail(self, error: DomainError) -> None:
        if not self.future.done():
            self.future.set_exception(error)


_Item = _Append | _Sync | _Delete


@dataclass(slots=True)
class _Decided:
    """What deciding a batch produced, for its transaction and after it."""

    outcomes: list[tuple[_Append, "AppendResult | DomainError"]] = field(default_factory=list)
    new_events: dict[str, list[StoredEvent]] = field(default_factory=dict)
    # Rows in `_EVENT_COLUMNS` order.
    event_rows: list[tuple[Any, ...]] = field(default_factory=list)
    deadline_changes: deadlines.Changes = field(default_factory=dict)
    # (board_id, op_id) of the refused ops: a retry of an op committed earlier
    # must be answered as a duplicate, not refused.
    refused: list[tuple[str, str]] = field(default_factory=list)


def _plain(batch: list[_Append | _Sync], held: dict[str, BoardEntry]) -> bool:
    """Only ops on boards held here, with no rows or work besides their events."""
    for item in batch:
        if (
            type(item) is not _Append
            or item.extra
            or item.also
            or item.board_id not in held
            or type(item.command) is CreateBoard
        ):
            return False
    return True


DeletionListener = Callable[[str], None]


@dataclass(slots=True, eq=False)
class _Lane:
    """One writer: the work queued for its boards, its task, and the
    connection it keeps between its commits (on SQLite the one write
    connection, given back whenever someone else asks for it).

    A board always goes to the same lane, so its ops are decided and committed
    in the order they were queued, by one task, one batch after the other;
    lanes share no board and commit side by side.
    """

    name: str
    # What the writer has still to do, and its wake-up call. A deque and an event
    # instead of an asyncio.Queue: every op passes here, and the queue's own
    # bookkeeping (getters, putters, task counts) cost more than the append.
    queue: deque[_Item] = field(default_factory=deque)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    held: AsyncConnection | None = None
    held_driver: Any = None
    # Someone else waits for SQLite's one write connection: give it back
    # after the work in hand.
    give_back: bool = False
    # Set while a batch or deletion of this lane is between its decisions and
    # their publication: its boards' entries must stay where they are.
    busy: bool = False


class EventStore:
    def __init__(
        self,
        db: Database,
        secret: bytes = b"",
        clock: Clock = system_clock,
        writers: int | None = None,
    ) -> None:
        """`writers`: lanes on PostgreSQL (POSTGRES_WRITERS when None); always
        one on SQLite."""
        self.db = db
        self.clock = clock
        # Keys the pseudonyms of anonymous vote rounds; never stored in the database.
        self.secret = secret
        self._entries: dict[str, BoardEntry] = {}
        self._listeners: list[Listener] = []
        self._commit_listeners: list[CommitListener] = []
        self._deletion_listeners: list[DeletionListener] = []
        # Tells whether a board has live connections here (set by the app: the hub).
        self.is_watched: Callable[[str], bool] = lambda _board_id: False
        self._is_postgres = db.write.dialect.name == "postgresql"
        self._is_sqlite = db.write.dialect.name == "sqlite"
        lanes = (POSTGRES_WRITERS if writers is None else writers) if self._is_postgres else 1
        if lanes < 1:
            raise ValueError("at least one writer")
        self._lanes = [
            _Lane("event-store-writer" if lanes == 1 else f"event-store-writer-{i}")
            for i in range(lanes)
        ]
        if db.write_turns is not None:
            db.write_turns.when_waiting(self._asked_back)
        # Figures for /metrics.
        self.batches = 0
        self.last_commit_ms = 0.0

    @property
    def writers(self) -> int:
        """How many writers commit side by side (one on SQLite)."""
        return len(self._lanes)

    # -- lifecycle ---------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def on_commit(self, listener: CommitListener) -> None:
        """Called with (board_id, head seq) after this process committed new events."""
        self._commit_listeners.append(listener)

    def on_deleted(self, listener: DeletionListener) -> None:
        """Called with a board's id after this process deleted it."""
        self._deletion_listeners.append(listener)

    def _asked_back(self) -> None:
        """Someone waits for SQLite's write connection (database.WriteTurns)."""
        for lane in self._lanes:
            lane.give_back = True
            lane.wake.set()

    def start(self) -> None:
        for lane in self._lanes:
            lane.task = asyncio.create_task(self._run(lane), name=lane.name)

    async def stop(self) -> None:
        for lane in self._lanes:
            if lane.task is not None:
                lane.task.cancel()
        for lane in self._lanes:
            if lane.task is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await lane.task
                lane.task = None
            while lane.queue:
                _fail(lane.queue.popleft(), "The server is shutting down.")
            if lane.held is not None:
                held, lane.held, lane.held_driver = lane.held, None, None
                await held.close()

    # -- the write path ----------------------------------------------------------------

    async def append(
        self,
        board_id: str,
        command: Command,
        actor: Actor,
        op_id: str,
        extra: list[tuple[Any, list[dict[str, Any]]]] | None = None,
        also: list[Also] | None = None,
    ) -> AppendResult:
        """Decide and commit one command; returns once it is durable.

        `extra` rows (table, rows) are inserted in the same transaction, but only
        if the command is accepted: creating a board and its links, or a member
        and its `participant.joined` event, is all or nothing. `also` is more
        work for that transaction (replacing a link's row, rewriting the log).
        """
        return await self.submit(board_id, command, actor, op_id, extra, also)

    def submit(
        self,
        board_id: str,
        command: Command,
        actor: Actor,
        op_id: str,
        extra: list[tuple[Any, list[dict[str, Any]]]] | None = None,
        also: list[Also] | None = None,
    ) -> "asyncio.Future[AppendResult]":
        """Queue a command without waiting; the future resolves after its commit.

        Synchronous on purpose: a connection's ops enter the queue in the order
        they were read, so they are decided in that order.
        """
        future: asyncio.Future[AppendResult] = asyncio.get_running_loop().create_future()
        self._put(_Append(board_id, command, actor, op_id, future, extra or [], also=also or []))
        return future

    def submit_with_reply(
        self, board_id: str, command: Command, actor: Actor, op_id: str, reply: Reply
    ) -> None:
        """Queue a command; `reply` is called right after its commit and publication."""
        self._put(_Append(board_id, command, actor, op_id, None, [], reply))

    def _put(self, item: _Item) -> None:
        lane = self._lane_of(item.board_id)
        lane.queue.append(item)
        lane.wake.set()

    def _lane_of(self, board_id: str) -> _Lane:
        lanes = self._lanes
        if len(lanes) == 1:
            return lanes[0]
        # A stable hash (not `hash`, which is salted per process): any process
        # sends a board to the lane of the same number, which keeps runs comparable.
        return lanes[zlib.crc32(board_id.encode()) % len(lanes)]

    async def entry(self, board_id: str) -> BoardEntry:
        """The board as this process holds it, loaded or caught up by the writer."""
        entry = self._entries.get(board_id)
        if entry is not None:
            return entry
        return await self.sync(board_id)

    async def sync(self, board_id: str) -> BoardEntry:
        future: asyncio.Future[BoardEntry] = asyncio.get_running_loop().create_future()
        self._put(_Sync(board_id, future))
        return await future

    async def delete_board(self, board_id: str, by: str) -> Deletion:
        """Erase the board: its events, snapshots, members, links, deadlines and
        every other row that names it, in one transaction, after whatever was
        queued for it before. What stays is one row of counts in
        `board_deletions`. Raises `board_not_found` for a board that is not there."""
        future: asyncio.Future[Deletion] = asyncio.get_running_loop().create_future()
        self._put(_Delete(board_id, by, future))
        return await future

    def cached(self, board_id: str) -> BoardEntry | None:
        return self._entries.get(board_id)

    async def _run(self, lane: _Lane) -> None:
        pending_snapshots: list[dict[str, Any]] = []
        queue = lane.queue
        while True:
            while True:
                if lane.give_back:
                    await self._give_back(lane)
                if queue:
                    break
                lane.wake.clear()
                await lane.wake.wait()
            lane.busy = True
            batch: list[_Append | _Sync] = []
            while queue and len(batch) < MAX_BATCH and not isinstance(queue[0], _Delete):
                item = queue.popleft()
                assert not isinstance(item, _Delete)
                batch.append(item)
            if batch:
                try:
                    pending_snapshots = await self._commit(lane, batch, pending_snapshots)
                except Exception as exc:
                    log.exception("commit of %d ops failed", len(batch))
                    for failed in batch:
                        _fail(failed, f"Could not commit: {exc}")
                    # Whatever state the connection is in, the next commit takes a fresh one.
                    await self._release(lane)
            elif queue:
                # A deletion runs alone, in queue order: what was queued for the
                # board before it is committed first, what comes after finds no board.
                deletion = queue.popleft()
                assert isinstance(deletion, _Delete)
                pending_snapshots = [
                    row for row in pending_snapshots if row["board_id"] != deletion.board_id
                ]
                await self._delete(lane, deletion)
            lane.busy = False
            self._trim()

    async def _delete(self, lane: _Lane, item: _Delete) -> None:
        board_id = item.board_id
        try:
            async with self._transaction(lane) as conn:
                writes = _CoreWrites(conn)
                heads = await writes.heads([board_id], lock=self._is_postgres)
                if board_id not in heads:
                    item.fail(DomainError(ErrorCode.BOARD_NOT_FOUND, "No such board."))
                    return
                await self._catch_up(conn, board_id, heads[board_id])
                state = self._entries[board_id].state
                deletion = Deletion(
                    board_id=board_id,
                    deleted_at=self.clock(),
                    events=heads[board_id],
                    members=len(state.participants),
                    notes=len(state.notes),
                )
                await delete_rows(conn, board_id)
                await conn.execute(
                    insert(board_deletions).values(
                        board_id=board_id,
                        deleted_at=deletion.deleted_at,
                        deleted_by=item.by,
                        events=deletion.events,
                        members=deletion.members,
                        notes=deletion.notes,
                    )
                )
        except Exception as exc:
            log.exception("deleting board %s failed", board_id)
            _fail(item, f"Could not delete: {exc}")
            await self._release(lane)
            return
        self._entries.pop(board_id, None)
        for deleted in self._deletion_listeners:
            try:
                deleted(board_id)
            except Exception:
                log.exception("deletion listener failed for board %s", board_id)
        for listener in self._commit_listeners:
            # A doorbell past the last seq: other processes look, find no
            # board, and close their connections to it (realtime/doorbell.py).
            listener(board_id, deletion.events + 1)
        if not item.future.done():
            item.future.set_result(deletion)

    async def _commit(
        self, lane: _Lane, batch: list[_Append | _Sync], pending_snapshots: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        started = time.perf_counter()
        if _plain(batch, self._entries):
            done = await self._commit_plain(lane, batch, pending_snapshots, started)
            if done is not None:
                return done
        return await self._commit_full(lane, batch, pending_snapshots, started)

    def _decide(
        self,
        work: dict[str, BoardState],
        item: _Append,
        now: int,
        seen: dict[tuple[str, str], int],
        decided: "_Decided",
    ) -> StoredEvent | None:
        """Decide one op on the batch's copy of its board and fold it in; its
        outcome goes to `decided`. The event, or None if it was refused."""
        board_id = item.board_id
        state = work.get(board_id)
        if state is None:
            # Copied on write: the fold copies only the maps the ops change.
            state = work[board_id] = self._entries[board_id].state.shared()
        try:
            body = decide(state, item.command, item.actor, now, self.secret)
        except DomainError as err:
            decided.outcomes.append((item, err))
            decided.refused.append((board_id, item.op_id))
            return None
        author = recorded_actor(state, body, item.actor, self.secret)
        data_json = orjson.dumps(event_data(body))
        stored = StoredEvent(state.seq + 1, now, author, item.op_id, body, data_json)
        apply(state, stored)
        deadlines.note_change(decided.deadline_changes, board_id, body)
        seen[(board_id, item.op_id)] = stored.seq
        evs = decided.new_events.get(board_id)
        if evs is None:
            decided.new_events[board_id] = [stored]
        else:
            evs.append(stored)
        decided.event_rows.append(
            (board_id, stored.seq, stored.op_id, author, body.type, data_json.decode(), now)
        )
        decided.outcomes.append((item, AppendResult(stored.seq, False, stored)))
        return stored

    async def _commit_plain(
        self,
        lane: _Lane,
        batch: list[_Append | _Sync],
        pending_snapshots: list[dict[str, Any]],
        started: float,
    ) -> list[dict[str, Any]] | None:
        """The common batch in one hop to the driver's thread (SQLite) or one
        round trip (PostgreSQL).

        Only ops (no loads, no rows besides events) on boards held here. They
        are decided first, on copies of the held states, as if nobody else had
        written; then one call begins the transaction, checks that the boards'
        heads are still those states' and writes the events, the heads and the
        snapshots due, and commits. Where that does not hold —
        another process wrote to a board, or an op was committed before (a
        retry: the unique `(board_id, op_id)` key refuses its row, or it is
        one of the refused ops) — nothing is written, and the batch goes the
        full way (None), which catches up and answers duplicates; the copies
        are dropped, so nothing here changed. The full way takes four hops on
        SQLite (BEGIN, the look-up, the writes, COMMIT), each a hand-over of
        the GIL and an event-loop wake-up, and six round trips on PostgreSQL.
        """
        now = self.clock()
        work: dict[str, BoardState] = {}
        seen: dict[tuple[str, str], int] = {}
        decided = _Decided()
        for item in batch:
            assert isinstance(item, _Append)
            key = (item.board_id, item.op_id)
            if key in seen:
                # The same op twice in one batch: the second is its retry.
                decided.outcomes.append((item, AppendResult(seen[key], True, None)))
                continue
            self._decide(work, item, now, seen, decided)
        if decided.deadline_changes:
            return None  # rare (collection schedules): the full way writes them
        expected = {b: self._entries[b].state.seq for b in work}
        heads = [(b, work[b].seq) for b in decided.new_events]
        if self._is_sqlite:
            snapshot_rows = [(r["board_id"], r["seq"], r["state"]) for r in pending_snapshots]
            committed = await self._plain_sqlite(
                lane, expected, decided.event_rows, heads, decided.refused, snapshot_rows
            )
        else:
            committed = await self._plain_postgres(
                lane, expected, work, decided.event_rows, decided.refused, pending_snapshots
            )
        if not committed:
            return None
        return self._committed(batch, decided, work, started, set())

    async def _plain_sqlite(
        self,
        lane: _Lane,
        expected: dict[str, int],
        rows: list[tuple[Any, ...]],
        heads: list[tuple[str, int]],
        refused: list[tuple[str, str]],
        snapshot_rows: list[tuple[str, int, str]],
    ) -> bool:
        def transaction(db: sqlite3.Connection) -> bool:
            db.execute("BEGIN IMMEDIATE")
            try:
                if _sqlite_heads(db, list(expected)) != expected or (
                    refused and _sqlite_applied(db, refused)
                ):
                    db.execute("ROLLBACK")
                    return False
                try:
                    _sqlite_append(db, rows, heads)
                except sqlite3.IntegrityError:
                    db.execute("ROLLBACK")
                    return False
                if snapshot_rows:
                    db.executemany(
                        "INSERT INTO snapshots (board_id, seq, state) VALUES (?, ?, ?)",
                        snapshot_rows,
                    )
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            return True

        driver = await self._held(lane)
        # aiosqlite's own way to run a function on its thread (what its
        # execute uses); the lock pins the version. A failure leaves the
        # connection to `_run`, which gives it back.
        return bool(await driver._execute(transaction, driver._conn))

    async def _plain_postgres(
        self,
        lane: _Lane,
        expected: dict[str, int],
        work: dict[str, BoardState],
        rows: list[tuple[Any, ...]],
        refused: list[tuple[str, str]],
        snapshot_rows: list[dict[str, Any]],
    ) -> bool:
        board_ids = sorted(expected)
        columns: list[list[Any]] = [list(c) for c in zip(*rows, strict=True)] or [[]] * 7
        driver = await self._held(lane)
        try:
            # Outside a transaction block: the statement is its own transaction,
            # committed (and flushed, synchronous_commit) when it returns.
            fine = await driver.fetchval(
                _PLAIN_POSTGRES,
                board_ids,
                [expected[b] for b in board_ids],
                [work[b].seq for b in board_ids],
                [b for b, _ in refused],
                [o for _, o in refused],
                *columns,
                [r["board_id"] for r in snapshot_rows],
                [r["seq"] for r in snapshot_rows],
                [r["state"] for r in snapshot_rows],
            )
        except asyncpg.UniqueViolationError:
            return False  # a retry of a committed op: the full way answers it
        return bool(fine)

    async def _held_connection(self, lane: _Lane) -> AsyncConnection:
        """The lane's own connection, kept between its commits: on PostgreSQL
        a checkout pings the server first (one more round trip), on SQLite it
        was about a third of the writer's CPU per commit at a few ops a second."""
        if lane.held is None:
            turns = self.db.write_turns
            if turns is not None:
                # Not before whoever asked for it had it (database.WriteTurns).
                await turns.after_waiters()
            lane.held = await self.db.write.connect()
            lane.held_driver = (await lane.held.get_raw_connection()).driver_connection
        return lane.held

    async def _held(self, lane: _Lane) -> Any:
        """The driver's connection under `_held_connection`."""
        if lane.held is None:
            await self._held_connection(lane)
        return lane.held_driver

    async def _give_back(self, lane: _Lane) -> None:
        """Return the connection to the pool, for whoever waits for it."""
        lane.give_back = False
        held, lane.held, lane.held_driver = lane.held, None, None
        if held is not None:
            await held.close()

    async def _release(self, lane: _Lane) -> None:
        """After a failure: whatever state the connection is in, the next
        commit takes a fresh one."""
        held, lane.held, lane.held_driver = lane.held, None, None
        if held is not None:
            with contextlib.suppress(Exception):
                await held.invalidate()
            with contextlib.suppress(Exception):
                await held.close()

    @contextlib.asynccontextmanager
    async def _transaction(self, lane: _Lane) -> AsyncIterator[AsyncConnection]:
        """A transaction of the writer's own: on SQLite on the connection it
        keeps (waiting in the pool for it while holding it would never end),
        on PostgreSQL on one from the pool, as the one-statement commits keep theirs."""
        if self.db.write_turns is None:
            async with self.db.write.begin() as conn:
                yield conn
            return
        conn = await self._held_connection(lane)
        async with conn.begin():
            yield conn

    async def _commit_full(
        self,
        lane: _Lane,
        batch: list[_Append | _Sync],
        pending_snapshots: list[dict[str, Any]],
        started: float,
    ) -> list[dict[str, Any]]:
        board_ids = sorted({item.board_id for item in batch})
        created = {
            item.board_id
            for item in batch
            # An exact class test: a failed isinstance test against a pydantic
            # model costs about half a microsecond, and this runs for every op.
            if isinstance(item, _Append) and type(item.command) is CreateBoard
        }
        work: dict[str, BoardState] = {}
        decided = _Decided()
        extra_rows: dict[Any, list[dict[str, Any]]] = {}
        missing: set[str] = set()

        async with self._transaction(lane) as conn:
            now = self.clock()
            if created:
                await conn.execute(
                    insert(boards), [{"id": b, "head_seq": 0, "created_at": now} for b in created]
                )
            writes: _CoreWrites
            if self._is_sqlite:
                writes = _SqliteWrites(conn)
            elif self._is_postgres:
                writes = _PostgresWrites(conn)
            else:
                writes = _CoreWrites(conn)
            keys = list({(i.board_id, i.op_id) for i in batch if isinstance(i, _Append)})
            heads, seen = await writes.look(board_ids, keys, lock=self._is_postgres)
            for board_id in board_ids:
                if board_id not in heads:
                    missing.add(board_id)
                    continue
                await self._catch_up(conn, board_id, heads[board_id])

            for item in batch:
                if isinstance(item, _Sync) or item.board_id in missing:
                    continue
                key = (item.board_id, item.op_id)
                if key in seen:
                    decided.outcomes.append((item, AppendResult(seen[key], True, None)))
                    continue
                if self._decide(work, item, now, seen, decided) is None:
                    continue
                for table, rows in item.extra:
                    extra_rows.setdefault(table, []).extend(rows)
                for work_item in item.also:
                    await work_item(conn)

            for table, rows in extra_rows.items():
                await conn.execute(insert(table), rows)
            await deadlines.write(conn, decided.deadline_changes)
            if decided.event_rows:
                await writes.append(
                    decided.event_rows, [(b, work[b].seq) for b in decided.new_events]
                )
            if pending_snapshots:
                await conn.execute(insert(snapshots), pending_snapshots)
        return self._committed(batch, decided, work, started, missing)

    def _committed(
        self,
        batch: list[_Append | _Sync],
        decided: "_Decided",
        work: dict[str, BoardState],
        started: float,
        missing: set[str],
    ) -> list[dict[str, Any]]:
        """After COMMIT: the new states held, the events published, the ops
        answered. Nothing here may fail between state and publication.
        Returns the snapshots due, for the next transaction."""
        took = time.perf_counter() - started
        self.last_commit_ms = took * 1000
        self.batches += 1
        metrics.COMMIT_SECONDS.observe(took)
        metrics.COMMIT_BATCHES.inc()
        if decided.event_rows:
            metrics.EVENTS_APPENDED.inc(len(decided.event_rows))

        next_snapshots: list[dict[str, Any]] = []
        for board_id, evs in decided.new_events.items():
            entry = self._entries[board_id]
            entry.state = work[board_id]
            entry.recent.extend(evs)
            _forget_names(entry, evs)
            self._publish(board_id, evs, entry.state)
            for listener in self._commit_listeners:
                listener(board_id, entry.state.seq)
            if entry.state.seq - entry.snapshot_seq >= _snapshot_interval(entry.state):
                entry.snapshot_seq = entry.state.seq
                next_snapshots.append(_snapshot_row(board_id, entry.state))
        for append, outcome in decided.outcomes:
            append.resolve(outcome)
        for board_id in missing:
            # Deleted by another process: forget what this one held of it.
            self._entries.pop(board_id, None)
        for item in batch:
            if item.board_id in missing:
                if isinstance(item, _Sync):
                    item.fail(DomainError(ErrorCode.BOARD_NOT_FOUND, "No such board."))
                else:
                    item.resolve(DomainError(ErrorCode.BOARD_NOT_FOUND, "No such board."))
            elif isinstance(item, _Sync) and not item.future.done():
                item.future.set_result(self._entries[item.board_id])
        return next_snapshots

    def _trim(self) -> None:
        """Forget the least recently loaded boards nobody here is watching.

        Runs in a writer task between its batches. A board whose lane is in the
        middle of a batch stays: that batch decided on its entry and will hold
        the result there; it goes at a later turn.
        """
        idle = [b for b in self._entries if not self.is_watched(b)]
        excess = len(idle) - MAX_IDLE_BOARDS
        for board_id in idle:
            if excess <= 0:
                break
            if not self._lane_of(board_id).busy:
                del self._entries[board_id]
                excess -= 1

    async def _catch_up(self, conn: AsyncConnection, board_id: str, head: int) -> None:
        """Bring the cached board to `head`, publishing what other processes wrote."""
        entry = self._entries.get(board_id)
        if entry is None or entry.state.seq > head:
            self._entries[board_id] = await _load(conn, board_id, head)
            return
        if entry.state.seq == head:
            return
        evs = await read_events(conn, board_id, entry.state.seq, head)
        for ev in evs:
            apply(entry.state, ev)
        entry.recent.extend(evs)
        _forget_names(entry, evs)
        self._publish(board_id, evs, entry.state)

    def _publish(self, board_id: str, evs: list[StoredEvent], state: BoardState) -> None:
        if not evs:
            return
        for listener in self._listeners:
            try:
                listener(board_id, evs, state)
            except Exception:
                # A listener's bug must not undo a commit or stall the writer.
                log.exception("event listener failed for board %s", board_id)

    # -- reads ---------------------------------------------------------------------------

    async def events_page(
        self, board_id: str, after: int, limit: int
    ) -> tuple[list[StoredEvent], int]:
        async with self.db.read.connect() as conn:
            head = (
                await conn.execute(select(boards.c.head_seq).where(boards.c.id == board_id))
            ).scalar_one()
            rows = await conn.execute(
                select(events)
                .where(events.c.board_id == board_id, events.c.seq > after)
                .order_by(events.c.seq)
                .limit(limit)
            )
            return [event_from_row(r) for r in rows], int(head)

    async def events_of_types(
        self, board_id: str, after: int, upto: int, types: tuple[str, ...]
    ) -> list[StoredEvent]:
        """The events of these types in `after < seq <= upto`, in seq order."""
        async with self.db.read.connect() as conn:
            rows = await conn.execute(
                select(events)
                .where(
                    events.c.board_id == board_id,
                    events.c.seq > after,
                    events.c.seq <= upto,
                    events.c.type.in_(types),
                )
                .order_by(events.c.seq)
            )
            return [event_from_row(r) for r in rows]

    async def heads(self, board_ids: list[str]) -> dict[str, int]:
        async with self.db.read.connect() as conn:
            rows = await conn.execute(
                select(boards.c.id, boards.c.head_seq).where(boards.c.id.in_(board_ids))
            )
            return {row.id: int(row.head_seq) for row in rows}

    async def head_seq(self, board_id: str) -> int | None:
        async with self.db.read.connect() as conn:
            value = (
                await conn.execute(select(boards.c.head_seq).where(boards.c.id == board_id))
            ).scalar_one_or_none()
            return None if value is None else int(value)

    async def ping(self) -> None:
        async with self.db.read.connect() as conn:
            await conn.execute(select(func.count()).select_from(boards).where(boards.c.id == ""))


# At most this many bound parameters per statement (SQLite allows 32,766).
_PARAMS_PER_STATEMENT = 2000
_T = TypeVar("_T")
_EVENT_COLUMNS = ("board_id", "seq", "op_id", "actor", "type", "data", "at")


class _CoreWrites:
    """The writer's statements in one transaction, through SQLAlchemy Core."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def heads(self, board_ids: list[str], lock: bool) -> dict[str, int]:
        query = select(boards.c.id, boards.c.head_seq).where(boards.c.id.in_(board_ids))
        if lock:
            # Rows locked in id order: writers on other processes queue per board,
            # and two batches can never wait for each other in a cycle.
            query = query.order_by(boards.c.id).with_for_update()
        rows = (await self.conn.execute(query)).all()
        return {row.id: int(row.head_seq) for row in rows}

    async def look(
        self, board_ids: list[str], keys: list[tuple[str, str]], lock: bool
    ) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
        """The boards' heads (locked first where `lock`), then which of these
        (board_id, op_id) were committed before (retries), at what seq."""
        heads = await self.heads(board_ids, lock)
        return heads, await self.applied(keys)

    async def applied(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Which of these (board_id, op_id) were committed before (retries), at what seq."""
        found: dict[tuple[str, str], int] = {}
        for chunk in _chunks(keys, _PARAMS_PER_STATEMENT):
            rows = await self.conn.execute(
                select(events.c.board_id, events.c.op_id, events.c.seq).where(
                    tuple_(events.c.board_id, events.c.op_id).in_(chunk)
                )
            )
            for row in rows:
                found[(row.board_id, row.op_id)] = int(row.seq)
        return found

    async def append(self, event_rows: list[tuple[Any, ...]], heads: list[tuple[str, int]]) -> None:
        """Insert events (rows in `_EVENT_COLUMNS` order) and advance the boards' heads."""
        await self.conn.execute(
            insert(events), [dict(zip(_EVENT_COLUMNS, r, strict=True)) for r in event_rows]
        )
        await self.conn.execute(
            update(boards)
            .where(boards.c.id == bindparam("b_id"))
            .values(head_seq=bindparam("b_head")),
            [{"b_id": b, "b_head": head} for b, head in heads],
        )


class _SqliteWrites(_CoreWrites):
    """The same statements as plain SQL on the transaction's aiosqlite connection.

    Through SQLAlchemy's adapter every statement costs four hops to the driver's
    thread (cursor, execute, fetch, close) plus building and compiling the
    expression. Here the statements before the decisions (heads, retries) run in
    one hop, and those after them (events, heads) in another: each hop is a
    hand-over of the GIL between two threads, which on a busy machine costs far
    more than the statements. The transaction itself (BEGIN IMMEDIATE, COMMIT,
    ROLLBACK) stays with SQLAlchemy: it is the same connection.
    """

    async def _driver(self) -> Any:
        return (await self.conn.get_raw_connection()).driver_connection

    async def _in_thread(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run `work` on the driver's own thread with its sqlite3 connection."""
        driver = await self._driver()
        # aiosqlite's own way to run a function on its thread (what its execute
        # and executemany use); the lock pins the version.
        return cast(_T, await driver._execute(work, driver._conn))

    async def heads(self, board_ids: list[str], lock: bool) -> dict[str, int]:
        # No row locks in SQLite: BEGIN IMMEDIATE already holds the database's write lock.
        return await self._in_thread(lambda db: _sqlite_heads(db, board_ids))

    async def look(
        self, board_ids: list[str], keys: list[tuple[str, str]], lock: bool
    ) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
        return await self._in_thread(
            lambda db: (_sqlite_heads(db, board_ids), _sqlite_applied(db, keys))
        )

    async def applied(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        return await self._in_thread(lambda db: _sqlite_applied(db, keys))

    async def append(self, event_rows: list[tuple[Any, ...]], heads: list[tuple[str, int]]) -> None:
        await self._in_thread(lambda db: _sqlite_append(db, event_rows, heads))


def _sqlite_append(
    db: sqlite3.Connection, event_rows: list[tuple[Any, ...]], heads: list[tuple[str, int]]
) -> None:
    db.executemany(
        "INSERT INTO events (board_id, seq, op_id, actor, type, data, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        event_rows,
    )
    db.executemany("UPDATE boards SET head_seq = ? WHERE id = ?", [(head, b) for b, head in heads])


def _sqlite_heads(db: sqlite3.Connection, board_ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(board_ids, _PARAMS_PER_STATEMENT):
        marks = ", ".join("?" * len(chunk))
        # Only "?" marks are formatted in; the values are bound.
        sql = f"SELECT id, head_seq FROM boards WHERE id IN ({marks})"  # noqa: S608
        for board_id, head in db.execute(sql, chunk):
            found[board_id] = int(head)
    return found


def _sqlite_applied(
    db: sqlite3.Connection, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    by_board: dict[str, list[str]] = {}
    for board_id, op_id in keys:
        by_board.setdefault(board_id, []).append(op_id)
    found: dict[tuple[str, str], int] = {}
    for board_id, op_ids in by_board.items():
        for chunk in _chunks(op_ids, _PARAMS_PER_STATEMENT):
            marks = ", ".join("?" * len(chunk))
            # Served by the unique (board_id, op_id) index; only "?" marks are formatted in.
            sql = f"SELECT op_id, seq FROM events WHERE board_id = ? AND op_id IN ({marks})"  # noqa: S608
            for op_id, seq in db.execute(sql, [board_id, *chunk]):
                found[(board_id, op_id)] = int(seq)
    return found


# One group commit on PostgreSQL, in one statement and round trip: lock the
# boards' rows (in id order, as `_CoreWrites.heads`), and only if their heads are
# still those the batch was decided on and none of the refused ops was committed
# before, insert the events, advance the heads and write the snapshots due.
# $1–$3: board ids, expected heads, new heads; $4–$5: the refused ops; $6–$12:
# the event columns; $13–$15: the snapshots' boards, seqs and states.
_PLAIN_POSTGRES = (
    "WITH x AS ("
    " SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS x(id, head, new_head)),"
    " locked AS ("
    " SELECT id, head_seq FROM boards WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE),"
    " ok AS ("
    " SELECT (SELECT count(*) FROM locked JOIN x ON locked.id = x.id"
    " AND locked.head_seq = x.head) = cardinality($1::text[])"
    " AND NOT EXISTS (SELECT 1 FROM events e"
    " JOIN unnest($4::text[], $5::text[]) AS r(board_id, op_id)"
    " ON e.board_id = r.board_id AND e.op_id = r.op_id) AS fine),"
    " appended AS ("
    " INSERT INTO events (board_id, seq, op_id, actor, type, data, at)"
    " SELECT * FROM unnest($6::text[], $7::bigint[], $8::text[], $9::text[],"
    " $10::text[], $11::text[], $12::bigint[]) WHERE (SELECT fine FROM ok)),"
    " moved AS ("
    " UPDATE boards SET head_seq = x.new_head FROM x"
    " WHERE boards.id = x.id AND x.new_head <> x.head AND (SELECT fine FROM ok)),"
    " snapped AS ("
    " INSERT INTO snapshots (board_id, seq, state)"
    " SELECT * FROM unnest($13::text[], $14::bigint[], $15::text[]) WHERE (SELECT fine FROM ok))"
    " SELECT fine FROM ok"
)


class _PostgresWrites(_CoreWrites):
    """The same statements as fixed SQL on the transaction's asyncpg connection.

    Through SQLAlchemy every batch had its own statement text (an IN list, a
    multi-row VALUES and an executemany sized by the batch), so asyncpg prepared
    new statements batch after batch, each a round trip and a plan. Here the
    values travel as arrays (`unnest`), the text never changes and asyncpg
    prepares each statement once per connection; the events and the boards'
    heads go in one statement. The first statement (the head rows' lock) still
    goes through SQLAlchemy: that is what begins its transaction.
    """

    async def _driver(self) -> Any:
        return (await self.conn.get_raw_connection()).driver_connection

    async def heads(self, board_ids: list[str], lock: bool) -> dict[str, int]:
        sql = "SELECT id, head_seq FROM boards WHERE id = ANY($1::text[]) ORDER BY id"
        if lock:
            # Rows locked in id order: writers on other processes queue per board,
            # and two batches can never wait for each other in a cycle.
            sql += " FOR UPDATE"
        rows: Any = await self.conn.exec_driver_sql(sql, (board_ids,))
        return {board_id: int(head) for board_id, head in rows}

    async def applied(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        driver = await self._driver()
        rows = await driver.fetch(
            "SELECT e.board_id, e.op_id, e.seq FROM events e"
            " JOIN unnest($1::text[], $2::text[]) AS k(board_id, op_id)"
            " ON e.board_id = k.board_id AND e.op_id = k.op_id",
            [b for b, _ in keys],
            [o for _, o in keys],
        )
        return {(r[0], r[1]): int(r[2]) for r in rows}

    async def append(self, event_rows: list[tuple[Any, ...]], heads: list[tuple[str, int]]) -> None:
        driver = await self._driver()
        columns = list(zip(*event_rows, strict=True))
        await driver.execute(
            "WITH appended AS ("
            " INSERT INTO events (board_id, seq, op_id, actor, type, data, at)"
            " SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[],"
            " $5::text[], $6::text[], $7::bigint[]))"
            " UPDATE boards SET head_seq = h.head"
            " FROM unnest($8::text[], $9::bigint[]) AS h(id, head) WHERE boards.id = h.id",
            *(list(c) for c in columns),
            [b for b, _ in heads],
            [head for _, head in heads],
        )


def _forget_names(entry: BoardEntry, evs: list[StoredEvent]) -> None:
    """After a member's erasure, the events held for resume lose the name too
    (the rows lost it in the erasure's transaction)."""
    for member_id in erased_members(evs):
        entry.recent = deque(
            (scrub_stored(e, member_id) for e in entry.recent), maxlen=entry.recent.maxlen
        )


def _chunks(items: list[_T], size: int) -> list[list[_T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


async def delete_rows(conn: AsyncConnection, board_id: str) -> None:
    """Every row of the board, in every table that has a `board_id` (tables
    added later included), children before the board itself."""
    for table in reversed(metadata.sorted_tables):
        if table is boards or table is board_deletions or "board_id" not in table.c:
            continue
        await conn.execute(delete(table).where(table.c.board_id == board_id))
    await conn.execute(delete(boards).where(boards.c.id == board_id))


def _fail(item: _Item, message: str) -> None:
    error = DomainError(ErrorCode.INTERNAL_ERROR, message)
    if isinstance(item, _Sync | _Delete):
        item.fail(error)
    else:
        item.resolve(error)


def event_from_row(row: Any) -> StoredEvent:
    return StoredEvent(
        seq=int(row.seq),
        at=int(row.at),
        actor=row.actor,
        op_id=row.op_id,
        body=parse_body(row.type, orjson.loads(row.data)),
    )


async def read_events(
    conn: AsyncConnection, board_id: str, after: int, upto: int
) -> list[StoredEvent]:
    rows = await conn.execute(
        select(events)
        .where(events.c.board_id == board_id, events.c.seq > after, events.c.seq <= upto)
        .order_by(events.c.seq)
    )
    evs = [event_from_row(r) for r in rows]
    if len(evs) != upto - after:
        raise RuntimeError(f"board {board_id}: expected events {after + 1}..{upto}, got {len(evs)}")
    return evs


async def _load(conn: AsyncConnection, board_id: str, head: int) -> BoardEntry:
    """Latest snapshot at or below `head`, plus the events after it."""
    row = (
        await conn.execute(
            select(snapshots.c.seq, snapshots.c.state)
            .where(snapshots.c.board_id == board_id, snapshots.c.seq <= head)
            .order_by(snapshots.c.seq.desc())
            .limit(1)
        )
    ).first()
    state = BoardState.from_json(orjson.loads(row.state)) if row else BoardState()
    snapshot_seq = int(row.seq) if row else 0
    window_start = max(0, min(snapshot_seq, head - RECENT_EVENTS))
    evs = await read_events(conn, board_id, window_start, head)
    for ev in evs:
        if ev.seq > state.seq:
            apply(state, ev)
    return BoardEntry(state, deque(evs, maxlen=RECENT_EVENTS), snapshot_seq)


def _snapshot_interval(state: BoardState) -> int:
    """Events between two snapshots of a board: SNAPSHOT_EVERY, or twice its size.

    Writing a snapshot takes time in proportion to the board (about 4.5 ms for
    1,000 notes): every 500 events on such a board, that was a fifth of a core at
    20,000 ops/s. Spaced by the board's size, a snapshot costs each event about
    the same on any board, and loading replays at most a few times the work of
    reading the snapshot itself.
    """
    size = len(state.notes) + len(state.frames) + len(state.participants)
    return max(SNAPSHOT_EVERY, 2 * size)


def _snapshot_row(board_id: str, state: BoardState) -> dict[str, Any]:
    return {"board_id": board_id, "seq": state.seq, "state": orjson.dumps(state.to_json()).decode()}
