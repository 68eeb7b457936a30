"""An idea collection's dates: scheduling, the close at the deadline, reopening,
and what participants may contribute when (domain/collection.py)."""

from typing import Any

import pytest

from samskapa.domain.apply import apply
from samskapa.domain.collection import BOARD, close_op_id
from samskapa.domain.commands import client_command_adapter
from samskapa.domain.decide import decide
from samskapa.domain.errors import DomainError, ErrorCode
from samskapa.domain.events import CollectionChanged, StoredEvent
from samskapa.domain.policy import Actor
from samskapa.domain.state import BoardState

from .helpers import FACILITATOR, OBSERVER, PARTICIPANT, SECRET, Board

DAY = 24 * 3600 * 1000
T0 = 1_800_000_000_000  # "now" at the start of these tests


class Clocked(Board):
    """A board whose commands are decided at `self.now`."""

    def __init__(self) -> None:
        self.now = T0
        super().__init__()

    def at(self, now: int, command: dict[str, Any], actor: Actor) -> StoredEvent:
        parsed = client_command_adapter.validate_python(command)
        body = decide(self.state, parsed, actor, now, SECRET)
        event = StoredEvent(self.state.seq + 1, now, actor.member_id, f"op{len(self.log)}", body)
        apply(self.state, event)
        self.log.append(event)
        return event


def _note(note_id: str) -> dict[str, Any]:
    return {"type": "note.create", "note_id": note_id, "x": 0, "y": 0}


def _refused(b: Clocked, now: int, command: dict[str, Any], actor: Actor) -> ErrorCode:
    with pytest.raises(DomainError) as e:
        b.at(now, command, actor)
    return e.value.code


def test_a_week_long_collection_opens_closes_at_the_deadline_and_reopens() -> None:
    b = Clocked()
    opens, closes = T0 + DAY, T0 + 8 * DAY
    event = b.at(
        T0, {"type": "collection.schedule", "opens_at": opens, "closes_at": closes}, FACILITATOR
    )
    assert isinstance(event.body, CollectionChanged) and event.body.action == "scheduled"
    # Before it opens: refused with its own code; facilitators prepare freely.
    assert _refused(b, T0 + 1, _note("n_early"), PARTICIPANT) is ErrorCode.COLLECTION_NOT_OPEN
    b.at(T0 + 1, _note("n_seed"), FACILITATOR)
    b.at(opens, _note("n_1"), PARTICIPANT)
    b.at(closes - 1, {"type": "note.edit", "note_id": "n_1", "text": "edited"}, PARTICIPANT)
    # From the deadline on, refused, even before the close event exists.
    assert _refused(b, closes, _note("n_late"), PARTICIPANT) is ErrorCode.COLLECTION_CLOSED
    edit = {"type": "note.edit", "note_id": "n_1", "text": "late"}
    assert _refused(b, closes, edit, PARTICIPANT) is ErrorCode.COLLECTION_CLOSED
    # The server's close, once: a second one with the same deadline is refused.
    auto = {"type": "collection.close", "deadline": closes}
    closed = b.at(closes + 500, auto, FACILITATOR).body
    assert isinstance(closed, CollectionChanged)
    assert closed.action == "closed" and closed.automatic
    assert closed.schedule.closed_at == closes + 500
    assert _refused(b, closes + 600, auto, FACILITATOR) is ErrorCode.COLLECTION_STATE
    # Reopen with a new deadline: contributions are welcome again until then.
    later = closes + 2 * DAY
    again = b.at(closes + DAY, {"type": "collection.schedule", "closes_at": later}, FACILITATOR)
    assert isinstance(again.body, CollectionChanged) and again.body.action == "reopened"
    b.at(closes + DAY + 1, _note("n_2"), PARTICIPANT)
    assert b.state.schedules[BOARD].closed_at is None


def test_the_servers_close_is_refused_before_the_deadline_and_after_it_moved() -> None:
    b = Clocked()
    closes = T0 + DAY
    b.at(T0, {"type": "collection.schedule", "closes_at": closes}, FACILITATOR)
    early = {"type": "collection.close", "deadline": closes}
    assert _refused(b, closes - 1, early, FACILITATOR) is ErrorCode.COLLECTION_STATE
    # Extended: the old deadline's close no longer applies.
    b.at(T0 + 10, {"type": "collection.schedule", "closes_at": closes + DAY}, FACILITATOR)
    assert _refused(b, closes + 1, early, FACILITATOR) is ErrorCode.COLLECTION_STATE
    b.at(closes + 1, _note("n_after_old_deadline"), PARTICIPANT)


