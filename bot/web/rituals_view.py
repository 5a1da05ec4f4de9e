"""The Rituals page for admins: each ritual's schedule and next run, the team's people, and actions."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from rituals import admin
from rituals.admin import KIND_LABELS
from rituals.clock import to_local, utcnow
from rituals.errors import InvalidAnswer
from rituals.lifecycle import open_now
from rituals.ports import NotifierRegistry
from rituals.scheduling import fire_times
from rituals.team_config.cron import cron_problem
from storage.models import Member, Ritual, Team
from storage.occurrences import rituals_of_team

LOOK_AHEAD = timedelta(days=40)  # the sparsest default schedule fires once a month


@dataclass(frozen=True, slots=True)
class RitualRow:
    """One ritual as the page lists it."""

    ritual: Ritual
    kind_label: str
    next_run: str


@dataclass(frozen=True, slots=True)
class RitualsPage:
    """Everything the Rituals page shows."""

    team: Team
    rituals: tuple[RitualRow, ...]
    leaders: tuple[str, ...]
    members: tuple[str, ...]


def next_run(*, ritual: Ritual, team: Team, now: datetime) -> str:
    """Return when the ritual fires next, in the team's time zone, or why it does not."""
    if ritual.paused:
        return "paused"
    try:
        times = fire_times(
            schedule=ritual.schedule,
            timezone=team.timezone,
            working_days=team.working_days,
            after_utc=now,
            until_utc=now + LOOK_AHEAD,
        )
    except ValueError as error:
        return f"cannot tell: {error}"
    if not times:
        return "not in the next 40 days"
    return to_local(times[0], team.timezone).strftime("%a %d %b %Y %H:%M")


def rituals_page(*, session: Session, team: Team) -> RitualsPage:
    """Build the Rituals page of a team."""
    now = utcnow()
    assert team.id is not None
    people = session.exec(
        select(Member)
        .where(Member.team_id == team.id, col(Member.active).is_(True))
        .order_by(col(Member.display_name), col(Member.platform_user_id))
    ).all()
    return RitualsPage(
        team=team,
        rituals=tuple(
            RitualRow(
                ritual=r,
                kind_label=KIND_LABELS.get(r.kind, r.kind),
                next_run=next_run(ritual=r, team=team, now=now),
            )
            for r in rituals_of_team(session=session, team_id=team.id)
        ),
        leaders=tuple(m.display_name or m.platform_user_id for m in people if m.is_leader),
        members=tuple(m.display_name or m.platform_user_id for m in people if not m.is_leader),
    )


def change_from_form(*, ritual: Ritual, form: dict[str, str]) -> admin.RitualChange:
    """Read an edit form into a change, with the YAML's wording for a bad schedule."""
    schedule = form.get("schedule", "").strip()
    problem = cron_problem(schedule) if schedule else "a ritual needs a schedule"
    if problem:
        raise InvalidAnswer(problem[:1].upper() + problem[1:] + ".")
    window = form.get("window_minutes", "").strip()
    if window and not window.isdigit():
        raise InvalidAnswer("The answer window is a whole number of minutes (at least 5).")
    return admin.RitualChange(
        schedule=schedule,
        mode=form.get("mode") if ritual.kind == "checkin" else None,
        question=form.get("question") if "question" in form else None,
        window_minutes=int(window) if window else None,
    )


async def run_now(*, session: Session, notifiers: NotifierRegistry, ritual: Ritual) -> str:
    """Open an occurrence of the ritual now; say what happened."""
    occurrence = await open_now(session=session, notifiers=notifiers, ritual=ritual)
    if occurrence is None:
        return f"{ritual.name} was already opened this minute; nothing was sent again."
    return f"Opened {ritual.name}: {occurrence.invited_count} people invited."
