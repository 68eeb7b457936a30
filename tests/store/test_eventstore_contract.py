"""One contract for the event store, run on SQLite and on PostgreSQL."""

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from samskapa.domain.apply import fold
from samskapa.domain.commands import ClientCommand, Mission, client_command_adapter
from samskapa.domain.errors import DomainError, ErrorCode
from samskapa.domain.policy import Actor
from samskapa.domain.values import Language, Role, Sector
from samskapa.service import Boards
from samskapa.store.database import open_database
from samskapa.store.eventstore import SNAPSHOT_EVERY, EventStore
from samskapa.store.migrate import upgrade


async def _open(url: str) -> EventStore:
    db = open_database(url)
    await upgrade(db)
    store = EventStore(db)
    store.start()
    return store


async def _close(store: EventStore) -> None:
    await store.stop()
    await store.db.dispose()


@pytest_asyncio.fixture
async def store(database_url: str) -> AsyncIterator[EventStore]:
    s = await _open(database_url)
    yield s
    await _close(s)


async def _board(store: EventStore) -> tuple[str, Actor]:
    boards = Boards(store)
    created = await boards.create("Board", Language.EN, Mission())
    joined = await boards.join(
        created.board_id, created.tokens[Role.PARTICIPANT], "Ann", Sector.ACADEMIA
    )
    actor = await boards.authenticate(created.board_id, joined.credential)
    return created.board_id, actor


def cmd(data: dict[str, object]) -> ClientCommand:
    return client_command_adapter.validate_python(data)


@pytest.mark.asyncio
async def test_append_is_gapless_exactly_once_and_refusals_leave_no_trace(
    store: EventStore,
) -> None:
    async with asyncio.timeout(60):
        board_id, actor = await _board(store)
        head = (await store.entry(board_id)).state.seq
        r1 = await store.append(
            board_id, cmd({"type": "note.create", "note_id": "n1", "x": 0, "y": 0}), actor, "op-1"
        )
        assert (r1.seq, r1.duplicate) == (head + 1, False)
        again = await store.append(
            board_id, cmd({"type": "note.create", "note_id": "n1", "x": 0, "y": 0}), actor, "op-1"
        )
        assert (again.seq, again.duplicate) == (head + 1, True)
        with pytest.raises(DomainError) as e:
            await store.append(
                board_id, cmd({"type": "note.edit", "note_id": "nope", "text": "x"}), actor, "op-2"
            )
        assert e.value.code is ErrorCode.NOT_FOUND
        r3 = await store.append(
            board_id, cmd({"type": "note.edit", "note_id": "n1", "text": "x"}), actor, "op-3"
        )
        assert r3.seq == head + 2
        events, db_head = await store.events_page(board_id, 0, 1000)
        assert [e.seq for e in events] == list(range(1, db_head + 1))
        assert db_head == head + 2
        assert [e.op_id for e in events].count("op-1") == 1


@pytest.mark.asyncio
async def test_a_retry_that_would_be_accepted_again_is_answered_as_the_first_commit(
    store: EventStore,
) -> None:
    """A retried move would be decided again without complaint: the store must
    still find that its op_id was committed, also when it comes in one batch
    with fresh ops, which commit once each."""
    async with asyncio.timeout(60):
        board_id, actor = await _board(store)
        await store.append(
            board_id, cmd({"type": "note.create", "note_id": "n", "x": 0, "y": 0}), actor, "c"
        )
        first = await store.append(
            board_id, cmd({"type": "note.move", "note_id": "n", "x": 5, "y": 5}), actor, "m1"
        )
        retry, fresh = await asyncio.gather(
            store.submit(
                board_id, cmd({"type": "note.move", "note_id": "n", "x": 9, "y": 9}), actor, "m1"
            ),
            store.submit(
                board_id, cmd({"type": "note.move", "note_id": "n", "x": 7, "y": 7}), actor, "m2"
            ),
        )
        assert (retry.seq, retry.duplicate) == (first.seq, True)
        assert (fresh.seq, fresh.duplicate) == (first.seq + 1, False)
        events, head = await store.events_page(board_id, 0, 1000)
        assert head == first.seq + 1
        assert [e.seq for e in events] == list(range(1, head + 1))
        assert [e.op_id for e in events][-2:] == ["m1", "m2"]
        note = (await store.entry(board_id)).state.notes["n"]
        assert (note.x, note.y) == (7, 7)


