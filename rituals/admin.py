"""Admin actions from chat: bind a channel to a team, manage its rituals, leaders and admins."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from rituals.anonymity import MINIMUM_THRESHOLD
from rituals.errors import InvalidAnswer, NotFound
from rituals.scheduling import WEEKDAYS, cron_trigger
from storage.models import RITUAL_KINDS, HavenAdmin, Member, Ritual, Team, Workspace
from storage.occurrences import rituals_of_team
from storage.teams import find_team, find_team_by_channel, get_or_create_workspace, upsert_member

KIND_LABELS = {  # how every surface names a ritual kind
    "checkin": "Meeting check-in",
    "failure_celebration": "Failure celebration",
    "anonymous_feedback": "Anonymous feedback",
    "safety_pulse": "Safety pulse",
}
DEFAULT_SCHEDULES = {
    "checkin": "55 9 * * mon",
    "failure_celebration": "0 15 * * fri",
    "anonymous_feedback": "0 10 1-7 * mon",
    "safety_pulse": "0 11 * * wed",
}


@dataclass(frozen=True)
class RitualChange:
    """Fields an admin may change on a ritual; None leaves a field as it is."""

    schedule: str | None = None
    mode: str | None = None
    question: str | None = None
    window_minutes: int | None = None


def check_timezone(timezone: str) -> str:
    """Return the IANA time zone name, or raise InvalidAnswer naming it."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidAnswer(f"'{timezone}' is not an IANA time zone like Europe/Berlin.") from None
    return timezone


def check_schedule(schedule: str, timezone: str) -> str:
    """Return the cron expression, or raise InvalidAnswer explaining what is wrong."""
    try:
        cron_trigger(schedule, timezone)
    except ValueError as error:
        raise InvalidAnswer(
            f"'{schedule}' is not a valid five-field cron expression ({error})."
        ) from None
    return schedule


def bind_team(
    *,
    session: Session,
    platform: str,
    workspace: str,
    channel: str,
    name: str,
    timezone: str = "UTC",
    working_days: tuple[str, ...] = WEEKDAYS[:5],
    threshold: int | None = None,
) -> Team:
    """Create the team of a channel, or update the one already bound to it."""
    check_timezone(timezone)
    if not name.strip():
        raise InvalidAnswer("A team needs a name.")
    if threshold is not None and threshold < MINIMUM_THRESHOLD:
        raise InvalidAnswer(f"The anonymity threshold is at least {MINIMUM_THRESHOLD}.")
    unknown = [day for day in working_days if day not in WEEKDAYS]
    if unknown or not working_days:
        raise InvalidAnswer(f"Working days are some of {', '.join(WEEKDAYS)}.")
    home = get_or_create_workspace(session=session, platform=platform, external_id=workspace)
    team = find_team_by_channel(session=session, platform=platform, channel=channel)
    clash = find_team(session=session, name=name.strip())
    if clash is not None and (team is None or clash.id != team.id):
        raise InvalidAnswer(f"Another channel already uses the team name '{clash.name}'.")
    team = team or Team(workspace_id=home.id, name=name.strip(), channel=channel)
    team.name, team.timezone, team.working_days = name.strip(), timezone, ",".join(working_days)
    if threshold is not None:
        team.threshold_numbers = team.threshold_texts = threshold
    session.add(team)
    session.commit()
    return team


def add_ritual(
    *,
    session: Session,
    team: Team,
    kind: str,
    schedule: str | None = None,
    mode: str = "shared",
    question: str = "",
    name: str | None = None,
) -> Ritual:
    """Add a ritual to the team, validating its kind, schedule and mode."""
    if kind not in RITUAL_KINDS:
        raise InvalidAnswer(f"'{kind}' is not a ritual; choose one of {', '.join(RITUAL_KINDS)}.")
    if mode not in ("shared", "private"):
        raise InvalidAnswer("A check-in's mode is 'shared' or 'private'.")
    schedule = check_schedule(schedule or DEFAULT_SCHEDULES[kind], team.timezone)
    taken = {r.name for r in rituals_of_team(session=session, team_id=team.id)}
    name = name or next(
        n for n in (kind, *(f"{kind}-{i}" for i in range(2, 100))) if n not in taken
    )
    if name in taken:
        raise InvalidAnswer(f"Team {team.name} already has a ritual named '{name}'.")
    ritual = Ritual(
        team_id=team.id,
        name=name,
        kind=kind,
        schedule=schedule,
        mode=mode,
        question=question[:1000],
    )
    session.add(ritual)
    session.commit()
    return ritual


