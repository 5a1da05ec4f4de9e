"""The settings HAVEN_ENV=production refuses, each with the fix, for `haven serve` and `haven check`."""

from collections.abc import Callable
from dataclasses import dataclass

from bot.settings import Settings
from storage.db import normalize_url
from storage.secret_box import SecretKeyError

# Slack's signing secrets are 32 hexadecimal characters.
SLACK_SIGNING_SECRET_LENGTH = 32


@dataclass(frozen=True)
class Check:
    """One safety check of the settings: its name and, when it fails, what is wrong and the fix."""

    name: str
    problem: str | None  # None when the check passes


MINIMUM_DASHBOARD_KEY = 32  # characters of the key that signs dashboard sign-in links


def _secret_key(settings: Settings) -> str | None:
    if not settings.secret_key:
        return (
            "HAVEN_SECRET_KEY is not set: Slack tokens would be stored unencrypted; "
            "make one with `haven secrets new-key` and set it"
        )
    try:
        settings.secret_key_ring  # noqa: B018  (parsing is the check)
    except SecretKeyError as error:
        return str(error)
    return None


def _database(settings: Settings) -> str | None:
    if normalize_url(settings.database_url).startswith("sqlite") and not settings.allow_sqlite:
        return (
            "DATABASE_URL is a SQLite file: set DATABASE_URL to PostgreSQL, "
            "or HAVEN_ALLOW_SQLITE=1 if one process on one machine is what you want"
        )
    return None


def _api_urls(settings: Settings) -> str | None:
    if not settings.slack_api_url.startswith("https://"):
        return (
            f"SLACK_API_URL is '{settings.slack_api_url}', not https: tokens would travel in clear; "
            "unset it (default https://slack.com/api/)"
        )
    return None


def _signing_secret(settings: Settings) -> str | None:
    secret = settings.slack_signing_secret
    if secret and len(secret) < SLACK_SIGNING_SECRET_LENGTH:
        return (
            f"SLACK_SIGNING_SECRET has {len(secret)} characters, Slack's have "
            f"{SLACK_SIGNING_SECRET_LENGTH}: copy it from the app's Basic Information page"
        )
    return None


def _token_pairs(settings: Settings) -> str | None:
    slack_credentials = settings.slack_bot_token or settings.slack_client_id
    if slack_credentials and not (settings.slack_signing_secret or settings.slack_app_token):
        return (
            "SLACK_BOT_TOKEN or SLACK_CLIENT_ID is set without SLACK_SIGNING_SECRET: Slack would be "
            "off; set the signing secret (or SLACK_APP_TOKEN for Socket Mode)"
        )
    if bool(settings.slack_client_id) != bool(settings.slack_client_secret):
        return "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together: set both or neither"
    if settings.microsoft_app_password and not settings.microsoft_app_id:
        return "MICROSOFT_APP_PASSWORD is set but MICROSOFT_APP_ID is empty: set the app id"
    return None


def _teams_dev(settings: Settings) -> str | None:
    if settings.teams_dev:
        return "HAVEN_TEAMS_DEV=1 turns Teams authentication off: unset it"
    return None


def _dashboard_key(settings: Settings) -> str | None:
    if 0 < len(settings.dashboard_key) < MINIMUM_DASHBOARD_KEY:
        return (
            f"HAVEN_DASHBOARD_KEY is shorter than {MINIMUM_DASHBOARD_KEY} characters: a "
            "guessable key signs the dashboard's sign-in links; set a long random one"
        )
    return None


CHECKS: tuple[tuple[str, Callable[[Settings], str | None]], ...] = (
    ("secret key", _secret_key),
    ("database", _database),
    ("platform API URLs", _api_urls),
    ("Slack signing secret", _signing_secret),
    ("tokens with their secrets", _token_pairs),
    ("Teams development mode", _teams_dev),
    ("dashboard key", _dashboard_key),
)


def check_settings(settings: Settings) -> list[Check]:
    """Run every production check on the settings."""
    return [Check(name=name, problem=check(settings)) for name, check in CHECKS]
