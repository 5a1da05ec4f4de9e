"""Sums over the named answers themselves: what a team-week rollup holds, in one SQL pass.

Per person and week first (a person's mean mood counts once), then per team and week; a window
compares each person with their previous week to count who was there both weeks. The rollups
are written from these statements at every close, and a team-week that is not rolled up yet is
read through them directly, so both give the same figures.
"""

from collections.abc import Sequence

from storage import iso_weeks

# The per-team-week sums, in the order WeekAnswers (storage/team_aggregates.py) lists them.
WEEK_FIELDS = (
    "respondents",
    "respondents_kept",
    "answered",
    "mood_people",
    "mood_sum_of_means",
    "low_mood_people",
    "mood_kept",
    "sentiment_people",
    "sentiment_sum",
    "sentiment_count",
    "text_count",
    "sentiment_kept",
    "pulse_people",
    "pulse_kept",
)

# Common table expressions ending in week_sums(team_id, ordinal, iso_week, *WEEK_FIELDS); the
# first week of {weeks} only gives the others their previous week.
WEEK_SUMS_CTE = """
weeks(iso_week, ordinal) AS (VALUES {weeks}),
per_person AS (
    SELECT r.team_id AS team_id, w.ordinal AS ordinal, w.iso_week AS iso_week,
           a.member_id AS member_id,
           avg(a.mood) AS mood_mean,
           sum(a.sentiment) AS sentiment_sum, count(a.sentiment) AS sentiment_count,
           count(a.text) AS text_count, count(a.mood) AS checkins,
           count(DISTINCT CASE WHEN a.item > 0 THEN a.occurrence_id END) AS pulses
    FROM answer a
    JOIN occurrence o ON o.id = a.occurrence_id
    JOIN ritual r ON r.id = o.ritual_id
    JOIN weeks w ON w.iso_week = o.iso_week
    WHERE r.kind IN ('checkin', 'safety_pulse') {team_filter}
    GROUP BY r.team_id, w.ordinal, w.iso_week, a.member_id
),
with_previous AS (
    SELECT per_person.*,
           CASE WHEN lag(ordinal) OVER history = ordinal - 1 THEN 1 ELSE 0 END AS was_there,
           lag(mood_mean) OVER history AS previous_mood,
           lag(sentiment_count) OVER history AS previous_sentiment_count,
           lag(pulses) OVER history AS previous_pulses
    FROM per_person
    WINDOW history AS (PARTITION BY team_id, member_id ORDER BY ordinal)
),
week_sums AS (
    SELECT team_id, ordinal, iso_week,
           count(*) AS respondents,
           sum(was_there) AS respondents_kept,
           sum(checkins) + sum(pulses) AS answered,
           count(mood_mean) AS mood_people,
           coalesce(sum(mood_mean), 0) AS mood_sum_of_means,
           sum(CASE WHEN mood_mean <= 2 THEN 1 ELSE 0 END) AS low_mood_people,
           sum(CASE WHEN was_there = 1 AND mood_mean IS NOT NULL AND previous_mood IS NOT NULL
                    THEN 1 ELSE 0 END) AS mood_kept,
           sum(CASE WHEN sentiment_count > 0 THEN 1 ELSE 0 END) AS sentiment_people,
           coalesce(sum(sentiment_sum), 0) AS sentiment_sum,
           sum(sentiment_count) AS sentiment_count,
           sum(text_count) AS text_count,
           sum(CASE WHEN was_there = 1 AND sentiment_count > 0 AND previous_sentiment_count > 0
                    THEN 1 ELSE 0 END) AS sentiment_kept,
           sum(CASE WHEN pulses > 0 THEN 1 ELSE 0 END) AS pulse_people,
           sum(CASE WHEN was_there = 1 AND pulses > 0 AND previous_pulses > 0
                    THEN 1 ELSE 0 END) AS pulse_kept
    FROM with_previous
    GROUP BY team_id, ordinal, iso_week
)
"""

WEEK_SUMS_SQL = (
    "WITH"
    + WEEK_SUMS_CTE
    + f"SELECT team_id, ordinal, {', '.join(WEEK_FIELDS)}\nFROM week_sums\n"
    + "WHERE ordinal > 0\nORDER BY team_id, ordinal\n"
)

# Each item's distinct people, answers and raw score sum per team and week.
ITEM_SUMS_SELECT = """
SELECT r.team_id, o.iso_week, a.item, count(DISTINCT a.member_id), count(*), sum(a.score)
FROM answer a
JOIN occurrence o ON o.id = a.occurrence_id
JOIN ritual r ON r.id = o.ritual_id
WHERE r.kind = 'safety_pulse' AND a.score IS NOT NULL AND o.iso_week IN ({weeks}) {team_filter}
GROUP BY r.team_id, o.iso_week, a.item
"""

ITEM_SUMS_SQL = ITEM_SUMS_SELECT + "ORDER BY r.team_id\n"

PERSON_WEEKS_SQL = """
SELECT o.iso_week, a.member_id, coalesce(sum(a.mood), 0), count(a.mood),
       coalesce(sum(a.sentiment), 0), count(a.sentiment), count(a.text),
       count(DISTINCT CASE WHEN a.item > 0 THEN a.occurrence_id END)
FROM answer a
JOIN occurrence o ON o.id = a.occurrence_id
JOIN ritual r ON r.id = o.ritual_id
WHERE r.team_id = :team_id AND r.kind IN ('checkin', 'safety_pulse')
      AND o.iso_week <= :last_week AND o.iso_week >= :since
GROUP BY o.iso_week, a.member_id
ORDER BY o.iso_week
"""

PERSON_ITEMS_SQL = """
SELECT o.iso_week, a.item, a.member_id, a.score
FROM answer a
JOIN occurrence o ON o.id = a.occurrence_id
JOIN ritual r ON r.id = o.ritual_id
WHERE r.team_id = :team_id AND r.kind = 'safety_pulse' AND a.score IS NOT NULL
      AND o.iso_week <= :last_week AND o.iso_week >= :since
ORDER BY o.iso_week
"""


def with_week_before(weeks: Sequence[str]) -> list[str]:
    """Return the weeks with the one before the first in front: each week's "kept" needs it."""
    return [iso_weeks.shifted(weeks[0], -1), *weeks]


def week_literals(weeks: Sequence[str]) -> str:
    """Return weeks as a list of checked SQL string literals."""
    return ", ".join(f"'{iso_weeks.checked(week)}'" for week in weeks)


def team_filter(team_ids: Sequence[int] | None, alias: str = "r") -> str:
    """Return the SQL condition limiting a statement to the bound :team_ids, if any."""
    return "" if team_ids is None else f"AND {alias}.team_id IN :team_ids"


OPEN_ROUNDS_SQL = """
SELECT DISTINCT o.iso_week, r.kind
FROM occurrence o
JOIN ritual r ON r.id = o.ritual_id
WHERE r.team_id = :team_id AND o.status <> 'closed' AND o.iso_week <= :last_week
"""
