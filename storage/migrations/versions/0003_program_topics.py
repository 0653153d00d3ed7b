"""program topic catalogue; participants by workspace and person

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain-string defaults: SQLite then adds the column in place. A SQL-expression default makes Alembic rebuild
    # the table, and dropping ``program`` fails while participants point at it.
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.add_column(sa.Column("topics", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.create_index("ix_participant_team_user", ["team_id", "user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_index("ix_participant_team_user")
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.drop_column("topics")
