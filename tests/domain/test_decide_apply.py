import pytest
from pydantic import ValidationError

from samskapa.domain.apply import fold
from samskapa.domain.commands import client_command_adapter
from samskapa.domain.errors import DomainError, ErrorCode
from samskapa.domain.events import StoredEvent
from samskapa.domain.values import MAX_FRAMES_PER_BOARD

from .helpers import FACILITATOR, PARTICIPANT, Board


def test_note_lifecycle() -> None:
    b = Board()
    b.run({"type": "note.create", "note_id": "n1", "text": "Elvägar", "x": 5, "y": 6}, PARTICIPANT)
    b.run({"type": "note.edit", "note_id": "n1", "text": "Elvägar på E20"}, PARTICIPANT)
    b.run({"type": "note.move", "note_id": "n1", "x": 50, "y": 60}, PARTICIPANT)
    b.run({"type": "note.recolor", "note_id": "n1", "color": "green"}, PARTICIPANT)
    n = b.state.notes["n1"]
    assert (n.text, n.x, n.y, n.color, n.author, n.origin) == (
        "Elvägar på E20",
        50,
        60,
        "green",
        "m_par",
        "participant",
    )
    b.run({"type": "note.delete", "note_id": "n1"}, PARTICIPANT)
    assert "n1" not in b.state.notes


def test_facilitator_notes_are_marked_top_down() -> None:
    b = Board()
    b.run({"type": "note.create", "note_id": "n1", "x": 0, "y": 0}, FACILITATOR)
    assert b.state.notes["n1"].origin == "facilitator"


def test_frame_membership_follows_position_and_survives_frame_deletion() -> None:
    b = Board()
    b.run(
        {
            "type": "frame.create",
            "frame_id": "f1",
            "x": 0,
            "y": 0,
            "w": 500,
            "h": 500,
            "title": "Idéer",
        },
        FACILITATOR,
    )
    b.run(
        {"type": "frame.create", "frame_id": "f2", "x": 100, "y": 100, "w": 500, "h": 500},
        FACILITATOR,
    )
    b.run({"type": "note.create", "note_id": "n1", "x": 0, "y": 0}, PARTICIPANT)
    b.run({"type": "note.create", "note_id": "n2", "x": 200, "y": 200}, PARTICIPANT)
    b.run({"type": "note.create", "note_id": "n3", "x": 5000, "y": 0}, PARTICIPANT)
    # Overlap: the later (topmost) frame wins.
    assert [b.state.notes[n].frame_id for n in ("n1", "n2", "n3")] == ["f1", "f2", None]
    b.run({"type": "note.move", "note_id": "n3", "x": 10, "y": 10}, PARTICIPANT)
    assert b.state.notes["n3"].frame_id == "f1"
    b.run({"type": "frame.delete", "frame_id": "f1"}, FACILITATOR)
    assert b.state.notes["n1"].frame_id is None and b.state.notes["n1"].x == 0


def test_errors_have_stable_codes() -> None:
    b = Board()
    with pytest.raises(DomainError) as e:
        b.run({"type": "note.edit", "note_id": "missing", "text": "x"}, PARTICIPANT)
    assert e.value.code is ErrorCode.NOT_FOUND
    b.run({"type": "note.create", "note_id": "n1", "x": 0, "y": 0}, PARTICIPANT)
    with pytest.raises(DomainError) as e:
        b.run({"type": "note.create", "note_id": "n1", "x": 0, "y": 0}, PARTICIPANT)
    assert e.value.code is ErrorCode.ALREADY_EXISTS


def test_frame_limit() -> None:
    b = Board()
    for i in range(MAX_FRAMES_PER_BOARD):
        b.run(
            {"type": "frame.create", "frame_id": f"f{i}", "x": 0, "y": 0, "w": 50, "h": 50},
            FACILITATOR,
        )
    with pytest.raises(DomainError) as e:
        b.run(
            {"type": "frame.create", "frame_id": "more", "x": 0, "y": 0, "w": 50, "h": 50},
            FACILITATOR,
        )
    assert e.value.code is ErrorCode.LIMIT_REACHED


@pytest.mark.parametrize(
    "command",
    [
        {"type": "note.create", "note_id": "n1", "x": 0, "y": 0, "extra": 1},
        {"type": "note.create", "note_id": "n1", "x": 0, "y": 0, "text": "x" * 501},
        {"type": "note.create", "note_id": "bad id", "x": 0, "y": 0},
        {"type": "note.create", "note_id": "n1", "x": float("nan"), "y": 0},
        {"type": "note.create", "note_id": "n1", "x": 2e6, "y": 0},
        {"type": "note.recolor", "note_id": "n1", "color": "red"},
        {"type": "frame.create", "frame_id": "f", "x": 0, "y": 0, "w": 1, "h": 50},
        {"type": "note.explode", "note_id": "n1"},
    ],
)
def test_bad_commands_are_refused_by_validation(command: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        client_command_adapter.validate_python(command)


def test_fold_of_the_wire_log_equals_live_state() -> None:
    b = Board()
    b.run(
        {
            "type": "frame.create",
            "frame_id": "f",
            "x": 0,
            "y": 0,
            "w": 300,
            "h": 300,
            "title": "T",
            "prompt": "P",
        },
        FACILITATOR,
    )
    b.run({"type": "frame.update", "frame_id": "f", "title": "T2"}, FACILITATOR)
    b.run({"type": "board.update", "title": "New", "mission": {"statement": "S"}}, FACILITATOR)
    b.run({"type": "participant.update", "name": "Kim", "sector": "citizen"}, PARTICIPANT)
    b.run({"type": "note.create", "note_id": "n", "x": 1, "y": 1}, PARTICIPANT)
    wire = [StoredEvent.from_wire(e.to_wire()) for e in b.log]
    assert fold(wire).to_json() == b.state.to_json()
    assert b.state.board is not None and b.state.board.title == "New"
    assert b.state.participants["m_par"].name == "Kim"
    assert b.state.frames["f"].title == "T2" and b.state.frames["f"].prompt == "P"


def test_frames_drawn_or_moved_around_notes_take_them_in_and_let_them_go() -> None:
    b = Board()
    b.run({"type": "note.create", "note_id": "n1", "x": 100, "y": 100}, PARTICIPANT)
    b.run(
        {"type": "frame.create", "frame_id": "f1", "x": 0, "y": 0, "w": 600, "h": 600}, FACILITATOR
    )
    assert b.state.notes["n1"].frame_id == "f1"
    b.run({"type": "frame.update", "frame_id": "f1", "x": 5000}, FACILITATOR)
    assert b.state.notes["n1"].frame_id is None
    b.run({"type": "frame.update", "frame_id": "f1", "x": 0}, FACILITATOR)
    b.run(
        {"type": "frame.create", "frame_id": "f2", "x": 50, "y": 50, "w": 400, "h": 400},
        FACILITATOR,
    )
    assert b.state.notes["n1"].frame_id == "f2"
    b.run({"type": "frame.delete", "frame_id": "f2"}, FACILITATOR)
    assert b.state.notes["n1"].frame_id == "f1"
