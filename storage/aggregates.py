"""Weekly aggregates for the digest: each query is one pass in SQL, streamed team by team.

The digest of 1,000 teams must not cost much more than one GROUP BY over their answers, so the
per-person work (mean of each person's moods, who was also there the week before) is done when
an occurrence closes (storage/rollups.py) and the digest reads one row per team and week. A
team with a week that is not rolled up (an occurrence still open, or a close that did not get
to refresh) is read from its answers by the same SQL instead. Rows come ordered by team and are
merged into one `TeamAggregates` per team, so memory holds one team at a time.
"""

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection, Row
from sqlmodel import Session, select

from storage import iso_weeks
from storage.answer_sums import (
    ITEM_SUMS_SQL,
    OPEN_ROUNDS_SQL,
    PERSON_ITEMS_SQL,
    PERSON_WEEKS_SQL,
    WEEK_FIELDS,
    WEEK_SUMS_SQL,
    team_filter,
    week_literals,
    with_week_before,
)
from storage.models import Team
from storage.models_digest import DigestSettings
from storage.team_aggregates import (
    ItemAnswers,
    PersonItem,
    PersonWeek,
    TeamAggregates,
    WeekAnswers,
    WeekRituals,
    WeekSharing,
)

__all__ = [
    "ItemAnswers",
    "PersonItem",
    "PersonWeek",
    "TeamAggregates",
    "WeekAnswers",
    "WeekRituals",
    "WeekSharing",
    "iter_team_aggregates",
    "open_rounds",
    "person_items",
    "person_weeks",
]

STREAM_BATCH = 1_000

# The rollups of the weeks read, and which team-weeks they cover (see _rolled_up).
WEEK_ROLLUPS_SQL = f"""
SELECT team_id, iso_week, closed_occurrences, {", ".join(WEEK_FIELDS)}
FROM teamweekrollup
WHERE iso_week IN :weeks {{team_filter}}
ORDER BY team_id
"""

ITEM_ROLLUPS_SQL = """
SELECT team_id, iso_week, item, people, answers, score_sum
FROM teamitemrollup
WHERE iso_week IN :weeks {team_filter}
ORDER BY team_id
"""

# Invitations count over the rituals that ask everyone for an answer; check-ins and pulses are
# counted, open and closed, to tell whether their week's rollup is current.
RITUALS_SQL = """
SELECT r.team_id, o.iso_week,
       sum(CASE WHEN r.kind IN ('checkin', 'safety_pulse', 'anonymous_feedback')
                THEN o.invited_count ELSE 0 END),
       max(CASE WHEN r.kind IN ('checkin', 'safety_pulse', 'anonymous_feedback')
                THEN o.invited_count ELSE 0 END),
       max(CASE WHEN r.kind = 'failure_celebration' THEN 1 ELSE 0 END),
       sum(CASE WHEN r.kind IN ('checkin', 'safety_pulse') THEN 1 ELSE 0 END),
       sum(CASE WHEN r.kind IN ('checkin', 'safety_pulse') AND o.status = 'closed'
                THEN 1 ELSE 0 END)
FROM occurrence o
JOIN ritual r ON r.id = o.ritual_id
WHERE o.iso_week IN :weeks {team_filter}
GROUP BY r.team_id, o.iso_week
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

STRONGLY_NEGATIVE = -0.5  # a released feedback text at or below this counts as strongly negative


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
            (WEEK_ROLLUPS_SQL, "teamweekrollup"),
            (ITEM_ROLLUPS_SQL, "teamitemrollup"),
            (RITUALS_SQL, "r"),
            (STORIES_SQL, "r"),
            (ANONYMOUS_SQL, "r"),
            (COMMITMENTS_SQL, "c"),
        )
    ]
    query = select(Team, DigestSettings).outerjoin(
        DigestSettings, DigestSettings.team_id == Team.id
    )
    if team_ids is not None:
        query = query.where(Team.id.in_(team_ids))
    for team, settings in session.exec(
        query.order_by(Team.id).execution_options(yield_per=STREAM_BATCH)
    ):
        found = TeamAggregates(team=team, settings=settings)
        week_rows, items, rituals, stories, anonymous, commitments = (
            s.take(team.id) for s in streams
        )
        _add_rituals(found, rituals)
        if not _rolled_up(found, week_rows):
            week_rows = list(_week_sums(connection, weeks, team.id))
            items = list(_item_sums(connection, weeks, team.id))
        _add_answers(found, week_rows)
        _add_items(found, items)
        _add_sharing(found, stories, anonymous)
        for _, week, commitment in commitments:
            found.commitments.setdefault(week, []).append(commitment)
        yield found


def _rolled_up(found: TeamAggregates, week_rows: list[Row]) -> bool:
    """Return whether every week's rollup counts all its check-ins and pulses, all closed."""
    rolled = {week: closed for _, week, closed, *_ in week_rows}
    for week, rituals in found.rituals.items():
        if rituals.named and not rituals.named_closed == rituals.named == rolled.pop(week, -1):
            return False
    return not rolled  # a row whose occurrences are gone is not trusted either


