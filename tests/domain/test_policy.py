"""Every client command × every role × every kind of agenda step and board
state: no unexpected allow, no unexpected deny (and the stable code of a deny).

Table-driven: `COMMANDS` says what each command is (its category), `STEPS` what
each step allows participants, and `expected` is the whole rule in one place.
"""

from typing import Any, get_args

import pytest

from samskapa.domain.commands import ClientCommand
from samskapa.domain.errors import DomainError, ErrorCode

from .helpers import FACILITATOR, OBSERVER, OTHER, PARTICIPANT, Board

# The board (see _board): frame f1; notes n_own (PARTICIPANT's), n_other and
# n_third (OTHER's); group g1 holding n_own and n_other; a conflict link l1
# between them; an open vote round r1 (except for vote.open); OTHER's note
# n_wait waiting for approval and n_hidden hidden by a facilitator; n_gone_own
# (PARTICIPANT's) and n_gone_other (OTHER's) deleted by their authors.
COMMANDS: list[tuple[str, dict[str, Any]]] = [
    ("create", {"type": "note.create", "note_id": "n_new", "x": 0, "y": 0}),
    ("change_other", {"type": "note.edit", "note_id": "n_other", "text": "x"}),
    ("change_own", {"type": "note.edit", "note_id": "n_own", "text": "x"}),
    ("change_other", {"type": "note.move", "note_id": "n_other", "x": 1, "y": 1}),
    ("change_own", {"type": "note.move", "note_id": "n_own", "x": 1, "y": 1}),
    ("change_other", {"type": "note.recolor", "note_id": "n_other", "color": "pink"}),
    ("change_own", {"type": "note.kind", "note_id": "n_own", "kind": "goal"}),
    ("change_other", {"type": "note.kind", "note_id": "n_other", "kind": "goal"}),
    ("delete_own", {"type": "note.delete", "note_id": "n_own"}),
    ("delete_other", {"type": "note.delete", "note_id": "n_other"}),
    # Undoing a deletion follows the rule for deleting.
    ("delete_own", {"type": "note.undelete", "note_id": "n_gone_own"}),
    ("delete_other", {"type": "note.undelete", "note_id": "n_gone_other"}),
    (
        "facilitator",
        {"type": "frame.create", "frame_id": "f_new", "x": 0, "y": 0, "w": 99, "h": 99},
    ),
    ("facilitator", {"type": "frame.update", "frame_id": "f1", "title": "x"}),
    ("facilitator", {"type": "frame.move", "frame_id": "f1", "x": 10, "y": 20}),
    ("facilitator", {"type": "frame.delete", "frame_id": "f1"}),
    ("facilitator", {"type": "frame.tidy", "frame_id": "f1"}),
    ("create", {"type": "note.create", "note_id": "n_placed", "frame_id": "f1"}),
    ("facilitator", {"type": "board.update", "title": "x"}),
    ("always", {"type": "participant.update", "name": "New name"}),
    ("facilitator", {"type": "vote.open", "round_id": "r2"}),
    ("facilitator", {"type": "vote.limits", "round_id": "r1", "budget": 6, "cap": 3}),
    ("facilitator", {"type": "vote.close", "round_id": "r1"}),
    ("vote", {"type": "vote.cast", "round_id": "r1", "note_id": "n_other"}),
    ("vote", {"type": "vote.withdraw", "round_id": "r1", "note_id": "n_own"}),
    ("vote", {"type": "vote.status", "round_id": "r1", "status": "done"}),
    ("facilitator", {"type": "agenda.set", "steps": [{"id": "s9", "title": "Nine"}]}),
    ("facilitator", {"type": "agenda.go", "step_id": None}),
    ("facilitator", {"type": "timer.start", "seconds": 60}),
    ("facilitator", {"type": "timer.pause"}),
    ("facilitator", {"type": "timer.add", "seconds": 60}),
    ("facilitator", {"type": "timer.stop"}),
    ("facilitator", {"type": "notes.reveal"}),
    ("facilitator", {"type": "board.anonymity", "mode": "full"}),
    ("facilitator", {"type": "board.replay", "allowed": True}),
    ("facilitator", {"type": "board.lock", "locked": True}),
    ("facilitator", {"type": "attention.follow", "on": True}),
    ("facilitator", {"type": "attention.spotlight", "target": {"kind": "note", "id": "n_own"}}),
    ("facilitator", {"type": "attention.summon", "x": 0, "y": 0, "w": 800, "h": 600}),
    ("group", {"type": "group.create", "group_id": "g2", "note_ids": ["n_third", "n_own"]}),
    ("group", {"type": "group.rename", "group_id": "g1", "name": "Laddning"}),
    ("group", {"type": "group.delete", "group_id": "g1"}),
    ("group", {"type": "note.group", "note_id": "n_third", "group_id": "g1"}),
    ("link", {"type": "link.create", "link_id": "l2", "from_id": "n_own", "to_id": "n_third"}),
    ("link", {"type": "link.update", "link_id": "l1", "status": "balanced", "resolution": "ok"}),
    ("link", {"type": "link.delete", "link_id": "l1"}),
    ("ready", {"type": "step.ready", "ready": True}),
    ("facilitator", {"type": "collection.schedule", "closes_at": 10**12}),
    ("facilitator", {"type": "collection.close"}),
    ("facilitator", {"type": "board.moderation", "approval": True, "notes_per_minute": 5}),
    ("moderate_unseen", {"type": "note.approve", "note_id": "n_wait"}),
    ("moderate_unseen", {"type": "note.reject", "note_id": "n_wait", "reason": "x"}),
    ("facilitator", {"type": "note.hide", "note_id": "n_other", "reason": "x"}),
    ("moderate_unseen", {"type": "note.restore", "note_id": "n_hidden"}),
    ("flag", {"type": "note.flag", "note_id": "n_third"}),
]

