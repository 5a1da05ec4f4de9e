"""Weekly aggregates for the digest: each query is one pass in SQL, streamed team by team.

The digest of 1,000 teams must not cost much more than one GROUP BY over their answers, so the
per-person work (mean of each person's moods, who was also there the week before) happens in
SQL, and Python receives one row per team and week. Rows come ordered by team and are merged
into one `TeamAggregates` per team, so memory holds one team at a time.
"""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection, Row
from sqlmodel import Session, select

from storage.models import Team
from storage.models_digest import DigestSettings

STREAM_BATCH = 1_000
ISO_WEEK = re.compile(r"\d{4}-W\d{2}")

# Per person and week first (a person's mean mood counts once), then per team and week; the
# window compares each person with their previous week to count who was there both weeks.
WEEK_ANSWERS_SQL = """
WITH weeks(iso_week, ordinal) AS (VALUES {weeks}),
per_person AS (
    SELECT r.team_id AS team_id, w.ordinal AS ordinal, a.member_id AS member_id,
           avg(a.mood) AS mood_mean,
           sum(a.sentiment) AS sentiment_sum, count(a.sentiment) AS sentiment_count,
           count(a.text) AS text_count, count(a.mood) AS checkins,
           count(DISTINCT CASE WHEN a.item > 0 THEN a.occurrence_id END) AS pulses
    FROM answer a
    JOIN occurrence o ON o.id = a.occurrence_id
    JOIN ritual r ON r.id = o.ritual_id
    JOIN weeks w ON w.iso_week = o.iso_week
    WHERE r.kind IN ('checkin', 'safety_pulse') {team_filter}
    GROUP BY r.team_id, w.ordinal, a.member_id
),
with_previous AS (
    SELECT per_person.*,
           CASE WHEN lag(ordinal) OVER history = ordinal - 1 THEN 1 ELSE 0 END AS was_there,
           lag(mood_mean) OVER history AS previous_mood,
           lag(sentiment_count) OVER history AS previous_sentiment_count,
           lag(pulses) OVER history AS previous_pulses
    FROM per_person
    WINDOW history AS (PARTITION BY team_id, member_id ORDER BY ordinal)
)
SELECT team_id, ordinal,
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
GROUP BY team_id, ordinal
ORDER BY team_id, ordinal
"""

ITEM_ANSWERS_SQL = """
SELECT r.team_id, o.iso_week, a.item, count(DISTINCT a.member_id), count(*), sum(a.score)
FROM answer a
JOIN occurrence o ON o.id = a.occurrence_id
JOIN ritual r ON r.id = o.ritual_id
WHERE r.kind = 'safety_pulse' AND a.score IS NOT NULL AND o.iso_week IN :weeks {team_filter}
GROUP BY r.team_id, o.iso_week, a.item
ORDER BY r.team_id
"""

RITUALS_SQL = """
SELECT r.team_id, o.iso_week, r.kind, o.pulse_items, sum(o.invited_count), max(o.invited_count)
FROM occurrence o
JOIN ritual r ON r.id = o.ritual_id
WHERE o.iso_week IN :weeks {team_filter}
GROUP BY r.team_id, o.iso_week, r.kind, o.pulse_items
ORDER BY r.team_id
"""

STORIES_SQL = """
SELECT r.team_id, o.iso_week, count(*), max(CASE WHEN m.is_leader THEN 1 ELSE 0 END)
FROM story s
JOIN member m ON m.id = s.member_id
JOIN occurrence o ON o.id = s.occurrence_id
JOIN ritual r ON r.id = o.ritual_id
WHERE o.iso_week IN :weeks {team_filter}
GROUP BY r.team_id, o.iso_week
ORDER BY r.team_id
"""

