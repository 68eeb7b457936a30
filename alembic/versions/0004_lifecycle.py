"""Data lifecycle: sealed access links (shown again to facilitators), and the
record of deleted boards.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-14
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("access_links", sa.Column("nonce", sa.String(64), nullable=True))
    op.create_table(
        "board_deletions",
        sa.Column("board_id", sa.String(64), primary_key=True),
        sa.Column("deleted_at", sa.BigInteger, nullable=False),
        sa.Column("deleted_by", sa.String(16), nullable=False),
        sa.Column("events", sa.BigInteger, nullable=False),
        sa.Column("members", sa.BigInteger, nullable=False),
        sa.Column("notes", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("board_deletions")
    with op.batch_alter_table("access_links") as batch:
        batch.drop_column("nonce")
