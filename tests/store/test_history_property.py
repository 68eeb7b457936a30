"""For random command sequences: the state at any seq, as the history reads it
back from SQL (nearest snapshot or checkpoint, folded forward), equals the fold of
the first N events; and what replay shows of it follows the projection rules of
that moment under the strictest anonymity the board ever had."""

import asyncio
import contextlib
import tempfile
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from samskapa.domain.apply import fold
from samskapa.domain.errors import DomainError
from samskapa.domain.replay import Row, members_by_actor, replay_view, strictest, timeline
from samskapa.domain.values import Anonymity
from samskapa.domain.visibility import moderates, sees_authors_under
from samskapa.store import history as history_module
from samskapa.store.database import open_database
from samskapa.store.history import History
from samskapa.store.migrate import upgrade
from samskapa.store.tables import boards, events, snapshots
from tests.domain.helpers import FACILITATOR, OBSERVER, PARTICIPANT, Board, viewer
from tests.domain.test_fold_property import actors, commands, facilitation

SNAPSHOT_EVERY = 7
SECRET = b"timeline-test-secret"


async def _check(b: Board, seqs: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite+aiosqlite:///{Path(tmp) / 'h.db'}")
        try:
            await upgrade(db)
            head = len(b.log)
            async with db.write.begin() as conn:
                await conn.execute(
                    insert(boards), [{"id": "b_1", "head_seq": head, "created_at": 0}]
                )
                await conn.execute(
                    insert(events),
                    [
                        {
                            "board_id": "b_1",
                            "seq": e.seq,
                            "op_id": e.op_id,
                            "actor": e.actor,
                            "type": e.body.type,
                            "at": e.at,
                            "data": orjson.dumps(e.to_wire()["data"]).decode(),
                        }
                        for e in b.log
                    ],
                )
                rows = [
                    {
                        "board_id": "b_1",
                        "seq": n,
                        "state": orjson.dumps(fold(b.log[:n]).to_json()).decode(),
                    }
                    for n in range(SNAPSHOT_EVERY, head + 1, SNAPSHOT_EVERY)
                ]
                if rows:
                    await conn.execute(insert(snapshots), rows)
            history = History(db)
            modes = [Anonymity.OFF]
            for e in b.log:
                mode = getattr(e.body, "mode", None)
                if isinstance(mode, Anonymity):
                    modes.append(mode)
            mode = strictest(modes)
            assert await history.strictest_anonymity("b_1", head) is mode
            for seq in seqs:
                state, at = await history.state_at("b_1", seq, head)
                expected = fold(b.log[:seq])
                assert state.to_json() == expected.to_json(), seq
                assert at == b.log[seq - 1].at
                for actor in (FACILITATOR, PARTICIPANT, OBSERVER):
                    seen_by = viewer(actor)
                    view = replay_view(state, seen_by, mode, history.dumps("b_1"))
                    shared = view["state"]
                    private = {n.id: n for n in expected.notes.values() if n.private}
                    assert shared["private_count"] == len(private)
                    assert not set(private) & set(shared["notes"])
                    # Their own private notes, and (unless they moderate) their
                    # own notes still waiting for approval.
                    held = {n.id for n in expected.notes.values() if n.withheld and not n.private}
                    if not moderates(seen_by):
                        assert not held & set(shared["notes"])
                    mine = {
                        i
                        for i, n in expected.notes.items()
                        if seen_by.is_me(n.author)
                        and (n.private or (n.withheld and not moderates(seen_by)))
                    }
                    assert set(view["own_notes"]["notes"]) == mine
                    if not sees_authors_under(mode, seen_by):
                        assert all(n["author"] == "" for n in shared["notes"].values())
                        assert all(p["name"] == "" for p in shared["participants"].values())
                        assert shared["votes"]["named"] == {}
            # The timeline kept per viewer and extended with the events since it
            # was last asked for equals the timeline read from the first event;
            # an earlier head than the fold's gets its own.
            rows = [Row(e.seq, e.at, e.actor, e.body.type, e.to_wire()["data"]) for e in b.log]
            for seq in [*sorted(seqs), head, min(seqs)]:
                at_seq = fold(b.log[:seq])
                actors = members_by_actor(at_seq, SECRET)
                for actor in (FACILITATOR, PARTICIPANT, OBSERVER):
                    got = await history.timeline("b_1", seq, viewer(actor), at_seq, actors)
                    assert got == timeline(rows[:seq], viewer(actor), at_seq, actors), seq
            await history.warmed()
            await history.close()
        finally:
            await db.dispose()


@pytest.fixture(autouse=True)
def _small_checkpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    # Small checkpoint spacing, so seeks go through snapshots, checkpoints and both.
    monkeypatch.setattr(history_module, "CHECKPOINT_EVERY", 3)
    # …and timelines read the log a few events at a time.
    monkeypatch.setattr(history_module, "TIMELINE_CHUNK", 4)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(st.tuples(st.one_of(commands, facilitation), actors), max_size=60),
    picks=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=12),
)
def test_state_at_any_seq_is_the_fold_of_its_prefix(
    steps: list[tuple[dict[str, Any], Any]], picks: list[int]
) -> None:
    b = Board()
    for command, actor in steps:
        with contextlib.suppress(DomainError):
            b.run(command, actor)
    seqs = [1 + p % len(b.log) for p in picks]
    asyncio.run(_check(b, seqs))
