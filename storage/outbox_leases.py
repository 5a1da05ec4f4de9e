"""Leases on sending for a (platform, workspace): one replica sends for a workspace at a time."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage.models_outbox import OutboxLease, OutboxMessage

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def take_lease(
    engine: Engine, *, platform: str, workspace: str, holder: str, now: datetime, seconds: float
) -> bool:
    """Take or renew the lease; return False while another holder's lease runs."""
    table = OutboxLease.__table__  # type: ignore[attr-defined]
    with Session(engine) as session:
        insert = postgresql_insert if engine.dialect.name == "postgresql" else sqlite_insert
        session.execute(
            insert(table)
            .values(platform=platform, workspace=workspace, holder="", expires_at=EPOCH)
            .on_conflict_do_nothing(index_elements=["platform", "workspace"])
        )
        taken = session.execute(
            update(table)
            .where(
                table.c.platform == platform,
                table.c.workspace == workspace,
                (table.c.holder == holder) | (table.c.expires_at < now),
            )
            .values(holder=holder, expires_at=now + timedelta(seconds=seconds))
        )
        session.commit()
        return bool(taken.rowcount)


def give_back_lease(engine: Engine, *, platform: str, workspace: str, holder: str) -> None:
    """End the lease at once if this holder has it."""
    table = OutboxLease.__table__  # type: ignore[attr-defined]
    with Session(engine) as session:
        session.execute(
            update(table)
            .where(
                table.c.platform == platform,
                table.c.workspace == workspace,
                table.c.holder == holder,
            )
            .values(holder="", expires_at=EPOCH)
        )
        session.commit()


def outbox_counts(engine: Engine, *, now: datetime) -> dict[str, float]:
    """Return how many rows are pending, failed and in doubt, and the oldest pending row's age."""
    with Session(engine) as session:
        counts = dict(
            session.exec(
                select(OutboxMessage.state, func.count())
                .where(col(OutboxMessage.state) != "sent")
                .group_by(OutboxMessage.state)
            ).all()
        )
        oldest = session.exec(
            select(func.min(OutboxMessage.created_at)).where(OutboxMessage.state == "pending")
        ).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return {
        "pending": counts.get("pending", 0),
        "failed": counts.get("failed", 0),
        "in_doubt": counts.get("in_doubt", 0),
        "oldest_pending_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0.0,
    }


def prune_sent(engine: Engine, *, before: datetime) -> int:
    """Delete the rows sent before then (their keys have done their work); return how many."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with Session(engine) as session:
        result = session.execute(
            delete(table).where(table.c.state == "sent", table.c.created_at < before)
        )
        session.commit()
        return result.rowcount or 0
