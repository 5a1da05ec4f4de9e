"""The botbuilder CloudAdapter, and the settings check that decides whether Bot Framework auth is on."""

from dataclasses import dataclass
from types import SimpleNamespace

from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)

from bot.settings import Settings
from bot.teams.handler import log_turn_error
from bot.teams.retry import NoLibraryRetries
from bot.teams.signing_keys import fetch_keys_off_the_loop
from rituals.errors import HavenError

APP_TYPES = {
    "multitenant": "MultiTenant",
    "singletenant": "SingleTenant",
    "userassignedmsi": "UserAssignedMSI",
}


@dataclass(frozen=True)
class TeamsAuth:
    """How Teams runs: the bot's app id, and whether inbound requests must carry a valid JWT."""

    app_id: str
    required: bool


def teams_auth(settings: Settings) -> TeamsAuth:
    """Return how Teams runs with these settings, or raise HavenError saying why it must not run."""
    production = settings.haven_env == "production"
    if production and settings.teams_dev:
        raise HavenError(
            "HAVEN_TEAMS_DEV turns Teams authentication off and is refused when HAVEN_ENV=production; "
            "unset it"
        )
    app_type = APP_TYPES.get(settings.microsoft_app_type.lower())
    if app_type is None:
        raise HavenError(
            f"MICROSOFT_APP_TYPE is '{settings.microsoft_app_type}'; use one of {', '.join(APP_TYPES.values())}"
        )
    if settings.microsoft_app_id:
        if app_type != "MultiTenant" and not settings.microsoft_app_tenant_id:
            raise HavenError(f"MICROSOFT_APP_TYPE={app_type} needs MICROSOFT_APP_TENANT_ID")
        if app_type != "UserAssignedMSI" and not settings.microsoft_app_password:
            raise HavenError("MICROSOFT_APP_ID is set but MICROSOFT_APP_PASSWORD is empty")
        return TeamsAuth(app_id=settings.microsoft_app_id, required=True)
    if production:
        raise HavenError(
            "Teams settings are present but MICROSOFT_APP_ID is empty, and HAVEN_ENV=production "
            "never accepts unauthenticated Teams requests; set MICROSOFT_APP_ID and "
            "MICROSOFT_APP_PASSWORD, or remove the Teams settings"
        )
    if not settings.teams_dev:
        raise HavenError(
            "MICROSOFT_APP_PASSWORD or MICROSOFT_APP_TENANT_ID is set without MICROSOFT_APP_ID; "
            "set the app id, or HAVEN_TEAMS_DEV=1 to run Teams without authentication in development"
        )
    return TeamsAuth(app_id="", required=False)


def build_adapter(*, settings: Settings, auth: TeamsAuth) -> CloudAdapter:
    """Return a CloudAdapter for these settings; with an empty app id it neither checks nor sends tokens."""
    configuration = SimpleNamespace(
        APP_ID=auth.app_id,
        APP_PASSWORD=settings.microsoft_app_password if auth.required else "",
        APP_TYPE=APP_TYPES[settings.microsoft_app_type.lower()],
        APP_TENANTID=settings.microsoft_app_tenant_id,
    )
    fetch_keys_off_the_loop()
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(configuration))
    adapter.use(NoLibraryRetries())
    adapter.on_turn_error = log_turn_error
    return adapter
