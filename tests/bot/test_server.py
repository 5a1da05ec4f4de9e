"""The server through real HTTP: health check, and the scheduler running in the same loop."""

import asyncio
import gc

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

import bot.server
from bot.server import STATE, access_logger, create_app
from bot.settings import Settings


async def serve(app):
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


async def test_healthz_reports_database_platforms_and_scheduler(database_url, notifiers):
    app = create_app(settings=Settings(DATABASE_URL=database_url), notifiers=notifiers)
    client = await serve(app)
    try:
        response = await client.get("/healthz")
        body = await response.json()
        assert response.status == 200
        assert body == {
            "status": "ok",
            "database": "ok",
            "platforms": ["console"],
            "scheduler": "running",
        }
        jobs = {job.id for job in app[STATE].scheduler.get_jobs()}
        assert {"haven:sweep", "haven:sync", "haven:digests", "haven:headlines"} <= jobs
    finally:
        await client.close()
    assert not app[STATE].scheduler.running


async def test_unknown_paths_are_404_and_the_server_stays_up(database_url, notifiers):
    client = await serve(
        create_app(
            settings=Settings(DATABASE_URL=database_url), notifiers=notifiers, schedule=False
        )
    )
    try:
        assert (await client.post("/nowhere", data=b"\x00garbage")).status == 404
        response = await client.get("/healthz")
        assert response.status == 200 and (await response.json())["scheduler"] == "standby"
    finally:
        await client.close()


async def test_healthz_says_degraded_when_the_database_is_gone(tmp_path, notifiers):
    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'missing' / 'x' / 'db.sqlite'}")
    app = create_app(settings=settings, notifiers=notifiers, schedule=False)
    (tmp_path / "missing" / "x").rmdir()
    client = await serve(app)
    try:
        response = await client.get("/healthz")
        assert response.status == 503
        assert (await response.json())["status"] == "degraded"
    finally:
        await client.close()


def test_the_access_log_is_off_unless_asked_for(monkeypatch):
    monkeypatch.delenv("HAVEN_ACCESS_LOG", raising=False)
    assert access_logger(Settings()) is None
    monkeypatch.setenv("HAVEN_ACCESS_LOG", "1")
    logger = access_logger(Settings())
    assert logger is not None and logger.name == "aiohttp.access"


async def test_a_handler_that_fails_unforeseen_answers_400_without_a_traceback(caplog):
    from bot.http_guard import answer_failures

    async def broken(request: web.Request) -> web.Response:
        raise KeyError("workflow_step")

    app = web.Application(middlewares=[answer_failures])
    app.router.add_post("/broken", broken)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        response = await client.post("/broken", data=b"{}")
        assert response.status == 400
        assert (await client.get("/nowhere")).status == 404
    finally:
        await client.close()
    assert not [r for r in caplog.records if r.exc_info]
    assert any("KeyError at test_server.py" in r.getMessage() for r in caplog.records)


def test_serve_freezes_what_start_up_built_out_of_later_collections(tmp_path, monkeypatch):
    """A full collection over every library object paused clicks for over 100 ms (p99 of 300/s)."""
    started: list[web.Application] = []
    monkeypatch.setattr(bot.server.web, "run_app", lambda app, **_: started.append(app))
    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'haven.db'}")  # type: ignore[call-arg]
    bot.server.run_server(settings=settings, port=0)
    (app,) = started
    assert app.on_startup[-1] is bot.server.freeze_start_up_heap  # after everything else

    before = gc.get_freeze_count()
    try:
        asyncio.run(bot.server.freeze_start_up_heap(app))
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
