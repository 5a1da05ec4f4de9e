"""When rituals fire: the team's time zone across DST changes, working days, crontab day numbers."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rituals.scheduling import (
    MAX_FIRE_TIMES,
    cron_trigger,
    due_time,
    fire_times,
    parse_working_days,
    shift_to_working_day,
)

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
WEEKDAYS_ONLY = "mon,tue,wed,thu,fri"
EVERY_DAY = "mon,tue,wed,thu,fri,sat,sun"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def times(schedule, timezone, after, until, working_days=EVERY_DAY):
    return fire_times(
        schedule=schedule,
        timezone=timezone,
        working_days=working_days,
        after_utc=after,
        until_utc=until,
    )


def on_local_day(moments, timezone, day):
    return [m for m in moments if m.astimezone(ZoneInfo(timezone)).date() == day.date()]


# --- every trigger carries the team's time zone ---------------------------------------------


def test_the_trigger_carries_the_team_time_zone():
    trigger = cron_trigger("55 9 * * mon", BERLIN)
    assert trigger.timezone == ZoneInfo(BERLIN)
    winter = trigger.get_next_fire_time(None, utc(2026, 1, 1))
    summer = trigger.get_next_fire_time(None, utc(2026, 7, 1))
    assert winter.astimezone(UTC) == utc(2026, 1, 5, 8, 55)
    assert summer.astimezone(UTC) == utc(2026, 7, 6, 7, 55)


def test_berlin_monday_0955_is_0855_utc_in_winter_and_0755_utc_in_summer():
    spring = times("55 9 * * mon", BERLIN, utc(2026, 3, 16), utc(2026, 4, 7), WEEKDAYS_ONLY)
    autumn = times("55 9 * * mon", BERLIN, utc(2026, 10, 12), utc(2026, 11, 3), WEEKDAYS_ONLY)
    assert spring == [
        utc(2026, 3, 16, 8, 55),
        utc(2026, 3, 23, 8, 55),
        utc(2026, 3, 30, 7, 55),  # the clocks went forward on Sunday 29 March
        utc(2026, 4, 6, 7, 55),
    ]
    assert autumn == [
        utc(2026, 10, 12, 7, 55),
        utc(2026, 10, 19, 7, 55),
        utc(2026, 10, 26, 8, 55),  # the clocks went back on Sunday 25 October
        utc(2026, 11, 2, 8, 55),
    ]


def test_new_york_weekday_0900_follows_the_us_changes():
    spring = times("0 9 * * *", NEW_YORK, utc(2026, 3, 6), utc(2026, 3, 10), WEEKDAYS_ONLY)
    autumn = times("0 9 * * *", NEW_YORK, utc(2026, 10, 30), utc(2026, 11, 3), WEEKDAYS_ONLY)
    assert spring == [utc(2026, 3, 6, 14), utc(2026, 3, 9, 13)]  # EST, then EDT after 8 March
    assert autumn == [utc(2026, 10, 30, 13), utc(2026, 11, 2, 14)]  # EDT, then EST after 1 Nov


@pytest.mark.parametrize(
    ("timezone", "day", "expected"),
    [
        # 02:30 does not exist in Berlin on 29 March 2026 (02:00 CET -> 03:00 CEST). It fires
        # once, at the instant 02:30 CET would have been: 01:30 UTC = 03:30 CEST.
        (BERLIN, datetime(2026, 3, 29), utc(2026, 3, 29, 1, 30)),
        # Same in New York on 8 March 2026: 02:30 EST = 07:30 UTC = 03:30 EDT.
        (NEW_YORK, datetime(2026, 3, 8), utc(2026, 3, 8, 7, 30)),
    ],
)
def test_a_local_time_missing_on_the_spring_forward_day_fires_once_an_hour_later(
    timezone, day, expected
):
    week, midnight_utc = timedelta(days=7), day.replace(tzinfo=UTC)
    fired = times("30 2 * * *", timezone, midnight_utc - week, midnight_utc + week)
    assert on_local_day(fired, timezone, day) == [expected]
    assert expected.astimezone(ZoneInfo(timezone)).strftime("%H:%M") == "03:30"
    assert len(fired) == 14  # one a day, none skipped, none doubled


@pytest.mark.parametrize(
    ("timezone", "schedule", "day", "first_pass", "next_day"),
    [
        # 02:30 occurs twice in Berlin on 25 October 2026: at 00:30 UTC (CEST), 01:30 UTC (CET).
        (
            BERLIN,
            "30 2 * * *",
            datetime(2026, 10, 25),
            utc(2026, 10, 25, 0, 30),
            utc(2026, 10, 26, 1, 30),
        ),
        # 01:30 occurs twice in New York on 1 November 2026: at 05:30 UTC (EDT), 06:30 UTC (EST).
        (
            NEW_YORK,
            "30 1 * * *",
            datetime(2026, 11, 1),
            utc(2026, 11, 1, 5, 30),
            utc(2026, 11, 2, 6, 30),
        ),
    ],
)
def test_a_local_time_repeated_on_the_fall_back_day_fires_once_at_its_first_pass(
    timezone, schedule, day, first_pass, next_day
):
    # APScheduler 3's CronTrigger itself fires at both passes:
    trigger = cron_trigger(schedule, timezone)
    first = trigger.get_next_fire_time(None, first_pass)
    second = trigger.get_next_fire_time(first, first)
    assert first.astimezone(UTC) == first_pass
    assert second.astimezone(UTC) == first_pass + timedelta(hours=1)
    # fire_times keeps the first only, and the days after still follow:
    fired = times(
        schedule, timezone, first_pass - timedelta(days=3), first_pass + timedelta(days=4)
    )
    assert on_local_day(fired, timezone, day) == [first_pass]
    assert next_day in fired
    local_days = [m.astimezone(ZoneInfo(timezone)).date() for m in fired]
    assert local_days == [day.date() + timedelta(days=n) for n in range(-2, 4)]  # once a day


def test_the_second_pass_of_a_repeated_time_is_due_as_the_first_occurrence():
    window = timedelta(hours=4)
    at_second_pass = utc(2026, 10, 25, 1, 30, 5)
    due = due_time(
        schedule="30 2 * * *",
        timezone=BERLIN,
        working_days=EVERY_DAY,
        window=window,
        now=at_second_pass,
    )
    assert due == utc(2026, 10, 25, 0, 30)


# --- working days ----------------------------------------------------------------------------


def test_a_daily_ritual_has_no_weekend_occurrence_and_the_weekend_collapses_onto_monday():
    # Friday 20 November 2026 to Monday 23 November 2026 (inclusive), 09:00 Berlin = 08:00 UTC
    fired = times("0 9 * * *", BERLIN, utc(2026, 11, 16), utc(2026, 11, 23, 12), WEEKDAYS_ONLY)
    assert fired == [
        utc(2026, 11, 16, 8),
        utc(2026, 11, 17, 8),
        utc(2026, 11, 18, 8),
        utc(2026, 11, 19, 8),
        utc(2026, 11, 20, 8),
        utc(2026, 11, 23, 8),  # Saturday's and Sunday's runs are Monday's, once
    ]
    assert all(m.astimezone(ZoneInfo(BERLIN)).weekday() < 5 for m in fired)


def test_a_monthly_ritual_on_a_weekend_first_fires_on_the_next_working_day():
    fired = times("0 10 1 * *", BERLIN, utc(2026, 7, 15), utc(2026, 11, 15), WEEKDAYS_ONLY)
    assert fired == [
        utc(2026, 8, 3, 8),  # Saturday 1 August -> Monday 3 August, 10:00 CEST
        utc(2026, 9, 1, 8),  # Tuesday
        utc(2026, 10, 1, 8),  # Thursday
        utc(2026, 11, 2, 9),  # Sunday 1 November -> Monday 2 November, 10:00 CET
    ]


def test_a_moved_occurrence_is_due_on_the_working_day_not_on_the_weekend():
    common = {
        "schedule": "0 10 1 * *",
        "timezone": BERLIN,
        "working_days": WEEKDAYS_ONLY,
        "window": timedelta(hours=4),
    }
    assert due_time(**common, now=utc(2026, 8, 1, 8, 0, 30)) is None  # Saturday the 1st
    assert due_time(**common, now=utc(2026, 8, 3, 8, 0, 30)) == utc(2026, 8, 3, 8)


def test_shift_to_working_day_keeps_the_wall_clock_time_across_a_dst_change():
    zone = ZoneInfo(BERLIN)
    saturday = datetime(2026, 3, 28, 9, 0, tzinfo=zone)  # CET
    monday = shift_to_working_day(saturday, parse_working_days(WEEKDAYS_ONLY))
    assert monday == datetime(2026, 3, 30, 9, 0, tzinfo=zone)
    assert monday.astimezone(UTC) == utc(2026, 3, 30, 7)  # CEST


def test_parse_working_days():
    assert parse_working_days("Mon, tue,FRI") == frozenset({0, 1, 4})
    assert parse_working_days("") == frozenset()  # no restriction: every day counts
    with pytest.raises(ValueError, match="'funday' is not a working day"):
        parse_working_days("mon,funday")


def test_empty_working_days_keep_weekend_fire_times():
    fired = times("0 9 * * *", BERLIN, utc(2026, 11, 20), utc(2026, 11, 23), working_days="")
    assert fired == [utc(2026, 11, 20, 8), utc(2026, 11, 21, 8), utc(2026, 11, 22, 8)]


# --- crontab syntax ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weekday_field", "local_weekdays"),
    [
        ("1", {0}),  # crontab 1 = Monday (APScheduler 3 alone would read Tuesday)
        ("0", {6}),  # crontab 0 = Sunday
        ("7", {6}),  # crontab 7 = Sunday too
        ("1-5", {0, 1, 2, 3, 4}),
        ("5-7", {4, 5, 6}),
        ("*/2", {6, 1, 3, 5}),  # 0,2,4,6 = Sunday, Tuesday, Thursday, Saturday
        ("mon,wed", {0, 2}),
        ("MON-FRI", {0, 1, 2, 3, 4}),
        ("sat,sun", {5, 6}),
        ("*", {0, 1, 2, 3, 4, 5, 6}),
    ],
)
def test_day_of_week_numbers_follow_crontab(weekday_field, local_weekdays):
    fired = times(f"0 9 * * {weekday_field}", BERLIN, utc(2026, 11, 15), utc(2026, 11, 29))
    assert {m.astimezone(ZoneInfo(BERLIN)).weekday() for m in fired} == local_weekdays


@pytest.mark.parametrize(
    ("schedule", "timezone", "message"),
    [
        ("0 9 * *", BERLIN, "five fields"),
        ("61 9 * * *", BERLIN, "61"),
        ("0 9 * * 8", BERLIN, "not a day of the week"),
        ("0 9 * * fri-mon", BERLIN, "not a valid range"),
        ("0 9 * * mon", "Mars/Olympus_Mons", "not an IANA time zone"),
        ("0 9 * * mon", "", "not an IANA time zone"),
    ],
)
def test_an_invalid_schedule_or_time_zone_is_a_value_error(schedule, timezone, message):
    with pytest.raises(ValueError, match=message):
        cron_trigger(schedule, timezone)


def test_naive_bounds_are_read_as_utc_and_times_come_back_aware_utc():
    naive = times("55 9 * * mon", BERLIN, datetime(2026, 11, 22), datetime(2026, 11, 24))
    aware = times("55 9 * * mon", BERLIN, utc(2026, 11, 22), utc(2026, 11, 24))
    assert naive == aware == [utc(2026, 11, 23, 8, 55)]
    assert naive[0].tzinfo is UTC


def test_a_schedule_firing_too_often_raises_instead_of_returning_a_truncated_list():
    span = timedelta(minutes=MAX_FIRE_TIMES + 10)
    with pytest.raises(ValueError, match="fires more than"):
        times("* * * * *", BERLIN, utc(2026, 11, 23), utc(2026, 11, 23) + span)
