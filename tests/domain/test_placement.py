"""Where notes go: a free place in a frame (never on another note), the layout of
revealed notes, and tidy (groups stay together)."""

import random
from typing import Any

import pytest

from samskapa.domain.errors import DomainError, ErrorCode
from samskapa.domain.placement import PAD, frame_grid, free_place, loose_grid, overlaps
from samskapa.domain.state import NOTE_HEIGHT, NOTE_WIDTH, Frame, Note

from .helpers import FACILITATOR, OTHER, PARTICIPANT, Board

PRIVATE_STEP = {
    "id": "s1",
    "title": "Silent writing",
    "frame_id": "f1",
    "rules": {"write": "private", "edit": "own"},
}


def _board(w: float = 1200, h: float = 800) -> Board:
    b = Board()
    frame = {"type": "frame.create", "frame_id": "f1", "x": 100, "y": 50, "w": w, "h": h}
    b.run(frame, FACILITATOR)
    return b


def _inside(note: Note, frame: Frame) -> bool:
    return (
        frame.x <= note.x
        and note.x + NOTE_WIDTH <= frame.x + frame.w
        and frame.y <= note.y
        and note.y + NOTE_HEIGHT <= frame.y + frame.h
    )


def _no_overlap(notes: list[Note]) -> None:
    for i, a in enumerate(notes):
        for b in notes[i + 1 :]:
            assert not overlaps(a, b), (a, b)


def test_notes_without_a_position_fill_the_frame_and_never_overlap() -> None:
    b = _board()
    b.run({"type": "note.create", "note_id": "n_drop", "x": 300, "y": 200}, OTHER)
    for i in range(20):  # 30 cells, of which the dropped note covers up to four
        b.run({"type": "note.create", "note_id": f"n{i}", "frame_id": "f1"}, PARTICIPANT)
    notes = list(b.state.notes.values())
    frame = b.state.frames["f1"]
    assert all(n.frame_id == "f1" for n in notes)
    assert all(_inside(n, frame) for n in notes if n.id != "n_drop")
    _no_overlap(notes)
    first = b.state.notes["n0"]
    assert (first.x, first.y) == (frame.x + PAD, frame_grid(frame).y)


def test_the_current_steps_frame_is_the_default() -> None:
    b = _board()
    b.run(
        {"type": "frame.create", "frame_id": "f2", "x": 2000, "y": 0, "w": 800, "h": 500},
        FACILITATOR,
    )
    step = {"id": "s2", "title": "Ideas", "frame_id": "f2"}
    b.run({"type": "agenda.set", "steps": [step]}, FACILITATOR)
    b.run({"type": "agenda.go", "step_id": "s2"}, FACILITATOR)
    b.run({"type": "note.create", "note_id": "n_a"}, PARTICIPANT)
    b.run({"type": "note.create", "note_id": "n_b", "frame_id": "f1"}, PARTICIPANT)
    assert b.state.notes["n_a"].frame_id == "f2"
    assert b.state.notes["n_b"].frame_id == "f1"


def test_without_any_frame_notes_go_beside_the_frames() -> None:
    b = _board()
    for i in range(8):
        b.run({"type": "note.create", "note_id": f"n{i}"}, PARTICIPANT)
    notes = list(b.state.notes.values())
    assert all(n.frame_id is None for n in notes)
    assert all(n.x >= 100 + 1200 for n in notes)
    _no_overlap(notes)


@pytest.mark.parametrize(
    "command",
    [
        {"type": "note.create", "note_id": "n", "x": 1},
        {"type": "note.create", "note_id": "n", "x": 1, "y": 1, "frame_id": "f1"},
    ],
)
def test_half_a_position_or_both_position_and_frame_is_refused(command: dict[str, Any]) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        _board().run(command, PARTICIPANT)


def test_an_unknown_frame_is_not_found() -> None:
    with pytest.raises(DomainError) as caught:
        _board().run({"type": "note.create", "note_id": "n", "frame_id": "nope"}, PARTICIPANT)
    assert caught.value.code is ErrorCode.NOT_FOUND


def test_a_full_frame_still_takes_the_note_inside_it() -> None:
    b = _board(w=400, h=300)  # two cells
    for i in range(5):
        b.run({"type": "note.create", "note_id": f"n{i}", "frame_id": "f1"}, PARTICIPANT)
    assert all(n.frame_id == "f1" for n in b.state.notes.values())


