"""Several real server processes on PostgreSQL + Redis serving one board."""

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from samskapa.check import Exit
from tests.client import Client, all_events, create_board, is_event, join, note
from tests.services import RedisProcess, ServerProcess, postgres_database, redis_or_skip

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
FAST = {"SAMSKAPA_OPS_PER_SECOND": "10000", "SAMSKAPA_OPS_BURST": "10000"}


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


def _servers(n: int, pg_url: str, broker: str, tmp_path: Path) -> list[ServerProcess]:
    return [
        ServerProcess(
            pg_url, tmp_path / f"data{i}", env={**FAST, "SAMSKAPA_BROKER_URL": broker}
        ).start()
        for i in range(n)
    ]


async def _writer(client: Client, prefix: str, count: int) -> set[str]:
    """Send `count` ops in bursts of 50, waiting for their answers; return the acked ones."""
    acked: set[str] = set()
    for start in range(0, count, 50):
        ids = [
            await client.op(note(f"{prefix}-{i}", f"{prefix} {i}", i, 0), op_id=f"{prefix}-{i}")
            for i in range(start, min(count, start + 50))
        ]
        for op_id in ids:
            if (await client.result(op_id, timeout=60))["type"] == "ack":
                acked.add(op_id)
    return acked


@pytest.mark.asyncio
async def test_writers_on_several_processes_share_one_gapless_log(
    pg_url: str, tmp_path: Path
) -> None:
    broker = redis_or_skip()
    servers = _servers(3, pg_url, broker, tmp_path)
    try:
        async with asyncio.timeout(180):
            board = create_board(servers[0].http)
            clients = []
            for i in range(8):
                server = servers[i % len(servers)]
                cred = join(server.http, board, "participant", f"W{i}")["credential"]
                c = Client(server.ws, board["board_id"], cred)
                await c.connect()
                clients.append(c)
            # 8 writers across 3 processes, 5,000 ops in all.
            results = await asyncio.gather(
                *[_writer(c, f"w{i}", 625) for i, c in enumerate(clients)]
            )
            acked = set().union(*results)
            assert len(acked) == 5000
            events = all_events(servers[1].http, board["board_id"], clients[0].credential)
            seqs = [e["seq"] for e in events]
            assert seqs == list(range(1, len(seqs) + 1)), "gap in seq"
            op_ids = [e["op_id"] for e in events]
            assert len(op_ids) == len(set(op_ids)), "duplicate op"
            assert acked <= set(op_ids), "an acknowledged op is missing"
            # Every client, on every process, saw the same events in the same order.
            head = seqs[-1]
            for c in clients:
                if c.last_seq != head:
                    await c.wait_for(lambda m: is_event(m) and m["seq"] == head, timeout=30)
            first = [e["op_id"] for e in clients[0].events]
            for c in clients[1:]:
                ops = [e["op_id"] for e in c.events]
                assert ops == first[len(first) - len(ops) :]
            for c in clients:
                await c.close()
    finally:
        for s in servers:
            s.stop()


