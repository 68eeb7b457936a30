"""SQLite's one write connection, which the event store's writer keeps between
its commits: whoever else writes still gets it, without waiting for the pool's
timeout and without being overtaken by the writer's next batch; ops queued
meanwhile are committed (and answered) only after it came back."""

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import func, select, text

from samskapa.store.eventstore import EventStore
from samskapa.store.tables import events
from tests.store.test_eventstore_contract import _board, _close, _open, cmd

# Far below the pool's own timeout (60 s): a writer that never gave the
# connection back fails here instead of after it.
HANG = 20


@pytest_asyncio.fixture
async def store(sqlite_url: str) -> AsyncIterator[EventStore]:
    s = await _open(sqlite_url)
    yield s
    await _close(s)


def _note(i: int) -> object:
    return cmd({"type": "note.create", "note_id": f"n{i}", "x": i, "y": 0})


@pytest.mark.asyncio
async def test_another_writer_gets_the_connection_the_writer_keeps(store: EventStore) -> None:
    board_id, actor = await _board(store)
    await store.append(board_id, _note(0), actor, "op-0")  # type: ignore[arg-type]
    assert store._lanes[0].held is not None  # kept after the commit
    async with asyncio.timeout(HANG):
        async with store.db.write.begin() as conn:
            assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
        # And the writer takes it again for the next op.
        result = await store.append(board_id, _note(1), actor, "op-1")  # type: ignore[arg-type]
    events_, head = await store.events_page(board_id, 0, 100)
    assert [e.op_id for e in events_][-2:] == ["op-0", "op-1"]
    assert head == result.seq == events_[-1].seq


@pytest.mark.asyncio
async def test_ops_wait_for_another_writers_transaction_and_are_answered_after_it(
    store: EventStore,
) -> None:
    board_id, actor = await _board(store)
    async with asyncio.timeout(HANG):
        async with store.db.write.begin() as conn:
            await conn.execute(text("SELECT 1"))
            future = store.submit(board_id, _note(0), actor, "op-0")  # type: ignore[arg-type]
            for _ in range(50):
                await asyncio.sleep(0)
            assert not future.done()  # no commit while the other transaction holds it
        result = await future
    events_, _ = await store.events_page(board_id, 0, 100)
    assert events_[-1].op_id == "op-0" and events_[-1].seq == result.seq


@pytest.mark.asyncio
async def test_the_writers_next_batches_do_not_overtake_a_waiting_writer(
    store: EventStore,
) -> None:
    board_id, actor = await _board(store)
    # Three full batches queued at once (MAX_BATCH ops each) ...
    total = 3000
    futures = [
        store.submit(board_id, _note(i), actor, f"op-{i}")  # type: ignore[arg-type]
        for i in range(total)
    ]

    async def other_writer() -> int:
        async with store.db.write.begin() as conn:
            counted = (await conn.execute(select(func.count()).select_from(events))).scalar_one()
            return int(counted)

    # ... and another writer asking for the connection meanwhile: it has its
    # turn before the last of them, not after the writer ran out of work.
    async with asyncio.timeout(HANG * 3):
        seen = await asyncio.create_task(other_writer())
        await asyncio.gather(*futures)
    assert seen < total
