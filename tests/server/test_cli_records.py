"""`samskapa export`, `samskapa import` and `samskapa backup` as an operator runs
them, next to a running server on the same database."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import orjson
import pytest

from tests.client import Client, create_board, join
from tests.server.replay_workshop import get, ok
from tests.services import ServerProcess

pytestmark = pytest.mark.asyncio


def _cli(server: ServerProcess, *args: str) -> subprocess.CompletedProcess[str]:
    return server.cli(*args)


def _pg_backup(folder: Path) -> subprocess.CompletedProcess[str]:
    pg = "postgresql+asyncpg://samskapa@db.example.org/samskapa"
    return subprocess.run(
        [sys.executable, "-m", "samskapa", "backup", str(folder)],
        env={**os.environ, "SAMSKAPA_DATABASE_URL": pg},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_export_import_and_backup_from_the_command_line(
    replay_server: ServerProcess, tmp_path: Path
) -> None:
    server = replay_server
    board = create_board(server.http, "Kommandorad", "sv")
    fac = join(server.http, board, "facilitator", "Lina")["credential"]
    c = Client(server.ws, board["board_id"], fac)
    await c.connect()
    await ok(
        c,
        {
            "type": "frame.create",
            "frame_id": "f1",
            "title": "Idéer",
            "x": 0,
            "y": 0,
            "w": 800,
            "h": 600,
        },
    )
    await ok(c, {"type": "note.create", "note_id": "n1", "text": "Tåg", "x": 10, "y": 10})
    await c.close()

    out = tmp_path / "board.json"
    done = _cli(server, "export", board["board_id"], "-o", str(out), "--events")
    assert done.returncode == 0, done.stderr
    document = orjson.loads(out.read_bytes())
    assert document["format"] == "samskapa-board" and len(document["events"]) == 4

    done = _cli(server, "import", str(out))
    assert done.returncode == 0, done.stderr
    links = dict(line.split(": ", 1) for line in done.stdout.strip().splitlines())
    assert set(links) == {"facilitator", "participant", "observer"}
    new_id = links["facilitator"].split("/b/")[1].split("#")[0]
    token = links["facilitator"].split("#k=")[1]
    kim = join(
        server.http, {"board_id": new_id, "tokens": {"facilitator": token}}, "facilitator", "Kim"
    )
    state = get(server.http, new_id, kim["credential"], "snapshot").json()["state"]
    assert state["notes"]["n1"]["text"] == "Tåg" and state["notes"]["n1"]["frame_id"] == "f1"

    bad = tmp_path / "bad.json"
    bad.write_bytes(out.read_bytes()[:100])
    done = _cli(server, "import", str(bad))
    assert done.returncode != 0 and "invalid_json" in done.stderr
    done = _cli(server, "export", "b_nope", "-o", str(tmp_path / "x.json"))
    assert done.returncode != 0 and "board_not_found" in done.stderr

    done = _cli(server, "backup", str(tmp_path / "backups"))
    assert done.returncode == 0, done.stderr
    copies = list((tmp_path / "backups").glob("samskapa-*.db"))
    assert len(copies) == 1
    with sqlite3.connect(copies[0]) as db:
        assert db.execute("SELECT count(*) FROM boards").fetchone()[0] == 2
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert "keep it" in done.stdout or "apart" in done.stdout
    # The server kept serving throughout.
    assert httpx.get(f"{server.http}/health", timeout=10).status_code == 200

    done = _pg_backup(tmp_path / "pg")
    assert done.returncode == 1 and "pg_dump" in done.stdout and "SAMSKAPA_SECRET" in done.stdout
