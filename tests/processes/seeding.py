"""Seed a database for process tests: Slack teams with a check-in, opened through a fake Slack."""

from datetime import timedelta

from sqlmodel import Session, select

from bot.platforms import Notifiers
from bot.settings import Settings
from bot.slack.runtime import build_notifier
from rituals.clock import utcnow
from rituals.lifecycle import open_occurrence
from storage.db import get_engine
from storage.migrate import upgrade
from storage.models import Answer, Member, Occurrence, Ritual, Story, Team
from storage.teams import get_or_create_workspace
from tests.processes.served import SECRET, TEAM

NEVER_DUE = "0 10 1 1 *"  # the scheduler of the process under test opens nothing on its own


async def open_slack_checkin(*, database_url: str, api_url: str, channel: str) -> int:
    """Migrate, create a Slack team with a private check-in, open it; return the occurrence id."""
    occurrence = await open_slack_ritual(
        database_url=database_url, api_url=api_url, channel=channel, kind="checkin"
    )
    assert occurrence.id is not None
    return occurrence.id


async def open_slack_ritual(
    *, database_url: str, api_url: str, channel: str, kind: str
) -> Occurrence:
    """Migrate, create a Slack team with one ritual of this kind, open it; return the occurrence."""
    upgrade(database_url)
    engine = get_engine(database_url)
    settings = Settings(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN="xoxb-process-test",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=api_url,
    )  # type: ignore[call-arg]
    notifier = build_notifier(settings=settings, engine=engine)
    with Session(engine, expire_on_commit=False) as session:
        workspace = get_or_create_workspace(session=session, platform="slack", external_id=TEAM)
        team = Team(workspace_id=workspace.id, name="Load", channel=channel, timezone="UTC")
        session.add(team)
        session.flush()
        ritual = Ritual(team_id=team.id, name=kind, kind=kind, schedule=NEVER_DUE, mode="private")
        session.add(ritual)
        session.commit()
        now = utcnow()
        occurrence = await open_occurrence(
            session=session,
            notifiers=Notifiers(by_platform={"slack": notifier}),
            ritual_id=ritual.id,
            scheduled_at=now - timedelta(minutes=1),
            now=now,
        )
    assert occurrence is not None and occurrence.id is not None
    return occurrence


def stored_checkins(*, database_url: str, occurrence_id: int) -> dict[str, int]:
    """Return the stored mood of every person who checked in, by Slack user id."""
    engine = get_engine(database_url)
    with Session(engine) as session:
        rows = session.exec(
            select(Member.platform_user_id, Answer.mood)
            .join(Answer, Answer.member_id == Member.id)
            .where(Answer.occurrence_id == occurrence_id)
        ).all()
    return {user: mood or 0 for user, mood in rows}


def stored_stories(*, database_url: str, occurrence_id: int) -> set[str]:
    """Return the message timestamps of every story stored for the occurrence."""
    with Session(get_engine(database_url)) as session:
        refs = session.exec(
            select(Story.message_ref).where(Story.occurrence_id == occurrence_id)
        ).all()
    return set(refs)
