"""The database's teams and rituals written as a config file that applies unchanged."""

import yaml
from sqlmodel import Session, select

from rituals.privacy.policy import DEFAULT_RETENTION_DAYS
from rituals.privacy.retention import retention_of
from rituals.team_config.schema import DEFAULT_WORKSPACE
from storage.models import HavenAdmin, Member, Ritual, Team, Workspace
from storage.occurrences import rituals_of_team
from storage.teams import list_teams

EXPORT_HEADER = "# Haven teams and rituals. Apply with: haven config apply FILE\n"


class _Quoted(str):
    """Text exported in double quotes, as people write cron schedules."""


class _ExportDumper(yaml.SafeDumper):
    """A safe YAML dumper that keeps _Quoted text in double quotes."""


_ExportDumper.add_representer(
    _Quoted, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
)


def export_config(*, session: Session) -> str:
    """Return every team and ritual as YAML that apply_config accepts unchanged."""
    teams = [_team_document(session=session, team=team) for team in list_teams(session=session)]
    body = yaml.dump(
        {"teams": teams},
        Dumper=_ExportDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=100,
    )
    return EXPORT_HEADER + body


def _team_document(*, session: Session, team: Team) -> dict[str, object]:
    workspace = session.get(Workspace, team.workspace_id)
    assert workspace is not None  # a foreign key
    members = session.exec(
        select(Member).where(Member.team_id == team.id, Member.active).order_by(Member.id)
    ).all()
    document: dict[str, object] = {"name": team.name, "platform": workspace.platform}
    if workspace.external_id != DEFAULT_WORKSPACE.get(workspace.platform):
        document["workspace"] = workspace.external_id
    document |= {
        "channel": team.channel,
        "timezone": team.timezone,
        "working_days": [day for day in team.working_days.split(",") if day],
        "leaders": [member.platform_user_id for member in members if member.is_leader],
    }
    if not team.members_from_channel:
        document["members"] = [m.platform_user_id for m in members if not m.is_leader]
    admins = session.exec(
        select(HavenAdmin.user_id)
        .where(HavenAdmin.workspace_id == team.workspace_id)
        .order_by(HavenAdmin.user_id)
    ).all()
    if admins:
        document["admins"] = list(admins)
    document["anonymity_threshold"] = _threshold_document(team)
    retention = retention_of(session=session, team_id=team.id)  # type: ignore[arg-type]
    if retention != DEFAULT_RETENTION_DAYS:
        document["retention_days"] = retention
    rituals = rituals_of_team(session=session, team_id=team.id)  # type: ignore[arg-type]
    document["rituals"] = [_ritual_document(ritual) for ritual in rituals]
    return document


def _threshold_document(team: Team) -> int | dict[str, int]:
    if team.threshold_numbers == team.threshold_texts:
        return team.threshold_numbers
    return {"numbers": team.threshold_numbers, "texts": team.threshold_texts}


def _ritual_document(ritual: Ritual) -> dict[str, object]:
    document: dict[str, object] = {"kind": ritual.kind}
    if ritual.name != ritual.kind:
        document["name"] = ritual.name
    document["schedule"] = _Quoted(ritual.schedule)
    if ritual.kind == "checkin":
        document["mode"] = ritual.mode
    if ritual.question:
        document["question"] = ritual.question
    if ritual.window_minutes:
        document["window_minutes"] = ritual.window_minutes
    if ritual.paused:
        document["paused"] = True
    return document
