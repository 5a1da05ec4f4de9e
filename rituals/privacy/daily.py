"""The daily privacy pass: retention, expired relay seals, and workspaces past their grace period."""

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from rituals.privacy.policy import PrivacyPolicy
from rituals.privacy.relay_seals import drop_expired_seals
from rituals.privacy.retention import apply_retention
from rituals.privacy.workspace_erasure import erase_due_workspaces
from storage.db import flush_erased_pages, session_scope

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DailyReport:
    """What one daily pass deleted."""

    retention: dict[str, int]
    seals: int
    workspaces: int


def run_daily_privacy(*, engine: Engine, policy: PrivacyPolicy, now: datetime) -> DailyReport:
    """Delete what is past its time; counts only are logged, never whose or what."""
    with session_scope(engine) as session:
        retention = apply_retention(session=session, now=now)
        seals = drop_expired_seals(
            session=session, now=now, reply_window_days=policy.reply_window_days
        )
        session.commit()
        workspaces = erase_due_workspaces(session=session, now=now)
    flush_erased_pages(engine)
    report = DailyReport(retention=retention.deleted, seals=seals, workspaces=workspaces)
    log.info(
        "privacy pass: %d row(s) past retention, %d relay seal(s), %d workspace(s) erased",
        retention.total(),
        seals,
        workspaces,
    )
    return report
