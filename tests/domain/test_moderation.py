"""Moderation in the pure core: waiting, approving, rejecting, hiding, restoring,
flags and the notes-per-minute limit, and what each viewer gets of them live
and in replay (domain/moderation.py, visibility.py, replay.py)."""

import json
from typing import Any

import pytest

from samskapa.domain.apply import fold
from samskapa.domain.errors import DomainError, ErrorCode
from samskapa.domain.events import StoredEvent
from samskapa.domain.policy import Actor
from samskapa.domain.replay import record_event, replay_view, taken_down_for
from samskapa.domain.values import Anonymity, Moderation
from samskapa.domain.visibility import (
    is_public,
    own_notes,
    project,
    shared_state,
    variant,
)

from .helpers import FACILITATOR, OBSERVER, OTHER, PARTICIPANT, Board, viewer

WAITING_TEXT = "CANARY-waiting-7f3a"
HIDDEN_TEXT = "CANARY-hidden-91c2"


def seen(b: Board, actor: Actor, event: StoredEvent) -> dict[str, Any]:
    v = viewer(actor)
    return project(event, variant(b.state, event, v), v)


def refused(b: Board, command: dict[str, Any], actor: Actor) -> ErrorCode:
    with pytest.raises(DomainError) as caught:
        b.run(command, actor)
    return caught.value.code


def moderated() -> Board:
    b = Board()
    b.run({"type": "board.moderation", "approval": True}, FACILITATOR)
    return b


def test_participants_notes_wait_facilitators_do_not() -> None:
    b = moderated()
    b.run({"type": "note.create", "note_id": "n_p", "text": WAITING_TEXT}, PARTICIPANT)
    b.run({"type": "note.create", "note_id": "n_f", "text": "seed"}, FACILITATOR)
    assert b.state.notes["n_p"].moderation is Moderation.WAITING
    assert b.state.notes["n_f"].moderation is Moderation.PUBLISHED


def test_a_waiting_note_reaches_only_its_author_and_facilitators() -> None:
    b = moderated()
    created = b.run({"type": "note.create", "note_id": "n_p", "text": WAITING_TEXT}, PARTICIPANT)
    edited = b.run({"type": "note.edit", "note_id": "n_p", "text": WAITING_TEXT + "!"}, PARTICIPANT)
    for event in (created, edited):
        for actor in (OTHER, OBSERVER):
            wire = seen(b, actor, event)
            assert wire == {
                "seq": event.seq,
                "type": "note.withheld",
                "at": event.at,
                "actor": "",
                "op_id": "",
                "data": {},
            }
        for actor in (PARTICIPANT, FACILITATOR):
            wire = seen(b, actor, event)
            assert WAITING_TEXT in json.dumps(wire)
            assert "withheld" not in wire["data"]  # the author never leaves the server
    # Snapshots: the facilitator's shared state holds it, the participants' not;
    # the author gets it in own_notes.
    assert "n_p" in shared_state(b.state, moderator=True)["notes"]
    assert "n_p" not in shared_state(b.state)["notes"]
    assert "n_p" in own_notes(b.state, viewer(PARTICIPANT))["notes"]
    assert own_notes(b.state, viewer(OTHER))["notes"] == {}
    # Someone else's waiting note does not exist for a participant.
    assert refused(b, {"type": "note.edit", "note_id": "n_p", "text": "x"}, OTHER) == "not_found"
    assert refused(b, {"type": "note.flag", "note_id": "n_p"}, OTHER) == "not_found"
    # Neither the author nor a facilitator can group, link or vote on it yet.
    code = refused(b, {"type": "group.create", "group_id": "g", "note_ids": ["n_p"]}, FACILITATOR)
    assert code == "note_withheld"


def test_approve_publishes_the_note_as_it_is_now() -> None:
    b = moderated()
    b.run({"type": "note.create", "note_id": "n_p", "text": "first"}, PARTICIPANT)
    b.run({"type": "note.edit", "note_id": "n_p", "text": "second"}, PARTICIPANT)
    approved = b.run({"type": "note.approve", "note_id": "n_p"}, FACILITATOR)
    assert b.state.notes["n_p"].moderation is Moderation.PUBLISHED
    wire = seen(b, OTHER, approved)
    assert wire["type"] == "note.approved"
    assert wire["data"]["note"]["text"] == "second"
    assert "n_p" in shared_state(b.state)["notes"]
    assert refused(b, {"type": "note.approve", "note_id": "n_p"}, FACILITATOR) == (
        "moderation_state"
    )


