"""An idea collection on a real server: what is new since a member's last visit,
the deadline as a calendar file, moving to another device, and bad input."""

import asyncio
import time
from typing import Any

import httpx
import pytest
from icalendar import Calendar

from tests.client import Client, create_board, join, note
from tests.services import ServerProcess

DAY = 24 * 3600 * 1000


def _get(server: ServerProcess, path: str, credential: str | None, **params: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {credential}"} if credential else {}
    return httpx.get(f"{server.http}{path}", params=params, headers=headers, timeout=10)


async def _ok(client: Client, command: dict[str, Any]) -> None:
    answer = await client.result(await client.op(command))
    assert answer["type"] == "ack", answer


async def _seen(server: ServerProcess, board_id: str, credential: str, at_least: int) -> int:
    """The member's last seen seq once the server has written it (after the socket ended)."""
    while True:
        me = _get(server, f"/api/boards/{board_id}/me", credential).json()
        if me["last_seen_seq"] is not None and me["last_seen_seq"] >= at_least:
            return int(me["last_seen_seq"])
        await asyncio.sleep(0.05)


@pytest.mark.asyncio
async def test_two_visits_a_day_apart_give_exactly_the_notes_added_in_between(
    server: ServerProcess,
) -> None:
    async with asyncio.timeout(60):
        board = create_board(server.http)
        board_id = board["board_id"]
        fac = Client(
            server.ws, board_id, join(server.http, board, "facilitator", "F")["credential"]
        )
        other = Client(
            server.ws, board_id, join(server.http, board, "participant", "O")["credential"]
        )
        me_cred = join(server.http, board, "participant", "Me")["credential"]
        for c in (fac, other):
            await c.connect()
        await _ok(other, note("n_old", "before"))
        await _ok(other, note("n_old_untouched", "before"))

        # Visit one: first time here, then gone.
        me = Client(server.ws, board_id, me_cred)
        welcome = await me.connect()
        assert welcome["last_seen_seq"] is None
        await _ok(me, note("n_mine_before", "mine"))
        head_then = me.last_seq or 0
        await me.close()
        seen = await _seen(server, board_id, me_cred, head_then)
        assert seen == head_then

        # "A day" of others' work, by seq.
        await _ok(other, note("n_added", "new"))
        await _ok(other, {"type": "note.edit", "note_id": "n_old", "text": "edited"})
        await _ok(other, {"type": "note.move", "note_id": "n_old_untouched", "x": 50, "y": 50})
        await _ok(other, note("n_deleted", "gone soon"))
        await _ok(other, {"type": "note.delete", "note_id": "n_deleted"})
        await _ok(fac, note("n_facilitators", "seed"))
        private = {"write": "private", "edit": "own"}
        steps = [{"id": "s1", "title": "Silent", "rules": private}]
        await _ok(fac, {"type": "agenda.set", "steps": steps})
        await _ok(fac, {"type": "agenda.go", "step_id": "s1"})
        await _ok(other, note("n_private", "secret until the reveal"))
        await _ok(other, note("n_revealed_later", "also secret"))
        # The same member on another device adds one: not news to them.
        second_device = Client(server.ws, board_id, me_cred)
        await second_device.connect()
        await _ok(second_device, note("n_mine_other_device", "mine"))
        await second_device.close()

        # Visit two, before the reveal: private notes of others are not news.
        me = Client(server.ws, board_id, me_cred)
        welcome = await me.connect()
        assert welcome["last_seen_seq"] >= seen
        news = _get(server, f"/api/boards/{board_id}/news", me_cred, after=seen).json()
        assert news["notes"] == ["n_added", "n_old", "n_facilitators"]
        assert news["head_seq"] == welcome["head_seq"]
        # After the reveal the silent notes are news too.
        await _ok(fac, {"type": "notes.reveal"})
        news = _get(server, f"/api/boards/{board_id}/news", me_cred, after=seen).json()
        assert news["notes"] == [
            "n_added",
            "n_old",
            "n_facilitators",
            "n_private",
            "n_revealed_later",
        ]
        # Nothing is new after the head.
        nothing = _get(server, f"/api/boards/{board_id}/news", me_cred, after=news["head_seq"])
        assert nothing.json()["notes"] == []
        for c in (me, fac, other):
            await c.close()


@pytest.mark.asyncio
async def test_deadline_as_calendar_file_and_its_bad_requests(server: ServerProcess) -> None:
    async with asyncio.timeout(60):
        board = create_board(server.http, title="Framtidens mobilitet")
        board_id = board["board_id"]
        fac_cred = join(server.http, board, "facilitator", "F")["credential"]
        par_cred = join(server.http, board, "participant", "P")["credential"]
        fac = Client(server.ws, board_id, fac_cred)
        par = Client(server.ws, board_id, par_cred)
        await fac.connect()
        await par.connect()
        path = f"/api/boards/{board_id}/deadline.ics"

        answer = _get(server, path, par_cred)
        assert (answer.status_code, answer.json()["code"]) == (404, "no_deadline")

        # Setting dates: past, reversed and without rights are refused with their codes.
        now = int(time.time() * 1000)
        refusals = [
            (fac, {"type": "collection.schedule", "closes_at": now - DAY}, "date_in_past"),
            (
                fac,
                {"type": "collection.schedule", "opens_at": now + 2 * DAY, "closes_at": now + DAY},
                "dates_reversed",
            ),
            (par, {"type": "collection.schedule", "closes_at": now + DAY}, "forbidden"),
            (fac, {"type": "collection.schedule", "closes_at": "tomorrow"}, "invalid_message"),
        ]
        for client, command, code in refusals:
            result = await client.result(await client.op(command))
            assert (result["type"], result["code"]) == ("error", code), command

        closes = now + 3 * DAY
        await _ok(fac, {"type": "collection.schedule", "closes_at": closes})
        answer = _get(server, path, par_cred)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/calendar")
        assert "attachment" in answer.headers["content-disposition"]
        event = Calendar.from_ical(answer.content).walk("VEVENT")[0]
        assert int(event.decoded("dtstart").timestamp() * 1000) == closes // 1000 * 1000
        assert "Framtidens mobilitet" in str(event["summary"])
        assert par_cred not in answer.text and "#" not in str(event["url"])

        bad = [
            (_get(server, path, None), 401, "unauthorized"),
            (_get(server, path, "not-a-credential"), 401, "unauthorized"),
            (_get(server, path, par_cred, step="../etc"), 400, "invalid_message"),
            (_get(server, path, par_cred, step="s" * 65), 400, "invalid_message"),
            (_get(server, path, par_cred, step="no_such_step"), 404, "no_deadline"),
            (_get(server, path, par_cred, format="pdf"), 400, "invalid_message"),
            (_get(server, path, par_cred, step="s", pad="x" * 400), 413, "message_too_large"),
        ]
        for response, status, code in bad:
            assert (response.status_code, response.json()["code"]) == (status, code)
        await fac.close()
        await par.close()


@pytest.mark.asyncio
async def test_a_personal_link_moves_a_member_to_another_device(server: ServerProcess) -> None:
    async with asyncio.timeout(30):
        board = create_board(server.http)
        board_id = board["board_id"]
        joined = join(server.http, board, "participant", "Phone person", sector="citizen")
        cred = joined["credential"]
        me = _get(server, f"/api/boards/{board_id}/me", cred).json()
        assert me["member_id"] == joined["member_id"]
        assert (me["name"], me["sector"], me["role"]) == ("Phone person", "citizen", "participant")
        qr = _get(server, f"/api/boards/{board_id}/device-qr.svg", cred)
        assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
        assert qr.text.lstrip().startswith("<svg") and qr.headers["cache-control"] == "no-store"
        assert _get(server, f"/api/boards/{board_id}/device-qr.svg", None).status_code == 401
        other_board = create_board(server.http)["board_id"]
        wrong = _get(server, f"/api/boards/{other_board}/me", cred)
        assert (wrong.status_code, wrong.json()["code"]) == (401, "unauthorized")
        # Both devices are the same member on the board.
        a = Client(server.ws, board_id, cred)
        b = Client(server.ws, board_id, cred)
        assert (await a.connect())["member"]["id"] == (await b.connect())["member"]["id"]
        await a.close()
        await b.close()
