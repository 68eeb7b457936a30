"""For random command sequences, folding the stored events equals the live state."""

import contextlib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from samskapa.domain.apply import fold
from samskapa.domain.errors import DomainError
from samskapa.domain.events import StoredEvent

from .helpers import FACILITATOR, OBSERVER, OTHER, PARTICIPANT, Board

ids = st.sampled_from(["a", "b", "c", "d"])
coords = st.floats(min_value=-2000, max_value=2000, allow_nan=False)
texts = st.text(max_size=30)
colors = st.sampled_from(["yellow", "orange", "pink", "green", "blue", "purple", "grey"])

commands = st.one_of(
    st.builds(
        lambda i, t, x, y: {"type": "note.create", "note_id": i, "text": t, "x": x, "y": y},
        ids,
        texts,
        coords,
        coords,
    ),
    st.builds(lambda i, t: {"type": "note.edit", "note_id": i, "text": t}, ids, texts),
    st.builds(
        lambda i, x, y: {"type": "note.move", "note_id": i, "x": x, "y": y}, ids, coords, coords
    ),
    st.builds(lambda i, c: {"type": "note.recolor", "note_id": i, "color": c}, ids, colors),
    st.builds(lambda i: {"type": "note.delete", "note_id": i}, ids),
    st.builds(
        lambda i, x, y: {"type": "frame.create", "frame_id": i, "x": x, "y": y, "w": 400, "h": 300},
        ids,
        coords,
        coords,
    ),
    st.builds(lambda i, t: {"type": "frame.update", "frame_id": i, "title": t}, ids, texts),
    st.builds(lambda i: {"type": "frame.delete", "frame_id": i}, ids),
    st.builds(lambda t: {"type": "board.update", "title": t}, texts),
)
actors = st.sampled_from([FACILITATOR, PARTICIPANT, OTHER, OBSERVER])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(commands, actors), max_size=60))
def test_fold_equals_live_state(steps: list[tuple[dict[str, Any], Any]]) -> None:
    b = Board()
    for command, actor in steps:
        # Refused commands leave no event and no trace.
        with contextlib.suppress(DomainError):
            b.run(command, actor)
    wire = [StoredEvent.from_wire(e.to_wire()) for e in b.log]
    assert [e.seq for e in wire] == list(range(1, len(wire) + 1))
    assert fold(wire).to_json() == b.state.to_json()
