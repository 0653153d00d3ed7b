"""program settings, admins, audit log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 14:20:17.709419
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The defaults of storage.models.default_rules(), for programs created before this revision.
# Plain strings, not SQL expressions: SQLite then adds the columns in place instead of rebuilding the table (which
# fails while participants point at it).
RULES = (
    '{"avoid_reporting_line": true, "prefer_other_departments": true, '
    '"min_experience_gap": 5, "mentor_capacity": 1, "avoid_repeat_rounds": 2}'
)


def upgrade() -> None:
    op.create_table(
        "admin",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=128), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_team_id"), ["team_id"], unique=False)

    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("end_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("cadence", sa.String(length=16), nullable=False, server_default="biweekly"))
        batch_op.add_column(sa.Column("checkin_weekday", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("checkin_time", sa.String(length=5), nullable=False, server_default="10:00"))
        batch_op.add_column(sa.Column("quiet_start", sa.String(length=5), nullable=False, server_default="09:00"))
        batch_op.add_column(sa.Column("quiet_end", sa.String(length=5), nullable=False, server_default="18:00"))
        batch_op.add_column(sa.Column("rules", sa.JSON(), nullable=False, server_default=RULES))
        batch_op.add_column(sa.Column("channel_id", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.drop_column("channel_id")
        batch_op.drop_column("rules")
        batch_op.drop_column("quiet_end")
        batch_op.drop_column("quiet_start")
        batch_op.drop_column("checkin_time")
        batch_op.drop_column("checkin_weekday")
        batch_op.drop_column("cadence")
        batch_op.drop_column("end_date")
        batch_op.drop_column("start_date")

    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_team_id"))

    op.drop_table("audit_log")
    op.drop_table("admin")
