"""When rituals fire: cron in the team's time zone, moved off non-working days, once per occurrence."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from rituals.clock import to_utc

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LONGEST_SHIFT = timedelta(days=6)  # a fire time moves at most to the next working day
MAX_FIRE_TIMES = 5000


def cron_trigger(schedule: str, timezone: str) -> CronTrigger:
    """Return the trigger of a five-field cron expression in a time zone; ValueError when invalid."""
    return CronTrigger.from_crontab(schedule, timezone=ZoneInfo(timezone))


def parse_working_days(text: str) -> frozenset[int]:
    """Turn 'mon,tue' into weekday numbers (Monday = 0)."""
    return frozenset(WEEKDAYS.index(day.strip()) for day in text.split(",") if day.strip())


def shift_to_working_day(local: datetime, working_days: frozenset[int]) -> datetime:
    """Move a local fire time to the same wall-clock time on the next working day when needed."""
    if not working_days or local.weekday() in working_days:
        return local
    day = local
    while day.weekday() not in working_days:
        day += timedelta(days=1)
    naive = datetime.combine(day.date(), local.time())
    return naive.replace(tzinfo=local.tzinfo)


def fire_times(
    *, schedule: str, timezone: str, working_days: str, after_utc: datetime, until_utc: datetime
) -> list[datetime]:
    """Return the naive-UTC times the ritual fires in (after, until], moved to working days."""
    trigger = cron_trigger(schedule, timezone)
    zone = ZoneInfo(timezone)
    days = parse_working_days(working_days)
    cursor = (after_utc - LONGEST_SHIFT).replace(tzinfo=UTC).astimezone(zone)
    limit = until_utc.replace(tzinfo=UTC)
    found: set[datetime] = set()
    previous = None
    for _ in range(MAX_FIRE_TIMES):
        fire = trigger.get_next_fire_time(previous, cursor)
        if fire is None or fire > limit:
            break
        shifted = to_utc(shift_to_working_day(fire, days))
        if after_utc < shifted <= until_utc:
            found.add(shifted)
        previous, cursor = fire, fire + timedelta(seconds=1)
    return sorted(found)


def due_time(
    *, schedule: str, timezone: str, working_days: str, window: timedelta, now: datetime
) -> datetime | None:
    """Return the latest fire time whose answer window is still open at `now`, if any."""
    times = fire_times(
        schedule=schedule,
        timezone=timezone,
        working_days=working_days,
        after_utc=now - window,
        until_utc=now,
    )
    return times[-1] if times else None