@pytest.mark.asyncio
async def test_concurrent_submits_commit_in_one_gapless_order(store: EventStore) -> None:
    async with asyncio.timeout(60):
        board_id, actor = await _board(store)
        futures = [
            store.submit(
                board_id,
                cmd({"type": "note.create", "note_id": f"n{i}", "x": i, "y": 0}),
                actor,
                f"op-{i}",
            )
            for i in range(500)
        ]
        # The same ops again while the first ones are in flight: still once each.
        futures += [
            store.submit(
                board_id,
                cmd({"type": "note.create", "note_id": f"n{i}", "x": i, "y": 0}),
                actor,
                f"op-{i}",
            )
            for i in range(0, 500, 7)
        ]
        results = await asyncio.gather(*futures)
        fresh = [r.seq for r in results if not r.duplicate]
        assert sorted(fresh) == list(range(fresh[0], fresh[0] + 500))
        assert sum(r.duplicate for r in results) == len(range(0, 500, 7))
        assert store.batches < 1000 / 2  # they were committed in groups


@pytest.mark.asyncio
async def test_a_fresh_process_loads_the_same_state(database_url: str) -> None:
    async with asyncio.timeout(120):
        first = await _open(database_url)
        board_id, actor = await _board(first)
        n = SNAPSHOT_EVERY + 137  # crosses a snapshot
        futures = []
        for i in range(n):
            futures.append(
                first.submit(
                    board_id,
                    cmd({"type": "note.create", "note_id": f"n{i % 300}", "x": i, "y": 0}),
                    actor,
                    f"c-{i}",
                )
            )
        # Many are refused (the note id exists already); that is part of the test.
        await asyncio.gather(*futures, return_exceptions=True)
        await first.append(
            board_id, cmd({"type": "note.move", "note_id": "n1", "x": 5, "y": 5}), actor, "last"
        )
        live = (await first.entry(board_id)).state.to_json()
        events, head = await first.events_page(board_id, 0, 1000)
        while len(events) < head:
            more, _ = await first.events_page(board_id, events[-1].seq, 1000)
            events += more
        await _close(first)

        second = await _open(database_url)
        try:
            loaded = (await second.entry(board_id)).state.to_json()
            assert loaded == live
            assert fold(events).to_json() == live
        finally:
            await _close(second)


@pytest.mark.asyncio
async def test_two_writers_on_one_database_never_gap_or_duplicate(database_url: str) -> None:
    """Two stores on one database stand in for two server processes."""
    async with asyncio.timeout(120):
        a = await _open(database_url)
        b = await _open(database_url)
        try:
            board_id, actor = await _board(a)
            futures = []
            for i in range(400):
                target = a if i % 2 else b
                futures.append(
                    target.submit(
                        board_id,
                        cmd({"type": "note.create", "note_id": f"n{i}", "x": 0, "y": 0}),
                        actor,
                        f"op-{i}",
                    )
                )
            results = await asyncio.gather(*futures)
            seqs = sorted(r.seq for r in results)
            assert len(set(seqs)) == 400
            events, head = await a.events_page(board_id, 0, 1000)
            assert [e.seq for e in events] == list(range(1, head + 1))
            assert len({e.op_id for e in events}) == len(events)
            # Each store caught up with the other's events before deciding.
            sa = (await a.sync(board_id)).state.to_json()
            sb = (await b.sync(board_id)).state.to_json()
            assert sa == sb and len(sa["notes"]) == 400
        finally:
            await _close(a)
            await _close(b)


@pytest.mark.asyncio
async def test_idle_boards_are_forgotten_and_reload_on_demand(
    store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import samskapa.store.eventstore as eventstore

    monkeypatch.setattr(eventstore, "MAX_IDLE_BOARDS", 2)
    async with asyncio.timeout(60):
        boards = [await _board(store) for _ in range(5)]
        watched = boards[0][0]
        store.is_watched = lambda board_id: board_id == watched
        await store.append(
            boards[0][0],
            cmd({"type": "note.create", "note_id": "n", "x": 0, "y": 0}),
            boards[0][1],
            "one-more",
        )
        assert store.cached(watched) is not None
        assert sum(store.cached(b) is not None for b, _ in boards) <= 3
        # A forgotten board comes back whole.
        oldest = boards[1][0]
        assert store.cached(oldest) is None
        entry = await store.entry(oldest)
        assert len(entry.state.participants) == 1
