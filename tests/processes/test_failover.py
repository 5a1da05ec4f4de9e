"""Failover: replicas on one PostgreSQL database; the scheduling one dies, another takes over."""

import asyncio
import time
from datetime import timedelta
from typing import Any

import aiohttp
from sqlmodel import Session, select

from rituals.clock import utcnow
from storage.db import get_engine
from storage.migrate import upgrade
from storage.models import Occurrence, Ritual, Team
from storage.teams import get_or_create_workspace
from tests.bot.slack.fake_slack import FakeSlack
from tests.conftest import fresh_postgres_schema
from tests.processes.served import TEAM, Served, slack_env, start_haven, wait_until_up

CHANNEL = "C0FAILOVER"
TAKEOVER_SECONDS = 30


async def readiness(served: Served) -> dict[str, Any]:
    """Return the body of a replica's /readyz."""
    async with aiohttp.ClientSession() as http, http.get(f"{served.url}/readyz") as response:
        return await response.json()


async def until(check, *, timeout: float, what: str) -> float:  # type: ignore[no-untyped-def]
    """Wait until the async check returns true; return the seconds it took."""
    started = time.monotonic()
    while not await check():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{what}: not within {timeout:g} s")
        await asyncio.sleep(0.2)
    return time.monotonic() - started


def make_team(database_url: str) -> int:
    """Create a Slack team bound to CHANNEL; return its id."""
    with Session(get_engine(database_url)) as session:
        workspace = get_or_create_workspace(session=session, platform="slack", external_id=TEAM)
        team = Team(workspace_id=workspace.id, name="Failover", channel=CHANNEL, timezone="UTC")
        session.add(team)
        session.commit()
        assert team.id is not None
        return team.id


def add_ritual_that_fell_due(database_url: str, team_id: int) -> int:
    """Add a daily check-in whose time passed two minutes ago (inside its answer window)."""
    due = utcnow() - timedelta(minutes=2)
    with Session(get_engine(database_url)) as session:
        ritual = Ritual(
            team_id=team_id,
            name="checkin",
            kind="checkin",
            schedule=f"{due.minute} {due.hour} * * *",
            mode="private",
        )
        session.add(ritual)
        session.commit()
        assert ritual.id is not None
        return ritual.id


def occurrences_of(database_url: str, ritual_id: int) -> list[Occurrence]:
    """Return the opened occurrences of a ritual."""
    with Session(get_engine(database_url)) as session:
        return list(session.exec(select(Occurrence).where(Occurrence.ritual_id == ritual_id)))


async def test_a_survivor_takes_over_the_scheduler_and_opens_what_fell_due_once(tmp_path):
    schema = fresh_postgres_schema()
    database_url = next(schema)
    fake = await FakeSlack(page_size=1000).start()
    fake.channels[CHANNEL] = ["U0ANA", "U0BEN", "U0CAI"]
    for user in fake.channels[CHANNEL]:
        fake.add_user(user, user)
    replicas: list[Served] = []
    try:
        upgrade(database_url)
        team_id = make_team(database_url)
        env = slack_env(
            database_url=database_url, api_url=fake.url, HAVEN_SCHEDULER_RETRY_SECONDS="1"
        )
        first = start_haven(env=env, log=tmp_path / "first.log")
        replicas.append(first)
        await wait_until_up(first)
        second = start_haven(env=env, log=tmp_path / "second.log")
        replicas.append(second)
        await wait_until_up(second)

        ready = await readiness(second)
        assert ready["status"] == "ready" and ready["migrations"] == "current"
        assert ready["scheduler"]["this_replica"] == "standby"
        assert ready["scheduler"]["held_by"] == (await readiness(first))["replica"]

        first.kill()
        ritual_id = add_ritual_that_fell_due(database_url, team_id)

        async def second_schedules() -> bool:
            return (await readiness(second))["scheduler"]["this_replica"] == "running"

        await until(second_schedules, timeout=TAKEOVER_SECONDS, what="takeover")

        async def opened() -> bool:
            return bool(occurrences_of(database_url, ritual_id))

        await until(opened, timeout=75, what="the round that fell due")  # takeover or sweep
        restarted = start_haven(env=env, log=tmp_path / "first.log")
        replicas.append(restarted)
        await wait_until_up(restarted)
        ready = await readiness(restarted)
        assert ready["scheduler"] == {
            "this_replica": "standby",
            "held_by": (await readiness(second))["replica"],
        }
        await asyncio.sleep(2)  # give a second opening every chance to happen
        assert len(occurrences_of(database_url, ritual_id)) == 1
        prompts = [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL]
        assert len(prompts) == 1
    finally:
        for served in replicas:
            served.kill()
        await fake.close()
        get_engine.cache_clear()
        next(schema, None)
