"""Erasing a participant's personal data, on SQLite and PostgreSQL with real
server processes: afterwards no stored row, websocket frame (snapshot or
incremental resume, on either process), REST answer, export, replay state or
report carries their name or credential, for any role; the board still folds,
their notes stay by a former participant, and their sockets are closed."""

import asyncio
import hashlib
from pathlib import Path

import httpx
import orjson
import pytest

from tests.client import Client, all_events, create_board, join, note
from tests.server.database_rows import all_rows
from tests.server.replay_workshop import get, ok
from tests.services import ServerProcess, redis_or_skip

CANARY = "Kanarie7731"
RENAMED = "Fagel9194"
# Enough ops for a stored snapshot (every 500 events), so snapshots are rewritten too.
MOVES = 520
FAST_OPS = {"SAMSKAPA_OPS_PER_SECOND": "2000", "SAMSKAPA_OPS_BURST": "2000"}


def _hits(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s in text]


async def _frames_text(server: ServerProcess, board_id: str, credential: str) -> str:
    """Everything a fresh connection receives, by reset and by incremental resume from 0."""
    texts = []
    for last_seq in (None, 0):
        client = Client(server.ws, board_id, credential, last_seq=last_seq)
        await client.connect()
        await client.wait_for(lambda m: m.get("type") in ("snapshot", "own_notes") or "seq" in m)
        await asyncio.sleep(0.3)
        texts.append(orjson.dumps(client.messages).decode())
        await client.close()
    return "\n".join(texts)