def ritual_of_team(*, session: Session, team: Team, ritual_id: int) -> Ritual:
    """Return the team's ritual, refusing one that belongs to another team."""
    ritual = session.get(Ritual, ritual_id)
    if ritual is None or ritual.team_id != team.id:
        raise NotFound(f"Team {team.name} has no ritual {ritual_id}.")
    return ritual


def edit_ritual(*, session: Session, team: Team, ritual_id: int, change: RitualChange) -> Ritual:
    """Apply an admin's change to a ritual."""
    ritual = ritual_of_team(session=session, team=team, ritual_id=ritual_id)
    if change.schedule is not None:
        ritual.schedule = check_schedule(change.schedule, team.timezone)
    if change.mode is not None:
        if ritual.kind != "checkin" or change.mode not in ("shared", "private"):
            raise InvalidAnswer("Only a check-in has a mode, 'shared' or 'private'.")
        ritual.mode = change.mode
    if change.question is not None:
        ritual.question = change.question.strip()[:1000]
    if change.window_minutes is not None:
        if change.window_minutes < 5:
            raise InvalidAnswer("An answer window is at least 5 minutes.")
        ritual.window_minutes = change.window_minutes
    session.add(ritual)
    session.commit()
    return ritual


def set_paused(*, session: Session, team: Team, ritual_id: int, paused: bool) -> Ritual:
    """Pause or resume a ritual; history stays."""
    ritual = ritual_of_team(session=session, team=team, ritual_id=ritual_id)
    ritual.paused = paused
    session.add(ritual)
    session.commit()
    return ritual


def set_leaders(*, session: Session, team: Team, user_ids: list[str]) -> list[Member]:
    """Make exactly these people the team's leaders."""
    wanted = set(user_ids)
    for member in session.exec(select(Member).where(Member.team_id == team.id)):
        if member.is_leader and member.platform_user_id not in wanted:
            member.is_leader = False
            session.add(member)
    leaders = [
        upsert_member(session=session, team_id=team.id, platform_user_id=u, is_leader=True)
        for u in user_ids
    ]
    session.commit()
    return leaders


def is_haven_admin(*, session: Session, platform: str, workspace: str, user_id: str) -> bool:
    """Return whether the person is named a Haven admin in their workspace."""
    return (
        session.exec(
            select(HavenAdmin)
            .join(Workspace, Workspace.id == HavenAdmin.workspace_id)
            .where(
                Workspace.platform == platform,
                Workspace.external_id == workspace,
                HavenAdmin.user_id == user_id,
            )
        ).first()
        is not None
    )


def add_haven_admin(*, session: Session, platform: str, workspace: str, user_id: str) -> None:
    """Name a person a Haven admin of their workspace."""
    if is_haven_admin(session=session, platform=platform, workspace=workspace, user_id=user_id):
        return
    home = get_or_create_workspace(session=session, platform=platform, external_id=workspace)
    session.add(HavenAdmin(workspace_id=home.id, user_id=user_id))
    session.commit()


def status_lines(*, session: Session, team: Team) -> list[str]:
    """Describe the team's setup in a few lines for `/haven status`."""
    rituals = rituals_of_team(session=session, team_id=team.id)
    leaders = session.exec(select(Member).where(Member.team_id == team.id, Member.is_leader)).all()
    lines = [
        f"Team {team.name} · {team.timezone} · working days {team.working_days.replace(',', ', ')}",
        f"Anonymity: numbers from {team.threshold_numbers} people, texts from {team.threshold_texts}",
        "Leaders: "
        + (", ".join(m.display_name or m.platform_user_id for m in leaders) or "none yet"),
    ]
    lines += [
        f"{r.id}. {r.name} ({r.kind}) `{r.schedule}`{' — paused' if r.paused else ''}"
        for r in rituals
    ]
    return lines or ["No rituals yet."]
