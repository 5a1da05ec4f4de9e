"""Keep each team-week's rollups current: rewritten from the answers when an occurrence closes.

`refresh_rollups` rewrites a team's rows of one week and of the week after it (whose "kept"
counts compare with it) from their answers, one statement per table. Deleting and inserting
makes it idempotent: a retried close, or two processes closing at once, write the same rows.
A row is current while its closed_occurrences equals its team-week's check-ins and pulses, all
of them closed; the digest reads any other team-week from the answers (storage/aggregates.py).
`rebuild_rollups` runs the same statements over every team and week, for the migration that
backfills an existing database and for the benchmark's bulk load.
"""

from collections.abc import Sequence

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage import iso_weeks
from storage.answer_sums import (
    ITEM_SUMS_SELECT,
    WEEK_FIELDS,
    WEEK_SUMS_CTE,
    team_filter,
    week_literals,
)

ROLLED_UP_KINDS = ("checkin", "safety_pulse")  # the rituals whose named answers are summed
ATTEMPTS = 3  # a concurrent refresh of the same rows makes an insert collide: run it again

# Every team-week of {weeks} but the first that has check-ins or pulses gets a row, zeros
# when nobody answered, so the digest can tell "rolled up, no answers" from "not rolled up".
WEEK_ROLLUP_INSERT = (
    "WITH"
    + WEEK_SUMS_CTE
    + """,
named AS (
    SELECT r.team_id AS team_id, o.iso_week AS iso_week,
           sum(CASE WHEN o.status = 'closed' THEN 1 ELSE 0 END) AS closed_occurrences
    FROM occurrence o
    JOIN ritual r ON r.id = o.ritual_id
    WHERE r.kind IN ('checkin', 'safety_pulse') AND o.iso_week IN ({written}) {team_filter}
    GROUP BY r.team_id, o.iso_week
)
"""
    + f"INSERT INTO teamweekrollup (team_id, iso_week, closed_occurrences, {', '.join(WEEK_FIELDS)})\n"
    + "SELECT n.team_id, n.iso_week, n.closed_occurrences, "
    + ", ".join(f"coalesce(s.{name}, 0)" for name in WEEK_FIELDS)
    + "\nFROM named n LEFT JOIN week_sums s ON s.team_id = n.team_id AND s.iso_week = n.iso_week\n"
)

ITEM_ROLLUP_INSERT = (
    "INSERT INTO teamitemrollup (team_id, iso_week, item, people, answers, score_sum)"
    + ITEM_SUMS_SELECT
)

NAMED_OCCURRENCES_SQL = """
SELECT count(*), sum(CASE WHEN o.status = 'closed' THEN 1 ELSE 0 END)
FROM occurrence o
JOIN ritual r ON r.id = o.ritual_id
WHERE r.team_id = :team_id AND o.iso_week = :iso_week AND r.kind IN ('checkin', 'safety_pulse')
"""


def refresh_rollups(*, session: Session, team_id: int, iso_week: str) -> None:
    """Rewrite the team's rollups of iso_week and the week after from the answers, and commit."""
    weeks = [iso_weeks.shifted(iso_week, shift) for shift in (-1, 0, 1)]
    for attempt in range(1, ATTEMPTS + 1):
        try:
            _write(session.connection(), weeks=weeks, team_ids=[team_id])
            session.commit()
            return
        except IntegrityError:
            session.rollback()
            if attempt == ATTEMPTS:
                raise


def refresh_if_stale(*, session: Session, team_id: int, iso_week: str) -> bool:
    """Refresh the team-week's rollups unless they count its closed occurrences; return whether."""
    connection = session.connection()
    params = {"team_id": team_id, "iso_week": iso_week}
    _, closed = connection.execute(text(NAMED_OCCURRENCES_SQL), params).one()
    rolled = connection.execute(
        text(
            "SELECT closed_occurrences FROM teamweekrollup "
            "WHERE team_id = :team_id AND iso_week = :iso_week"
        ),
        params,
    ).scalar()
    if (closed or 0) == (rolled or 0):
        return False
    refresh_rollups(session=session, team_id=team_id, iso_week=iso_week)
    return True


def rebuild_rollups(connection: Connection) -> None:
    """Rewrite every team-week's rollups from the answers, in the caller's transaction."""
    connection.execute(text("DELETE FROM teamitemrollup"))
    connection.execute(text("DELETE FROM teamweekrollup"))
    first, last = connection.execute(
        text("SELECT min(iso_week), max(iso_week) FROM occurrence")
    ).one()
    if first is None:
        return
    _write(
        connection,
        weeks=iso_weeks.consecutive(iso_weeks.shifted(first, -1), last),
        team_ids=None,
        deleted=True,
    )


def _write(
    connection: Connection,
    *,
    weeks: Sequence[str],
    team_ids: Sequence[int] | None,
    deleted: bool = False,
) -> None:
    """Replace the rollups of weeks[1:] (of the teams given, or all) with sums of their answers."""
    written = week_literals(weeks[1:])
    params: dict[str, object] = {}
    if team_ids is not None:
        params["team_ids"] = list(team_ids)
    for table in ("teamitemrollup", "teamweekrollup"):
        if not deleted:
            condition = "" if team_ids is None else "team_id IN :team_ids AND "
            _run(
                connection, f"DELETE FROM {table} WHERE {condition}iso_week IN ({written})", params
            )
    _run(
        connection,
        WEEK_ROLLUP_INSERT.format(
            weeks=iso_weeks.values(list(weeks)), written=written, team_filter=team_filter(team_ids)
        ),
        params,
    )
    _run(
        connection,
        ITEM_ROLLUP_INSERT.format(weeks=written, team_filter=team_filter(team_ids)),
        params,
    )


def _run(connection: Connection, sql: str, params: dict[str, object]) -> None:
    statement = text(sql)
    if "team_ids" in params:
        statement = statement.bindparams(bindparam("team_ids", expanding=True))
    connection.execute(statement, params)
