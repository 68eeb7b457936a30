"""Placement over real websockets: 200 notes from 20 phones at once into one
frame, none on another and all inside the frame; a facilitator tidies a frame
and its groups stay together (docs/protocol.md, `note.create` without a position)."""

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.client import Client, create_board, join
from tests.services import ServerProcess

NOTE_W, NOTE_H = 160, 120
# 20 phones × 10 notes as fast as they can: above the default per-connection rate.
FAST = {"SAMSKAPA_OPS_PER_SECOND": "1000", "SAMSKAPA_OPS_BURST": "1000"}


@pytest.fixture
def fast_server(database_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(database_url, tmp_path / "data", env=FAST).start()
    try:
        yield server
    finally:
        server.stop()


async def _client(server: ServerProcess, board: dict[str, Any], role: str, name: str) -> Client:
    c = Client(server.ws, board["board_id"], join(server.http, board, role, name)["credential"])
    await c.connect()
    return c


async def _ok(c: Client, command: dict[str, Any]) -> None:
    answer = await c.result(await c.op(command), timeout=60)
    assert answer["type"] == "ack", answer


def _snapshot(server: ServerProcess, board: dict[str, Any], c: Client) -> dict[str, Any]:
    r = httpx.get(
        f"{server.http}/api/boards/{board['board_id']}/snapshot",
        headers={"Authorization": f"Bearer {c.credential}"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    state: dict[str, Any] = r.json()["state"]
    return state


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return abs(a["x"] - b["x"]) < NOTE_W and abs(a["y"] - b["y"]) < NOTE_H


def _inside(n: dict[str, Any], f: dict[str, Any]) -> bool:
    return (
        f["x"] <= n["x"]
        and n["x"] + NOTE_W <= f["x"] + f["w"]
        and f["y"] <= n["y"]
        and n["y"] + NOTE_H <= f["y"] + f["h"]
    )


@pytest.mark.asyncio
async def test_200_notes_from_20_phones_never_overlap_and_stay_in_the_frame(
    fast_server: ServerProcess,
) -> None:
    board = create_board(fast_server.http)
    lead = await _client(fast_server, board, "facilitator", "Lina")
    # Room for 20 × 11 notes: 4,000 × 1,600 holds 22 columns × 11 rows.
    await _ok(
        lead,
        {"type": "frame.create", "frame_id": "f1", "x": 0, "y": 0, "w": 4000, "h": 1600},
    )
    step = {"id": "s1", "title": "Ideas", "frame_id": "f1"}
    await _ok(lead, {"type": "agenda.set", "steps": [step]})
    await _ok(lead, {"type": "agenda.go", "step_id": "s1"})
    phones = [await _client(fast_server, board, "participant", f"P{i}") for i in range(20)]

    async def add_ten(i: int, phone: Client) -> None:
        # Fired without waiting for acks, so the server sees them interleaved.
        ops = [
            await phone.op(
                {"type": "note.create", "note_id": f"n{i}_{k}", "text": f"idé {i}.{k}"}
                | ({"frame_id": "f1"} if k % 2 else {})
            )
            for k in range(10)
        ]
        for op_id in ops:
            answer = await phone.result(op_id, timeout=60)
            assert answer["type"] == "ack", answer

    await asyncio.gather(*(add_ten(i, p) for i, p in enumerate(phones)))
    state = _snapshot(fast_server, board, lead)
    notes = list(state["notes"].values())
    frame = state["frames"]["f1"]
    assert len(notes) == 200
    assert all(n["frame_id"] == "f1" and _inside(n, frame) for n in notes)
    for i, a in enumerate(notes):
        for b in notes[i + 1 :]:
            assert not _overlap(a, b), (a["id"], b["id"])
    for c in [lead, *phones]:
        await c.close()


@pytest.mark.asyncio
async def test_tidy_on_a_real_server_keeps_groups_together(fast_server: ServerProcess) -> None:
    board = create_board(fast_server.http)
    lead = await _client(fast_server, board, "facilitator", "Lina")
    amira = await _client(fast_server, board, "participant", "Amira")
    await _ok(lead, {"type": "frame.create", "frame_id": "f1", "x": 0, "y": 0, "w": 900, "h": 700})
    spots = [(30, 40), (500, 400), (220, 300), (700, 90), (60, 500), (420, 120), (300, 560)]
    for k, (x, y) in enumerate(spots):
        await _ok(amira, {"type": "note.create", "note_id": f"n{k}", "x": x, "y": y})
    await _ok(lead, {"type": "group.create", "group_id": "g1", "note_ids": ["n1", "n4", "n6"]})
    await _ok(lead, {"type": "group.create", "group_id": "g2", "note_ids": ["n0", "n3"]})
    refused = await amira.result(await amira.op({"type": "frame.tidy", "frame_id": "f1"}))
    assert refused["code"] == "forbidden"
    await _ok(lead, {"type": "frame.tidy", "frame_id": "f1"})
    tidied = await amira.wait_for(lambda m: m.get("type") == "frame.tidied")
    assert {p["note_id"] for p in tidied["data"]["places"]} == {f"n{k}" for k in range(7)}
    state = _snapshot(fast_server, board, amira)
    notes = list(state["notes"].values())
    for i, a in enumerate(notes):
        for b in notes[i + 1 :]:
            assert not _overlap(a, b)
    rows: dict[str | None, set[float]] = {}
    for n in notes:
        rows.setdefault(n["group_id"], set()).add(n["y"])
    # Each group (and the ungrouped rest) has rows of its own.
    assert all(not (a & b) for ka, a in rows.items() for kb, b in rows.items() if ka != kb), rows
    for c in (lead, amira):
        await c.close()
