"""Reading a board's past: the state at any `seq`, and the log as light rows.

The state at `seq` N is the nearest stored snapshot at or below N (written every
few hundred events, `eventstore._snapshot_interval`) folded forward with the
same `apply` as live. Replay pages ask for many moments, anywhere in the log, so
folded states are kept in two places:

- **the grid**: the first replay question about a board starts a warm-up that
  folds the whole log once and keeps a checkpoint every `CHECKPOINT_EVERY`
  events (more apart on a log so long that the grid would pass `GRID_MAX`).
  The grid is the index of every later seek: none folds more than one spacing.
- **recent answers**: the last `RECENT` states answered, so that a page playing
  forward or stepping back and forth folds only the few events in between.

They are apart because answers come in any order and number: kept in the grid
they crowded it (which then had to thin itself out) and the seeks between its
points grew long again. States are immutable once cached: a fold always starts
on a copy (entities are frozen, so a copy shares them and costs only the maps).

The timeline (`GET …/timeline`) is kept too, one fold per viewer
(`TimelineFold`, domain/replay.py), and extended with the events that came
since it was last asked for: read and folded from the first event it cost
seconds of the server's time on a long log, for every replay page opened.
"""

import asyncio
import bisect
import gc
import logging
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import select

from ..domain.apply import apply
from ..domain.errors import DomainError, ErrorCode
from ..domain.replay import Dumps, Row, TimelineFold, entities_of, strictest
from ..domain.state import BoardState
from ..domain.values import Anonymity
from ..domain.visibility import Viewer
from .database import Database
from .eventstore import read_events
from .tables import boards, events, snapshots

log = logging.getLogger(__name__)

# About 60 µs per event to read, parse and fold: a spacing of 250 bounds a
# seek's fold to about 15 ms.
CHECKPOINT_EVERY = 250
# A checkpoint is the state's maps (the entities are shared), about 150 KB for a
# board of 2,000 notes: the grid of a 64,000-event board is about 40 MB.
GRID_MAX = 256
RECENT = 32
BOARDS_CACHED = 4
# The warm-up folds this many events per database read, then lets others run.
WARM_CHUNK = 1000
# Timeline folds kept per board (one per viewer: member and role); about 16
# bytes a change, under 1 MB for a 50,000-event log.
TIMELINES = 4
# A timeline reads and folds this many events at a time, then lets others run
# (a state asked for meanwhile is not held up for the whole log).
TIMELINE_CHUNK = 5000


@dataclass(slots=True)
class _Board:
    spacing: int = field(default_factory=lambda: CHECKPOINT_EVERY)
    grid_seqs: list[int] = field(default_factory=list)
    grid: dict[int, BoardState] = field(default_factory=dict)
    recent: "OrderedDict[int, BoardState]" = field(default_factory=OrderedDict)
    # The JSON forms of the grid's entities (domain/replay.py).
    dumps: Dumps = field(default_factory=Dumps)
    # The strictest anonymity in the log up to `anonymity_seq`.
    anonymity: Anonymity = Anonymity.OFF
    anonymity_seq: int = 0
    # The head up to which the log was looked at for erasures (_current).
    erasures_seq: int = 0
    warming: "asyncio.Task[None] | None" = None
    # Timeline folds by (member id, role), the most recently used last.
    timelines: "OrderedDict[tuple[str, str], TimelineFold]" = field(default_factory=OrderedDict)
    timeline_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def forget_states(self) -> None:
        """Drop every folded state (and their dumps): a member was erased."""
        self.grid_seqs.clear()
        self.grid.clear()
        self.recent.clear()
        self.dumps = Dumps()
        self.timelines.clear()

    def on_grid(self, seq: int) -> bool:
        return seq % self.spacing == 0

    def plan(self, head: int) -> None:
        """Space the grid so that a log of `head` events needs at most GRID_MAX points."""
        if head // self.spacing <= GRID_MAX:
            return
        while head // self.spacing > GRID_MAX:
            self.spacing *= 2
        for seq in [s for s in self.grid_seqs if not self.on_grid(s)]:
            del self.grid[seq]
        self.grid_seqs = [s for s in self.grid_seqs if self.on_grid(s)]
        # Forget the dumps of the points dropped.
        self.dumps = Dumps()
        for state in self.grid.values():
            self.dumps.remember(entities_of(state))

    def keep_point(self, state: BoardState) -> None:
        """A checkpoint of the grid (its seq is a multiple of the spacing)."""
        if state.seq not in self.grid:
            bisect.insort(self.grid_seqs, state.seq)
            self.grid[state.seq] = state
            self.dumps.remember(entities_of(state))

    def keep_recent(self, state: BoardState) -> None:
        self.recent[state.seq] = state
        self.recent.move_to_end(state.seq)
        while len(self.recent) > RECENT:
            self.recent.popitem(last=False)

    def nearest(self, seq: int) -> BoardState | None:
        """The kept state nearest at or below `seq`."""
        i = bisect.bisect_right(self.grid_seqs, seq)
        best = self.grid[self.grid_seqs[i - 1]] if i else None
        for at, state in self.recent.items():
            if at <= seq and (best is None or at > best.seq):
                best = state
        return best


