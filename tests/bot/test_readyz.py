"""GET /readyz: the database answers, its migrations are current, and who schedules."""

from aiohttp.test_utils import TestClient, TestServer

from bot.server import STATE, create_app
from bot.settings import Settings
from storage.migrate import upgrade


async def ready(app):  # type: ignore[no-untyped-def]
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        response = await client.get("/readyz")
        return response.status, await response.json()
    finally:
        await client.close()


async def test_readyz_says_this_replica_schedules_on_a_current_database(database_url, notifiers):
    status, body = await ready(
        create_app(settings=Settings(DATABASE_URL=database_url), notifiers=notifiers)
    )
    assert status == 200
    assert body["status"] == "ready" and body["database"] == "ok"
    assert body["migrations"] == "current"
    assert body["scheduler"] == {"this_replica": "running", "held_by": body["replica"]}


async def test_readyz_is_503_while_migrations_are_pending(tmp_path, notifiers):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0003_teams")
    status, body = await ready(
        create_app(settings=Settings(DATABASE_URL=url), notifiers=notifiers, schedule=False)
    )
    assert status == 503
    assert body["status"] == "not ready"
    assert body["migrations"].startswith("pending: 0004_slack, 0005_rollups")
    assert body["scheduler"] == {"this_replica": "standby", "held_by": None}


def test_the_pool_size_is_a_setting(notifiers):
    from storage.db import get_engine
    from tests.conftest import fresh_postgres_schema

    for url in fresh_postgres_schema():  # the pool matters on PostgreSQL; SQLite opens files
        settings = Settings(DATABASE_URL=url, HAVEN_DATABASE_POOL_SIZE=7)
        engine = create_app(settings=settings, notifiers=notifiers, schedule=False)[STATE].engine
        try:
            assert engine.pool.size() == 7
            assert engine.pool.timeout() == 10
        finally:
            engine.dispose()
            get_engine.cache_clear()
