"""Connections that say nothing, clients that freeze, a full process, and the
HTTP rate limits (README "Limits", docs/protocol.md §2.7–2.8)."""

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import websockets
from prometheus_client.parser import text_string_to_metric_families
from websockets.exceptions import InvalidStatus

from tests.client import Client, create_board, join
from tests.services import ServerProcess

# SAMSKAPA_REQUEST_TIMEOUT's default (settings.py), as README documents it.
REQUEST_TIMEOUT = 10.0
# How much later than documented a close may come on a busy machine.
HEADROOM = 20.0


def _value(text: str, name: str, **labels: str) -> float | None:
    """A sample's value in a /metrics answer (prometheus_client writes 1 as 1.0)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return None


def _server(tmp_path: Path, **env: str) -> ServerProcess:
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"
    return ServerProcess(url, tmp_path / "data", env=env).start()


async def _closed_by_server(reader: asyncio.StreamReader) -> bytes:
    """Everything the server sent until it closed the connection."""
    received = b""
    while chunk := await reader.read(4096):
        received += chunk
    return received


@pytest.mark.asyncio
async def test_connections_that_send_no_request_are_closed_within_the_request_timeout(
    server: ServerProcess,
) -> None:
    async with asyncio.timeout(REQUEST_TIMEOUT + HEADROOM + 30):
        silent = await asyncio.open_connection("127.0.0.1", server.port)
        slow = await asyncio.open_connection("127.0.0.1", server.port)
        # A request that never ends its headers (one line, then nothing).
        slow[1].write(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        await slow[1].drain()
        board = create_board(server.http)
        mute = await websockets.connect(f"{server.ws}/ws/boards/{board['board_id']}")

        # Meanwhile a client that does speak is answered, and kept alive between requests.
        async with httpx.AsyncClient(base_url=server.http) as http:
            assert (await http.get("/health")).status_code == 200

        async with asyncio.timeout(REQUEST_TIMEOUT + HEADROOM):
            assert await _closed_by_server(silent[0]) == b""
            assert await _closed_by_server(slow[0]) == b""
            await mute.wait_closed()
        assert mute.close_code == 4009
        for _, writer in (silent, slow):
            writer.close()


@pytest.mark.asyncio
async def test_a_body_that_trickles_is_cut_off_and_a_slow_steady_one_is_not(
    tmp_path: Path,
) -> None:
    """A body has the request timeout plus a second per
    SAMSKAPA_REQUEST_BODY_MIN_RATE bytes that arrive (README, "Limits")."""
    timeout = 2.0
    server = _server(tmp_path, SAMSKAPA_REQUEST_TIMEOUT=str(timeout))
    try:
        padding = 200_000
        head = (
            "POST /api/boards/import HTTP/1.1\r\nHost: x\r\n"
            "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n"
        )
        # A slowloris: a large declared body, a byte every half second.
        trickle = await asyncio.open_connection("127.0.0.1", server.port)
        trickle[1].write(head.format(padding).encode() + b"{")

        async def drip() -> None:
            while True:
                await asyncio.sleep(0.5)
                trickle[1].write(b" ")

        dripping = asyncio.create_task(drip())
        # Meanwhile a slow but steady upload of the same size (40 KB/s, so it
        # takes longer than the request timeout) is read to its end.
        body = b'{"format": "not-a-board"' + b" " * (padding - 26) + b"}"
        steady = await asyncio.open_connection("127.0.0.1", server.port)
        steady[1].write(head.format(len(body)).encode())
        for i in range(0, len(body), 20_000):
            steady[1].write(body[i : i + 20_000])
            await asyncio.sleep(0.5)
        async with asyncio.timeout(timeout + HEADROOM):
            answer = await steady[0].readuntil(b"\r\n\r\n")
            assert answer.startswith(b"HTTP/1.1 400"), answer
            # Closed: the end of the stream, or a reset our drip ran into.
            with contextlib.suppress(ConnectionError):
                assert await _closed_by_server(trickle[0]) == b""
        dripping.cancel()
        for _, writer in (trickle, steady):
            writer.close()
        assert "Traceback" not in server.log_path.read_text()
    finally:
        server.stop()


FROZEN_CLIENT = """
import sys, time
from websockets.sync.client import connect
with connect(sys.argv[1]) as ws:
    ws.send('{"type":"hello","protocol":1,"credential":"%s"}' % sys.argv[2])
    ws.recv(timeout=10)
    print(ws.socket.getsockname()[1], flush=True)
    time.sleep(600)
