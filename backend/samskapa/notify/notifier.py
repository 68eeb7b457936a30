"""Telling facilitators what happens on their boards: plan, then deliver.

Every process runs a `Notifier` in the app's lifespan. Every
`notify_check_seconds` (and when a facilitator asks for a test) it

1. plans, for each board whose notifications are on: a reminder when a pending
   deadline (store/deadlines.py) is less than a day away, a message for each
   close in the log since the last look (at the deadline or by hand), and a
   digest when `digest_hours` have passed since the last one and anything new
   came in; each goes into the outbox once (notify/outbox.py says how);
2. delivers what is due in the outbox, each delivery a task of its own with a
   timeout, so a slow or dead sink holds up neither requests nor the event
   loop nor the other deliveries. A failure is logged, counted
   (`samskapa_notifications_total{outcome="retry"|"failed"}`) and tried again
   after `notify_retry_seconds`, doubling up to an hour, `notify_attempts` times.

The board's clock (`clock`) decides what is due (a test moves it days ahead);
the wall clock decides retries and claims (outbox.py).
"""

import asyncio
import contextlib
import logging
from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import AsyncConnection

from .. import metrics
from ..clock import Clock
from ..domain.collection import BOARD
from ..domain.digest import DIGEST_EVENT_TYPES, digest
from ..domain.errors import DomainError
from ..domain.events import CollectionChanged
from ..domain.replay import members_by_actor
from ..domain.state import BoardState
from ..domain.values import Language
from ..periodic import Periodic
from ..settings import Settings
from ..store import deadlines
from ..store.eventstore import EventStore
from . import email, outbox, urls, webhook
from .messages import Message, closed_message, digest_message, reminder_message, test_message

log = logging.getLogger(__name__)

HOUR_MS = 3600 * 1000
DAY_MS = 24 * HOUR_MS
MAX_RETRY_MS = HOUR_MS
# Deliveries in flight per process.
PARALLEL = 8


