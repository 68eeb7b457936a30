"""An idea collection over days: deadlines to close at, and what each member has seen.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deadlines",
        sa.Column("board_id", sa.String(64), sa.ForeignKey("boards.id"), primary_key=True),
        sa.Column("target", sa.String(64), primary_key=True),
        sa.Column("closes_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_deadlines_closes_at", "deadlines", ["closes_at"])
    op.add_column("members", sa.Column("seen_seq", sa.BigInteger, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("seen_seq")
    op.drop_index("ix_deadlines_closes_at", "deadlines")
    op.drop_table("deadlines")
