"""Configuration from the environment or a .env file; a platform whose settings are absent is off."""

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from rituals.relay import decode_relay_key


class Settings(BaseSettings):
    """Every setting Haven reads, named as in DESIGN.md."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(default="", alias="DATABASE_URL")
    port: int = Field(default=3978, alias="PORT", ge=0, le=65535)
    haven_env: Literal["development", "production"] = Field(
        default="development", alias="HAVEN_ENV"
    )
    sentiment_analyser: Literal["combined", "textblob", "vader"] = Field(
        default="combined", alias="HAVEN_SENTIMENT_ANALYSER"
    )
    relay_key: str = Field(default="", alias="HAVEN_RELAY_KEY")
    # One log line per HTTP request; off by default (the load balancer logs requests, and the
    # line costs about a tenth of a Slack click's CPU).
    access_log: bool = Field(default=False, alias="HAVEN_ACCESS_LOG")
    # Signs the dashboard's one-time sign-in links; without it no link can be made.
    dashboard_key: str = Field(default="", alias="HAVEN_DASHBOARD_KEY")
    # Where people reach `haven serve`, for the links in the chat; default http://localhost:PORT.
    public_url: str = Field(default="", alias="HAVEN_PUBLIC_URL")
    slack_bot_token: str = Field(default="", alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str = Field(default="", alias="SLACK_SIGNING_SECRET")
    slack_app_token: str = Field(default="", alias="SLACK_APP_TOKEN")
    slack_client_id: str = Field(default="", alias="SLACK_CLIENT_ID")
    slack_client_secret: str = Field(default="", alias="SLACK_CLIENT_SECRET")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    microsoft_app_id: str = Field(default="", alias="MICROSOFT_APP_ID")
    microsoft_app_password: str = Field(default="", alias="MICROSOFT_APP_PASSWORD")
    microsoft_app_type: str = Field(default="MultiTenant", alias="MICROSOFT_APP_TYPE")
    microsoft_app_tenant_id: str = Field(default="", alias="MICROSOFT_APP_TENANT_ID")
    # Teams without Bot Framework auth, for the Bot Framework Emulator; refused in production.
    teams_dev: bool = Field(default=False, alias="HAVEN_TEAMS_DEV")

    @property
    def relay_key_bytes(self) -> bytes | None:
        """Return the key that seals authors of anonymous answers for replies, or None when unset."""
        return decode_relay_key(self.relay_key) if self.relay_key else None

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
