"""The file's shape: pydantic models in which unknown keys and loosely typed values are errors."""

from collections.abc import Hashable, Sequence
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, field_validator

from rituals.anonymity import DEFAULT_NUMBERS, DEFAULT_TEXTS, MINIMUM_THRESHOLD
from rituals.privacy.policy import (
    DEFAULT_RETENTION_DAYS,
    MAXIMUM_RETENTION_DAYS,
    MINIMUM_RETENTION_DAYS,
)
from rituals.scheduling import WEEKDAYS
from rituals.team_config.cron import cron_problem
from rituals.team_config.shown import shown

Platform = Literal["slack", "teams", "console"]
RitualKind = Literal["checkin", "failure_celebration", "anonymous_feedback", "safety_pulse"]
UserId = Annotated[str, Field(min_length=1, max_length=128)]

DEFAULT_WORKING_DAYS = ("mon", "tue", "wed", "thu", "fri")
DEFAULT_WORKSPACE = {"slack": "default", "teams": "default", "console": "local"}


class ConfigSection(BaseModel):
    """A part of the file: unknown keys and loosely typed values are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class ThresholdsConfig(ConfigSection):
    """The anonymity thresholds k for numbers and for texts; never below the minimum."""

    numbers: int = Field(default=DEFAULT_NUMBERS, ge=MINIMUM_THRESHOLD)
    texts: int = Field(default=DEFAULT_TEXTS, ge=MINIMUM_THRESHOLD)


class RitualConfig(ConfigSection):
    """One ritual of a team; `name` tells two rituals of the same kind apart."""

    kind: RitualKind
    name: str | None = Field(default=None, min_length=1, max_length=100)
    schedule: str = Field(max_length=100)
    mode: Literal["shared", "private"] | None = None
    question: str | None = Field(default=None, max_length=1000)
    window_minutes: int | None = Field(default=None, ge=5)
    paused: bool = False

    @field_validator("schedule")
    @classmethod
    def _usable_cron(cls, schedule: str) -> str:
        problem = cron_problem(schedule)
        if problem:
            raise ValueError(problem)
        return " ".join(schedule.split())

    @field_validator("mode")
    @classmethod
    def _mode_only_for_checkin(cls, mode: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if mode is not None and kind not in (None, "checkin"):
            raise ValueError(f"only a checkin has a mode; remove it from this {kind}")
        return mode

    @property
    def key(self) -> str:
        """Return the ritual's name within its team: its name, or its kind when unnamed."""
        return self.name or self.kind


class TeamConfig(ConfigSection):
    """One team: its channel, time zone, working days, people, thresholds and rituals."""

    name: str = Field(min_length=1, max_length=200)
    platform: Platform
    workspace: str | None = Field(default=None, min_length=1, max_length=128)
    channel: str = Field(min_length=1, max_length=200)
    timezone: str = "UTC"
    working_days: list[str] = Field(default_factory=lambda: list(DEFAULT_WORKING_DAYS))
    leaders: list[UserId] = Field(default_factory=list)
    members: list[UserId] | None = None  # None: everyone in the channel
    admins: list[UserId] = Field(default_factory=list)  # Haven admins of the team's workspace
    anonymity_threshold: ThresholdsConfig = Field(default_factory=ThresholdsConfig)
    # Days answers and texts are kept before the daily job deletes them; weekly figures stay.
    retention_days: int = Field(
        default=DEFAULT_RETENTION_DAYS, ge=MINIMUM_RETENTION_DAYS, le=MAXIMUM_RETENTION_DAYS
    )
    rituals: list[RitualConfig] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, timezone: str) -> str:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(
                f"{timezone!r} is not a known IANA time zone (for example 'Europe/Berlin')"
            ) from None
        return timezone

    @field_validator("working_days")
    @classmethod
    def _weekdays(cls, days: list[str]) -> list[str]:
        days = [day.casefold() for day in days]
        unknown = [day for day in days if day not in WEEKDAYS]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not a day; use {', '.join(WEEKDAYS)}")
        if not days:
            raise ValueError("name at least one working day")
        repeated = _first_repeat(days)
        if repeated:
            raise ValueError(f"{repeated!r} is listed twice")
        return sorted(days, key=WEEKDAYS.index)

    @field_validator("leaders", "members", "admins")
    @classmethod
    def _listed_once(cls, user_ids: list[str] | None) -> list[str] | None:
        repeated = _first_repeat(user_ids or [])
        if repeated:
            raise ValueError(f"{repeated!r} is listed twice")
        return user_ids

    @field_validator("anonymity_threshold", mode="before")
    @classmethod
    def _one_threshold_for_both(cls, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int | dict):
            raise ValueError(
                "should be a number, or a mapping like {numbers: 3, texts: 5}, "
                f"not {shown(value)}"
            )
        if isinstance(value, int) and value < MINIMUM_THRESHOLD:
            raise ValueError(f"{value} is below the minimum of {MINIMUM_THRESHOLD}")
        return {"numbers": value, "texts": value} if isinstance(value, int) else value

    @property
    def workspace_id(self) -> str:
        """Return the Slack team id / Teams tenant id, or the platform's default workspace."""
        return self.workspace or DEFAULT_WORKSPACE[self.platform]


class TeamsConfig(ConfigSection):
    """A whole config file: every team Haven runs rituals for."""

    teams: list[TeamConfig]
    _source: str = PrivateAttr(default="<config>")

    @property
    def source(self) -> str:
        """Return the name of the file the config came from."""
        return self._source


def _first_repeat(values: Sequence[Hashable]) -> Hashable | None:
    seen: set[Hashable] = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    return None
