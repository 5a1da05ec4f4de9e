"""Uninstall from a Slack workspace: after the grace period everything of it is erased."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from rituals.clock import utcnow
from rituals.privacy.daily import run_daily_privacy
from rituals.privacy.policy import PrivacyPolicy
from storage.models import Answer, Member, Team, Workspace
from storage.models_privacy import WorkspaceErasure
from tests.bot.slack.conftest import SlackHarness
from tests.bot.slack.oauth_harness import oauth_harness
from tests.bot.slack.test_oauth import install
from tests.conftest import make_ritual
from tests.privacy_scene import SUBJECT, build_scene, rows_mentioning
from tests.rituals.digest_helpers import checkins

pytest.importorskip("greenlet", reason="slack_sdk's SQLAlchemy installation store needs greenlet")


@pytest.fixture
async def distributed(database_url, engine, fake_slack):  # type: ignore[no-untyped-def]
    harness = await oauth_harness(
        database_url=database_url, engine=engine, fake=fake_slack, HAVEN_UNINSTALL_GRACE_DAYS=30
    )
    yield harness
    await harness.settle()
    await harness.client.close()


def other_workspace_team(session: Session) -> Team:
    """Give workspace T0OTHER a team with a week of check-ins."""
    workspace = Workspace(platform="slack", external_id="T0OTHER")
    session.add(workspace)
    session.flush()
    team = Team(workspace_id=workspace.id, name="Other Co team", channel="C0OTHER")
    session.add(team)
    session.commit()
    checkins(session, team, make_ritual(session, team, "checkin"), "2026-W47", {"UOTHER1": 4})
    return team


async def uninstall(slack: SlackHarness) -> None:
    await slack.event({"type": "app_uninstalled", "event_ts": "1767000500.000100"}, team="T0OTHER")
    await slack.settle()


def erase_after(engine) -> object:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        found = session.exec(select(Workspace).where(Workspace.external_id == "T0OTHER")).one()
        row = session.get(WorkspaceErasure, found.id)
        return row.erase_after if row else None


async def test_uninstall_erases_the_workspace_after_the_grace_period(distributed, engine):
    with Session(engine, expire_on_commit=False) as session:
        build_scene(session)  # another workspace, which must stay
        team = other_workspace_team(session)
    await install(distributed)
    await uninstall(distributed)
    when = erase_after(engine)
    assert when is not None
    assert abs((when.replace(tzinfo=None) - utcnow().replace(tzinfo=None)) - timedelta(days=30)) < (
        timedelta(minutes=5)
    )
    policy = PrivacyPolicy(uninstall_grace_days=30)
    run_daily_privacy(engine=engine, policy=policy, now=utcnow() + timedelta(days=29))
    with Session(engine) as session:
        assert session.get(Team, team.id) is not None  # still within the grace period

    await install(distributed)  # installed again: the erasure is off
    assert erase_after(engine) is None
    await uninstall(distributed)
    run_daily_privacy(engine=engine, policy=policy, now=utcnow() + timedelta(days=31))
    with Session(engine) as session:
        assert session.get(Team, team.id) is None
        assert session.exec(select(Workspace).where(Workspace.external_id == "T0OTHER")).all() == []
        assert session.exec(select(Member).where(Member.platform_user_id == "UOTHER1")).all() == []
        assert len(session.exec(select(Answer)).all()) == 40  # the other workspace's answers
    assert rows_mentioning(engine, "UOTHER1") == []
    assert rows_mentioning(engine, SUBJECT)
