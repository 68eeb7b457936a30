"""Undo and redo in the pure core (domain/undo.py): an undo is a command with a
precondition, decided like any other; it never overwrites someone else's later
change, obeys step rules and the lock, and a deletion comes back as it was."""

import json
from typing import Any

import pytest

from samskapa.domain.apply import fold
from samskapa.domain.errors import ErrorCode
from samskapa.domain.events import NoteCreated, StoredEvent
from samskapa.domain.news import new_notes
from samskapa.domain.state import BoardState
from samskapa.domain.values import MAX_UNDELETE
from samskapa.domain.visibility import HIDDEN, project, shared_state, variant

from .helpers import FACILITATOR, OBSERVER, OTHER, PARTICIPANT, Board, viewer
from .test_moderation import refused

SECRET_TEXT = "CANARY-undeleted-private-4e1b"
SILENT = {"write": "private", "edit": "own", "group": False, "link": False, "vote": False}
READ_ONLY = {"write": "none", "edit": "none", "group": False, "link": False, "vote": False}
OPEN = {"write": "open", "edit": "all", "group": True, "link": True, "vote": True}


def board_with_note() -> Board:
    b = Board()
    b.run({"type": "note.create", "note_id": "n1", "text": "Först", "x": 0, "y": 0}, PARTICIPANT)
    return b


def test_undo_of_a_move_needs_the_note_where_the_move_left_it() -> None:
    b = board_with_note()
    b.run({"type": "note.move", "note_id": "n1", "x": 100, "y": 50}, PARTICIPANT)
    undo = {"type": "note.move", "note_id": "n1", "x": 0, "y": 0, "expect": {"x": 100, "y": 50}}
    b.run(undo, PARTICIPANT)
    assert (b.state.notes["n1"].x, b.state.notes["n1"].y) == (0, 0)
    # Redo: the move again, expecting what the undo left.
    redo = {"type": "note.move", "note_id": "n1", "x": 100, "y": 50, "expect": {"x": 0, "y": 0}}
    b.run(redo, PARTICIPANT)
    assert b.state.notes["n1"].x == 100


def test_undo_never_overwrites_someone_elses_later_change() -> None:
    b = board_with_note()
    b.run({"type": "note.edit", "note_id": "n1", "text": "Mitt"}, PARTICIPANT)
    b.run({"type": "note.edit", "note_id": "n1", "text": "Deras"}, OTHER)
    seq = b.state.seq
    undo = {"type": "note.edit", "note_id": "n1", "text": "Först", "expect": {"text": "Mitt"}}
    assert refused(b, undo, PARTICIPANT) is ErrorCode.UNDO_CONFLICT
    assert b.state.notes["n1"].text == "Deras" and b.state.seq == seq


def test_only_the_fields_given_are_compared() -> None:
    """Undoing one's move keeps someone else's later colour (it does not touch it)."""
    b = board_with_note()
    b.run({"type": "note.move", "note_id": "n1", "x": 100, "y": 50}, PARTICIPANT)
    b.run({"type": "note.recolor", "note_id": "n1", "color": "pink"}, OTHER)
    undo = {"type": "note.move", "note_id": "n1", "x": 0, "y": 0, "expect": {"x": 100, "y": 50}}
    b.run(undo, PARTICIPANT)
    assert b.state.notes["n1"].color == "pink" and b.state.notes["n1"].x == 0
    # The colour is another matter: someone else's later colour is a conflict.
    back = {"type": "note.recolor", "note_id": "n1", "color": "yellow", "expect": {"color": "blue"}}
    assert refused(b, back, PARTICIPANT) is ErrorCode.UNDO_CONFLICT


@pytest.mark.parametrize(
    ("change", "undo"),
    [
        (
            {"type": "note.recolor", "note_id": "n1", "color": "green"},
            {
                "type": "note.recolor",
                "note_id": "n1",
                "color": "yellow",
                "expect": {"color": "green"},
            },
        ),
        (
            {"type": "note.kind", "note_id": "n1", "kind": "goal"},
            {"type": "note.kind", "note_id": "n1", "kind": "idea", "expect": {"kind": "goal"}},
        ),
        (
            {"type": "note.group", "note_id": "n1", "group_id": "g1"},
            {"type": "note.group", "note_id": "n1", "group_id": None, "expect": {"group_id": "g1"}},
        ),
    ],
    ids=lambda c: c["type"],
)
def test_each_note_change_has_its_undo(change: dict[str, Any], undo: dict[str, Any]) -> None:
    b = board_with_note()
    b.run({"type": "note.create", "note_id": "n2", "x": 300, "y": 0}, PARTICIPANT)
    b.run({"type": "note.create", "note_id": "n3", "x": 600, "y": 0}, PARTICIPANT)
    b.run({"type": "group.create", "group_id": "g1", "note_ids": ["n2", "n3"]}, PARTICIPANT)
    before = b.state.notes["n1"]
    b.run(change, PARTICIPANT)
    b.run(undo, PARTICIPANT)
    assert b.state.notes["n1"] == before
    # The same undo again: the note no longer holds what it expects.
    assert refused(b, undo, PARTICIPANT) is ErrorCode.UNDO_CONFLICT


