"""What the Teams handlers work with, and what they answer the person who acted."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from bot.teams.notifier import TeamsNotifier
from rituals.ports import NotifierRegistry
from rituals.privacy.policy import PrivacyPolicy


@dataclass
class TeamsRuntime:
    """The database, every platform's notifier (a ritual may span them), Teams' own, the relay key."""

    engine: Engine
    notifiers: NotifierRegistry
    teams: TeamsNotifier
    relay_key: bytes | None
    privacy: PrivacyPolicy = field(default_factory=PrivacyPolicy)


@dataclass(frozen=True)
class Reply:
    """What Haven answers the person who acted: one line of text, or a card."""

    text: str
    card: dict[str, Any] | None = None
