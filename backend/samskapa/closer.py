"""Closing collections at their deadlines, on every server process.

Each process looks for due deadlines every `deadline_check_seconds` (and once
at start, so a deadline that passed while every process was down closes as soon
as one is back) and appends `collection.close` with the deadline in it and the
op id `close_op_id(step, deadline)`. Several processes may find the same row at
the same moment: the op id is the same for all of them, so the event store's
unique `(board_id, op_id)` lets exactly one close event through; the others get
the duplicate answer. A close whose deadline moved meanwhile is refused by
`decide` (`collection_state`), so an extension is never undone by a late close.
"""

import logging

from .clock import Clock
from .domain.collection import close_op_id
from .domain.commands import CloseCollection
from .domain.errors import DomainError, ErrorCode
from .periodic import Periodic
from .service import SYSTEM_ACTOR
from .store import deadlines
from .store.eventstore import EventStore

log = logging.getLogger(__name__)


class DeadlineCloser:
    def __init__(self, store: EventStore, clock: Clock, every: float) -> None:
        self.store = store
        self.clock = clock
        self.closed = 0
        # At start too: a deadline that passed while every process was down.
        self._looks = Periodic("deadline-closer", every, self.close_due)

    def start(self) -> None:
        self._looks.start()

    async def stop(self) -> None:
        await self._looks.stop()

    async def close_due(self) -> int:
        """Close every collection whose deadline has come; returns how many this
        process closed (a close another process made first does not count)."""
        closed = 0
        for board_id, target, closes_at in await deadlines.due(self.store.db, self.clock()):
            step_id = target or None
            command = CloseCollection(type="collection.close", step_id=step_id, deadline=closes_at)
            try:
                result = await self.store.append(
                    board_id, command, SYSTEM_ACTOR, close_op_id(step_id, closes_at)
                )
            except DomainError as err:
                if err.code is ErrorCode.INTERNAL_ERROR:
                    raise
                # The deadline no longer holds (its step was removed, or it closed
                # by hand in the same moment): nothing to close any more.
                log.info("deadline %s of board %s: %s", closes_at, board_id, err.message)
                await deadlines.forget(self.store.db, board_id, target, closes_at)
                continue
            if not result.duplicate:
                closed += 1
        self.closed += closed
        return closed
