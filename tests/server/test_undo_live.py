"""Undo and redo over real websockets (domain/undo.py, docs/protocol.md §2.11).

Two people change the same note: the first one's undo never overwrites the
second one's later change (it is refused with `undo_conflict`, and every client
and a fresh snapshot still hold the later change); an undo obeys the step's
rules and the lock like any change; redo after undo; a deletion undone comes
back to everyone, and a private one to nobody but its author.
"""

import asyncio
from typing import Any

import orjson
import pytest

from tests.client import Client, create_board, note
from tests.services import ServerProcess

from .test_facilitation_live import _ok, _people, _refused, _rest

PEOPLE = [
    ("facilitator", "Lina"),
    ("participant", "Amira"),
    ("participant", "Björn"),
    ("observer", "Olle"),
]
READ_ONLY = {"write": "none", "edit": "none", "group": False, "link": False, "vote": False}
SILENT = {"write": "private", "edit": "own", "group": False, "link": False, "vote": False}
OPEN = {"write": "open", "edit": "all", "group": True, "link": True, "vote": True}
CANARY = "KANARIE-ångrad-3c8d"


async def _settled(clients: list[Client], seq: int) -> None:
    for c in clients:
        await c.wait_for(lambda m: m.get("seq") == seq)


def _note(server: ServerProcess, board: dict[str, Any], c: Client, note_id: str) -> Any:
    return orjson.loads(_rest(server, board, c, "snapshot"))["state"]["notes"].get(note_id)


@pytest.mark.asyncio
async def test_undo_never_overwrites_someone_elses_later_change(
    fast_server: ServerProcess,
) -> None:
    server = fast_server
    async with asyncio.timeout(120):
        board = create_board(server.http)
        everyone = await _people(server, board, PEOPLE)
        lina, amira, bjorn, olle = everyone
        await _ok(amira, note("n1", "Laddplatser", 10, 10))
        await _ok(amira, {"type": "note.edit", "note_id": "n1", "text": "Laddplatser vid hamnen"})
        await _ok(bjorn, {"type": "note.edit", "note_id": "n1", "text": "Laddning i Göteborg"})
        # Amira undoes her edit: Björn changed the text since, so it is refused.
        undo_edit = {
            "type": "note.edit",
            "note_id": "n1",
            "text": "Laddplatser",
            "expect": {"text": "Laddplatser vid hamnen"},
        }
        answer = await amira.result(await amira.op(undo_edit))
        assert answer["type"] == "error" and answer["code"] == "undo_conflict", answer
        assert "changed this note since" in answer["message"]
        await _settled(everyone, lina.last_seq or 0)
        for c in everyone:
            assert _note(server, board, c, "n1")["text"] == "Laddning i Göteborg"
            assert not any(e.get("data", {}).get("text") == "Laddplatser" for e in c.events)

        # Her move, then his colour: undoing the move keeps his colour.
        await _ok(amira, {"type": "note.move", "note_id": "n1", "x": 300, "y": 40})
        await _ok(bjorn, {"type": "note.recolor", "note_id": "n1", "color": "pink"})
        undo_move = {
            "type": "note.move",
            "note_id": "n1",
            "x": 10,
            "y": 10,
            "expect": {"x": 300, "y": 40},
        }
        await _ok(amira, undo_move)
        # His undo of the colour, her redo of the move.
        await _ok(
            bjorn,
            {
                "type": "note.recolor",
                "note_id": "n1",
                "color": "yellow",
                "expect": {"color": "pink"},
            },
        )
        redo_move = {**undo_move, "x": 300, "y": 40, "expect": {"x": 10, "y": 10}}
        await _ok(amira, redo_move)
        # The same redo again: the note is no longer where it expects.
        assert await _refused(amira, redo_move) == "undo_conflict"
        await _settled(everyone, lina.last_seq or 0)
        for c in everyone:
            n1 = _note(server, board, c, "n1")
            assert (n1["x"], n1["y"], n1["color"]) == (300, 40, "yellow")

        # Deleting and its undo: back for everyone; nobody else may bring it back.
        await _ok(amira, note("n2", "Elvägar", 500, 10))
        await _ok(amira, {"type": "note.delete", "note_id": "n2"})
        assert await _refused(bjorn, {"type": "note.undelete", "note_id": "n2"}) == "forbidden"
        assert await _refused(olle, {"type": "note.undelete", "note_id": "n2"}) == "forbidden"
        await _ok(amira, {"type": "note.undelete", "note_id": "n2"})
        await _settled(everyone, lina.last_seq or 0)
        for c in everyone:
            back = c.events[-1]
            assert back["type"] == "note.created" and back["data"]["restored"] is True
            assert back["data"]["note"]["text"] == "Elvägar"
            assert _note(server, board, c, "n2")["text"] == "Elvägar"
        assert await _refused(amira, {"type": "note.undelete", "note_id": "n2"}) == (
            "undo_conflict"
        )
        # Redo of the deletion, expecting the note as the undo left it.
        await _ok(amira, {"type": "note.delete", "note_id": "n2", "expect": {"text": "Elvägar"}})
        assert _note(server, board, lina, "n2") is None
        for c in everyone:
            await c.close()