def backoff_ms(first_ms: int, attempts: int) -> int:
    """The wait after the `attempts`-th failed try: first_ms, doubling, at most an hour."""
    return int(min(MAX_RETRY_MS, first_ms * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True, slots=True)
class Own:
    """Where this server answers, refused as a webhook target (urls.check)."""

    hosts: frozenset[tuple[str, int]]
    ports: frozenset[int]


def own_addresses(settings: Settings, extra: tuple[str, int] | None = None) -> Own:
    hosts = {(settings.host.lower(), settings.port)}
    if settings.public_url:
        parts = urls.parse(settings.public_url)
        hosts.add(((parts.hostname or "").lower(), urls.default_port(parts)))
    if extra is not None:
        hosts.add(extra)
    return Own(frozenset(hosts), frozenset({settings.port, *(p for _, p in hosts)}))


def board_link(settings: Settings, config_url: str, board_id: str) -> str:
    """The board's address without any credential: it names the board, and a
    facilitator's browser signs in with the credential it keeps."""
    base = settings.public_url.rstrip("/") or config_url.rstrip("/")
    return f"{base}/b/{board_id}"


class Notifier:
    def __init__(self, store: EventStore, clock: Clock, settings: Settings) -> None:
        self.store = store
        self.db = store.db
        self.clock = clock
        self.settings = settings
        self.smtp = email.Smtp.from_settings(settings)
        self.own = own_addresses(settings)
        self._client: httpx.AsyncClient | None = None
        self._inflight: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(PARALLEL)
        self._wake = asyncio.Event()
        self._loop = Periodic("notifier", settings.notify_check_seconds, self.step)
        self._waker: asyncio.Task[None] | None = None

    # -- lifetime -----------------------------------------------------------------------

    def start(self) -> None:
        # No environment proxies: a proxy would connect to the name again, not
        # to the address that was checked.
        self._client = httpx.AsyncClient(follow_redirects=False, trust_env=False)
        self._loop.start()
        self._waker = asyncio.create_task(self._wake_on_demand(), name="notifier-wake")

    async def stop(self) -> None:
        await self._loop.stop()
        if self._waker is not None:
            self._waker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._waker
        for task in list(self._inflight):
            task.cancel()
        await asyncio.gather(*self._inflight, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()

    def wake(self) -> None:
        """Deliver what is due now, not at the next look (a test message)."""
        self._wake.set()

    async def _wake_on_demand(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self.deliver_due()
            except Exception:
                log.warning("notifications: delivery pass failed", exc_info=True)

    async def step(self) -> None:
        await self.plan()
        await self.deliver_due()
        metrics.NOTIFY_PASSES.inc()

    # -- planning -----------------------------------------------------------------------

    async def plan(self) -> None:
        now = self.clock()
        configs = await outbox.enabled(self.db)
        if not configs:
            return
        channels_of = {c.board_id: c for c in configs}
        await self._plan_reminders(channels_of, now)
        for config in configs:
            try:
                await self._plan_board(config, now)
            except Exception:
                log.warning(
                    "notifications: planning board %s failed", config.board_id, exc_info=True
                )

    async def _plan_reminders(self, configs: dict[str, outbox.Config], now: int) -> None:
        for board_id, target, closes_at in await deadlines.upcoming(self.db, now, now + DAY_MS):
            config = configs.get(board_id)
            if config is None:
                continue
            state = (await self.store.entry(board_id)).state
            if state.board is None:
                continue
            step_title = None if target == BOARD else _step_title(state, target)
            link = board_link(self.settings, config.board_url, board_id)
            message = reminder_message(
                state.board.title, state.board.language, link, step_title, closes_at
            )
            await self._enqueue(config, f"reminder-{target}-{closes_at}", message)

    async def _plan_board(self, config: outbox.Config, now: int) -> None:
        entry = await self.store.entry(config.board_id)
        state = entry.state
        if state.board is None:
            return
        head = state.seq
        link = board_link(self.settings, config.board_url, config.board_id)
        if head > config.scanned_seq:
            closes = await self.store.events_of_types(
                config.board_id, config.scanned_seq, head, ("collection.changed",)
            )
            async with self.db.write.begin() as conn:
                for event in closes:
                    body = event.body
                    if not isinstance(body, CollectionChanged) or body.action != "closed":
                        continue
                    step_title = None if body.step_id is None else _step_title(state, body.step_id)
                    message = closed_message(
                        state.board.title,
                        state.board.language,
                        link,
                        step_title,
                        body.schedule.closed_at or event.at,
                        _published_count(state),
                    )
                    await self._enqueue(config, f"closed-{event.seq}", message, conn)
                await outbox.mark_scanned(conn, config.board_id, head)
        due_at = config.digest_at + config.digest_hours * HOUR_MS
        if config.digest_hours <= 0 or now < due_at or head <= config.digest_seq:
            return
        events = await self.store.events_of_types(
            config.board_id, config.digest_seq, head, DIGEST_EVENT_TYPES
        )
        found = digest(events, state, members_by_actor(state, self.store.secret))
        async with self.db.write.begin() as conn:
            # Only one process moves the mark from where it was; only it sends.
            if not await outbox.move_digest_mark(conn, config, head, now):
                return
            if not found.empty:
                message = digest_message(state.board.title, state.board.language, link, found)
                key = f"digest-{config.digest_seq}-{head}"
                await self._enqueue(config, key, message, conn)

    async def _enqueue(
        self,
        config: outbox.Config,
        key: str,
        message: Message,
        conn: AsyncConnection | None = None,
    ) -> None:
        channels = config.channels(self.smtp is not None)
        if conn is not None:
            await outbox.enqueue(self.db, conn, config.board_id, key, message.to_json(), channels)
            return
        async with self.db.write.begin() as own:
            await outbox.enqueue(self.db, own, config.board_id, key, message.to_json(), channels)

    async def send_test(self, config: outbox.Config, title: str, language: Language) -> list[str]:
        """Queue a test message on every channel the board has, and send it now."""
        link = board_link(self.settings, config.board_url, config.board_id)
        message = test_message(title, language, link)
        channels = config.channels(self.smtp is not None)
        async with self.db.write.begin() as conn:
            key = f"test-{outbox.wall_ms()}"
            await outbox.enqueue(self.db, conn, config.board_id, key, message.to_json(), channels)
        self.wake()
        return channels

    # -- delivery -----------------------------------------------------------------------

    async def deliver_due(self) -> None:
        lease = int((webhook.TIMEOUT + self.settings.smtp_timeout) * 1000) + 30_000
        for row_id in await outbox.due(self.db):
            if self._slots.locked():
                return  # busy: the rest waits for the next pass
            claimed = await outbox.claim(self.db, row_id, lease)
            if claimed is None:
                continue  # another process has it
            await self._slots.acquire()
            task = asyncio.create_task(self._deliver(claimed), name=f"notify-{claimed.id}")
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)

    async def _deliver(self, claimed: outbox.Claimed) -> None:
        try:
            await self._deliver_one(claimed)
        except Exception:
            log.warning("notifications: delivery %s failed oddly", claimed.id, exc_info=True)
        finally:
            self._slots.release()

    async def _deliver_one(self, claimed: outbox.Claimed) -> None:
        config = await outbox.load(self.db, claimed.board_id)
        channels = config.channels(self.smtp is not None) if config is not None else []
        if config is None or claimed.channel not in channels:
            # Turned off (or the channel removed) since it was planned: nothing goes out.
            await outbox.finish(self.db, claimed.id, outbox.SKIPPED)
            metrics.NOTIFICATIONS.labels(claimed.channel, "skipped").inc()
            return
        message = Message.from_json(claimed.message)
        try:
            if claimed.channel == "webhook":
                assert config.webhook_url is not None
                target = await urls.check(
                    config.webhook_url,
                    self.settings.notify_allow_private,
                    self.own.hosts,
                    self.own.ports,
                )
                form = webhook.resolved_format(config.webhook_format, target.host)
                assert self._client is not None
                await webhook.post(
                    self._client, target, webhook.payload(message, form), claimed.id,
                    claimed.attempts,
                )  # fmt: skip
            else:
                assert self.smtp is not None
                mail = email.compose(self.smtp, message, list(config.emails), claimed.id)
                await email.send(self.smtp, mail)
        except (webhook.DeliveryFailed, DomainError) as err:
            reason = err.reason if isinstance(err, webhook.DeliveryFailed) else err.message
            await self._failed(claimed, reason)
            return
        await outbox.finish(self.db, claimed.id, outbox.SENT)
        metrics.NOTIFICATIONS.labels(claimed.channel, "sent").inc()

    async def _failed(self, claimed: outbox.Claimed, reason: str) -> None:
        if claimed.attempts >= self.settings.notify_attempts:
            log.warning(
                "notification %s (%s) to board %s given up after %d attempts: %s",
                claimed.id, claimed.channel, claimed.board_id, claimed.attempts, reason,
            )  # fmt: skip
            await outbox.finish(self.db, claimed.id, outbox.FAILED, reason)
            metrics.NOTIFICATIONS.labels(claimed.channel, "failed").inc()
            return
        delay = backoff_ms(int(self.settings.notify_retry_seconds * 1000), claimed.attempts)
        log.warning(
            "notification %s (%s) to board %s failed (attempt %d), again in %.1f s: %s",
            claimed.id, claimed.channel, claimed.board_id, claimed.attempts, delay / 1000, reason,
        )  # fmt: skip
        await outbox.retry_later(self.db, claimed.id, delay, reason)
        metrics.NOTIFICATIONS.labels(claimed.channel, "retry").inc()


def _step_title(state: BoardState, step_id: str) -> str:
    return next((s.title for s in state.agenda if s.id == step_id), step_id)


def _published_count(state: BoardState) -> int:
    return sum(1 for n in state.notes.values() if n.public)
