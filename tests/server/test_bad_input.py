"""Bad input: each gets its documented answer; the connection (where it should),
the server and every other client carry on."""

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.client import Client, create_board, is_event, join, note
from tests.services import ServerProcess


async def _board(server: ServerProcess) -> tuple[dict[str, Any], Client, Client, Client]:
    board = create_board(server.http)
    creds = {
        role: join(server.http, board, role, role.title())["credential"]
        for role in ("facilitator", "participant", "observer")
    }
    clients = [Client(server.ws, board["board_id"], creds[r]) for r in creds]
    for c in clients:
        await c.connect()
    return board, clients[0], clients[1], clients[2]


@pytest.mark.asyncio
async def test_bad_messages_get_stable_codes_and_the_connection_stays(
    server: ServerProcess,
) -> None:
    async with asyncio.timeout(60):
        _, fac, par, obs = await _board(server)
        before = len(fac.events)
        cases: list[tuple[str | dict[str, Any], str]] = [
            ("{not json", "invalid_json"),
            ("[1, 2]", "invalid_json"),
            ({"type": "teleport"}, "unknown_type"),
            ({"type": "op", "op_id": "x1", "command": {"type": "note.explode"}}, "unknown_type"),
            (
                {"type": "op", "op_id": "x2", "command": {**note("n"), "sparkle": True}},
                "invalid_message",
            ),
            ({"type": "op", "op_id": "x3", "command": note("n", "x" * 501)}, "text_too_long"),
            (
                # Half a position (a note without any is placed by the server).
                {
                    "type": "op",
                    "op_id": "x4",
                    "command": {"type": "note.create", "note_id": "n", "x": 5},
                },
                "invalid_message",
            ),
            (
                {
                    "type": "op",
                    "op_id": "x4b",
                    "command": {**note("n"), "frame_id": "f"},
                },
                "invalid_message",
            ),
            (
                {
                    "type": "op",
                    "op_id": "x5",
                    "command": {
                        "type": "frame.create",
                        "frame_id": "f",
                        "x": 0,
                        "y": 0,
                        "w": 100,
                        "h": 100,
                    },
                },
                "forbidden",
            ),
            (
                {
                    "type": "op",
                    "op_id": "x6",
                    "command": {"type": "note.edit", "note_id": "nope", "text": "x"},
                },
                "not_found",
            ),
            # Booleans are JSON booleans only; numbers keep their documented leniency.
            (
                {"type": "op", "op_id": "x7", "command": {"type": "step.ready", "ready": 1}},
                "invalid_message",
            ),
            (
                {"type": "op", "op_id": "x8", "command": {"type": "step.ready", "ready": "yes"}},
                "invalid_message",
            ),
        ]
        for message, code in cases:
            await par.send(message)
            error = await par.wait_for(
                lambda m, c=code: m.get("type") == "error" and m["code"] == c
            )
            par.messages.remove(error)
        # An observer may not change anything.
        op = await obs.op(note("n_obs"))
        assert (await obs.result(op))["code"] == "forbidden"
        # Everyone is still connected and works; nobody saw anything of the above.
        ok = await par.op(note("n_ok", "still here"))
        assert (await par.result(ok))["type"] == "ack"
        await fac.wait_for(lambda m: m.get("op_id") == ok and is_event(m))
        assert [e["op_id"] for e in fac.events[before:]] == [ok]
        assert not [m for m in fac.messages if m.get("type") == "error"]
        for c in (fac, par, obs):
            assert c.closed_code is None
            await c.close()


@pytest.mark.asyncio
async def test_refused_connections_get_documented_close_codes(server: ServerProcess) -> None:
    async with asyncio.timeout(60):
        board, fac, par, obs = await _board(server)
        await par.close()
        await obs.close()
        board_id = board["board_id"]

        async def closing_code(first: str, path: str = f"/ws/boards/{board_id}") -> int | None:
            async with websockets.connect(f"{server.ws}{path}") as ws:
                await ws.send(first)
                with pytest.raises(websockets.ConnectionClosed):
                    while True:
                        await ws.recv()
                return ws.close_code

        hello = '{"type":"hello","protocol":1,"credential":"%s","last_seq":null}'
        assert await closing_code(hello % "wrong") == 4001
        assert await closing_code('{"type":"hello","protocol":1,"last_seq":null}') == 4000
        assert await closing_code('{"type":"ping"}') == 4000
        assert (
            await closing_code('{"type":"hello","protocol":99,"credential":"%s"}' % fac.credential)
            == 4005
        )
        # A credential of one board does not open another.
        other = create_board(server.http)
        assert await closing_code(hello % fac.credential, f"/ws/boards/{other['board_id']}") == 4001
        # A board that does not exist: 4004, whatever the credential.
        for credential in (fac.credential, "wrong"):
            assert await closing_code(hello % credential, "/ws/boards/b_missing") == 4004
        # Too large a message closes with 1009.
        big = '{"type":"ping","pad":"%s"}' % ("x" * 70_000)
        assert await closing_code(big) == 1009
        # A second hello on a live connection is a protocol error.
        c = Client(server.ws, board_id, fac.credential)
        await c.connect()
        await c.send(hello % fac.credential)
        assert await c.wait_closed() == 4000
        await c.close()
        # The first client never noticed any of it.
        op = await fac.op(note("n1"))
        assert (await fac.result(op))["type"] == "ack"
        await fac.close()


