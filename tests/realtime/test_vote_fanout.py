"""A vote event on a board: the hub's shortcut (one encoding for everyone but
the voter, whose connections it finds in an index per round) gives every
connection exactly what asking the domain once per connection gives, in a
batch that mixes it with public events, whoever watches."""

from typing import Any

import orjson
import pytest

from samskapa.domain.policy import Actor
from samskapa.realtime.connection import Connection
from samskapa.realtime.hub import Hub
from tests.domain.helpers import FACILITATOR, OBSERVER, OTHER, PARTICIPANT, Board, viewer


class _Socket:
    """What Connection reads from a websocket when nothing is sent."""

    def __init__(self) -> None:
        self.scope: dict[str, Any] = {"extensions": {}}

    async def _send(self, message: dict[str, Any]) -> None:  # pragma: no cover
        raise AssertionError("nothing is sent in this test")


def _received(conn: Connection) -> list[Any]:
    out: list[Any] = []
    for item in conn._pending:
        for message in item if isinstance(item, tuple) else (item,):
            out.append(orjson.loads(message))
    return out


@pytest.mark.asyncio
@pytest.mark.parametrize("anonymous", [True, False])
async def test_vote_events_reach_each_connection_as_the_domain_projects_them(
    anonymous: bool,
) -> None:
    b = Board()
    for i in range(2):
        b.run({"type": "note.create", "note_id": f"n{i}", "x": 10 * i, "y": 0}, FACILITATOR)
    b.run(
        {"type": "vote.open", "round_id": "r", "blind": True, "anonymous": anonymous},
        FACILITATOR,
    )
    start = len(b.log)
    b.run({"type": "note.move", "note_id": "n0", "x": 50, "y": 5}, OTHER)
    b.run({"type": "vote.cast", "round_id": "r", "note_id": "n0"}, PARTICIPANT)
    b.run({"type": "vote.cast", "round_id": "r", "note_id": "n1"}, OTHER)
    b.run({"type": "note.move", "note_id": "n1", "x": 70, "y": 5}, FACILITATOR)
    b.run({"type": "vote.withdraw", "round_id": "r", "note_id": "n0"}, PARTICIPANT)
    events = b.log[start:]

    hub = Hub()
    watchers: list[tuple[Actor, Connection]] = []
    # Two tabs for one voter, and someone on every role.
    for actor in (PARTICIPANT, PARTICIPANT, OTHER, FACILITATOR, OBSERVER):
        conn = Connection(_Socket(), "b_1", 10_000)  # type: ignore[arg-type]
        conn.viewer = viewer(actor)
        hub.join(conn, b.state.participants[actor.member_id])
        conn._pending.clear()
        conn._count = 0
        watchers.append((actor, conn))

    hub.on_events("b_1", events, b.state)

    for actor, conn in watchers:
        expected = [orjson.loads(m) for m in Hub.project_missed(events, b.state, viewer(actor))]
        assert _received(conn) == expected, actor
    # The voter's own view differs from everyone else's, and nobody else's
    # carries the voter's id.
    mine = _received(watchers[0][1])
    theirs = _received(watchers[2][1])
    assert mine[1] != theirs[1]
    if anonymous:
        assert PARTICIPANT.member_id not in orjson.dumps(theirs).decode()


@pytest.mark.asyncio
async def test_the_shortcut_is_taken_for_vote_events(monkeypatch: pytest.MonkeyPatch) -> None:
    b = Board()
    b.run({"type": "note.create", "note_id": "n0", "x": 0, "y": 0}, FACILITATOR)
    b.run({"type": "vote.open", "round_id": "r", "anonymous": True}, FACILITATOR)
    event = b.run({"type": "vote.cast", "round_id": "r", "note_id": "n0"}, OTHER)
    hub = Hub()
    for actor in (PARTICIPANT, OTHER):
        conn = Connection(_Socket(), "b_1", 10_000)  # type: ignore[arg-type]
        conn.viewer = viewer(actor)
        hub.join(conn, b.state.participants[actor.member_id])
    general: list[str] = []
    monkeypatch.setattr(Hub, "_push_projected", lambda _c, _s, ev: general.append(ev.body.type))
    hub.on_events("b_1", [event], b.state)
    assert general == []
