"""Scale: N teams × 4 rituals — config apply, `haven serve` start-up, 1,000 rounds due in one minute.

    python -m bench.scale_bench --teams 1000 10000 [--database sqlite|postgresql] [--due 1000]

For each N, on a fresh database (a SQLite file, or a fresh schema of the PostgreSQL server at
127.0.0.1:5432, database `test`), with a fake Slack Web API (tests/bot/slack/fake_slack.py) in
its own process:

1. `haven config apply` of N Slack teams with listed members and the four rituals (wall and CPU);
2. `haven serve` until `GET /readyz` answers 200 and says this replica schedules; its RSS then;
3. the check-ins of `--due` teams moved (by a second apply) to one minute a little after a second
   start-up, and the time from that minute until the rounds are committed and until the fake
   received their prompts.

Every figure is printed with the machine's load average; each step has a time limit, and what did
not finish within it is printed as such.
"""

import argparse
import asyncio
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from bench.config_apply_bench import database_url
from bench.slack_load import free_port, start, stop

HAVEN = Path(sys.executable).with_name("haven")
WORKSPACE = "T0HAVEN"  # the fake's team id
RITUALS = (
    '      - {kind: checkin, schedule: "55 9 * * mon", mode: shared}',
    '      - {kind: failure_celebration, schedule: "0 15 * * fri"}',
    '      - {kind: anonymous_feedback, schedule: "0 10 1 * *", question: "What helps?"}',
    '      - {kind: safety_pulse, schedule: "0 11 * * wed"}',
)
READY_LIMIT = 600.0  # seconds a start-up may take before the run gives up
DUE_LIMIT = 300.0  # seconds after the due minute to wait for the rounds


def teams_yaml(count: int, *, due_teams: int = 0, due_at: datetime | None = None) -> str:
    """Return N Slack teams of six listed people with four rituals; the first due_teams check in at due_at."""
    lines = ["teams:"]
    for n in range(count):
        checkin = RITUALS[0]
        if due_at is not None and n < due_teams:
            checkin = (
                f'      - {{kind: checkin, schedule: "{due_at.minute} {due_at.hour} * * *", '
                "mode: shared}"
            )
        lines += [
            f"  - name: Team {n}",
            "    platform: slack",
            f"    workspace: {WORKSPACE}",
            f"    channel: C{n:08d}",
            "    timezone: UTC",
            "    working_days: [mon, tue, wed, thu, fri, sat, sun]",
            f"    leaders: [U{n}L]",
            f"    members: [U{n}A, U{n}B, U{n}C, U{n}D, U{n}E]",
            "    rituals:",
            checkin,
            *RITUALS[1:],
        ]
    return "\n".join(lines) + "\n"


def load() -> str:
    """Return the machine's 1-minute load average, for every printed figure."""
    return f"load {os.getloadavg()[0]:.1f}"


def timed_apply(path: Path, environment: dict[str, str]) -> str:
    """Run `haven config apply PATH`; return 'wall s (CPU s)'."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [str(HAVEN), "config", "apply", str(path)], env=environment, check=True, capture_output=True
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return f"{wall:.1f} s ({cpu:.1f} s CPU)"


def rss_mib(pid: int) -> float:
    """Return a process's resident memory in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


@dataclass
class Serving:
    """One `haven serve` process started by the bench."""

    process: subprocess.Popen  # type: ignore[type-arg]
    url: str
    ready_seconds: float


