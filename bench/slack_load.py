"""Load test: signed check-in clicks against `haven serve` and against a Bolt app that only acks.

Run:  .venv/bin/python -m bench.slack_load [--rates 50,100,200,400] [--seconds 5] [--rounds 3]
      [--write]
      .venv/bin/python -m bench.slack_load --replicas 3 [--seconds 5] [--rounds 3]

Everything stays on 127.0.0.1. One run starts the fake Slack Web API (tests/bot/slack/fake_slack.py)
in its own process, seeds a SQLite database with a Slack team and an open private check-in, then
measures `haven serve`, a Bolt app that only acks, and one that acks and sends the ephemeral
confirmation, one after the other with the same load: open-loop stages at rising rates
(acknowledgement latency p50/p99) and closed-loop stages with a fixed number of clicks in flight
(maximum throughput), with the CPU each process spent per click. Slack wants an ack within 3 s.
With --replicas N it measures instead, on a fresh PostgreSQL schema, the most clicks one
`haven serve` and N replicas on that one database acknowledge (stored) per second, side by side.
"""

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import platform
import random
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret-0123456789abcdef"
TEAM, CHANNEL, PEOPLE = "T0HAVEN", "C0LOAD", 200
RESULTS = ROOT / "bench" / "RESULTS-slack.md"


@dataclass
class Stage:
    """What one stage of load measured."""

    name: str
    sent: int
    ok: int
    seconds: float
    latencies_ms: list[float]
    cpu_ms: dict[str, float] = field(default_factory=dict)  # CPU per acknowledged click

    @property
    def throughput(self) -> float:
        """Return acknowledged requests per second."""
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        """Return a latency percentile in milliseconds."""
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def click_body(occurrence_id: int, n: int, *, action_id: str = "") -> bytes:
    """Return a block_actions payload, as Slack posts it, for a mood click by person n."""
    mood = random.randint(1, 5)
    user = f"U{n % PEOPLE:05d}"
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "AHAVEN",
        "token": "legacy-token",
        "container": {"type": "message", "message_ts": "1767000000.000001", "channel_id": CHANNEL},
        "trigger_id": f"{n}.trigger",
        "team": {"id": TEAM, "domain": "bench"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": CHANNEL, "name": "load"},
        "state": {"values": {}},
        "actions": [
            {
                "action_id": action_id or f"haven_checkin_mood_{mood}",
                "block_id": "b",
                "value": f"{occurrence_id}:{mood}",
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def signed(body: bytes) -> dict[str, str]:
    """Return Slack's signature headers for a body, timestamped now."""
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


async def one_click(http: aiohttp.ClientSession, url: str, body: bytes) -> tuple[float, int]:
    """Send one signed click; return (milliseconds until the acknowledgement, status)."""
    started = time.perf_counter()
    try:
        async with http.post(url, data=body, headers=signed(body)) as response:
            await response.read()
            status = response.status
    except aiohttp.ClientError:
        status = 0
    return (time.perf_counter() - started) * 1000, status


async def open_loop(url: str, occurrence_id: int, rate: int, seconds: float) -> Stage:
    """Send clicks at a fixed rate whatever the answers take (arrivals do not wait)."""
    loop = asyncio.get_running_loop()
    count = int(rate * seconds)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=512)) as http:
        start = loop.time()
        tasks = []
        for n in range(count):
            delay = start + n / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one_click(http, url, click_body(occurrence_id, n))))
        results = await asyncio.gather(*tasks)
        elapsed = loop.time() - start
    ok = [ms for ms, status in results if status == 200]
    return Stage(f"{rate}/s", count, len(ok), elapsed, ok)


async def closed_loop(
    url: str | list[str],
    occurrence_id: int,
    clients: int,
    seconds: float,
    *,
    action_id: str = "",
) -> Stage:
    """Keep `clients` clicks in flight for `seconds`: the most the server(s) acknowledge.

    Given several URLs (replicas), client n always sends to URL n modulo their number.
    """
    loop = asyncio.get_running_loop()
    urls = [url] if isinstance(url, str) else url
    latencies: list[float] = []
    sent = [0]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients)) as http:
        start = loop.time()

        async def client(url: str) -> None:
            while loop.time() - start < seconds:
                sent[0] += 1
                body = click_body(occurrence_id, sent[0], action_id=action_id)
                ms, status = await one_click(http, url, body)
                if status == 200:
                    latencies.append(ms)

        await asyncio.gather(*(client(urls[n % len(urls)]) for n in range(clients)))
        elapsed = loop.time() - start
    name = f"max ({clients} in flight)" + (", unknown action" if action_id else "")
    return Stage(name, sent[0], len(latencies), elapsed, latencies)


