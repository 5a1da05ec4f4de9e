"""What the Teams handlers work with, and what they answer the person who acted."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from bot.teams.notifier import TeamsNotifier
from rituals.ports import NotifierRegistry


@dataclass
class TeamsRuntime:
    """The database, every platform's notifier (a ritual may span them), Teams' own, the relay key."""

    engine: Engine
    notifiers: NotifierRegistry
    teams: TeamsNotifier
    relay_key: bytes | None
    dashboard_key: str = ""  # signs the dashboard's one-time sign-in links
    dashboard_url: str = ""  # where the links point


@dataclass(frozen=True)
class Reply:
    """What Haven answers the person who acted: one line of text, or a card."""

    text: str
    card: dict[str, Any] | None = None
