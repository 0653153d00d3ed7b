"""skills confidence and surveys

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 06:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "skill_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("skill", sa.String(length=100), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("program_id", "user_id", "skill", "stage", name="uq_skill_rating_program_user_skill_stage"),
    )
    with op.batch_alter_table("skill_rating", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skill_rating_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_skill_rating_team_id"), ["team_id"], unique=False)
    op.create_table(
        "survey_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("recommend", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=1000), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("program_id", "user_id", "stage", name="uq_survey_answer_program_user_stage"),
    )
    with op.batch_alter_table("survey_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_answer_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_survey_answer_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("survey_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_answer_team_id"))
        batch_op.drop_index(batch_op.f("ix_survey_answer_program_id"))
    op.drop_table("survey_answer")
    with op.batch_alter_table("skill_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skill_rating_team_id"))
        batch_op.drop_index(batch_op.f("ix_skill_rating_program_id"))
    op.drop_table("skill_rating")
