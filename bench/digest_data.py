"""Bulk-load a synthetic year of daily check-ins and weekly pulses for the digest benchmark.

Rows go straight through the DB-API (executemany on SQLite, COPY on PostgreSQL) in chunks, so
loading 5 million answers takes minutes, not hours, and memory stays flat. The occurrences are
loaded closed, so their rollups are then built as closing them would have: by
storage.rollups.rebuild_rollups, the statements every close runs, over all teams and weeks.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine

from rituals.clock import iso_week_of
from rituals.pulse_items import items_for_sequence
from storage.rollups import rebuild_rollups

CHUNK = 50_000
TIMEZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", "Australia/Sydney")
WORDS = (  # (text, sentiment); None = the text carries no signal
    ("good", 0.55),
    ("tired", -0.35),
    ("great!", 0.75),
    ("meh", -0.2),
    ("busy", None),
    ("focused", 0.3),
    ("stressed", -0.5),
    ("the usual", None),
)


@dataclass(frozen=True)
class Shape:
    """How much to load: teams × members × weeks, starting on the Monday of first_week."""

    teams: int
    members: int
    weeks: int
    first_monday: date = date(2025, 1, 6)  # 2025-W02, so 2025-W02 .. 2026-W01 for 52 weeks
    checkins_per_week: int = 5
    answer_rate: float = 0.72

    def week_labels(self) -> list[str]:
        """Return the ISO weeks loaded, oldest first."""
        return [iso_week_of(self.first_monday + timedelta(weeks=w)) for w in range(self.weeks)]


def _stamp(moment: datetime, postgres: bool) -> str:
    return moment.isoformat() if postgres else moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _answers(shape: Shape, seed: int, postgres: bool) -> Iterator[tuple[object, ...]]:
    """Yield answer rows (id, occurrence, member, item, mood, score, text, sentiment, ref, at)."""
    rng = random.Random(seed)
    answer_id = occurrence_id = 0
    for team in range(shape.teams):
        base_mood = rng.uniform(2.6, 4.0)
        drift = rng.uniform(-0.02, 0.02)
        rates = [
            min(0.98, max(0.3, rng.gauss(shape.answer_rate, 0.12))) for _ in range(shape.members)
        ]
        first_member = team * shape.members + 1
        for week in range(shape.weeks):
            monday = datetime.combine(
                shape.first_monday + timedelta(weeks=week), datetime.min.time(), UTC
            )
            centre = base_mood + drift * week
            for day in range(shape.checkins_per_week):
                occurrence_id += 1
                at = _stamp(monday + timedelta(days=day, hours=9), postgres)
                for m in range(shape.members):
                    if rng.random() >= rates[m]:
                        continue
                    answer_id += 1
                    mood = min(5, max(1, round(rng.gauss(centre, 0.9))))
                    text, sentiment = rng.choice(WORDS) if rng.random() < 0.5 else (None, None)
                    yield (
                        answer_id,
                        occurrence_id,
                        first_member + m,
                        0,
                        mood,
                        None,
                        text,
                        sentiment,
                        "",
                        at,
                    )
            occurrence_id += 1
            at = _stamp(monday + timedelta(days=2, hours=11), postgres)
            for m in range(shape.members):
                if rng.random() >= rates[m]:
                    continue
                for item in items_for_sequence(week):
                    answer_id += 1
                    score = min(7, max(1, round(rng.gauss(5.0, 1.2))))
                    yield (answer_id, occurrence_id, first_member + m, item, None, score, None, None, "", at)  # fmt: skip


def _occurrences(shape: Shape, postgres: bool) -> Iterator[tuple[object, ...]]:
    """Yield occurrence rows in the same order as _answers numbers them."""
    occurrence_id = 0
    for team in range(shape.teams):
        checkin_ritual, pulse_ritual = 2 * team + 1, 2 * team + 2
        for week in range(shape.weeks):
            monday = datetime.combine(
                shape.first_monday + timedelta(weeks=week), datetime.min.time(), UTC
            )
            label = iso_week_of(monday.date())
            for day in range(shape.checkins_per_week):
                occurrence_id += 1
                at = monday + timedelta(days=day, hours=9)
                yield (
                    occurrence_id,
                    checkin_ritual,
                    _stamp(at, postgres),
                    _stamp(at + timedelta(hours=4), postgres),
                    label,
                    week * shape.checkins_per_week + day,
                    "closed",
                    shape.members,
                    "",
                    "",
                    False,
                )
            occurrence_id += 1
            at = monday + timedelta(days=2, hours=11)
            yield (
                occurrence_id,
                pulse_ritual,
                _stamp(at, postgres),
                _stamp(at + timedelta(hours=48), postgres),
                label,
                week,
                "closed",
                shape.members,
                ",".join(map(str, items_for_sequence(week))),
                "",
                False,
            )


def _teams(shape: Shape) -> Iterator[tuple[object, ...]]:
    for team in range(shape.teams):
        yield (
            team + 1,
            1,
            f"team-{team + 1:05d}",
            f"room-{team + 1}",
            TIMEZONES[team % len(TIMEZONES)],
            "mon,tue,wed,thu,fri",
            3,
            5,
            False,
        )


def _members(shape: Shape) -> Iterator[tuple[object, ...]]:
    for team in range(shape.teams):
        for m in range(shape.members):
            member_id = team * shape.members + m + 1
            yield (member_id, team + 1, f"U{member_id}", f"Person {member_id}", m == 0, True)


def _rituals(shape: Shape) -> Iterator[tuple[object, ...]]:
    for team in range(shape.teams):
        yield (2 * team + 1, team + 1, "checkin", "checkin", "55 9 * * mon-fri", "private", "", 0, False)  # fmt: skip
        yield (2 * team + 2, team + 1, "safety_pulse", "safety_pulse", "0 11 * * wed", "shared", "", 0, False)  # fmt: skip


TABLES: dict[str, tuple[str, ...]] = {
    "workspace": ("id", "platform", "external_id", "name"),
    "team": (
        "id",
        "workspace_id",
        "name",
        "channel",
        "timezone",
        "working_days",
        "threshold_numbers",
        "threshold_texts",
        "members_from_channel",
    ),
    "member": ("id", "team_id", "platform_user_id", "display_name", "is_leader", "active"),
    "ritual": (
        "id",
        "team_id",
        "name",
        "kind",
        "schedule",
        "mode",
        "question",
        "window_minutes",
        "paused",
    ),
    "occurrence": (
        "id",
        "ritual_id",
        "scheduled_at",
        "closes_at",
        "iso_week",
        "sequence",
        "status",
        "invited_count",
        "pulse_items",
        "message_ref",
        "reminded",
    ),
    "answer": (
        "id",
        "occurrence_id",
        "member_id",
        "item",
        "mood",
        "score",
        "text",
        "sentiment",
        "message_ref",
        "answered_at",
    ),
}


@dataclass(frozen=True)
class Loaded:
    """What load() wrote and how long it took."""

    answers: int
    load_seconds: float
    rollup_seconds: float  # building every team-week's rollups from the answers


def load(*, engine: Engine, shape: Shape, seed: int = 1) -> Loaded:
    """Load the synthetic rows into a migrated, empty database, then roll them up."""
    started = time.perf_counter()
    answers = _load_rows(engine=engine, shape=shape, seed=seed)
    loaded = time.perf_counter()
    with engine.begin() as connection:
        rebuild_rollups(connection)
    rolled = time.perf_counter()
    _analyze(engine)
    return Loaded(answers, loaded - started, rolled - loaded)


def _analyze(engine: Engine) -> None:
    connection = engine.raw_connection()
    try:
        connection.cursor().execute("ANALYZE")
        connection.commit()
    finally:
        connection.close()


def _load_rows(*, engine: Engine, shape: Shape, seed: int) -> int:
    """Load the synthetic rows into a migrated, empty database; return how many answers."""
    postgres = engine.dialect.name == "postgresql"
    sources = {
        "workspace": iter([(1, "console", "bench", "Bench")]),
        "team": _teams(shape),
        "member": _members(shape),
        "ritual": _rituals(shape),
        "occurrence": _occurrences(shape, postgres),
        "answer": _answers(shape, seed, postgres),
    }
    counts: dict[str, int] = {}
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        for table, rows in sources.items():
            columns = TABLES[table]
            counts[table] = (
                _copy(cursor, table, columns, rows)
                if postgres
                else _executemany(cursor, table, columns, rows)
            )
        connection.commit()
    finally:
        connection.close()
    _analyze(engine)  # the rollups are built from these rows: let the planner know them
    return counts["answer"]


def _executemany(cursor, table: str, columns: tuple[str, ...], rows: Iterator) -> int:  # type: ignore[no-untyped-def]
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    total = 0
    while chunk := [row for _, row in zip(range(CHUNK), rows, strict=False)]:
        cursor.executemany(sql, chunk)
        total += len(chunk)
    return total


def _copy(cursor, table: str, columns: tuple[str, ...], rows: Iterator) -> int:  # type: ignore[no-untyped-def]
    total = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            total += 1
    return total