"""


def _established(server_port: int, client_port: int) -> bool:
    """Whether the server's end of this TCP connection is still ESTABLISHED."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, state = fields[1], fields[2], fields[3]
            if (
                int(local.rsplit(":", 1)[1], 16) == server_port
                and int(remote.rsplit(":", 1)[1], 16) == client_port
                and state == "01"
            ):
                return True
    return False


@pytest.mark.asyncio
async def test_a_frozen_client_is_closed_by_the_heartbeat(tmp_path: Path) -> None:
    """A client that stops reading and writing (its process is frozen, as behind a
    half-open connection) loses its socket after the heartbeat timeout."""
    server = _server(tmp_path, SAMSKAPA_HEARTBEAT_TIMEOUT="2")
    frozen = None
    try:
        board = create_board(server.http)
        cred = join(server.http, board, "participant", "Frozen")["credential"]
        other = Client(
            server.ws, board["board_id"], join(server.http, board, "observer", "O")["credential"]
        )
        frozen = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            FROZEN_CLIENT,
            f"{server.ws}/ws/boards/{board['board_id']}",
            cred,
            stdout=subprocess.PIPE,
        )
        assert frozen.stdout is not None
        port = int(await asyncio.wait_for(frozen.stdout.readline(), 30))
        assert _established(server.port, port)
        frozen.send_signal(signal.SIGSTOP)
        async with asyncio.timeout(60):
            while _established(server.port, port):
                await asyncio.sleep(0.2)
            # The others hear that the frozen member left.
            await other.connect()
            while True:
                metrics = httpx.get(f"{server.http}/metrics", timeout=10).text
                if _value(metrics, "samskapa_connections") == 1:
                    break
                await asyncio.sleep(0.2)
            await other.close()
    finally:
        if frozen is not None:
            frozen.kill()
            await frozen.wait()
        server.stop()


@pytest.mark.asyncio
async def test_a_full_process_refuses_websockets_with_503_and_our_error_body(
    tmp_path: Path,
) -> None:
    server = _server(tmp_path, SAMSKAPA_MAX_CONNECTIONS="2")
    try:
        async with asyncio.timeout(60):
            board = create_board(server.http)
            creds = [
                join(server.http, board, "participant", f"P{i}")["credential"] for i in range(3)
            ]
            first, second, third = (Client(server.ws, board["board_id"], c) for c in creds)
            await first.connect()
            await second.connect()
            with pytest.raises(InvalidStatus) as refused:
                await third.connect()
            response = refused.value.response
            assert response.status_code == 503
            assert response.headers["Retry-After"] == "10"
            assert json.loads(response.body)["code"] == "server_full"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
            metrics = httpx.get(f"{server.http}/metrics", timeout=10).text
            assert _value(metrics, "samskapa_ws_connections_refused_total") == 1
            # A place frees up (once the server has finished closing the first):
            # the next one gets in, and everyone else carried on.
            await first.close()
            while True:
                third = Client(server.ws, board["board_id"], creds[2])
                try:
                    await third.connect()
                    break
                except InvalidStatus as still_full:
                    assert still_full.response.status_code == 503
                    await asyncio.sleep(0.2)
            assert second.closed_code is None
            await second.close()
            await third.close()
    finally:
        server.stop()


def _limited_server(tmp_path: Path, joins: int) -> ServerProcess:
    """Two new boards and `joins` joins per address at once, then one a minute."""
    return _server(
        tmp_path,
        SAMSKAPA_CREATE_BOARDS_PER_MINUTE="1",
        SAMSKAPA_CREATE_BOARDS_BURST="2",
        SAMSKAPA_JOINS_PER_MINUTE="1",
        SAMSKAPA_JOINS_BURST=str(joins),
    )


