"""Tables of the weekly digest: settings, leaders' time zones, deliveries and commitments."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class DigestSettings(SQLModel, table=True):
    """A team's digest schedule and alert thresholds; a team without a row gets the defaults."""

    team_id: int = Field(foreign_key="team.id", primary_key=True)
    send_weekday: int = Field(default=0)  # 0 = Monday, in each leader's own time zone
    send_time: str = Field(default="09:00", max_length=5)  # HH:MM
    participation_drop: float = Field(default=0.15)  # share of invitations, 0.15 = 15 points
    mood_drop: float = Field(default=0.5)  # on the 1–5 scale
    safety_drop: float = Field(default=5.0)  # on the 0–100 index
    low_mood_weeks: int = Field(default=3)  # weeks in a row with at least k people low
    feedback_negative: float = Field(default=-0.3)  # mean sentiment of released feedback


class LeaderProfile(SQLModel, table=True):
    """A leader's own time zone for the digest; without one, the team's time zone applies."""

    member_id: int = Field(foreign_key="member.id", primary_key=True)
    timezone: str = Field(max_length=64)


class DigestDelivery(SQLModel, table=True):
    """One digest for one leader, team and ISO week; the unique key makes it go out once."""

    __table_args__ = (UniqueConstraint("team_id", "member_id", "iso_week"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    iso_week: str = Field(max_length=8)  # the week the digest describes
    status: str = Field(
        default="sending", max_length=16
    )  # queued (in the outbox) | sent; sending: before the outbox
    claimed_at: datetime
    message_ref: str = Field(default="", max_length=200)


class LeaderCommitment(SQLModel, table=True):
    """What a leader said they will do after a digest; the next digest shows it beside the signals."""

    __table_args__ = (UniqueConstraint("team_id", "iso_week", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    iso_week: str = Field(max_length=8)  # the digest's week; the action happens the week after
    member_id: int = Field(foreign_key="member.id")
    text: str = Field(max_length=1000)
    created_at: datetime
