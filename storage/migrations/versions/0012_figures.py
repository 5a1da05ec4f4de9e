"""figures: drop teamweeksignal (one computation of every figure); keep the audit's record

Revision ID: 0012_figures
Revises: 0009_dashboard
Create Date: 2026-12-01 00:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012_figures"
down_revision: str | None = "0009_dashboard"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "figureaudit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("measure", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("through_week", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.Column("equations", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "measure"),
    )
    with op.batch_alter_table("figureaudit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_figureaudit_team_id"), ["team_id"], unique=False)
    with op.batch_alter_table("teamweeksignal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_teamweeksignal_team_id"))
    op.drop_table("teamweeksignal")


def downgrade() -> None:
    """Revert this revision (teamweeksignal comes back empty)."""
    with op.batch_alter_table("figureaudit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_figureaudit_team_id"))
    op.drop_table("figureaudit")
    op.create_table(
        "teamweeksignal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("iso_week", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("invited", sa.Integer(), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.Column("participation_rate", sa.Float(), nullable=True),
        sa.Column("mean_mood", sa.Float(), nullable=True),
        sa.Column("mean_sentiment", sa.Float(), nullable=True),
        sa.Column("no_signal_texts", sa.Integer(), nullable=False),
        sa.Column("safety_index", sa.Float(), nullable=True),
        sa.Column("stories_shared", sa.Integer(), nullable=False),
        sa.Column("story_sentiment", sa.Float(), nullable=True),
        sa.Column("anonymous_items", sa.Integer(), nullable=False),
        sa.Column("withheld", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("computed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "iso_week"),
    )
    with op.batch_alter_table("teamweeksignal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_teamweeksignal_team_id"), ["team_id"], unique=False)
