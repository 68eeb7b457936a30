"""Engines for the two supported databases.

SQLite (the embedded default) gets WAL, `synchronous=FULL` and `BEGIN IMMEDIATE`
for every write transaction: a writer takes the lock when it begins instead of
upgrading a read lock later, which is what produces "database is locked" under
concurrent clients. The write engine holds a single connection, so writes from
this process queue in the pool instead of at the file lock; reads use their own
pool and never wait for the writer (WAL). The event store's writer keeps that
connection between its commits and gives it back as soon as anyone else asks
for it (`WriteTurns`).

PostgreSQL uses one pool for both.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool
from sqlalchemy.util.concurrency import await_only


class WriteTurns:
    """Who is waiting for SQLite's one write connection.

    The event store's writer keeps that connection between its commits (a
    checkout and check-in for every commit was about a third of the writer's
    CPU at a few ops a second). Whoever else writes (REST, erasure, imports,
    the notifier, the seen-marks) asks the pool as always; the pool then tells
    the writer (`when_waiting`), which gives the connection back after the
    commit in hand, and takes it again only once nobody waits any more
    (`after_waiters`): the pool's queue hands a returned connection to a
    newcomer before a woken waiter, so taking it back at once could starve them.
    """

    def __init__(self) -> None:
        self.waiting = 0
        self._tell: list[Callable[[], None]] = []
        self._none_waiting: asyncio.Event | None = None

    def when_waiting(self, tell: Callable[[], None]) -> None:
        """`tell` is called on the event loop when a checkout has to wait."""
        self._tell.append(tell)

    async def after_waiters(self) -> None:
        """Return once nobody waits for the connection."""
        while self.waiting:
            if self._none_waiting is None:
                self._none_waiting = asyncio.Event()
            self._none_waiting.clear()
            await self._none_waiting.wait()

    def _waits(self) -> None:
        self.waiting += 1
        for tell in self._tell:
            tell()

    def _served(self) -> None:
        self.waiting -= 1
        if not self.waiting and self._none_waiting is not None:
            self._none_waiting.set()


class _TellingPool(AsyncAdaptedQueuePool):
    """A queue pool that counts the checkouts that wait, and says when one has to."""

    turns: WriteTurns

    def _do_get(self) -> Any:
        turns = self.turns
        if self.checkedout() < self.size() and not turns.waiting:
            return super()._do_get()
        turns._waits()
        try:
            return super()._do_get()
        finally:
            turns._served()


@dataclass(frozen=True, slots=True)
class Database:
    url: str
    read: AsyncEngine
    write: AsyncEngine
    # SQLite's: who waits for the one write connection (None on PostgreSQL,
    # whose pool has connections to spare).
    write_turns: WriteTurns | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.write.dialect.name == "sqlite"

    async def dispose(self) -> None:
        await self.write.dispose()
        if self.read is not self.write:
            await self.read.dispose()


def _sqlite_engine(
    url: str, *, immediate: bool, pool_size: int, turns: WriteTurns | None = None
) -> AsyncEngine:
    extra: dict[str, Any] = {}
    if turns is not None:
        # A class of its own per engine: the pool is recreated from its class
        # when the engine is disposed.
        extra["poolclass"] = type("TellingPool", (_TellingPool,), {"turns": turns})
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=60,
        # No ROLLBACK when a connection goes back to the pool: SQLAlchemy's own
        # Connection already ends any transaction it began when it closes, and
        # with autocommit at the driver there is nothing else open. On the
        # writer's connection that extra ROLLBACK was a round trip to the
        # driver's thread after every group commit, about a tenth of its CPU.
        pool_reset_on_return=None,
        **extra,
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own
        # implicit BEGIN is deferred and cannot be made IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Straight to aiosqlite: one hop to its thread, where a statement through
        # SQLAlchemy's adapter takes three (cursor, execute, close). The writer
        # begins a transaction for every group commit.
        await_only(conn.connection.driver_connection.execute(begin))

    return engine


def open_database(url: str) -> Database:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        turns = WriteTurns()
        write = _sqlite_engine(url, immediate=True, pool_size=1, turns=turns)
        read = _sqlite_engine(url, immediate=False, pool_size=4)
        return Database(url=url, read=read, write=write, write_turns=turns)
    engine = create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)
    return Database(url=url, read=engine, write=engine)