def test_reject_tells_the_author_why_and_an_edit_sends_it_back() -> None:
    b = moderated()
    b.run({"type": "note.create", "note_id": "n_p", "text": WAITING_TEXT}, PARTICIPANT)
    rejected = b.run({"type": "note.reject", "note_id": "n_p", "reason": "Off topic"}, FACILITATOR)
    assert seen(b, PARTICIPANT, rejected)["data"] == {"note_id": "n_p", "reason": "Off topic"}
    assert seen(b, OTHER, rejected)["type"] == "note.withheld"
    mine = own_notes(b.state, viewer(PARTICIPANT))["notes"]["n_p"]
    assert (mine["moderation"], mine["reason"]) == ("rejected", "Off topic")
    b.run({"type": "note.edit", "note_id": "n_p", "text": "On topic"}, PARTICIPANT)
    note = b.state.notes["n_p"]
    assert (note.moderation, note.reason) == (Moderation.WAITING, "")


def test_hide_takes_a_note_away_from_everyone_else_and_restore_brings_it_back() -> None:
    b = Board()
    b.run({"type": "note.create", "note_id": "n_a", "text": "a"}, OTHER)
    b.run({"type": "note.create", "note_id": "n_h", "text": "ordinary"}, PARTICIPANT)
    b.run({"type": "group.create", "group_id": "g", "note_ids": ["n_a", "n_h"]}, FACILITATOR)
    b.run({"type": "link.create", "link_id": "l", "from_id": "n_a", "to_id": "n_h"}, FACILITATOR)
    b.run({"type": "vote.open", "round_id": "r", "blind": False}, FACILITATOR)
    b.run({"type": "vote.cast", "round_id": "r", "note_id": "n_h"}, OTHER)
    hidden = b.run({"type": "note.hide", "note_id": "n_h", "reason": "Names a person"}, FACILITATOR)
    # For everyone else: gone, without the reason or who hid it.
    gone = seen(b, OTHER, hidden)
    assert gone == {**gone, "type": "note.hidden", "actor": "", "op_id": ""}
    assert gone["data"] == {"note_id": "n_h"}
    assert seen(b, PARTICIPANT, hidden)["data"] == {"note_id": "n_h", "reason": "Names a person"}
    # It left its group, its link and its votes, as a deletion would.
    note = b.state.notes["n_h"]
    assert (note.moderation, note.group_id) == (Moderation.HIDDEN, None)
    assert b.state.links == {}
    assert b.state.votes.total("r") == 0
    # The author edits it while hidden: nobody else hears of it.
    edited = b.run({"type": "note.edit", "note_id": "n_h", "text": HIDDEN_TEXT}, PARTICIPANT)
    for actor in (OTHER, OBSERVER):
        assert seen(b, actor, edited)["type"] == "note.withheld"
        assert "n_h" not in shared_state(b.state)["notes"]
    assert seen(b, FACILITATOR, edited)["data"]["text"] == HIDDEN_TEXT
    assert refused(b, {"type": "vote.cast", "round_id": "r", "note_id": "n_h"}, OTHER) == (
        "not_found"
    )
    restored = b.run({"type": "note.restore", "note_id": "n_h"}, FACILITATOR)
    assert seen(b, OTHER, restored)["data"]["note"]["text"] == HIDDEN_TEXT
    assert b.state.notes["n_h"].public and b.state.taken_down == frozenset()


def test_replay_keeps_a_hidden_notes_text_from_others_at_every_moment() -> None:
    b = Board()
    b.run({"type": "note.create", "note_id": "n_h", "text": HIDDEN_TEXT}, PARTICIPANT)
    b.run({"type": "note.edit", "note_id": "n_h", "text": HIDDEN_TEXT + "2"}, PARTICIPANT)
    b.run({"type": "note.hide", "note_id": "n_h"}, FACILITATOR)
    head = b.state
    for actor in (OTHER, OBSERVER, PARTICIPANT, FACILITATOR):
        v = viewer(actor)
        gone = taken_down_for(head, v)
        texts = []
        for seq in range(1, len(b.log) + 1):
            state = fold(b.log[:seq])
            texts.append(json.dumps(replay_view(state, v, Anonymity.OFF, taken_down=gone)))
        texts += [json.dumps(record_event(e, head, v, Anonymity.OFF)) for e in b.log]
        found = HIDDEN_TEXT in "".join(texts)
        assert found == (actor in (PARTICIPANT, FACILITATOR)), actor


