"""Several ops in one frame (`ops`, docs/protocol.md §2.3): each op is decided,
acknowledged or refused on its own, in order, exactly as if it had come in a
frame of its own; a bad frame is refused whole and the connection stays."""

import asyncio
from typing import Any

import pytest

from tests.client import Client, create_board, join, note
from tests.services import ServerProcess


async def _members(server: ServerProcess, *roles: str) -> list[Client]:
    board = create_board(server.http)
    clients = []
    for i, role in enumerate(roles):
        credential = join(server.http, board, role, f"{role.title()} {i}")["credential"]
        client = Client(server.ws, board["board_id"], credential)
        await client.connect()
        clients.append(client)
    return clients


@pytest.mark.asyncio
async def test_each_op_of_a_frame_is_decided_and_acknowledged_on_its_own(
    server: ServerProcess,
) -> None:
    async with asyncio.timeout(60):
        sender, other = await _members(server, "participant", "participant")
        head = sender.last_seq or 0
        batch: list[tuple[dict[str, Any], str | None]] = [
            (note("n1", "first", 10, 10), "b1"),
            ({"type": "note.move", "note_id": "n1", "x": 300, "y": 40}, "b2"),
            # Not valid: its own error, with its op_id; the rest goes on.
            ({"type": "note.move", "note_id": "n1", "x": "far"}, "b3"),
            # Valid, but the domain refuses it.
            ({"type": "note.edit", "note_id": "missing", "text": "x"}, "b4"),
            ({"type": "note.edit", "note_id": "n1", "text": "second"}, "b5"),
            # The same op_id again: a retry, acknowledged as a duplicate.
            (note("n1", "first", 10, 10), "b1"),
        ]
        await sender.ops(batch)
        results = {op_id: await sender.result(op_id) for _, op_id in batch if op_id}
        assert results["b1"]["type"] == "ack"
        assert results["b2"] == {"type": "ack", "op_id": "b2", "seq": head + 2}
        assert results["b3"]["type"] == "error" and results["b3"]["code"] == "invalid_message"
        assert results["b4"]["type"] == "error" and results["b4"]["code"] == "not_found"
        assert results["b5"] == {"type": "ack", "op_id": "b5", "seq": head + 3}
        # Every receiver gets the accepted ops' events, in the frame's order.
        for client in (sender, other):
            await client.wait_for(lambda m: m.get("op_id") == "b5" and "." in m["type"])
            mine = [e for e in client.events if e["op_id"] in ("b1", "b2", "b5")]
            assert [(e["op_id"], e["type"], e["seq"]) for e in mine] == [
                ("b1", "note.created", head + 1),
                ("b2", "note.moved", head + 2),
                ("b5", "note.edited", head + 3),
            ]
        # Each ack follows its own event on the sender's connection.
        order = [
            (m.get("type"), m.get("op_id"))
            for m in sender.messages
            if m.get("op_id") in ("b1", "b2", "b5")
        ]
        for op_id in ("b2", "b5"):
            event_at = next(i for i, (t, o) in enumerate(order) if o == op_id and "." in t)
            ack_at = order.index(("ack", op_id))
            assert event_at < ack_at
        await sender.close()
        await other.close()


@pytest.mark.asyncio
async def test_bad_frames_are_refused_whole_and_the_connection_stays(
    server: ServerProcess,
) -> None:
    async with asyncio.timeout(60):
        (client,) = await _members(server, "participant")
        entry = {"op_id": "z1", "command": note("z", "never")}
        bad_frames: list[dict[str, Any]] = [
            {"type": "ops", "ops": []},
            {"type": "ops", "ops": "not a list"},
            {"type": "ops"},
            {"type": "ops", "ops": [entry], "extra": 1},
            {"type": "ops", "ops": [entry] * 101},
        ]
        for frame in bad_frames:
            before = len(client.messages)
            await client.send(frame)
            await client.wait_for(
                lambda _m, n=before: any(m["type"] == "error" for m in client.messages[n:])
            )
            error = next(m for m in client.messages[before:] if m["type"] == "error")
            assert error["code"] == "invalid_message"
            assert "op_id" not in error
        # An entry that is not even an object, and one with a field too many.
        await client.send(
            {"type": "ops", "ops": [7, {**entry, "op_id": "z2", "type": "op"}, {**entry}]}
        )
        assert (await client.result("z2"))["code"] == "invalid_message"
        assert (await client.result("z1"))["type"] == "ack"
        # Nothing of the refused frames was applied: one event, from z1.
        assert [e["op_id"] for e in client.events if e["type"] == "note.created"] == ["z1"]
        assert client.closed_code is None
        await client.close()


@pytest.mark.asyncio
async def test_each_op_of_a_frame_spends_the_op_budget(server: ServerProcess) -> None:
    """Bursts of 60 by default: a frame of 70 ops gets 60 or so acks, and
    `rate_limited` for the rest, each with its op_id."""
    async with asyncio.timeout(60):
        (client,) = await _members(server, "participant")
        batch: list[tuple[dict[str, Any], str | None]] = [
            (note(f"r{i}", f"note {i}", i, i), f"r{i}") for i in range(70)
        ]
        op_ids = await client.ops(batch)
        results = [await client.result(op_id) for op_id in op_ids]
        acked = [r for r in results if r["type"] == "ack"]
        limited = [r for r in results if r.get("code") == "rate_limited"]
        assert len(acked) + len(limited) == 70
        assert 60 <= len(acked) < 70
        # The first ones pass; what is over the budget is the tail of the frame.
        assert [r["op_id"] for r in acked] == op_ids[: len(acked)]
        assert client.closed_code is None
        await client.close()


@pytest.mark.asyncio
async def test_an_observer_batch_is_refused_op_by_op(server: ServerProcess) -> None:
    async with asyncio.timeout(60):
        (observer,) = await _members(server, "observer")
        op_ids = await observer.ops([(note("o1"), None), (note("o2"), None)])
        for op_id in op_ids:
            assert (await observer.result(op_id))["code"] == "forbidden"
        await observer.close()
