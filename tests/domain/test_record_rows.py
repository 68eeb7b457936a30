"""For random sessions (private writing, reveals, votes of every kind, anonymity
changes, notes waiting for approval, hidden, restored and flagged): projecting
the log from its stored rows (`record_rows`, what exports use) gives exactly
`record_event` of each parsed event, for every viewer and every anonymity mode."""

import contextlib
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from samskapa.domain.errors import DomainError
from samskapa.domain.events import event_data
from samskapa.domain.replay import Row, record_event, record_rows
from samskapa.domain.values import Anonymity

from .helpers import FACILITATOR, OBSERVER, OTHER, PARTICIPANT, Board, viewer
from .test_fold_property import AGENDA, actors, commands, facilitation, ids

rounds = st.sampled_from(["r1", "r2"])
voting = st.one_of(
    st.builds(
        lambda r, blind, anonymous: {
            "type": "vote.open",
            "round_id": r,
            "blind": blind,
            "anonymous": anonymous,
        },
        rounds,
        st.booleans(),
        st.booleans(),
    ),
    st.builds(lambda r, n: {"type": "vote.cast", "round_id": r, "note_id": n}, rounds, ids),
    st.builds(lambda r, n: {"type": "vote.withdraw", "round_id": r, "note_id": n}, rounds, ids),
    st.builds(
        lambda r, s: {"type": "vote.status", "round_id": r, "status": s},
        rounds,
        st.sampled_from(["done", "abstain", "voting"]),
    ),
    st.builds(lambda r: {"type": "vote.close", "round_id": r}, rounds),
)

moderation = st.one_of(
    st.builds(lambda on: {"type": "board.moderation", "approval": on}, st.booleans()),
    st.builds(lambda n: {"type": "note.approve", "note_id": n}, ids),
    st.builds(lambda n: {"type": "note.reject", "note_id": n, "reason": "off topic"}, ids),
    st.builds(lambda n: {"type": "note.hide", "note_id": n, "reason": "rude"}, ids),
    st.builds(lambda n: {"type": "note.restore", "note_id": n}, ids),
    st.builds(lambda n: {"type": "note.flag", "note_id": n}, ids),
)


# How a session starts, so that private and withheld notes are common.
OPENINGS = {
    "silent writing": [
        {"type": "agenda.set", "steps": AGENDA},
        {"type": "agenda.go", "step_id": "s0"},
    ],
    "approval": [{"type": "board.moderation", "approval": True}],
}


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(sorted(OPENINGS)),
    st.lists(st.tuples(st.one_of(commands, facilitation, voting, moderation), actors), max_size=80),
)
def test_the_log_from_its_rows_is_projected_as_each_event(
    start: str, steps: list[tuple[dict[str, Any], Any]]
) -> None:
    b = Board()
    opening = OPENINGS[start]
    for command, actor in [(c, FACILITATOR) for c in opening] + steps:
        with contextlib.suppress(DomainError):
            b.run(command, actor)
    # As the store writes them: the data column is `event_data(body)` in JSON.
    rows = [
        Row(
            e.seq,
            e.at,
            e.actor,
            e.body.type,
            orjson.loads(orjson.dumps(event_data(e.body))),
            e.op_id,
        )
        for e in b.log
    ]
    for who in (FACILITATOR, PARTICIPANT, OTHER, OBSERVER):
        seen_by = viewer(who)
        for mode in Anonymity:
            expected = [record_event(e, b.state, seen_by, mode) for e in b.log]
            assert record_rows(rows, b.state, seen_by, mode) == expected
