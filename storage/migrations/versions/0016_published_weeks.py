"""published weeks: each team's headline figures of a final week, read by many-team pages

Revision ID: 0016_published_weeks
Revises: 0013_outbox
Create Date: 2026-12-01 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016_published_weeks"
down_revision: str | None = "0013_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "publishedweek",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("iso_week", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "iso_week"),
    )
    with op.batch_alter_table("publishedweek", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publishedweek_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("publishedweek", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publishedweek_team_id"))
    op.drop_table("publishedweek")
