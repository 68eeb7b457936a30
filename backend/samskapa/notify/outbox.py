"""The notification tables: each board's settings, and the outbox of messages.

Exactly once across processes and restarts, in two halves:

- Planning is idempotent. Every message has a key that names what it is about
  (`reminder-<step>-<deadline>`, `closed-<seq>`, `digest-<from>-<to>`), unique
  per board and channel, so two processes that plan the same message insert
  one row. A digest also moves the board's digest mark with a compare-and-set
  in the same transaction, so only one process makes each digest.
- Delivery is claimed. A process sets `claimed_until` on a due row with a
  conditional update; only the one whose update matched sends, and it records
  the outcome before the claim runs out. A process that dies mid-delivery
  leaves a claim that runs out, and another process tries again: a receiver may
  then see a message twice, which is why every attempt carries the same
  `X-Samskapa-Delivery` id (at least once, deduplicable; never lost).

Claims and retry times are on the wall clock, not the board clock that tests
move days ahead: they are about processes and networks, not about deadlines.
"""

import time
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from ..access import new_id
from ..store.database import Database
from ..store.tables import notify_configs, notify_outbox

Channel = str  # "webhook" or "email"
CHANNELS = ("webhook", "email")

PENDING, SENT, FAILED, SKIPPED = "pending", "sent", "failed", "skipped"


def wall_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True, slots=True)
class Config:
    board_id: str
    enabled: bool
    webhook_url: str | None
    webhook_format: str
    emails: tuple[str, ...]
    digest_hours: int
    board_url: str
    scanned_seq: int
    digest_seq: int
    digest_at: int

    def channels(self, smtp: bool) -> list[Channel]:
        """Where this board's messages go now."""
        if not self.enabled:
            return []
        out = []
        if self.webhook_url:
            out.append("webhook")
        if self.emails and smtp:
            out.append("email")
        return out


def _config(row: Any) -> Config:
    return Config(
        board_id=row.board_id,
        enabled=bool(row.enabled),
        webhook_url=row.webhook_url,
        webhook_format=row.webhook_format,
        emails=tuple(orjson.loads(row.emails)),
        digest_hours=int(row.digest_hours),
        board_url=row.board_url,
        scanned_seq=int(row.scanned_seq),
        digest_seq=int(row.digest_seq),
        digest_at=int(row.digest_at),
    )


async def load(db: Database, board_id: str) -> Config | None:
    async with db.read.connect() as conn:
        row = (
            await conn.execute(select(notify_configs).where(notify_configs.c.board_id == board_id))
        ).first()
    return None if row is None else _config(row)


async def enabled(db: Database) -> list[Config]:
    async with db.read.connect() as conn:
        rows = await conn.execute(select(notify_configs).where(notify_configs.c.enabled.is_(True)))
        return [_config(r) for r in rows]


async def save(
    db: Database,
    board_id: str,
    *,
    enabled: bool,
    webhook_url: str | None,
    webhook_format: str,
    emails: list[str],
    digest_hours: int,
    board_url: str,
    head_seq: int,
    now: int,
) -> None:
    """Create or change a board's settings. A board that starts (or starts again)
    to notify begins from now: nothing of what happened before is sent."""
    values = {
        "enabled": enabled,
        "webhook_url": webhook_url,
        "webhook_format": webhook_format,
        "emails": orjson.dumps(emails).decode(),
        "digest_hours": digest_hours,
        "board_url": board_url,
        "updated_at": now,
    }
    async with db.write.begin() as conn:
        before = (
            await conn.execute(
                select(notify_configs.c.enabled).where(notify_configs.c.board_id == board_id)
            )
        ).first()
        if before is None:
            fresh = {"scanned_seq": head_seq, "digest_seq": head_seq, "digest_at": now}
            await conn.execute(insert(notify_configs).values(board_id=board_id, **values, **fresh))
            return
        if enabled and not before.enabled:
            values.update(scanned_seq=head_seq, digest_seq=head_seq, digest_at=now)
        await conn.execute(
            update(notify_configs).where(notify_configs.c.board_id == board_id).values(**values)
        )


async def remove(db: Database, board_id: str) -> None:
    """Forget a board's settings; what was waiting to be sent is dropped."""
    async with db.write.begin() as conn:
        await conn.execute(
            update(notify_outbox)
            .where(notify_outbox.c.board_id == board_id, notify_outbox.c.due_at.is_not(None))
            .values(due_at=None, claimed_until=None, outcome=SKIPPED, done_at=wall_ms())
        )
        await conn.execute(delete(notify_configs).where(notify_configs.c.board_id == board_id))


def _insert_ignoring_duplicates(db: Database, rows: list[dict[str, Any]]) -> Any:
    if db.is_sqlite:
        return sqlite_insert(notify_outbox).values(rows).on_conflict_do_nothing()
    return pg_insert(notify_outbox).values(rows).on_conflict_do_nothing()


