"""How far each member has seen a board, for "N new since your last visit".

A connection that ends notes its member's mark here (api/ws.py); a task writes
whatever gathered every `FLUSH_SECONDS` in one transaction, and once more at
shutdown. Written one by one, a reconnect storm of a few hundred phones would be
a few hundred transactions with an fsync each on SQLite's single write
connection, queued in front of the event store's writer; gathered, it is one.
A mark never moves backwards (a device that leaves later with an older view
changes nothing). Until it is written, this process answers with it
(`latest`); another process may see it up to a flush later. A crash loses at
most the marks of the last second: the next visit then counts from the visit
before, which shows more as new, never less.
"""

import logging

from sqlalchemy import bindparam, or_, update

from .periodic import Periodic
from .store.database import Database
from .store.tables import members

log = logging.getLogger(__name__)

FLUSH_SECONDS = 1.0


class SeenMarks:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._pending: dict[str, int] = {}
        # The marks being written right now: still this process's answer until
        # their commit, when the rows hold them (a reload during a slow flush
        # would otherwise see neither the mark nor its row).
        self._writing: dict[str, int] = {}
        self._flushes = Periodic("seen-marks", FLUSH_SECONDS, self.flush)

    def mark(self, member_id: str, seq: int) -> None:
        self._pending[member_id] = max(seq, self._pending.get(member_id, 0))

    def latest(self, member_id: str, stored: int | None) -> int | None:
        """The member's mark: the stored one, or a newer one this process has not
        written yet (a visit that ended a moment ago, then a reload)."""
        marks = [
            m for m in (self._pending.get(member_id), self._writing.get(member_id)) if m is not None
        ]
        pending = max(marks) if marks else None
        if pending is None:
            return stored
        return pending if stored is None else max(stored, pending)

    def start(self) -> None:
        self._flushes.start()

    async def stop(self) -> None:
        await self._flushes.stop()
        await self.flush()

    async def flush(self) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, {}
        self._writing = batch
        rows = [{"m_id": member_id, "m_seq": seq} for member_id, seq in batch.items()]
        try:
            async with self.db.write.begin() as conn:
                await conn.execute(
                    update(members)
                    .where(
                        members.c.id == bindparam("m_id"),
                        or_(members.c.seen_seq.is_(None), members.c.seen_seq < bindparam("m_seq")),
                    )
                    .values(seen_seq=bindparam("m_seq")),
                    rows,
                )
        except Exception:
            # The database is away for a moment: keep the marks for the next flush.
            log.warning("could not write %d seen marks", len(rows), exc_info=True)
            for member_id, seq in batch.items():
                self.mark(member_id, seq)
        finally:
            self._writing = {}
