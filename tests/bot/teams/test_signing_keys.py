"""Bot Framework signing keys are fetched off the event loop: a hanging key endpoint stalls nothing."""

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botframework.connector.auth import ChannelValidation, JwtTokenExtractor

from bot.settings import Settings
from bot.teams import signing_keys
from tests.bot.teams import payloads
from tests.bot.teams.conftest import start_app
from tests.bot.teams.test_endpoint import APP_ID, unsigned_jwt

HANG_SECONDS = 3.0


class SlowMetadata(BaseHTTPRequestHandler):
    """An OpenID metadata endpoint that answers only after HANG_SECONDS."""

    def do_GET(self) -> None:
        """Answer late."""
        time.sleep(HANG_SECONDS)
        body = json.dumps({"jwks_uri": "http://127.0.0.1:9/keys"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with suppress(OSError):  # the fetch gave up waiting and hung up
            self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        """Stay quiet."""


@contextmanager
def hanging_key_endpoint() -> Iterator[str]:
    """Serve the slow endpoint in its own thread (not on the loop under test); yield its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowMetadata)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/openid"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
async def secured(engine, database_url):  # type: ignore[no-untyped-def]
    """Return a client to Haven with Bot Framework auth on."""
    settings = Settings(
        DATABASE_URL=database_url, MICROSOFT_APP_ID=APP_ID, MICROSOFT_APP_PASSWORD="secret"
    )
    client = await start_app(settings, engine)
    yield client
    await client.close()


async def test_healthz_answers_within_100_ms_while_the_key_endpoint_hangs(
    secured, connector, monkeypatch
):
    keys = hanging_key_endpoint()
    monkeypatch.setattr(ChannelValidation, "open_id_metadata_endpoint", keys.__enter__())
    monkeypatch.setattr(JwtTokenExtractor, "metadataCache", {})
    monkeypatch.setattr(signing_keys, "KEY_FETCH_SECONDS", 1.0)
    token = unsigned_jwt(
        {"iss": "https://api.botframework.com", "aud": APP_ID, "serviceurl": connector.url}
    )
    try:
        activity = secured.post(
            "/api/messages",
            json=payloads.bot_added(connector.url),
            headers={"Authorization": f"Bearer {token}"},
        )
        started = time.perf_counter()
        waiting = asyncio.ensure_future(activity)
        slowest = 0.0
        while time.perf_counter() - started < 0.8:  # polls while the key fetch hangs
            asked = time.perf_counter()
            response = await secured.get("/healthz")
            slowest = max(slowest, time.perf_counter() - asked)
            assert response.status == 200
            await asyncio.sleep(0.05)
        assert slowest < 0.1, f"/healthz took {slowest * 1000:.0f} ms"
        refused = await waiting
        assert refused.status == 401  # keys unreachable: refused after the timeout, not later
        assert time.perf_counter() - started < HANG_SECONDS
        assert connector.calls == []
    finally:
        keys.__exit__(None, None, None)
