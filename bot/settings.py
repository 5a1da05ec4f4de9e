"""Configuration from the environment or a .env file; a platform whose settings are absent is off."""

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from rituals.privacy.policy import PrivacyPolicy
from rituals.relay import decode_relay_key
from storage.secret_box import KeyRing


class Settings(BaseSettings):
    """Every setting Haven reads, named as in DESIGN.md."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(default="", alias="DATABASE_URL")
    # Production refuses SQLite unless the admin says they know (one process, one machine).
    allow_sqlite: bool = Field(default=False, alias="HAVEN_ALLOW_SQLITE")
    port: int = Field(default=3978, alias="PORT", ge=0, le=65535)
    # Loopback by default: a development server is not reachable from the network by accident.
    host: str = Field(default="127.0.0.1", alias="HAVEN_HOST", min_length=1)
    haven_env: Literal["development", "production"] = Field(
        default="development", alias="HAVEN_ENV"
    )
    sentiment_analyser: Literal["combined", "textblob", "vader"] = Field(
        default="combined", alias="HAVEN_SENTIMENT_ANALYSER"
    )
    relay_key: str = Field(default="", alias="HAVEN_RELAY_KEY", repr=False)
    # `id:key[,id:key…]`, the current key first: seals Slack tokens at rest (storage/secret_box.py)
    # and keys the duplicate guards of anonymous answers (bot.guard_secret derives a sub-key).
    secret_key: str = Field(default="", alias="HAVEN_SECRET_KEY", repr=False)
    # Days a leader may reply to an anonymous answer after its question closes; then the seal goes.
    reply_window_days: int = Field(default=30, alias="HAVEN_REPLY_WINDOW_DAYS", ge=1, le=365)
    # Days between an uninstall (or removal from a Teams tenant) and erasing the workspace.
    uninstall_grace_days: int = Field(default=30, alias="HAVEN_UNINSTALL_GRACE_DAYS", ge=0, le=365)
    # One log line per HTTP request; off by default (the load balancer logs requests, and the
    # line costs about a tenth of a Slack click's CPU).
    access_log: bool = Field(default=False, alias="HAVEN_ACCESS_LOG")
    # Database connections each process keeps open (PostgreSQL); as many again may open under load.
    database_pool_size: int = Field(default=5, alias="HAVEN_DATABASE_POOL_SIZE", ge=1, le=100)
    # How often a replica that does not schedule tries to take the scheduler over (PostgreSQL).
    scheduler_retry_seconds: float = Field(
        default=10.0, alias="HAVEN_SCHEDULER_RETRY_SECONDS", gt=0, le=30
    )
    # Seconds a sender's claim on an outbox message lasts; a claim older than this was abandoned
    # (its replica died) and the message is looked up on the platform before it is sent again.
    outbox_claim_seconds: float = Field(
        default=60.0, alias="HAVEN_OUTBOX_CLAIM_SECONDS", ge=1, le=3600
    )
    # Multiplies every Slack rate limit Haven paces itself to (tests and benchmarks against a
    # fake Slack that enforces the limits scaled by the same factor); 1 against the real Slack.
    slack_rate_scale: float = Field(default=1.0, alias="HAVEN_SLACK_RATE_SCALE", gt=0, le=1000)
    # Signs the dashboard's one-time sign-in links; without it no link can be made.
    dashboard_key: str = Field(default="", alias="HAVEN_DASHBOARD_KEY", repr=False)
    # Where people reach `haven serve`, for the links in the chat; default http://localhost:PORT.
    public_url: str = Field(default="", alias="HAVEN_PUBLIC_URL")
    slack_bot_token: str = Field(default="", alias="SLACK_BOT_TOKEN", repr=False)
    slack_signing_secret: str = Field(default="", alias="SLACK_SIGNING_SECRET", repr=False)
    slack_app_token: str = Field(default="", alias="SLACK_APP_TOKEN", repr=False)
    slack_client_id: str = Field(default="", alias="SLACK_CLIENT_ID")
    slack_client_secret: str = Field(default="", alias="SLACK_CLIENT_SECRET", repr=False)
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    microsoft_app_id: str = Field(default="", alias="MICROSOFT_APP_ID")
    microsoft_app_password: str = Field(default="", alias="MICROSOFT_APP_PASSWORD", repr=False)
    microsoft_app_type: str = Field(default="MultiTenant", alias="MICROSOFT_APP_TYPE")
    microsoft_app_tenant_id: str = Field(default="", alias="MICROSOFT_APP_TENANT_ID")
    # Teams without Bot Framework auth, for the Bot Framework Emulator; refused in production.
    teams_dev: bool = Field(default=False, alias="HAVEN_TEAMS_DEV")

    @property
    def relay_key_bytes(self) -> bytes | None:
        """Return the key that seals authors of anonymous answers for replies, or None when unset."""
        return decode_relay_key(self.relay_key) if self.relay_key else None

    @property
    def secret_key_ring(self) -> KeyRing | None:
        """Return the keys that seal secrets at rest, or None when HAVEN_SECRET_KEY is unset."""
        return KeyRing.parse(self.secret_key) if self.secret_key else None

    @property
    def privacy_policy(self) -> PrivacyPolicy:
        """Return the process-wide privacy settings (reply window, uninstall grace period)."""
        return PrivacyPolicy(
            reply_window_days=self.reply_window_days,
            uninstall_grace_days=self.uninstall_grace_days,
        )

    @property
    def dashboard_url(self) -> str:
        """Return the base URL of the dashboard's links."""
        return (self.public_url or f"http://localhost:{self.port}").rstrip("/")

    @property
    def slack_enabled(self) -> bool:
        """Return whether Slack has enough settings to run."""
        has_credentials = bool(
            self.slack_bot_token or (self.slack_client_id and self.slack_client_secret)
        )
        return has_credentials and bool(self.slack_signing_secret or self.slack_app_token)

    @property
    def teams_enabled(self) -> bool:
        """Return whether any Teams setting is present; bot.teams.adapter refuses unsafe ones."""
        return bool(
            self.microsoft_app_id
            or self.microsoft_app_password
            or self.microsoft_app_tenant_id
            or self.teams_dev
        )


@lru_cache(maxsize=1)
def load_settings() -> Settings:
    """Read the settings once per process."""
    return Settings()
