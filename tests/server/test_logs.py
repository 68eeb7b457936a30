"""Operator logs: one JSON line per websocket open and close, request ids through a
load balancer, and no names or note text at info level."""

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import websockets

from tests.client import create_board, join, note
from tests.services import ServerProcess


@pytest.fixture
def json_server(sqlite_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    env = {"SAMSKAPA_LOG_FORMAT": "json", "SAMSKAPA_LOG_LEVEL": "info"}
    proc = ServerProcess(sqlite_url, tmp_path / "data", env=env).start()
    try:
        yield proc
    finally:
        proc.stop()


def log_entries(server: ServerProcess) -> list[dict[str, Any]]:
    assert server.log_path is not None
    entries = []
    for line in server.log_path.read_text().splitlines():
        if line.startswith("{"):
            entries.append(orjson.loads(line))
    return entries


def test_request_ids_come_from_the_balancer_or_are_made(server: ServerProcess) -> None:
    with httpx.Client(base_url=server.http, timeout=10) as http:
        given = http.get("/livez", headers={"X-Request-ID": "lb-7f3a.1"})
        assert given.headers["x-request-id"] == "lb-7f3a.1"
        made = http.get("/livez")
        assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
        assert http.get("/livez").headers["x-request-id"] != made.headers["x-request-id"]
        # Something a log line should not carry is replaced, not passed on.
        odd = http.get("/livez", headers={"X-Request-ID": "a b\tc"})
        assert re.fullmatch(r"[0-9a-f]{32}", odd.headers["x-request-id"])
        refused = http.get("/api/boards/b_nothing/snapshot", headers={"X-Request-ID": "r-1"})
        assert (refused.status_code, refused.headers["x-request-id"]) == (401, "r-1")


@pytest.mark.asyncio
async def test_one_line_per_websocket_open_and_close_without_names_or_text(
    json_server: ServerProcess,
) -> None:
    server = json_server
    async with asyncio.timeout(60):
        board = create_board(server.http, "Mission board")
        board_id = board["board_id"]
        cred = join(server.http, board, "participant", "Zlatan Secretname")["credential"]
        # Through the balancer: nginx passes its own id on the upgrade request.
        ws = await websockets.connect(
            f"{server.ws}/ws/boards/{board_id}", additional_headers={"X-Request-ID": "lb-ws-42"}
        )
        await ws.send(
            orjson.dumps({"type": "hello", "protocol": 1, "credential": cred, "last_seq": None})
        )
        await ws.recv()
        op = {"type": "op", "op_id": "o1", "command": note("n1", "Very private idea text")}
        await ws.send(orjson.dumps(op))
        while b'"ack"' not in (await ws.recv()):
            pass
        await ws.close(code=1000)
        # A socket that never says a valid hello is logged too, without a role.
        bad = await websockets.connect(f"{server.ws}/ws/boards/{board_id}")
        await bad.send("not json")
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                await bad.recv()
        closes: list[dict[str, Any]] = []
        while len(closes) < 2:
            await asyncio.sleep(0.1)
            entries = log_entries(server)
            closes = [e for e in entries if e.get("event") == "websocket.close"]
        opens = [e for e in entries if e.get("event") == "websocket.open"]

    assert len(opens) == 1
    assert opens[0]["level"] == "info"
    assert (opens[0]["board_id"], opens[0]["role"], opens[0]["request_id"]) == (
        board_id,
        "participant",
        "lb-ws-42",
    )
    first, second = sorted(closes, key=lambda e: e["role"] is None)
    assert (first["board_id"], first["role"]) == (board_id, "participant")
    assert first["close_code"] == 1000
    assert first["request_id"] == "lb-ws-42"
    assert first["duration_s"] >= 0
    assert (second["role"], second["close_code"]) == (None, 4000)
    assert server.log_path is not None
    text = server.log_path.read_text()
    for secret in ("Zlatan", "Secretname", "Very private idea text", cred):
        assert secret not in text
