"""Real `haven serve` processes for tests: start one on a free port, wait until it answers, kill it."""

import asyncio
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
HAVEN = Path(sys.executable).parent / "haven"
SECRET = "process-test-signing-secret-0123"
TEAM = "T0HAVEN"


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    """One `haven serve` process and where it listens."""

    process: subprocess.Popen  # type: ignore[type-arg]
    port: int
    log: Path

    @property
    def url(self) -> str:
        """Return the base URL of the process."""
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """Kill the process with SIGKILL, as a crash would, and reap it."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the process with SIGTERM (SIGKILL after 10 s) and reap it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def start_haven(*, env: dict[str, str], log: Path) -> Served:
    """Start `haven serve` on a free port with these settings, its output in the log file."""
    port = free_port()
    with log.open("ab") as output:
        process = subprocess.Popen(
            [str(HAVEN), "serve", "--port", str(port)],
            env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
            cwd=log.parent,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Served(process=process, port=port, log=log)


async def wait_until_up(served: Served, *, timeout: float = 30.0) -> None:
    """Wait until /healthz answers; fail with the log if the process died or never answered."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if served.process.poll() is not None:
                raise AssertionError(f"haven serve exited:\n{served.log.read_text()[-3000:]}")
            try:
                async with http.get(f"{served.url}/healthz") as response:
                    await response.read()
                    return
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
    raise AssertionError(f"haven serve did not answer:\n{served.log.read_text()[-3000:]}")


def signed_headers(
    body: bytes, *, content_type: str = "application/x-www-form-urlencoded"
) -> dict[str, str]:
    """Return Slack's signature headers for a body, timestamped now."""
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": content_type,
    }


def mood_click(*, occurrence_id: int, user: str, mood: int, channel: str) -> bytes:
    """Return the signed body of a block_actions mood click, as Slack posts it."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "AHAVEN",
        "token": "legacy-token",
        "container": {"type": "message", "message_ts": "1767000000.000001", "channel_id": channel},
        "trigger_id": f"{user}.trigger",
        "team": {"id": TEAM, "domain": "haven-test"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "team"},
        "state": {"values": {}},
        "actions": [
            {
                "action_id": f"haven_checkin_mood_{mood}",
                "block_id": "b",
                "value": f"{occurrence_id}:{mood}",
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def story_reply(*, user: str, channel: str, thread_ts: str, ts: str) -> bytes:
    """Return the JSON body of an Events API message event: a reply in a thread."""
    payload = {
        "token": "legacy-token",
        "team_id": TEAM,
        "api_app_id": "AHAVEN",
        "type": "event_callback",
        "event_id": f"Ev{ts.replace('.', '')}",
        "event_time": int(time.time()),
        "event": {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": "We shipped on a Friday and learnt to keep a rollback ready.",
            "ts": ts,
            "thread_ts": thread_ts,
            "event_ts": ts,
            "channel_type": "channel",
        },
        "authorizations": [{"team_id": TEAM, "user_id": "UHAVENBOT", "is_bot": True}],
    }
    return json.dumps(payload).encode()


def slack_env(*, database_url: str, api_url: str, **extra: str) -> dict[str, str]:
    """Return the environment of a single-workspace Slack Haven pointed at a fake Web API."""
    return {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-process-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "HAVEN_ENV": "development",
        **extra,
    }
