"""What members have seen: gathered marks, written together, never backwards;
on SQLite and PostgreSQL."""

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from samskapa.domain.commands import Mission
from samskapa.domain.values import Language, Sector
from samskapa.seen import SeenMarks
from samskapa.service import Boards
from samskapa.store.database import open_database
from samskapa.store.eventstore import EventStore
from samskapa.store.migrate import upgrade


@pytest_asyncio.fixture
async def boards(database_url: str) -> AsyncIterator[Boards]:
    db = open_database(database_url)
    await upgrade(db)
    store = EventStore(db)
    store.start()
    yield Boards(store)
    await store.stop()
    await db.dispose()


@pytest.mark.asyncio
async def test_marks_are_written_in_one_go_and_never_move_backwards(boards: Boards) -> None:
    created = await boards.create("Collection", Language.EN, Mission())
    board_id = created.board_id
    link = created.tokens[next(iter(created.tokens))]
    a = await boards.join(board_id, link, "A", Sector.OTHER)
    b = await boards.join(board_id, link, "B", Sector.OTHER)
    seen = SeenMarks(boards.store.db)

    async def marks() -> tuple[int | None, int | None]:
        return (
            (await boards.sign_in(board_id, a.credential))[1],
            (await boards.sign_in(board_id, b.credential))[1],
        )

    assert await marks() == (None, None)
    seen.mark(a.member.id, 7)
    seen.mark(a.member.id, 5)  # an older view, noted later: the higher one counts
    seen.mark(b.member.id, 3)
    assert await marks() == (None, None), "nothing is written before the flush"
    assert seen.latest(a.member.id, None) == 7, "but this process knows it already"
    assert seen.latest(a.member.id, 9) == 9
    await seen.flush()
    assert await marks() == (7, 3)
    seen.mark(a.member.id, 4)  # another device that left with an older view
    seen.mark(b.member.id, 9)
    await seen.flush()
    assert await marks() == (7, 9)
