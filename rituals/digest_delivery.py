"""Who gets which digest when: every leader, weekly at their own local time, exactly once.

A leader's digest is due from the team's send time (default Monday 09:00) in the leader's own
time zone (LeaderProfile, else the team's) until the end of that ISO week; it describes the
ISO week that ended before. A row in DigestDelivery, unique per (team, leader, week), is
claimed before sending, so a second run, a second process or a restart sends nothing again.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from rituals import outbox
from rituals.clock import iso_week_of, utcnow
from rituals.digest import DigestDocument, iter_digests, last_complete_week
from rituals.errors import PlatformUnavailable
from rituals.jobs import installed_runtime
from rituals.messages import DigestMessage
from rituals.outbox import dispatch
from rituals.ports import NotifierRegistry, PersonAddress
from storage.db import session_scope
from storage.models import Member, Team, Workspace
from storage.models_digest import DigestDelivery, DigestSettings, LeaderProfile

log = logging.getLogger(__name__)

DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_TIME = "09:00"
DIGEST_PATIENCE = timedelta(days=3)  # a digest keeps trying to reach its leader this long
NO_CHART = "The trend chart is not available here; the numbers above show each trend."

ChartRenderer = Callable[[DigestDocument], tuple[bytes | None, str]]
_chart_renderer: ChartRenderer | None = None


def install_chart_renderer(renderer: ChartRenderer | None) -> None:
    """Give the core a chart renderer (the bot's matplotlib one); without it digests go as text."""
    global _chart_renderer
    _chart_renderer = renderer


@dataclass(frozen=True)
class DueDigest:
    """One leader's digest that is due now and has not been sent."""

    team_id: int
    member_id: int
    iso_week: str  # the week the digest describes
    person: PersonAddress


def send_moment(*, local_now: datetime, weekday: int, send_time: str) -> datetime:
    """Return the local send time in the ISO week of local_now."""
    monday = local_now.date() - timedelta(days=local_now.weekday())
    hour, minute = (int(part) for part in send_time.split(":"))
    return datetime.combine(
        monday + timedelta(days=weekday), time(hour, minute), tzinfo=local_now.tzinfo
    )


def _zone(*names: str) -> ZoneInfo:
    for name in names:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("unknown time zone %r for a digest; trying the next", name)
    return ZoneInfo("UTC")


def due_digests(*, session: Session, now: datetime) -> list[DueDigest]:
    """Return every leader's digest that is due at now and not yet claimed."""
    rows = session.exec(
        select(Member, Team, Workspace, LeaderProfile, DigestSettings)
        .join(Team, Team.id == Member.team_id)
        .join(Workspace, Workspace.id == Team.workspace_id)
        .outerjoin(LeaderProfile, LeaderProfile.member_id == Member.id)
        .outerjoin(DigestSettings, DigestSettings.team_id == Team.id)
        .where(Member.is_leader, Member.active)
        .order_by(Team.id, Member.id)
    ).all()
    due = []
    for member, team, workspace, profile, settings in rows:
        zone = _zone(*([profile.timezone] if profile else []), team.timezone)
        local_now = now.astimezone(zone)
        moment = send_moment(
            local_now=local_now,
            weekday=settings.send_weekday if settings else DEFAULT_WEEKDAY,
            send_time=settings.send_time if settings else DEFAULT_TIME,
        )
        if local_now < moment:
            continue
        assert member.id is not None and team.id is not None
        due.append(
            DueDigest(
                team_id=team.id,
                member_id=member.id,
                iso_week=last_complete_week(iso_week_of(local_now.date())),
                person=PersonAddress(
                    platform=workspace.platform,
                    workspace=workspace.external_id,
                    user_id=member.platform_user_id,
                ),
            )
        )
    sent = _claimed(session, due)
    return [d for d in due if (d.team_id, d.member_id, d.iso_week) not in sent]


def _claimed(session: Session, due: list[DueDigest]) -> set[tuple[int, int, str]]:
    weeks = {d.iso_week for d in due}
    if not weeks:
        return set()
    rows = session.exec(
        select(DigestDelivery.team_id, DigestDelivery.member_id, DigestDelivery.iso_week).where(
            DigestDelivery.iso_week.in_(weeks)
        )
    ).all()
    return {(team_id, member_id, week) for team_id, member_id, week in rows}


async def deliver_due_digests(
    *,
    session: Session,
    notifiers: NotifierRegistry,
    now: datetime | None = None,
    chart: ChartRenderer | None = None,
) -> list[DigestDelivery]:
    """Queue each due digest once for the team's platform; return the deliveries claimed."""
    now = now or utcnow()
    due = due_digests(session=session, now=now)
    messages = _messages(session, due, chart or _chart_renderer)
    delivered = []
    for item in due:
        try:
            notifiers.for_platform(item.person.platform)
        except PlatformUnavailable:
            log.warning("digest of team %s not sent: %s is off", item.team_id, item.person.platform)
            continue
        claim = _claim(session, item, messages[(item.team_id, item.iso_week)], now)
        if claim is not None:
            delivered.append(claim)
    if delivered:
        log.info("queued %d weekly digest(s)", len(delivered))
        await dispatch(session, notifiers, now=now)
    return delivered


def _messages(
    session: Session, due: list[DueDigest], chart: ChartRenderer | None
) -> dict[tuple[int, str], DigestMessage]:
    """Build each team-week's digest and chart once, however many leaders receive it."""
    messages = {}
    for week in sorted({d.iso_week for d in due}):
        team_ids = sorted({d.team_id for d in due if d.iso_week == week})
        for document in iter_digests(
            session=session, first_week=week, last_week=week, team_ids=team_ids
        ):
            png, alt = chart(document) if chart else (None, NO_CHART)
            messages[(document.team_id, week)] = DigestMessage(
                document=document, chart_png=png, chart_alt_text=alt
            )
    return messages


def _claim(
    session: Session, item: DueDigest, message: DigestMessage, now: datetime
) -> DigestDelivery | None:
    """Claim the leader's digest of the week and enqueue it, in one transaction; None if taken."""
    claim = DigestDelivery(
        team_id=item.team_id,
        member_id=item.member_id,
        iso_week=item.iso_week,
        claimed_at=now,
        status="queued",
    )
    session.add(claim)
    try:
        session.flush()
        envelope = outbox.direct(
            key=f"digest:{item.team_id}:{item.member_id}:{item.iso_week}",
            person=item.person,
            message=message,
            give_up_at=now + DIGEST_PATIENCE,
            follow_up=f"digest:{claim.id}",
        )
        outbox.enqueue(session, [envelope], now=now)
        session.commit()
    except IntegrityError:
        session.rollback()
        return None  # another run or process claimed it first
    return claim


async def deliver_due_digests_job() -> int:
    """Scheduler job: send the digests that are due now; return how many went out."""
    runtime = installed_runtime()
    if runtime is None:
        return 0  # a scheduler started without Haven's runtime sends nothing
    with session_scope(runtime.engine) as session:
        delivered = await deliver_due_digests(session=session, notifiers=runtime.notifiers)
    return len(delivered)
