"""A team of the config created or updated in the database, with its workspace."""

from sqlmodel import Session

from rituals.privacy.policy import DEFAULT_RETENTION_DAYS
from rituals.team_config.assigning import assigned
from rituals.team_config.existing import ExistingSetup
from rituals.team_config.new_rows import NewRows
from rituals.team_config.report import ApplyReport
from rituals.team_config.schema import DEFAULT_WORKSPACE, TeamConfig
from storage.models import Team, Workspace
from storage.team_retention import store_retention


def team_workspace(
    *,
    session: Session,
    existing: ExistingSetup,
    team_config: TeamConfig,
    defaults: dict[str, str],
) -> Workspace:
    """Return the team's workspace: its `workspace:`, else the platform's default; create it if new."""
    platform = team_config.platform
    external_id = team_config.workspace or defaults.get(platform) or DEFAULT_WORKSPACE[platform]
    workspace = existing.workspaces.get((platform, external_id))
    if workspace is None:
        workspace = Workspace(platform=platform, external_id=external_id)
        session.add(workspace)
        existing.workspaces[(platform, external_id)] = workspace
    return workspace


def apply_team(
    *,
    existing: ExistingSetup,
    added: NewRows,
    team_config: TeamConfig,
    workspace: Workspace,
    report: ApplyReport,
) -> Team:
    """Create or update the team named in the config and return it (a new one has no id yet)."""
    values = _team_values(team_config)
    team = existing.team(team_config.name)
    if team is None:
        team = Team(workspace_id=workspace.id, **values)  # type: ignore[arg-type]
        added.teams.append(team)
        where = f"{team_config.platform} channel {team.channel!r}"
        report.record("created", f"team {team.name!r}", where)
        return team
    details = _moved_workspace(existing=existing, team=team, workspace=workspace)
    details += assigned(team, values)
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


def apply_retention(
    *, session: Session, stored: dict[int, int], team: Team, days: int, dry_run: bool
) -> list[str]:
    """Store the team's retention (once it has an id); return 'retention_days old → new' if changed."""
    old = stored.get(team.id, DEFAULT_RETENTION_DAYS) if team.id is not None else None
    if old == days or (old is None and days == DEFAULT_RETENTION_DAYS):
        return []
    if not dry_run and team.id is not None:
        store_retention(session=session, team_id=team.id, days=days)
    return [] if old is None else [f"retention_days {old} → {days}"]


def _moved_workspace(*, existing: ExistingSetup, team: Team, workspace: Workspace) -> list[str]:
    if workspace.id is not None and team.workspace_id == workspace.id:
        return []
    previous = existing.workspaces_by_id.get(team.workspace_id)
    if previous is workspace:
        return []
    team.workspace_id = workspace.id  # type: ignore[assignment]
    return [f"workspace {_workspace_label(previous)} → {_workspace_label(workspace)}"]


def _workspace_label(workspace: Workspace | None) -> str:
    return f"{workspace.platform}/{workspace.external_id}" if workspace else "none"
