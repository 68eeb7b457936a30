"""Erasing a member's name and credential from the stored rows, inside the
transaction that appends `participant.erased` (domain/erasure.py says what
changes; this applies it to the events, the snapshots and the members table)."""

import orjson
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ..domain.erasure import NAMING_EVENTS, scrub, scrub_snapshot
from ..domain.events import event_data, parse_body
from .tables import events, members, snapshots


async def erase_member_rows(conn: AsyncConnection, board_id: str, member_id: str) -> None:
    rows = await conn.execute(
        select(events.c.seq, events.c.type, events.c.data).where(
            events.c.board_id == board_id, events.c.type.in_(NAMING_EVENTS)
        )
    )
    for row in rows.all():
        body = scrub(parse_body(row.type, orjson.loads(row.data)), member_id)
        if body is not None:
            await conn.execute(
                update(events)
                .where(events.c.board_id == board_id, events.c.seq == row.seq)
                .values(data=orjson.dumps(event_data(body)).decode())
            )
    stored = await conn.execute(
        select(snapshots.c.seq, snapshots.c.state).where(snapshots.c.board_id == board_id)
    )
    for snapshot in stored.all():
        state = orjson.loads(snapshot.state)
        if scrub_snapshot(state, member_id):
            await conn.execute(
                update(snapshots)
                .where(snapshots.c.board_id == board_id, snapshots.c.seq == snapshot.seq)
                .values(state=orjson.dumps(state).decode())
            )
    # The credential's hash (and the member's seen mark) go with the row.
    await conn.execute(
        delete(members).where(members.c.board_id == board_id, members.c.id == member_id)
    )
