"""Haven-side Slack tables: events already handled, and a cache of what users.info says."""

from datetime import datetime

from sqlmodel import Field, SQLModel


class SlackEvent(SQLModel, table=True):
    """An Events API event_id already handled: a retry or replay of it records nothing."""

    event_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = Field(index=True)  # aware UTC; rows older than a day are pruned


class SlackUser(SQLModel, table=True):
    """What users.info said about a person, kept for a while to spare Slack's rate limits."""

    team_id: str = Field(primary_key=True, max_length=32)  # Slack workspace id
    user_id: str = Field(primary_key=True, max_length=32)
    display_name: str = Field(default="", max_length=200)
    timezone: str = Field(default="", max_length=64)  # IANA name from users.info `tz`
    is_admin: bool = Field(default=False)  # workspace admin or owner
    is_bot: bool = Field(
        default=False
    )  # bots, Slackbot and deactivated accounts are never prompted
    away: bool = Field(default=False)  # status says vacation / out of office
    dm_channel: str = Field(default="", max_length=32)  # from conversations.open
    fetched_at: datetime  # aware UTC; refreshed after SlackPeople's time to live
