"""Every client command against every role: no unexpected allow or deny."""

from typing import Any

import pytest

from samskapa.domain.errors import DomainError, ErrorCode

from .helpers import FACILITATOR, OBSERVER, OTHER, PARTICIPANT, Board

# command, and who may issue it. The note "n_own" is PARTICIPANT's own note;
# "n_other" belongs to OTHER; vote round "r1" is open (see _board).
MATRIX: list[tuple[dict[str, Any], set[str]]] = [
    ({"type": "note.create", "note_id": "n_new", "x": 0, "y": 0}, {"facilitator", "participant"}),
    ({"type": "note.edit", "note_id": "n_other", "text": "x"}, {"facilitator", "participant"}),
    ({"type": "note.move", "note_id": "n_other", "x": 1, "y": 1}, {"facilitator", "participant"}),
    (
        {"type": "note.recolor", "note_id": "n_other", "color": "pink"},
        {"facilitator", "participant"},
    ),
    ({"type": "note.delete", "note_id": "n_own"}, {"facilitator", "participant"}),
    ({"type": "note.delete", "note_id": "n_other"}, {"facilitator"}),
    (
        {"type": "frame.create", "frame_id": "f_new", "x": 0, "y": 0, "w": 99, "h": 99},
        {"facilitator"},
    ),
    ({"type": "frame.update", "frame_id": "f1", "title": "x"}, {"facilitator"}),
    ({"type": "frame.delete", "frame_id": "f1"}, {"facilitator"}),
    ({"type": "board.update", "title": "x"}, {"facilitator"}),
    (
        {"type": "participant.update", "name": "New name"},
        {"facilitator", "participant", "observer"},
    ),
    ({"type": "vote.open", "round_id": "r2"}, {"facilitator"}),
    ({"type": "vote.limits", "round_id": "r1", "budget": 6, "cap": 3}, {"facilitator"}),
    ({"type": "vote.close", "round_id": "r1"}, {"facilitator"}),
    ({"type": "vote.cast", "round_id": "r1", "note_id": "n_other"}, {"facilitator", "participant"}),
    (
        {"type": "vote.withdraw", "round_id": "r1", "note_id": "n_own"},
        {"facilitator", "participant"},
    ),
    ({"type": "vote.status", "round_id": "r1", "status": "done"}, {"facilitator", "participant"}),
]
ACTORS = {"facilitator": FACILITATOR, "participant": PARTICIPANT, "observer": OBSERVER}


def _board(open_round: bool) -> Board:
    """A frame, a note of PARTICIPANT's and one of OTHER's; and, unless told
    otherwise, an open vote round in which the facilitator and the participant
    each voted once for n_own."""
    b = Board()
    b.run({"type": "frame.create", "frame_id": "f1", "x": 0, "y": 0, "w": 99, "h": 99}, FACILITATOR)
    b.run({"type": "note.create", "note_id": "n_own", "x": 0, "y": 0}, PARTICIPANT)
    b.run({"type": "note.create", "note_id": "n_other", "x": 0, "y": 0}, OTHER)
    if open_round:
        b.run({"type": "vote.open", "round_id": "r1"}, FACILITATOR)
        for actor in (FACILITATOR, PARTICIPANT):
            b.run({"type": "vote.cast", "round_id": "r1", "note_id": "n_own"}, actor)
    return b


def test_matrix_covers_every_client_command() -> None:
    from typing import get_args

    from samskapa.domain.commands import ClientCommand

    union = get_args(ClientCommand)[0]
    all_types = {cls.model_fields["type"].annotation.__args__[0] for cls in get_args(union)}
    assert all_types == {cmd["type"] for cmd, _ in MATRIX}


@pytest.mark.parametrize("role", sorted(ACTORS))
@pytest.mark.parametrize(("command", "allowed"), MATRIX, ids=lambda v: str(v)[:40])
def test_role_matrix(command: dict[str, Any], allowed: set[str], role: str) -> None:
    b = _board(open_round=command["type"] != "vote.open")
    if role in allowed:
        b.run(command, ACTORS[role])
    else:
        with pytest.raises(DomainError) as e:
            b.run(command, ACTORS[role])
        assert e.value.code is ErrorCode.FORBIDDEN
