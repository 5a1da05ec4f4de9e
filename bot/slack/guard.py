"""The one guard around every Slack listener: a failure becomes a short answer and one log line."""

import json
import logging
from typing import Any

from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError

from bot.error_site import where
from bot.slack import views

log = logging.getLogger(__name__)
UNREACHABLE = "Haven could not reach Slack just now; please try again in a minute."
FAILED = "Haven could not do that just now; please try again, or tell your Haven admin."


def _is_network(error: BaseException) -> bool:
    return isinstance(error, SlackApiError | OSError | TimeoutError) or (
        type(error).__module__.startswith("aiohttp")
    )


async def answer_failure(
    error: Exception, body: dict[str, Any], response: BoltResponse | None
) -> BoltResponse | None:
    """Acknowledge what failed, tell the person briefly where they acted, and log one line.

    No traceback is written: a hostile payload could fill the log with them, and a traceback's
    locals can hold what people typed. The file and line are enough to find the fault.
    """
    if isinstance(error, BoltUnhandledRequestError):  # a payload type Haven does not use
        return BoltResponse(status=200, body="") if response is not None else None
    log.warning(
        "Slack %s failed: %s at %s",
        str(body.get("type") or ("command" if "command" in body else "request"))[:40],
        type(error).__name__,
        where(error),
    )
    if response is None:  # acknowledged already: nothing more to send to Slack
        return None
    text = UNREACHABLE if _is_network(error) else FAILED
    if "command" in body:
        return _json({"response_type": "ephemeral", "text": text})
    if body.get("type") == "view_submission":
        return _json({"response_action": "update", "view": views.notice("Not saved", text)})
    return BoltResponse(status=200, body="")


def _json(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(
        status=200, body=json.dumps(payload), headers={"content-type": "application/json"}
    )
