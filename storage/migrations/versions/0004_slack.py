"""slack: handled event ids and the users.info cache

Revision ID: 0004_slack
Revises: 0003_teams
Create Date: 2026-11-24 07:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004_slack"
down_revision: str | None = "0003_teams"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "slackevent",
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("received_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("slackevent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_slackevent_received_at"), ["received_at"], unique=False
        )

    op.create_table(
        "slackuser",
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("is_bot", sa.Boolean(), nullable=False),
        sa.Column("away", sa.Boolean(), nullable=False),
        sa.Column("dm_channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("fetched_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("slackuser")
    with op.batch_alter_table("slackevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slackevent_received_at"))
    op.drop_table("slackevent")
