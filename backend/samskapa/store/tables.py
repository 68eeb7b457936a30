"""SQL tables (SQLAlchemy Core). The schema's history lives in `alembic/versions/`.

Event payloads are stored as JSON text on every backend: the store never queries
inside them, and text keeps SQLite and PostgreSQL byte-for-byte alike.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

boards = Table(
    "boards",
    metadata,
    Column("id", String(64), primary_key=True),
    # The highest seq appended; advanced in the same transaction as the events,
    # and locked (FOR UPDATE) on PostgreSQL so writers on several processes
    # queue up per board instead of racing for the next seq.
    Column("head_seq", BigInteger, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

access_links = Table(
    "access_links",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("board_id", String(64), ForeignKey("boards.id"), nullable=False),
    Column("role", String(16), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("created_at", BigInteger, nullable=False),
    # What the token is sealed under (access.new_link): with the server's secret
    # it gives the token back, for the facilitators' Share panel. Null on links
    # made before links were sealed: those cannot be shown, only replaced.
    Column("nonce", String(64), nullable=True),
    Index("ix_access_links_board", "board_id"),
)

members = Table(
    "members",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("board_id", String(64), ForeignKey("boards.id"), nullable=False),
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    # The board's seq this member had seen when last here ("N new since your
    # last visit"); written when a connection ends, never per event.
    Column("seen_seq", BigInteger, nullable=True),
)

events = Table(
    "events",
    metadata,
    Column("board_id", String(64), ForeignKey("boards.id"), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("op_id", String(64), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("type", String(40), nullable=False),
    Column("data", Text, nullable=False),
    Column("at", BigInteger, nullable=False),
    # Exactly once: one event per op, and an op_id is used once per board.
    UniqueConstraint("board_id", "op_id", name="uq_events_board_op"),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("board_id", String(64), ForeignKey("boards.id"), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("state", Text, nullable=False),
)

# The deadlines the server still has to close at: one row per board ("" as
# target) or agenda step with a pending deadline, kept in the same transaction
# as the `collection.changed` event that sets, moves or ends it (store/deadlines.py),
# so every process can find the due ones with one indexed query.
deadlines = Table(
    "deadlines",
    metadata,
    Column("board_id", String(64), ForeignKey("boards.id"), primary_key=True),
    Column("target", String(64), primary_key=True),
    Column("closes_at", BigInteger, nullable=False),
    Index("ix_deadlines_closes_at", "closes_at"),
)

# Notifications to a board's facilitators (docs/collection.md §8), off until a
# facilitator configures them. Kept out of the event log on purpose: the webhook
# URL is a secret, and the log travels in exports, replays and forks; this row
# travels nowhere. `scanned_seq` is how far the log was looked through for
# closes, `digest_seq`/`digest_at` where and when the last digest ended.
notify_configs = Table(
    "notify_configs",
    metadata,
    Column("board_id", String(64), ForeignKey("boards.id"), primary_key=True),
    Column("enabled", Boolean, nullable=False),
    Column("webhook_url", Text, nullable=True),
    Column("webhook_format", String(16), nullable=False),
    # A JSON list of addresses.
    Column("emails", Text, nullable=False),
    Column("digest_hours", BigInteger, nullable=False),
    # The board's address as the facilitator saw it (when no public URL is set).
    Column("board_url", Text, nullable=False),
    Column("scanned_seq", BigInteger, nullable=False),
    Column("digest_seq", BigInteger, nullable=False),
    Column("digest_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

# Every notification to deliver, one row per message and channel. The unique
# key makes planning idempotent across processes (two that plan the same
# reminder insert one row); a process claims a row for a while before it sends
# (`claimed_until`), so one delivery is in flight at a time (notify/outbox.py).
# `due_at` is null once the row is done (sent, given up or skipped).
notify_outbox = Table(
    "notify_outbox",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("board_id", String(64), ForeignKey("boards.id"), nullable=False),
    Column("key", String(128), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("message", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("due_at", BigInteger, nullable=True),
    Column("claimed_until", BigInteger, nullable=True),
    Column("attempts", BigInteger, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("done_at", BigInteger, nullable=True),
    Column("last_error", Text, nullable=True),
    UniqueConstraint("board_id", "key", "channel", name="uq_notify_outbox_key"),
    Index("ix_notify_outbox_due", "due_at"),
)

# What is left of a deleted board: when, and how much went, never any content
# (docs/protocol.md, "Deleting a board"). The board's own rows are gone, so a
# later request for it can still answer 410 `board_deleted` instead of 404.
board_deletions = Table(
    "board_deletions",
    metadata,
    Column("board_id", String(64), primary_key=True),
    Column("deleted_at", BigInteger, nullable=False),
    # "facilitator" (the board's own) or "operator" (the command line: purge).
    Column("deleted_by", String(16), nullable=False),
    Column("events", BigInteger, nullable=False),
    Column("members", BigInteger, nullable=False),
    Column("notes", BigInteger, nullable=False),
)