ANONYMOUS_SQL = """
SELECT r.team_id, o.iso_week, x.kind, count(*),
       sum(CASE WHEN x.released THEN 1 ELSE 0 END),
       sum(CASE WHEN x.released AND x.sentiment IS NOT NULL THEN 1 ELSE 0 END),
       coalesce(sum(CASE WHEN x.released THEN x.sentiment END), 0),
       sum(CASE WHEN x.released AND x.sentiment <= :strongly_negative THEN 1 ELSE 0 END)
FROM anonymousanswer x
JOIN occurrence o ON o.id = x.occurrence_id
JOIN ritual r ON r.id = o.ritual_id
WHERE o.iso_week IN :weeks {team_filter}
GROUP BY r.team_id, o.iso_week, x.kind
ORDER BY r.team_id
"""

COMMITMENTS_SQL = """
SELECT c.team_id, c.iso_week, c.text
FROM leadercommitment c
WHERE c.iso_week IN :weeks {team_filter}
ORDER BY c.team_id, c.iso_week, c.id
"""

PERSON_WEEKS_SQL = """
SELECT o.iso_week, a.member_id, coalesce(sum(a.mood), 0), count(a.mood),
       coalesce(sum(a.sentiment), 0), count(a.sentiment), count(a.text),
       count(DISTINCT CASE WHEN a.item > 0 THEN a.occurrence_id END)
FROM answer a
JOIN occurrence o ON o.id = a.occurrence_id
JOIN ritual r ON r.id = o.ritual_id
WHERE r.team_id = :team_id AND r.kind IN ('checkin', 'safety_pulse') AND o.iso_week <= :last_week
GROUP BY o.iso_week, a.member_id
ORDER BY o.iso_week
"""

PERSON_ITEMS_SQL = """
SELECT o.iso_week, a.item, a.member_id, a.score
FROM answer a
JOIN occurrence o ON o.id = a.occurrence_id
JOIN ritual r ON r.id = o.ritual_id
WHERE r.team_id = :team_id AND r.kind = 'safety_pulse' AND a.score IS NOT NULL
      AND o.iso_week <= :last_week
ORDER BY o.iso_week
"""

STRONGLY_NEGATIVE = -0.5  # a released feedback text at or below this counts as strongly negative


@dataclass(frozen=True)
class WeekAnswers:
    """A team's named answers in one ISO week; *_kept counts people also there the week before."""

    iso_week: str
    respondents: int = 0
    respondents_kept: int = 0
    answered: int = 0  # people summed over occurrences: one per person per check-in or pulse
    mood_people: int = 0
    mood_sum_of_means: float = 0.0
    low_mood_people: int = 0  # people whose mean mood of the week is 2 or lower
    mood_kept: int = 0
    sentiment_people: int = 0
    sentiment_sum: float = 0.0
    sentiment_count: int = 0
    text_count: int = 0
    sentiment_kept: int = 0
    pulse_people: int = 0
    pulse_kept: int = 0


@dataclass(frozen=True)
class ItemAnswers:
    """The answers to one safety item in one week: people, answers and the sum of raw scores."""

    iso_week: str
    item: int
    people: int
    answers: int
    score_sum: int


@dataclass
class WeekRituals:
    """What ran in a team's week: invitations and the pulse items asked."""

    iso_week: str
    invited: int = 0  # summed over check-ins, pulses and feedback questions
    max_invited: int = 0
    pulse_items: set[int] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)  # the kinds of ritual that ran


@dataclass
class WeekSharing:
    """Stories and anonymous answers of a team's week, counted."""

    iso_week: str
    stories: int = 0
    anonymous_stories: int = 0
    leader_shared: bool = False
    feedback_answers: int = 0
    feedback_released: int = 0
    released_scored: int = 0
    released_sentiment_sum: float = 0.0
    released_strongly_negative: int = 0


