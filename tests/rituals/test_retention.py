"""Retention: a year later the daily job has deleted texts and named answers; weekly figures stay."""

import json
from datetime import timedelta

import pytest
import time_machine
from sqlmodel import Session, func, select

from rituals import jobs
from rituals.digest import build_digest
from rituals.privacy.policy import PrivacyPolicy
from rituals.privacy.retention import retention_of, set_retention
from rituals.scheduler import PRIVACY_JOB_ID, build_scheduler, sync_jobs
from rituals.team_config.loading import parse_config
from rituals.team_config.problems import ConfigError
from storage.models import AnonymousAnswer, Answer, Story
from storage.models_figures import FigureAudit
from tests.privacy_scene import NOW, WEEKS, build_scene, figures, rows_mentioning


@pytest.fixture
def scene(engine, notifiers):  # type: ignore[no-untyped-def]
    with Session(engine, expire_on_commit=False) as session:
        built = build_scene(session)
    jobs.install_runtime(
        jobs.Runtime(
            engine=engine, notifiers=notifiers, privacy=PrivacyPolicy(reply_window_days=30)
        )
    )
    yield built
    jobs.install_runtime(None)


def stored_signals(session: Session) -> list[dict[str, object]]:
    """Return what the weekly digests published, as kept with the audit's decisions."""
    rows = session.exec(select(FigureAudit).order_by(FigureAudit.measure))
    return [row.model_dump(exclude={"id"}) for row in rows]


def count(session: Session, table: type) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


async def run_privacy_job_at(moment) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(moment, tick=False):
        await jobs.privacy_job()


async def test_a_year_later_texts_are_gone_and_weekly_figures_are_unchanged(scene, engine):
    with Session(engine) as session:
        before = figures(session)
        digest_before = build_digest(session=session, team_id=scene.team.id, iso_week=WEEKS[-2])
        signals_before = stored_signals(session)
        assert signals_before  # mood, sentiment and the safety items
        assert count(session, Answer) and count(session, Story) and count(session, AnonymousAnswer)

    await run_privacy_job_at(NOW + timedelta(days=300))
    with Session(engine) as session:
        assert count(session, Answer) == 40  # nothing is a year old yet

    await run_privacy_job_at(NOW + timedelta(days=366))
    with Session(engine) as session:
        assert (count(session, Answer), count(session, Story), count(session, AnonymousAnswer)) == (
            0,
            0,
            0,
        )
        assert figures(session) == before
        digest_after = build_digest(session=session, team_id=scene.team.id, iso_week=WEEKS[-2])
    rolled_up = ("participation_rate", "mean_mood", "mean_sentiment", "safety_index")
    assert [m for m in digest_after.metrics if m.name in rolled_up] == [
        m for m in digest_before.metrics if m.name in rolled_up
    ]
    with Session(engine) as session:
        after = {row["measure"]: row for row in stored_signals(session)}
    for row in signals_before:  # every published decision kept, later weeks added after it
        kept = json.loads(after[row["measure"]]["decisions"])
        assert all(decision in kept for decision in json.loads(row["decisions"]))
    assert rows_mentioning(engine, "tired but hopeful") == []
    assert rows_mentioning(engine, "an anonymous answer") == []


async def test_a_shorter_retention_deletes_sooner(scene, engine):
    with Session(engine) as session:
        set_retention(session=session, team_id=scene.team.id, days=30)
    await run_privacy_job_at(NOW + timedelta(days=20))
    with Session(engine) as session:
        assert count(session, Answer) < 40  # the first weeks are gone, the last ones stay
        assert count(session, Answer) > 0


async def test_relay_seals_are_dropped_when_the_reply_window_ends(scene, engine):
    def seals() -> int:
        with Session(engine) as session:
            return len(
                session.exec(
                    select(AnonymousAnswer).where(AnonymousAnswer.reply_seal.is_not(None))
                ).all()
            )

    await run_privacy_job_at(NOW + timedelta(days=20))
    assert seals() == 3
    await run_privacy_job_at(NOW + timedelta(days=40))
    assert seals() == 0
    with Session(engine) as session:
        assert count(session, AnonymousAnswer) == 3  # the answers themselves stay


async def test_the_daily_privacy_job_is_scheduled(engine, database_url):
    scheduler = build_scheduler(database_url)
    with Session(engine) as session:
        sync_jobs(scheduler=scheduler, session=session)
    scheduler.start(paused=True)
    try:
        job = scheduler.get_job(PRIVACY_JOB_ID)
        assert job is not None and job.func is jobs.privacy_job
        assert "hour='3'" in str(job.trigger)
    finally:
        scheduler.shutdown(wait=False)


CONFIG = """\
teams:
  - name: Platform
    platform: console
    channel: room
    retention_days: {days}
"""


def test_retention_days_in_the_config_file_is_checked():
    assert parse_config(CONFIG.format(days=90), source="teams.yml").teams[0].retention_days == 90
    with pytest.raises(ConfigError, match="retention_days"):
        parse_config(CONFIG.format(days=5), source="teams.yml")


def test_retention_days_from_the_config_file_is_applied_and_exported(engine):
    from rituals.team_config.applying import apply_config
    from rituals.team_config.exporting import export_config
    from storage.db import session_scope
    from storage.teams import find_team

    with session_scope(engine) as session:
        apply_config(session=session, config=parse_config(CONFIG.format(days=90), source="t.yml"))
    with session_scope(engine) as session:
        team = find_team(session=session, name="Platform")
        assert retention_of(session=session, team_id=team.id) == 90
        assert "retention_days: 90" in export_config(session=session)
    with session_scope(engine) as session:
        report = apply_config(
            session=session, config=parse_config(CONFIG.format(days=120), source="t.yml")
        )
        assert any("retention_days 90 → 120" in line for line in report.lines)
