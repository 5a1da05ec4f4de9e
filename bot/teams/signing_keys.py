"""Bot Framework signing keys, fetched in a worker thread with a timeout, never on the event loop.

botbuilder's `_OpenIdMetadata._refresh` fetches the OpenID metadata and the signing keys with
`requests.get` and no timeout, on the event loop: while the key endpoint is slow, every request
of the process (health checks, Slack clicks, the scheduler) waits with it. Haven replaces that
one method; botbuilder still decides when keys are refreshed and how tokens are checked.
"""

import asyncio
from datetime import datetime
from typing import Any

import requests
from botframework.connector.auth import jwt_token_extractor

KEY_FETCH_SECONDS = 10.0  # per HTTP request; a refresh makes two

_refreshing: dict[str, "asyncio.Task[list[dict[str, Any]]]"] = {}


def fetch_signing_keys(metadata_url: str, *, timeout: float) -> list[dict[str, Any]]:
    """Return the signing keys an OpenID metadata document points to (blocking)."""
    metadata = requests.get(metadata_url, timeout=timeout)
    metadata.raise_for_status()
    keys = requests.get(metadata.json()["jwks_uri"], timeout=timeout)
    keys.raise_for_status()
    return list(keys.json()["keys"])


async def _refresh_in_a_thread(self: Any) -> None:
    """Refresh one metadata's keys off the loop; concurrent callers share one fetch."""
    task = _refreshing.get(self.url)
    if task is None or task.done():
        fetch = asyncio.to_thread(fetch_signing_keys, self.url, timeout=KEY_FETCH_SECONDS)
        task = asyncio.ensure_future(asyncio.wait_for(fetch, timeout=2 * KEY_FETCH_SECONDS + 1))
        _refreshing[self.url] = task
    keys = await asyncio.shield(task)
    self.keys, self.last_updated = keys, datetime.now()


def fetch_keys_off_the_loop() -> None:
    """Make botbuilder fetch signing keys in a worker thread, with a timeout."""
    jwt_token_extractor._OpenIdMetadata._refresh = _refresh_in_a_thread  # type: ignore[method-assign]
