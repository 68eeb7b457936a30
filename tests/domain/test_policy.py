"""Every client command against every role: no unexpected allow or deny."""

from typing import Any

import pytest

from samskapa.domain.errors import DomainError, ErrorCode

from .helpers import FACILITATOR, OBSERVER, OTHER, PARTICIPANT, Board

# command, and who may issue it. The note "n_own" is PARTICIPANT's own note;
# "n_other" belongs to OTHER.
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
]
ACTORS = {"facilitator": FACILITATOR, "participant": PARTICIPANT, "observer": OBSERVER}


def _board() -> Board:
    b = Board()
    b.run({"type": "frame.create", "frame_id": "f1", "x": 0, "y": 0, "w": 99, "h": 99}, FACILITATOR)
    b.run({"type": "note.create", "note_id": "n_own", "x": 0, "y": 0}, PARTICIPANT)
    b.run({"type": "note.create", "note_id": "n_other", "x": 0, "y": 0}, OTHER)
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
    b = _board()
    if role in allowed:
        b.run(command, ACTORS[role])
    else:
        with pytest.raises(DomainError) as e:
            b.run(command, ACTORS[role])
        assert e.value.code is ErrorCode.FORBIDDEN