def _rest_text(server: ServerProcess, board_id: str, credential: str, head: int) -> str:
    paths = [
        "snapshot",
        "me",
        "news?after=0",
        "timeline",
        "export.json?events=true",
        "notes.csv",
        "links.csv",
        "votes.csv",
        "report.html",
        "report.md",
        "template.json",
        "links",
    ]
    # Replay at every seq up to the erasure's neighbourhood, and some after.
    seqs = sorted({*range(1, 40), *range(head - 10, head + 1), head // 2})
    paths += [f"state?seq={s}" for s in seqs if s >= 1]
    texts = [get(server.http, board_id, credential, p).text for p in paths]
    texts.append(orjson.dumps(all_events(server.http, board_id, credential)).decode())
    return "\n".join(texts)


@pytest.mark.asyncio
async def test_an_erased_participant_leaves_no_trace_and_the_board_still_folds(
    database_url: str, tmp_path: Path
) -> None:
    env = {"SAMSKAPA_BROKER_URL": redis_or_skip(), **FAST_OPS}
    a = ServerProcess(database_url, tmp_path / "a", env=env).start()
    b = ServerProcess(database_url, tmp_path / "b", env=env).start()
    try:
        async with asyncio.timeout(240):
            board = create_board(a.http, "Erasure workshop")
            board_id = board["board_id"]
            fac = join(a.http, board, "facilitator", "Lina")["credential"]
            omar = join(a.http, board, "participant", "Omar", "public")["credential"]
            observer = join(a.http, board, "observer", "Olle")["credential"]
            joined = join(a.http, board, "participant", CANARY, "business")
            canary, canary_id = joined["credential"], joined["member_id"]
            secrets = [CANARY, RENAMED, canary, hashlib.sha256(canary.encode()).hexdigest()]

            f = Client(a.ws, board_id, fac)
            o = Client(a.ws, board_id, omar)
            c = Client(b.ws, board_id, canary)
            for client in (f, o, c):
                await client.connect()
            await ok(f, {"type": "vote.open", "round_id": "r1", "anonymous": False, "blind": False})
            await ok(c, note("n_c", "The canary's idea stays", 10, 10))
            await ok(o, note("n_o", "Omar's idea", 300, 10))
            await ok(c, {"type": "vote.cast", "round_id": "r1", "note_id": "n_o"})
            await ok(c, {"type": "participant.update", "name": RENAMED})
            await ok(f, {"type": "vote.close", "round_id": "r1"})
            for i in range(MOVES):
                await c.op({"type": "note.move", "note_id": "n_c", "x": i, "y": 10}, f"m{i}")
            await c.result(f"m{MOVES - 1}", timeout=60)
            # A snapshot is written with the commit after the one that passed 500.
            head = (await ok(o, note("n_o2", "Omar again", 300, 200)))["seq"]
            assert any(RENAMED in r for r in all_rows(database_url)["snapshots"])
            # Replay warmed on both processes: their cached states hold the name
            # (one before the head: the head itself is the live state, not cached).
            for server in (a, b):
                assert RENAMED in get(server.http, board_id, fac, f"state?seq={head - 1}").text
            assert get(a.http, board_id, omar, f"state?seq={head}").status_code == 403

            refused = httpx.delete(
                f"{a.http}/api/boards/{board_id}/members/{canary_id}",
                headers={"Authorization": f"Bearer {omar}"},
                timeout=10,
            )
            assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
            unknown = httpx.delete(
                f"{a.http}/api/boards/{board_id}/members/m_nobody",
                headers={"Authorization": f"Bearer {fac}"},
                timeout=10,
            )
            assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
            seen_before = len(o.messages)
            erased = httpx.delete(
                f"{a.http}/api/boards/{board_id}/members/{canary_id}",
                headers={"Authorization": f"Bearer {fac}"},
                timeout=30,
            )
            assert erased.status_code == 200, erased.text
            assert erased.json()["member_id"] == canary_id

            # Their socket (on the other process) is closed; their credential is gone.
            assert await c.wait_closed() == 4001
            assert get(a.http, board_id, canary, "snapshot").status_code == 401
            again = Client(b.ws, board_id, canary)
            with pytest.raises(AssertionError, match="4001"):
                await again.connect()

            # Those still connected got the erasure, and nothing with the name since.
            erasure = await o.wait_for(lambda m: m.get("type") == "participant.erased")
            assert erasure["data"] == {"participant_id": canary_id}
            start = o.messages.index(erasure, seen_before)
            await asyncio.sleep(4)  # past the other process's next presence announcement
            assert _hits(orjson.dumps(o.messages[start:]).decode(), secrets) == []

            # Nothing stored, sent or answered carries them, for any role or a late joiner.
            rows = all_rows(database_url)
            assert {
                t: _hits("\n".join(r), secrets)
                for t, r in rows.items()
                if _hits("\n".join(r), secrets)
            } == {}
            late = join(b.http, board, "participant", "Late")["credential"]
            head = erased.json()["seq"]
            for credential in (fac, omar, observer, late):
                for server in (a, b):
                    assert _hits(await _frames_text(server, board_id, credential), secrets) == []
                    assert _hits(_rest_text(server, board_id, credential, head), secrets) == []
            export = a.cli("export", board_id, "-o", "-", "--events")
            assert export.returncode == 0 and _hits(export.stdout, secrets) == []

            # The board still folds: the notes stay, by a former participant.
            state = get(b.http, board_id, fac, "snapshot").json()["state"]
            assert state["participants"][canary_id]["name"] == ""
            assert state["participants"][canary_id]["sector"] == "business"
            assert state["notes"]["n_c"]["author"] == canary_id
            assert state["notes"]["n_c"]["text"] == "The canary's idea stays"
            assert "former participant" in get(a.http, board_id, fac, "notes.csv").text
            replayed = get(a.http, board_id, fac, f"state?seq={head}").json()["state"]
            assert replayed["participants"][canary_id] == state["participants"][canary_id]
            assert replayed["notes"].keys() == state["notes"].keys()
            after = Client(b.ws, board_id, omar)
            await after.connect()
            await ok(after, note("n_after", "Life goes on", 600, 10))
            await after.close()
    finally:
        a.stop()
        b.stop()


@pytest.mark.asyncio
async def test_erase_member_from_the_command_line_reaches_a_running_server(
    database_url: str, tmp_path: Path
) -> None:
    server = ServerProcess(database_url, tmp_path / "data").start()
    try:
        async with asyncio.timeout(90):
            board = create_board(server.http, "CLI erasure")
            board_id = board["board_id"]
            fac = join(server.http, board, "facilitator", "Lina")["credential"]
            joined = join(server.http, board, "participant", CANARY)
            canary = Client(server.ws, board_id, joined["credential"])
            watcher = Client(server.ws, board_id, fac)
            await canary.connect()
            await watcher.connect()
            await ok(canary, note("n_c", "stays", 0, 0))

            bad = server.cli("erase-member", board_id, "m_nobody")
            assert bad.returncode == 1 and "not_found" in bad.stderr
            nothing = server.cli("erase-member", "b_nothing", joined["member_id"])
            assert nothing.returncode == 1 and "board_not_found" in nothing.stderr

            done = server.cli("erase-member", board_id, joined["member_id"])
            assert done.returncode == 0, done.stderr
            # The running server picks the event up from the database.
            assert await canary.wait_closed(timeout=20) == 4001
            await watcher.wait_for(lambda m: m.get("type") == "participant.erased", timeout=20)
            rows = all_rows(database_url)
            assert not any(CANARY in r for table in rows.values() for r in table)
            fresh = await _frames_text(server, board_id, fac)
            assert CANARY not in fresh and joined["credential"] not in fresh
            state = get(server.http, board_id, fac, "snapshot").json()["state"]
            assert state["notes"]["n_c"]["author"] == joined["member_id"]
    finally:
        server.stop()
