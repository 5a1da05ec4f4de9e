"""Benchmark: aggregate a year of check-ins and pulses for many teams through rituals/signals.py.

Usage: python bench/signals_bench.py [--teams 40] [--members 12] [--weeks 52] [--database URL]
Prints rows loaded, the time to compute every team's weekly signals, and weeks per second.
"""

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session, select

from rituals.clock import iso_week_of
from rituals.pulse_items import items_for_sequence
from rituals.signals import compute_week_signals
from storage.db import get_engine
from storage.migrate import upgrade
from storage.models import Answer, Member, Occurrence, Ritual, Team
from storage.teams import get_or_create_workspace

FIRST_MONDAY = datetime(2025, 11, 24, 9, 0, tzinfo=UTC)


def load(*, session: Session, teams: int, members: int, weeks: int, seed: int) -> int:
    """Create teams with a check-in and a pulse each week and everyone answering; return answers."""
    rng = random.Random(seed)
    workspace = get_or_create_workspace(session=session, platform="console", external_id="bench")
    answers: list[dict[str, object]] = []
    for t in range(teams):
        team = Team(
            workspace_id=workspace.id, name=f"team-{t}", channel=f"room-{t}", timezone="UTC"
        )
        session.add(team)
        session.flush()
        people = [Member(team_id=team.id, platform_user_id=f"u{t}-{m}") for m in range(members)]
        checkin = Ritual(team_id=team.id, name="checkin", kind="checkin", schedule="0 9 * * mon")
        pulse = Ritual(team_id=team.id, name="pulse", kind="safety_pulse", schedule="0 11 * * wed")
        session.add_all([*people, checkin, pulse])
        session.flush()
        for week in range(weeks):
            moment = FIRST_MONDAY + timedelta(weeks=week)
            items = items_for_sequence(week)
            rows = [
                Occurrence(
                    ritual_id=checkin.id,
                    scheduled_at=moment,
                    closes_at=moment,
                    iso_week=iso_week_of(moment.date()),
                    sequence=week,
                    status="closed",
                    invited_count=members,
                ),
                Occurrence(
                    ritual_id=pulse.id,
                    scheduled_at=moment,
                    closes_at=moment,
                    iso_week=iso_week_of(moment.date()),
                    sequence=week,
                    status="closed",
                    invited_count=members,
                    pulse_items=",".join(map(str, items)),
                ),
            ]
            session.add_all(rows)
            session.flush()
            for person in people:
                answers.append(
                    {
                        "occurrence_id": rows[0].id,
                        "member_id": person.id,
                        "item": 0,
                        "mood": rng.randint(1, 5),
                        "sentiment": rng.uniform(-1, 1),
                        "text": "ok",
                        "answered_at": moment,
                        "message_ref": "",
                    }
                )
                for item in items:
                    answers.append(
                        {
                            "occurrence_id": rows[1].id,
                            "member_id": person.id,
                            "item": item,
                            "score": rng.randint(1, 7),
                            "answered_at": moment,
                            "message_ref": "",
                        }
                    )
    session.execute(insert(Answer), answers)
    session.commit()
    return len(answers)


def main() -> None:
    """Load the data, then time every team's weekly signals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=40)
    parser.add_argument("--members", type=int, default=12)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument(
        "--database", default="", help="database URL (default: a temporary SQLite file)"
    )
    args = parser.parse_args()
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    upgrade(url)
    engine = get_engine(url)
    with Session(engine) as session:
        started = time.perf_counter()
        count = load(
            session=session, teams=args.teams, members=args.members, weeks=args.weeks, seed=1
        )
        loaded = time.perf_counter() - started
        teams = session.exec(select(Team)).all()
        weeks = [iso_week_of((FIRST_MONDAY + timedelta(weeks=w)).date()) for w in range(args.weeks)]
        started = time.perf_counter()
        computed = [
            compute_week_signals(session=session, team=team, iso_week=week)
            for team in teams
            for week in weeks
        ]
        elapsed = time.perf_counter() - started
    shown = sum(1 for c in computed if c.safety_index is not None)
    print(
        f"database: {engine.dialect.name}; {args.teams} teams × {args.members} members × {args.weeks} weeks"
    )
    print(f"answers loaded: {count:,} in {loaded:.1f} s")
    print(
        f"team-weeks computed: {len(computed):,} in {elapsed:.2f} s "
        f"({len(computed) / elapsed:,.0f} team-weeks/s; safety index shown in {shown:,})"
    )


if __name__ == "__main__":
    main()