def test_creating_boards_and_joining_are_rate_limited_per_client_address(
    tmp_path: Path,
) -> None:
    server = _limited_server(tmp_path, joins=3)
    try:
        body = {"title": "Limited", "language": "en"}
        with httpx.Client(base_url=server.http, timeout=10) as http:
            made = [http.post("/api/boards", json=body) for _ in range(3)]
            assert [r.status_code for r in made] == [201, 201, 429]
            refused = made[2]
            assert refused.json()["code"] == "rate_limited"
            assert 1 <= int(refused.headers["Retry-After"]) <= 60
            # Behind a trusted proxy (127.0.0.1 by default) each forwarded
            # client address has its own allowance.
            other = http.post("/api/boards", json=body, headers={"X-Forwarded-For": "203.0.113.7"})
            assert other.status_code == 201

            board = made[0].json()
            token = board["links"]["participant"].split("#k=")[1]
            joined = [
                http.post(
                    f"/api/boards/{board['board_id']}/join",
                    json={"link": token, "name": f"P{i}"},
                )
                for i in range(4)
            ]
            assert [r.status_code for r in joined] == [201, 201, 201, 429]
            assert joined[3].json()["code"] == "rate_limited"
            assert "Retry-After" in joined[3].headers
            metrics = http.get("/metrics").text
            assert _value(metrics, "samskapa_http_rate_limited_total", route="create_board") == 1
            assert _value(metrics, "samskapa_http_rate_limited_total", route="join") == 1
    finally:
        server.stop()


def test_refused_requests_spend_no_allowance(tmp_path: Path) -> None:
    """Whatever is refused for its body, credential, link or role is answered as
    such, never 429, and leaves the allowance to those who may use it."""
    server = _limited_server(tmp_path, joins=2)
    try:
        body = {"title": "Limited", "language": "en"}
        with httpx.Client(base_url=server.http, timeout=10) as http:
            board = http.post("/api/boards", json=body).json()  # one of two spent
            board_id = board["board_id"]
            participant = board["links"]["participant"].split("#k=")[1]
            facilitator = board["links"]["facilitator"].split("#k=")[1]
            member = http.post(
                f"/api/boards/{board_id}/join", json={"link": participant, "name": "P"}
            ).json()["credential"]  # one of two joins spent
            refused = []
            for _ in range(5):
                refused += [
                    http.post("/api/boards", json={"title": ""}),
                    http.post("/api/boards", content=b"{not json"),
                    http.post(f"/api/boards/{board_id}/fork", json={"seq": 1}),
                    http.post(
                        f"/api/boards/{board_id}/fork",
                        json={"seq": 1},
                        headers={"Authorization": "Bearer not-a-credential"},
                    ),
                    http.post(
                        f"/api/boards/{board_id}/fork",
                        json={"seq": 1},
                        headers={"Authorization": f"Bearer {member}"},
                    ),
                    http.post(
                        f"/api/boards/{board_id}/join", json={"link": "wrong" * 8, "name": "X"}
                    ),
                    http.post(
                        "/api/boards/b_missing/join", json={"link": participant, "name": "X"}
                    ),
                    http.post(f"/api/boards/{board_id}/join", json={"name": "X"}),
                ]
            assert [r.status_code for r in refused[:8]] == [400, 400, 401, 401, 403, 403, 404, 400]
            assert all(r.status_code != 429 for r in refused), [r.status_code for r in refused]

            # The allowance is whole: one more of each, then 429.
            lead = http.post(
                f"/api/boards/{board_id}/join", json={"link": facilitator, "name": "F"}
            ).json()["credential"]
            fork = http.post(
                f"/api/boards/{board_id}/fork",
                json={"seq": 1},
                headers={"Authorization": f"Bearer {lead}"},
            )
            assert fork.status_code == 201, fork.text
            spent = [
                http.post("/api/boards", json=body),
                http.post(f"/api/boards/{board_id}/join", json={"link": participant, "name": "Q"}),
            ]
            assert [r.status_code for r in spent] == [429, 429]
            assert {r.json()["code"] for r in spent} == {"rate_limited"}
    finally:
        server.stop()
