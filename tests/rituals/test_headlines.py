"""A final week's headline figures are kept as the digest published them and read back as they were."""

import json
import random
from datetime import timedelta

import time_machine
from sqlmodel import Session, select

import rituals.headlines as headlines_module
from rituals.digest import build_digest
from rituals.figures.finality import week_end
from rituals.headlines import headline_of, keep_latest_headlines, latest_headlines
from storage.figure_audits import audit_records, keep_audit_records
from storage.models import Occurrence, Workspace
from storage.models_figures import FigureAudit, PublishedWeek
from storage.workspace_rows import delete_workspace_rows
from tests.conftest import make_ritual, make_team
from tests.rituals.digest_helpers import checkins, weeks_from

WEEKS = weeks_from("2025-W40", 6)
LAST = WEEKS[-1]


def a_team_with_six_weeks(session: Session, name: str = "Platform") -> int:
    """Return the id of a team with six weeks of closed check-ins from six people."""
    team = make_team(session, name=name)
    ritual = make_ritual(session, team, "checkin")
    rng = random.Random(name)
    for week in WEEKS:
        people = [u for u in ("U1", "U2", "U3", "U4", "U5", "U6") if rng.random() < 0.9]
        texts = {u: ("word", rng.choice([0.5, -0.4, 0.2])) for u in people}
        checkins(session, team, ritual, week, {u: rng.randint(1, 5) for u in people}, texts=texts)
    session.commit()
    return team.id


def kept_weeks(session: Session) -> list[tuple[int, str]]:
    """Return the (team, week) of every kept headline."""
    return sorted((row.team_id, row.iso_week) for row in session.exec(select(PublishedWeek)))


def no_digest(**_: object) -> object:
    """Stand in for iter_digests where a kept headline must be read instead of computed."""
    raise AssertionError("the headline was computed again instead of read back")


def test_a_final_weeks_headline_is_kept_and_read_back_as_the_digest_published_it(
    session, monkeypatch
):
    teams = [a_team_with_six_weeks(session, name) for name in ("Platform", "Mobile")]
    computed = latest_headlines(session=session, team_ids=teams, iso_week=LAST)
    session.commit()
    assert kept_weeks(session) == [(team, LAST) for team in teams]
    for team in teams:
        assert computed[team] == headline_of(
            build_digest(session=session, team_id=team, iso_week=LAST)
        )
    assert computed[teams[0]].mood.current.shown and computed[teams[0]].mood.trend
    monkeypatch.setattr(headlines_module, "iter_digests", no_digest)
    assert latest_headlines(session=session, team_ids=teams, iso_week=LAST) == computed


def test_a_week_whose_rounds_are_still_open_is_computed_each_time_and_never_kept(session):
    team = a_team_with_six_weeks(session)
    last_round = session.exec(select(Occurrence).where(Occurrence.iso_week == LAST)).one()
    last_round.status = "open"
    session.add(last_round)
    session.commit()
    headline = latest_headlines(session=session, team_ids=[team], iso_week=LAST)[team]
    session.commit()
    assert headline.mood.current.withheld.startswith("not final")
    assert kept_weeks(session) == []
    last_round.status = "closed"
    session.add(last_round)
    session.commit()
    headline = latest_headlines(session=session, team_ids=[team], iso_week=LAST)[team]
    session.commit()
    assert headline.mood.current.shown
    assert kept_weeks(session) == [(team, LAST)]


def test_decisions_taken_again_differently_forget_the_kept_headlines(session):
    team = a_team_with_six_weeks(session)
    latest_headlines(session=session, team_ids=[team], iso_week=LAST)
    session.commit()
    stored = audit_records(session=session, team_id=team)
    mood = stored["mood"]
    extended = json.loads(mood.decisions)
    keep_audit_records(  # a later week decided: what was kept stands
        session=session,
        team_id=team,
        records=[
            FigureAudit(
                measure="mood",
                through_week="2025-W46",
                decisions=json.dumps([*extended, [["2025-W46"], ["2025-W46"], 3.0]]),
                equations=mood.equations,
            )
        ],
        stored=stored,
    )
    session.commit()
    assert kept_weeks(session) == [(team, LAST)]
    rewritten = [[weeks, None, None] for weeks, _window, _value in extended]
    keep_audit_records(  # the history changed under the record and was replayed
        session=session,
        team_id=team,
        records=[
            FigureAudit(
                measure="mood",
                through_week=LAST,
                decisions=json.dumps(rewritten),
                equations=mood.equations,
            )
        ],
        stored=audit_records(session=session, team_id=team),
    )
    session.commit()
    assert kept_weeks(session) == []


def test_erasing_a_workspace_erases_its_kept_headlines(session):
    team = a_team_with_six_weeks(session)
    latest_headlines(session=session, team_ids=[team], iso_week=LAST)
    session.commit()
    assert kept_weeks(session) == [(team, LAST)]
    workspace = session.exec(select(Workspace)).one()
    delete_workspace_rows(session=session, workspace=workspace)
    session.commit()
    assert kept_weeks(session) == []


def test_the_headlines_job_keeps_every_final_week_once_and_leaves_open_ones_for_later(
    session, engine
):
    teams = [a_team_with_six_weeks(session, name) for name in ("Platform", "Mobile", "Data")]
    still_open = session.exec(
        select(Occurrence).where(Occurrence.iso_week == WEEKS[-2]).order_by(Occurrence.id)
    ).first()
    still_open.status = "open"  # an earlier round of the first team never closed
    session.add(still_open)
    session.commit()
    monday_after = week_end(LAST, "Europe/Berlin") + timedelta(hours=10)
    with time_machine.travel(monday_after, tick=False):
        assert keep_latest_headlines(engine=engine, batch=1) == 2
        assert kept_weeks(session) == [(team, LAST) for team in teams[1:]]
        assert keep_latest_headlines(engine=engine) == 0  # nothing new: nothing computed
        still_open.status = "closed"
        session.add(still_open)
        session.commit()
        assert keep_latest_headlines(engine=engine) == 1
    assert kept_weeks(session) == [(team, LAST) for team in teams]


def test_records_kept_first_by_another_process_are_skipped_and_the_rest_kept(session, engine):
    team = a_team_with_six_weeks(session)

    def record(measure: str) -> FigureAudit:
        return FigureAudit(measure=measure, through_week=LAST, decisions="[]", equations="[]")

    with Session(engine) as other:
        other_stored = audit_records(session=other, team_id=team)  # read before the first keeps
        keep_audit_records(
            session=session,
            team_id=team,
            records=[record("mood")],
            stored=audit_records(session=session, team_id=team),
        )
        session.commit()
        keep_audit_records(
            session=other,
            team_id=team,
            records=[record("mood"), record("sentiment")],
            stored=other_stored,
        )
        other.commit()
    assert sorted(audit_records(session=session, team_id=team)) == ["mood", "sentiment"]
