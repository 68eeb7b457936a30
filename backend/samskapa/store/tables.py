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
