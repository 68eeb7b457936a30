"""The digest counts contributions that became visible, never private ones."""

from samskapa.domain.digest import NO_FRAME, digest
from samskapa.domain.replay import FEW, members_by_actor
from tests.domain.helpers import FACILITATOR, OTHER, PARTICIPANT, SECRET, Board

SILENT = {"write": "private", "edit": "own", "group": False, "link": False, "vote": False}


def _digest(board: Board, after: int) -> tuple[int, dict[str, int], dict[str, int]]:
    events = [e for e in board.log if e.seq > after]
    found = digest(events, board.state, members_by_actor(board.state, SECRET))
    return found.ideas, dict(found.by_frame), dict(found.by_sector)


def _note(note_id: str, x: float = 10, y: float = 10) -> dict[str, object]:
    return {"type": "note.create", "note_id": note_id, "text": "t", "x": x, "y": y}


def test_new_visible_notes_by_frame_and_sector_bucket() -> None:
    board = Board()
    frame = {"type": "frame.create", "frame_id": "f1", "title": "Idéer"}
    board.run({**frame, "x": 0, "y": 0, "w": 500, "h": 500}, FACILITATOR)
    start = board.state.seq
    board.run(_note("n1"), PARTICIPANT)
    board.run(_note("n2", 2000, 2000), OTHER)
    board.run(_note("n3"), OTHER)
    board.run({"type": "note.delete", "note_id": "n3"}, OTHER)
    ideas, frames, sectors = _digest(board, start)
    assert ideas == 2
    assert frames == {"Idéer": 1, NO_FRAME: 1}
    # Four members of sector "other" only: one small bucket, nobody singled out.
    assert sum(sectors.values()) == 2 and set(sectors) <= {"other", FEW}


def test_private_notes_count_only_from_their_reveal() -> None:
    board = Board()
    steps = [{"id": "s1", "title": "Tyst", "rules": SILENT}]
    board.run({"type": "agenda.set", "steps": steps}, FACILITATOR)
    board.run({"type": "agenda.go", "step_id": "s1"}, FACILITATOR)
    start = board.state.seq
    board.run(_note("p1"), PARTICIPANT)
    assert _digest(board, start)[0] == 0
    middle = board.state.seq
    board.run({"type": "notes.reveal"}, FACILITATOR)
    assert _digest(board, middle)[0] == 1
    assert _digest(board, start)[0] == 1  # created privately, then revealed: once


def test_on_a_fully_anonymous_board_authors_still_count_by_sector() -> None:
    board = Board()
    board.run({"type": "board.anonymity", "mode": "full"}, FACILITATOR)
    start = board.state.seq
    board.run(_note("n1"), PARTICIPANT)
    author = board.state.notes["n1"].author
    assert author != PARTICIPANT.member_id  # a pseudonym
    ideas, _, sectors = _digest(board, start)
    assert ideas == 1 and sum(sectors.values()) == 1


def test_a_waiting_note_counts_from_its_approval_and_a_hidden_one_not_at_all() -> None:
    board = Board()
    board.run({"type": "board.moderation", "approval": True}, FACILITATOR)
    start = board.state.seq
    board.run(_note("w1"), PARTICIPANT)
    board.run(_note("w2"), OTHER)
    assert _digest(board, start)[0] == 0  # both wait
    middle = board.state.seq
    board.run({"type": "note.approve", "note_id": "w1"}, FACILITATOR)
    assert _digest(board, middle)[0] == 1
    board.run({"type": "note.approve", "note_id": "w2"}, FACILITATOR)
    board.run({"type": "note.hide", "note_id": "w2", "reason": "off topic"}, FACILITATOR)
    assert _digest(board, start)[0] == 1
