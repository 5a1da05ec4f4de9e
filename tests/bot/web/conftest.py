"""The dashboard through Haven's real app: Slack mounted against the fake, a team with history."""

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.server import create_app
from bot.slack.digest_blocks import DASHBOARD_ACTION
from bot.web.links import link_for_person
from rituals.clock import local_iso_week, previous_weeks, utcnow
from rituals.digest import build_digest, last_complete_week
from rituals.messages import DigestMessage
from rituals.next_step import record_commitment
from rituals.ports import PersonAddress
from rituals.relay import decode_relay_key, new_relay_key, seal
from storage.models import AnonymousAnswer, HavenAdmin, Ritual, Team
from storage.teams import get_or_create_workspace, upsert_member
from tests.bot.slack.conftest import (  # noqa: F401
    SlackHarness,
    fake_slack,
    make_slack_team,
    serve,
    slack_settings,
)
from tests.bot.slack.fake_slack import TEAM, FakeSlack
from tests.rituals import digest_helpers as rows

DASHBOARD_KEY = "test-dashboard-key-0123456789abcdef0123456789"
RELAY_KEY = new_relay_key()
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
LINK = re.compile(r"<(?:https?://[^/>]+)?(/app/sign-in\?token=[^|>]+)\|")
WEEK = "2026-W47"  # any week: the digest's button opens the dashboard, not that week


def link_path(text: str) -> str:
    """Return the sign-in path of the link in a Slack message."""
    found = LINK.search(text)
    assert found, text
    return found.group(1)


@dataclass
class Teams:
    """The ids the dashboard tests use: two teams of the workspace and their rituals."""

    platform: int
    other: int
    elsewhere: int  # a team of another Slack workspace
    checkin: int
    feedback_item: str


@dataclass
class Dashboard:
    """A served Haven app, the fake Slack and the seeded teams."""

    client: TestClient
    fake: FakeSlack
    engine: Engine
    teams: Teams
    app: web.Application

    @property
    def slack(self) -> SlackHarness:
        """Return a harness posting signed Slack requests to the same server."""
        return SlackHarness(client=self.client, fake=self.fake, app=self.app, engine=self.engine)

    def link(self, user_id: str, *, platform_admin: bool = False) -> str:
        """Return a fresh one-time sign-in path for a person of the Slack workspace."""
        with Session(self.engine) as session:
            url = link_for_person(
                session=session,
                key=DASHBOARD_KEY,
                base_url="",
                platform="slack",
                workspace=TEAM,
                user_id=user_id,
                platform_admin=platform_admin,
            )
        return url

    async def sign_in(self, user_id: str, *, platform_admin: bool = False) -> None:
        """Sign a person in through a one-time link, keeping the cookie in the client."""
        response = await self.client.get(
            self.link(user_id, platform_admin=platform_admin), allow_redirects=False
        )
        assert response.status == 303, await response.text()

    async def open_from_digest(self, user_id: str) -> dict[str, Any]:
        """Send a leader their digest DM, click its Open dashboard button, return Haven's answer."""
        with Session(self.engine) as session:
            document = build_digest(session=session, team_id=self.teams.platform, iso_week=WEEK)
        await self.slack.notifiers.for_platform("slack").send_direct(
            person=PersonAddress(platform="slack", workspace=TEAM, user_id=user_id),
            message=DigestMessage(document=document, chart_png=None, chart_alt_text="chart"),
        )
        blocks = self.fake.calls_to("chat.postMessage")[-1].args["blocks"]
        button = next(
            e
            for b in blocks
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == DASHBOARD_ACTION
        )
        before = len(self.fake.responses)
        await self.slack.action(user=user_id, action_id=DASHBOARD_ACTION, value=button["value"])
        await self.slack.eventually(lambda: len(self.fake.responses) > before)
        return self.fake.responses[-1]

    async def csrf(self, path: str = "/app/") -> str:
        """Return the form token of the signed-in session, read from a page."""
        found = CSRF.search(await (await self.client.get(path)).text())
        assert found, "no form on the page"
        return found.group(1)


