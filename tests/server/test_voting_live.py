"""Dot-voting over real websockets: fairness under concurrency, and anonymity
that holds in every frame, REST answer, export, log line and stored event."""

import asyncio
import csv
import io
import re
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tests.client import Client, create_board, is_event, join, note
from tests.services import ServerProcess

PSEUDONYM = re.compile(r"p_[0-9a-f]{24}")
FAST = {"SAMSKAPA_OPS_PER_SECOND": "1000", "SAMSKAPA_OPS_BURST": "1000"}


async def _members(
    server: ServerProcess, board: dict[str, Any], people: list[tuple[str, str, str]]
) -> list[Client]:
    clients = []
    for role, name, sector in people:
        c = Client(
            server.ws, board["board_id"], join(server.http, board, role, name, sector)["credential"]
        )
        await c.connect()
        clients.append(c)
    return clients


def _id(c: Client) -> str:
    return str(c.messages[0]["member"]["id"])


@pytest.mark.asyncio
async def test_fifty_voters_clicking_at_once_with_cap_one(tmp_path: Path) -> None:
    server = ServerProcess(
        f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "d", env=FAST
    ).start()
    try:
        async with asyncio.timeout(120):
            board = create_board(server.http)
            lina, *voters = await _members(
                server,
                board,
                [("facilitator", "Lina", "public")]
                + [("participant", f"V{i}", "business") for i in range(50)],
            )
            await lina.result(await lina.op(note("n_target", "Laddning vid depåer")))
            opened = await lina.op(
                {
                    "type": "vote.open",
                    "round_id": "r1",
                    "budget": 5,
                    "cap": 1,
                    "blind": False,
                    "anonymous": True,
                }
            )
            assert (await lina.result(opened))["type"] == "ack"
            cast = {"type": "vote.cast", "round_id": "r1", "note_id": "n_target"}
            sent = [
                (v, op)
                for v in voters
                for op in await asyncio.gather(*[v.op(cast) for _ in range(3)])
            ]
            answers = [await v.result(op) for v, op in sent]
            acks = [a for a in answers if a["type"] == "ack"]
            assert len(acks) == 50
            assert {a["code"] for a in answers if a["type"] == "error"} == {"cap_reached"}
            for v in voters:
                mine = [
                    a
                    for (w, _), a in zip(sent, answers, strict=True)
                    if w is v and a["type"] == "ack"
                ]
                assert len(mine) == 1
            closed = await lina.op({"type": "vote.close", "round_id": "r1"})
            await lina.result(closed)
            result = await lina.wait_for(lambda m: m.get("type") == "vote.closed")
            ranking = result["data"]["results"]["ranking"]
            assert ranking[0] == {"note_id": "n_target", "votes": 50, "rank": 1}
            assert result["data"]["results"]["voters"] == 50
            for c in (lina, *voters):
                await c.close()
    finally:
        server.stop()


