"""Fan-out: one anonymous-feedback prompt to N members through a fake Slack enforcing Slack's limits.

    python bench/fanout_bench.py --members 5000 --scale 50 --rounds 3

A real `haven serve` (SQLite) opens the round and its outbox worker sends every prompt to a
local fake Slack that answers 429 to any call beyond Slack's published limits:
conversations.open Tier 3 (50 a minute), chat.postMessage about 1 a second per channel and
300 a minute across the workspace (Slack says "several hundred"), each a token bucket holding
6 seconds' worth of calls. Each person's first prompt needs conversations.open (their DM) and
chat.postMessage. With every limit scaled by --scale (fake and Haven's pacer alike:
HAVEN_SLACK_RATE_SCALE), the run shows Haven's time from the first call of the fan-out to the
last prompt received beside the least time those limits allow, and counts prompts lost and
duplicated from the fake's records.
"""

import argparse
import asyncio
import math
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage.migrate import upgrade  # noqa: E402
from tests.bot.slack.fake_slack import FakeSlack  # noqa: E402
from tests.processes.fanout import add_team_due_now  # noqa: E402
from tests.processes.served import slack_env, start_haven, wait_until_up  # noqa: E402

PER_MINUTE = {"conversations.open": 50, "chat.postMessage": 60}  # Slack's published limits
WORKSPACE_POSTS_PER_MINUTE = 300
BURST_SECONDS = 6.0


class Bucket:
    """A token bucket: rate per second, holding BURST_SECONDS of calls."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate * BURST_SECONDS)
        self.tokens = self.capacity
        self.updated = time.monotonic()

    def take(self) -> float:
        """Take a token; return 0, or the seconds until one is free (the call is refused)."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class SlackLimits:
    """Refuses, as Slack does, every call beyond the (scaled) limits; counts the refusals."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.buckets: dict[tuple[str, str], Bucket] = {}
        self.refused: Counter[str] = Counter()

    def _bucket(self, method: str, channel: str, per_minute: float) -> Bucket:
        key = (method, channel)
        if key not in self.buckets:
            self.buckets[key] = Bucket(per_minute * self.scale / 60.0)
        return self.buckets[key]

    def __call__(self, method: str, args: dict[str, Any]) -> int:
        """Return 0 to serve the call, or the Retry-After seconds of a 429."""
        if method not in PER_MINUTE:
            return 0
        channel = str(args.get("channel", "")) if method == "chat.postMessage" else ""
        wait = self._bucket(method, channel, PER_MINUTE[method]).take()
        if not wait and method == "chat.postMessage":
            wait = self._bucket(method, "*", WORKSPACE_POSTS_PER_MINUTE).take()
        if wait:
            self.refused[method] += 1
            return max(1, math.ceil(wait))
        return 0


def lower_bound(members: int, scale: float) -> float:
    """Return the least seconds the limits allow for members × (conversations.open, a post)."""
    opens = Bucket(PER_MINUTE["conversations.open"] * scale / 60.0)
    posts = Bucket(WORKSPACE_POSTS_PER_MINUTE * scale / 60.0)
    last = 0.0
    for k in range(members):
        opened = max(0.0, (k + 1 - opens.capacity) / opens.rate)
        posted = max(opened, (k + 1 - posts.capacity) / posts.rate)
        last = max(last, posted)
    return last


async def one_round(members: int, scale: float, workdir: Path) -> dict[str, float]:
    """Run one fan-out; return Haven's seconds, the bound, lost, duplicated and 429s."""
    database_url = f"sqlite:///{workdir / 'haven.db'}"
    limits = SlackLimits(scale)
    fake = await FakeSlack(page_size=1000, anyone=True).start()
    refused_calls: list[int] = []

    def pacing(method: str, args: dict[str, Any]) -> int:
        wait = limits(method, args)
        if wait:
            refused_calls.append(len(fake.calls) - 1)
        return wait

    fake.pacing = pacing
    people = [f"U{n:05d}" for n in range(members)]
    upgrade(database_url)
    add_team_due_now(
        database_url,
        name="Everyone",
        channel="C0ALL",
        kind="anonymous_feedback",
        people=people,
        dm_open=False,
    )
    env = slack_env(database_url=database_url, api_url=fake.url, HAVEN_SLACK_RATE_SCALE=str(scale))
    served = start_haven(env=env, log=workdir / "haven.log")
    try:
        await wait_until_up(served, timeout=120)
        deadline = time.monotonic() + 3600
        while len({c.args["channel"] for c in accepted(fake, refused_calls)}) < members:
            if time.monotonic() > deadline or served.process.poll() is not None:
                break
            await asyncio.sleep(0.5)
        await asyncio.sleep(2)  # a duplicate would show by now
    finally:
        served.stop()
        await fake.close()
    posts = accepted(fake, refused_calls)
    fan_out = [c for c in fake.calls if c.method in ("conversations.open", "chat.postMessage")]
    per_person = Counter(str(c.args["channel"]) for c in posts)
    return {
        "haven": max(c.at for c in posts) - min(c.at for c in fan_out),
        "bound": lower_bound(members, scale),
        "lost": members - len(per_person),
        "duplicated": sum(n - 1 for n in per_person.values()),
        "refused": sum(limits.refused.values()),
    }


def accepted(fake: FakeSlack, refused_calls: list[int]) -> list[Any]:
    """Return the prompt posts the fake accepted."""
    refused = set(refused_calls)
    posts = []
    for index, call in enumerate(fake.calls):
        if call.method != "chat.postMessage" or index in refused:
            continue
        key = ((call.args.get("metadata") or {}).get("event_payload") or {}).get("key", "")
        if ":prompt:" in key:
            posts.append(call)
    return posts


async def main() -> None:
    """Run the rounds and print Haven's time beside the bound, with the load average."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--scale", type=float, default=50.0)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    results = []
    for number in range(options.rounds):
        with tempfile.TemporaryDirectory() as workdir:
            result = await one_round(options.members, options.scale, Path(workdir))
        results.append(result)
        print(
            f"round {number + 1}: {options.members} members, limits ×{options.scale:g}: "
            f"Haven {result['haven']:.1f} s, bound {result['bound']:.1f} s, "
            f"ratio {result['haven'] / result['bound']:.3f}; lost {result['lost']:.0f}, "
            f"duplicated {result['duplicated']:.0f}, 429s {result['refused']:.0f}; "
            f"load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    ratios = [r["haven"] / r["bound"] for r in results]
    print(
        f"median of {len(results)}: Haven {statistics.median(r['haven'] for r in results):.1f} s, "
        f"bound {results[0]['bound']:.1f} s, ratio {statistics.median(ratios):.3f}; "
        f"lost {sum(r['lost'] for r in results):.0f}, "
        f"duplicated {sum(r['duplicated'] for r in results):.0f}",
        flush=True,
    )


if __name__ == "__main__":
    asyncio.run(main())
