"""The hub's flush passes (realtime/hub.py): boards due at the same moment are
flushed by one callback, each board still once and paced on its own, and a
board whose pass fails does not keep the others (or itself) from the next."""

import asyncio

import pytest

from samskapa.realtime.hub import Hub, Room


@pytest.mark.asyncio
async def test_boards_due_at_once_share_one_pass_and_a_failure_spares_the_others() -> None:
    hub = Hub()
    rooms = [Room(f"board-{i}") for i in range(3)]
    flushed: list[str] = []
    flush = hub._flush

    def failing_once(room: Room) -> None:
        flushed.append(room.board_id)
        if room.board_id == "board-1" and flushed.count("board-1") == 1:
            raise RuntimeError("a pass that fails")
        flush(room)

    hub._flush = failing_once  # type: ignore[method-assign]
    for room in rooms:
        hub._schedule(room)
        hub._schedule(room)  # already due: not twice
    handles = {id(room.flush_at) for room in rooms}
    assert len(handles) == 1 and rooms[0].flush_at is not None  # one callback for all
    await asyncio.sleep(0)
    assert flushed == ["board-0", "board-1", "board-2"]
    assert all(room.flush_at is None for room in rooms)
    # The board whose pass failed is scheduled again like any other.
    rooms[1].next_flush = 0.0
    hub._schedule(rooms[1])
    assert rooms[1].flush_at is not None
    await asyncio.sleep(0)
    assert flushed[-1] == "board-1" and rooms[1].flush_at is None
