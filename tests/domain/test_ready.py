""" "I'm done" names nobody to the others, and a fully anonymous board keeps only
a pseudonym of who said it, in the envelope and in the data."""

import orjson
import pytest

from samskapa.domain.apply import fold
from samskapa.domain.events import StoredEvent
from samskapa.domain.policy import Actor, author_pseudonym
from samskapa.domain.visibility import own_notes, project, variant

from .helpers import FACILITATOR, OTHER, PARTICIPANT, SECRET, Board, viewer

_viewer = viewer


def _board(mode: str) -> Board:
    board = Board()
    board.run({"type": "board.anonymity", "mode": mode}, FACILITATOR)
    board.run({"type": "agenda.set", "steps": [{"id": "s1", "title": "Skriv"}]}, FACILITATOR)
    board.run({"type": "agenda.go", "step_id": "s1"}, FACILITATOR)
    return board


def _wire(board: Board, event: StoredEvent, actor: Actor) -> dict[str, object]:
    viewer = _viewer(actor)
    return project(event, variant(board.state, event, viewer), viewer)


@pytest.mark.parametrize("mode", ["off", "facilitators", "full"])
def test_others_get_the_count_without_the_envelope(mode: str) -> None:
    board = _board(mode)
    done = board.run({"type": "step.ready", "ready": True}, PARTICIPANT)
    for other in (FACILITATOR, OTHER):
        wire = _wire(board, done, other)
        assert wire["data"] == {"step_id": "s1", "count": 1}
        assert (wire["actor"], wire["op_id"]) == ("", "")
        assert PARTICIPANT.member_id not in orjson.dumps(wire).decode()
    mine = _wire(board, done, PARTICIPANT)
    assert mine["data"] == {"step_id": "s1", "ready": True, "count": 1, "mine": True}
    assert (mine["actor"], mine["op_id"]) == ("", done.op_id)
    assert own_notes(board.state, _viewer(PARTICIPANT))["ready"] == ["s1"]
    assert own_notes(board.state, _viewer(OTHER))["ready"] == []


def test_a_fully_anonymous_board_stores_a_pseudonym_and_still_counts() -> None:
    board = _board("full")
    alias = author_pseudonym(SECRET, PARTICIPANT.member_id)
    done = board.run({"type": "step.ready", "ready": True}, PARTICIPANT)
    board.run({"type": "step.ready", "ready": True}, OTHER)
    stored = orjson.dumps(done.to_wire()).decode()
    assert PARTICIPANT.member_id not in stored and alias in stored
    assert board.state.ready["s1"] == {alias, author_pseudonym(SECRET, OTHER.member_id)}
    again = board.run({"type": "step.ready", "ready": True}, PARTICIPANT)
    assert again.body.count == 2  # type: ignore[union-attr]
    undone = board.run({"type": "step.ready", "ready": False}, PARTICIPANT)
    assert undone.body.count == 1  # type: ignore[union-attr]
    # Replay folds the stored log to the same count.
    assert fold(board.log).ready == board.state.ready


def test_done_before_the_board_became_fully_anonymous_can_be_taken_back() -> None:
    board = _board("off")
    board.run({"type": "step.ready", "ready": True}, PARTICIPANT)
    board.run({"type": "board.anonymity", "mode": "full"}, FACILITATOR)
    undone = board.run({"type": "step.ready", "ready": False}, PARTICIPANT)
    assert undone.body.count == 0  # type: ignore[union-attr]
    assert board.state.ready["s1"] == frozenset()
    board.run({"type": "step.ready", "ready": True}, PARTICIPANT)
    assert board.state.ready["s1"] == {author_pseudonym(SECRET, PARTICIPANT.member_id)}
