"""Brokers carry doorbells between server processes: "board X has events up to seq N".

A doorbell carries no event. The receiving process reads the events from SQL
(the truth), so a lost doorbell costs latency, never data; `doorbell.py` also
polls the database now and then to catch what a broker lost.

The broker is chosen by URL: `memory://` (one process: nothing crosses a process
boundary) or `redis://host:port/db` (Redis pub/sub, one channel per board).
"""

import asyncio
import contextlib
import logging
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

# board_id, seq, the publisher's wall clock in ms (for the broker lag metric)
DoorbellHandler = Callable[[str, int, int], None]
ReconnectHandler = Callable[[], None]
# board_id, the sending process's id, payload: ephemeral traffic (cursor moves,
# presence) relayed from another process
EphemeralHandler = Callable[[str, bytes, bytes], None]

CHANNEL_PREFIX = "samskapa:board:"
# Cursor moves, one message per board per tick per process.
EPHEMERAL_PREFIX = "samskapa:eph:"
# A channel every process subscribes to, so the subscription is never empty.
CONTROL_CHANNEL = "samskapa:control"


class Broker(ABC):
    """The doorbell transport: tiny on purpose."""

    #: False while the broker is known to be unreachable.
    healthy: bool = True
    #: Whether several processes can share a database through this broker.
    crosses_processes: bool = False

    @abstractmethod
    async def start(
        self,
        on_doorbell: DoorbellHandler,
        on_reconnect: ReconnectHandler,
        on_ephemeral: EphemeralHandler,
    ) -> None:
        """Begin delivering doorbells and ephemeral traffic for watched boards."""

    @abstractmethod
    def ring(self, board_id: str, seq: int) -> None:
        """Announce new events; never blocks and never raises."""

    @abstractmethod
    def relay(self, board_id: str, payload: bytes) -> None:
        """Pass ephemeral traffic to the other processes; best effort, never blocks."""

    @abstractmethod
    def watch(self, board_id: str) -> None:
        """Start receiving this board's doorbells."""

    @abstractmethod
    def unwatch(self, board_id: str) -> None:
        """Stop receiving this board's doorbells."""

    @abstractmethod
    async def ping(self) -> None:
        """Raise if the broker is unreachable (for /health)."""

    @abstractmethod
    async def stop(self) -> None:
        """Release connections and tasks."""


class MemoryBroker(Broker):
    """One process: the event store already tells the local hub about every commit."""

    async def start(
        self,
        on_doorbell: DoorbellHandler,
        on_reconnect: ReconnectHandler,
        on_ephemeral: EphemeralHandler,
    ) -> None:
        return None

    def ring(self, board_id: str, seq: int) -> None:
        return None

    def relay(self, board_id: str, payload: bytes) -> None:
        return None

    def watch(self, board_id: str) -> None:
        return None

    def unwatch(self, board_id: str) -> None:
        return None

    async def ping(self) -> None:
        return None

    async def stop(self) -> None:
        return None