def test_undo_of_leaving_a_group_that_is_gone_since_is_a_conflict() -> None:
    b = board_with_note()
    b.run({"type": "note.create", "note_id": "n2", "x": 300, "y": 0}, PARTICIPANT)
    b.run({"type": "group.create", "group_id": "g1", "note_ids": ["n1", "n2"]}, PARTICIPANT)
    b.run({"type": "note.group", "note_id": "n1", "group_id": None}, PARTICIPANT)
    b.run({"type": "note.group", "note_id": "n2", "group_id": None}, OTHER)  # g1 goes
    undo = {"type": "note.group", "note_id": "n1", "group_id": "g1", "expect": {"group_id": None}}
    assert refused(b, undo, PARTICIPANT) is ErrorCode.UNDO_CONFLICT


def test_undo_of_a_change_to_a_note_deleted_since_is_a_conflict() -> None:
    b = board_with_note()
    b.run({"type": "note.move", "note_id": "n1", "x": 100, "y": 50}, OTHER)
    b.run({"type": "note.delete", "note_id": "n1"}, FACILITATOR)
    undo = {"type": "note.move", "note_id": "n1", "x": 0, "y": 0, "expect": {"x": 100, "y": 50}}
    assert refused(b, undo, OTHER) is ErrorCode.UNDO_CONFLICT
    # Without a precondition it is what it always was.
    plain = {"type": "note.move", "note_id": "n1", "x": 0, "y": 0}
    assert refused(b, plain, OTHER) is ErrorCode.NOT_FOUND


def test_undo_of_a_create_is_a_delete_that_keeps_someone_elses_edit() -> None:
    b = Board()
    b.run({"type": "note.create", "note_id": "n1", "text": "Ny", "x": 0, "y": 0}, PARTICIPANT)
    b.run({"type": "note.edit", "note_id": "n1", "text": "Bättre"}, OTHER)
    undo = {"type": "note.delete", "note_id": "n1", "expect": {"text": "Ny", "x": 0, "y": 0}}
    assert refused(b, undo, PARTICIPANT) is ErrorCode.UNDO_CONFLICT
    assert "n1" in b.state.notes


def test_undelete_brings_the_note_back_as_it_was() -> None:
    b = Board()
    b.run(
        {"type": "frame.create", "frame_id": "f1", "x": 0, "y": 0, "w": 900, "h": 600}, FACILITATOR
    )
    b.run({"type": "note.create", "note_id": "n1", "text": "Ett", "x": 10, "y": 10}, PARTICIPANT)
    b.run({"type": "note.create", "note_id": "n2", "x": 300, "y": 10}, OTHER)
    b.run({"type": "note.create", "note_id": "n3", "x": 600, "y": 10}, OTHER)
    b.run({"type": "note.recolor", "note_id": "n1", "color": "blue"}, PARTICIPANT)
    b.run({"type": "group.create", "group_id": "g1", "note_ids": ["n1", "n2", "n3"]}, OTHER)
    b.run({"type": "link.create", "link_id": "l1", "from_id": "n1", "to_id": "n2"}, OTHER)
    before = b.state.notes["n1"]
    b.run({"type": "note.delete", "note_id": "n1"}, PARTICIPANT)
    assert "l1" not in b.state.links
    event = b.run({"type": "note.undelete", "note_id": "n1"}, PARTICIPANT)
    assert isinstance(event.body, NoteCreated) and event.body.restored
    assert b.state.notes["n1"] == before  # author, text, colour, frame, group
    assert "l1" not in b.state.links  # links do not come back
    assert "n1" not in b.state.deleted
    # Twice is a conflict; redo deletes it again and a second undo brings it back.
    assert refused(b, {"type": "note.undelete", "note_id": "n1"}, PARTICIPANT) is (
        ErrorCode.UNDO_CONFLICT
    )
    b.run({"type": "note.delete", "note_id": "n1", "expect": {"text": "Ett"}}, PARTICIPANT)
    b.run({"type": "note.undelete", "note_id": "n1"}, PARTICIPANT)
    assert b.state.notes["n1"] == before
    assert refused(b, {"type": "note.undelete", "note_id": "n_never"}, PARTICIPANT) is (
        ErrorCode.NOT_FOUND
    )


