"""The golden event log: a workshop decided and folded by the Python domain that
holds every event type, as two members received it (the facilitator and a
participant: projected events, then the snapshot the server would send each of
them at every seq). tests/js/golden.test.mjs folds the events with the
browser's fold (frontend/js/core/state.js) and compares every seq with the
snapshot; tests/golden/test_golden.py checks that the committed file is what
this script makes and that it covers every event type.

Regenerate: python -m tests.golden.make_golden
"""

import json
from pathlib import Path
from typing import Any

from samskapa.domain.commands import (
    Command,
    CreateBoard,
    EraseParticipant,
    JoinBoard,
    ReplaceLink,
    RestoreBoard,
)
from samskapa.domain.policy import Actor
from samskapa.domain.state import BoardState
from samskapa.domain.values import Role
from samskapa.domain.visibility import (
    moderates,
    own_notes,
    own_votes,
    project,
    sees_authors,
    shared_state,
    variant,
)
from tests.domain.helpers import FACILITATOR, OBSERVER, OTHER, PARTICIPANT, Board, viewer

TARGET = Path(__file__).with_name("golden_log.json")
VIEWERS = {"facilitator": FACILITATOR, "participant": PARTICIPANT}
FAR = 4_000_000_000_000  # a deadline far after every instant of this log (epoch ms)

F, P, P2 = FACILITATOR, PARTICIPANT, OTHER  # the facilitator and two participants


def workshop() -> list[tuple[dict[str, Any] | Command, Actor]]:
    """(command, actor) in order: a short mission workshop touching every event."""
    steps = [
        {"id": "s1", "title": "Silent writing", "rules": {"write": "private", "edit": "own"}},
        {"id": "s2", "title": "Open", "rules": {"write": "open", "edit": "all"}, "frame_id": "f1"},
    ]
    return [
        (
            {
                "type": "board.update",
                "title": "Freight",
                "mission": {"statement": "Fossil-free freight"},
            },
            F,
        ),
        ({"type": "participant.update", "sector": "business"}, P),
        (
            {
                "type": "frame.create",
                "frame_id": "f1",
                "title": "Ideas",
                "x": 0,
                "y": 0,
                "w": 800,
                "h": 500,
            },
            F,
        ),
        (
            {
                "type": "frame.create",
                "frame_id": "f2",
                "title": "Spare",
                "x": 900,
                "y": 0,
                "w": 400,
                "h": 300,
            },
            F,
        ),
        ({"type": "frame.update", "frame_id": "f1", "prompt": "What would help?"}, F),
        ({"type": "note.create", "note_id": "n1", "text": "Rail hubs", "x": 40, "y": 120}, P),
        ({"type": "note.create", "note_id": "n2", "text": "Biogas trucks", "frame_id": "f1"}, P2),
        (
            {
                "type": "note.create",
                "note_id": "n3",
                "text": "Seeded goal",
                "x": 1000,
                "y": 100,
                "kind": "goal",
            },
            F,
        ),
        ({"type": "note.edit", "note_id": "n1", "text": "Rail freight hubs"}, P),
        ({"type": "note.move", "note_id": "n1", "x": 60, "y": 140}, P),
        ({"type": "note.recolor", "note_id": "n1", "color": "green"}, P),
        ({"type": "note.kind", "note_id": "n2", "kind": "challenge"}, P2),
        ({"type": "frame.tidy", "frame_id": "f1"}, F),
        ({"type": "frame.move", "frame_id": "f1", "x": 20, "y": 10}, F),
        ({"type": "agenda.set", "steps": steps}, F),
        ({"type": "agenda.go", "step_id": "s1"}, F),
        (
            {"type": "note.create", "note_id": "n4", "text": "My private idea", "x": 200, "y": 300},
            P,
        ),
        (
            {
                "type": "note.create",
                "note_id": "n7",
                "text": "Another's private idea",
                "x": 400,
                "y": 300,
            },
            P2,
        ),
        ({"type": "step.ready", "ready": True}, P),
        ({"type": "timer.start", "seconds": 300}, F),
        ({"type": "timer.add", "seconds": 60}, F),
        ({"type": "timer.pause"}, F),
        ({"type": "timer.stop"}, F),
        ({"type": "notes.reveal"}, F),
        ({"type": "agenda.go", "step_id": "s2"}, F),
        ({"type": "group.create", "group_id": "g1", "name": "Rail", "note_ids": ["n1", "n2"]}, P),
        ({"type": "group.rename", "group_id": "g1", "name": "Rail and road"}, P),
        ({"type": "note.group", "note_id": "n4", "group_id": "g1"}, P),
        ({"type": "group.delete", "group_id": "g1"}, F),
        ({"type": "group.create", "group_id": "g2", "note_ids": ["n1", "n2"]}, F),
        ({"type": "link.create", "link_id": "l1", "from_id": "n1", "to_id": "n2"}, P),
        ({"type": "link.update", "link_id": "l1", "status": "balanced", "resolution": "Both"}, F),
        (
            {
                "type": "link.create",
                "link_id": "l2",
                "from_id": "n2",
                "to_id": "n4",
                "kind": "supports",
            },
            P,
        ),
        ({"type": "link.delete", "link_id": "l2"}, F),
        ({"type": "board.lock", "locked": True}, F),
        ({"type": "board.lock", "locked": False}, F),
        ({"type": "attention.follow", "on": True}, F),
        ({"type": "attention.spotlight", "target": {"kind": "note", "id": "n1"}}, F),
        ({"type": "attention.summon", "x": 0, "y": 0, "w": 800, "h": 500}, F),
        ({"type": "board.replay", "allowed": True}, F),
        ({"type": "collection.schedule", "closes_at": FAR}, F),
        ({"type": "board.moderation", "approval": True, "notes_per_minute": 10}, F),
        (
            {
                "type": "note.create",
                "note_id": "n5",
                "text": "Waiting for approval",
                "x": 80,
                "y": 400,
            },
            P,
        ),
        ({"type": "note.approve", "note_id": "n5"}, F),
        ({"type": "note.create", "note_id": "n6", "text": "Off topic", "x": 300, "y": 400}, P2),
        ({"type": "note.reject", "note_id": "n6", "reason": "Off topic"}, F),
        ({"type": "note.flag", "note_id": "n2"}, P),
        ({"type": "note.hide", "note_id": "n2", "reason": "Flagged"}, F),
        ({"type": "note.restore", "note_id": "n2"}, F),
        ({"type": "board.moderation", "approval": False}, F),
        (
            {
                "type": "vote.open",
                "round_id": "r1",
                "title": "Pick",
                "budget": 3,
                "cap": 2,
                "blind": False,
            },
            F,
        ),
        ({"type": "vote.cast", "round_id": "r1", "note_id": "n1"}, P),
        ({"type": "vote.cast", "round_id": "r1", "note_id": "n2"}, P),
        ({"type": "vote.withdraw", "round_id": "r1", "note_id": "n2"}, P),
        ({"type": "vote.cast", "round_id": "r1", "note_id": "n2"}, P2),
        ({"type": "vote.limits", "round_id": "r1", "budget": 4, "cap": 2}, F),
        ({"type": "vote.status", "round_id": "r1", "status": "done"}, P),
        ({"type": "vote.close", "round_id": "r1"}, F),
        ({"type": "note.delete", "note_id": "n3"}, F),
        ({"type": "frame.delete", "frame_id": "f2"}, F),
        ({"type": "board.anonymity", "mode": "facilitators"}, F),
        (
            {
                "type": "note.create",
                "note_id": "n8",
                "text": "Written when names were hidden",
                "x": 500,
                "y": 500,
            },
            P2,
        ),
        (ReplaceLink(role=Role.PARTICIPANT), F),
        (EraseParticipant(member_id=OTHER.member_id), F),
    ]


