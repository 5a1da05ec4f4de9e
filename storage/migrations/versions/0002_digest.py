"""digest: settings, leaders' time zones, deliveries and commitments

Revision ID: 0002_digest
Revises: 0001
Create Date: 2026-11-24 07:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002_digest"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "digestsettings",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("send_weekday", sa.Integer(), nullable=False),
        sa.Column("send_time", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("participation_drop", sa.Float(), nullable=False),
        sa.Column("mood_drop", sa.Float(), nullable=False),
        sa.Column("safety_drop", sa.Float(), nullable=False),
        sa.Column("low_mood_weeks", sa.Integer(), nullable=False),
        sa.Column("feedback_negative", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("team_id"),
    )
    op.create_table(
        "leaderprofile",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("member_id"),
    )
    op.create_table(
        "digestdelivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("iso_week", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("claimed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("message_ref", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "member_id", "iso_week"),
    )
    with op.batch_alter_table("digestdelivery", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_digestdelivery_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_digestdelivery_team_id"), ["team_id"], unique=False)

    op.create_table(
        "leadercommitment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("iso_week", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "iso_week", "member_id"),
    )
    with op.batch_alter_table("leadercommitment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leadercommitment_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("leadercommitment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leadercommitment_team_id"))
    op.drop_table("leadercommitment")
    with op.batch_alter_table("digestdelivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digestdelivery_team_id"))
        batch_op.drop_index(batch_op.f("ix_digestdelivery_member_id"))
    op.drop_table("digestdelivery")
    op.drop_table("leaderprofile")
    op.drop_table("digestsettings")
