"""Benchmark: every team's weekly digest against one hand-written GROUP BY over the same rows.

Usage: python bench/digest_bench.py [--teams 1000] [--members 20] [--weeks 52]
                                    [--database sqlite|postgresql] [--rounds 3]

Loads teams × members × weeks of daily check-ins (Monday to Friday) and weekly two-item safety
pulses (about 5 million answers at full size) into a fresh SQLite file or a throwaway schema
of the local PostgreSQL (127.0.0.1:5432, database `test`), builds every team-week's rollups
from them (timed: what closing all those occurrences costs), times one close's refresh of a
team-week's rollups, then times, best of --rounds, alternating the two so both see the same
machine load:

- the floor: one GROUP BY (team, week, item) over the answers a digest reads, with COUNT
  DISTINCT of people and the averages of mood, sentiment and score, fetched to Python;
- Haven: rituals.digest.iter_digests, every team's full digest document (pooling, changes with
  the differencing guard, trends, alerts, next step, follow-up), consumed one at a time;

once for the last week (which reads 11 weeks: 8 of trend and a 4-week safety cycle before the
first) and once for all the weeks loaded. Peak Python memory (tracemalloc, in a separate untimed
pass) is taken after a tenth of the teams and after all of them: equal figures mean memory does
not grow with the number of teams.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
sys.path.insert(0, str(Path(__file__).resolve().parent))

from digest_data import Shape, load

from rituals.digest import iter_digests
from rituals.figures.series import weeks_read
from storage.aggregates import iter_team_aggregates
from storage.db import get_engine
from storage.migrate import upgrade
from storage.rollups import refresh_rollups

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FLOOR_SQL = """
SELECT r.team_id, o.iso_week, a.item, count(DISTINCT a.member_id),
       avg(a.mood), avg(a.sentiment), count(a.text), avg(a.score)
FROM answer a
JOIN occurrence o ON o.id = a.occurrence_id
JOIN ritual r ON r.id = o.ritual_id
WHERE o.iso_week IN ({weeks})
GROUP BY r.team_id, o.iso_week, a.item
"""


def floor(engine: Engine, weeks: list[str]) -> int:
    """Run the hand-written GROUP BY and fetch every row; return how many."""
    listed = ", ".join(f"'{week}'" for week in weeks)
    with engine.connect() as connection:
        return len(connection.execute(text(FLOOR_SQL.format(weeks=listed))).fetchall())


def digests(engine: Engine, first: str, last: str, stop_after_teams: int | None = None) -> int:
    """Build every team's digest for first..last, keeping none; return how many."""
    count = teams = 0
    with Session(engine) as session:
        previous = None
        for document in iter_digests(session=session, first_week=first, last_week=last):
            count += 1
            if document.team_id != previous:
                teams += 1
                previous = document.team_id
                if stop_after_teams is not None and teams > stop_after_teams:
                    break
    return count


def keep_decisions(engine: Engine, first: str, through: str) -> float:
    """Build and commit the digests up to a week, as the weekly job does; return the seconds."""
    started = time.perf_counter()
    with Session(engine) as session:
        for _ in iter_digests(session=session, first_week=first, last_week=through):
            pass
        session.commit()
    return time.perf_counter() - started


def forget_decisions(engine: Engine) -> None:
    """Drop the publication audit's kept decisions."""
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM figureaudit"))


def aggregates_only(engine: Engine, first: str, last: str) -> int:
    """Run and fetch every query of the digests, building no document; return teams read."""
    with Session(engine) as session:
        weeks = weeks_read(first_week=first, last_week=last)
        return sum(1 for _ in iter_team_aggregates(session=session, weeks=weeks))


ROLLUPS_SQL = "SELECT * FROM teamweekrollup WHERE team_id = :team_id ORDER BY iso_week"


