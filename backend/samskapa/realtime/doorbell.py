"""Keeping this process's boards current with what other processes commit.

Three paths lead here: a doorbell from the broker, the broker coming back after
an outage, and a periodic look at the boards' heads in SQL. The last one is the
safety net that makes a lost doorbell cost latency, never data: it runs every
few seconds while the broker is healthy and every second while it is not.
Catching up itself is the event store's job (`EventStore.sync`), which publishes
the missing events to the hub in order.
"""

import asyncio
import contextlib
import logging
import time

from .. import metrics
from ..domain.errors import DomainError, ErrorCode
from ..store.eventstore import EventStore
from .broker import Broker
from .hub import Hub

log = logging.getLogger(__name__)

POLL_HEALTHY = 5.0
POLL_DEGRADED = 1.0


class Follower:
    def __init__(self, store: EventStore, hub: Hub, broker: Broker) -> None:
        self.store = store
        self.hub = hub
        self.broker = broker
        self._wanted: dict[str, int] = {}
        self._syncing: dict[str, asyncio.Task[None]] = {}
        self._poller: asyncio.Task[None] | None = None
        self.last_lag_ms = 0.0

    async def start(self) -> None:
        await self.broker.start(self.on_doorbell, self.on_reconnect, self.hub.remote)
        self._poller = asyncio.create_task(self._poll_loop(), name="doorbell-poll")

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(BaseException):
                await self._poller
        await self.broker.stop()

    def on_doorbell(self, board_id: str, seq: int, sent_at_ms: int) -> None:
        metrics.DOORBELLS.inc()
        if sent_at_ms:
            self.last_lag_ms = max(0.0, time.time() * 1000 - sent_at_ms)
        self.request(board_id, seq)

    def on_reconnect(self) -> None:
        """The broker was away: doorbells may have been lost for every board."""
        for board_id in list(self.hub.rooms):
            self.request(board_id, None)

    def request(self, board_id: str, seq: int | None) -> None:
        entry = self.store.cached(board_id)
        if entry is None or board_id not in self.hub.rooms:
            return  # nobody here watches it; it is loaded fresh when someone does
        if seq is not None and entry.state.seq >= seq:
            return
        self._wanted[board_id] = max(self._wanted.get(board_id, 0), seq or entry.state.seq + 1)
        if board_id not in self._syncing:
            self._syncing[board_id] = asyncio.create_task(
                self._sync(board_id), name=f"sync-{board_id}"
            )

    async def _sync(self, board_id: str) -> None:
        try:
            # Doorbells that arrive during a sync raise the wanted seq; go again
            # until the board has reached it.
            while True:
                entry = await self.store.sync(board_id)
                if entry.state.seq >= self._wanted.get(board_id, 0):
                    self._wanted.pop(board_id, None)
                    break
        except DomainError as err:
            self._wanted.pop(board_id, None)
            if err.code is ErrorCode.BOARD_NOT_FOUND:
                # Deleted by another process (its doorbell rang past the last seq).
                self.hub.close_board(board_id)
            else:
                log.warning("catching up board %s failed: %s", board_id, err.message)
        except Exception:
            log.exception("catching up board %s failed", board_id)
        finally:
            self._syncing.pop(board_id, None)

    async def _poll_loop(self) -> None:
        while True:
            await asyncio.sleep(POLL_HEALTHY if self.broker.healthy else POLL_DEGRADED)
            boards = list(self.hub.rooms)
            if not boards:
                continue
            try:
                heads = await self.store.heads(boards)
            except Exception:
                log.warning("polling board heads failed", exc_info=True)
                continue
            for board_id in boards:
                if board_id not in heads:
                    # Deleted where no doorbell reached us (another process
                    # without a broker, or the command line's purge).
                    self.hub.close_board(board_id)
            for board_id, head in heads.items():
                entry = self.store.cached(board_id)
                if entry is not None and head > entry.state.seq:
                    metrics.POLL_CATCHUPS.inc()
                    self.request(board_id, head)