@dataclass
class TeamAggregates:
    """Everything the digest reads about one team, week by week."""

    team: Team
    settings: DigestSettings | None
    answers: dict[str, WeekAnswers] = field(default_factory=dict)
    items: dict[str, list[ItemAnswers]] = field(default_factory=dict)
    rituals: dict[str, WeekRituals] = field(default_factory=dict)
    sharing: dict[str, WeekSharing] = field(default_factory=dict)
    commitments: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class PersonWeek:
    """One person's named answers in one week (read only for teams whose weeks are pooled)."""

    iso_week: str
    member_id: int
    mood_sum: float
    mood_count: int
    sentiment_sum: float
    sentiment_count: int
    text_count: int
    pulses: int


@dataclass(frozen=True)
class PersonItem:
    """One person's raw answer to one safety item in one week."""

    iso_week: str
    item: int
    member_id: int
    score: int


class _TeamStream:
    """Rows ordered by team id, handed out one team at a time."""

    def __init__(self, rows: Iterator[Row]) -> None:
        self._rows = rows
        self._head = next(rows, None)

    def take(self, team_id: int) -> list[Row]:
        """Return the rows of this team, skipping those of teams before it."""
        taken = []
        while self._head is not None and self._head[0] <= team_id:
            if self._head[0] == team_id:
                taken.append(self._head)
            self._head = next(self._rows, None)
        return taken


def iter_team_aggregates(
    *, session: Session, weeks: Sequence[str], team_ids: Sequence[int] | None = None
) -> Iterator[TeamAggregates]:
    """Yield each team's aggregates for the consecutive ISO weeks given, in team id order."""
    connection = session.connection()
    streams = [
        _TeamStream(_stream(connection, sql, weeks=weeks, team_ids=team_ids, alias=alias))
        for sql, alias in (
            (ITEM_ANSWERS_SQL, "r"),
            (RITUALS_SQL, "r"),
            (STORIES_SQL, "r"),
            (ANONYMOUS_SQL, "r"),
            (COMMITMENTS_SQL, "c"),
        )
    ]
    answers = _TeamStream(_week_answers(connection, weeks=weeks, team_ids=team_ids))
    query = select(Team, DigestSettings).outerjoin(
        DigestSettings, DigestSettings.team_id == Team.id
    )
    if team_ids is not None:
        query = query.where(Team.id.in_(team_ids))
    for team, settings in session.exec(
        query.order_by(Team.id).execution_options(yield_per=STREAM_BATCH)
    ):
        found = TeamAggregates(team=team, settings=settings)
        found.answers = {row.iso_week: row for _, row in answers.take(team.id)}
        items, rituals, stories, anonymous, commitments = (s.take(team.id) for s in streams)
        _add_items(found, items)
        _add_rituals(found, rituals)
        _add_sharing(found, stories, anonymous)
        for _, week, commitment in commitments:
            found.commitments.setdefault(week, []).append(commitment)
        yield found


def _team_filter(alias: str, team_ids: Sequence[int] | None) -> str:
    return "" if team_ids is None else f"AND {alias}.team_id IN :team_ids"


def _stream(
    connection: Connection,
    sql: str,
    *,
    weeks: Sequence[str],
    team_ids: Sequence[int] | None,
    alias: str,
) -> Iterator[Row]:
    statement = text(sql.format(team_filter=_team_filter(alias, team_ids))).bindparams(
        bindparam("weeks", expanding=True)
    )
    params: dict[str, object] = {"weeks": list(weeks)}
    if ":strongly_negative" in sql:
        params["strongly_negative"] = STRONGLY_NEGATIVE
    if team_ids is not None:
        statement = statement.bindparams(bindparam("team_ids", expanding=True))
        params["team_ids"] = list(team_ids)
    yield from connection.execute(statement.execution_options(yield_per=STREAM_BATCH), params)


