"""Notifications to facilitators: each board's settings and the outbox of messages.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notify_configs",
        sa.Column("board_id", sa.String(64), sa.ForeignKey("boards.id"), primary_key=True),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("webhook_url", sa.Text, nullable=True),
        sa.Column("webhook_format", sa.String(16), nullable=False),
        sa.Column("emails", sa.Text, nullable=False),
        sa.Column("digest_hours", sa.BigInteger, nullable=False),
        sa.Column("board_url", sa.Text, nullable=False),
        sa.Column("scanned_seq", sa.BigInteger, nullable=False),
        sa.Column("digest_seq", sa.BigInteger, nullable=False),
        sa.Column("digest_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "notify_outbox",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("board_id", sa.String(64), sa.ForeignKey("boards.id"), nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("due_at", sa.BigInteger, nullable=True),
        sa.Column("claimed_until", sa.BigInteger, nullable=True),
        sa.Column("attempts", sa.BigInteger, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("done_at", sa.BigInteger, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.UniqueConstraint("board_id", "key", "channel", name="uq_notify_outbox_key"),
    )
    op.create_index("ix_notify_outbox_due", "notify_outbox", ["due_at"])


def downgrade() -> None:
    op.drop_index("ix_notify_outbox_due", "notify_outbox")
    op.drop_table("notify_outbox")
    op.drop_table("notify_configs")
