"""Kill the server with SIGKILL while ten clients write; nothing acknowledged is lost."""

import asyncio
import contextlib
from pathlib import Path

import httpx
import pytest

from tests.client import Client, create_board, join, note
from tests.services import ServerProcess

CLIENTS = 10


async def _write_until_cut(client: Client, sent: list[str], prefix: str, batch: int) -> None:
    """Send note ops every few ms until the connection dies: one op per frame
    (`batch` 1) or `batch` ops in one `ops` frame (docs/protocol.md §2.3)."""
    i = 0
    with contextlib.suppress(Exception):
        while client.closed_code is None:
            op_ids = [f"{prefix}-{i + k}" for k in range(batch)]
            sent.extend(op_ids)
            if batch == 1:
                await client.op(note(f"n-{op_ids[0]}", f"note {op_ids[0]}"), op_id=op_ids[0])
            else:
                await client.ops([(note(f"n-{o}", f"note {o}"), o) for o in op_ids])
            i += batch
            # The same op rate either way: the log must stay within the server's
            # window of recent events, so that every client resumes incrementally.
            await asyncio.sleep(0.004 * batch)


@pytest.mark.asyncio
@pytest.mark.slow
async def test_sigkill_loses_no_acknowledged_op(database_url: str, tmp_path: Path) -> None:
    env = {"SAMSKAPA_OPS_PER_SECOND": "10000", "SAMSKAPA_OPS_BURST": "10000"}
    server = ServerProcess(database_url, tmp_path / "data", env=env).start()
    try:
        async with asyncio.timeout(120):
            board = create_board(server.http)
            clients = []
            for i in range(CLIENTS):
                cred = join(server.http, board, "participant", f"P{i}")["credential"]
                c = Client(server.ws, board["board_id"], cred)
                await c.connect()
                clients.append(c)
            sent: list[list[str]] = [[] for _ in clients]
            writers = [
                # Half the clients send batches of ops: each op of a batch is
                # acknowledged on its own, and only after its commit.
                asyncio.create_task(_write_until_cut(c, sent[i], f"c{i}", 1 if i % 2 else 4))
                for i, c in enumerate(clients)
            ]
            # Let them write, wait for a good number of acks, then crash the server.
            while sum(len(c.results) for c in clients) < 1500:
                await asyncio.sleep(0.05)
            server.kill()
            await asyncio.gather(*writers)
            acked_before = {
                op for c in clients for op, r in c.results.items() if r["type"] == "ack"
            }
            assert len(acked_before) >= 1500

            # Same port, same database: a restart.
            server = ServerProcess(
                database_url, tmp_path / "data", port=server.port, env=env
            ).start()
            for i, c in enumerate(clients):
                resumed = Client(server.ws, c.board_id, c.credential, last_seq=c.last_seq)
                welcome = await resumed.connect()
                assert welcome["resume"] == "incremental"
                # The outbox: everything this client sent without an answer.
                for op_id in sent[i]:
                    if op_id not in c.results:
                        await resumed.op(note(f"n-{op_id}", f"note {op_id}"), op_id=op_id)
                for op_id in sent[i]:
                    if op_id not in c.results:
                        assert (await resumed.result(op_id))["type"] == "ack"
                clients[i] = resumed

            events = []
            with httpx.Client(base_url=server.http, timeout=10) as http:
                auth = {"Authorization": f"Bearer {clients[0].credential}"}
                after = 0
                while True:
                    page = http.get(
                        f"/api/boards/{board['board_id']}/events",
                        params={"after": after, "limit": 1000},
                        headers=auth,
                    ).json()
                    events += page["events"]
                    if not page["more"]:
                        break
                    after = page["events"][-1]["seq"]
            seqs = [e["seq"] for e in events]
            assert seqs == list(range(1, len(seqs) + 1)), "seq has a gap"
            op_ids = [e["op_id"] for e in events]
            assert len(op_ids) == len(set(op_ids)), "an op was applied twice"
            stored = set(op_ids)
            assert acked_before <= stored, "an acknowledged op was lost"
            every_sent = {op for s in sent for op in s}
            assert every_sent <= stored
            # Every client resumed to the same head.
            head = seqs[-1]
            for c in clients:
                if c.last_seq != head:
                    await c.wait_for(lambda m: m.get("seq") == head and "." in m["type"])
                assert c.last_seq == head
                await c.close()
    finally:
        server.stop()