class History:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._boards: OrderedDict[str, _Board] = OrderedDict()
        self._warming: set[asyncio.Task[None]] = set()

    def _board(self, board_id: str) -> _Board:
        cached = self._boards.get(board_id)
        if cached is None:
            cached = self._boards[board_id] = _Board()
            while len(self._boards) > BOARDS_CACHED:
                self._boards.popitem(last=False)
        else:
            self._boards.move_to_end(board_id)
        return cached

    def dumps(self, board_id: str) -> Dumps:
        """What `replay_view` dumps this board's entities with."""
        return self._board(board_id).dumps

    async def head(self, board_id: str) -> int:
        async with self.db.read.connect() as conn:
            head = (
                await conn.execute(select(boards.c.head_seq).where(boards.c.id == board_id))
            ).scalar_one_or_none()
        if head is None:
            raise DomainError(ErrorCode.BOARD_NOT_FOUND, "No such board.")
        return int(head)

    async def warmed(self) -> None:
        """Wait for the warm-ups under way."""
        await asyncio.gather(*self._warming, return_exceptions=True)

    async def close(self) -> None:
        """Stop every warm-up (the app's shutdown)."""
        tasks = list(self._warming)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def warm(self, board_id: str, head: int) -> None:
        """Fold the whole log once in the background, leaving the grid of
        checkpoints (see the module's docstring): a replay page scrubs anywhere next, and a
        snapshot of a big board can be thousands of events from the moment asked
        for (snapshots are spaced by board size, eventstore._snapshot_interval)."""
        cache = self._board(board_id)
        if cache.warming is None:
            task = cache.warming = asyncio.create_task(self._warm(board_id, cache, head))
            self._warming.add(task)
            task.add_done_callback(self._warming.discard)

    async def _warm(self, board_id: str, cache: _Board, head: int) -> None:
        state = BoardState()
        try:
            while state.seq < head:
                upto = min(head, state.seq + WARM_CHUNK)
                async with self.db.read.connect() as conn:
                    evs = await read_events(conn, board_id, state.seq, upto)
                for ev in evs:
                    apply(state, ev)
                    if cache.on_grid(ev.seq):
                        cache.keep_point(state.copy())
            # The grid holds every version of every entity of the log (tens of
            # thousands of objects on a big board). Left to the cyclic garbage
            # collector, every full collection walks all of them: a pause of
            # 0.1-0.2 s in the middle of some later seek, the whole tail of the
            # replay benchmark. So collect once now, then freeze what is left:
            # later collections skip it. The grid holds no reference cycles, so
            # reference counting still frees it when the board leaves the cache;
            # what is lost is only the collection of cycles among objects alive
            # now that die later (a few per warm-up, docs/architecture.md).
            gc.collect()
            gc.freeze()
        except Exception:
            log.exception("warming up replay of board %s failed", board_id)

    async def state_at(
        self, board_id: str, seq: int, head: int, warm: bool = True
    ) -> tuple[BoardState, int]:
        """The folded board right after event `seq`, and that event's time
        (`warm`: start the background fold of the whole log, for replay)."""
        if not 1 <= seq <= head:
            raise DomainError(
                ErrorCode.SEQ_OUT_OF_RANGE, f"seq must be between 1 and {head} on this board."
            )
        cache = self._board(board_id)
        await self._current(board_id, cache, head)
        if warm:
            self.warm(board_id, head)
        cache.plan(head)
        base = cache.nearest(seq)
        async with self.db.read.connect() as conn:
            if base is None or seq - base.seq > cache.spacing:
                row = (
                    await conn.execute(
                        select(snapshots.c.seq)
                        .where(snapshots.c.board_id == board_id, snapshots.c.seq <= seq)
                        .order_by(snapshots.c.seq.desc())
                        .limit(1)
                    )
                ).first()
                if row is not None and (base is None or int(row.seq) > base.seq):
                    text = (
                        await conn.execute(
                            select(snapshots.c.state).where(
                                snapshots.c.board_id == board_id, snapshots.c.seq == row.seq
                            )
                        )
                    ).scalar_one()
                    base = BoardState.from_json(orjson.loads(text))
                    cache.keep_recent(base)
            state = base.copy() if base is not None else BoardState()
            if state.seq != seq:
                evs = await read_events(conn, board_id, state.seq, seq)
        if state.seq == seq:
            return state, await self.instant(board_id, seq)
        for ev in evs:
            apply(state, ev)
            if cache.on_grid(ev.seq) and ev.seq != seq:
                cache.keep_point(state.copy())
        cache.keep_recent(state)
        return state.copy(), evs[-1].at

    async def instant(self, board_id: str, seq: int) -> int:
        """When event `seq` happened."""
        async with self.db.read.connect() as conn:
            at = (
                await conn.execute(
                    select(events.c.at).where(events.c.board_id == board_id, events.c.seq == seq)
                )
            ).scalar_one()
        return int(at)

    async def _current(self, board_id: str, cache: _Board, head: int) -> None:
        """Drop the cached states if a member was erased since the last look: they
        hold the name that the rows no longer do (domain/erasure.py). Any process
        may have done it, so the log is asked, for the events it has not seen."""
        if head <= cache.erasures_seq:
            return
        async with self.db.read.connect() as conn:
            erased = (
                await conn.execute(
                    select(events.c.seq)
                    .where(
                        events.c.board_id == board_id,
                        events.c.seq > cache.erasures_seq,
                        events.c.seq <= head,
                        events.c.type == "participant.erased",
                    )
                    .limit(1)
                )
            ).first()
        if erased is not None:
            if cache.warming is not None:
                cache.warming.cancel()
                cache.warming = None
            cache.forget_states()
        cache.erasures_seq = head

    async def strictest_anonymity(self, board_id: str, head: int) -> Anonymity:
        """The strictest anonymity the board had at any time up to `head`."""
        cache = self._board(board_id)
        if cache.anonymity_seq >= head:
            return cache.anonymity
        async with self.db.read.connect() as conn:
            rows = await conn.execute(
                select(events.c.type, events.c.data).where(
                    events.c.board_id == board_id,
                    events.c.seq > cache.anonymity_seq,
                    events.c.seq <= head,
                    events.c.type.in_(("board.created", "board.anonymity_changed")),
                )
            )
            modes = [cache.anonymity]
            for row in rows:
                data = orjson.loads(row.data)
                mode = data["board"].get("anonymity", "off") if "board" in data else data["mode"]
                modes.append(Anonymity(mode))
        cache.anonymity = strictest(modes)
        cache.anonymity_seq = head
        return cache.anonymity

    async def timeline(
        self,
        board_id: str,
        head: int,
        viewer: Viewer,
        state: BoardState,
        member_of_actor: Mapping[str, str],
    ) -> dict[str, Any]:
        """The timeline up to `head` as `viewer` sees it (domain/replay.py
        `timeline`), from the fold kept for this viewer, extended first with the
        events since. `state`: the board at `head`."""
        cache = self._board(board_id)
        await self._current(board_id, cache, head)
        key = (viewer.member_id, viewer.role.value)
        async with cache.timeline_lock:
            fold = cache.timelines.get(key)
            # A fold past this head (asked for by a later request) is not cut back.
            keep = fold is None or fold.seq <= head
            if fold is None or not keep:
                fold = TimelineFold()
            while fold.seq < head:
                upto = min(head, fold.seq + TIMELINE_CHUNK)
                fold.extend(await self.rows(board_id, upto, after=fold.seq), viewer)
                if fold.seq < upto:
                    break  # the log ends short of `head` (it cannot; never loop)
            if keep:
                cache.timelines[key] = fold
                cache.timelines.move_to_end(key)
                while len(cache.timelines) > TIMELINES:
                    cache.timelines.popitem(last=False)
            return fold.result(state, member_of_actor)

    async def rows(self, board_id: str, upto: int, after: int = 0) -> list[Row]:
        """Every event after `after` up to `upto` as a light row (no body models:
        fast on big logs)."""
        async with self.db.read.connect() as conn:
            result = await conn.execute(
                select(
                    events.c.seq,
                    events.c.at,
                    events.c.actor,
                    events.c.type,
                    events.c.data,
                    events.c.op_id,
                )
                .where(
                    events.c.board_id == board_id,
                    events.c.seq > after,
                    events.c.seq <= upto,
                )
                .order_by(events.c.seq)
            )
            return [
                Row(int(r.seq), int(r.at), r.actor, r.type, orjson.loads(r.data), r.op_id)
                for r in result
            ]
