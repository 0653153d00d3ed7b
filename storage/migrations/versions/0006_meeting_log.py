"""meeting log

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 03:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meeting_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=False),
        sa.Column("by_user", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["pair.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pair_id", "period", name="uq_meeting_log_pair_period"),
    )
    with op.batch_alter_table("meeting_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_log_pair_id"), ["pair_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_log_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("meeting_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_log_team_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_log_pair_id"))

    op.drop_table("meeting_log")
