"""Facilitation over real websockets: private writing that never reaches anyone
else (a canary string searched for in every frame, REST answer, export and log
line), anonymous authorship, the timer under skewed client clocks, step rules
and the facilitator's viewport for "follow me"."""

import asyncio
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tests.client import Client, create_board, is_event, join, note
from tests.services import ServerProcess

CANARY = "KANARIE-7f3a9c"
FAST = {"SAMSKAPA_OPS_PER_SECOND": "1000", "SAMSKAPA_OPS_BURST": "1000"}
AUTHOR_PSEUDONYM = re.compile(r"p_[0-9a-f]{24}")

SILENT = {"write": "private", "edit": "own", "group": False, "link": False, "vote": False}
CLUSTER = {"write": "none", "edit": "all", "group": True, "link": True, "vote": False}
WORKSHOP = [
    ("facilitator", "Lina"),
    ("participant", "Amira"),
    ("participant", "Björn"),
    ("observer", "Olle"),
]
READ_ONLY = {"write": "none", "edit": "none", "group": False, "link": False, "vote": False}


async def _people(
    server: ServerProcess, board: dict[str, Any], people: list[tuple[str, str]]
) -> list[Client]:
    clients = []
    for role, name in people:
        c = Client(server.ws, board["board_id"], join(server.http, board, role, name)["credential"])
        await c.connect()
        clients.append(c)
    return clients


async def _ok(c: Client, command: dict[str, Any]) -> dict[str, Any]:
    answer = await c.result(await c.op(command))
    assert answer["type"] == "ack", answer
    return answer


async def _refused(c: Client, command: dict[str, Any]) -> str:
    answer = await c.result(await c.op(command))
    assert answer["type"] == "error", answer
    return str(answer["code"])


def _member_id(c: Client) -> str:
    return str(c.messages[0]["member"]["id"])