@pytest.mark.asyncio
async def test_undo_obeys_step_rules_and_the_lock(fast_server: ServerProcess) -> None:
    server = fast_server
    async with asyncio.timeout(120):
        board = create_board(server.http)
        everyone = await _people(server, board, PEOPLE)
        lina, amira, bjorn, _olle = everyone
        steps = [
            {"id": "open", "title": "Skriv", "rules": OPEN},
            {"id": "ro", "title": "Läs", "rules": READ_ONLY},
            {"id": "quiet", "title": "Tyst", "rules": SILENT},
        ]
        await _ok(lina, {"type": "agenda.set", "steps": steps})
        await _ok(lina, {"type": "agenda.go", "step_id": "open"})
        await _ok(amira, note("n1", "Mål", 10, 10))
        await _ok(amira, {"type": "note.recolor", "note_id": "n1", "color": "green"})
        await _ok(amira, note("n2", "Hinder", 300, 10))
        await _ok(amira, {"type": "note.delete", "note_id": "n2"})
        undo_colour = {
            "type": "note.recolor",
            "note_id": "n1",
            "color": "yellow",
            "expect": {"color": "green"},
        }
        undelete = {"type": "note.undelete", "note_id": "n2"}
        await _ok(lina, {"type": "agenda.go", "step_id": "ro"})
        assert await _refused(amira, undo_colour) == "step_forbids"
        assert await _refused(amira, undelete) == "step_forbids"
        await _ok(lina, {"type": "agenda.go", "step_id": "open"})
        await _ok(lina, {"type": "board.lock", "locked": True})
        assert await _refused(amira, undo_colour) == "board_locked"
        assert await _refused(amira, undelete) == "board_locked"
        await _ok(lina, {"type": "board.lock", "locked": False})
        await _ok(amira, undo_colour)
        await _ok(amira, undelete)

        # In a silent step a private note deleted and brought back stays private:
        # the others get a count, never its text.
        await _ok(lina, {"type": "agenda.go", "step_id": "quiet"})
        await _ok(amira, note("n3", CANARY, 600, 10))
        await _ok(amira, {"type": "note.delete", "note_id": "n3"})
        assert await _refused(bjorn, {"type": "note.undelete", "note_id": "n3"}) == "not_found"
        assert await _refused(lina, {"type": "note.undelete", "note_id": "n3"}) == "not_found"
        await _ok(amira, {"type": "note.undelete", "note_id": "n3"})
        # Settled on the undelete's own seq, as the author received it: the others
        # may not have it yet when her ack arrives (anyone else's last seq raced).
        back = await amira.wait_for(
            lambda m: m.get("type") == "note.created" and m["data"].get("restored") is True
        )
        await _settled(everyone, back["seq"])
        assert amira.events[-1]["data"]["note"]["text"] == CANARY
        for c in everyone:
            if c is amira:
                continue
            last = c.events[-1]
            assert last["type"] == "note.private" and last["data"] == {"count": 1}
            seen = [orjson.dumps(m).decode() for m in c.messages]
            seen += [_rest(server, board, c, p) for p in ("snapshot", "events?after=0")]
            assert not any(CANARY in text for text in seen)
        own = orjson.loads(_rest(server, board, amira, "snapshot"))["own_notes"]["notes"]
        assert own["n3"]["private"] is True
        for c in everyone:
            await c.close()