def test_undelete_leaves_out_a_group_that_went_with_the_note() -> None:
    b = board_with_note()
    b.run({"type": "note.create", "note_id": "n2", "x": 300, "y": 0}, OTHER)
    b.run({"type": "group.create", "group_id": "g1", "note_ids": ["n1", "n2"]}, OTHER)
    b.run({"type": "note.delete", "note_id": "n2"}, OTHER)
    b.run({"type": "note.delete", "note_id": "n1"}, PARTICIPANT)  # g1 goes with it
    assert "g1" not in b.state.groups
    b.run({"type": "note.undelete", "note_id": "n1"}, PARTICIPANT)
    assert b.state.notes["n1"].group_id is None


def test_undelete_follows_the_rules_for_deleting() -> None:
    b = board_with_note()
    b.run({"type": "note.create", "note_id": "n_fac", "x": 300, "y": 0}, FACILITATOR)
    b.run({"type": "note.delete", "note_id": "n1"}, PARTICIPANT)
    b.run({"type": "note.delete", "note_id": "n_fac"}, FACILITATOR)
    back = {"type": "note.undelete", "note_id": "n1"}
    assert refused(b, back, OTHER) is ErrorCode.FORBIDDEN  # not theirs
    assert refused(b, back, OBSERVER) is ErrorCode.FORBIDDEN
    assert refused(b, {"type": "note.undelete", "note_id": "n_fac"}, PARTICIPANT) is (
        ErrorCode.FORBIDDEN
    )
    steps = [
        {"id": "ro", "title": "Läsa", "rules": READ_ONLY},
        {"id": "open", "title": "Öppet", "rules": OPEN},
    ]
    b.run({"type": "agenda.set", "steps": steps}, FACILITATOR)
    b.run({"type": "agenda.go", "step_id": "ro"}, FACILITATOR)
    assert refused(b, back, PARTICIPANT) is ErrorCode.STEP_FORBIDS
    b.run({"type": "agenda.go", "step_id": "open"}, FACILITATOR)
    b.run({"type": "board.lock", "locked": True}, FACILITATOR)
    assert refused(b, back, PARTICIPANT) is ErrorCode.BOARD_LOCKED
    b.run({"type": "board.lock", "locked": False}, FACILITATOR)
    b.run(back, PARTICIPANT)
    assert "n1" in b.state.notes


def test_undo_of_a_change_obeys_step_rules_and_the_lock() -> None:
    b = board_with_note()
    b.run({"type": "note.move", "note_id": "n1", "x": 100, "y": 50}, PARTICIPANT)
    undo = {"type": "note.move", "note_id": "n1", "x": 0, "y": 0, "expect": {"x": 100, "y": 50}}
    b.run(
        {"type": "agenda.set", "steps": [{"id": "ro", "title": "R", "rules": READ_ONLY}]},
        FACILITATOR,
    )
    b.run({"type": "agenda.go", "step_id": "ro"}, FACILITATOR)
    assert refused(b, undo, PARTICIPANT) is ErrorCode.STEP_FORBIDS
    b.run({"type": "agenda.go", "step_id": None}, FACILITATOR)
    b.run({"type": "board.lock", "locked": True}, FACILITATOR)
    assert refused(b, undo, PARTICIPANT) is ErrorCode.BOARD_LOCKED
    b.run({"type": "board.lock", "locked": False}, FACILITATOR)
    b.run(undo, PARTICIPANT)


def test_an_undeleted_private_note_stays_private() -> None:
    """Its content reaches nobody else: they get a count, as for a new private note."""
    b = Board()
    b.run(
        {"type": "agenda.set", "steps": [{"id": "s", "title": "S", "rules": SILENT}]}, FACILITATOR
    )
    b.run({"type": "agenda.go", "step_id": "s"}, FACILITATOR)
    b.run({"type": "note.create", "note_id": "n1", "text": SECRET_TEXT, "x": 0, "y": 0}, OTHER)
    b.run({"type": "note.delete", "note_id": "n1"}, OTHER)
    # Someone else's deleted private note does not exist for anyone else.
    for actor in (PARTICIPANT, FACILITATOR):
        assert refused(b, {"type": "note.undelete", "note_id": "n1"}, actor) is ErrorCode.NOT_FOUND
    event = b.run({"type": "note.undelete", "note_id": "n1"}, OTHER)
    assert b.state.notes["n1"].private and b.state.private_count == 1
    for actor in (PARTICIPANT, FACILITATOR, OBSERVER):
        v = viewer(actor)
        assert variant(b.state, event, v) == HIDDEN
        seen = json.dumps(project(event, HIDDEN, v))
        assert SECRET_TEXT not in seen and '"count": 1' in seen
    assert SECRET_TEXT not in json.dumps(shared_state(b.state))
    assert "deleted" not in shared_state(b.state)