def _rest(server: ServerProcess, board: dict[str, Any], c: Client, path: str) -> str:
    r = httpx.get(
        f"{server.http}/api/boards/{board['board_id']}/{path}",
        headers={"Authorization": f"Bearer {c.credential}"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return r.text


@pytest.mark.asyncio
async def test_private_notes_reach_nobody_but_their_author_until_the_reveal(
    fast_server: ServerProcess,
) -> None:
    server = fast_server
    async with asyncio.timeout(90):
        board = create_board(server.http)
        lina, amira, bjorn, olle = await _people(server, board, WORKSHOP)
        steps = [
            {"id": "s1", "title": "Tysta idéer", "minutes": 8, "rules": SILENT},
            {"id": "s2", "title": "Visa och gruppera", "minutes": 10, "rules": CLUSTER},
        ]
        await _ok(lina, {"type": "agenda.set", "steps": steps})
        await _ok(lina, {"type": "agenda.go", "step_id": "s1"})
        # Amira writes, edits, moves, recolours and re-kinds a private note; a
        # second one she deletes; Björn writes one too.
        await _ok(amira, note("n_a", f"{CANARY} elvägar", 10, 10))
        await _ok(amira, {"type": "note.edit", "note_id": "n_a", "text": f"{CANARY} elvägar E20"})
        await _ok(amira, {"type": "note.move", "note_id": "n_a", "x": 40, "y": 50})
        await _ok(amira, {"type": "note.recolor", "note_id": "n_a", "color": "pink"})
        await _ok(amira, {"type": "note.kind", "note_id": "n_a", "kind": "initiative"})
        await _ok(amira, note("n_gone", f"{CANARY} ångrad", 300, 10))
        await _ok(amira, {"type": "note.delete", "note_id": "n_gone"})
        await _ok(bjorn, note("n_b", "Lastcyklar i Göteborg", 200, 10))
        # Others may not touch it, and may not even learn that it exists.
        for c in (bjorn, lina):
            code = await _refused(c, {"type": "note.edit", "note_id": "n_a", "text": "x"})
            assert code == "not_found"
        for c in (lina, amira, bjorn, olle):
            await c.wait_for(lambda m: m.get("seq") == lina.last_seq)
        late = Client(
            server.ws,
            board["board_id"],
            join(server.http, board, "participant", "Sen")["credential"],
        )
        await late.connect()  # a reset during silent writing
        rest = {
            c: [_rest(server, board, c, p) for p in ("snapshot", "events?after=0&limit=1000")]
            for c in (lina, bjorn, olle)
        }
        exports = [_rest(server, board, lina, p) for p in ("notes.csv", "links.csv")]

        # Before the reveal: the canary is in Amira's frames only.
        assert CANARY in orjson.dumps(amira.messages).decode()
        for c in (lina, bjorn, olle, late):
            assert CANARY not in orjson.dumps(c.messages).decode()
            assert "n_a" not in orjson.dumps(c.events).decode()
        for texts in rest.values():
            for text in texts:
                assert CANARY not in text and "n_a" not in text
        for text in exports:
            assert CANARY not in text
        # ... and they see how many notes are being written, nothing more.
        counts = [m["data"].get("count") for m in bjorn.events if m["type"] == "note.private"]
        assert counts[-1] == 1 and max(c for c in counts if c is not None) == 2
        hidden = [m for m in lina.events if m["type"] == "note.private"]
        assert all(m["actor"] == "" and m["op_id"] == "" for m in hidden)
        assert set().union(*(m["data"].keys() for m in hidden)) <= {"count"}
        snap = next(m for m in late.messages if m.get("type") == "snapshot")
        assert snap["state"]["private_count"] == 2
        assert set(snap["state"]["notes"]) == set()
        own_bjorn = orjson.loads(rest[bjorn][0])["own_notes"]
        assert set(own_bjorn["notes"]) == {"n_b"}
        # Not groupable, linkable or votable before the reveal, even by the author.
        await _ok(lina, {"type": "agenda.go", "step_id": "s2"})
        assert (
            await _refused(
                amira, {"type": "link.create", "link_id": "l1", "from_id": "n_a", "to_id": "n_b"}
            )
            == "not_found"  # n_b is Björn's and still private
        )

        await _ok(lina, {"type": "notes.reveal"})
        for c in (lina, bjorn, olle, late):
            revealed = await c.wait_for(lambda m: m.get("type") == "notes.revealed")
            texts = {n["id"]: n["text"] for n in revealed["data"]["notes"]}
            assert texts == {"n_a": f"{CANARY} elvägar E20", "n_b": "Lastcyklar i Göteborg"}
            assert all(not n["private"] for n in revealed["data"]["notes"])
        snap_after = orjson.loads(_rest(server, board, olle, "snapshot"))
        assert snap_after["state"]["private_count"] == 0
        assert snap_after["state"]["notes"]["n_a"]["kind"] == "initiative"
        assert "n_gone" not in snap_after["state"]["notes"]
        # Now they can be clustered and linked.
        await _ok(bjorn, {"type": "group.create", "group_id": "g1", "note_ids": ["n_a", "n_b"]})
        await _ok(
            amira,
            {"type": "link.create", "link_id": "l1", "from_id": "n_a", "to_id": "n_b"},
        )
        for c in (lina, amira, bjorn, olle, late):
            await c.close()
    server.stop()
    assert server.log_path is not None
    assert CANARY not in server.log_path.read_text()


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", ["facilitators", "full"])
async def test_anonymous_authorship_never_leaves_the_server(tmp_path: Path, mode: str) -> None:
    server = ServerProcess(
        f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "d", env=FAST
    ).start()
    try:
        async with asyncio.timeout(90):
            board = create_board(server.http)
            lina, amira, bjorn, olle = await _people(server, board, WORKSHOP)
            await _ok(lina, {"type": "board.anonymity", "mode": mode})
            await _ok(lina, note("n_seed", "Fossilfritt 2030", 0, 0))
            await _ok(amira, note("n_a", "Elvägar", 10, 10))
            await _ok(amira, {"type": "note.move", "note_id": "n_a", "x": 20, "y": 20})
            await _ok(bjorn, note("n_b", "Lastcyklar", 200, 10))
            await _ok(
                bjorn, {"type": "link.create", "link_id": "l1", "from_id": "n_a", "to_id": "n_b"}
            )
            await _ok(lina, {"type": "agenda.set", "steps": [{"id": "s1", "title": "Skriv"}]})
            await _ok(lina, {"type": "agenda.go", "step_id": "s1"})
            await _ok(amira, {"type": "step.ready", "ready": True})
            # Once people have written, anonymity can only become stricter.
            assert await _refused(lina, {"type": "board.anonymity", "mode": "off"}) == (
                "anonymity_locked"
            )
            for c in (lina, amira, bjorn, olle):
                await c.wait_for(lambda m: m.get("seq") == lina.last_seq)
            late = Client(server.ws, board["board_id"], olle.credential)
            await late.connect()
            amira_id, bjorn_id = _member_id(amira), _member_id(bjorn)

            def authorship_in(text: str) -> bool:
                return amira_id in text or bjorn_id in text

            # Participants and observers: no author, no actor, no op_id of others.
            for viewer in (amira, bjorn, olle, late):
                for m in viewer.events:
                    if m["type"] == "participant.joined":
                        continue  # who is on the board is not anonymous
                    assert not authorship_in(orjson.dumps(m).decode()), m
                rest = [_rest(server, board, viewer, p) for p in ("snapshot", "events")]
                for text in rest:
                    body = orjson.loads(text)
                    notes = (body.get("state") or {}).get("notes", {})
                    assert all(n["author"] == "" for n in notes.values())
                    for e in body.get("events", []):
                        if e["type"] != "participant.joined":
                            assert not authorship_in(orjson.dumps(e).decode()), e
            # Each author still knows their own notes.
            created = next(
                m
                for m in amira.events
                if m["type"] == "note.created" and m["data"]["note"]["id"] == "n_a"
            )
            assert created["data"]["note"].get("mine") is True
            own = orjson.loads(_rest(server, board, amira, "snapshot"))["own_notes"]
            assert own["mine"] == ["n_a"]
            # "I'm done": Amira knows hers, the facilitator counts it, nobody learns whose.
            assert own["ready"] == ["s1"]
            lina_view = orjson.loads(_rest(server, board, lina, "snapshot"))
            assert lina_view["state"]["ready"] == {"s1": 1}
            # The facilitator: names with "facilitators", nobody's with "full".
            created_for_lina = next(
                m
                for m in lina.events
                if m["type"] == "note.created" and m["data"]["note"]["id"] == "n_a"
            )
            notes_csv = _rest(server, board, lina, "notes.csv")
            if mode == "facilitators":
                assert created_for_lina["data"]["note"]["author"] == amira_id
                assert "Amira" in notes_csv
            else:
                assert created_for_lina["data"]["note"]["author"] == ""
                for m in lina.events:
                    if m["type"] != "participant.joined":
                        assert not authorship_in(orjson.dumps(m).decode()), m
                assert "Amira" not in notes_csv and "Björn" not in notes_csv
                assert "seeded (top-down)" in notes_csv and "participant (bottom-up)" in notes_csv
            for c in (lina, amira, bjorn, olle, late):
                await c.close()
        server.stop()
        if mode == "full":
            # Not even the database names the authors.
            db = sqlite3.connect(tmp_path / "db.sqlite")
            rows = db.execute(
                "SELECT actor, data FROM events WHERE type IN ('note.created', 'note.moved', "
                "'link.created', 'step.ready_changed')"
            ).fetchall()
            db.close()
            for actor, data in rows:
                assert amira_id not in actor + data and bjorn_id not in actor + data
            assert any(AUTHOR_PSEUDONYM.fullmatch(actor) for actor, _ in rows)
    finally:
        server.stop()


@pytest.mark.asyncio
async def test_timer_reads_the_same_on_clocks_thirty_seconds_apart(
    fast_server: ServerProcess,
) -> None:
    """Clients render `ends_at − (their clock + offset)`, the offset taken from
    `server_time` in `welcome` and `pong` (docs/protocol.md). Two clients whose
    clocks are 30 s fast and 30 s slow must show the same remaining time."""
    server = fast_server
    async with asyncio.timeout(60):
        board = create_board(server.http)
        lina, early, late = await _people(
            server,
            board,
            [("facilitator", "Lina"), ("participant", "Fast clock"), ("participant", "Slow")],
        )
        skew = {early: 30_000.0, late: -30_000.0}

        def clock(c: Client) -> float:
            return time.time() * 1000 + skew[c]  # each client's wrong wall clock

        offsets: dict[Client, float] = {}
        # The pong's server_time is stamped before it travels: an offset taken from it
        # is short by up to the round trip, so a client may read up to that much more.
        round_trip = 0.0
        for c in (early, late):
            # As the browser does: the offset from a pong's server_time.
            sent = time.monotonic()
            await c.send({"type": "ping"})
            pong = await c.wait_for(lambda m: m.get("type") == "pong")
            round_trip = max(round_trip, (time.monotonic() - sent) * 1000)
            offsets[c] = pong["server_time"] - clock(c)
        await _ok(lina, {"type": "timer.start", "seconds": 300})
        remaining: dict[Client, float] = {}
        for c in (early, late):
            changed = await c.wait_for(lambda m: m.get("type") == "timer.changed")
            remaining[c] = changed["data"]["timer"]["ends_at"] - (clock(c) + offsets[c])
        assert abs(remaining[early] - remaining[late]) < 1000 + round_trip
        assert 298_000 < remaining[early] <= 300_000 + round_trip
        # Pause and resume keep the remaining time, as the server counts it.
        await _ok(lina, {"type": "timer.pause"})
        paused = await early.wait_for(
            lambda m: m.get("type") == "timer.changed" and m["data"]["action"] == "paused"
        )
        assert 298_000 < paused["data"]["timer"]["remaining_ms"] <= 300_000
        assert await _refused(lina, {"type": "timer.pause"}) == "timer_state"
        await _ok(lina, {"type": "timer.add", "seconds": 60})
        await _ok(lina, {"type": "timer.start"})
        resumed = await late.wait_for(
            lambda m: m.get("type") == "timer.changed" and m["data"]["action"] == "resumed"
        )
        assert resumed["data"]["timer"]["duration_ms"] == 360_000
        await _ok(lina, {"type": "timer.stop"})
        for c in (lina, early, late):
            await c.close()


@pytest.mark.asyncio
async def test_step_rules_lock_and_follow_me(fast_server: ServerProcess) -> None:
    server = fast_server
    async with asyncio.timeout(60):
        board = create_board(server.http)
        lina, amira, olle = await _people(
            server,
            board,
            [("facilitator", "Lina"), ("participant", "Amira"), ("observer", "Olle")],
        )
        await _ok(lina, note("n_seed", "Fossilfria godstransporter 2030", 0, 0))
        steps = [{"id": "s1", "title": "Välkommen", "minutes": 5, "rules": READ_ONLY}]
        await _ok(lina, {"type": "agenda.set", "steps": steps})
        await _ok(lina, {"type": "agenda.go", "step_id": "s1"})
        assert await _refused(amira, note("n_x", "idé")) == "step_forbids"
        assert await _refused(
            amira, {"type": "note.move", "note_id": "n_seed", "x": 1, "y": 1}
        ) == ("step_forbids")
        # "I'm done": the member sees their own, the others a count.
        await _ok(amira, {"type": "step.ready", "ready": True})
        mine = await amira.wait_for(lambda m: m.get("type") == "step.ready_changed")
        theirs = await lina.wait_for(lambda m: m.get("type") == "step.ready_changed")
        assert mine["data"] == {"step_id": "s1", "ready": True, "count": 1, "mine": True}
        assert theirs["data"] == {"step_id": "s1", "count": 1}
        assert (theirs["actor"], theirs["op_id"]) == ("", "")
        await _ok(lina, {"type": "agenda.go", "step_id": None})
        await _ok(amira, note("n_free", "fri tavla"))
        await _ok(lina, {"type": "board.lock", "locked": True})
        assert await _refused(amira, note("n_locked", "låst")) == "board_locked"
        await _ok(lina, {"type": "board.lock", "locked": False})
        # Follow me: the facilitator's viewport reaches everyone within a tick.
        await _ok(lina, {"type": "attention.follow", "on": True})
        await lina.send({"type": "view", "x": -400, "y": -300, "w": 1600, "h": 900})
        for c in (amira, olle):
            view = await c.wait_for(lambda m: m.get("type") == "leader_view")
            assert view == {
                "type": "leader_view",
                "member_id": _member_id(lina),
                "x": -400,
                "y": -300,
                "w": 1600,
                "h": 900,
            }
        # A participant's viewport is nobody's business.
        await amira.send({"type": "view", "x": 5, "y": 5, "w": 100, "h": 100})
        await _ok(amira, note("n_after", "efter"))
        await olle.wait_for(
            lambda m: (
                is_event(m) and m["type"] == "note.created" and m["data"]["note"]["id"] == "n_after"
            )
        )
        assert not [m for m in olle.messages if m.get("type") == "leader_view" and m["x"] == 5]
        for c in (lina, amira, olle):
            await c.close()
