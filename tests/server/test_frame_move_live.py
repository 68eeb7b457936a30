"""Moving a frame over real websockets, with clients on two server processes:
one `frame.moved` event for everyone, the notes carried by every fold (the
other process's, the snapshot's and the browser's own, state.js), someone's
private note included, and only facilitators may move frames."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.client import Client, create_board, join
from tests.services import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
SILENT = {"write": "private", "edit": "own", "group": True, "link": False, "vote": False}
# The browser's fold over what one client received: its snapshot, own notes, events.
FOLD = """
import { applyEvent, applyOwnNotes, fromSnapshot } from './frontend/js/core/state.js';
let data = '';
process.stdin.on('data', (c) => (data += c));
process.stdin.on('end', () => {
  let state = null;
  for (const msg of JSON.parse(data)) {
    if (msg.type === 'snapshot') state = fromSnapshot(msg);
    else if (msg.type === 'own_notes') applyOwnNotes(state, msg);
    else if (msg.type.includes('.') && state) applyEvent(state, msg);
  }
  process.stdout.write(JSON.stringify({ frames: state.frames, notes: state.notes }));
});
"""


async def _client(server: ServerProcess, board: dict[str, Any], role: str, name: str) -> Client:
    c = Client(server.ws, board["board_id"], join(server.http, board, role, name)["credential"])
    await c.connect()
    return c


async def _ok(c: Client, command: dict[str, Any]) -> dict[str, Any]:
    answer = await c.result(await c.op(command))
    assert answer["type"] == "ack", answer
    return answer


def _places(server: ServerProcess, board_id: str, c: Client) -> dict[str, Any]:
    """Where each note this member may see is, as this process's snapshot says."""
    r = httpx.get(
        f"{server.http}/api/boards/{board_id}/snapshot",
        headers={"Authorization": f"Bearer {c.credential}"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    notes = {**body["state"]["notes"], **body["own_notes"]["notes"]}
    return {
        "frames": {
            f["id"]: (f["x"], f["y"], f["w"], f["h"]) for f in body["state"]["frames"].values()
        },
        "notes": {n["id"]: (n["x"], n["y"], n["frame_id"]) for n in notes.values()},
    }


def _browser_fold(messages: list[dict[str, Any]]) -> dict[str, Any]:
    run = subprocess.run(
        ["node", "--input-type=module", "-e", FOLD],
        input=json.dumps(messages),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    state = json.loads(run.stdout)
    return {
        "frames": {f["id"]: (f["x"], f["y"], f["w"], f["h"]) for f in state["frames"].values()},
        "notes": {n["id"]: (n["x"], n["y"], n["frame_id"]) for n in state["notes"].values()},
    }


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.asyncio
async def test_a_frame_moves_with_its_notes_for_everyone_on_every_process(
    two_servers: list[ServerProcess],
) -> None:
    a, b = two_servers
    board = create_board(a.http, "Ramar", "sv")
    board_id = board["board_id"]
    fac = await _client(a, board, "facilitator", "Lina")
    amira = await _client(b, board, "participant", "Amira")
    bjorn = await _client(a, board, "participant", "Björn")
    clients = (fac, amira, bjorn)
    await _ok(
        fac, {"type": "agenda.set", "steps": [{"id": "s1", "title": "Tyst", "rules": SILENT}]}
    )
    await _ok(
        fac,
        {
            "type": "frame.create",
            "frame_id": "f1",
            "title": "Idéer",
            "x": 0,
            "y": 0,
            "w": 800,
            "h": 500,
        },
    )
    for note_id, x, y in (("n1", 24, 96), ("n2", 200, 96), ("loose", 1200, 900)):
        await _ok(fac, {"type": "note.create", "note_id": note_id, "text": note_id, "x": x, "y": y})
    await _ok(
        fac,
        {"type": "group.create", "group_id": "g1", "name": "Laddning", "note_ids": ["n1", "n2"]},
    )
    await _ok(fac, {"type": "agenda.go", "step_id": "s1"})
    # Amira writes in silence, on the other process: nobody else knows of her note.
    await _ok(
        amira, {"type": "note.create", "note_id": "secret", "text": "Min idé", "x": 376, "y": 96}
    )

    refused = await bjorn.result(
        await bjorn.op({"type": "frame.move", "frame_id": "f1", "x": 5, "y": 5})
    )
    assert refused["code"] == "forbidden"
    ack = await _ok(fac, {"type": "frame.move", "frame_id": "f1", "x": 1000.5, "y": -250})

    # One event, the same for everyone, naming no note.
    for c in clients:
        moved = await c.wait_for(lambda m: m.get("seq") == ack["seq"])
        assert moved["type"] == "frame.moved"
        assert moved["data"] == {"frame_id": "f1", "x": 1000.5, "y": -250}
        assert sum(e["type"] == "frame.moved" for e in c.events) == 1

    expected_shared = {
        "n1": (1024.5, -154, "f1"),
        "n2": (1200.5, -154, "f1"),
        "loose": (1200, 900, None),
    }
    for server in (a, b):
        for c in clients:
            seen = _places(server, board_id, c)
            assert seen["frames"] == {"f1": (1000.5, -250, 800, 500)}
            mine = {"secret": (1376.5, -154, "f1")} if c is amira else {}
            assert seen["notes"] == expected_shared | mine, (server.http, c.credential)
            # The browser's fold of what this client received lands on the same places.
            assert _browser_fold(c.messages) == seen
    # The group came along: its notes are together, where the frame went.
    r = httpx.get(
        f"{b.http}/api/boards/{board_id}/snapshot",
        headers={"Authorization": f"Bearer {bjorn.credential}"},
        timeout=10,
    )
    notes = r.json()["state"]["notes"]
    assert notes["n1"]["group_id"] == notes["n2"]["group_id"] == "g1"
    for c in clients:
        await c.close()
