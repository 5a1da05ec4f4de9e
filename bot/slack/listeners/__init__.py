"""Bolt listeners: each turns a Slack payload into one core call and renders the outcome."""

import re

from slack_bolt.async_app import AsyncApp

from bot.slack.listeners import (
    admin,
    checkin,
    dashboard,
    digest,
    failure,
    feedback,
    home,
    installs,
    privacy,
    pulse,
    relay,
)
from bot.slack.runtime import SlackRuntime

ANYTHING = re.compile(".*")


def register_all(app: AsyncApp, runtime: SlackRuntime) -> None:
    """Register every listener; the catch-alls last, so only unknown payloads reach them."""
    # `/haven dashboard` before admin's `/haven`, which would answer it with help.
    for module in (
        checkin,
        failure,
        feedback,
        pulse,
        relay,
        dashboard,
        admin,
        home,
        installs,
        digest,
        privacy,
    ):
        module.register(app, runtime)
    app.action(ANYTHING)(ignore)
    app.view(ANYTHING)(ignore)


async def ignore(ack) -> None:  # type: ignore[no-untyped-def]
    """Acknowledge an action or view Haven does not know (an old message, another app's id)."""
    await ack()