def _stream(
    connection: Connection,
    sql: str,
    *,
    weeks: Sequence[str],
    team_ids: Sequence[int] | None,
    alias: str,
) -> Iterator[Row]:
    statement = text(sql.format(team_filter=team_filter(team_ids, alias))).bindparams(
        bindparam("weeks", expanding=True)
    )
    params: dict[str, object] = {"weeks": list(weeks)}
    if ":strongly_negative" in sql:
        params["strongly_negative"] = STRONGLY_NEGATIVE
    if team_ids is not None:
        statement = statement.bindparams(bindparam("team_ids", expanding=True))
        params["team_ids"] = list(team_ids)
    yield from connection.execute(statement.execution_options(yield_per=STREAM_BATCH), params)


def _week_sums(connection: Connection, weeks: Sequence[str], team_id: int) -> Iterator[Row]:
    """Yield a team's week rows computed from its answers, shaped like its rollup rows."""
    # The weeks go in as literals: with bound parameters PostgreSQL cannot estimate how many
    # occurrences each week matches and picks a plan 25% slower. Each is checked to be an ISO week.
    sql = WEEK_SUMS_SQL.format(
        weeks=iso_weeks.values(with_week_before(weeks)), team_filter=team_filter([team_id])
    )
    for team, ordinal, *numbers in _execute(connection, sql, team_id):
        yield (team, weeks[ordinal - 1], None, *(_number(n) for n in numbers))


def _item_sums(connection: Connection, weeks: Sequence[str], team_id: int) -> Iterator[Row]:
    """Yield a team's item rows computed from its answers, shaped like its rollup rows."""
    sql = ITEM_SUMS_SQL.format(weeks=week_literals(weeks), team_filter=team_filter([team_id]))
    yield from _execute(connection, sql, team_id)


def _execute(connection: Connection, sql: str, team_id: int) -> Iterator[Row]:
    statement = text(sql).bindparams(bindparam("team_ids", expanding=True))
    yield from connection.execute(statement, {"team_ids": [team_id]})


def _number(value: object) -> int | float:
    """Return a SQL aggregate as int or float (PostgreSQL returns Decimal for sums of ints)."""
    if isinstance(value, int | float):
        return value
    return float(value) if value is not None else 0  # type: ignore[arg-type]


def _add_answers(found: TeamAggregates, rows: Sequence[Sequence[Any]]) -> None:
    for _, week, _, *numbers in rows:
        if numbers[0]:  # a week rolled up with nobody answering reads as no answers at all
            found.answers[week] = WeekAnswers(week, *numbers)


def _add_items(found: TeamAggregates, rows: Sequence[Sequence[Any]]) -> None:
    for _, week, item, people, answers, score_sum in rows:
        found.items.setdefault(week, []).append(
            ItemAnswers(week, item, people, answers, int(score_sum))
        )


def _add_rituals(found: TeamAggregates, rows: list[Row]) -> None:
    for _, week, invited, max_invited, failure_thread, named, named_closed in rows:
        found.rituals[week] = WeekRituals(
            week, int(invited), max_invited, bool(failure_thread), int(named), int(named_closed)
        )


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


def person_weeks(
    *, session: Session, team_id: int, last_week: str, since: str = ""
) -> list[PersonWeek]:
    """Return each person's named answers per week of a team, since..last_week, oldest first."""
    rows = session.connection().execute(
        text(PERSON_WEEKS_SQL), {"team_id": team_id, "last_week": last_week, "since": since}
    )
    return [
        PersonWeek(week, member, float(mood_sum), mood_n, float(sent_sum), sent_n, texts, pulses)
        for week, member, mood_sum, mood_n, sent_sum, sent_n, texts, pulses in rows
    ]


def person_items(
    *, session: Session, team_id: int, last_week: str, since: str = ""
) -> list[PersonItem]:
    """Return each raw safety-item answer of a team, since..last_week, oldest first."""
    rows = session.connection().execute(
        text(PERSON_ITEMS_SQL), {"team_id": team_id, "last_week": last_week, "since": since}
    )
    return [PersonItem(*row) for row in rows]


def open_rounds(*, session: Session, team_id: int, last_week: str) -> dict[str, frozenset[str]]:
    """Return, for each week up to last_week, the ritual kinds of the team with a round still open."""
    found: dict[str, set[str]] = {}
    rows = session.connection().execute(
        text(OPEN_ROUNDS_SQL), {"team_id": team_id, "last_week": last_week}
    )
    for week, kind in rows:
        found.setdefault(week, set()).add(kind)
    return {week: frozenset(kinds) for week, kinds in found.items()}
