"""Alerts fire on falling participation, dropping safety or mood, low-mood runs and harsh feedback."""

from rituals.alerts import Alert, AlertThresholds, ReleasedFeedback, detect_alerts
from rituals.digest import build_digest
from rituals.figures.model import Change, Figure, Metric, TrendPoint
from storage.models_digest import DigestSettings
from tests.conftest import make_ritual, make_team
from tests.rituals.digest_helpers import anonymous, checkins, occurrence, weeks_from

W = weeks_from("2026-W40", 8)
DEFAULTS = AlertThresholds()


def metric(name: str, unit: str, values: list[float | None]) -> Metric:
    """Return a metric whose week-by-week figures are values (None = withheld), last is current."""
    trend = tuple(
        TrendPoint((week,), v) for week, v in zip(W, values, strict=False) if v is not None
    )
    current = values[-1]
    return Metric(
        name=name,
        label={"participation_rate": "Participation", "mean_mood": "Mood"}.get(
            name, "Safety index"
        ),
        unit=unit,
        current=Figure(current, (W[len(values) - 1],), None if current is not None else "withheld"),
        change=Change(),
        trend=trend,
    )


def alerts(
    participation=(0.9,) * 5,
    mood=(3.5,) * 5,
    safety=(70.0,) * 5,
    low=(),
    feedback=None,
    thresholds=DEFAULTS,
) -> tuple[Alert, ...]:
    return detect_alerts(
        participation=metric("participation_rate", "%", list(participation)),
        mood=metric("mean_mood", "/5", list(mood)),
        safety=metric("safety_index", "/100", list(safety)),
        low_mood_weeks=list(zip(W, low, strict=False)),
        feedback=feedback,
        thresholds=thresholds,
        k_numbers=3,
        k_texts=5,
    )


def kinds(found: tuple[Alert, ...]) -> list[str]:
    return [alert.kind for alert in found]


def test_steady_signals_raise_no_alert():
    assert alerts() == ()


def test_participation_falling_is_an_alert_that_says_over_which_weeks():
    (alert,) = alerts(participation=(0.9, 0.85, 0.9, 0.85, 0.6))
    assert alert.kind == "participation_falling"
    assert "60%" in alert.detail and "28 points" in alert.detail and "Silence" in alert.detail
    assert alert.weeks == tuple(W[:5])
    assert alerts(participation=(0.9, 0.85, 0.9, 0.85, 0.8)) == ()  # 8 points: below 15


def test_a_slow_slide_in_participation_is_an_alert_too():
    assert kinds(alerts(participation=(0.95, 0.88, 0.81, 0.74))) == ["participation_falling"]
    assert alerts(participation=(0.95, 0.93, 0.92, 0.91)) == ()  # falling, but by 4 points


def test_safety_and_mood_drops_beyond_the_threshold_are_alerts():
    found = alerts(mood=(3.8, 3.9, 3.8, 3.9, 3.2), safety=(72.0, 71.0, 73.0, 72.0, 64.0))
    assert kinds(found) == ["safety_dropping", "mood_dropping"]
    assert "down 8" in found[0].detail and "3.20" in found[1].detail
    assert alerts(mood=(3.8, 3.9, 3.8, 3.9, 3.5), safety=(72.0, 71.0, 73.0, 72.0, 68.0)) == ()


def test_thresholds_come_from_the_teams_settings():
    strict = AlertThresholds.of(DigestSettings(team_id=1, mood_drop=0.2, safety_drop=2.0))
    assert kinds(alerts(mood=(3.8, 3.9, 3.8, 3.9, 3.6), thresholds=strict)) == ["mood_dropping"]
    assert AlertThresholds.of(None) == AlertThresholds()


def test_a_withheld_week_raises_nothing_and_is_not_a_baseline():
    assert alerts(mood=(3.9, 3.9, 3.9, 3.9, None)) == ()
    assert alerts(mood=(None, None, None, None, 2.0)) == ()  # nothing shown to compare with


def test_several_low_moods_in_a_row_only_when_k_people_are_low_each_week():
    (alert,) = alerts(low=(None, None, 3, 4, 3))
    assert alert.kind == "low_mood_run"
    assert alert.weeks == (W[2], W[3], W[4]) and "at least 3 people" in alert.detail
    assert " in 2026-W" not in alert.detail  # no exact count per week to subtract
    assert alerts(low=(None, 3, 4, None, 3)) == ()  # the run was broken
    assert alerts(low=(3, 4, 2, 3)) == ()  # 2 low people is fewer than k: not even counted


def test_anonymous_feedback_that_reads_strongly_negative_is_an_alert():
    harsh = ReleasedFeedback(W[4], released=6, scored=5, sentiment_sum=-2.5, strongly_negative=3)
    (alert,) = alerts(feedback=harsh)
    assert alert.kind == "negative_feedback" and "-0.50" in alert.detail
    mild = ReleasedFeedback(W[4], released=6, scored=5, sentiment_sum=-0.5, strongly_negative=1)
    assert alerts(feedback=mild) == ()
    too_few = ReleasedFeedback(W[4], released=4, scored=4, sentiment_sum=-4.0, strongly_negative=4)
    assert alerts(feedback=too_few) == ()  # fewer than k texts were released


def test_alerts_never_name_anyone(session):
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin")
    people = {f"U{n}": 4 for n in range(1, 7)}
    for week in W[:4]:
        checkins(session, team, ritual, week, people, invited=7)
    checkins(session, team, ritual, W[4], {"U1": 1, "U2": 2, "U3": 1}, invited=7)
    document = build_digest(session=session, team_id=team.id, iso_week=W[4])
    # mood 4.0 → 1.33 and participation 86% → 43%; one low week is not yet a run
    assert kinds(document.alerts) == ["mood_dropping", "participation_falling"]
    for alert in document.alerts:
        assert not any(user in alert.detail for user in people)
        assert "Person" not in alert.detail
    assert document.next_step.condition == "coaching"  # from the mood alert


def test_released_feedback_scoring_strongly_negative_reaches_the_digest(session):
    team = make_team(session)
    ritual = make_ritual(session, team, "anonymous_feedback")
    asked = occurrence(session, ritual, W[2], invited=7)
    anonymous(session, asked, "feedback", [-0.8, -0.6, -0.7, -0.2, None, -0.9])
    document = build_digest(session=session, team_id=team.id, iso_week=W[2])
    assert kinds(document.alerts) == ["negative_feedback"]
    assert document.next_step.condition == "trust"