def restored() -> list[tuple[dict[str, Any] | Command, Actor]]:
    """A second board made from content (a fork or an import): board.restored."""
    content = {
        "frames": [{"id": "f1", "title": "Ideas", "x": 0, "y": 0, "w": 800, "h": 500}],
        "notes": [
            {"id": "n1", "text": "Kept", "x": 40, "y": 120, "group_id": "g1"},
            {"id": "n2", "text": "Also kept", "x": 240, "y": 120, "group_id": "g1", "kind": "goal"},
        ],
        "groups": [{"id": "g1", "name": "Kept together"}],
        "links": [{"id": "l1", "from_id": "n1", "to_id": "n2", "status": "accepted"}],
        "agenda": [{"id": "s1", "title": "Look back", "rules": {"write": "none", "edit": "none"}}],
    }
    return [(RestoreBoard.model_validate(content), F)]


def snapshot(state: BoardState, actor: Actor) -> dict[str, Any]:
    """What the server sends this member on a reset (realtime/hub.py `snapshot`)."""
    who = viewer(actor)
    authors = sees_authors(state, who)
    return {
        "snapshot": {
            "type": "snapshot",
            "seq": state.seq,
            "state": shared_state(state, authors, moderator=moderates(who)),
        },
        "own_votes": {"type": "own_votes", "seq": state.seq, **own_votes(state, who)},
        "own_notes": {"type": "own_notes", "seq": state.seq, **own_notes(state, who)},
    }


class Recorder:
    """A board decided and folded in memory (tests/domain/helpers.py), and what
    each viewer received of every event and would get as a snapshot after it."""

    def __init__(self) -> None:
        self.board = Board.__new__(Board)  # without the helper's own setup
        self.board.state = BoardState()
        self.board.log = []
        self.logs: dict[str, Any] = {
            name: {"member_id": a.member_id, "role": a.role.value, "events": [], "snapshots": {}}
            for name, a in VIEWERS.items()
        }

    def run(self, command: dict[str, Any] | Command, actor: Actor) -> None:
        event = self.board.run(command, actor)
        state = self.board.state
        for name, member in VIEWERS.items():
            who = viewer(member)
            self.logs[name]["events"].append(project(event, variant(state, event, who), who))
            self.logs[name]["snapshots"][str(state.seq)] = snapshot(state, member)


def record(board_id: str, script: list[tuple[dict[str, Any] | Command, Actor]]) -> dict[str, Any]:
    recorder = Recorder()
    recorder.run(CreateBoard(board_id=board_id, title="Board"), FACILITATOR)
    for member in (FACILITATOR, PARTICIPANT, OTHER, OBSERVER):
        recorder.run(
            JoinBoard(member_id=member.member_id, name=member.member_id, role=member.role), member
        )
    for command, actor in script:
        recorder.run(command, actor)
    return recorder.logs


def build() -> dict[str, Any]:
    return {"workshop": record("b_1", workshop()), "restored": record("b_2", restored())}


def render() -> str:
    return json.dumps(build(), ensure_ascii=False, sort_keys=True, indent=0) + "\n"


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
