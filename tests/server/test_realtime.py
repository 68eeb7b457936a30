"""Real server process, real websocket clients."""

import asyncio
import socket
from pathlib import Path

import httpx
import pytest
import websockets

from tests.client import Client, create_board, is_event, join, note
from tests.services import ServerProcess


def _metric(server: ServerProcess, name: str) -> float:
    for line in httpx.get(f"{server.http}/metrics", timeout=5).text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"no metric {name}")


async def _pair(server: ServerProcess) -> tuple[dict, Client, Client]:  # type: ignore[type-arg]
    board = create_board(server.http)
    a = Client(
        server.ws, board["board_id"], join(server.http, board, "participant", "A")["credential"]
    )
    b = Client(
        server.ws, board["board_id"], join(server.http, board, "participant", "B")["credential"]
    )
    await a.connect()
    await b.connect()
    return board, a, b


@pytest.mark.asyncio
async def test_two_clients_see_each_others_ops_in_the_same_order(server: ServerProcess) -> None:
    async with asyncio.timeout(60):
        _, a, b = await _pair(server)
        ops = []
        for i in range(50):
            sender = a if i % 2 else b
            ops.append((sender, await sender.op(note(f"n{i}", f"note {i}", i, i))))
        for sender, op_id in ops:
            assert (await sender.result(op_id))["type"] == "ack"
        head = max(e["seq"] for e in a.events)
        await b.wait_for(lambda m: is_event(m) and m["seq"] == head)
        assert [e["seq"] for e in a.events] == [e["seq"] for e in b.events]
        assert [e["op_id"] for e in a.events] == [e["op_id"] for e in b.events]
        # The author sees its own event too, before its ack.
        first_ack = next(i for i, m in enumerate(a.messages) if m.get("type") == "ack")
        acked = a.messages[first_ack]["op_id"]
        assert any(m.get("op_id") == acked and is_event(m) for m in a.messages[:first_ack])
        await a.close()
        await b.close()


@pytest.mark.asyncio
async def test_presence_lists_who_is_online(server: ServerProcess) -> None:
    async with asyncio.timeout(30):
        board = create_board(server.http)
        a = Client(
            server.ws,
            board["board_id"],
            join(server.http, board, "facilitator", "Lina", "public")["credential"],
        )
        welcome = await a.connect()
        assert [m["name"] for m in welcome["online"]] == ["Lina"]
        cred = join(server.http, board, "participant", "Amira", "business")["credential"]
        b = Client(server.ws, board["board_id"], cred)
        welcome_b = await b.connect()
        assert sorted(m["name"] for m in welcome_b["online"]) == ["Amira", "Lina"]
        joined = await a.wait_for(
            lambda m: m.get("type") == "presence" and "Amira" in [j["name"] for j in m["joined"]]
        )
        assert [j["sector"] for j in joined["joined"] if j["name"] == "Amira"] == ["business"]
        await b.close()
        left = await a.wait_for(lambda m: m.get("type") == "presence" and m["left"])
        assert left["left"] == [welcome_b["member"]["id"]]
        await a.close()


@pytest.mark.asyncio
async def test_reconnect_with_last_seq_gets_exactly_the_missed_events(
    server: ServerProcess,
) -> None:
    async with asyncio.timeout(60):
        board, a, b = await _pair(server)
        op = await a.op(note("n0"))
        await a.result(op)
        await b.wait_for(lambda m: m.get("op_id") == op and is_event(m))
        seen = b.last_seq
        await b.close()
        missed = []
        for i in range(1, 21):
            missed.append(await a.op(note(f"n{i}")))
        for op_id in missed:
            await a.result(op_id)
        resumed = Client(server.ws, board["board_id"], b.credential, last_seq=seen)
        welcome = await resumed.connect()
        assert welcome["resume"] == "incremental"
        await resumed.wait_for(lambda m: is_event(m) and m["seq"] == welcome["head_seq"])
        assert [e["op_id"] for e in resumed.events] == missed
        assert [e["seq"] for e in resumed.events] == list(range(seen + 1, seen + 21))
        # Current client: incremental with nothing to send.
        current = Client(server.ws, board["board_id"], b.credential, last_seq=welcome["head_seq"])
        w2 = await current.connect()
        assert w2["resume"] == "incremental"
        # A client that is ahead of the server (e.g. a restored database) is reset.
        ahead = Client(server.ws, board["board_id"], b.credential, last_seq=welcome["head_seq"] + 5)
        w3 = await ahead.connect()
        assert w3["resume"] == "reset"
        snap = await ahead.wait_for(lambda m: m.get("type") == "snapshot")
        assert snap["seq"] == welcome["head_seq"] and len(snap["state"]["notes"]) == 21
        for c in (a, resumed, current, ahead):
            await c.close()


