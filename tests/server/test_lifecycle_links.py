"""Replacing a leaked link, on two server processes sharing one database
(SQLite and PostgreSQL): the old token stops working at once on both, members
who joined through it keep their access, and the log names the role only."""

import asyncio
from typing import Any

import httpx
import pytest

from tests.client import Client, all_events, create_board, join
from tests.services import ServerProcess


def _call(
    method: str, server: ServerProcess, path: str, credential: str | None = None, **kw: Any
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {credential}"} if credential else {}
    return httpx.request(method, f"{server.http}{path}", headers=headers, timeout=10, **kw)


def _token(link: str) -> str:
    return link.split("#k=")[1]


@pytest.mark.asyncio
async def test_a_replaced_link_stops_at_once_everywhere_and_members_keep_their_access(
    two_servers: list[ServerProcess],
) -> None:
    a, b = two_servers
    async with asyncio.timeout(60):
        board = create_board(a.http)
        board_id = board["board_id"]
        fac = join(a.http, board, "facilitator", "Lina")["credential"]
        early = join(a.http, board, "participant", "Amira")["credential"]
        old = board["tokens"]["participant"]

        # The Share panel shows the links that creation handed out, on any process.
        shown = _call("GET", b, f"/api/boards/{board_id}/links", fac)
        assert shown.status_code == 200
        assert {r: _token(v) for r, v in shown.json().items()} == board["tokens"]
        qr = _call("GET", b, f"/api/boards/{board_id}/links/participant/qr.svg", fac)
        assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
        assert b"<svg" in qr.content

        # Only facilitators.
        for method, path in (
            ("GET", "links"),
            ("GET", "links/observer/qr.svg"),
            ("POST", "links/participant/replace"),
        ):
            refused = _call(method, a, f"/api/boards/{board_id}/{path}", early)
            assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
            anonymous = _call(method, a, f"/api/boards/{board_id}/{path}")
            assert anonymous.status_code == 401
        bad_role = _call("POST", a, f"/api/boards/{board_id}/links/owner/replace", fac)
        assert bad_role.status_code == 400 and bad_role.json()["code"] == "invalid_message"

        replaced = _call("POST", a, f"/api/boards/{board_id}/links/participant/replace", fac)
        assert replaced.status_code == 200, replaced.text
        assert replaced.json()["role"] == "participant"
        new = _token(replaced.json()["link"])
        assert new != old

        # The old token is refused at once, on the other process too.
        for server in (a, b):
            for route, body in (
                ("access", {"link": old}),
                ("join", {"link": old, "name": "Late", "sector": "public"}),
            ):
                answer = _call("POST", server, f"/api/boards/{board_id}/{route}", json=body)
                assert answer.status_code == 403, answer.text
                assert answer.json()["code"] == "invalid_link"
        late = _call(
            "POST",
            b,
            f"/api/boards/{board_id}/join",
            json={"link": new, "name": "Late", "sector": "public"},
        )
        assert late.status_code == 201 and late.json()["role"] == "participant"
        # The other roles' links are untouched.
        observer = _call(
            "POST", b, f"/api/boards/{board_id}/access", json={"link": board["tokens"]["observer"]}
        )
        assert observer.status_code == 200 and observer.json()["role"] == "observer"
        assert (
            _token(_call("GET", b, f"/api/boards/{board_id}/links", fac).json()["participant"])
            == new
        )

        # Who joined through the old link keeps their access, on both processes.
        for server in (a, b):
            client = Client(server.ws, board_id, early)
            welcome = await client.connect()
            assert welcome["member"]["name"] == "Amira"
            await client.close()
            snapshot = _call("GET", server, f"/api/boards/{board_id}/snapshot", early)
            assert snapshot.status_code == 200

        # Logged as an event with the role, never the token.
        log = all_events(a.http, board_id, fac)
        replacements = [e for e in log if e["type"] == "access.link_replaced"]
        assert [e["data"] for e in replacements] == [{"role": "participant"}]
        assert (
            replacements[0]["actor"]
            == _call("GET", a, f"/api/boards/{board_id}/me", fac).json()["member_id"]
        )
        text = str(log)
        assert old not in text and new not in text
