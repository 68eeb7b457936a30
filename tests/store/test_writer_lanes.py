"""Several writers on PostgreSQL: boards are shared out over lanes that commit
side by side. Each board keeps one order, a retry is still answered once, and
a lane whose commit fails leaves the others alone. On SQLite the same tests run
with its one writer."""

import asyncio
from collections.abc import AsyncIterator, Iterator

import asyncpg  # type: ignore[import-untyped]
import pytest
import pytest_asyncio

from samskapa.domain.commands import ClientCommand, client_command_adapter
from samskapa.domain.errors import DomainError, ErrorCode
from samskapa.domain.policy import Actor
from samskapa.store.database import open_database
from samskapa.store.eventstore import EventStore
from samskapa.store.migrate import upgrade
from tests.services import postgres_database
from tests.store.test_eventstore_contract import _board

LANES = 4


async def _open(url: str) -> EventStore:
    db = open_database(url)
    await upgrade(db)
    store = EventStore(db, writers=LANES)
    store.start()
    return store


@pytest_asyncio.fixture
async def store(database_url: str) -> AsyncIterator[EventStore]:
    s = await _open(database_url)
    yield s
    await s.stop()
    await s.db.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


def cmd(data: dict[str, object]) -> ClientCommand:
    return client_command_adapter.validate_python(data)


async def _boards_in_two_lanes(store: EventStore) -> tuple[tuple[str, Actor], tuple[str, Actor]]:
    """Two boards that go to different writers (on SQLite: the one writer)."""
    first = await _board(store)
    while True:
        other = await _board(store)
        if store.writers == 1 or store._lane_of(other[0]) is not store._lane_of(first[0]):
            return first, other


@pytest.mark.asyncio
async def test_each_board_keeps_its_order_while_boards_commit_side_by_side(
    store: EventStore,
) -> None:
    async with asyncio.timeout(120):
        boards = [await _board(store) for _ in range(8)]
        futures: dict[str, list[asyncio.Future[object]]] = {b: [] for b, _ in boards}
        # Interleaved over the boards, as many connections would send them.
        for i in range(60):
            for board_id, actor in boards:
                if i % 3 == 0:
                    command = cmd({"type": "note.create", "note_id": f"n{i}", "x": i, "y": 0})
                else:
                    command = cmd({"type": "note.move", "note_id": f"n{i - i % 3}", "x": i, "y": i})
                futures[board_id].append(store.submit(board_id, command, actor, f"{board_id}-{i}"))
        for board_id, _ in boards:
            results = await asyncio.gather(*futures[board_id])
            seqs = [r.seq for r in results]  # type: ignore[attr-defined]
            assert seqs == list(range(seqs[0], seqs[0] + 60))  # the order they were queued in
            events, head = await store.events_page(board_id, 0, 1000)
            assert [e.seq for e in events] == list(range(1, head + 1))
            assert [e.op_id for e in events][-60:] == [f"{board_id}-{i}" for i in range(60)]
            state = (await store.entry(board_id)).state
            assert (state.notes["n57"].x, state.notes["n57"].y) == (59, 59)


@pytest.mark.asyncio
async def test_a_retry_among_other_lanes_commits_is_answered_as_the_first_commit(
    store: EventStore,
) -> None:
    async with asyncio.timeout(60):
        (a, actor_a), (b, actor_b) = await _boards_in_two_lanes(store)
        await store.append(
            a, cmd({"type": "note.create", "note_id": "n", "x": 0, "y": 0}), actor_a, "c"
        )
        await store.append(
            b, cmd({"type": "note.create", "note_id": "n", "x": 0, "y": 0}), actor_b, "c"
        )
        first = await store.append(
            a, cmd({"type": "note.move", "note_id": "n", "x": 5, "y": 5}), actor_a, "m1"
        )
        move = {"type": "note.move", "note_id": "n", "x": 9, "y": 9}
        others = [store.submit(b, cmd({**move, "x": i}), actor_b, f"b{i}") for i in range(20)]
        retry = store.submit(a, cmd(move), actor_a, "m1")
        fresh = store.submit(a, cmd({**move, "x": 7, "y": 7}), actor_a, "m2")
        done = await asyncio.gather(retry, fresh, *others)
        assert (done[0].seq, done[0].duplicate) == (first.seq, True)
        assert (done[1].seq, done[1].duplicate) == (first.seq + 1, False)
        assert not any(r.duplicate for r in done[2:])
        events_a, head_a = await store.events_page(a, 0, 1000)
        assert head_a == first.seq + 1
        assert [e.op_id for e in events_a].count("m1") == 1
        events_b, _ = await store.events_page(b, 0, 1000)
        assert [e.op_id for e in events_b][-20:] == [f"b{i}" for i in range(20)]


@pytest.mark.postgres
@pytest.mark.asyncio
async def test_a_failed_commit_in_one_lane_leaves_the_other_lanes_alone(
    postgres_url: str,
) -> None:
    """The connection of one writer is cut by the database server (as a restart
    or an administrator would): that writer's batch fails and is retried by the
    client, while another writer commits on, on its own connection."""
    store = await _open(postgres_url)
    try:
        async with asyncio.timeout(60):
            (a, actor_a), (b, actor_b) = await _boards_in_two_lanes(store)
            create = {"type": "note.create", "note_id": "n", "x": 0, "y": 0}
            await store.append(a, cmd(create), actor_a, "c")
            await store.append(b, cmd(create), actor_b, "c")
            lane_a, lane_b = store._lane_of(a), store._lane_of(b)
            pid_a = lane_a.held_driver.get_server_pid()
            pid_b = lane_b.held_driver.get_server_pid()
            admin = await asyncpg.connect(postgres_url.replace("+asyncpg", ""))
            try:
                assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid_a)
                # Gone before the next commit is sent, so that it meets a cut connection.
                while await admin.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid_a
                ):
                    await asyncio.sleep(0.01)
            finally:
                await admin.close()

            move = {"type": "note.move", "note_id": "n", "x": 3, "y": 3}
            failed, committed = await asyncio.gather(
                store.submit(a, cmd(move), actor_a, "m1"),
                store.submit(b, cmd(move), actor_b, "m1"),
                return_exceptions=True,
            )
            assert isinstance(failed, DomainError)
            assert failed.code is ErrorCode.INTERNAL_ERROR
            assert not isinstance(committed, BaseException) and not committed.duplicate
            assert lane_b.held_driver.get_server_pid() == pid_b  # untouched

            # The client's retry goes through, on a fresh connection, once.
            retried = await store.append(a, cmd(move), actor_a, "m1")
            assert not retried.duplicate
            assert lane_a.held_driver.get_server_pid() != pid_a
            events, head = await store.events_page(a, 0, 1000)
            assert [e.seq for e in events] == list(range(1, head + 1))
            assert [e.op_id for e in events].count("m1") == 1
            assert (await store.entry(a)).state.notes["n"].x == 3
    finally:
        await store.stop()
        await store.db.dispose()