def test_undelete_is_not_news_and_not_a_new_note_for_the_rate_limit() -> None:
    b = Board()
    b.run({"type": "board.moderation", "approval": False, "notes_per_minute": 1}, FACILITATOR)
    b.run({"type": "note.create", "note_id": "n1", "text": "x", "x": 0, "y": 0}, PARTICIPANT)
    seen_at = b.state.seq
    b.run({"type": "note.delete", "note_id": "n1"}, PARTICIPANT)
    event = b.run({"type": "note.undelete", "note_id": "n1"}, PARTICIPANT)
    assert event.body.type == "note.created"
    after = [e for e in b.log if e.seq > seen_at]
    assert new_notes(after, b.state, viewer(OTHER)) == []


def test_the_board_remembers_only_recent_deletions() -> None:
    b = Board()
    for i in range(MAX_UNDELETE + 2):
        b.run({"type": "note.create", "note_id": f"n{i}", "x": 0, "y": 0}, FACILITATOR)
        b.run({"type": "note.delete", "note_id": f"n{i}"}, FACILITATOR)
    assert len(b.state.deleted) == MAX_UNDELETE
    assert refused(b, {"type": "note.undelete", "note_id": "n0"}, FACILITATOR) is (
        ErrorCode.NOT_FOUND
    )
    b.run({"type": "note.undelete", "note_id": f"n{MAX_UNDELETE + 1}"}, FACILITATOR)
    # A snapshot keeps them: a decision after a restart is the same.
    assert BoardState.from_json(b.state.to_json()).deleted == b.state.deleted
    wire = [StoredEvent.from_wire(e.to_wire()) for e in b.log]
    assert fold(wire).to_json() == b.state.to_json()


def test_frame_undo_needs_the_frame_as_the_change_left_it() -> None:
    b = Board()
    frame = {"type": "frame.create", "frame_id": "f1", "x": 0, "y": 0, "w": 400, "h": 300}
    b.run(frame, FACILITATOR)
    b.run({"type": "note.create", "note_id": "n1", "x": 10, "y": 10}, PARTICIPANT)
    b.run({"type": "frame.update", "frame_id": "f1", "title": "Mål"}, FACILITATOR)
    undo = {"type": "frame.update", "frame_id": "f1", "title": "", "expect": {"title": "Mål"}}
    b.run(undo, FACILITATOR)
    assert b.state.frames["f1"].title == ""
    assert refused(b, undo, FACILITATOR) is ErrorCode.UNDO_CONFLICT
    # Undo of a deletion: the frame again, same id and place; its notes are in it again.
    expect = {"x": 0, "y": 0, "w": 400, "h": 300, "title": ""}
    b.run({"type": "frame.delete", "frame_id": "f1", "expect": expect}, FACILITATOR)
    assert b.state.notes["n1"].frame_id is None
    b.run(frame, FACILITATOR)
    assert b.state.notes["n1"].frame_id == "f1"
    # Undo of the creation once someone resized it: a conflict, the frame stays.
    b.run({"type": "frame.update", "frame_id": "f1", "w": 500}, FACILITATOR)
    gone = {"type": "frame.delete", "frame_id": "f1", "expect": expect}
    assert refused(b, gone, FACILITATOR) is ErrorCode.UNDO_CONFLICT
    assert "f1" in b.state.frames


def test_a_precondition_is_validated_like_the_command() -> None:
    from pydantic import ValidationError

    from samskapa.domain.commands import client_command_adapter

    for bad in (
        {"type": "note.move", "note_id": "n1", "x": 0, "y": 0, "expect": {"z": 1}},
        {"type": "note.edit", "note_id": "n1", "text": "", "expect": {"text": "x" * 5000}},
        {"type": "note.recolor", "note_id": "n1", "color": "pink", "expect": {"color": "plaid"}},
        {"type": "frame.update", "frame_id": "f1", "expect": {"w": -1}},
    ):
        with pytest.raises(ValidationError):
            client_command_adapter.validate_python(bad)