@pytest.mark.parametrize(
    ("dates", "code"),
    [
        ({"closes_at": T0 - 1}, ErrorCode.DATE_IN_PAST),
        ({"closes_at": T0}, ErrorCode.DATE_IN_PAST),
        ({"opens_at": T0 - DAY, "closes_at": T0 + DAY}, ErrorCode.DATE_IN_PAST),
        ({"opens_at": T0 + 2 * DAY, "closes_at": T0 + DAY}, ErrorCode.DATES_REVERSED),
        ({"opens_at": T0 + DAY, "closes_at": T0 + DAY}, ErrorCode.DATES_REVERSED),
        ({}, ErrorCode.COLLECTION_STATE),  # nothing to clear
        ({"step_id": "nope", "closes_at": T0 + DAY}, ErrorCode.NOT_FOUND),
    ],
)
def test_bad_dates_are_refused_with_a_stable_code(dates: dict[str, Any], code: ErrorCode) -> None:
    b = Clocked()
    command = {"type": "collection.schedule", **dates}
    assert _refused(b, T0, command, FACILITATOR) is code


@pytest.mark.parametrize("actor", [PARTICIPANT, OBSERVER], ids=["participant", "observer"])
def test_only_facilitators_set_dates(actor: Actor) -> None:
    b = Clocked()
    command = {"type": "collection.schedule", "closes_at": T0 + DAY}
    assert _refused(b, T0, command, actor) is ErrorCode.FORBIDDEN
    assert _refused(b, T0, {"type": "collection.close"}, actor) is ErrorCode.FORBIDDEN


@pytest.mark.parametrize("value", ["1800000000000", 1.5, True, -1, 10**14])
def test_malformed_dates_are_not_commands(value: object) -> None:
    with pytest.raises(ValueError):
        client_command_adapter.validate_python({"type": "collection.schedule", "closes_at": value})


def test_a_steps_schedule_applies_while_the_step_runs_and_goes_with_the_step() -> None:
    b = Clocked()
    b.at(T0, {"type": "agenda.set", "steps": [{"id": "s1", "title": "Ideas"}]}, FACILITATOR)
    b.at(T0, {"type": "collection.schedule", "step_id": "s1", "closes_at": T0 + DAY}, FACILITATOR)
    b.at(T0 + DAY, _note("n_free"), PARTICIPANT)  # the step does not run yet
    b.at(T0 + DAY, {"type": "agenda.go", "step_id": "s1"}, FACILITATOR)
    assert _refused(b, T0 + DAY, _note("n_late"), PARTICIPANT) is ErrorCode.COLLECTION_CLOSED
    b.at(T0 + DAY, {"type": "agenda.set", "steps": []}, FACILITATOR)
    assert b.state.schedules == {}
    b.at(T0 + DAY, _note("n_after"), PARTICIPANT)


def test_facilitator_closes_by_hand_and_clears() -> None:
    b = Clocked()
    b.at(T0, {"type": "collection.schedule", "closes_at": T0 + DAY}, FACILITATOR)
    closed = b.at(T0 + 5, {"type": "collection.close"}, FACILITATOR).body
    assert isinstance(closed, CollectionChanged) and not closed.automatic
    assert _refused(b, T0 + 6, _note("n"), PARTICIPANT) is ErrorCode.COLLECTION_CLOSED
    assert (
        _refused(b, T0 + 6, {"type": "collection.close"}, FACILITATOR) is ErrorCode.COLLECTION_STATE
    )
    cleared = b.at(T0 + 7, {"type": "collection.schedule"}, FACILITATOR).body
    assert isinstance(cleared, CollectionChanged) and cleared.action == "reopened"
    assert b.state.schedules == {}
    b.at(T0 + 8, _note("n"), PARTICIPANT)


def test_schedules_survive_a_snapshot() -> None:
    b = Clocked()
    b.at(T0, {"type": "collection.schedule", "closes_at": T0 + DAY}, FACILITATOR)
    again = BoardState.from_json(b.state.to_json())
    assert again.schedules == b.state.schedules


def test_close_op_ids_are_deterministic_and_fit_the_column() -> None:
    assert close_op_id(None, T0) == close_op_id(None, T0) == f"close-{T0}"
    long_step = "s" * 64
    assert len(close_op_id(long_step, T0)) <= 64
    assert close_op_id(long_step, T0) != close_op_id("s" * 63, T0)
