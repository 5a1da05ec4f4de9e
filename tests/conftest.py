"""Shared fixtures: a migrated SQLite file per test, the console notifier and a demo-sized team."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.console.notifier import ConsoleNotifier
from bot.platforms import Notifiers
from rituals.ports import Person
from storage.db import get_engine
from storage.migrate import upgrade
from storage.models import Member, Ritual, Team
from storage.teams import get_or_create_workspace, upsert_member

ROOM = "team-room"


POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_reachable() -> bool:
    """Return whether the local PostgreSQL answers."""
    engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 2})
    try:
        with engine.connect():
            return True
    except Exception:
        return False
    finally:
        engine.dispose()


def fresh_postgres_schema() -> Iterator[str]:
    """Yield the URL of a new, empty schema in the local PostgreSQL and drop it afterwards."""
    if not postgres_reachable():
        pytest.skip(
            "PostgreSQL is not reachable at 127.0.0.1:5432 (database 'test'); start it to run this"
        )
    schema = f"haven_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{POSTGRES_ADMIN_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Return the URL of a fresh, migrated database: a SQLite file, then PostgreSQL when reachable."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'haven.db'}"
        upgrade(url)
        yield url
        return
    for url in fresh_postgres_schema():
        upgrade(url)
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """Return an engine on the fresh database."""
    engine = get_engine(database_url)
    yield engine
    engine.dispose()
    get_engine.cache_clear()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """Return a session on the fresh database."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def console() -> ConsoleNotifier:
    """Return a console notifier whose room holds five people and a leader."""
    people = [Person(user_id=f"U{n}", display_name=f"Person {n}") for n in range(1, 6)]
    return ConsoleNotifier(rooms={ROOM: [*people, Person(user_id="ULEAD", display_name="Lea")]})


@pytest.fixture
def notifiers(console: ConsoleNotifier) -> Notifiers:
    """Return a registry with only the console platform."""
    return Notifiers(by_platform={"console": console})


def make_team(
    session: Session,
    *,
    name: str = "Platform",
    timezone: str = "Europe/Berlin",
    threshold_numbers: int = 3,
    threshold_texts: int = 5,
    working_days: str = "mon,tue,wed,thu,fri",
) -> Team:
    """Create a console team bound to ROOM with a leader ULEAD."""
    workspace = get_or_create_workspace(session=session, platform="console", external_id="local")
    team = Team(
        workspace_id=workspace.id,
        name=name,
        channel=ROOM,
        timezone=timezone,
        working_days=working_days,
        threshold_numbers=threshold_numbers,
        threshold_texts=threshold_texts,
    )
    session.add(team)
    session.flush()
    upsert_member(
        session=session,
        team_id=team.id,
        platform_user_id="ULEAD",
        display_name="Lea",
        is_leader=True,
    )
    session.commit()
    return team


def make_ritual(
    session: Session, team: Team, kind: str, *, schedule: str = "0 10 * * mon", **options: object
) -> Ritual:
    """Create a ritual of the given kind for the team."""
    ritual = Ritual(
        team_id=team.id,
        name=str(options.pop("name", kind)),
        kind=kind,
        schedule=schedule,
        **options,
    )
    session.add(ritual)
    session.commit()
    return ritual


def member_ids(session: Session, team: Team) -> dict[str, int]:
    """Return the team's member ids by platform user id."""
    from sqlmodel import select

    return {
        m.platform_user_id: m.id
        for m in session.exec(select(Member).where(Member.team_id == team.id))
    }


MONDAY_10_BERLIN = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Berlin


TEST_GUARD_SECRET = b"test guard secret: thirty-two bytes or more, never stored"


@pytest.fixture(autouse=True)
def guard_secret(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory):
    """Install a guard secret, and keep any generated secret file out of the real home directory."""
    from rituals import anonymity

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    anonymity.install_guard_secret(TEST_GUARD_SECRET)
    yield TEST_GUARD_SECRET
    anonymity.install_guard_secret(None)
