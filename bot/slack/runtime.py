"""What the Slack side of Haven runs on: clients, the people cache, the notifier and the stores."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack.installations import installation_stores
from bot.slack.notifier import SlackNotifier
from bot.slack.pacing import Pacer
from bot.slack.people import SlackPeople
from bot.slack.web import SlackClients
from rituals.checkin_batch import CheckinRecorder
from rituals.checkin_click import CheckinClick
from rituals.ports import NotifierRegistry
from rituals.privacy.policy import PrivacyPolicy
from rituals.privacy.workspace_erasure import cancel_erasure
from storage.db import get_engine, normalize_url, session_scope

log = logging.getLogger(__name__)


def multi_workspace(settings: Settings) -> bool:
    """Return whether Slack runs as a distributed app installed through OAuth."""
    return bool(settings.slack_client_id and settings.slack_client_secret)


@dataclass
class SlackRuntime:
    """What listeners need: the database, the platforms, Slack clients and people, the relay key."""

    engine: Engine
    notifiers: NotifierRegistry
    notifier: SlackNotifier
    relay_key: bytes | None = None
    installation_store: AsyncInstallationStore | None = None
    state_store: AsyncOAuthStateStore | None = None
    rituals_changed: Callable[[], None] = field(default=lambda: None)
    app_token: str = ""  # Socket Mode
    privacy: PrivacyPolicy = field(default_factory=PrivacyPolicy)
    dashboard_key: str = ""  # signs the dashboard's one-time sign-in links
    dashboard_url: str = ""  # where the links point
    checkins: CheckinRecorder = field(init=False)  # writes check-in clicks in batches

    def __post_init__(self) -> None:
        self.checkins = CheckinRecorder(
            engine=self.engine, notifiers=self.notifiers, names=self._name_of
        )

    async def _name_of(self, click: CheckinClick) -> str:
        """Return the Slack name of the person who clicked (users.info, cached)."""
        return await self.people.display_name(team_id=click.workspace, user_id=click.user_id)

    @property
    def clients(self) -> SlackClients:
        """Return the notifier's clients."""
        return self.notifier.clients

    @property
    def people(self) -> SlackPeople:
        """Return the notifier's people cache."""
        return self.notifier.people


def build_notifier(
    *,
    settings: Settings,
    engine: Engine,
    installation_store: AsyncInstallationStore | None = None,
    pacer: Pacer | None = None,
) -> SlackNotifier:
    """Return a Slack notifier on the settings' API URL with one token or the installations."""
    clients = SlackClients(
        api_url=settings.slack_api_url,
        token=settings.slack_bot_token,
        installation_store=installation_store,
        pacer=pacer or Pacer(scale=settings.slack_rate_scale),
    )
    return SlackNotifier(clients=clients, people=SlackPeople(engine=engine, clients=clients))


def build_slack_notifier(*, settings: Settings, engine: Engine | None = None) -> SlackNotifier:
    """Return the Slack notifier for a process without the server (the CLI's `rituals run`)."""
    engine = engine or get_engine(normalize_url(settings.database_url))
    store = (
        installation_stores(
            engine=engine, client_id=settings.slack_client_id, ring=settings.secret_key_ring
        )[0]
        if multi_workspace(settings)
        else None
    )
    return build_notifier(settings=settings, engine=engine, installation_store=store)


def keep_workspace(*, engine: Engine, team_id: str) -> None:
    """Cancel the erasure of a workspace that installed Haven again within its grace period."""
    with session_scope(engine) as session:
        if cancel_erasure(session=session, platform="slack", external_id=team_id):
            log.info("Slack workspace %s installed Haven again: its erasure is cancelled", team_id)


def build_runtime(
    *, settings: Settings, engine: Engine, notifiers: NotifierRegistry, pacer: Pacer | None = None
) -> SlackRuntime:
    """Build the runtime of the mounted Slack app."""
    installation_store = state_store = None
    if multi_workspace(settings):
        installation_store, state_store = installation_stores(
            engine=engine,
            client_id=settings.slack_client_id,
            ring=settings.secret_key_ring,
            on_install=lambda team_id: keep_workspace(engine=engine, team_id=team_id),
        )
    return SlackRuntime(
        engine=engine,
        notifiers=notifiers,
        notifier=build_notifier(
            settings=settings,
            engine=engine,
            installation_store=installation_store,
            pacer=pacer,
        ),
        relay_key=settings.relay_key_bytes,
        installation_store=installation_store,
        state_store=state_store,
        privacy=settings.privacy_policy,
        dashboard_key=settings.dashboard_key,
        dashboard_url=settings.dashboard_url,
    )
