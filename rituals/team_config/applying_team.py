"""A team of the config created or updated in the database, with its workspace."""

from sqlmodel import Session

from rituals.privacy.retention import retention_of
from rituals.team_config.assigning import assigned
from rituals.team_config.report import ApplyReport
from rituals.team_config.schema import TeamConfig
from storage.models import Team, Workspace
from storage.team_retention import store_retention
from storage.teams import find_team, get_or_create_workspace


def apply_team(*, session: Session, team_config: TeamConfig, report: ApplyReport) -> Team:
    """Create or update the team named in the config and return it."""
    workspace = get_or_create_workspace(
        session=session, platform=team_config.platform, external_id=team_config.workspace_id
    )
    values = _team_values(team_config)
    team = find_team(session=session, name=team_config.name)
    if team is None:
        team = Team(workspace_id=workspace.id, **values)
        session.add(team)
        session.flush()
        _retention(session=session, team=team, days=team_config.retention_days)
        where = f"{team_config.platform} channel {team.channel!r}"
        report.record("created", f"team {team.name!r}", where)
        return team
    details = _moved_workspace(session=session, team=team, workspace=workspace)
    details += assigned(team, values)
    details += _retention(session=session, team=team, days=team_config.retention_days)
    if details:
        report.record("updated", f"team {team.name!r}", *details)
    return team


def _team_values(team_config: TeamConfig) -> dict[str, object]:
    thresholds = team_config.anonymity_threshold
    return {
        "name": team_config.name,
        "channel": team_config.channel,
        "timezone": team_config.timezone,
        "working_days": ",".join(team_config.working_days),
        "threshold_numbers": thresholds.numbers,
        "threshold_texts": thresholds.texts,
        "members_from_channel": team_config.members is None,
    }


def _retention(*, session: Session, team: Team, days: int) -> list[str]:
    """Store the team's retention; return 'retention_days old → new' when it changed."""
    assert team.id is not None
    old = retention_of(session=session, team_id=team.id)
    if old == days:
        return []
    store_retention(session=session, team_id=team.id, days=days)
    return [f"retention_days {old} → {days}"]


def _moved_workspace(*, session: Session, team: Team, workspace: Workspace) -> list[str]:
    if team.workspace_id == workspace.id:
        return []
    previous = session.get(Workspace, team.workspace_id)
    team.workspace_id = workspace.id  # type: ignore[assignment]
    return [f"workspace {_workspace_label(previous)} → {_workspace_label(workspace)}"]


def _workspace_label(workspace: Workspace | None) -> str:
    return f"{workspace.platform}/{workspace.external_id}" if workspace else "none"
