"""Boards from templates through a real server: the list, creation, and what a
participant then sees over the websocket."""

import asyncio
from typing import Any

import httpx
import pytest

from tests.client import Client, join
from tests.services import ServerProcess

TEMPLATES = ["mission-workshop", "idea-collection", "quick-retrospective"]


def _create(server: ServerProcess, **body: Any) -> httpx.Response:
    return httpx.post(f"{server.http}/api/boards", json={"title": "Workshop", **body}, timeout=10)


def test_the_template_list_has_both_languages_and_step_counts(server: ServerProcess) -> None:
    r = httpx.get(f"{server.http}/api/templates", timeout=10)
    assert r.status_code == 200
    listed = r.json()
    assert [t["id"] for t in listed] == TEMPLATES
    for t in listed:
        assert t["name"]["sv"] and t["name"]["en"] and t["name"]["sv"] != t["name"]["en"]
        assert t["description"]["sv"] and t["description"]["en"]
        assert t["steps"] >= 3 and t["minutes"] > 0
    assert listed[0]["name"] == {"sv": "Missionsverkstad", "en": "Mission workshop"}
    assert listed[0]["steps"] == 9 and listed[0]["mission"] is None
    assert listed[2]["mission"]["en"].startswith("Learn from")


def test_an_unknown_template_gets_a_stable_error_and_makes_no_board(
    server: ServerProcess,
) -> None:
    r = _create(server, template="no-such-template")
    assert r.status_code == 422
    assert r.json()["code"] == "unknown_template"
    r = _create(server, template="../mission-workshop")
    assert r.status_code == 422 and r.json()["code"] == "unknown_template"


@pytest.mark.asyncio
@pytest.mark.parametrize("template_id", TEMPLATES)
async def test_a_board_from_a_template_has_its_frames_seeded_notes_and_agenda(
    server: ServerProcess, template_id: str
) -> None:
    async with asyncio.timeout(60):
        language = "en" if template_id == "idea-collection" else "sv"
        r = _create(server, template=template_id, language=language)
        assert r.status_code == 201, r.text
        board: dict[str, Any] = r.json()
        board["tokens"] = {k: v.split("#k=")[1] for k, v in board["links"].items()}
        listed = httpx.get(f"{server.http}/api/templates", timeout=10).json()
        (meta,) = [t for t in listed if t["id"] == template_id]

        joined = join(server.http, board, "participant", "Amira", "business")
        participant = Client(server.ws, board["board_id"], joined["credential"])
        await participant.connect()
        snapshot = await participant.wait_for(lambda m: m.get("type") == "snapshot")
        state = snapshot["state"]

        frames = state["frames"]
        assert len(frames) >= 3
        assert all(f["title"] and f["id"].startswith("f_") for f in frames.values())
        notes = state["notes"].values()
        assert notes and all(n["origin"] == "facilitator" for n in notes)
        assert all(n["frame_id"] in frames for n in notes)
        agenda = state["agenda"]
        assert len(agenda) == meta["steps"]
        assert sum(s["minutes"] for s in agenda) == meta["minutes"]
        assert all(s["frame_id"] is None or s["frame_id"] in frames for s in agenda)
        assert state["current_step"] is None  # the facilitator starts the first step
        if language == "sv":
            assert meta["name"]["sv"] not in ("", None)
            assert any(f["title"] in ("Utmaningen", "Det här gick bra") for f in frames.values())
        else:
            assert "Ideas" in {f["title"] for f in frames.values()}
        if template_id == "quick-retrospective":
            assert state["board"]["anonymity"] == "facilitators"
            assert state["board"]["mission"]["statement"] == meta["mission"]["sv"]
            assert all(n["author"] == "" for n in notes)
        else:
            assert state["board"]["anonymity"] == "off"
            assert state["board"]["mission"]["statement"] == ""

        # The participant works the board the template set up: the first step's rules hold.
        facilitator = Client(
            server.ws,
            board["board_id"],
            join(server.http, board, "facilitator", "Lina")["credential"],
        )
        await facilitator.connect()
        first = agenda[0]
        op = await facilitator.op({"type": "agenda.go", "step_id": first["id"]})
        assert (await facilitator.result(op))["type"] == "ack"
        await participant.wait_for(
            lambda m: m.get("type") == "agenda.step_changed" and m["data"]["step_id"] == first["id"]
        )
        x = frames[first["frame_id"]]["x"] + 400 if first["frame_id"] else 0
        op = await participant.op(
            {"type": "note.create", "note_id": "n_mine", "text": "Hej", "x": x, "y": 300}
        )
        result = await participant.result(op)
        if first["rules"]["write"] == "none":
            assert result["type"] == "error" and result["code"] == "step_forbids"
        else:
            assert result["type"] == "ack"
        await participant.close()
        await facilitator.close()


def test_the_form_mission_wins_over_the_template_default(server: ServerProcess) -> None:
    r = _create(
        server,
        template="quick-retrospective",
        language="en",
        mission={"statement": "Learn from the spring pilot", "measure": "", "deadline": ""},
    )
    assert r.status_code == 201
    board = r.json()
    token = board["links"]["observer"].split("#k=")[1]
    r = httpx.post(
        f"{server.http}/api/boards/{board['board_id']}/join",
        json={"link": token, "name": "Olle"},
        timeout=10,
    )
    credential = r.json()["credential"]
    snap = httpx.get(
        f"{server.http}/api/boards/{board['board_id']}/snapshot",
        headers={"Authorization": f"Bearer {credential}"},
        timeout=10,
    ).json()
    assert snap["state"]["board"]["mission"]["statement"] == "Learn from the spring pilot"
    assert len(snap["state"]["agenda"]) == 5
