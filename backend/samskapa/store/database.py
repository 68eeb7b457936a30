"""Engines for the two supported databases.

SQLite (the embedded default) gets WAL, `synchronous=FULL` and `BEGIN IMMEDIATE`
for every write transaction: a writer takes the lock when it begins instead of
upgrading a read lock later, which is what produces "database is locked" under
concurrent clients. The write engine holds a single connection, so writes from
this process queue in the pool instead of at the file lock; reads use their own
pool and never wait for the writer (WAL).

PostgreSQL uses one pool for both.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.util.concurrency import await_only


@dataclass(frozen=True, slots=True)
class Database:
    url: str
    read: AsyncEngine
    write: AsyncEngine

    @property
    def is_sqlite(self) -> bool:
        return self.write.dialect.name == "sqlite"

    async def dispose(self) -> None:
        await self.write.dispose()
        if self.read is not self.write:
            await self.read.dispose()


def _sqlite_engine(url: str, *, immediate: bool, pool_size: int) -> AsyncEngine:
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
        write = _sqlite_engine(url, immediate=True, pool_size=1)
        read = _sqlite_engine(url, immediate=False, pool_size=4)
        return Database(url=url, read=read, write=write)
    engine = create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)
    return Database(url=url, read=engine, write=engine)
