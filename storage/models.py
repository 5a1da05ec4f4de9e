"""SQLModel tables: the schema Alembic migrations create and the core reads and writes."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

PLATFORMS = ("slack", "teams", "console")
RITUAL_KINDS = ("checkin", "failure_celebration", "anonymous_feedback", "safety_pulse")


class Workspace(SQLModel, table=True):
    """One Slack workspace, Teams tenant or the console: where teams live."""

    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=128)  # Slack team id, Teams tenant id, "local" for console
    name: str = Field(default="", max_length=200)


class Team(SQLModel, table=True):
    """A team bound to one channel, with its time zone, working days and anonymity thresholds."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(max_length=200, unique=True)
    channel: str = Field(max_length=200)  # Slack channel id, Teams conversation id, console room
    timezone: str = Field(default="UTC", max_length=64)
    working_days: str = Field(default="mon,tue,wed,thu,fri", max_length=64)
    threshold_numbers: int = Field(default=3)
    threshold_texts: int = Field(default=5)
    members_from_channel: bool = Field(default=True)  # True when the config lists no members


class Member(SQLModel, table=True):
    """A person in a team, known by their platform user id; leaders receive the digest."""

    __table_args__ = (UniqueConstraint("team_id", "platform_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    platform_user_id: str = Field(max_length=128)
    display_name: str = Field(default="", max_length=200)
    is_leader: bool = Field(default=False)
    active: bool = Field(default=True)


class Ritual(SQLModel, table=True):
    """One configured ritual of a team: its kind, cron schedule and options."""

    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    name: str = Field(max_length=100)  # unique within the team; defaults to the kind
    kind: str = Field(max_length=32)
    schedule: str = Field(max_length=100)  # five-field cron, in the team's time zone
    mode: str = Field(default="shared", max_length=16)  # check-in only: shared | private
    question: str = Field(default="", max_length=1000)
    window_minutes: int = Field(default=0)  # 0 = the kind's default answer window
    paused: bool = Field(default=False)


class Occurrence(SQLModel, table=True):
    """One run of a ritual, identified by (ritual, scheduled UTC time): it can be sent only once."""

    __table_args__ = (UniqueConstraint("ritual_id", "scheduled_at"),)

    id: int | None = Field(default=None, primary_key=True)
    ritual_id: int = Field(foreign_key="ritual.id", index=True)
    scheduled_at: datetime  # aware UTC
    closes_at: datetime  # aware UTC
    iso_week: str = Field(max_length=8, index=True)  # e.g. 2026-W47, in the team's time zone
    sequence: int = Field(default=0)  # 0-based count of earlier occurrences of the ritual
    status: str = Field(default="open", max_length=16)  # open | closed
    invited_count: int = Field(default=0)
    pulse_items: str = Field(default="", max_length=32)  # safety pulse: e.g. "1,2"
    message_ref: str = Field(default="", max_length=200)  # platform id of the prompt message
    reminded: bool = Field(default=False)


class Answer(SQLModel, table=True):
    """A named answer: one per member, occurrence and pulse item; answering again replaces it."""

    __table_args__ = (UniqueConstraint("occurrence_id", "member_id", "item"),)

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    item: int = Field(default=0)  # safety pulse item 1..7; 0 for a check-in
    mood: int | None = Field(default=None)  # check-in 1..5
    score: int | None = Field(default=None)  # safety pulse 1..7 as answered (not reverse-scored)
    text: str | None = Field(default=None, max_length=4000)
    sentiment: float | None = Field(default=None)  # None = no signal
    message_ref: str = Field(default="", max_length=200)  # shared mode: the thread reply
    answered_at: datetime


class Story(SQLModel, table=True):
    """A failure-celebration story shared by name as a reply in the ritual's thread."""

    __table_args__ = (UniqueConstraint("occurrence_id", "message_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    message_ref: str = Field(max_length=200)  # platform message id: replays change nothing
    text: str = Field(max_length=4000)
    sentiment: float | None = Field(default=None)
    reactions: int = Field(default=0)
    shared_at: datetime


class AnonymousAnswer(SQLModel, table=True):
    """An anonymous answer: no member, no user id, a random key and only the day it was given."""

    key: str = Field(primary_key=True, max_length=32)  # random hex, re-drawn when shuffled at close
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    kind: str = Field(max_length=32)  # feedback | story
    text: str = Field(max_length=4000)
    sentiment: float | None = Field(default=None)
    answered_on: date
    released: bool = Field(default=False)
    # The author's address, encrypted with the server's relay key, only if they accept replies.
    reply_seal: str | None = Field(default=None, max_length=1000)


class AnonymousGuard(SQLModel, table=True):
    """Keyed hash of (member, occurrence) that blocks a second anonymous answer while open."""

    occurrence_id: int = Field(foreign_key="occurrence.id", primary_key=True)
    digest: str = Field(primary_key=True, max_length=64)


class HavenAdmin(SQLModel, table=True):
    """A person allowed to change Haven's setup in a workspace, besides the platform's own admins."""

    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    user_id: str = Field(max_length=128)
