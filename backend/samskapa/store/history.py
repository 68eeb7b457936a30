"""Reading a board's past: the state at any `seq`, and the log as light rows.

The state at `seq` N is the nearest stored snapshot at or below N (written every
few hundred events, `eventstore._snapshot_interval`) folded forward with the
same `apply` as live. Replay pages ask for many nearby moments, so folded states
are kept as checkpoints (every `CHECKPOINT_EVERY` events passed, and every
answer): the next question folds from the nearest of them. States are
immutable once cached: a fold always starts on a copy (entities are frozen, so
a copy shares them and costs only the maps).
"""

import asyncio
import bisect
import logging
from collections import OrderedDict
from dataclasses import dataclass, field

import orjson
from sqlalchemy import select

from ..domain.apply import apply
from ..domain.errors import DomainError, ErrorCode
from ..domain.events import StoredEvent
from ..domain.replay import Dumps, Row, strictest
from ..domain.state import BoardState
from ..domain.values import Anonymity
from .database import Database
from .eventstore import read_events
from .tables import boards, events, snapshots

log = logging.getLogger(__name__)

CHECKPOINT_EVERY = 250
# Per board and in all: a checkpoint is the state's maps (the entities are
# shared), about 150 KB for a board of 2,000 notes.
CHECKPOINTS_PER_BOARD = 256
BOARDS_CACHED = 4
# The warm-up folds this many events per database read, then lets others run.
WARM_CHUNK = 1000


@dataclass(slots=True)
class _Board:
    seqs: list[int] = field(default_factory=list)
    states: dict[int, BoardState] = field(default_factory=dict)
    # The strictest anonymity in the log up to `anonymity_seq`.
    anonymity: Anonymity = Anonymity.OFF
    anonymity_seq: int = 0
    warming: "asyncio.Task[None] | None" = None

    def keep(self, state: BoardState) -> None:
        if state.seq in self.states:
            return
        if len(self.seqs) >= CHECKPOINTS_PER_BOARD:
            # Drop every other checkpoint: coverage stays even, the count halves.
            for seq in self.seqs[1::2]:
                del self.states[seq]
            self.seqs = self.seqs[::2]
        bisect.insort(self.seqs, state.seq)
        self.states[state.seq] = state

    def nearest(self, seq: int) -> BoardState | None:
        i = bisect.bisect_right(self.seqs, seq)
        return self.states[self.seqs[i - 1]] if i else None


class History:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._boards: OrderedDict[str, _Board] = OrderedDict()
        # JSON forms of the entities the cached states share (domain/replay.py).
        self.dumps = Dumps()
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
        """Fold the whole log once in the background, leaving a checkpoint every
        CHECKPOINT_EVERY events: a replay page scrubs anywhere next, and a
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
                    if ev.seq % CHECKPOINT_EVERY == 0:
                        cache.keep(state.copy())
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
        if warm:
            self.warm(board_id, head)
        cache = self._board(board_id)
        base = cache.nearest(seq)
        async with self.db.read.connect() as conn:
            if base is None or seq - base.seq > CHECKPOINT_EVERY:
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
                    cache.keep(base)
            state = base.copy() if base is not None else BoardState()
            if state.seq == seq:
                at = (
                    await conn.execute(
                        select(events.c.at).where(
                            events.c.board_id == board_id, events.c.seq == seq
                        )
                    )
                ).scalar_one()
                return state, int(at)
            evs = await read_events(conn, board_id, state.seq, seq)
        for ev in evs:
            apply(state, ev)
            if ev.seq % CHECKPOINT_EVERY == 0 and ev.seq != seq:
                cache.keep(state.copy())
        cache.keep(state)
        return state.copy(), evs[-1].at

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

    async def events(self, board_id: str, upto: int) -> list[StoredEvent]:
        async with self.db.read.connect() as conn:
            return await read_events(conn, board_id, 0, upto)

    async def rows(self, board_id: str, upto: int) -> list[Row]:
        """Every event up to `upto` as a light row (no body models: fast on big logs)."""
        async with self.db.read.connect() as conn:
            result = await conn.execute(
                select(events.c.seq, events.c.at, events.c.actor, events.c.type, events.c.data)
                .where(events.c.board_id == board_id, events.c.seq <= upto)
                .order_by(events.c.seq)
            )
            return [
                Row(int(r.seq), int(r.at), r.actor, r.type, orjson.loads(r.data)) for r in result
            ]