@pytest.mark.asyncio
async def test_clients_converge_while_redis_is_down_and_after_it_returns(
    pg_url: str, tmp_path: Path
) -> None:
    redis = RedisProcess().start()
    servers = _servers(2, pg_url, redis.url, tmp_path)
    try:
        async with asyncio.timeout(180):
            board = create_board(servers[0].http)
            a = Client(
                servers[0].ws,
                board["board_id"],
                join(servers[0].http, board, "participant", "A")["credential"],
            )
            b = Client(
                servers[1].ws,
                board["board_id"],
                join(servers[1].http, board, "participant", "B")["credential"],
            )
            await a.connect()
            await b.connect()
            before = await a.op(note("before"))
            await a.result(before)
            await b.wait_for(lambda m: m.get("op_id") == before and is_event(m))

            redis.stop()
            # Degraded, still ready: the boards go on through SQL polling.
            ready = httpx.get(f"{servers[0].http}/readyz", timeout=10)
            assert ready.status_code == 200, ready.text
            assert ready.json()["status"] == "degraded"
            assert ready.json()["broker"].startswith("error")
            sent = []
            for i in range(100):  # ten seconds of writing on both processes
                for c, name in ((a, "a"), (b, "b")):
                    sent.append((c, await c.op(note(f"{name}{i}"))))
                await asyncio.sleep(0.1)
            for c, op_id in sent:
                assert (await c.result(op_id))["type"] == "ack"
            redis = RedisProcess(port=redis.port).start()
            b_last = b.results[sent[-1][1]]["seq"]
            head = max(a.results[sent[-2][1]]["seq"], b_last)
            for c in (a, b):
                if c.last_seq != head:
                    await c.wait_for(lambda m: is_event(m) and m["seq"] == head, timeout=20)
            assert [e["op_id"] for e in a.events] == [e["op_id"] for e in b.events]
            # And after the broker is back, doorbells flow again.
            after = await b.op(note("after"))
            await a.wait_for(lambda m: m.get("op_id") == after and is_event(m), timeout=20)
            for _ in range(50):
                if httpx.get(f"{servers[0].http}/readyz", timeout=10).json()["status"] == "ok":
                    break
                await asyncio.sleep(0.2)
            assert httpx.get(f"{servers[0].http}/readyz", timeout=10).json()["broker"] == "ok"
            await a.close()
            await b.close()
    finally:
        for s in servers:
            s.stop()
        redis.stop()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_second_process_with_the_memory_broker_is_refused(backend: str, tmp_path: Path) -> None:
    def second(url: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "samskapa",
                "serve",
                "--port",
                "0",
                "--no-demo",
                "--database-url",
                url,
                "--data-dir",
                str(tmp_path / "d2"),
            ],
            env={**os.environ, "SAMSKAPA_SECRET": "test-voter-secret"},
            capture_output=True,
            text=True,
            timeout=60,
        )

    def check(url: str) -> None:
        first = ServerProcess(url, tmp_path / "d1").start()
        try:
            result = second(url)
            assert result.returncode != 0
            assert "Another Samskapa process is already serving this database" in result.stderr
            assert result.returncode == Exit.IN_USE and "Traceback" not in result.stderr
        finally:
            first.stop()

    if backend == "sqlite":
        check(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    else:
        with postgres_database() as url:
            check(url)


def test_several_workers_need_a_real_broker(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "samskapa",
            "serve",
            "--workers",
            "2",
            "--no-demo",
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "several workers need a broker" in result.stderr


@pytest.mark.asyncio
async def test_presence_and_facilitator_cursors_span_processes(pg_url: str, tmp_path: Path) -> None:
    broker = redis_or_skip()
    servers = _servers(2, pg_url, broker, tmp_path)
    try:
        async with asyncio.timeout(60):
            board = create_board(servers[0].http)
            lina = Client(
                servers[0].ws,
                board["board_id"],
                join(servers[0].http, board, "facilitator", "Lina")["credential"],
            )
            amira = Client(
                servers[1].ws,
                board["board_id"],
                join(servers[1].http, board, "participant", "Amira")["credential"],
            )
            await lina.connect()
            await amira.connect()
            lina_id = lina.messages[0]["member"]["id"]
            amira_id = amira.messages[0]["member"]["id"]
            # Each sees the other online, though they are on different processes.
            await lina.wait_for(
                lambda m: (
                    m.get("type") == "presence" and any(j["id"] == amira_id for j in m["joined"])
                )
            )
            if not any(o["id"] == lina_id for o in amira.messages[0]["online"]):
                await amira.wait_for(
                    lambda m: (
                        m.get("type") == "presence" and any(j["id"] == lina_id for j in m["joined"])
                    )
                )
            # The facilitator's pointer reaches Amira wherever it is, across processes.
            await amira.send({"type": "view", "x": 0, "y": 0, "w": 500, "h": 500})
            for i in range(20):
                await lina.send({"type": "cursor", "x": 90_000 + i, "y": 90_000})
                await asyncio.sleep(0.1)
            await amira.wait_for(
                lambda m: m.get("type") == "cursors" and any(e[0] == lina_id for e in m["c"])
            )
            await lina.close()
            left = await amira.wait_for(
                lambda m: m.get("type") == "presence" and lina_id in m["left"]
            )
            assert left["left"] == [lina_id]
            await amira.close()
    finally:
        for s in servers:
            s.stop()