async def enqueue(
    db: Database,
    conn: AsyncConnection,
    board_id: str,
    key: str,
    message: dict[str, Any],
    channels: list[Channel],
) -> None:
    """Queue `message` once per channel under `key` (a repeat is ignored)."""
    if not channels:
        return
    now = wall_ms()
    encoded = orjson.dumps(message).decode()
    rows = [
        {
            "id": new_id("n"),
            "board_id": board_id,
            "key": key,
            "channel": channel,
            "kind": message["kind"],
            "message": encoded,
            "created_at": now,
            "due_at": now,
            "claimed_until": None,
            "attempts": 0,
            "outcome": PENDING,
            "done_at": None,
            "last_error": None,
        }
        for channel in channels
    ]
    await conn.execute(_insert_ignoring_duplicates(db, rows))


async def mark_scanned(conn: AsyncConnection, board_id: str, seq: int) -> None:
    await conn.execute(
        update(notify_configs)
        .where(notify_configs.c.board_id == board_id, notify_configs.c.scanned_seq < seq)
        .values(scanned_seq=seq)
    )


async def move_digest_mark(conn: AsyncConnection, config: Config, to_seq: int, at: int) -> bool:
    """Compare-and-set: True only for the one process whose view was current."""
    result = await conn.execute(
        update(notify_configs)
        .where(
            notify_configs.c.board_id == config.board_id,
            notify_configs.c.digest_seq == config.digest_seq,
            notify_configs.c.digest_at == config.digest_at,
        )
        .values(digest_seq=to_seq, digest_at=at)
    )
    return bool(result.rowcount == 1)


@dataclass(frozen=True, slots=True)
class Claimed:
    id: str
    board_id: str
    channel: Channel
    message: dict[str, Any]
    attempts: int


async def due(db: Database, limit: int = 50) -> list[str]:
    now = wall_ms()
    async with db.read.connect() as conn:
        rows = await conn.execute(
            select(notify_outbox.c.id)
            .where(
                notify_outbox.c.due_at <= now,
                or_(notify_outbox.c.claimed_until.is_(None), notify_outbox.c.claimed_until < now),
            )
            .order_by(notify_outbox.c.due_at)
            .limit(limit)
        )
        return [r.id for r in rows]


async def claim(db: Database, row_id: str, lease_ms: int) -> Claimed | None:
    """Take one due row for `lease_ms`, or None when another process has it."""
    now = wall_ms()
    async with db.write.begin() as conn:
        result = await conn.execute(
            update(notify_outbox)
            .where(
                notify_outbox.c.id == row_id,
                notify_outbox.c.due_at <= now,
                or_(notify_outbox.c.claimed_until.is_(None), notify_outbox.c.claimed_until < now),
            )
            .values(claimed_until=now + lease_ms, attempts=notify_outbox.c.attempts + 1)
        )
        if result.rowcount != 1:
            return None
        row = (await conn.execute(select(notify_outbox).where(notify_outbox.c.id == row_id))).one()
    return Claimed(row.id, row.board_id, row.channel, orjson.loads(row.message), int(row.attempts))


async def finish(db: Database, row_id: str, outcome: str, error: str | None = None) -> None:
    async with db.write.begin() as conn:
        await conn.execute(
            update(notify_outbox)
            .where(notify_outbox.c.id == row_id)
            .values(
                due_at=None, claimed_until=None, outcome=outcome, done_at=wall_ms(),
                last_error=error,
            )
        )  # fmt: skip


async def retry_later(db: Database, row_id: str, delay_ms: int, error: str) -> None:
    async with db.write.begin() as conn:
        await conn.execute(
            update(notify_outbox)
            .where(notify_outbox.c.id == row_id)
            .values(due_at=wall_ms() + delay_ms, claimed_until=None, last_error=error)
        )


async def pending_of_kind(db: Database, board_id: str, kind: str) -> bool:
    async with db.read.connect() as conn:
        row = (
            await conn.execute(
                select(notify_outbox.c.id)
                .where(
                    notify_outbox.c.board_id == board_id,
                    notify_outbox.c.kind == kind,
                    notify_outbox.c.due_at.is_not(None),
                )
                .limit(1)
            )
        ).first()
    return row is not None


@dataclass(frozen=True, slots=True)
class ChannelStatus:
    pending: int
    last_sent_at: int | None
    last_error: str | None
    last_failed_at: int | None


async def status(db: Database, board_id: str) -> dict[Channel, ChannelStatus]:
    """Per channel: messages waiting, the last one sent, and the last error."""
    out: dict[Channel, ChannelStatus] = {}
    o = notify_outbox.c
    async with db.read.connect() as conn:
        for channel in CHANNELS:
            mine = and_(o.board_id == board_id, o.channel == channel)
            pending = (
                await conn.execute(
                    select(func.count())
                    .select_from(notify_outbox)
                    .where(mine, o.due_at.is_not(None))
                )
            ).scalar_one()
            sent = (
                await conn.execute(select(func.max(o.done_at)).where(mine, o.outcome == SENT))
            ).scalar_one()
            error = (
                await conn.execute(
                    select(o.last_error, o.created_at)
                    .where(mine, o.last_error.is_not(None))
                    .order_by(o.created_at.desc())
                    .limit(1)
                )
            ).first()
            failed = (
                await conn.execute(select(func.max(o.done_at)).where(mine, o.outcome == FAILED))
            ).scalar_one()
            out[channel] = ChannelStatus(
                pending=int(pending),
                last_sent_at=None if sent is None else int(sent),
                last_error=None if error is None else error.last_error,
                last_failed_at=None if failed is None else int(failed),
            )
    return out