def seed_history(session: Session, team: Team, *, weeks: int = 10) -> Ritual:
    """Give a team weeks of check-ins (one week from only two people) and a safety pulse cycle."""
    last = last_complete_week(local_iso_week(utcnow(), team.timezone))
    checkin = rows_ritual(session, team, "checkin")
    pulse = rows_ritual(session, team, "safety_pulse")
    people = ["U0ANA", "U0BEN", "U0CAI", "U0DEV", "U0EVE"]
    for n, week in enumerate(previous_weeks(last, weeks)):
        answering = people[:2] if n == weeks - 3 else people
        rows.checkins(
            session,
            team,
            checkin,
            week,
            {u: 2 + (i + n) % 4 for i, u in enumerate(answering)},
            invited=5,
            texts={u: ("good week", 0.4) for u in answering},
        )
        items = {1 + (n % 4) * 2: None, 2 + (n % 4) * 2: None}
        scores = {i: {u: 3 + (j + n) % 4 for j, u in enumerate(people)} for i in items if i <= 7}
        rows.pulse(session, team, pulse, week, scores)
    return checkin


def rows_ritual(session: Session, team: Team, kind: str) -> Ritual:
    """Add a ritual to the team."""
    ritual = Ritual(team_id=team.id, name=kind, kind=kind, schedule="0 10 * * mon")
    session.add(ritual)
    session.commit()
    return ritual


def seed_feedback(session: Session, team: Team) -> str:
    """Release one anonymous feedback batch of three answers, one accepting replies; return its key."""
    ritual = Ritual(
        team_id=team.id,
        name="anonymous_feedback",
        kind="anonymous_feedback",
        schedule="0 10 1-7 * mon",
        question="What makes it hard to speak up here?",
    )
    session.add(ritual)
    session.commit()
    week = last_complete_week(local_iso_week(utcnow(), team.timezone))
    found = rows.occurrence(session, ritual, week, invited=5)
    rows.anonymous(session, found, "feedback", [0.1, -0.2, 0.3])
    item = session.exec(
        select(AnonymousAnswer).where(AnonymousAnswer.occurrence_id == found.id)
    ).first()
    assert item is not None
    item.text = "Meetings run over and nobody asks the quiet ones."
    item.reply_seal = seal(
        key=decode_relay_key(RELAY_KEY),
        person=PersonAddress(platform="slack", workspace=TEAM, user_id="U0DEV"),
        occurrence_id=found.id,
    )
    session.add(item)
    session.commit()
    return item.key


@pytest.fixture
async def dashboard(
    database_url: str,
    engine: Engine,
    fake_slack: FakeSlack,  # noqa: F811
) -> AsyncIterator[Dashboard]:
    """Serve Haven with Slack and the dashboard; seed Platform (led by Lea) and Other (led by Oli)."""
    with Session(engine, expire_on_commit=False) as session:
        platform = make_slack_team(session)
        other = make_slack_team(session, channel="C0OTHER", name="Other")
        upsert_member(session=session, team_id=other.id, platform_user_id="U0OLI", is_leader=True)
        upsert_member(session=session, team_id=other.id, platform_user_id="U0LEA", is_leader=False)
        checkin = seed_history(session, platform)
        seed_history(session, other, weeks=6)
        item = seed_feedback(session, platform)
        said_week = previous_weeks(
            last_complete_week(local_iso_week(utcnow(), platform.timezone)), 3
        )[0]
        record_commitment(
            session=session,
            team_id=platform.id,
            iso_week=said_week,
            leader_user_id="U0LEA",
            text="Close every meeting five minutes early.",
        )
        foreign = get_or_create_workspace(session=session, platform="slack", external_id="T0ELSE")
        elsewhere = Team(workspace_id=foreign.id, name="Elsewhere", channel="C0ELSE")
        session.add(elsewhere)
        session.commit()
        session.add(HavenAdmin(workspace_id=platform.workspace_id, user_id="U0HADM"))
        session.commit()
        teams = Teams(
            platform=platform.id,
            other=other.id,
            elsewhere=elsewhere.id,
            checkin=checkin.id,
            feedback_item=item,
        )
    settings = slack_settings(
        database_url, fake_slack, HAVEN_DASHBOARD_KEY=DASHBOARD_KEY, HAVEN_RELAY_KEY=RELAY_KEY
    )
    app = create_app(settings=settings, engine=engine, schedule=False)
    client = await serve(app)
    yield Dashboard(client=client, fake=fake_slack, engine=engine, teams=teams, app=app)
    await client.close()
