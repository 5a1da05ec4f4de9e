"""outbox: every message to send as a row in the transaction that causes it; a lease per workspace

Revision ID: 0013_outbox
Revises: 0012_figures
Create Date: 2026-12-01 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013_outbox"
down_revision: str | None = "0012_figures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Text = sqlmodel.sql.sqltypes.AutoString
Moment = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "outboxmessage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", Text(length=200), nullable=False),
        sa.Column("platform", Text(length=16), nullable=False),
        sa.Column("workspace", Text(length=64), nullable=False),
        sa.Column("action", Text(length=16), nullable=False),
        sa.Column("channel", Text(length=200), nullable=False),
        sa.Column("user_id", Text(length=200), nullable=False),
        sa.Column("sealed_to", Text(length=1000), nullable=False),
        sa.Column("seal_context", sa.Integer(), nullable=False),
        sa.Column("ref", Text(length=200), nullable=False),
        sa.Column("ref_from", Text(length=200), nullable=False),
        sa.Column("payload", Text(), nullable=True),
        sa.Column("follow_up", Text(length=200), nullable=False),
        sa.Column("state", Text(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", Moment(), nullable=False),
        sa.Column("next_attempt_at", Moment(), nullable=False),
        sa.Column("first_attempt_at", Moment(), nullable=True),
        sa.Column("give_up_at", Moment(), nullable=False),
        sa.Column("claimed_by", Text(length=200), nullable=False),
        sa.Column("doubtful", sa.Boolean(), nullable=False),
        sa.Column("claimed_until", Moment(), nullable=True),
        sa.Column("last_error", Text(length=500), nullable=False),
        sa.Column("sent_ref", Text(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outboxmessage_workspace"), ["workspace"])
        batch_op.create_index(batch_op.f("ix_outboxmessage_state"), ["state"])
        batch_op.create_index(batch_op.f("ix_outboxmessage_next_attempt_at"), ["next_attempt_at"])
    op.create_table(
        "outboxlease",
        sa.Column("platform", Text(length=16), nullable=False),
        sa.Column("workspace", Text(length=64), nullable=False),
        sa.Column("holder", Text(length=200), nullable=False),
        sa.Column("expires_at", Moment(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "workspace"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("outboxlease")
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outboxmessage_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_outboxmessage_state"))
        batch_op.drop_index(batch_op.f("ix_outboxmessage_workspace"))
    op.drop_table("outboxmessage")
