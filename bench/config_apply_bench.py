"""Time `haven config apply` on files of many teams: first apply, re-apply, dry run.

    python bench/config_apply_bench.py --teams 1000 10000 [--database sqlite|postgresql]

Each run is a whole `haven` process on a fresh database (SQLite in a temporary folder, or a
fresh schema of the PostgreSQL server at 127.0.0.1:5432, database `test`). Prints one row per
size: seconds for the first apply, a re-apply that changes nothing, and a dry run against the
applied database, so growth can be read across sizes (linear means ten times the teams take
about ten times as long).
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HAVEN = Path(sys.executable).with_name("haven")


def teams_yaml(count: int) -> str:
    """Return a config of `count` Slack teams of six people with two rituals each."""
    lines = ["teams:"]
    for n in range(count):
        lines += [
            f"  - name: Team {n}",
            "    platform: slack",
            "    workspace: T0BENCH",
            f"    channel: C{n:08d}",
            "    timezone: Europe/Berlin",
            f"    leaders: [U{n}L]",
            f"    members: [U{n}A, U{n}B, U{n}C, U{n}D, U{n}E]",
            "    anonymity_threshold: {numbers: 3, texts: 5}",
            "    rituals:",
            '      - {kind: checkin, schedule: "55 9 * * mon", mode: shared}',
            '      - {kind: safety_pulse, schedule: "0 11 * * wed"}',
        ]
    return "\n".join(lines) + "\n"


def timed(arguments: list[str], environment: dict[str, str]) -> str:
    """Run `haven ARGUMENTS`; return 'wall s (CPU s)': on a shared machine CPU is the steadier."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([str(HAVEN), *arguments], env=environment, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return f"{wall:.1f} ({cpu:.1f})"


def database_url(kind: str, folder: Path) -> str:
    """Return a fresh database URL of the kind asked for."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.db'}"
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    return f"postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"


def main() -> None:
    """Print first apply, re-apply and dry-run seconds for each number of teams."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    options = parser.parse_args()
    print(f"database: {options.database}")
    print("teams | first apply s | re-apply s | dry run s   (wall, CPU in brackets)")
    for count in options.teams:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "teams.yml"
            path.write_text(teams_yaml(count), encoding="utf-8")
            environment = {
                **os.environ,
                "DATABASE_URL": database_url(options.database, Path(folder)),
            }
            timed(["db", "upgrade"], environment)
            first = timed(["config", "apply", str(path)], environment)
            again = timed(["config", "apply", str(path)], environment)
            dry = timed(["config", "apply", str(path), "--dry-run"], environment)
        print(f"{count:,} | {first} | {again} | {dry}")


if __name__ == "__main__":
    main()