async def wait_until_up(url: str, timeout: float = 30) -> None:
    """Wait until a server answers at url (any status)."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(url) as response:
                    await response.read()
                    return
            except aiohttp.ClientError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.1)


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen:  # type: ignore[type-arg]
    """Start a server process whose output goes nowhere."""
    return subprocess.Popen(
        args,
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    """Stop a server process this script started."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


async def seed(database_url: str, api_url: str) -> int:
    """Create a Slack team with a private check-in and open it; return the occurrence id."""
    from sqlmodel import Session

    from bot.platforms import Notifiers
    from bot.settings import Settings
    from bot.slack.pacing import Pacer
    from bot.slack.runtime import build_notifier
    from rituals.clock import utcnow
    from rituals.lifecycle import open_occurrence
    from storage.db import get_engine
    from storage.migrate import upgrade
    from storage.models import Ritual, Team
    from storage.teams import get_or_create_workspace

    upgrade(database_url)
    engine = get_engine(database_url)
    settings = Settings(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=api_url,
    )  # type: ignore[call-arg]
    # Seeding is not measured: no pacing to Slack's rate limits (200 users.info would take 2 min).
    unpaced = build_notifier(settings=settings, engine=engine, pacer=Pacer(per_minute={}))
    notifiers = Notifiers(by_platform={"slack": unpaced})
    with Session(engine, expire_on_commit=False) as session:
        workspace = get_or_create_workspace(session=session, platform="slack", external_id=TEAM)
        team = Team(workspace_id=workspace.id, name="Load", channel=CHANNEL, timezone="UTC")
        session.add(team)
        session.flush()
        ritual = Ritual(
            team_id=team.id, name="checkin", kind="checkin", schedule="0 10 * * mon", mode="private"
        )
        session.add(ritual)
        session.commit()
        now = utcnow()
        occurrence = await open_occurrence(
            session=session,
            notifiers=notifiers,
            ritual_id=ritual.id,
            scheduled_at=now - timedelta(minutes=1),
            now=now,
        )
    assert occurrence is not None and occurrence.id is not None
    return occurrence.id


