"""`haven serve` as a process: loopback by default, says how to turn platforms on, no Bolt noise."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

HAVEN = Path(sys.executable).with_name("haven")


def free_port() -> int:
    """Return a port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening_addresses(port: int) -> set[str]:
    """Return the local IPv4 addresses (hex, as /proc/net/tcp has them) listening on the port."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if int(hex_port, 16) == port and state == "0A":  # 0A: LISTEN
            found.add(address)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc/net/tcp")
def test_serve_listens_on_loopback_and_explains_which_platforms_are_off(tmp_path):
    port = free_port()
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "MICROSOFT_", "HAVEN_"))
    }
    environment |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": "3f1c0b7e5a9d2c4e6f8a0b1c2d3e4f50",
        "SLACK_API_URL": f"http://127.0.0.1:{free_port()}/api/",  # nobody there: auth.test fails
    }
    process = subprocess.Popen(
        [str(HAVEN), "serve", "--port", str(port)],
        env=environment,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                    assert reply.status == 200
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("haven serve did not answer /healthz within 60 s")
        addresses = listening_addresses(port)
    finally:
        process.send_signal(signal.SIGINT)
        log, _ = process.communicate(timeout=30)
    assert addresses == {"0100007F"}, log  # 127.0.0.1 only, not 0.0.0.0
    assert f"Haven listening on http://127.0.0.1:{port}; platforms on: console, slack" in log
    assert "Teams is off: set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD" in log
    assert "will be unused" not in log
    assert "Traceback" not in log