# Agenda steps by what they let participants do; "free" is no step at all and
# "locked" the free canvas under the facilitator's lock.
STEPS: dict[str, dict[str, Any]] = {
    "read_only": {"write": "none", "edit": "none", "group": False, "link": False, "vote": False},
    "private_own": {
        "write": "private",
        "edit": "own",
        "group": False,
        "link": False,
        "vote": False,
    },
    "open_own": {"write": "open", "edit": "own", "group": False, "link": False, "vote": False},
    "open_all": {"write": "open", "edit": "all", "group": True, "link": False, "vote": False},
    "link_only": {"write": "none", "edit": "none", "group": False, "link": True, "vote": False},
    "vote_only": {"write": "none", "edit": "none", "group": False, "link": False, "vote": True},
}
CONTEXTS = ["free", "locked", *STEPS]
ROLES = {"facilitator": FACILITATOR, "participant": PARTICIPANT, "observer": OBSERVER}


def expected(category: str, role: str, context: str) -> ErrorCode | None:
    """None: allowed; otherwise the code of the refusal."""
    if category == "always":
        return None  # renaming oneself, observers included
    if category == "flag":
        # In any step and on a locked board; observers do not take part.
        return ErrorCode.FORBIDDEN if role == "observer" else None
    if category == "ready":
        # Observers do not take part; "I'm done" needs a running step.
        if role == "observer":
            return ErrorCode.FORBIDDEN
        return ErrorCode.NO_STEP if context in ("free", "locked") else None
    if role == "observer":
        return ErrorCode.FORBIDDEN
    if role == "facilitator":
        return None
    if category == "facilitator":
        return ErrorCode.FORBIDDEN
    if category == "moderate_unseen":
        return ErrorCode.NOT_FOUND  # someone else's withheld note does not exist for them
    if context == "locked":
        return ErrorCode.BOARD_LOCKED
    rules = {"write": "open", "edit": "all", "group": True, "link": True, "vote": True}
    rules = STEPS.get(context, rules)
    may = {
        "create": rules["write"] != "none",
        "change_own": rules["edit"] != "none",
        "change_other": rules["edit"] == "all",
        "delete_own": rules["edit"] != "none",
        "delete_other": False,
        "group": rules["group"],
        "link": rules["link"],
        "vote": rules["vote"],
    }[category]
    if may:
        return None
    if category == "delete_other" and rules["edit"] == "all":
        return ErrorCode.FORBIDDEN  # changing all notes never means deleting others'
    return ErrorCode.STEP_FORBIDS


