"""The end of an installation: after a grace period, everything of the workspace is erased."""

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from storage.models_privacy import WorkspaceErasure
from storage.teams import get_or_create_workspace
from storage.workspace_rows import (
    delete_workspace_rows,
    find_workspace,
    workspaces_due_for_erasure,
)


def schedule_erasure(
    *, session: Session, platform: str, external_id: str, now: datetime, grace_days: int
) -> datetime:
    """Mark the workspace for erasure after the grace period; return when (an earlier date stays)."""
    workspace = get_or_create_workspace(session=session, platform=platform, external_id=external_id)
    assert workspace.id is not None
    when = now + timedelta(days=grace_days)
    row = session.get(WorkspaceErasure, workspace.id)
    if row is None:
        row = WorkspaceErasure(workspace_id=workspace.id, erase_after=when)
    elif _aware(row.erase_after) > when:
        row.erase_after = when
    session.add(row)
    session.commit()
    return _aware(row.erase_after)


def cancel_erasure(*, session: Session, platform: str, external_id: str) -> bool:
    """Keep the workspace after all (Haven was installed again); return whether one was due."""
    workspace = find_workspace(session=session, platform=platform, external_id=external_id)
    row = session.get(WorkspaceErasure, workspace.id) if workspace else None
    if row is None:
        return False
    session.delete(row)
    session.commit()
    return True


def erase_due_workspaces(*, session: Session, now: datetime) -> int:
    """Erase every workspace whose grace period has ended; return how many."""
    due = workspaces_due_for_erasure(session=session, now=now)
    for workspace in due:
        delete_workspace_rows(session=session, workspace=workspace)
    session.commit()
    return len(due)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
