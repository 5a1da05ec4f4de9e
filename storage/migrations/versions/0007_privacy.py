"""privacy: retention per team, erasure date of uninstalled workspaces, wide sealed-token columns

Revision ID: 0007_privacy
Revises: 0006_guard_secret
Create Date: 2026-12-01 00:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007_privacy"
down_revision: str | None = "0006_guard_secret"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEALED_COLUMNS = {
    "slack_installations": (
        "bot_token",
        "bot_refresh_token",
        "user_token",
        "user_refresh_token",
        "incoming_webhook_url",
    ),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "teamretention",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("team_id"),
    )
    op.create_table(
        "workspaceerasure",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("erase_after", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("workspace_id"),
    )
    # slack_sdk created these with VARCHAR(200); a sealed token is longer. SQLite ignores lengths.
    if op.get_bind().dialect.name != "postgresql":
        return
    present = set(sa.inspect(op.get_bind()).get_table_names())
    for table, columns in SEALED_COLUMNS.items():
        if table in present:
            for column in columns:
                op.alter_column(table, column, type_=sa.Text(), existing_type=sa.String(200))


def downgrade() -> None:
    """Revert this revision (sealed tokens stay in TEXT columns)."""
    op.drop_table("workspaceerasure")
    op.drop_table("teamretention")