def close_refresh(engine: Engine, shape: Shape, samples: int = 25) -> list[float]:
    """Time refresh_rollups, what each close runs, on a mid-year team-week of spread teams.

    The data are closed already, so each refresh must rewrite the rows it found (floats to 9
    places: a sum of floats may differ in its last bits when the database adds in another order).
    """
    week = shape.week_labels()[shape.weeks // 2]
    times = []
    with Session(engine) as session:
        for n in range(samples):
            team_id = 1 + n * shape.teams // samples
            before = _rollups(session, team_id)
            started = time.perf_counter()
            refresh_rollups(session=session, team_id=team_id, iso_week=week)
            times.append(time.perf_counter() - started)
            assert _rollups(session, team_id) == before, f"refreshing team {team_id} changed it"
    return times


def _rollups(session: Session, team_id: int) -> list[tuple[object, ...]]:
    rows = session.connection().execute(text(ROLLUPS_SQL), {"team_id": team_id})
    return [tuple(round(v, 9) if isinstance(v, float) else v for v in row) for row in rows]


def best_of(rounds: int, *runs: Callable[[], int]) -> list[tuple[float, int]]:
    """Time each run `rounds` times, alternating; return (best seconds, result) per run."""
    best = [(float("inf"), 0)] * len(runs)
    for _ in range(rounds):
        for n, run in enumerate(runs):
            started = time.perf_counter()
            result = run()
            elapsed = time.perf_counter() - started
            best[n] = (min(best[n][0], elapsed), result)
    return best


def peak_memory(run: Callable[[], int]) -> float:
    """Return the peak traced Python memory of run, in MiB."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def database(kind: str) -> tuple[str, Callable[[], None]]:
    """Return the URL of an empty database and a function that removes it."""
    if kind == "sqlite":
        path = Path(tempfile.mkdtemp()) / "digest-bench.db"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    schema = f"haven_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    return f"{POSTGRES}?options=-csearch_path%3D{schema}", drop


def machine() -> str:
    """Return cores, CPU model and versions, for the results."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model or platform.processor() or 'unknown CPU'}, Python {platform.python_version()}"


def main() -> None:
    """Load the data, time the floor and the digests, print both and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=1000)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    shape = Shape(teams=args.teams, members=args.members, weeks=args.weeks)
    url, remove = database(args.database)
    try:
        upgrade(url)
        engine = get_engine(url)  # Haven's own engine: WAL and its pragmas on SQLite
        loaded = load(engine=engine, shape=shape)
        labels = shape.week_labels()
        first, last = labels[0], labels[-1]
        print(f"machine: {machine()}")
        print(
            f"database: {engine.dialect.name} {engine.dialect.server_version_info}; "
            f"{args.teams} teams × {args.members} members × {args.weeks} weeks "
            f"({first}..{last}); {loaded.answers:,} answers loaded in {loaded.load_seconds:.0f} s"
        )
        refreshes = close_refresh(engine, shape)
        team_weeks = args.teams * args.weeks
        closes = team_weeks * (shape.checkins_per_week + 1)
        print(
            f"rollups: all {team_weeks:,} team-weeks built from the answers in "
            f"{loaded.rollup_seconds:.1f} s; one close's refresh of a {args.members}-person "
            f"team-week {statistics.median(refreshes) * 1e3:.1f} ms (median of "
            f"{len(refreshes)}, max {max(refreshes) * 1e3:.1f} ms), so the year's {closes:,} "
            f"closes spend about {statistics.median(refreshes) * closes / 60:.0f} min on them"
        )
        replay = keep_decisions(engine, last, last)
        forget_decisions(engine)
        kept = keep_decisions(engine, labels[-2], labels[-2])
        print(
            f"audit: the first digests after an upgrade replay every team's year ({replay:.2f} s "
            f"for the last week's); the weekly job keeps its decisions (last week's in "
            f"{kept:.2f} s), so the runs below continue from them"
        )
        print(
            "| run | digests | floor (GROUP BY) | Haven digests | ratio |\n"
            "|---|---:|---:|---:|---:|"
        )
        breakdown: list[str] = []
        for name, start in (("last week", last), (f"all {args.weeks} weeks", first)):
            weeks = weeks_read(first_week=start, last_week=last)
            (floor_s, _rows), (haven_s, made) = best_of(
                args.rounds,
                lambda weeks=weeks: floor(engine, weeks),
                lambda start=start: digests(engine, start, last),
            )
            print(
                f"| {name} | {made:,} | {floor_s:.2f} s | {haven_s:.2f} s | {haven_s / floor_s:.2f}× |"
            )
            ((sql_s, _teams),) = best_of(
                args.rounds, lambda start=start: aggregates_only(engine, start, last)
            )
            documents_s = max(haven_s - sql_s, 0.0)
            breakdown.append(
                f"{name}: SQL queries and fetching {sql_s:.2f} s, building the documents "
                f"{documents_s:.2f} s ({documents_s / made * 1e6:.0f} µs per digest)"
            )
        for line in breakdown:
            print(line)
        tenth = max(1, args.teams // 10)
        some = peak_memory(lambda: digests(engine, first, last, stop_after_teams=tenth))
        every = peak_memory(lambda: digests(engine, first, last))
        print(
            f"peak traced Python memory, all weeks: {some:.1f} MiB after {tenth} teams, "
            f"{every:.1f} MiB after {args.teams} teams; process max RSS "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
        )
        engine.dispose()
    finally:
        remove()


if __name__ == "__main__":
    main()