@pytest.mark.asyncio
async def test_anonymous_blind_round_reveals_no_voter_and_no_tally_before_close(
    tmp_path: Path,
) -> None:
    server = ServerProcess(
        f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
        tmp_path / "d",
        env={**FAST, "SAMSKAPA_LOG_LEVEL": "debug"},
    ).start()
    try:
        async with asyncio.timeout(120):
            board = create_board(server.http)
            people = [
                ("facilitator", "Lina", "public"),
                ("participant", "Amira", "business"),
                ("participant", "Björn", "business"),
                ("participant", "Cecilia", "academia"),
                ("participant", "Dawit", "citizen"),
                ("observer", "Olle", "other"),
            ]
            clients = await _members(server, board, people)
            lina, amira, bjorn, cecilia, dawit, olle = clients
            for i, text in enumerate(["Elvägar", "Lastcyklar", "Depåladdning"]):
                await lina.result(await lina.op(note(f"n{i}", text, 10 * i, 0)))
            await lina.result(
                await lina.op(
                    {
                        "type": "vote.open",
                        "round_id": "r1",
                        "budget": 3,
                        "cap": 2,
                        "blind": True,
                        "anonymous": True,
                    }
                )
            )
            votes = {amira: ["n0", "n0", "n1"], bjorn: ["n1"], cecilia: ["n2", "n0"], dawit: ["n2"]}
            for voter, notes in votes.items():
                for n in notes:
                    op = await voter.op({"type": "vote.cast", "round_id": "r1", "note_id": n})
                    assert (await voter.result(op))["type"] == "ack"
            await amira.result(
                await amira.op({"type": "vote.status", "round_id": "r1", "status": "done"})
            )
            await dawit.result(
                await dawit.op({"type": "vote.withdraw", "round_id": "r1", "note_id": "n2"})
            )
            await dawit.result(
                await dawit.op({"type": "vote.status", "round_id": "r1", "status": "abstain"})
            )
            # Everyone has seen everything so far.
            for c in clients:
                await c.wait_for(
                    lambda m: (
                        m.get("type") == "vote.status_changed" and m["data"]["status"] == "abstain"
                    )
                )
            late = Client(server.ws, board["board_id"], olle.credential)
            await late.connect()  # a reset (snapshot) in the middle of the round
            auth = {c: {"Authorization": f"Bearer {c.credential}"} for c in clients}
            rest_before = {
                c: [
                    httpx.get(
                        f"{server.http}/api/boards/{board['board_id']}/{path}",
                        headers=auth[c],
                        timeout=10,
                    ).text
                    for path in ("snapshot", "events?after=0&limit=1000")
                ]
                for c in clients
            }
            member_ids = {c: _id(c) for c in clients}

            # Before close: nobody, the facilitator included, sees a tally or who voted.
            for viewer in (*clients, late):
                for m in viewer.messages:
                    if m.get("type") in ("vote.cast", "vote.withdrawn"):
                        assert m["actor"] == ""
                        assert "voter" not in m["data"]
                        if m["data"].get("mine"):
                            assert viewer in votes
                        else:
                            assert "note_id" not in m["data"], "a blind round leaked a note"
                            assert m["op_id"] == ""
                    if m.get("type") == "vote.status_changed":
                        assert "voter" not in m["data"] and m["actor"] == ""
            snap = next(m for m in late.messages if m.get("type") == "snapshot")
            assert "r1" not in snap["state"]["votes"]["tally"]
            assert snap["state"]["votes"]["named"] == {}
            for snapshot, events in rest_before.values():
                assert '"tally":{}' in snapshot.replace(" ", "")
                for e in orjson.loads(events)["events"]:
                    if e["type"] == "vote.cast" and not e["data"].get("mine"):
                        assert "note_id" not in e["data"]
            # Each voter sees their own ballot, and only theirs.
            own = orjson.loads(rest_before[amira][0])["own_votes"]
            assert own == {"ballots": {"r1": {"n0": 2, "n1": 1}}, "status": {"r1": "done"}}

            await lina.result(await lina.op({"type": "vote.close", "round_id": "r1"}))
            for c in clients:
                await c.wait_for(lambda m: m.get("type") == "vote.closed")
            closed = next(m for m in lina.messages if m.get("type") == "vote.closed")
            ranking = {r["note_id"]: r["votes"] for r in closed["data"]["results"]["ranking"]}
            assert ranking == {"n0": 3, "n1": 2, "n2": 1}
            by_sector = closed["data"]["results"]["by_sector"]
            assert all(seg["suppressed"] for seg in by_sector.values())  # all under 3 voters
            export = httpx.get(
                f"{server.http}/api/boards/{board['board_id']}/votes.csv",
                headers=auth[lina],
                timeout=10,
            )
            assert export.status_code == 200
            assert export.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
            rows = list(csv.DictReader(io.StringIO(export.text.removeprefix("\ufeff"))))
            assert [(r["note"], r["votes"]) for r in rows] == [
                ("n0", "3"),
                ("n1", "2"),
                ("n2", "1"),
            ]
            assert rows[0]["votes: Business"] == "too few to show"
            assert (
                httpx.get(
                    f"{server.http}/api/boards/{board['board_id']}/votes.csv",
                    headers=auth[amira],
                    timeout=10,
                ).status_code
                == 403
            )

            # After close too: no identity anywhere a client, REST, export or log shows.
            everything = [orjson.dumps(c.messages).decode() for c in (*clients, late)]
            everything += [t for pair in rest_before.values() for t in pair]
            everything += [
                export.text,
                httpx.get(
                    f"{server.http}/api/boards/{board['board_id']}/events",
                    headers=auth[olle],
                    timeout=10,
                ).text,
            ]
            server.stop()
            assert server.log_path is not None
            log_text = server.log_path.read_text()
            for text in [*everything, log_text]:
                assert not PSEUDONYM.search(text), "a pseudonym left the server"
            for voter in votes:
                for other in (*clients, late):
                    if other is voter:
                        continue
                    for m in other.messages:
                        if m.get("type", "").startswith("vote.") and "data" in m:
                            assert member_ids[voter] not in orjson.dumps(m).decode()
                assert member_ids[voter] not in log_text
            # The stored log keeps pseudonyms only.
            db = sqlite3.connect(tmp_path / "db.sqlite")
            rows_db = db.execute(
                "SELECT actor, data FROM events WHERE type LIKE 'vote.%' AND type != 'vote.opened'"
                " AND type != 'vote.closed'"
            ).fetchall()
            db.close()
            assert rows_db
            for actor, data in rows_db:
                assert PSEUDONYM.fullmatch(actor)
                assert not any(member_ids[v] in data for v in votes)
    finally:
        server.stop()


@pytest.mark.asyncio
async def test_named_live_round_shows_who_and_how_many(server: ServerProcess) -> None:
    async with asyncio.timeout(60):
        board = create_board(server.http)
        lina, amira = await _members(
            server, board, [("facilitator", "Lina", "public"), ("participant", "Amira", "business")]
        )
        await lina.result(await lina.op(note("n0", "Elvägar")))
        await lina.result(
            await lina.op(
                {"type": "vote.open", "round_id": "r1", "blind": False, "anonymous": False}
            )
        )
        await amira.result(await amira.op({"type": "vote.cast", "round_id": "r1", "note_id": "n0"}))
        seen = await lina.wait_for(lambda m: m.get("type") == "vote.cast" and is_event(m))
        assert seen["data"] == {
            "round_id": "r1",
            "note_id": "n0",
            "voter": _id(amira),
            "voters": 1,
            "total": 1,
        }
        assert seen["actor"] == _id(amira)
        snap = httpx.get(
            f"{server.http}/api/boards/{board['board_id']}/snapshot",
            headers={"Authorization": f"Bearer {lina.credential}"},
        ).json()
        assert snap["state"]["votes"]["tally"] == {"r1": {"n0": 1}}
        assert snap["state"]["votes"]["named"] == {"r1": {_id(amira): {"n0": 1}}}
        await lina.close()
        await amira.close()
