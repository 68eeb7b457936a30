"""One process per database with the memory broker; any number with a real broker.

With `memory://` a process cannot hear about events that another process commits,
so clients on the two would silently drift apart. Each process therefore claims
the database at start: exclusively with the memory broker, shared with a broker
that crosses processes. A second process that cannot claim it refuses to start
with a clear message. PostgreSQL holds the claim as a session advisory lock (it
ends with the process, even on SIGKILL); SQLite as an flock on a file beside
the database.
"""

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from .database import Database

# An arbitrary constant naming "the Samskapa instance claim" among advisory locks.
ADVISORY_KEY = 7301949564

REFUSAL = (
    "Another Samskapa process is already serving this database{how}. With the memory "
    "broker only one process may do that; to run several, give every process the same "
    "SAMSKAPA_BROKER_URL=redis://host:port (see README, 'Several processes')."
)


class InstanceConflict(RuntimeError):
    pass


@dataclass
class InstanceClaim:
    _conn: AsyncConnection | None = None
    _file: IO[bytes] | None = None

    async def release(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None
        if self._file is not None:
            self._file.close()
            self._file = None


async def claim(db: Database, exclusive: bool) -> InstanceClaim:
    if db.is_sqlite:
        return _claim_file(db.url, exclusive)
    conn = await db.write.connect()
    fn = "pg_try_advisory_lock" if exclusive else "pg_try_advisory_lock_shared"
    got = (await conn.execute(text(f"SELECT {fn}({ADVISORY_KEY})"))).scalar_one()
    await conn.commit()
    if not got:
        await conn.close()
        raise InstanceConflict(REFUSAL.format(how=_how(exclusive)))
    return InstanceClaim(_conn=conn)


def _claim_file(url: str, exclusive: bool) -> InstanceClaim:
    database = make_url(url).database
    if not database or database == ":memory:":
        return InstanceClaim()
    path = Path(database).with_suffix(".instance-lock")
    handle = path.open("ab")
    try:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        fcntl.flock(handle.fileno(), mode | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise InstanceConflict(REFUSAL.format(how=_how(exclusive))) from None
    os.set_inheritable(handle.fileno(), False)
    return InstanceClaim(_file=handle)


def _how(exclusive: bool) -> str:
    return "" if exclusive else " with the memory broker"