@pytest.mark.asyncio
async def test_frames_groups_and_links_are_undone_without_overwriting_later_changes(
    fast_server: ServerProcess,
) -> None:
    """A frame moved (with its notes) and resized, a group renamed, a link added
    and removed: each undone and redone over the wire, and refused as a
    conflict once someone else has changed it since."""
    server = fast_server
    async with asyncio.timeout(120):
        board = create_board(server.http)
        everyone = await _people(server, board, PEOPLE)
        lina, amira, bjorn, _olle = everyone
        frame = {"type": "frame.create", "frame_id": "f1", "x": 0, "y": 0, "w": 600, "h": 400}
        await _ok(lina, {**frame, "title": "Idéer"})
        await _ok(amira, note("n1", "Depåer", 24, 96))
        await _ok(amira, note("n2", "Elvägar", 200, 96))

        # The frame moved, and its move undone: the note comes back with it.
        await _ok(lina, {"type": "frame.move", "frame_id": "f1", "x": 1000, "y": 200})
        back = {"type": "frame.move", "frame_id": "f1", "x": 0, "y": 0}
        await _ok(lina, {**back, "expect": {"x": 1000, "y": 200}})
        await _ok(lina, {**back, "x": 1000, "y": 200, "expect": {"x": 0, "y": 0}})  # redo
        # Moved again since: the undo of the first move would throw that away.
        await _ok(lina, {"type": "frame.move", "frame_id": "f1", "x": 1200, "y": 200})
        assert await _refused(lina, {**back, "expect": {"x": 1000, "y": 200}}) == ("undo_conflict")
        # Resized, and undone.
        await _ok(lina, {"type": "frame.update", "frame_id": "f1", "w": 900, "h": 500})
        size_back = {"type": "frame.update", "frame_id": "f1", "w": 600, "h": 400}
        await _ok(lina, {**size_back, "expect": {"w": 900, "h": 500}})
        await _settled(everyone, lina.last_seq or 0)
        for c in everyone:
            state = orjson.loads(_rest(server, board, c, "snapshot"))["state"]
            f1 = state["frames"]["f1"]
            assert (f1["x"], f1["y"], f1["w"], f1["h"]) == (1200, 200, 600, 400)
            assert (state["notes"]["n1"]["x"], state["notes"]["n1"]["y"]) == (1224, 296)

        # A group renamed by Amira; Björn renames it after her: her undo is refused.
        await _ok(amira, {"type": "group.create", "group_id": "g1", "note_ids": ["n1", "n2"]})
        await _ok(amira, {"type": "group.rename", "group_id": "g1", "name": "Laddning"})
        name_back = {"type": "group.rename", "group_id": "g1", "name": ""}
        await _ok(amira, {**name_back, "expect": {"name": "Laddning"}})
        await _ok(amira, {**name_back, "name": "Laddning", "expect": {"name": ""}})  # redo
        await _ok(bjorn, {"type": "group.rename", "group_id": "g1", "name": "Depåladdning"})
        assert await _refused(amira, {**name_back, "expect": {"name": "Laddning"}}) == (
            "undo_conflict"
        )

        # A link added, and undone; again, and removed, and that undone too (as it was handled).
        link = {"type": "link.create", "link_id": "l1", "from_id": "n1", "to_id": "n2"}
        fresh = {"kind": "conflicts", "status": "open", "resolution": ""}
        await _ok(amira, link)
        await _ok(amira, {"type": "link.delete", "link_id": "l1", "expect": fresh})
        await _ok(amira, link)  # redo
        handled = {"status": "balanced", "resolution": "Båda behövs"}
        await _ok(bjorn, {"type": "link.update", "link_id": "l1", **handled})
        # Amira's undo of adding it would lose how Björn handled the conflict.
        assert await _refused(amira, {"type": "link.delete", "link_id": "l1", "expect": fresh}) == (
            "undo_conflict"
        )
        await _ok(bjorn, {"type": "link.delete", "link_id": "l1", "expect": {**fresh, **handled}})
        await _ok(bjorn, {**link, "kind": "conflicts"})
        await _ok(bjorn, {"type": "link.update", "link_id": "l1", **handled})
        await _settled(everyone, lina.last_seq or 0)
        for c in everyone:
            state = orjson.loads(_rest(server, board, c, "snapshot"))["state"]
            assert state["groups"]["g1"]["name"] == "Depåladdning"
            assert state["links"]["l1"]["resolution"] == "Båda behövs"
        for c in everyone:
            await c.close()
