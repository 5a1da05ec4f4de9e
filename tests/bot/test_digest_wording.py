"""The digest reads plainly: labelled sparklines with gaps, the no-signal share under sentiment,
chart points with their values and a headline, and the signals table naming pooled weeks."""

import dataclasses

from bot.chart import chart_panels
from bot.console.digest_text import digest_text
from bot.console.tables import signals_table, withheld_notes
from bot.digest_format import sparkline
from rituals.figures.model import TrendPoint
from rituals.signals import WeekSignals
from tests.bot.test_digest_renderers import W, document  # noqa: F401 (a fixture)


def with_mood_trend(document, *points: TrendPoint):  # noqa: F811
    """Return the document with these mood trend points."""
    return dataclasses.replace(document, mood=dataclasses.replace(document.mood, trend=points))


def test_the_no_signal_share_sits_under_the_sentiment_line(document):  # noqa: F811
    lines = digest_text(dataclasses.replace(document, no_signal_share=0.25)).splitlines()

    [at] = [n for n, line in enumerate(lines) if "no sentiment signal" in line]
    assert lines[at - 1].lstrip().startswith("Sentiment:")
    assert "Sentiment leaves out 25% of check-in words" in lines[at]


def test_a_sparkline_names_its_weeks_and_marks_a_missing_one(document):  # noqa: F811
    gap = with_mood_trend(
        document,
        TrendPoint(weeks=(W[0],), value=2.0),
        TrendPoint(weeks=(W[1], W[2]), value=3.0),
        TrendPoint(weeks=(W[4],), value=4.0),
        TrendPoint(weeks=(W[7],), value=5.0),
    )

    line = sparkline(gap.mood, iso_week=gap.iso_week)

    assert line.startswith(f"{W[0][5:]} ") and line.endswith(f" {W[7][5:]}")
    marks = line.split()[1]
    assert len(marks) == 8
    assert marks[1] == marks[2]  # a pooled figure covers both its weeks
    assert [n for n, mark in enumerate(marks) if mark == "·"] == [3, 5, 6]


def test_the_chart_has_a_headline_values_on_points_and_no_line_across_a_gap(document):  # noqa: F811
    gap = with_mood_trend(
        document,
        TrendPoint(weeks=(W[0],), value=2.0),
        TrendPoint(weeks=(W[1],), value=3.0),
        TrendPoint(weeks=(W[3],), value=4.0),
    )

    mood = next(panel for panel in chart_panels(gap) if panel.title.startswith("Mood"))

    assert mood.title == f"Mood: {gap.mood.current.value:.2f}/5"
    assert [[point.label for point in run] for run in mood.runs] == [
        ["2.00/5", "3.00/5"],
        ["4.00/5"],
    ]


def test_the_signals_table_says_pooled_where_the_digest_pools(document):  # noqa: F811
    pooled = with_mood_trend(document, TrendPoint(weeks=(W[5], W[6]), value=3.5))
    rows = [
        WeekSignals(
            team="Platform",
            iso_week=week,
            invited=5,
            respondents=2,
            participation_rate=0.4,
            mean_mood=None,
            withheld={"mean_mood": "withheld: mood from 2 of the needed 3 people"},
        )
        for week in W[5:7]
    ]

    table = signals_table("t", rows, digest=pooled)
    notes = withheld_notes(rows, digest=pooled)

    mood_column = next(c for c in table.columns if c.header == "Mood")
    assert list(mood_column.cells) == ["pooled", "pooled"]
    assert notes[0].endswith(f"the digest pools it: {W[5]}–{W[6]} 3.50/5")
