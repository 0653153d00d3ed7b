"""survey_answer.change_for_admins: whether the form said admins read "what would you change" when it was answered

Answers given before (the form then promised "only totals and averages") stay out of the free-text export.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("survey_answer") as batch:
        batch.add_column(sa.Column("change_for_admins", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("survey_answer") as batch:
        batch.drop_column("change_for_admins")
