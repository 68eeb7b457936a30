"""Moving a frame carries what is in it, in one event that the fold applies."""

from typing import Any

import pytest

from samskapa.domain.apply import fold
from samskapa.domain.errors import DomainError, ErrorCode
from samskapa.domain.events import StoredEvent
from samskapa.domain.visibility import ALL, project

from .helpers import FACILITATOR, OBSERVER, OTHER, PARTICIPANT, Board


def frame(frame_id: str, x: float, y: float, w: float = 600, h: float = 400) -> dict[str, Any]:
    return {"type": "frame.create", "frame_id": frame_id, "x": x, "y": y, "w": w, "h": h}


def note(note_id: str, x: float, y: float) -> dict[str, Any]:
    return {"type": "note.create", "note_id": note_id, "x": x, "y": y}


def workshop() -> Board:
    """A frame with two grouped notes joined by a link, one more note, and a
    note outside it; a second frame with a note of its own."""
    b = Board()
    b.run(frame("f1", 0, 0), FACILITATOR)
    b.run(frame("f2", 2000, 0), FACILITATOR)
    for note_id, x, y in (("a", 24, 96), ("b", 200, 96), ("c", 24, 232)):
        b.run(note(note_id, x, y), PARTICIPANT)
    b.run(note("loose", 800, 800), PARTICIPANT)
    b.run(note("other", 2100, 100), PARTICIPANT)
    b.run(
        {"type": "group.create", "group_id": "g", "name": "Depåer", "note_ids": ["a", "b"]},
        FACILITATOR,
    )
    b.run({"type": "link.create", "link_id": "l", "from_id": "a", "to_id": "c"}, FACILITATOR)
    return b


def test_a_moved_frame_carries_its_notes_groups_and_links_in_one_event() -> None:
    b = workshop()
    before = len(b.log)
    event = b.run({"type": "frame.move", "frame_id": "f1", "x": -500.5, "y": 1200}, FACILITATOR)
    assert len(b.log) == before + 1
    assert event.to_wire()["type"] == "frame.moved"
    assert event.to_wire()["data"] == {"frame_id": "f1", "x": -500.5, "y": 1200}
    f1 = b.state.frames["f1"]
    assert (f1.x, f1.y, f1.w, f1.h) == (-500.5, 1200, 600, 400)
    notes = b.state.notes
    assert [(notes[n].x, notes[n].y, notes[n].frame_id) for n in ("a", "b", "c")] == [
        (-476.5, 1296, "f1"),
        (-300.5, 1296, "f1"),
        (-476.5, 1432, "f1"),
    ]
    # The group and the link are about notes: they came along untouched.
    assert notes["a"].group_id == notes["b"].group_id == "g" and "g" in b.state.groups
    assert "l" in b.state.links
    # What was not in the frame stays where it was.
    assert (notes["loose"].x, notes["loose"].y, notes["loose"].frame_id) == (800, 800, None)
    assert (notes["other"].x, notes["other"].frame_id) == (2100, "f2")
    wire = [StoredEvent.from_wire(e.to_wire()) for e in b.log]
    assert fold(wire).to_json() == b.state.to_json()


def test_resizing_from_an_edge_moves_the_outline_only() -> None:
    b = workshop()
    b.run({"type": "frame.update", "frame_id": "f1", "x": -100, "w": 700}, FACILITATOR)
    assert (b.state.notes["a"].x, b.state.notes["a"].frame_id) == (24, "f1")
    # Shrunk past a note: it leaves the frame and stays where it is.
    b.run({"type": "frame.update", "frame_id": "f1", "h": 200}, FACILITATOR)
    assert (b.state.notes["c"].y, b.state.notes["c"].frame_id) == (232, None)


def test_moved_over_loose_notes_takes_them_in_under_a_newer_frame_gives_them_up() -> None:
    b = workshop()
    # Over the loose note: it is now inside, as when a frame is drawn around notes.
    b.run({"type": "frame.move", "frame_id": "f1", "x": 700, "y": 700}, FACILITATOR)
    assert b.state.notes["loose"].frame_id == "f1"
    assert b.state.notes["loose"].x == 800
    # Under f2 (created later, so on top): the carried notes belong to f2 now.
    b.run({"type": "frame.move", "frame_id": "f1", "x": 2000, "y": 0}, FACILITATOR)
    assert {b.state.notes[n].frame_id for n in ("a", "b", "c", "other")} == {"f2"}
    # The loose note came along: it was f1's.
    assert (b.state.notes["loose"].x, b.state.notes["loose"].y) == (2100, 100)
    # Moving f1 away again leaves f2's notes with f2.
    b.run({"type": "frame.move", "frame_id": "f1", "x": 0, "y": 0}, FACILITATOR)
    assert (b.state.notes["a"].x, b.state.notes["a"].y, b.state.notes["a"].frame_id) == (
        2024,
        96,
        "f2",
    )


def test_someone_elses_private_note_moves_too_and_nobody_learns_of_it() -> None:
    b = workshop()
    b.run(
        {
            "type": "agenda.set",
            "steps": [
                {
                    "id": "s",
                    "title": "Tyst",
                    "rules": {
                        "write": "private",
                        "edit": "own",
                        "group": False,
                        "link": False,
                        "vote": False,
                    },
                }
            ],
        },
        FACILITATOR,
    )
    b.run({"type": "agenda.go", "step_id": "s"}, FACILITATOR)
    b.run(note("secret", 300, 232), OTHER)
    assert b.state.notes["secret"].private
    event = b.run({"type": "frame.move", "frame_id": "f1", "x": 100, "y": 50}, FACILITATOR)
    assert (b.state.notes["secret"].x, b.state.notes["secret"].y) == (400, 282)
    # Everyone receives the same event, which names no note.
    assert project(event, ALL) == event.to_wire()
    assert set(event.to_wire()["data"]) == {"frame_id", "x", "y"}


@pytest.mark.parametrize("actor", [PARTICIPANT, OBSERVER])
def test_only_facilitators_move_frames(actor: Any) -> None:
    b = workshop()
    with pytest.raises(DomainError) as refused:
        b.run({"type": "frame.move", "frame_id": "f1", "x": 10, "y": 10}, actor)
    assert refused.value.code is ErrorCode.FORBIDDEN


def test_an_unknown_frame_is_not_found_and_notes_never_leave_the_board() -> None:
    b = workshop()
    with pytest.raises(DomainError) as unknown:
        b.run({"type": "frame.move", "frame_id": "nope", "x": 10, "y": 10}, FACILITATOR)
    assert unknown.value.code is ErrorCode.NOT_FOUND
    # The frame itself may go to the edge, but its note at x + 24 would be past it.
    before = b.state.to_json()
    with pytest.raises(DomainError) as off:
        b.run({"type": "frame.move", "frame_id": "f1", "x": 1_000_000, "y": 0}, FACILITATOR)
    assert off.value.code is ErrorCode.INVALID_MESSAGE
    assert b.state.to_json() == before
    # An empty frame may go there.
    b.run(frame("empty", 5000, 5000), FACILITATOR)
    b.run({"type": "frame.move", "frame_id": "empty", "x": 1_000_000, "y": 0}, FACILITATOR)
    assert b.state.frames["empty"].x == 1_000_000
