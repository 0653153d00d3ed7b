"""erasure: people who erased their data, as keyed hashes (no re-enrolment by an import or an admin)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erasure",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_hash", sa.String(length=64), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_hash"),
    )


def downgrade() -> None:
    op.drop_table("erasure")
