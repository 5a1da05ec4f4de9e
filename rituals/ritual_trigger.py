"""The APScheduler trigger of a ritual: its cron in the team's time zone, moved to working days.

A plain CronTrigger fires on a Saturday and leaves the Monday it moves to for someone else to
notice; this trigger fires at the moved time itself, and once at a wall time the fall-back day
repeats (see rituals/scheduling.py), so a ritual's job runs exactly when the ritual is due and
the sweep need not look at every ritual to find the ones that moved.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger

from rituals.clock import to_utc
from rituals.scheduling import (
    MAX_FIRE_TIMES,
    WEEKDAYS,
    cron_trigger,
    parse_working_days,
    repeats_earlier_wall_time,
    shift_to_working_day,
)

ONE_MICROSECOND = timedelta(microseconds=1)


class RitualTrigger(BaseTrigger):
    """Fire at each cron time of the schedule, moved to the next working day, once per wall time."""

    def __init__(self, *, schedule: str, timezone: str, working_days: str) -> None:
        self.cron = cron_trigger(schedule, timezone)  # ValueError when invalid
        self.working_days = parse_working_days(working_days)
        self.fingerprint = (schedule, timezone, working_days)

    @property
    def timezone(self) -> ZoneInfo:
        """Return the team's time zone, the trigger's."""
        return self.cron.timezone

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        """Return the first moved fire time after the previous one (or from now on), if any."""
        start = now
        if previous_fire_time is not None:  # as CronTrigger: never the previous time again
            start = min(now, previous_fire_time + ONE_MICROSECOND)
            if start == previous_fire_time:
                start += ONE_MICROSECOND
        best: datetime | None = None
        cursor, previous = self._earliest_moved_into(start), None
        for _ in range(MAX_FIRE_TIMES):
            fire = self.cron.get_next_fire_time(previous, cursor)
            if fire is None or (best is not None and fire >= best):
                return best  # a later cron time only moves later still
            if not repeats_earlier_wall_time(fire):
                moved = to_utc(shift_to_working_day(fire, self.working_days))
                if moved >= start and (best is None or moved < best):
                    best = moved.astimezone(self.timezone)
            previous = cursor = fire
        return best

    def _earliest_moved_into(self, start: datetime) -> datetime:
        """Return the start of the non-working days just before `start`, whose times move past it."""
        if not self.working_days:
            return start
        local = start.astimezone(self.timezone)
        days_back = 0
        while days_back < len(WEEKDAYS) and not self._works(
            local.date() - timedelta(days_back + 1)
        ):
            days_back += 1
        if days_back == 0 and self._works(local.date()):
            return start
        first = local.date() - timedelta(days=days_back)
        return datetime.combine(first, time(), tzinfo=self.timezone)

    def _works(self, day: date) -> bool:
        return day.weekday() in self.working_days

    def __str__(self) -> str:
        schedule, timezone, working_days = self.fingerprint
        return f"ritual[{schedule} {timezone}, working days {working_days or 'all'}]"
