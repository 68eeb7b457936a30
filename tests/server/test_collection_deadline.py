"""A collection's deadline on two real server processes (PostgreSQL + Redis),
with a clock the test moves days ahead instead of sleeping (tests/clock_server.py)."""

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.client import Client, all_events, create_board, join, note
from tests.clock_server import CLOCK_FILE, set_offset
from tests.services import ServerProcess, postgres_database, redis_or_skip

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
DAY = 24 * 3600 * 1000


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


def _server(pg_url: str, broker: str, data: Path, clock: Path, port: int = 0) -> ServerProcess:
    env = {
        "SAMSKAPA_BROKER_URL": broker,
        CLOCK_FILE: str(clock),
        "SAMSKAPA_DEADLINE_CHECK_SECONDS": "0.2",
    }
    server = ServerProcess(pg_url, data, env=env, module="tests.clock_server")
    if port:
        server.port = port
    return server.start()


def _closes(server: ServerProcess, board_id: str, credential: str) -> list[dict[str, Any]]:
    """Every `collection.changed` event with action `closed` in the stored log."""
    return [
        e
        for e in all_events(server.http, board_id, credential)
        if e["type"] == "collection.changed" and e["data"]["action"] == "closed"
    ]


def _is_close(m: dict[str, Any]) -> bool:
    return m.get("type") == "collection.changed" and m["data"]["action"] == "closed"


async def _settle(servers: list[ServerProcess]) -> None:
    """Give every process several more looks at the deadlines (each looks every
    0.2 s): a second close, if the design let one through, would appear now."""
    await asyncio.sleep(2)
    for s in servers:
        assert httpx.get(f"{s.http}/health", timeout=5).status_code == 200


@pytest.mark.asyncio
async def test_deadline_closes_once_across_processes_refuses_late_notes_and_reopens(
    pg_url: str, tmp_path: Path
) -> None:
    broker = redis_or_skip()
    clock = tmp_path / "clock"
    set_offset(clock, 0)
    servers = [_server(pg_url, broker, tmp_path / f"d{i}", clock) for i in range(2)]
    clients: list[Client] = []
    try:
        async with asyncio.timeout(120):
            board = create_board(servers[0].http)
            board_id = board["board_id"]
            fac_cred = join(servers[0].http, board, "facilitator", "Fac")["credential"]
            fac = Client(servers[0].ws, board_id, fac_cred)
            p1 = Client(
                servers[0].ws,
                board_id,
                join(servers[0].http, board, "participant", "A")["credential"],
            )
            p2 = Client(
                servers[1].ws,
                board_id,
                join(servers[1].http, board, "participant", "B")["credential"],
            )
            clients = [fac, p1, p2]
            for c in clients:
                await c.connect()

            deadline = int(time.time() * 1000) + 3 * DAY
            op = await fac.op({"type": "collection.schedule", "closes_at": deadline})
            assert (await fac.result(op))["type"] == "ack"
            assert (await p2.result(await p2.op(note("n_before", "early idea"))))["type"] == "ack"

            # Three days later (by the servers' clock): both processes look, one closes.
            set_offset(clock, 3 * DAY + 1000)
            for c in clients:
                await c.wait_for(_is_close, timeout=30)
            await _settle(servers)
            closes = _closes(servers[1], board_id, fac_cred)
            assert len(closes) == 1, closes
            assert closes[0]["op_id"] == f"close-{deadline}"
            assert closes[0]["data"]["automatic"] is True
            assert closes[0]["data"]["schedule"]["closes_at"] == deadline

            # A note after the close: refused with the documented code, on either process.
            for c, note_id in ((p1, "n_late1"), (p2, "n_late2")):
                answer = await c.result(await c.op(note(note_id, "too late")))
                assert answer["type"] == "error" and answer["code"] == "collection_closed"

            # Reopen with a new deadline two days on: notes are welcome again.
            shifted_now = int(time.time() * 1000) + 3 * DAY + 1000
            second = shifted_now + 2 * DAY
            op = await fac.op({"type": "collection.schedule", "closes_at": second})
            assert (await fac.result(op))["type"] == "ack"
            assert (await p1.result(await p1.op(note("n_again", "reopened"))))["type"] == "ack"
            for c in clients:
                await c.close()
            clients = []

            # Every process is down when the second deadline passes; both come back
            # at once (a restart at the deadline): the collection closes once.
            ports = [s.port for s in servers]
            for s in servers:
                s.stop()
            set_offset(clock, 5 * DAY + 60_000)
            servers = [
                _server(pg_url, broker, tmp_path / f"d{i}", clock, port)
                for i, port in enumerate(ports)
            ]
            # The close may come before anyone connects: look in the log.
            while len(_closes(servers[0], board_id, fac_cred)) < 2:
                await asyncio.sleep(0.1)
            await _settle(servers)
            closes = _closes(servers[0], board_id, fac_cred)
            assert [c["op_id"] for c in closes] == [f"close-{deadline}", f"close-{second}"]
            fac = Client(servers[1].ws, board_id, fac_cred)
            await fac.connect()
            clients = [fac]
            answer = await fac.result(await fac.op({"type": "collection.close"}))
            assert answer["code"] == "collection_state"
    finally:
        for c in clients:
            await c.close()
        for s in servers:
            s.stop()
