"""guard secret: the duplicate guard's key is derived from HAVEN_SECRET_KEY, never stored

Revision ID: 0006_guard_secret
Revises: 0005_rollups
Create Date: 2026-12-01 00:00:00.000000

An anonymous-feedback round still open during the upgrade keeps its answers, but its old guards
no longer recognise anyone, so a person who answered before the upgrade could answer once more.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.old_versions import ANONYMOUS_TABLES, vacuum_full

revision: str = "0006_guard_secret"
down_revision: str | None = "0005_rollups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.execute("UPDATE occurrence SET hash_key = NULL")  # not even a dead copy keeps a live key
    op.execute(
        "DELETE FROM anonymousguard WHERE occurrence_id IN "
        "(SELECT id FROM occurrence WHERE status = 'open')"
    )
    with op.batch_alter_table("occurrence") as batch_op:
        batch_op.drop_column("hash_key")
    # The old keys and guards of earlier rounds may still sit in freed space: rebuild the files.
    with op.get_context().autocommit_block():
        if op.get_bind().dialect.name == "sqlite":
            op.execute("VACUUM")
        else:
            vacuum_full(op.get_bind(), tables=("occurrence", *ANONYMOUS_TABLES))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("occurrence") as batch_op:
        batch_op.add_column(sa.Column("hash_key", sa.LargeBinary(), nullable=True))