def test_places_ignore_private_notes_of_others_and_the_reveal_lays_them_out() -> None:
    b = _board()
    b.run({"type": "agenda.set", "steps": [PRIVATE_STEP]}, FACILITATOR)
    b.run({"type": "agenda.go", "step_id": "s1"}, FACILITATOR)
    for i in range(4):
        b.run({"type": "note.create", "note_id": f"p{i}", "frame_id": "f1"}, PARTICIPANT)
        b.run({"type": "note.create", "note_id": f"o{i}", "frame_id": "f1"}, OTHER)
    # Neither writer's places tell anything about the other's notes.
    assert [(b.state.notes[f"p{i}"].x, b.state.notes[f"p{i}"].y) for i in range(4)] == [
        (b.state.notes[f"o{i}"].x, b.state.notes[f"o{i}"].y) for i in range(4)
    ]
    b.run({"type": "note.create", "note_id": "f_open", "frame_id": "f1"}, FACILITATOR)
    revealed = b.run({"type": "notes.reveal"}, FACILITATOR)
    notes = list(b.state.notes.values())
    _no_overlap(notes)
    assert all(_inside(n, b.state.frames["f1"]) for n in notes)
    assert len(revealed.body.notes) == 8  # type: ignore[union-attr]


def test_many_writers_in_random_order_never_overlap() -> None:
    rng = random.Random(7)
    b = _board(w=3600, h=2000)
    writers = [PARTICIPANT, OTHER, FACILITATOR]
    for i in range(200):
        if i % 17 == 5:  # someone drops a note by hand in between
            x, y = rng.uniform(100, 3400), rng.uniform(150, 1800)
            b.run({"type": "note.create", "note_id": f"d{i}", "x": x, "y": y}, OTHER)
            continue
        b.run({"type": "note.create", "note_id": f"n{i}", "frame_id": "f1"}, rng.choice(writers))
    placed = [n for n in b.state.notes.values() if n.id.startswith("n")]
    _no_overlap(placed)
    # A placed note never covers a note that was there before it (a note
    # dropped by hand later may cover anything: that was the person's choice).
    order = list(b.state.notes)
    for note in placed:
        for earlier in order[: order.index(note.id)]:
            assert not overlaps(note, b.state.notes[earlier]), (note.id, earlier)
    assert all(_inside(n, b.state.frames["f1"]) for n in placed)


def _grouped_board() -> Board:
    b = _board(w=700, h=400)
    rng = random.Random(3)
    for i in range(14):
        x, y = rng.uniform(100, 650), rng.uniform(100, 350)
        b.run({"type": "note.create", "note_id": f"n{i}", "x": x, "y": y}, PARTICIPANT)
    b.run({"type": "group.create", "group_id": "g_a", "note_ids": ["n1", "n5", "n9"]}, FACILITATOR)
    b.run(
        {"type": "group.create", "group_id": "g_b", "note_ids": ["n2", "n3", "n4", "n6", "n7"]},
        FACILITATOR,
    )
    return b


def _box(notes: list[Note]) -> tuple[float, float, float, float]:
    return (
        min(n.x for n in notes),
        min(n.y for n in notes),
        max(n.x for n in notes) + NOTE_WIDTH,
        max(n.y for n in notes) + NOTE_HEIGHT,
    )


