"""Cursors over real websockets: aggregated per tick, bounded by viewport."""

import asyncio

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
