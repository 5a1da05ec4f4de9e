"""Seed Slack teams whose rounds fall due now, and read back from the fake who got which prompt."""

from collections import Counter
from datetime import timedelta

from sqlmodel import Session, select

from rituals.clock import utcnow
from storage.db import get_engine
from storage.models import Member, Occurrence, Ritual, Team
from storage.models_slack import SlackUser
from storage.teams import get_or_create_workspace
from tests.bot.slack.fake_slack import FakeSlack
from tests.processes.served import TEAM


def add_team_due_now(
    database_url: str,
    *,
    name: str,
    channel: str,
    kind: str,
    people: list[str],
    from_channel: bool = False,
    fake: FakeSlack | None = None,
    dm_open: bool = True,
) -> int:
    """Add a team whose ritual fell due two minutes ago (DMs opened before, unless not); return its ritual id."""
    due = utcnow() - timedelta(minutes=2)
    with Session(get_engine(database_url)) as session:
        workspace = get_or_create_workspace(session=session, platform="slack", external_id=TEAM)
        team = Team(
            workspace_id=workspace.id,
            name=name,
            channel=channel,
            timezone="UTC",
            members_from_channel=from_channel,
        )
        session.add(team)
        session.flush()
        for user in people:
            if not from_channel:
                session.add(Member(team_id=team.id, platform_user_id=user, display_name=user))
            if dm_open and session.get(SlackUser, (TEAM, user)) is None:
                session.add(
                    SlackUser(
                        team_id=TEAM,
                        user_id=user,
                        display_name=user,
                        dm_channel="D" + user,
                        fetched_at=utcnow(),
                    )
                )
        ritual = Ritual(
            team_id=team.id,
            name=kind,
            kind=kind,
            schedule=f"{due.minute} {due.hour} * * *",
            mode="private",
        )
        session.add(ritual)
        session.commit()
        assert ritual.id is not None
    if fake is not None:
        fake.channels[channel] = list(people)
        for user in people:
            fake.add_user(user, user)
    return ritual.id


def rounds_of(database_url: str, ritual_ids: list[int]) -> Counter[int]:
    """Return how many occurrences each ritual has."""
    with Session(get_engine(database_url)) as session:
        rows = session.exec(
            select(Occurrence.ritual_id).where(Occurrence.ritual_id.in_(ritual_ids))  # type: ignore[attr-defined]
        ).all()
    return Counter(rows)


def prompts_received(fake: FakeSlack) -> Counter[tuple[str, str]]:
    """Return how many prompt posts each (channel, outbox key) got, from the fake's records."""
    counts: Counter[tuple[str, str]] = Counter()
    for call in fake.calls_to("chat.postMessage"):
        key = ((call.args.get("metadata") or {}).get("event_payload") or {}).get("key", "")
        if ":prompt" in key:
            counts[(str(call.args["channel"]), key)] += 1
    return counts


def prompted_people(fake: FakeSlack) -> Counter[str]:
    """Return how many prompts each DM channel (one per person) received."""
    counts: Counter[str] = Counter()
    for (channel, _key), times in prompts_received(fake).items():
        if channel.startswith("D"):
            counts[channel] += times
    return counts
