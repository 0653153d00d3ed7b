"""match rounds, pairs, rematch requests and the outbox

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 02:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_team_id"), ["team_id"], unique=False)

    op.create_table(
        "match_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("unmatched", sa.JSON(), nullable=False),
        sa.Column("ends", sa.JSON(), nullable=False),
        sa.Column("after_round_id", sa.Integer(), nullable=True),
        sa.Column("pool_read_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("match_round", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_round_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_round_team_id"), ["team_id"], unique=False)

    op.create_table(
        "pair",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.String(length=64), nullable=False),
        sa.Column("mentee_id", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["match_round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pair", schema=None) as batch_op:
        batch_op.create_index("ix_pair_program_state", ["program_id", "state"], unique=False)
        batch_op.create_index(batch_op.f("ix_pair_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pair_team_id"), ["team_id"], unique=False)

    op.create_table(
        "rematch_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["pair.id"],
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rematch_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rematch_request_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rematch_request_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rematch_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rematch_request_team_id"))
        batch_op.drop_index(batch_op.f("ix_rematch_request_program_id"))

    op.drop_table("rematch_request")
    with op.batch_alter_table("pair", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pair_team_id"))
        batch_op.drop_index(batch_op.f("ix_pair_round_id"))
        batch_op.drop_index("ix_pair_program_state")

    op.drop_table("pair")
    with op.batch_alter_table("match_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_round_team_id"))
        batch_op.drop_index(batch_op.f("ix_match_round_program_id"))

    op.drop_table("match_round")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_team_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_state"))

    op.drop_table("outbox")
