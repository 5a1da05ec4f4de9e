"""Migrating an existing database backfills the rollups from the answers it already holds."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

import storage.aggregates
from rituals.digest import iter_digests
from storage.db import get_engine
from storage.migrate import upgrade
from storage.rollups import refresh_rollups
from tests.conftest import fresh_postgres_schema, make_ritual, make_team
from tests.rituals import digest_helpers
from tests.rituals.digest_helpers import checkins, pulse, weeks_from

BEFORE_ROLLUPS = "0004_slack"
W = weeks_from("2026-W50", 4)


@pytest.fixture(params=["sqlite", "postgresql"])
def url_before_rollups(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Return the URL of a database migrated up to the revision before the rollups."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        upgrade(url, BEFORE_ROLLUPS)
        yield url
        return
    for url in fresh_postgres_schema():
        upgrade(url, BEFORE_ROLLUPS)
        yield url


def digests(session: Session) -> list[dict[str, object]]:
    return [d.as_dict() for d in iter_digests(session=session, first_week=W[0], last_week=W[-1])]


def rollup_rows(session: Session) -> list[tuple[object, ...]]:
    return [
        tuple(round(v, 9) if isinstance(v, float) else v for v in row)
        for table in ("teamweekrollup", "teamitemrollup")
        for row in session.connection().execute(text(f"SELECT * FROM {table} ORDER BY 1, 2, 3"))
    ]


def test_upgrading_backfills_what_the_closes_would_have_written(url_before_rollups, monkeypatch):
    monkeypatch.setattr(digest_helpers, "ROLL_UP", False)  # no rollup tables yet
    engine = get_engine(url_before_rollups)
    try:
        with Session(engine, expire_on_commit=False) as session:
            team = make_team(session)
            checkin = make_ritual(session, team, "checkin")
            safety = make_ritual(session, team, "safety_pulse")
            for n, week in enumerate(W):
                checkins(session, team, checkin, week, {"U1": 1 + n, "U2": 3, "U3": 5 - n})
                checkins(session, team, checkin, week, {"U1": 2, "U4": 4}, day=1)
                pulse(session, team, safety, week, {1 + n: {"U1": 2, "U2": 6, "U3": 7}})
        upgrade(url_before_rollups)
        with Session(engine) as session:
            backfilled = rollup_rows(session)
            assert len(backfilled) == len(W) * 2
            read: list[int] = []
            monkeypatch.setattr(
                storage.aggregates, "_week_sums", lambda *args: read.append(args[2]) or []
            )
            from_rollups = digests(session)
            assert read == []  # every week was closed and backfilled
            monkeypatch.undo()
            session.connection().execute(text("DELETE FROM teamitemrollup"))
            session.connection().execute(text("DELETE FROM teamweekrollup"))
            assert digests(session) == from_rollups  # the same, read from the answers
            for week in reversed(W):
                refresh_rollups(session=session, team_id=team.id, iso_week=week)
            assert rollup_rows(session) == backfilled
    finally:
        engine.dispose()
        get_engine.cache_clear()