def test_undo_of_a_frame_move_carries_its_notes_back_unless_it_moved_since() -> None:
    b = Board()
    b.run(
        {"type": "frame.create", "frame_id": "f1", "x": 0, "y": 0, "w": 600, "h": 400}, FACILITATOR
    )
    b.run({"type": "note.create", "note_id": "n1", "x": 24, "y": 96}, PARTICIPANT)
    b.run({"type": "frame.move", "frame_id": "f1", "x": 1000, "y": 0}, FACILITATOR)
    undo = {"type": "frame.move", "frame_id": "f1", "x": 0, "y": 0, "expect": {"x": 1000, "y": 0}}
    b.run(undo, FACILITATOR)
    assert (b.state.frames["f1"].x, b.state.notes["n1"].x) == (0, 24)
    # Moved since (by anyone): the undo would throw that move away.
    b.run({"type": "frame.move", "frame_id": "f1", "x": 1000, "y": 0}, FACILITATOR)
    b.run({"type": "frame.move", "frame_id": "f1", "x": 1000, "y": 500}, FACILITATOR)
    assert refused(b, undo, FACILITATOR) is ErrorCode.UNDO_CONFLICT
    assert b.state.frames["f1"].y == 500
    # A resize is a frame.update, undone the same way (only its own fields compared).
    b.run({"type": "frame.update", "frame_id": "f1", "w": 800, "h": 500}, FACILITATOR)
    back = {"type": "frame.update", "frame_id": "f1", "w": 600, "h": 400, "expect": {"w": 800}}
    b.run(back, FACILITATOR)
    assert (b.state.frames["f1"].w, b.state.frames["f1"].y) == (600, 500)


def test_undo_of_a_group_rename_keeps_someone_elses_later_name() -> None:
    b = board_with_note()
    b.run({"type": "note.create", "note_id": "n2", "x": 300, "y": 0}, PARTICIPANT)
    b.run({"type": "group.create", "group_id": "g1", "note_ids": ["n1", "n2"]}, PARTICIPANT)
    b.run({"type": "group.rename", "group_id": "g1", "name": "Depåer"}, PARTICIPANT)
    undo = {"type": "group.rename", "group_id": "g1", "name": "", "expect": {"name": "Depåer"}}
    b.run(undo, PARTICIPANT)
    assert b.state.groups["g1"].name == ""
    redo = {"type": "group.rename", "group_id": "g1", "name": "Depåer", "expect": {"name": ""}}
    b.run(redo, PARTICIPANT)
    b.run({"type": "group.rename", "group_id": "g1", "name": "Laddning"}, OTHER)
    assert refused(b, undo, PARTICIPANT) is ErrorCode.UNDO_CONFLICT
    assert b.state.groups["g1"].name == "Laddning"
    b.run({"type": "group.delete", "group_id": "g1"}, OTHER)
    assert refused(b, undo, PARTICIPANT) is ErrorCode.UNDO_CONFLICT


def test_a_link_added_or_removed_is_undone_unless_it_changed_since() -> None:
    b = board_with_note()
    b.run({"type": "note.create", "note_id": "n2", "x": 300, "y": 0}, PARTICIPANT)
    link = {"type": "link.create", "link_id": "l1", "from_id": "n1", "to_id": "n2"}
    b.run(link, PARTICIPANT)
    remove = {"type": "link.delete", "link_id": "l1", "expect": {"kind": "conflicts"}}
    b.run(remove, PARTICIPANT)
    assert "l1" not in b.state.links
    b.run(link, PARTICIPANT)  # redo: the same link again, same id
    # Someone else recorded how the conflict was handled: removing it would lose that.
    handled = {"status": "balanced", "resolution": "Båda"}
    b.run({"type": "link.update", "link_id": "l1", **handled}, OTHER)
    strict = {**remove, "expect": {"kind": "conflicts", "status": "open", "resolution": ""}}
    assert refused(b, strict, PARTICIPANT) is ErrorCode.UNDO_CONFLICT
    # Undo of that update: back to open, expecting what it left.
    back = {"type": "link.update", "link_id": "l1", "status": "open", "resolution": ""}
    b.run({**back, "expect": handled}, OTHER)
    assert b.state.links["l1"].status == "open"
    assert refused(b, {**back, "expect": handled}, OTHER) is ErrorCode.UNDO_CONFLICT
    # A removed link comes back, with how it was handled (create, then update).
    b.run({"type": "link.update", "link_id": "l1", **handled}, OTHER)
    b.run({"type": "link.delete", "link_id": "l1"}, OTHER)
    b.run(link, OTHER)
    b.run({"type": "link.update", "link_id": "l1", **handled}, OTHER)
    assert b.state.links["l1"].resolution == "Båda"
