"""Deleting a board and purging unused ones, on SQLite and PostgreSQL with real
server processes: everything of the board goes, the deletion is recorded
without content, everyone on it is closed with 4410, and later requests get
410 `board_deleted`."""

import asyncio
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.client import Client, create_board, join, note
from tests.server.database_rows import all_rows, execute
from tests.services import ServerProcess

DAY = 24 * 3600 * 1000


def _call(
    method: str, server: ServerProcess, path: str, credential: str | None = None, **kw: Any
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {credential}"} if credential else {}
    return httpx.request(method, f"{server.http}{path}", headers=headers, timeout=10, **kw)


async def _ok(client: Client, command: dict[str, Any]) -> None:
    answer = await client.result(await client.op(command))
    assert answer["type"] == "ack", answer


def _naming(url: str, needle: str) -> dict[str, int]:
    """How many stored rows of each table contain `needle`."""
    counts = {table: sum(needle in row for row in rows) for table, rows in all_rows(url).items()}
    return {table: n for table, n in counts.items() if n}


@pytest.mark.asyncio
async def test_a_deleted_board_is_gone_everywhere_and_answers_410(
    two_servers: list[ServerProcess], database_url: str
) -> None:
    a, b = two_servers
    async with asyncio.timeout(90):
        board = create_board(a.http, title="Secret workshop title")
        board_id = board["board_id"]
        fac = join(a.http, board, "facilitator", "Lina")["credential"]
        amira = join(a.http, board, "participant", "Amira")["credential"]
        keep = create_board(a.http, title="Another board")
        keep_fac = join(a.http, keep, "facilitator", "Other")["credential"]

        on_a = Client(a.ws, board_id, fac)
        on_b = Client(b.ws, board_id, amira)
        await on_a.connect()
        await on_b.connect()
        await _ok(on_b, note("n_1", "An idea that must go"))
        closes = int(time.time() * 1000) + 30 * DAY
        await _ok(on_a, {"type": "collection.schedule", "step_id": None, "closes_at": closes})
        assert _naming(database_url, board_id).keys() >= {
            "boards",
            "events",
            "members",
            "access_links",
            "deadlines",
        }

        refused = _call("DELETE", a, f"/api/boards/{board_id}", amira)
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden"

        deleted = _call("DELETE", b, f"/api/boards/{board_id}", fac)
        assert deleted.status_code == 200, deleted.text
        counts = deleted.json()
        assert counts["board_id"] == board_id
        assert (counts["members"], counts["notes"]) == (2, 1)
        assert counts["events"] >= 4

        # Everyone on it is closed with 4410, on this process and the other one.
        assert await on_a.wait_closed() == 4410
        assert await on_b.wait_closed() == 4410

        # Nothing of it is left but the record of its deletion, which holds no content.
        assert _naming(database_url, board_id) == {"board_deletions": 1}
        for needle in ("Secret workshop title", "An idea that must go", "Amira", "Lina"):
            assert _naming(database_url, needle) == {}, needle
        # The other board is untouched.
        assert (
            _call("GET", a, f"/api/boards/{keep['board_id']}/snapshot", keep_fac).status_code == 200
        )

        # Later requests: 410 board_deleted, and 4410 for a hello.
        for server in (a, b):
            for method, path, body in (
                ("GET", "snapshot", None),
                ("GET", "events", None),
                ("DELETE", "", None),
                ("POST", "links/participant/replace", None),
            ):
                answer = _call(
                    method, server, f"/api/boards/{board_id}/{path}".rstrip("/"), fac, json=body
                )
                assert answer.status_code == 410, (method, path, answer.text)
                assert answer.json()["code"] == "board_deleted"
            for route, body in (
                ("access", {"link": board["tokens"]["participant"]}),
                ("join", {"link": board["tokens"]["participant"], "name": "Late"}),
            ):
                answer = _call("POST", server, f"/api/boards/{board_id}/{route}", json=body)
                assert answer.status_code == 410 and answer.json()["code"] == "board_deleted"
            late = Client(server.ws, board_id, fac)
            with pytest.raises(AssertionError, match="4410"):
                await late.connect()
        # A board that never was is still a 404.
        never = _call("GET", a, "/api/boards/b_never/snapshot", fac)
        assert never.status_code == 404 and never.json()["code"] == "board_not_found"


@pytest.mark.asyncio
async def test_purge_lists_then_deletes_the_unused_boards_and_closes_their_sockets(
    database_url: str, tmp_path: Any
) -> None:
    server = ServerProcess(database_url, tmp_path / "data").start()
    try:
        async with asyncio.timeout(90):
            old = create_board(server.http, title="Old workshop")
            old_fac = join(server.http, old, "facilitator", "Lina")["credential"]
            fresh = create_board(server.http, title="Fresh workshop")
            fresh_fac = join(server.http, fresh, "facilitator", "Lina")["credential"]
            watcher = Client(server.ws, old["board_id"], old_fac)
            await watcher.connect()
            # The old board's last change was 40 days ago.
            execute(
                database_url,
                text("UPDATE events SET at = at - :age WHERE board_id = :board"),
                age=40 * DAY,
                board=old["board_id"],
            )

            dry = server.cli("purge", "--unused-days", "30")
            assert dry.returncode == 0, dry.stderr
            assert old["board_id"] in dry.stdout and fresh["board_id"] not in dry.stdout
            assert "Would delete 1 board(s)" in dry.stdout and "--yes" in dry.stdout
            assert (
                _call("GET", server, f"/api/boards/{old['board_id']}/snapshot", old_fac).status_code
                == 200
            )

            done = server.cli("purge", "--unused-days", "30", "--yes")
            assert done.returncode == 0, done.stderr
            assert "Deleted 1 board(s)" in done.stdout
            # The running server finds it gone at its next look at the database.
            assert await watcher.wait_closed(timeout=20) == 4410
            gone = _call("GET", server, f"/api/boards/{old['board_id']}/snapshot", old_fac)
            assert gone.status_code == 410 and gone.json()["code"] == "board_deleted"
            kept = _call("GET", server, f"/api/boards/{fresh['board_id']}/snapshot", fresh_fac)
            assert kept.status_code == 200
            assert _naming(database_url, "Old workshop") == {}
            record = [r for r in all_rows(database_url)["board_deletions"] if old["board_id"] in r]
            assert len(record) == 1 and "operator" in record[0]

            again = server.cli("purge", "--unused-days", "30", "--yes")
            assert "Deleted 0 board(s)" in again.stdout
    finally:
        server.stop()
