"""Removal from a Teams tenant: the remover is told when, and after the grace period it is erased."""

from datetime import timedelta

from sqlmodel import Session, select

from rituals.clock import utcnow
from rituals.privacy.daily import run_daily_privacy
from rituals.privacy.policy import PrivacyPolicy
from storage.models import Team, Workspace
from storage.models_privacy import WorkspaceErasure
from tests.bot.teams import payloads
from tests.bot.teams.conftest import set_up_team


def tenant(engine) -> Workspace | None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.exec(
            select(Workspace).where(Workspace.external_id == payloads.TENANT)
        ).first()


def erase_after(engine):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        row = session.get(WorkspaceErasure, tenant(engine).id)
        return row.erase_after if row else None


async def test_removal_tells_the_remover_and_erases_the_tenant_later(teams, engine):
    await set_up_team(teams)
    await teams.post(payloads.personal_message(teams.url, "hello", sender="29:alice"))
    await teams.post(payloads.bot_removed(teams.url))
    assert erase_after(engine) is not None
    told = [c for c in teams.connector.posts("a:personal-29:alice") if "erased on" in c.card_text]
    assert len(told) == 1
    day = (utcnow() + timedelta(days=30)).date().isoformat()
    assert day in told[0].card_text

    await teams.post(payloads.installation(teams.url, "add"))  # back within the grace period
    assert erase_after(engine) is None

    await teams.post(payloads.bot_removed(teams.url))
    policy = PrivacyPolicy(uninstall_grace_days=30)
    run_daily_privacy(engine=engine, policy=policy, now=utcnow() + timedelta(days=29))
    with Session(engine) as session:
        assert session.exec(select(Team)).all() != []
    run_daily_privacy(engine=engine, policy=policy, now=utcnow() + timedelta(days=31))
    assert tenant(engine) is None
    with Session(engine) as session:
        assert session.exec(select(Team)).all() == []
