"""feedback and pairing-fit answers

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 05:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.String(length=64), nullable=False),
        sa.Column("author_role", sa.String(length=16), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("topic_key", sa.String(length=200), nullable=False),
        sa.Column("learned", sa.String(length=1000), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("share_note", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["pair_id"], ["pair.id"]),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pair_id", "period", "author_id", name="uq_feedback_pair_period_author"),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_pair_id"), ["pair_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_team_id"), ["team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_topic_key"), ["topic_key"], unique=False)
    op.create_table(
        "fit_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["pair_id"], ["pair.id"]),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pair_id", "user_id", name="uq_fit_answer_pair_user"),
    )
    with op.batch_alter_table("fit_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fit_answer_pair_id"), ["pair_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fit_answer_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fit_answer_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("fit_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fit_answer_team_id"))
        batch_op.drop_index(batch_op.f("ix_fit_answer_program_id"))
        batch_op.drop_index(batch_op.f("ix_fit_answer_pair_id"))
    op.drop_table("fit_answer")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_topic_key"))
        batch_op.drop_index(batch_op.f("ix_feedback_team_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_program_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_pair_id"))
    op.drop_table("feedback")