def cpu_seconds(pid: int | None = None) -> float:
    """Return the user + system CPU seconds a process (this one when pid is None) has used."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(
    name: str,
    url: str,
    occurrence_id: int,
    rates: list[int],
    seconds: float,
    clients: int,
    pids: dict[str, int],
) -> list[Stage]:
    """Warm a server up, then run the open-loop stages and the closed-loop stage against it."""
    await open_loop(url, occurrence_id, rate=100, seconds=PEOPLE / 100)  # everyone once: caches
    stages = []
    for rate in rates:
        stage = await open_loop(url, occurrence_id, rate, seconds)
        print(f"{name:>10} {stage.name:>18}: {report(stage)}", flush=True)
        stages.append(stage)
        await asyncio.sleep(1)  # let work after the acknowledgements drain
    for action_id in ("", "bench_unknown_action"):  # then the acknowledgement path alone
        before = {who: cpu_seconds(pid) for who, pid in pids.items()} | {"load": cpu_seconds()}
        stage = await closed_loop(url, occurrence_id, clients, seconds, action_id=action_id)
        await asyncio.sleep(1)  # work after the last acknowledgements counts too
        after = {who: cpu_seconds(pid) for who, pid in pids.items()} | {"load": cpu_seconds()}
        stage.cpu_ms = {who: 1000 * (after[who] - before[who]) / max(stage.ok, 1) for who in before}
        print(f"{name:>10} {stage.name:>18}: {report(stage)}", flush=True)
        stages.append(stage)
    return stages


def report(stage: Stage) -> str:
    """Return one line of figures for a stage."""
    return (
        f"{stage.ok}/{stage.sent} acknowledged, {stage.throughput:7.1f}/s, "
        f"p50 {stage.percentile(0.50):6.1f} ms, p99 {stage.percentile(0.99):6.1f} ms"
    )


def machine() -> str:
    """Describe the machine: CPU model and count, Python, platform."""
    model = ""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        found = re.search(r"Model name:\s*(.+)", lscpu)
        model = found.group(1).strip() if found else ""
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs (nproc), {model or platform.processor()}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}, "
        f"load average {os.getloadavg()[0]:.1f} when the results were written"
    )


SERVERS = ("haven", "minimal", "confirming")
LABELS = {
    "haven": "Haven",
    "minimal": "ack-only",
    "confirming": "ack + ephemeral",
}


def ratio(a: Stage, b: Stage) -> str:
    """Return a's throughput over b's, two decimals."""
    return f"{a.throughput / b.throughput:.2f}" if b.throughput else "n/a"


def markdown(rounds: list[dict[str, list[Stage]]], seconds: float, clients: int, when: str) -> str:
    """Return the results as the Markdown of bench/RESULTS-slack.md."""
    first = rounds[0]
    rows = [
        f"| {h.name} | {h.throughput:.0f} | {h.percentile(0.5):.1f} | {h.percentile(0.99):.1f} "
        f"| {m.throughput:.0f} | {m.percentile(0.5):.1f} | {m.percentile(0.99):.1f} "
        f"| {c.throughput:.0f} | {ratio(h, m)} | {ratio(c, m)} |"
        for h, m, c in zip(*(first[name] for name in SERVERS), strict=True)
    ]
    per_round = [
        f"| {n} | {r['haven'][-2].throughput:.0f} | {r['minimal'][-2].throughput:.0f} "
        f"| {r['confirming'][-2].throughput:.0f} | {ratio(r['haven'][-2], r['minimal'][-2])} "
        f"| {ratio(r['confirming'][-2], r['minimal'][-2])} "
        f"| **{ratio(r['haven'][-2], r['confirming'][-2])}** |"
        for n, r in enumerate(rounds, start=1)
    ]
    cpu = [
        f"| {LABELS[name]} | {first[name][-2].cpu_ms['server']:.2f} "
        f"| {first[name][-2].cpu_ms['fake']:.2f} | {first[name][-2].cpu_ms['load']:.2f} "
        f"| {sum(first[name][-2].cpu_ms.values()):.2f} |"
        for name in SERVERS
    ]
    return "\n".join(
        [
            "## Slack: acknowledgement latency and throughput",
            "",
            f"Measured with `.venv/bin/python -m bench.slack_load` on {when}: {machine()}.",
            "The load generator, the fake Slack Web API and one server at a time run on this",
            "machine over 127.0.0.1, each in its own process, with the same load for each server:",
            "`haven serve` (SQLite, a private check-in, scheduler on); the **ack-only** Bolt app",
            "the issue compares against; and an **ack + ephemeral** Bolt app that also sends the",
            "one `chat.postEphemeral` confirmation the issue requires for every click (no",
            "storage): the least any app meeting the issue must do per click.",
            f"Each open-loop stage sends signed `block_actions` mood clicks from {PEOPLE} people at",
            f"a fixed rate for {seconds:g} s; the `max` stages keep {clients} clicks in flight",
            "(the most each server acknowledges). Latency is from sending the request to reading",
            "the acknowledgement. Haven acknowledges a click once the batch it joined is committed;",
            "its ephemeral confirmation follows the ack, in the same process.",
            "",
            "| load | Haven ack/s | Haven p50 ms | Haven p99 ms | ack-only ack/s "
            "| ack-only p50 ms | ack-only p99 ms | ack + ephemeral ack/s | Haven / ack-only "
            "| ack + ephemeral / ack-only |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            "The `unknown action` row sends clicks no listener claims: the acknowledgement path",
            "alone (signature check, parsing, Bolt's middleware, matching), with no work after it.",
            "",
            f"`max ({clients} in flight)` in each round (servers measured one after the other):",
            "",
            "| round | Haven ack/s | ack-only ack/s | ack + ephemeral ack/s | Haven / ack-only "
            "| ack + ephemeral / ack-only | Haven / ack + ephemeral (aim ≥ 0.8) |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            *per_round,
            "",
            "CPU per acknowledged click in the first round's `max` stage (milliseconds, from",
            "/proc; the fake Slack answers the ephemeral calls, the load generator signs and",
            "sends): the machine has two cores for all three processes.",
            "",
            "| server | server ms | fake Slack ms | load generator ms | total ms |",
            "|---|---:|---:|---:|---:|",
            *cpu,
            "",
        ]
    )


def server_command(name: str, port: int, api_url: str) -> list[str]:
    """Return the command that starts one of the measured servers."""
    python = sys.executable
    if name == "haven":
        return [str(Path(python).parent / "haven"), "serve", "--port", str(port)]
    return [python, "-m", "bench.slack_load", name, "--port", str(port), "--api-url", api_url]


async def measure_server(
    name: str, *, env: dict[str, str], api_url: str, fake_pid: int, occurrence_id: int, **load: Any
) -> list[Stage]:
    """Start one server, measure it, stop it."""
    port = free_port()
    server = start(server_command(name, port, api_url), env if name == "haven" else {})
    try:
        up = "healthz" if name == "haven" else "slack/events"
        await wait_until_up(f"http://127.0.0.1:{port}/{up}")
        url = f"http://127.0.0.1:{port}/slack/events"
        pids = {"server": server.pid, "fake": fake_pid}
        return await measure(name, url, occurrence_id, pids=pids, **load)
    finally:
        stop(server)


async def run(rates: list[int], seconds: float, clients: int, rounds: int, write: bool) -> None:
    """Start the fake, seed, measure the three servers in turn for each round, print, write."""
    workdir = Path(tempfile.mkdtemp(prefix="haven-slack-load-"))
    database_url = f"sqlite:///{workdir / 'haven.db'}"
    fake_port = free_port()
    api_url = f"http://127.0.0.1:{fake_port}/api/"
    fake = start([sys.executable, "-m", "bench.slack_load", "fake", "--port", str(fake_port)], {})
    results: list[dict[str, list[Stage]]] = []
    try:
        await wait_until_up(f"http://127.0.0.1:{fake_port}/api/auth.test")
        occurrence_id = await seed(database_url, api_url)
        env = {
            "DATABASE_URL": database_url,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api_url,
            "HAVEN_ENV": "development",
        }
        load = {"rates": rates, "seconds": seconds, "clients": clients}
        for _ in range(rounds):
            results.append(
                {
                    name: await measure_server(
                        name,
                        env=env,
                        api_url=api_url,
                        fake_pid=fake.pid,
                        occurrence_id=occurrence_id,
                        **load,
                    )
                    for name in SERVERS
                }
            )
    finally:
        stop(fake)
    for n, result in enumerate(results, start=1):
        best = {name: result[name][-2] for name in SERVERS}
        print(
            f"round {n}, max throughput of clicks: Haven {best['haven'].throughput:.0f}/s, "
            f"ack-only {best['minimal'].throughput:.0f}/s, ack + ephemeral "
            f"{best['confirming'].throughput:.0f}/s; Haven / ack-only "
            f"{ratio(best['haven'], best['minimal'])}, ack + ephemeral / ack-only "
            f"{ratio(best['confirming'], best['minimal'])}, Haven / ack + ephemeral "
            f"{ratio(best['haven'], best['confirming'])}"
        )
    if write:
        RESULTS.write_text(markdown(results, seconds, clients, time.strftime("%Y-%m-%d")))
        print(f"wrote {RESULTS.relative_to(ROOT)}")


async def run_replicas(count: int, seconds: float, clients: int, rounds: int) -> None:
    """On a fresh PostgreSQL schema: the most one replica, then `count` replicas, store per second."""
    from tests.conftest import fresh_postgres_schema

    schema = fresh_postgres_schema()
    database_url = next(schema)
    fake_port = free_port()
    api_url = f"http://127.0.0.1:{fake_port}/api/"
    fake = start([sys.executable, "-m", "bench.slack_load", "fake", "--port", str(fake_port)], {})
    servers: list[subprocess.Popen] = []  # type: ignore[type-arg]
    try:
        await wait_until_up(f"http://127.0.0.1:{fake_port}/api/auth.test")
        occurrence_id = await seed(database_url, api_url)
        env = {
            "DATABASE_URL": database_url,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api_url,
            "HAVEN_ENV": "development",
        }
        ports = [free_port() for _ in range(count)]
        servers = [start(server_command("haven", port, api_url), env) for port in ports]
        urls = [f"http://127.0.0.1:{port}/slack/events" for port in ports]
        for port in ports:
            await wait_until_up(f"http://127.0.0.1:{port}/healthz")
        for url in urls:  # everyone once through each replica: caches
            await open_loop(url, occurrence_id, rate=100, seconds=PEOPLE / 100)
        for n in range(1, rounds + 1):
            one = await closed_loop(urls[0], occurrence_id, clients, seconds)
            await asyncio.sleep(1)
            every = await closed_loop(urls, occurrence_id, clients * count, seconds)
            await asyncio.sleep(1)
            print(f"round {n}, PostgreSQL, 1 replica  {one.name:>18}: {report(one)}", flush=True)
            print(f"round {n}, PostgreSQL, {count} replicas {every.name:>18}: {report(every)}")
            print(f"round {n}: {count} replicas / 1 replica {ratio(every, one)}", flush=True)
    finally:
        for server in servers:
            stop(server)
        stop(fake)
        with contextlib.suppress(StopIteration):
            next(schema)


def serve_fake(port: int) -> None:
    """Serve the fake Slack Web API until terminated, knowing every user and the load channel."""
    from tests.bot.slack.fake_slack import FakeSlack

    async def main() -> None:
        fake = FakeSlack(anyone=True, page_size=1000)
        fake.channels[CHANNEL] = [f"U{n:05d}" for n in range(PEOPLE)]
        await fake.start(port=port)
        while True:
            await asyncio.sleep(3600)

    asyncio.run(main())


def serve_minimal(port: int, api_url: str, *, confirm: bool = False) -> None:
    """Serve a Bolt app that only acknowledges (and with confirm, sends the ephemeral line too)."""
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    client = AsyncWebClient(token="xoxb-bench", base_url=api_url)
    app = AsyncApp(signing_secret=SECRET, client=client)

    @app.action(re.compile(".*"))
    async def only_ack(ack, body, client) -> None:  # type: ignore[no-untyped-def]
        await ack()
        if confirm:  # what every click must also cost: the member's ephemeral confirmation
            await client.chat_postEphemeral(
                channel=body["channel"]["id"], user=body["user"]["id"], text="✅ Checked in."
            )

    async def keep_alive(_app) -> None:  # type: ignore[no-untyped-def]
        import aiohttp

        client.session = aiohttp.ClientSession()

    server = app.server(port=port, path="/slack/events", host="127.0.0.1")
    server.web_app.on_startup.append(keep_alive)
    server.start()


def main() -> None:
    """Parse the command line and run the benchmark or one of its servers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "role", nargs="?", default="run", choices=["run", "fake", "minimal", "confirming"]
    )
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-url", default="")
    parser.add_argument("--rates", default="50,100,200,400", help="open-loop clicks per second")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each stage (≤ 30)")
    parser.add_argument("--clients", type=int, default=32, help="clicks in flight, last stage")
    parser.add_argument("--rounds", type=int, default=1, help="measure every server this often")
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS-slack.md")
    parser.add_argument(
        "--replicas",
        type=int,
        default=0,
        help="instead: saturation of 1 and of N `haven serve` replicas on one PostgreSQL",
    )
    args = parser.parse_args()
    if args.role == "fake":
        serve_fake(args.port)
    elif args.role in ("minimal", "confirming"):
        serve_minimal(args.port, args.api_url, confirm=args.role == "confirming")
    else:
        rates = [int(rate) for rate in args.rates.split(",")]
        if max(rates) > 2000 or args.seconds > 30 or not 1 <= args.rounds <= 5:
            parser.error("keep the load bounded: rates ≤ 2000/s, stages ≤ 30 s, rounds 1–5")
        if args.replicas:
            asyncio.run(run_replicas(args.replicas, args.seconds, args.clients, args.rounds))
        else:
            asyncio.run(run(rates, args.seconds, args.clients, args.rounds, args.write))


if __name__ == "__main__":
    main()
