"""Why a ritual's cron schedule is unusable, said in terms a person can fix."""

import re
from functools import lru_cache

from apscheduler.triggers.cron import CronTrigger

from rituals.scheduling import cron_trigger

CRON_RANGES = {"minute": "0–59", "hour": "0–23", "day": "1–31", "month": "1–12"}
OUT_OF_RANGE = re.compile(r"value \((\d+)\) is (?:higher|lower) than the")


@lru_cache(maxsize=1024)  # a file of thousands of teams repeats a handful of schedules
def cron_problem(expression: str) -> str | None:
    """Return why a five-field cron expression is unusable, or None when it is fine."""
    try:
        cron_trigger(expression, "UTC")  # the time zone cannot make an expression invalid
    except ValueError as error:
        return f"{expression!r} is not a valid cron expression ({_cron_reason(expression, error)})"
    return None


def _cron_reason(expression: str, error: ValueError) -> str:
    fields = expression.split()
    if len(fields) != 5:
        return f"it has {len(fields)} fields instead of 5: minute hour day month day-of-week"
    # The day of the week follows crontab's rules in cron_trigger, so its own message says it best.
    for name, value in zip(CRON_RANGES, fields[:4], strict=True):
        try:
            CronTrigger(**{name: value}, timezone="UTC")
        except ValueError as field_error:
            out_of_range = OUT_OF_RANGE.search(str(field_error))
            if out_of_range:
                return f"{name} {out_of_range.group(1)} is out of range {CRON_RANGES[name]}"
            return f"{name} {value!r}: {field_error}"
    return str(error)
