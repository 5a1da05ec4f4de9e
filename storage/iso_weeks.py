"""ISO week labels as storage needs them: checked before they enter SQL, and counted in weeks."""

import re
from datetime import date, timedelta

ISO_WEEK = re.compile(r"\d{4}-W\d{2}")


def checked(week: str) -> str:
    """Return week if it is an ISO week label such as 2026-W47, else raise ValueError."""
    if not ISO_WEEK.fullmatch(week):
        raise ValueError(f"'{week}' is not an ISO week like 2026-W47")
    return week


def shifted(week: str, weeks: int) -> str:
    """Return the ISO week `weeks` weeks after week (before it when negative)."""
    year, number = int(checked(week)[:4]), int(week[6:])
    year, number, _ = (date.fromisocalendar(year, number, 1) + timedelta(weeks=weeks)).isocalendar()
    return f"{year}-W{number:02d}"


def consecutive(first: str, last: str) -> list[str]:
    """Return the ISO weeks first..last, both included, oldest first."""
    weeks = [checked(first)]
    while weeks[-1] < checked(last):
        weeks.append(shifted(weeks[-1], 1))
    return weeks


def values(weeks: list[str]) -> str:
    """Return SQL VALUES rows (week, ordinal) of checked weeks, to join on as literals."""
    return ", ".join(f"('{checked(week)}', {n})" for n, week in enumerate(weeks))