def _board(command_type: str, context: str) -> Board:
    b = Board()
    b.run({"type": "frame.create", "frame_id": "f1", "x": 0, "y": 0, "w": 99, "h": 99}, FACILITATOR)
    b.run({"type": "note.create", "note_id": "n_own", "x": 0, "y": 0}, PARTICIPANT)
    b.run({"type": "note.create", "note_id": "n_other", "x": 0, "y": 0}, OTHER)
    b.run({"type": "note.create", "note_id": "n_third", "x": 9, "y": 9}, OTHER)
    b.run({"type": "note.create", "note_id": "n_gone_own", "x": 9, "y": 300}, PARTICIPANT)
    b.run({"type": "note.delete", "note_id": "n_gone_own"}, PARTICIPANT)
    b.run({"type": "note.create", "note_id": "n_gone_other", "x": 9, "y": 500}, OTHER)
    b.run({"type": "note.delete", "note_id": "n_gone_other"}, OTHER)
    b.run({"type": "group.create", "group_id": "g1", "note_ids": ["n_own", "n_other"]}, OTHER)
    b.run({"type": "link.create", "link_id": "l1", "from_id": "n_own", "to_id": "n_other"}, OTHER)
    b.run({"type": "note.create", "note_id": "n_hidden", "x": 300, "y": 0}, OTHER)
    b.run({"type": "note.hide", "note_id": "n_hidden"}, FACILITATOR)
    b.run({"type": "board.moderation", "approval": True}, FACILITATOR)
    b.run({"type": "note.create", "note_id": "n_wait", "x": 500, "y": 0}, OTHER)
    b.run({"type": "board.moderation", "approval": False}, FACILITATOR)
    if command_type != "vote.open":
        b.run({"type": "vote.open", "round_id": "r1"}, FACILITATOR)
        for actor in (FACILITATOR, PARTICIPANT):
            b.run({"type": "vote.cast", "round_id": "r1", "note_id": "n_own"}, actor)
    if command_type in ("timer.pause", "timer.add", "timer.stop"):
        b.run({"type": "timer.start", "seconds": 60}, FACILITATOR)
    steps = [{"id": name, "title": name, "rules": rules} for name, rules in STEPS.items()]
    b.run({"type": "agenda.set", "steps": steps}, FACILITATOR)
    if context in STEPS:
        b.run({"type": "agenda.go", "step_id": context}, FACILITATOR)
    if context == "locked":
        b.run({"type": "board.lock", "locked": True}, FACILITATOR)
    return b


def test_table_covers_every_client_command() -> None:
    union = get_args(ClientCommand)[0]
    all_types = {cls.model_fields["type"].annotation.__args__[0] for cls in get_args(union)}
    assert all_types == {cmd["type"] for _, cmd in COMMANDS}


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize(("category", "command"), COMMANDS, ids=lambda v: str(v)[:44])
def test_command_role_step(category: str, command: dict[str, Any], role: str, context: str) -> None:
    b = _board(command["type"], context)
    want = expected(category, role, context)
    if want is None:
        b.run(command, ROLES[role])
    else:
        with pytest.raises(DomainError) as e:
            b.run(command, ROLES[role])
        assert e.value.code is want, e.value.message


@pytest.mark.parametrize("role", ["facilitator", "participant"])
@pytest.mark.parametrize(
    "command",
    [
        {"type": "note.edit", "note_id": "n_secret", "text": "x"},
        {"type": "note.move", "note_id": "n_secret", "x": 1, "y": 1},
        {"type": "note.recolor", "note_id": "n_secret", "color": "pink"},
        {"type": "note.kind", "note_id": "n_secret", "kind": "goal"},
        {"type": "note.delete", "note_id": "n_secret"},
        {"type": "note.group", "note_id": "n_secret", "group_id": None},
        {"type": "group.create", "group_id": "g9", "note_ids": ["n_secret"]},
        {"type": "link.create", "link_id": "l9", "from_id": "n_secret", "to_id": "n_own"},
        {"type": "vote.cast", "round_id": "r1", "note_id": "n_secret"},
        {"type": "attention.spotlight", "target": {"kind": "note", "id": "n_secret"}},
    ],
    ids=lambda v: v["type"],
)
def test_someone_elses_private_note_does_not_exist(command: dict[str, Any], role: str) -> None:
    """Not "forbidden": that would tell that the note is there."""
    b = Board()
    free = {"write": "private", "edit": "all", "group": True, "link": True, "vote": True}
    b.run({"type": "agenda.set", "steps": [{"id": "s", "title": "S", "rules": free}]}, FACILITATOR)
    b.run({"type": "agenda.go", "step_id": "s"}, FACILITATOR)
    b.run({"type": "note.create", "note_id": "n_secret", "x": 0, "y": 0}, OTHER)
    b.run({"type": "note.create", "note_id": "n_own", "x": 0, "y": 0}, FACILITATOR)
    b.run({"type": "vote.open", "round_id": "r1"}, FACILITATOR)
    assert b.state.notes["n_secret"].private
    with pytest.raises(DomainError) as e:
        b.run(command, ROLES[role])
    facilitator_only = command["type"] == "attention.spotlight" and role == "participant"
    assert e.value.code is (ErrorCode.FORBIDDEN if facilitator_only else ErrorCode.NOT_FOUND)
