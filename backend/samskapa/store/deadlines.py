"""The deadlines table: which boards and steps the server must still close, and when.

The writer keeps it in the same transaction as the `collection.changed` events
(so it is never out of step with the log), and `DeadlineCloser` (deadlines.py at
the package's top) reads the due rows. One row per pending deadline; a close,
a clear or a reopen without a deadline deletes it.
"""

from sqlalchemy import and_, delete, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ..domain.collection import key_of
from ..domain.events import CollectionChanged, EventBody
from .database import Database
from .tables import deadlines

# (board_id, target) → the pending deadline after the batch, or None.
Changes = dict[tuple[str, str], int | None]


def note_change(changes: Changes, board_id: str, body: EventBody) -> None:
    if type(body) is CollectionChanged:  # for every op: no failing isinstance test
        changes[(board_id, key_of(body.step_id))] = body.schedule.pending_deadline


async def write(conn: AsyncConnection, changes: Changes) -> None:
    """Make the table say what `changes` say (inside the writer's transaction)."""
    if not changes:
        return
    keys = list(changes)
    await conn.execute(
        delete(deadlines).where(
            or_(*(and_(deadlines.c.board_id == b, deadlines.c.target == t) for b, t in keys))
        )
    )
    rows = [
        {"board_id": b, "target": t, "closes_at": at}
        for (b, t), at in changes.items()
        if at is not None
    ]
    if rows:
        await conn.execute(insert(deadlines), rows)


async def due(db: Database, now: int, limit: int = 100) -> list[tuple[str, str, int]]:
    """(board_id, target, closes_at) of deadlines that have come, oldest first."""
    async with db.read.connect() as conn:
        rows = await conn.execute(
            select(deadlines.c.board_id, deadlines.c.target, deadlines.c.closes_at)
            .where(deadlines.c.closes_at <= now)
            .order_by(deadlines.c.closes_at)
            .limit(limit)
        )
        return [(r.board_id, r.target, int(r.closes_at)) for r in rows]


async def upcoming(db: Database, after: int, until: int) -> list[tuple[str, str, int]]:
    """(board_id, target, closes_at) of pending deadlines in `after < closes_at <= until`."""
    async with db.read.connect() as conn:
        rows = await conn.execute(
            select(deadlines.c.board_id, deadlines.c.target, deadlines.c.closes_at)
            .where(deadlines.c.closes_at > after, deadlines.c.closes_at <= until)
            .order_by(deadlines.c.closes_at)
        )
        return [(r.board_id, r.target, int(r.closes_at)) for r in rows]


async def forget(db: Database, board_id: str, target: str, closes_at: int) -> None:
    """Drop a row whose deadline no longer holds (e.g. its step was removed).
    Only that deadline: a newer one set meanwhile has another `closes_at`."""
    async with db.write.begin() as conn:
        await conn.execute(
            delete(deadlines).where(
                deadlines.c.board_id == board_id,
                deadlines.c.target == target,
                deadlines.c.closes_at == closes_at,
            )
        )
