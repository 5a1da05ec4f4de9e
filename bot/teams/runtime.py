"""What the Teams handlers work with, and what they answer the person who acted."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from bot.teams.notifier import TeamsNotifier
from rituals.checkin_batch import CheckinRecorder
from rituals.ports import NotifierRegistry
from rituals.privacy.policy import PrivacyPolicy


@dataclass
class TeamsRuntime:
    """The database, every platform's notifier (a ritual may span them), Teams' own, the relay key."""

    engine: Engine
    notifiers: NotifierRegistry
    teams: TeamsNotifier
    relay_key: bytes | None
    dashboard_key: str = ""  # signs the dashboard's one-time sign-in links
    dashboard_url: str = ""  # where the links point
    privacy: PrivacyPolicy = field(default_factory=PrivacyPolicy)
    checkins: CheckinRecorder = field(init=False)  # writes check-in clicks in batches

    def __post_init__(self) -> None:
        # Teams names the clicker in the activity itself: no look-up after the commit.
        self.checkins = CheckinRecorder(engine=self.engine, notifiers=self.notifiers)


@dataclass(frozen=True)
class Reply:
    """What Haven answers the person who acted: one line of text, or a card."""

    text: str
    card: dict[str, Any] | None = None