def test_flags_are_counted_for_facilitators_and_name_nobody() -> None:
    b = Board()
    b.run({"type": "note.create", "note_id": "n", "text": "x"}, FACILITATOR)
    flagged = b.run({"type": "note.flag", "note_id": "n"}, PARTICIPANT)
    assert refused(b, {"type": "note.flag", "note_id": "n"}, PARTICIPANT) == "already_exists"
    assert refused(b, {"type": "note.flag", "note_id": "n"}, OBSERVER) == "forbidden"
    b.run({"type": "note.flag", "note_id": "n"}, OTHER)
    assert seen(b, PARTICIPANT, flagged)["data"] == {"note_id": "n", "mine": True}
    to_facilitator = seen(b, FACILITATOR, flagged)
    assert to_facilitator["data"] == {"note_id": "n", "count": 1}
    assert to_facilitator["actor"] == to_facilitator["op_id"] == ""
    assert seen(b, OBSERVER, flagged)["type"] == "note.withheld"
    assert shared_state(b.state, moderator=True)["flags"] == {"n": 2}
    assert shared_state(b.state)["flags"] == {}
    assert own_notes(b.state, viewer(PARTICIPANT))["flagged"] == ["n"]
    assert own_notes(b.state, viewer(OBSERVER))["flagged"] == []


def test_a_flagged_note_hidden_and_restored_comes_back_flagged_for_who_flagged_it() -> None:
    """Hidden, the note (and the flag with it) is gone for the participant who
    flagged it; restored, it comes back with their mark, as the next snapshot
    says: the live page and a fresh load agree (tests/js/golden.test.mjs)."""
    for anonymity in ("off", "full"):
        b = Board()
        b.run({"type": "board.anonymity", "mode": anonymity}, FACILITATOR)
        b.run({"type": "note.create", "note_id": "n", "text": "x"}, FACILITATOR)
        b.run({"type": "note.flag", "note_id": "n"}, PARTICIPANT)
        b.run({"type": "note.hide", "note_id": "n", "reason": "Off topic"}, FACILITATOR)
        assert own_notes(b.state, viewer(PARTICIPANT))["flagged"] == []
        restored = b.run({"type": "note.restore", "note_id": "n"}, FACILITATOR)
        assert not is_public(b.state, restored)
        mine = seen(b, PARTICIPANT, restored)
        assert mine["type"] == "note.restored" and mine["data"]["flagged"] is True
        assert own_notes(b.state, viewer(PARTICIPANT))["flagged"] == ["n"]
        for other in (OTHER, OBSERVER, FACILITATOR):
            assert "flagged" not in seen(b, other, restored)["data"], other
        if anonymity == "full":
            # Nobody's author shows, nor the facilitator's op.
            assert mine["data"]["note"]["author"] == ""
            assert mine["actor"] == mine["op_id"] == ""


def test_notes_per_minute_limit() -> None:
    b = Board()
    b.run({"type": "board.moderation", "approval": False, "notes_per_minute": 2}, FACILITATOR)
    b.run({"type": "note.create", "note_id": "n1"}, PARTICIPANT)
    b.run({"type": "note.create", "note_id": "n2"}, PARTICIPANT)
    assert refused(b, {"type": "note.create", "note_id": "n3"}, PARTICIPANT) == "too_many_notes"
    # Others and facilitators are not held back by one person's count.
    b.run({"type": "note.create", "note_id": "n4"}, OTHER)
    b.run({"type": "note.create", "note_id": "n5"}, FACILITATOR)
    # A minute later the participant may write again (Board's clock is the log length).
    late = b.state.copy()
    late.note_times = {k: tuple(t - 60_000 for t in v) for k, v in late.note_times.items()}
    b.state = late
    b.run({"type": "note.create", "note_id": "n3"}, PARTICIPANT)
    assert "note_times" not in shared_state(b.state)


def test_a_reveal_gives_others_only_the_published_notes() -> None:
    b = moderated()
    steps = [{"id": "s", "title": "Silent", "rules": {"write": "private"}}]
    b.run({"type": "agenda.set", "steps": steps}, FACILITATOR)
    b.run({"type": "agenda.go", "step_id": "s"}, FACILITATOR)
    b.run({"type": "note.create", "note_id": "n_p", "text": WAITING_TEXT}, PARTICIPANT)
    note = b.state.notes["n_p"]
    assert note.private and note.withheld
    # Private first: not even facilitators see it before the reveal.
    assert "n_p" not in shared_state(b.state, moderator=True)["notes"]
    revealed = b.run({"type": "notes.reveal"}, FACILITATOR)
    assert seen(b, OTHER, revealed)["data"]["notes"] == []
    assert [n["id"] for n in seen(b, FACILITATOR, revealed)["data"]["notes"]] == ["n_p"]
    assert [n["id"] for n in seen(b, PARTICIPANT, revealed)["data"]["notes"]] == ["n_p"]
    assert "n_p" in shared_state(b.state, moderator=True)["notes"]
    assert "n_p" not in shared_state(b.state)["notes"]
