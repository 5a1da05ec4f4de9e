"""Exactly one replica schedules: a standby takes over when the lock frees; a holder that loses it stops."""

import asyncio

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import create_engine, text

from bot.server import STATE, create_app
from bot.settings import Settings
from storage.db import get_engine
from storage.migrate import upgrade
from tests.conftest import POSTGRES_ADMIN_URL, fresh_postgres_schema


@pytest.fixture
def postgres_url():  # type: ignore[no-untyped-def]
    """Return the URL of a fresh, migrated PostgreSQL schema."""
    for url in fresh_postgres_schema():
        upgrade(url)
        yield url
        get_engine.cache_clear()


async def replica(url: str, notifiers) -> TestClient:  # type: ignore[no-untyped-def]
    """Start one replica (its own engine, as a separate process would have) and return a client."""
    settings = Settings(DATABASE_URL=url, HAVEN_SCHEDULER_RETRY_SECONDS=0.2)
    app = create_app(settings=settings, engine=create_engine(url), notifiers=notifiers)
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


async def until_true(check, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Wait until check() holds."""
    for _ in range(int(timeout / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not in time")


async def test_a_holder_that_loses_its_lock_stops_and_the_other_replica_takes_over(
    postgres_url, notifiers
):
    first = await replica(postgres_url, notifiers)
    second = await replica(postgres_url, notifiers)
    one, other = first.server.app[STATE], second.server.app[STATE]
    try:
        assert one.scheduler is not None and one.scheduler.running
        assert other.scheduler is None
        backend = one.lock.execute(text("SELECT pg_backend_pid()")).scalar()
        one.lock.commit()
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:  # the network drops the holder's lock connection
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        admin.dispose()

        await until_true(lambda: other.scheduler is not None and other.scheduler.running)
        await until_true(lambda: one.scheduler is None or not one.scheduler.running)
        await asyncio.sleep(0.5)  # several more intervals: it stays a standby, no second holder
        assert one.scheduler is None and one.lock is None
        assert other.scheduler is not None and other.scheduler.running
    finally:
        await second.close()
        await first.close()
