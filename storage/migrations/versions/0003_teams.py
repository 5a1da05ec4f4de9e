"""teams: conversation references for proactive messages and team rosters

Revision ID: 0003_teams
Revises: 0002_digest
Create Date: 2026-11-24 07:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003_teams"
down_revision: str | None = "0002_digest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "teamsconversation",
        sa.Column("conversation_id", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("service_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("bot_removed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id"),
    )
    with op.batch_alter_table("teamsconversation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_teamsconversation_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_teamsconversation_team_id"), ["team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_teamsconversation_user_id"), ["user_id"], unique=False)

    op.create_table(
        "teamsrostermember",
        sa.Column("roster_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("aad_object_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("is_owner", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("roster_id", "user_id"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("teamsrostermember")
    with op.batch_alter_table("teamsconversation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_teamsconversation_user_id"))
        batch_op.drop_index(batch_op.f("ix_teamsconversation_team_id"))
        batch_op.drop_index(batch_op.f("ix_teamsconversation_tenant_id"))
    op.drop_table("teamsconversation")
