"""Queries about workspaces, teams and members."""

from collections.abc import Sequence

from sqlmodel import Session, col, select

from storage.models import Member, Team, Workspace


def get_or_create_workspace(*, session: Session, platform: str, external_id: str) -> Workspace:
    """Return the workspace for (platform, external id), creating it when new."""
    workspace = session.exec(
        select(Workspace).where(
            Workspace.platform == platform, Workspace.external_id == external_id
        )
    ).first()
    if workspace is None:
        workspace = Workspace(platform=platform, external_id=external_id)
        session.add(workspace)
        session.flush()
    return workspace


def find_team(*, session: Session, name: str) -> Team | None:
    """Return the team with this name (case-insensitive), if any."""
    teams = session.exec(select(Team)).all()
    return next((team for team in teams if team.name.casefold() == name.casefold()), None)


def find_team_by_channel(*, session: Session, platform: str, channel: str) -> Team | None:
    """Return the team bound to a channel on a platform, if any."""
    return session.exec(
        select(Team)
        .join(Workspace, Workspace.id == Team.workspace_id)
        .where(Workspace.platform == platform, Team.channel == channel)
    ).first()


def list_teams(*, session: Session) -> Sequence[Team]:
    """Return every team, by name."""
    return session.exec(select(Team).order_by(Team.name)).all()


def active_members(*, session: Session, team_id: int) -> Sequence[Member]:
    """Return the team's active members, leaders included."""
    return session.exec(
        select(Member).where(Member.team_id == team_id, Member.active).order_by(Member.id)
    ).all()


def leaders(*, session: Session, team_id: int) -> Sequence[Member]:
    """Return the team's leaders."""
    return session.exec(
        select(Member).where(Member.team_id == team_id, Member.is_leader, Member.active)
    ).all()


def find_member(*, session: Session, team_id: int, platform_user_id: str) -> Member | None:
    """Return the team's member with this platform user id, if any."""
    return session.exec(
        select(Member).where(Member.team_id == team_id, Member.platform_user_id == platform_user_id)
    ).first()


def upsert_member(
    *,
    session: Session,
    team_id: int,
    platform_user_id: str,
    display_name: str = "",
    is_leader: bool | None = None,
) -> Member:
    """Return the member, creating or re-activating them and refreshing their name."""
    member = find_member(session=session, team_id=team_id, platform_user_id=platform_user_id)
    if member is None:
        member = Member(team_id=team_id, platform_user_id=platform_user_id)
    member.active = True
    if display_name:
        member.display_name = display_name
    if is_leader is not None:
        member.is_leader = is_leader
    session.add(member)
    session.flush()
    return member


def name_unnamed_members(*, session: Session, names: dict[int, str]) -> None:
    """Give members stored without a name the names their platform told (by member id)."""
    for member in session.exec(select(Member).where(col(Member.id).in_(list(names)))):
        if not member.display_name:
            member.display_name = names[member.id or 0][:200]
            session.add(member)