class RedisBroker(Broker):
    """Redis pub/sub. Publishing is coalesced per board and done by one task, so the
    commit path only records "board X is at seq N" and moves on."""

    crosses_processes = True

    def __init__(self, url: str) -> None:
        from redis import asyncio as aioredis  # lazy: only needed for this backend

        self._redis = aioredis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        self._channels: set[str] = set()
        self._pending: dict[str, int] = {}
        self._ephemeral: list[tuple[str, bytes]] = []
        # Tells this process's own ephemeral messages apart when they come back.
        self._origin = secrets.token_hex(6).encode()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._pubsub: Any = None
        self._on_doorbell: DoorbellHandler | None = None
        self._on_reconnect: ReconnectHandler | None = None
        self._on_ephemeral: EphemeralHandler | None = None
        self.published = 0
        self.received = 0

    async def start(
        self,
        on_doorbell: DoorbellHandler,
        on_reconnect: ReconnectHandler,
        on_ephemeral: EphemeralHandler,
    ) -> None:
        self._on_doorbell = on_doorbell
        self._on_reconnect = on_reconnect
        self._on_ephemeral = on_ephemeral
        self._tasks = [
            asyncio.create_task(self._publish_loop(), name="broker-publish"),
            asyncio.create_task(self._listen_loop(), name="broker-listen"),
        ]

    def ring(self, board_id: str, seq: int) -> None:
        if seq > self._pending.get(board_id, 0):
            self._pending[board_id] = seq
        self._wake.set()

    def relay(self, board_id: str, payload: bytes) -> None:
        if self.healthy:
            self._ephemeral.append((board_id, payload))
            self._wake.set()

    def watch(self, board_id: str) -> None:
        channels = (CHANNEL_PREFIX + board_id, EPHEMERAL_PREFIX + board_id)
        if channels[0] not in self._channels:
            self._channels.update(channels)
            pubsub = self._pubsub
            if pubsub is not None and self.healthy:
                task = asyncio.ensure_future(pubsub.subscribe(*channels))
                task.add_done_callback(_ignore_result)
            # Otherwise the listen loop subscribes to every watched channel when it connects.

    def unwatch(self, board_id: str) -> None:
        channels = (CHANNEL_PREFIX + board_id, EPHEMERAL_PREFIX + board_id)
        if channels[0] in self._channels:
            self._channels.difference_update(channels)
            pubsub = self._pubsub
            if pubsub is not None:
                task = asyncio.ensure_future(pubsub.unsubscribe(*channels))
                task.add_done_callback(_ignore_result)

    async def ping(self) -> None:
        await self._redis.ping()

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(BaseException):
                await task
        with contextlib.suppress(Exception):
            await self._redis.aclose()

    async def _publish_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            pending, self._pending = self._pending, {}
            ephemeral, self._ephemeral = self._ephemeral, []
            if not pending and not ephemeral:
                continue
            now = int(time.time() * 1000)
            try:
                async with self._redis.pipeline(transaction=False) as pipe:
                    for board_id, seq in pending.items():
                        pipe.publish(CHANNEL_PREFIX + board_id, f"{seq}:{now}")
                    for board_id, payload in ephemeral:
                        pipe.publish(EPHEMERAL_PREFIX + board_id, self._origin + b"|" + payload)
                    await pipe.execute()
                self.published += len(pending)
            except Exception as exc:
                # The other processes will find these events by polling; do not retry
                # forever here (a newer doorbell supersedes an older one anyway).
                self._mark_down(exc)

    async def _listen_loop(self) -> None:
        backoff = 0.2
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(CONTROL_CHANNEL, *self._channels)
                self._pubsub = pubsub
                if not self.healthy:
                    log.warning("broker reachable again")
                    self.healthy = True
                    if self._on_reconnect is not None:
                        self._on_reconnect()
                backoff = 0.2
                async for message in pubsub.listen():
                    self._deliver(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._mark_down(exc)
            finally:
                self._pubsub = None
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)

    def _deliver(self, message: dict[str, object]) -> None:
        if message.get("type") != "message" or self._on_doorbell is None:
            return
        channel = message["channel"]
        raw = message["data"]
        channel = channel.decode() if isinstance(channel, bytes) else str(channel)
        raw = raw if isinstance(raw, bytes) else str(raw).encode()
        if channel.startswith(EPHEMERAL_PREFIX):
            origin, _, payload = raw.partition(b"|")
            if origin != self._origin and self._on_ephemeral is not None:
                self._on_ephemeral(channel[len(EPHEMERAL_PREFIX) :], origin, payload)
            return
        if not channel.startswith(CHANNEL_PREFIX):
            return
        data = raw.decode()
        try:
            seq_text, _, stamp = data.partition(":")
            seq, sent_at = int(seq_text), int(stamp or 0)
        except ValueError:
            log.warning("ignoring a malformed doorbell on %s", channel)
            return
        self.received += 1
        self._on_doorbell(channel[len(CHANNEL_PREFIX) :], seq, sent_at)

    def _mark_down(self, exc: BaseException) -> None:
        if self.healthy:
            log.warning("broker unreachable (%s); falling back to polling the database", exc)
        self.healthy = False


def _ignore_result(task: "asyncio.Future[object]") -> None:
    if not task.cancelled():
        task.exception()  # retrieved, so asyncio does not log it; the listen loop recovers


def open_broker(url: str) -> Broker:
    scheme = url.split("://", 1)[0]
    if scheme == "memory":
        return MemoryBroker()
    if scheme in ("redis", "rediss"):
        return RedisBroker(url)
    raise ValueError(f"unsupported broker URL {url!r}: use memory:// or redis://host:port")
