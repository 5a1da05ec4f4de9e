"""Time helpers: Haven stores aware UTC and reasons about weeks in each team's time zone."""

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Return the current time in UTC, the form Haven stores."""
    return datetime.now(UTC).replace(microsecond=0)


def to_local(moment_utc: datetime, timezone: str) -> datetime:
    """Convert a UTC time (naive times are read as UTC) to local time in the zone."""
    if moment_utc.tzinfo is None:
        moment_utc = moment_utc.replace(tzinfo=UTC)
    return moment_utc.astimezone(ZoneInfo(timezone))


def to_utc(moment: datetime) -> datetime:
    """Convert an aware time to UTC."""
    return moment.astimezone(UTC)


def iso_week_of(day: date) -> str:
    """Return the ISO week label of a day, e.g. 2026-W47."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def local_iso_week(moment_utc: datetime, timezone: str) -> str:
    """Return the ISO week a UTC moment falls in, in the team's time zone."""
    return iso_week_of(to_local(moment_utc, timezone).date())


@lru_cache(maxsize=4096)
def week_monday(iso_week: str) -> date:
    """Return the Monday of an ISO week label."""
    year, week = parse_iso_week(iso_week)
    return date.fromisocalendar(year, week, 1)


def week_number(iso_week: str) -> int:
    """Return a running number of the ISO week: consecutive weeks differ by one."""
    return week_monday(iso_week).toordinal() // 7


def parse_iso_week(iso_week: str) -> tuple[int, int]:
    """Parse 2026-W47 into (2026, 47), raising ValueError with a clear message."""
    try:
        year_text, week_text = iso_week.upper().split("-W")
        year, week = int(year_text), int(week_text)
        date.fromisocalendar(year, week, 1)
    except ValueError as error:
        raise ValueError(f"'{iso_week}' is not an ISO week like 2026-W47") from error
    return year, week


def previous_weeks(iso_week: str, count: int) -> list[str]:
    """Return count ISO week labels ending with iso_week, oldest first."""
    monday = week_monday(iso_week)
    return [iso_week_of(monday - timedelta(weeks=back)) for back in range(count - 1, -1, -1)]
