"""The ritual trigger fires exactly at the times the ritual is due: moved to working days, once per DST."""

from datetime import UTC, datetime, timedelta

import pytest

from rituals.ritual_trigger import RitualTrigger
from rituals.scheduling import fire_times

START = datetime(2026, 10, 20, tzinfo=UTC)  # spans Berlin's and New York's fall-back days
END = START + timedelta(days=40)

CASES = [
    ("55 9 * * mon", "Europe/Berlin", "mon,tue,wed,thu,fri"),
    ("0 10 * * sat", "Europe/Berlin", "mon,tue,wed,thu,fri"),  # always moves to Monday
    ("30 2 * * *", "Europe/Berlin", "mon,tue,wed,thu,fri,sat,sun"),  # 02:30 twice on 25 October
    ("0 9,17 * * *", "America/New_York", "mon,tue,wed,thu,fri"),  # weekend times pile on Monday
    ("0 10 1 * *", "Asia/Kolkata", "sun,mon,tue,wed,thu"),
    ("*/20 8 * * fri,sat", "UTC", "mon,tue,wed,thu,fri"),
    ("0 12 * * *", "UTC", ""),  # no working days listed: every day counts
]


def fired(trigger: RitualTrigger, *, start: datetime, end: datetime) -> list[datetime]:
    """Walk the trigger the way APScheduler does, from `start` until `end`."""
    times: list[datetime] = []
    fire = trigger.get_next_fire_time(None, start)
    while fire is not None and fire <= end:
        times.append(fire.astimezone(UTC))
        fire = trigger.get_next_fire_time(fire, fire)
    return times


@pytest.mark.parametrize(("schedule", "timezone", "working_days"), CASES)
def test_the_trigger_fires_at_every_time_the_ritual_is_due_and_only_then(
    schedule, timezone, working_days
):
    trigger = RitualTrigger(schedule=schedule, timezone=timezone, working_days=working_days)
    expected = fire_times(
        schedule=schedule,
        timezone=timezone,
        working_days=working_days,
        after_utc=START - timedelta(microseconds=1),
        until_utc=END,
    )
    assert expected  # the span holds at least one fire time of each case
    assert fired(trigger, start=START, end=END) == expected


def test_a_saturday_ritual_fires_on_monday_at_its_wall_time():
    trigger = RitualTrigger(
        schedule="0 10 * * sat", timezone="Europe/Berlin", working_days="mon,tue,wed,thu,fri"
    )
    friday = datetime(2026, 11, 27, 12, tzinfo=UTC)
    assert trigger.get_next_fire_time(None, friday) == datetime(2026, 11, 30, 9, tzinfo=UTC)


def test_from_inside_the_weekend_the_moved_time_is_still_ahead():
    trigger = RitualTrigger(
        schedule="0 9 * * *", timezone="UTC", working_days="mon,tue,wed,thu,fri"
    )
    sunday_noon = datetime(2026, 11, 29, 12, tzinfo=UTC)
    assert trigger.get_next_fire_time(None, sunday_noon) == datetime(2026, 11, 30, 9, tzinfo=UTC)


def test_an_invalid_schedule_or_time_zone_is_refused():
    with pytest.raises(ValueError):
        RitualTrigger(schedule="61 25 * * *", timezone="UTC", working_days="")
    with pytest.raises(ValueError):
        RitualTrigger(schedule="0 9 * * *", timezone="Mars/Olympus_Mons", working_days="")