@pytest.mark.asyncio
async def test_a_retried_op_id_is_applied_once(server: ServerProcess) -> None:
    async with asyncio.timeout(30):
        _, a, b = await _pair(server)
        first = await a.op(note("n1", "once"), op_id="retry-me")
        ack1 = await a.result(first)
        await a.close()
        # Resend after a reconnect, as the browser's outbox does.
        again = Client(a.ws_base, a.board_id, a.credential, last_seq=a.last_seq)
        await again.connect()
        await again.op(note("n1", "once"), op_id="retry-me")
        ack2 = await again.result("retry-me")
        assert ack2 == {"type": "ack", "op_id": "retry-me", "seq": ack1["seq"], "duplicate": True}
        snapshot = httpx.get(
            f"{again.ws_base.replace('ws', 'http')}/api/boards/{a.board_id}/events",
            headers={"Authorization": f"Bearer {a.credential}"},
        ).json()
        assert [e["op_id"] for e in snapshot["events"]].count("retry-me") == 1
        await again.close()
        await b.close()


@pytest.mark.asyncio
async def test_a_stalled_client_is_cut_off_and_delays_no_one(tmp_path: Path) -> None:
    server = ServerProcess(
        f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
        tmp_path / "data",
        env={
            "SAMSKAPA_OUTBOUND_QUEUE_MESSAGES": "1500",
            "SAMSKAPA_OPS_PER_SECOND": "100000",
            "SAMSKAPA_OPS_BURST": "100000",
        },
    ).start()
    try:
        async with asyncio.timeout(120):
            board, writer, watcher = await _pair(server)
            cred = join(server.http, board, "participant", "Stalled")["credential"]
            # A client that stops reading: websockets stops taking data from the
            # socket once one message waits unread (max_queue=1), so the kernel
            # buffers fill and the server's sends to it block. Its receive
            # buffer is fixed small: loopback may otherwise grow it to 32 MB.
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
            sock.setblocking(False)
            host, port = server.http.removeprefix("http://").split(":")
            await asyncio.get_running_loop().sock_connect(sock, (host, int(port)))
            stalled = Client(server.ws, board["board_id"], cred)
            stalled.ws = await websockets.connect(
                f"{server.ws}/ws/boards/{board['board_id']}", max_queue=1, max_size=None, sock=sock
            )
            await stalled.send(
                {"type": "hello", "protocol": 1, "credential": cred, "last_seq": None}
            )
            text = "x" * 490
            # Kernel buffers on loopback hold a few MB; keep writing until the
            # server reports the eviction (bounded: at most 20,000 ops, ~12 MB).
            evicted = False
            await writer.result(await writer.op(note("n1")))
            for _burst in range(40):
                chunk = [
                    await writer.op({"type": "note.edit", "note_id": "n1", "text": f"{i}{text}"})
                    for i in range(500)
                ]
                # Everyone else gets every ack while the stalled client holds
                # its connection open without reading.
                for op_id in chunk:
                    result = await writer.result(op_id, timeout=30)
                    assert result["type"] == "ack", result
                if _metric(server, "samskapa_evictions_total") >= 1:
                    evicted = True
                    break
            assert evicted, "the stalled client was never cut off"
            head = writer.results[chunk[-1]]["seq"]
            await watcher.wait_for(lambda m: is_event(m) and m["seq"] == head, timeout=60)
            assert watcher.closed_code is None and writer.closed_code is None
            # Once it reads again, the stalled client finds the resync close code.
            try:
                async for _ in stalled.ws:
                    pass
            except websockets.ConnectionClosed:
                pass
            code = stalled.ws.close_code
            assert code == 4008, f"stalled client closed with {code}"
            await writer.close()
            await watcher.close()
    finally:
        server.stop()


@pytest.mark.asyncio
async def test_graceful_shutdown_tells_clients_to_reconnect(tmp_path: Path) -> None:
    server = ServerProcess(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "d").start()
    try:
        async with asyncio.timeout(30):
            board = create_board(server.http)
            c = Client(
                server.ws,
                board["board_id"],
                join(server.http, board, "participant", "A")["credential"],
            )
            await c.connect()
            await asyncio.to_thread(server.stop)  # SIGTERM
            assert await c.wait_closed() == 1012
    finally:
        server.stop()
