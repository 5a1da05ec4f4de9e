"""When rituals fire: cron in the team's time zone, moved off non-working days, once per occurrence.

Daylight saving time, decided here and relied on by the jobs:

- A wall-clock time that does not exist on the spring-forward day (02:30 in Europe/Berlin on
  2026-03-29) is not skipped: it fires once, read with the offset before the jump, i.e. 02:30 CET
  = 01:30 UTC, which the clocks show as 03:30 CEST.
- A wall-clock time that occurs twice on the fall-back day (02:30 in Europe/Berlin on 2026-10-25)
  fires once, at its first pass (02:30 CEST, 00:30 UTC). APScheduler 3's CronTrigger fires at
  both passes; `fire_times` drops the second, so the opening job run then finds the first
  occurrence already open and sends nothing.

(Both days are Sundays in Europe and the USA: with Monday-to-Friday working days, such a fire
time moves to Monday anyway.)
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from rituals.clock import to_utc

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CRON_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # crontab: 0 (and 7) = Sunday
LONGEST_SHIFT = timedelta(days=6)  # a fire time moves at most to the next working day
MAX_FIRE_TIMES = 5000


def cron_trigger(schedule: str, timezone: str) -> CronTrigger:
    """Return the trigger of a five-field cron expression in a time zone; ValueError when invalid.

    Day-of-week numbers follow crontab (0 or 7 = Sunday, 1 = Monday), not APScheduler 3's own
    numbering (0 = Monday), so "0 9 * * 1-5" means Monday to Friday. As in APScheduler, a day of
    the month and a day of the week given together must both match.
    """
    fields = schedule.split()
    if len(fields) != 5:
        raise ValueError(
            f"'{schedule}' is not a cron expression: it needs five fields "
            "(minute hour day-of-month month day-of-week)"
        )
    minute, hour, day, month, weekday = fields
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=_crontab_weekdays(weekday),
        timezone=zone_of(timezone),
    )


def zone_of(timezone: str) -> ZoneInfo:
    """Return the IANA time zone, raising ValueError when it does not exist."""
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise ValueError(f"'{timezone}' is not an IANA time zone like Europe/Berlin") from error


def _crontab_weekdays(field: str) -> str:
    """Translate a crontab day-of-week field into the day names APScheduler 3 reads."""
    if field == "*":
        return "*"
    days: set[int] = set()
    for part in field.lower().split(","):
        base, slash, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() else 0
        if slash and step < 1:
            raise ValueError(f"'{part}' has no valid step in the day-of-week field")
        if base == "*":
            first, last = 0, 6
        elif "-" in base:
            first_text, _, last_text = base.partition("-")
            first, last = _cron_weekday(first_text), _cron_weekday(last_text)
            if last == 0 < first:  # "fri-sun": Sunday closes the week
                last = 7
        else:
            first = _cron_weekday(base)
            last = 6 if slash else first
        if last < first:
            raise ValueError(f"'{part}' is not a valid range of days of the week")
        days.update(day % 7 for day in range(first, last + 1, step or 1))
    return ",".join(CRON_WEEKDAYS[day] for day in sorted(days, key=lambda day: (day - 1) % 7))


def _cron_weekday(text: str) -> int:
    if text.isdigit() and int(text) <= 7:
        return int(text)
    if text in CRON_WEEKDAYS:
        return CRON_WEEKDAYS.index(text)
    raise ValueError(f"'{text}' is not a day of the week (0-7 or sun, mon, ..., sat)")


def parse_working_days(text: str) -> frozenset[int]:
    """Turn 'mon,tue' into weekday numbers (Monday = 0); an empty text means every day counts."""
    days = set()
    for name in text.split(","):
        day = name.strip().lower()
        if not day:
            continue
        if day not in WEEKDAYS:
            raise ValueError(f"'{name.strip()}' is not a working day; use mon, tue, ..., sun")
        days.add(WEEKDAYS.index(day))
    return frozenset(days)


def shift_to_working_day(local: datetime, working_days: frozenset[int]) -> datetime:
    """Move a local fire time to the same wall-clock time on the next working day when needed."""
    if not working_days or local.weekday() in working_days:
        return local
    day = local
    while day.weekday() not in working_days:
        day += timedelta(days=1)
    naive = datetime.combine(day.date(), local.time())
    return naive.replace(tzinfo=local.tzinfo)


def repeats_earlier_wall_time(fire: datetime) -> bool:
    """Tell whether a local time is the second pass of a wall time the fall-back repeats."""
    return fire.fold == 1 and fire.replace(fold=0).utcoffset() != fire.utcoffset()


def fire_times(
    *, schedule: str, timezone: str, working_days: str, after_utc: datetime, until_utc: datetime
) -> list[datetime]:
    """Return the UTC times the ritual fires in (after, until], moved to working days.

    The bounds may be aware or naive (read as UTC); the times returned are aware UTC. Raises
    ValueError for an invalid schedule, time zone or working days, and when the schedule fires
    more than MAX_FIRE_TIMES times in the span rather than return a truncated list.
    """
    trigger = cron_trigger(schedule, timezone)
    days = parse_working_days(working_days)
    after, until = as_utc(after_utc), as_utc(until_utc)
    cursor = after - LONGEST_SHIFT
    found: set[datetime] = set()
    previous = None
    for _ in range(MAX_FIRE_TIMES):
        fire = trigger.get_next_fire_time(previous, cursor)
        if fire is None or fire > until:
            return sorted(found)
        if not repeats_earlier_wall_time(fire):
            shifted = to_utc(shift_to_working_day(fire, days))
            if after < shifted <= until:
                found.add(shifted)
        # Step on from the fire time itself; the trigger adds its microsecond in UTC. (Adding a
        # second to an aware local time is wall-clock arithmetic and drops `fold`, which sent
        # the search back to the first 02:30 of a fall-back day, over and over.)
        previous = cursor = fire
    raise ValueError(
        f"'{schedule}' fires more than {MAX_FIRE_TIMES} times between {after} and {until}"
    )


def as_utc(moment: datetime) -> datetime:
    """Return a time as aware UTC, reading a naive time as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def due_time(
    *, schedule: str, timezone: str, working_days: str, window: timedelta, now: datetime
) -> datetime | None:
    """Return the latest fire time (aware UTC) whose answer window is still open at `now`, if any."""
    times = fire_times(
        schedule=schedule,
        timezone=timezone,
        working_days=working_days,
        after_utc=now - window,
        until_utc=now,
    )
    return times[-1] if times else None
