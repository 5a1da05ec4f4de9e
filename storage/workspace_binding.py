"""Teams set up for a platform's placeholder workspace moved to the real one."""

from sqlmodel import Session, select

from storage.models import HavenAdmin, Team, Workspace


def bind_placeholder_workspace(
    *, session: Session, platform: str, placeholder: str, external_id: str
) -> int:
    """Move the teams and admins of the placeholder workspace to `external_id`; return the teams moved."""
    if placeholder == external_id:
        return 0
    found = {
        workspace.external_id: workspace
        for workspace in session.exec(
            select(Workspace).where(
                Workspace.platform == platform,
                Workspace.external_id.in_([placeholder, external_id]),  # type: ignore[attr-defined]
            )
        )
    }
    old = found.get(placeholder)
    if old is None:
        return 0
    new = found.get(external_id)
    teams = session.exec(select(Team).where(Team.workspace_id == old.id)).all()
    if new is None:  # the placeholder becomes the real workspace
        old.external_id = external_id
        session.add(old)
        return len(teams)
    for team in teams:
        team.workspace_id = new.id  # type: ignore[assignment]
    known = set(session.exec(select(HavenAdmin.user_id).where(HavenAdmin.workspace_id == new.id)))
    for admin in session.exec(select(HavenAdmin).where(HavenAdmin.workspace_id == old.id)):
        if admin.user_id in known:
            session.delete(admin)
        else:
            admin.workspace_id = new.id  # type: ignore[assignment]
    return len(teams)
