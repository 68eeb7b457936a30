"""A board's runs (realtime/frames.py RoomRuns): what a commit publishes to
everyone is kept once for the board and taken by each connection at the pass,
over a real uvicorn server and real sockets. Every connection still gets every
event exactly once and in order with its own messages (an ack after the event
it answers, a pointer message before it), one that joins between a commit and
the pass gets only what comes after it, one that leaves still gets what was
published while it was there, and a client that stops reading is evicted at the
same bound as when each commit went to every outbox."""

import asyncio
from typing import Any

import orjson
import pytest
from websockets.frames import Opcode

from samskapa.domain.events import StoredEvent
from samskapa.realtime.connection import Connection
from samskapa.realtime.hub import Hub, Room
from tests.domain.helpers import FACILITATOR, OTHER, PARTICIPANT, Board
from tests.realtime.test_frame_writes import BIG, RawClient, serve


def _board() -> tuple[Board, Hub]:
    """A board with a note to move, and a hub with no pause between passes
    (each runs on the next loop turn)."""
    b = Board()
    b.run({"type": "note.create", "note_id": "n0", "x": 0, "y": 0}, FACILITATOR)
    return b, Hub(max_frame_interval=0.0)


def _moves(b: Board, count: int) -> list[StoredEvent]:
    return [
        b.run({"type": "note.move", "note_id": "n0", "x": len(b.log), "y": 0}, OTHER)
        for _ in range(count)
    ]


def _seqs(client: RawClient) -> list[Any]:
    """The seq of each event a client got, and its other messages as they are."""
    return [m.get("seq", m) for m in client.messages()]


async def _pass(room: Room) -> None:
    """Let the board's pass run (the hub schedules it on the next loop turn)."""
    while room.flush_at is not None or room.dirty:
        await asyncio.sleep(0)


async def _joined(hub: Hub, b: Board, server: Any, port: int) -> tuple[RawClient, Connection]:
    client = await RawClient.connect(port)
    conn = await server.accepted.get()
    hub.join(conn, b.state.participants[PARTICIPANT.member_id])
    return client, conn


@pytest.mark.asyncio
async def test_every_connection_gets_every_event_once_in_order_with_its_own_messages() -> None:
    b, hub = _board()
    async with asyncio.timeout(30), serve() as server:
        joined = [await _joined(hub, b, server, server.port) for _ in range(3)]
        clients = [client for client, _ in joined]
        conns = [conn for _, conn in joined]
        room = hub.rooms["board"]
        pointer = b'{"type":"cursors"}'
        ack = b'{"type":"ack"}'
        late = await RawClient.connect(server.port)
        late_conn = await server.accepted.get()

        conns[0].push(pointer)  # queued before the commit: goes before it
        first = _moves(b, 1)
        hub.on_events("board", first, b.state)
        conns[1].push(ack)  # after the commit: goes after its event
        # Joins between the commit and the pass: its catch-up has that event.
        hub.join(late_conn, b.state.participants[OTHER.member_id])
        second = _moves(b, 2)
        hub.on_events("board", second, b.state)
        await _pass(room)
        third = _moves(b, 1)
        hub.on_events("board", third, b.state)
        await _pass(room)

        s1, s2, s3, s4 = (ev.seq for ev in first + second + third)
        expected = {
            0: [{"type": "cursors"}, s1, s2, s3, s4],
            1: [s1, {"type": "ack"}, s2, s3, s4],
            2: [s1, s2, s3, s4],
        }
        for i, client in enumerate(clients):
            await client.read_frames(2)
            assert _seqs(client) == expected[i], i
        await late.read_frames(2)
        assert _seqs(late) == [s2, s3, s4]
        # One frame a pass; the last one, the same bytes for all.
        assert len(clients[2].frames) == len(late.frames) == 2
        assert len({bytes(c.frames[-1].data) for c in [*clients, late]}) == 1
        assert all(conn.queued == 0 for conn in [*conns, late_conn])
        assert not room.runs.runs
        for client in [*clients, late]:
            await client.close()


@pytest.mark.asyncio
async def test_a_commit_touches_no_outbox_until_the_pass() -> None:
    """Publication appends once for the board, whatever its size; each
    connection counts what it has not taken yet against its bound."""
    b, hub = _board()
    async with asyncio.timeout(30), serve() as server:
        joined = [await _joined(hub, b, server, server.port) for _ in range(3)]
        room = hub.rooms["board"]
        events = _moves(b, 3)
        hub.on_events("board", events, b.state)
        assert [len(run) for run in room.runs.runs] == [3]
        for _, conn in joined:
            assert conn._pending == [] and conn.queued == 3
        assert room.dirty == [] and room.flush_at is not None
        await _pass(room)
        for client, conn in joined:
            await client.read_frames(1)
            assert _seqs(client) == [ev.seq for ev in events]
            assert conn.queued == 0
            await client.close()


@pytest.mark.asyncio
async def test_a_connection_that_leaves_gets_what_was_published_while_it_was_there() -> None:
    b, hub = _board()
    async with asyncio.timeout(30), serve() as server:
        staying, _ = await _joined(hub, b, server, server.port)
        leaving, conn = await _joined(hub, b, server, server.port)
        room = hub.rooms["board"]
        before = _moves(b, 1)
        hub.on_events("board", before, b.state)
        hub.leave(conn)
        after = _moves(b, 1)
        hub.on_events("board", after, b.state)
        await _pass(room)
        await staying.read_frames(1)
        await leaving.read_frames(1)
        assert _seqs(staying) == [before[0].seq, after[0].seq]
        assert _seqs(leaving) == [before[0].seq]
        for client in (staying, leaving):
            await client.close()


@pytest.mark.asyncio
async def test_a_client_that_stops_reading_is_evicted_at_the_same_bound() -> None:
    """Runs published while its send waits pile up in its outbox at the pass,
    each counted as pushing it would, and the one over the bound evicts it
    (4008); the others get every run meanwhile."""
    b, hub = _board()
    limit = 50
    async with asyncio.timeout(60), serve(queue_limit=limit) as server:
        stalled, slow = await _joined(hub, b, server, server.port)
        reading, fine = await _joined(hub, b, server, server.port)
        room = hub.rooms["board"]
        published = 0
        # Big runs until the stalled socket is full and a send must wait
        # (bounded: 40 MB), then one small message a pass until evicted.
        while slow._in_flight is None and published < 800:
            hub._publish(room, (BIG,))
            published += 1
            await _pass(room)
            await reading.read_frames(1)
        assert slow._in_flight is not None, "the buffer never filled"
        small = 0
        while not slow.evicted and small < 2 * limit:
            hub._publish(room, (orjson.dumps({"i": small}),))
            assert slow.queued == small + 1  # what it has not taken counts too
            await _pass(room)
            small += 1
            await reading.read_frames(1)
        # As with every commit pushed to every outbox: the bound's message
        # plus one.
        assert slow.evicted and slow.close_code == 4008
        assert small == limit + 1
        assert not fine.evicted
        assert len(reading.messages()) == published + small
        frames = await stalled.read_frames(10_000)
        assert stalled.ws.close_rcvd is not None and stalled.ws.close_rcvd.code == 4008
        assert frames[-1].opcode is Opcode.CLOSE
        for client in (stalled, reading):
            await client.close()