async def serve(environment: dict[str, str], log: Path) -> Serving:
    """Start `haven serve`; wait until /readyz is 200 and says this replica schedules."""
    port = free_port()
    started = time.monotonic()
    with log.open("ab") as output:
        process = subprocess.Popen(
            [str(HAVEN), "serve", "--port", str(port)],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        while time.monotonic() - started < READY_LIMIT:
            if process.poll() is not None:
                raise RuntimeError(f"haven serve exited; see {log}")
            try:
                async with http.get(f"{url}/readyz") as response:
                    body = await response.json()
                    if response.status == 200 and body["scheduler"]["this_replica"] == "running":
                        return Serving(process, url, time.monotonic() - started)
            except (aiohttp.ClientError, KeyError, ValueError):
                pass
            await asyncio.sleep(0.1)
    stop(process)
    raise RuntimeError(f"haven serve not ready within {READY_LIMIT:g} s; see {log}")


def posts_received(status: Path) -> int:
    """Return how many chat.postMessage calls the fake has received."""
    try:
        return int(json.loads(status.read_text())["posts"])
    except (OSError, ValueError, KeyError):
        return 0


async def slowest_healthz(url: str, stop_probing: asyncio.Event) -> float:
    """Probe GET /healthz every half second until told to stop; return the slowest, in ms."""
    slowest = 0.0
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        while not stop_probing.is_set():
            started = time.perf_counter()
            try:
                async with http.get(f"{url}/healthz") as response:
                    await response.read()
            except (aiohttp.ClientError, TimeoutError):
                pass  # counted as slow as it was
            slowest = max(slowest, (time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.5)
    return slowest


async def rounds_due(
    *, url: str, database: str, status: Path, due_at: datetime, target: int
) -> tuple[str, str, float]:
    """Wait for the due minute; return when `target` rounds were committed and prompted, worst healthz."""
    engine = create_engine(database.replace("postgresql://", "postgresql+psycopg://"))
    posts_before = posts_received(status)
    with engine.connect() as connection:
        rounds_before = connection.execute(text("SELECT count(*) FROM occurrence")).scalar_one()
    await asyncio.sleep(max(0.0, due_at.timestamp() - time.time()))
    committed = prompted = ""
    count = 0
    stop_probing = asyncio.Event()
    probe = asyncio.create_task(slowest_healthz(url, stop_probing))
    try:
        while time.time() - due_at.timestamp() < DUE_LIMIT and not (committed and prompted):
            elapsed = time.time() - due_at.timestamp()
            count = await asyncio.to_thread(occurrences, engine)
            count -= rounds_before
            if not committed and count >= target:
                committed = f"{elapsed:.1f} s"
            if not prompted and posts_received(status) - posts_before >= target:
                prompted = f"{elapsed:.1f} s"
            await asyncio.sleep(0.25)
    finally:
        stop_probing.set()
        worst_health = await probe
        engine.dispose()
    committed = committed or f"{count} of {target} after {DUE_LIMIT:g} s"
    prompted = prompted or (
        f"{posts_received(status) - posts_before} of {target} after {DUE_LIMIT:g} s"
    )
    return committed, prompted, worst_health


def occurrences(engine: Engine) -> int:
    """Return how many occurrences the database holds."""
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM occurrence")).scalar_one()


async def one_size(count: int, *, kind: str, due: int, api_url: str, status: Path) -> None:
    """Measure apply, start-up and the due minute for N teams; print each figure with the load."""
    with tempfile.TemporaryDirectory(prefix="haven-scale-") as folder:
        work = Path(folder)
        database = database_url(kind, work)
        environment = {
            **os.environ,
            "DATABASE_URL": database,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": "bench-signing-secret-0123456789abcdef",
            "SLACK_API_URL": api_url,
            "HAVEN_ENV": "development",
        }
        subprocess.run(
            [str(HAVEN), "db", "upgrade"], env=environment, check=True, capture_output=True
        )
        config = work / "teams.yml"
        config.write_text(teams_yaml(count), encoding="utf-8")
        print(f"{kind} {count:,} teams: config apply {timed_apply(config, environment)}, {load()}")
        first = await serve(environment, work / "serve.log")
        print(
            f"{kind} {count:,} teams: start-up until /readyz {first.ready_seconds:.1f} s, "
            f"RSS {rss_mib(first.process.pid):.0f} MiB, {load()}"
        )
        stop(first.process)
        lead = timedelta(seconds=first.ready_seconds * 1.2 + 20)
        due_at = (datetime.now(UTC) + lead + timedelta(minutes=1)).replace(second=0, microsecond=0)
        config.write_text(teams_yaml(count, due_teams=due, due_at=due_at), encoding="utf-8")
        print(
            f"{kind} {count:,} teams: re-apply moving {due:,} check-ins to {due_at:%H:%M} UTC "
            f"{timed_apply(config, environment)}, {load()}"
        )
        second = await serve(environment, work / "serve.log")
        margin = due_at.timestamp() - time.time()
        print(
            f"{kind} {count:,} teams: second start-up {second.ready_seconds:.1f} s "
            f"({margin:.0f} s before the due minute), RSS {rss_mib(second.process.pid):.0f} MiB, "
            f"{load()}"
        )
        try:
            committed, prompted, health = await rounds_due(
                url=second.url, database=database, status=status, due_at=due_at, target=due
            )
            print(
                f"{kind} {count:,} teams: {due:,} rounds due at {due_at:%H:%M}: committed "
                f"{committed}, prompts received {prompted} after the minute; slowest /healthz "
                f"{health:.0f} ms; RSS {rss_mib(second.process.pid):.0f} MiB, {load()}"
            )
        finally:
            stop(second.process)
        errors = [
            line
            for line in (work / "serve.log").read_text(errors="replace").splitlines()
            if "QueuePool limit" in line or "Traceback" in line
        ]
        print(f"{kind} {count:,} teams: {len(errors)} pool errors or tracebacks in the log")
        kept = Path(tempfile.gettempdir()) / f"haven-scale-{kind}-{count}.log"
        kept.write_bytes((work / "serve.log").read_bytes())
        drop_schema(database)


def drop_schema(database: str) -> None:
    """Drop the PostgreSQL schema the run made (a SQLite file goes with its folder)."""
    if "search_path" not in database:
        return
    import psycopg

    schema = database.rsplit("%3D", 1)[1]
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as c:
        c.execute(f"DROP SCHEMA {schema} CASCADE")


def serve_fake(port: int, status: Path) -> None:
    """Serve the fake Slack Web API; keep the number of chat.postMessage calls in the status file."""
    from tests.bot.slack.fake_slack import FakeSlack

    async def main() -> None:
        fake = FakeSlack(anyone=True, page_size=1000)
        await fake.start(port=port)
        while True:
            status.write_text(json.dumps({"posts": len(fake.calls_to("chat.postMessage"))}))
            await asyncio.sleep(0.2)

    asyncio.run(main())


async def run(sizes: list[int], kind: str, due: int) -> None:
    """Start the fake in its own process and measure each size in turn."""
    port = free_port()
    folder = tempfile.TemporaryDirectory(prefix="haven-scale-fake-")
    status = Path(folder.name) / "status.json"
    fake = start([sys.executable, "-m", "bench.scale_bench", "fake", str(port), str(status)], {})
    try:
        while not status.exists():
            await asyncio.sleep(0.1)
        for count in sizes:
            await one_size(
                count,
                kind=kind,
                due=min(due, count),
                api_url=f"http://127.0.0.1:{port}/api/",
                status=status,
            )
    finally:
        stop(fake)
        folder.cleanup()


def main() -> None:
    """Parse the sizes and the database, then run."""
    if sys.argv[1:2] == ["fake"]:
        serve_fake(int(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--due", type=int, default=1000, help="rounds due in the same minute")
    options = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, {load()}")
    asyncio.run(run(options.teams, options.database, options.due))


if __name__ == "__main__":
    main()