def _week_answers(
    connection: Connection, *, weeks: Sequence[str], team_ids: Sequence[int] | None
) -> Iterator[tuple[int, WeekAnswers]]:
    # The weeks go in as literals: with bound parameters PostgreSQL cannot estimate how many
    # occurrences each week matches and picks a plan 25% slower. Each is checked to be an ISO week.
    values = ", ".join(f"('{_iso_week(week)}', {n})" for n, week in enumerate(weeks))
    sql = WEEK_ANSWERS_SQL.format(weeks=values, team_filter=_team_filter("r", team_ids))
    statement = text(sql)
    params: dict[str, object] = {}
    if team_ids is not None:
        statement = statement.bindparams(bindparam("team_ids", expanding=True))
        params["team_ids"] = list(team_ids)
    for row in connection.execute(statement.execution_options(yield_per=STREAM_BATCH), params):
        team_id, ordinal, *numbers = row  # the SELECT lists WeekAnswers' fields in order
        yield team_id, WeekAnswers(weeks[ordinal], *(_number(n) for n in numbers))


def _iso_week(week: str) -> str:
    """Return week if it is an ISO week label such as 2026-W47, else raise ValueError."""
    if not ISO_WEEK.fullmatch(week):
        raise ValueError(f"'{week}' is not an ISO week like 2026-W47")
    return week


def _number(value: object) -> int | float:
    """Return a SQL aggregate as int or float (PostgreSQL returns Decimal for sums of ints)."""
    if isinstance(value, int | float):
        return value
    return float(value) if value is not None else 0  # type: ignore[arg-type]


def _add_items(found: TeamAggregates, rows: list[Row]) -> None:
    for _, week, item, people, answers, score_sum in rows:
        found.items.setdefault(week, []).append(
            ItemAnswers(
                iso_week=week, item=item, people=people, answers=answers, score_sum=int(score_sum)
            )
        )


def _add_rituals(found: TeamAggregates, rows: list[Row]) -> None:
    for _, week, kind, pulse_items, invited, max_invited in rows:
        rituals = found.rituals.setdefault(week, WeekRituals(iso_week=week))
        rituals.kinds.add(kind)
        if kind in ("checkin", "safety_pulse", "anonymous_feedback"):
            rituals.invited += int(invited)
            rituals.max_invited = max(rituals.max_invited, int(max_invited))
        if kind == "safety_pulse":
            rituals.pulse_items.update(int(n) for n in pulse_items.split(",") if n)


def _add_sharing(found: TeamAggregates, stories: list[Row], anonymous: list[Row]) -> None:
    for _, week, count, leader in stories:
        sharing = found.sharing.setdefault(week, WeekSharing(iso_week=week))
        sharing.stories += int(count)
        sharing.leader_shared = sharing.leader_shared or bool(leader)
    for _, week, kind, count, released, scored, sentiment_sum, negative in anonymous:
        sharing = found.sharing.setdefault(week, WeekSharing(iso_week=week))
        if kind == "story":
            sharing.anonymous_stories += int(count)
        elif kind == "feedback":
            sharing.feedback_answers += int(count)
            sharing.feedback_released += int(released)
            sharing.released_scored += int(scored)
            sharing.released_sentiment_sum += float(sentiment_sum)
            sharing.released_strongly_negative += int(negative)


def person_weeks(*, session: Session, team_id: int, last_week: str) -> list[PersonWeek]:
    """Return each person's named answers per week of a team, up to last_week, oldest first."""
    rows = session.connection().execute(
        text(PERSON_WEEKS_SQL), {"team_id": team_id, "last_week": last_week}
    )
    return [
        PersonWeek(week, member, float(mood_sum), mood_n, float(sent_sum), sent_n, texts, pulses)
        for week, member, mood_sum, mood_n, sent_sum, sent_n, texts, pulses in rows
    ]


def person_items(*, session: Session, team_id: int, last_week: str) -> list[PersonItem]:
    """Return each raw safety-item answer of a team, up to last_week, oldest first."""
    rows = session.connection().execute(
        text(PERSON_ITEMS_SQL), {"team_id": team_id, "last_week": last_week}
    )
    return [PersonItem(*row) for row in rows]
