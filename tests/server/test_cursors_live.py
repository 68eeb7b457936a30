"""Cursors over real websockets: aggregated per tick, bounded by viewport."""

import asyncio
from pathlib import Path

import pytest

from tests.client import Client, create_board, join
from tests.services import ServerProcess


def _cursor_ids(client: Client) -> set[str]:
    return {e[0] for m in client.messages if m.get("type") == "cursors" for e in m["c"]}


@pytest.mark.asyncio
async def test_cursors_reach_viewers_of_their_area_and_the_facilitator_reaches_all(
    server: ServerProcess,
) -> None:
    async with asyncio.timeout(30):
        board = create_board(server.http)

        async def member(role: str, name: str) -> Client:
            c = Client(
                server.ws, board["board_id"], join(server.http, board, role, name)["credential"]
            )
            await c.connect()
            return c

        lina = await member("facilitator", "Lina")
        near = await member("participant", "Near")
        far = await member("participant", "Far")
        watcher = await member("observer", "Watcher")
        await watcher.send({"type": "view", "x": 0, "y": 0, "w": 1200, "h": 800})
        await asyncio.sleep(0.05)
        near_id = near.messages[0]["member"]["id"]
        far_id = far.messages[0]["member"]["id"]
        lina_id = lina.messages[0]["member"]["id"]
        for i in range(10):  # a second of 10 Hz cursors
            await near.send({"type": "cursor", "x": 100 + i, "y": 100})
            await far.send({"type": "cursor", "x": 50_000 + i, "y": 50_000})
            await lina.send({"type": "cursor", "x": -90_000, "y": 3})
            await asyncio.sleep(0.1)
        await watcher.wait_for(lambda m: m.get("type") == "cursors")
        await asyncio.sleep(0.3)
        seen = _cursor_ids(watcher)
        assert near_id in seen and lina_id in seen
        assert far_id not in seen
        frames = [m for m in watcher.messages if m.get("type") == "cursors"]
        # One message per tick, not one per move.
        assert len(frames) <= 14
        for c in (lina, near, far, watcher):
            await c.close()


@pytest.mark.asyncio
async def test_a_crowded_board_exchanges_pointers_less_often_and_says_so(
    tmp_path: Path,
) -> None:
    """With room for 50 moves a second, six people are a crowd: the board asks
    everyone (cursor_rate) and every newcomer (welcome) for a pointer every
    200 ms, and sends pointers every other tick; pointers still arrive, taken
    on the short path of a real `samskapa serve`."""
    server = ServerProcess(
        f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
        tmp_path / "data",
        env={"SAMSKAPA_CURSOR_MOVES_PER_SECOND": "50"},
    ).start()
    try:
        async with asyncio.timeout(60):
            board = create_board(server.http)

            async def member(name: str) -> Client:
                credential = join(server.http, board, "participant", name)["credential"]
                c = Client(server.ws, board["board_id"], credential)
                await c.connect()
                return c

            first = await member("P0")
            assert first.messages[0]["cursor_every_ms"] == 100
            others = [await member(f"P{i}") for i in range(1, 6)]
            rate = await first.wait_for(lambda m: m.get("type") == "cursor_rate")
            assert rate["every_ms"] == 200
            late = await member("Late")
            assert late.messages[0]["cursor_every_ms"] == 200
            await late.send({"type": "view", "x": 0, "y": 0, "w": 1200, "h": 800})
            await asyncio.sleep(0.2)
            start = len(late.messages)
            mover_id = others[0].messages[0]["member"]["id"]
            for i in range(20):  # two seconds of pointers at 10 Hz
                await others[0].send({"type": "cursor", "x": 100 + i, "y": 100})
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.3)
            batches = [m for m in late.messages[start:] if m.get("type") == "cursors"]
            assert batches and all(e[0] == mover_id for m in batches for e in m["c"])
            # Every other tick: about 10 in 2.3 s, never one per tick (23).
            assert len(batches) <= 14, len(batches)
            assert batches[-1]["c"][-1][1:] == [119.0, 100.0]
            for c in (first, *others, late):
                await c.close()
    finally:
        server.stop()