@pytest.mark.asyncio
async def test_foreign_origin_is_refused_at_the_handshake(server: ServerProcess) -> None:
    async with asyncio.timeout(30):
        board, fac, par, obs = await _board(server)
        await par.close()
        await obs.close()
        foreign = Client(server.ws, board["board_id"], fac.credential)
        with pytest.raises(websockets.InvalidStatus) as refused:
            await foreign.connect(origin="https://evil.example")
        assert refused.value.response.status_code == 403
        same = Client(server.ws, board["board_id"], fac.credential)
        welcome = await same.connect(origin=server.http)
        assert welcome["type"] == "welcome"
        await same.close()
        await fac.close()


def test_rest_errors_have_stable_codes(server: ServerProcess) -> None:
    board = create_board(server.http)
    bid = board["board_id"]
    with httpx.Client(base_url=server.http, timeout=10) as http:
        r = http.post("/api/boards", json={"title": ""})
        assert (r.status_code, r.json()["code"]) == (400, "invalid_message")
        r = http.post("/api/boards", json={"title": "x", "colour": "red"})
        assert (r.status_code, r.json()["code"]) == (400, "invalid_message")
        r = http.post(f"/api/boards/{bid}/join", json={"link": "nope", "name": "A"})
        assert (r.status_code, r.json()["code"]) == (403, "invalid_link")
        r = http.post("/api/boards/b_missing/join", json={"link": "nope", "name": "A"})
        assert (r.status_code, r.json()["code"]) == (404, "board_not_found")
        r = http.post(
            f"/api/boards/{bid}/join", json={"link": board["tokens"]["participant"], "name": " "}
        )
        assert (r.status_code, r.json()["code"]) == (400, "invalid_message")
        r = http.get(f"/api/boards/{bid}/snapshot")
        assert (r.status_code, r.json()["code"]) == (401, "unauthorized")
        r = http.get(f"/api/boards/{bid}/snapshot", headers={"Authorization": "Bearer wrong"})
        assert (r.status_code, r.json()["code"]) == (401, "unauthorized")
        r = http.get("/api/boards/b_missing/snapshot", headers={"Authorization": "Bearer wrong"})
        assert (r.status_code, r.json()["code"]) == (404, "board_not_found")
        assert http.get("/health").json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_rest_join_snapshot_and_event_pages(server: ServerProcess) -> None:
    board = create_board(server.http, title="Idéer för 2030", language="sv")
    bid = board["board_id"]
    with httpx.Client(base_url=server.http, timeout=10) as http:
        info = http.post(f"/api/boards/{bid}/access", json={"link": board["tokens"]["observer"]})
        assert info.json() == {
            "board_id": bid,
            "role": "observer",
            "title": "Idéer för 2030",
            "language": "sv",
        }
        joined = join(server.http, board, "participant", "Amira", "business")
        assert joined["role"] == "participant" and len(joined["credential"]) >= 43
        auth = {"Authorization": f"Bearer {joined['credential']}"}
        snap = http.get(f"/api/boards/{bid}/snapshot", headers=auth).json()
        assert snap["state"]["participants"][joined["member_id"]]["sector"] == "business"
        page = http.get(
            f"/api/boards/{bid}/events", params={"after": 0, "limit": 1}, headers=auth
        ).json()
        assert [e["type"] for e in page["events"]] == ["board.created"]
        assert page["more"] is True and page["head_seq"] == 2
        rest = http.get(f"/api/boards/{bid}/events", params={"after": 1}, headers=auth).json()
        assert [e["seq"] for e in rest["events"]] == [2] and rest["more"] is False
        assert (
            http.get(f"/api/boards/{bid}/events", params={"limit": 0}, headers=auth).status_code
            == 400
        )
        # The link tokens themselves are never stored: only their hashes.
        assert http.get("/openapi.json").status_code == 200


@pytest.mark.asyncio
async def test_a_silent_client_is_closed_with_the_heartbeat_code(tmp_path: Path) -> None:
    server = ServerProcess(
        f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
        tmp_path / "data",
        env={"SAMSKAPA_HEARTBEAT_TIMEOUT": "2"},
    ).start()
    try:
        async with asyncio.timeout(30):
            board = create_board(server.http)
            cred = join(server.http, board, "participant", "Quiet")["credential"]
            quiet = Client(server.ws, board["board_id"], cred)
            talking = Client(server.ws, board["board_id"], cred)
            await quiet.connect()
            await talking.connect()
            for _ in range(8):
                await talking.send({"type": "ping"})
                await asyncio.sleep(0.5)
            assert await quiet.wait_closed() == 4009
            assert talking.closed_code is None
            await talking.close()
    finally:
        server.stop()