def test_tidy_packs_the_frame_and_keeps_groups_together() -> None:
    b = _grouped_board()
    event = b.run({"type": "frame.tidy", "frame_id": "f1"}, FACILITATOR)
    notes = list(b.state.notes.values())
    frame = b.state.frames["f1"]
    _no_overlap(notes)
    assert frame.h > 400  # 14 notes in 4 columns, groups on rows of their own: it grew
    assert event.body.h == frame.h  # type: ignore[union-attr]
    assert all(n.frame_id == "f1" and _inside(n, frame) for n in notes)
    by_group: dict[str | None, list[Note]] = {}
    for n in notes:
        by_group.setdefault(n.group_id, []).append(n)
    # Each group's outline (18 around its notes, its name above) touches no note
    # of another group, nor an ungrouped one.
    for key, members in by_group.items():
        x0, y0, x1, y1 = _box(members)
        if key is not None:
            x0, y0, x1, y1 = x0 - 18, y0 - 18 - 30, x1 + 18, y1 + 18
        for other in notes:
            if other.group_id != key:
                apart = (
                    other.x + NOTE_WIDTH <= x0
                    or other.x >= x1
                    or other.y + NOTE_HEIGHT <= y0
                    or other.y >= y1
                )
                assert apart, (key, other.id)
    # Tidying a tidy frame changes nothing.
    before = {n.id: (n.x, n.y) for n in notes}
    b.run({"type": "frame.tidy", "frame_id": "f1"}, FACILITATOR)
    assert {n.id: (n.x, n.y) for n in b.state.notes.values()} == before


def test_tidy_leaves_private_notes_alone_and_only_facilitators_may() -> None:
    b = _board()
    b.run({"type": "note.create", "note_id": "n_open", "x": 900, "y": 600}, PARTICIPANT)
    b.run({"type": "agenda.set", "steps": [PRIVATE_STEP]}, FACILITATOR)
    b.run({"type": "agenda.go", "step_id": "s1"}, FACILITATOR)
    b.run({"type": "note.create", "note_id": "n_secret", "x": 700, "y": 500}, OTHER)
    event = b.run({"type": "frame.tidy", "frame_id": "f1"}, FACILITATOR)
    assert [p.note_id for p in event.body.places] == ["n_open"]  # type: ignore[union-attr]
    assert (b.state.notes["n_secret"].x, b.state.notes["n_secret"].y) == (700, 500)
    with pytest.raises(DomainError) as caught:
        b.run({"type": "frame.tidy", "frame_id": "f1"}, PARTICIPANT)
    assert caught.value.code is ErrorCode.FORBIDDEN


def test_grid_cells_taken_match_overlap() -> None:
    """The cell arithmetic agrees with the plain overlap test, everywhere."""
    rng = random.Random(11)
    frame = Frame(id="f", title="", prompt="", x=13, y=-40, w=1500, h=900)
    grid = frame_grid(frame)
    for _ in range(300):
        note = Note(
            id="n",
            text="",
            x=rng.uniform(-200, 1700),
            y=rng.uniform(-200, 1000),
            color="yellow",
            kind="idea",
            frame_id=None,
            author="a",
            origin="participant",
        )
        taken = grid.taken([note])
        for index in range(grid.cols * grid.rows):
            x, y = grid.cell(index)
            cell = note.model_copy(update={"x": x, "y": y})
            assert (index in taken) == overlaps(note, cell)
    assert free_place(loose_grid([]), []) == (0.0, 0.0)


def test_a_reveal_of_many_writers_first_ideas_spreads_them_over_the_frame() -> None:
    """Everyone's first private idea went to the frame's first cell: at the
    reveal 200 notes from 50 writers land apart, all inside the frame."""
    from samskapa.domain.commands import JoinBoard
    from samskapa.domain.policy import Actor
    from samskapa.domain.values import Role

    b = _board(w=3600, h=2000)
    b.run({"type": "agenda.set", "steps": [PRIVATE_STEP]}, FACILITATOR)
    b.run({"type": "agenda.go", "step_id": "s1"}, FACILITATOR)
    b.run({"type": "note.create", "note_id": "open", "frame_id": "f1"}, FACILITATOR)
    writers = [Actor(f"m_w{i}", Role.PARTICIPANT) for i in range(50)]
    for w in writers:
        b.run(JoinBoard(member_id=w.member_id, name=w.member_id, role=w.role), w)
    for k in range(4):
        for i, w in enumerate(writers):
            b.run({"type": "note.create", "note_id": f"w{i}_{k}", "frame_id": "f1"}, w)
    firsts = {(b.state.notes[f"w{i}_0"].x, b.state.notes[f"w{i}_0"].y) for i in range(50)}
    assert len(firsts) == 1  # nobody saw anybody else's
    b.run({"type": "notes.reveal"}, FACILITATOR)
    notes = list(b.state.notes.values())
    assert len(notes) == 201
    _no_overlap(notes)
    assert all(_inside(n, b.state.frames["f1"]) for n in notes)
