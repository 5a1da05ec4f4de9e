"""Twenty Slack teams due in the same minute, with a Slack that answers slowly or never.

A real `haven serve` on SQLite: while the rounds open, /healthz keeps answering at once, the
connection pool is never exhausted, and every round is committed within 90 s of its minute.
"""

import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta

import aiohttp
from sqlalchemy import func
from sqlmodel import Session, select

from storage.db import get_engine
from storage.migrate import upgrade
from storage.models import Member, Occurrence, Ritual, Team
from storage.teams import get_or_create_workspace
from tests.bot.slack.fake_slack import FakeSlack
from tests.processes.served import TEAM, slack_env, start_haven, wait_until_up

TEAMS = 20
ROUNDS_WITHIN = 90.0  # seconds after the due minute
EVERY_DAY = "mon,tue,wed,thu,fri,sat,sun"


def next_due_minute(*, at_least: float = 20.0) -> datetime:
    """Return the start of the next minute at least `at_least` seconds away."""
    soon = datetime.now(UTC) + timedelta(seconds=at_least)
    return soon.replace(second=0, microsecond=0) + timedelta(minutes=1)


def seed_teams(database_url: str, due: datetime) -> None:
    """Create TEAMS Slack teams of three listed people, each with a daily check-in at `due`."""
    upgrade(database_url)
    with Session(get_engine(database_url)) as session:
        workspace = get_or_create_workspace(session=session, platform="slack", external_id=TEAM)
        for n in range(TEAMS):
            team = Team(
                workspace_id=workspace.id,
                name=f"Team {n}",
                channel=f"C{n:08d}",
                timezone="UTC",
                working_days=EVERY_DAY,
                members_from_channel=False,
            )
            session.add(team)
            session.flush()
            assert team.id is not None
            for person in ("A", "B", "C"):
                session.add(Member(team_id=team.id, platform_user_id=f"U{n}{person}"))
            session.add(
                Ritual(
                    team_id=team.id,
                    name="checkin",
                    kind="checkin",
                    schedule=f"{due.minute} {due.hour} * * *",
                    mode="private",
                )
            )
        session.commit()


def committed_rounds(database_url: str) -> int:
    """Return how many rounds the database holds."""
    with Session(get_engine(database_url)) as session:
        return session.exec(select(func.count()).select_from(Occurrence)).one()


async def watch(url: str, database_url: str, due: datetime) -> tuple[list[float], float | None]:
    """From the due minute on, time /healthz every 0.2 s; return the times and when all rounds were in."""
    await asyncio.sleep(max(0.0, due.timestamp() - time.time()))
    latencies: list[float] = []
    all_in: float | None = None
    timeout = aiohttp.ClientTimeout(total=ROUNDS_WITHIN)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        while (elapsed := time.time() - due.timestamp()) < ROUNDS_WITHIN:
            started = time.perf_counter()
            async with http.get(f"{url}/healthz") as response:
                await response.read()
            latencies.append(time.perf_counter() - started)
            if await asyncio.to_thread(committed_rounds, database_url) >= TEAMS:
                all_in = elapsed
                break
            await asyncio.sleep(0.2)
    return latencies, all_in


async def rounds_due_together(tmp_path, *, stall_seconds: float) -> None:
    """Run the scene with a Slack that holds each answer `stall_seconds`, and check it."""
    database_url = f"sqlite:///{tmp_path / 'haven.db'}"
    fake = await FakeSlack(stall_seconds=stall_seconds).start()
    due = next_due_minute()
    seed_teams(database_url, due)
    served = start_haven(
        env=slack_env(database_url=database_url, api_url=fake.url), log=tmp_path / "haven.log"
    )
    try:
        await wait_until_up(served)
        latencies, all_in = await watch(served.url, database_url, due)
    finally:
        served.kill()
        await fake.close()
        get_engine.cache_clear()
    log = served.log.read_text(errors="replace")
    assert "QueuePool limit" not in log
    assert max(latencies) < 1.0, f"/healthz took {max(latencies):.2f} s"
    assert statistics.quantiles(latencies, n=20)[-1] < 0.1  # 95th percentile under 100 ms
    assert all_in is not None, f"{committed_rounds(database_url)} of {TEAMS} rounds committed"


async def test_a_slow_slack_delays_no_health_check_and_every_round_opens(tmp_path):
    await rounds_due_together(tmp_path, stall_seconds=2.0)


async def test_a_silent_slack_delays_no_health_check_and_every_round_is_committed(tmp_path):
    await rounds_due_together(tmp_path, stall_seconds=3600.0)
