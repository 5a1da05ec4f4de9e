"""Benchmark: how long the dashboard's Team and Organisation pages take to render on the server.

Usage: python bench/dashboard_bench.py [--teams 1000] [--members 20] [--weeks 52]
                                       [--database sqlite|postgresql] [--rounds 5]

Loads teams × members × weeks of daily check-ins and weekly safety pulses (bench/digest_data.py),
ending with the last closed week, into a fresh SQLite file or a throwaway PostgreSQL schema, then
serves Haven's real app (create_app, no scheduler) on loopback and signs an admin in through a
one-time link. It times, over --rounds requests each, the whole server side of:
- the Team page of one team with --weeks of trend (the aim: under 200 ms for 52 weeks);
- the Organisation page of every team (the aim: under 1 s for 1,000 teams), as admins meet it:
  after the background job (rituals/headlines.py) has kept each team's headline of the week;
and prints the minimum, median and maximum of each. Beside them, once: the background job's pass
that computes and keeps every team's headline (the digest computation every figure comes from,
what a page with nothing kept would cost). The client is aiohttp on the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
sys.path.insert(0, str(Path(__file__).resolve().parent))

from digest_bench import database, machine
from digest_data import Shape, load

from bot.server import create_app
from bot.settings import Settings
from bot.web.links import mint_link
from rituals.clock import local_iso_week, utcnow, week_monday
from rituals.digest import last_complete_week
from rituals.headlines import keep_latest_headlines
from storage.db import get_engine, normalize_url
from storage.migrate import upgrade

KEY = "bench-dashboard-key-0123456789abcdef"


async def timed(client: TestClient, path: str, rounds: int) -> list[float]:
    """Return the seconds each of `rounds` GETs of a page took; fail on anything but 200."""
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = await client.get(path)
        await response.read()
        seconds.append(time.perf_counter() - started)
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
    return seconds


def keeping_pass(engine: Engine) -> tuple[float, int]:
    """Return the seconds the background job takes to keep every team's headline, and how many."""
    started = time.perf_counter()
    kept = keep_latest_headlines(engine=engine)
    return time.perf_counter() - started, kept


def summary(name: str, seconds: list[float], aim: float) -> str:
    """Return one line: min, median and max in ms against the aim."""
    median = statistics.median(seconds)
    verdict = "within" if median < aim else "OVER"
    return (
        f"| {name} | {min(seconds) * 1e3:.0f} ms | {median * 1e3:.0f} ms | "
        f"{max(seconds) * 1e3:.0f} ms | {verdict} the {aim * 1e3:.0f} ms aim |"
    )


async def measure(url: str, args: argparse.Namespace) -> None:
    """Serve the app, sign an admin in and time both pages."""
    settings = Settings(DATABASE_URL=url, HAVEN_DASHBOARD_KEY=KEY)  # type: ignore[call-arg]
    engine = get_engine(url)  # Haven's own engine: WAL and its pragmas on SQLite
    app = create_app(settings=settings, engine=engine, schedule=False)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        link = mint_link(
            key=KEY, base_url="", workspace_id=1, user_id="UADMIN", platform_admin=True
        )
        await client.get(link)
        await timed(client, f"/app/teams/1?weeks={args.weeks}", 1)  # warm the templates
        team = await timed(client, f"/app/teams/1?weeks={args.weeks}", args.rounds)
        keeping, kept = await asyncio.to_thread(keeping_pass, engine)
        organisation = await timed(client, "/app/organisation", args.rounds)
    engine.dispose()
    print("| page | min | median | max | |\n|---|---:|---:|---:|---|")
    print(summary(f"Team, {args.weeks} weeks", team, 0.2))
    print(summary(f"Organisation, {args.teams:,} teams", organisation, 1.0))
    print(
        f"background job: {kept:,} teams' headlines computed and kept in {keeping:.1f} s "
        f"({keeping / max(kept, 1) * 1e3:.1f} ms a team), once a week"
    )


def main() -> None:
    """Load the data, serve the app and time the pages."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=1000)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    last = last_complete_week(local_iso_week(utcnow(), "UTC"))
    # One extra week before the trend: the first shown week's safety cycle reaches back.
    loaded_weeks = args.weeks + 4
    first_monday = week_monday(last) - timedelta(weeks=loaded_weeks - 1)
    shape = Shape(
        teams=args.teams, members=args.members, weeks=loaded_weeks, first_monday=first_monday
    )
    url, remove = database(args.database)
    try:
        upgrade(url)
        engine = create_engine(normalize_url(url))
        loaded = load(engine=engine, shape=shape)
        engine.dispose()
        print(f"machine: {machine()}")
        print(
            f"database: {args.database}; {args.teams:,} teams × {args.members} members × "
            f"{loaded_weeks} weeks to {last}; {loaded.answers:,} answers loaded in "
            f"{loaded.load_seconds:.0f} s"
        )
        asyncio.run(measure(url, args))
    finally:
        remove()


if __name__ == "__main__":
    main()
