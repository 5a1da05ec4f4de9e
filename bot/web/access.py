"""Who sees what: leaders their teams, admins every team of their workspace, no one else any figure."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from rituals.errors import NotFound
from storage.models import HavenAdmin, Member, Team, Workspace

NOT_VISIBLE = "No team you can see has that id."


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in person of a browser session."""

    workspace_id: int
    user_id: str
    platform_admin: bool
    csrf_token: str


@dataclass(frozen=True, slots=True)
class Access:
    """What a viewer may see: whether they administer their workspace, and the teams they lead."""

    viewer: Viewer
    admin: bool
    led_team_ids: frozenset[int]

    def can_see(self, team: Team) -> bool:
        """Return whether the viewer may see the team's figures."""
        if team.workspace_id != self.viewer.workspace_id:
            return False
        return self.admin or team.id in self.led_team_ids

    @property
    def sees_any_team(self) -> bool:
        """Return whether the viewer may see any figure at all."""
        return self.admin or bool(self.led_team_ids)


def access_of(*, session: Session, viewer: Viewer) -> Access:
    """Work out what the viewer may see, from the database as it is now."""
    named_admin = session.exec(
        select(HavenAdmin.id).where(
            HavenAdmin.workspace_id == viewer.workspace_id, HavenAdmin.user_id == viewer.user_id
        )
    ).first()
    led = session.exec(
        select(Member.team_id)
        .join(Team, col(Team.id) == Member.team_id)
        .where(
            Team.workspace_id == viewer.workspace_id,
            Member.platform_user_id == viewer.user_id,
            col(Member.is_leader).is_(True),
            col(Member.active).is_(True),
        )
    ).all()
    return Access(
        viewer=viewer,
        admin=viewer.platform_admin or named_admin is not None,
        led_team_ids=frozenset(led),
    )


def visible_team(
    *, session: Session, access: Access, team_id: int, admin_only: bool = False
) -> Team:
    """Return the team if the viewer may see it (and administer it, when asked); else NotFound."""
    team = session.get(Team, team_id)
    if team is None or not access.can_see(team) or (admin_only and not access.admin):
        raise NotFound(NOT_VISIBLE)
    return team


def visible_teams(*, session: Session, access: Access) -> list[Team]:
    """Return every team the viewer may see, by name."""
    query = select(Team).where(Team.workspace_id == access.viewer.workspace_id)
    if not access.admin:
        query = query.where(col(Team.id).in_(access.led_team_ids or {-1}))
    return list(session.exec(query.order_by(col(Team.name))).all())


def workspace_of(*, session: Session, access: Access) -> Workspace | None:
    """Return the viewer's workspace."""
    return session.get(Workspace, access.viewer.workspace_id)
