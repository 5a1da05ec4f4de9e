"""rollups: each team-week's named answers, summed at close; backfilled from the answers

Revision ID: 0005_rollups
Revises: 0004_slack
Create Date: 2026-11-24 10:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.rollups import rebuild_rollups

revision: str = "0005_rollups"
down_revision: str | None = "0004_slack"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "teamweekrollup",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("iso_week", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("closed_occurrences", sa.Integer(), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.Column("respondents_kept", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("mood_people", sa.Integer(), nullable=False),
        sa.Column("mood_sum_of_means", sa.Float(), nullable=False),
        sa.Column("low_mood_people", sa.Integer(), nullable=False),
        sa.Column("mood_kept", sa.Integer(), nullable=False),
        sa.Column("sentiment_people", sa.Integer(), nullable=False),
        sa.Column("sentiment_sum", sa.Float(), nullable=False),
        sa.Column("sentiment_count", sa.Integer(), nullable=False),
        sa.Column("text_count", sa.Integer(), nullable=False),
        sa.Column("sentiment_kept", sa.Integer(), nullable=False),
        sa.Column("pulse_people", sa.Integer(), nullable=False),
        sa.Column("pulse_kept", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("team_id", "iso_week"),
    )
    op.create_table(
        "teamitemrollup",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("iso_week", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("score_sum", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("team_id", "iso_week", "item"),
    )
    # The answers already stored, summed by the statements every close runs from now on.
    rebuild_rollups(op.get_bind())


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("teamitemrollup")
    op.drop_table("teamweekrollup")
