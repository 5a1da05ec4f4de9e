"""`haven privacy export` and `haven privacy forget` end to end on a team with every kind of row."""

import json

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import load_settings
from rituals.errors import InvalidAnswer
from rituals.relay import unseal
from storage.db import get_engine
from storage.models import AnonymousAnswer, Answer, Member
from tests.privacy_scene import (
    RELAY_KEY,
    RELAY_KEY_BYTES,
    SUBJECT,
    build_scene,
    figures,
    rows_mentioning,
)

runner = CliRunner()


@pytest.fixture
def scene(database_url, engine, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("HAVEN_RELAY_KEY", RELAY_KEY)
    load_settings.cache_clear()
    with Session(engine, expire_on_commit=False) as session:
        yield build_scene(session)
    load_settings.cache_clear()
    get_engine.cache_clear()


def test_export_writes_everything_held_about_the_person(scene):
    result = runner.invoke(app, ["privacy", "export", "--member", SUBJECT])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["user_id"] == SUBJECT
    assert [m["display_name"] for m in document["profile"]["memberships"]] == ["Sam Subject"]
    assert len(document["named_answers"]) == 8  # four check-ins, four pulse items
    assert {a["text"] for a in document["named_answers"]} == {"tired but hopeful", None}
    assert len(document["stories_shared_by_name"]) == 4
    assert document["digests_received"] == [
        {"team": "Platform", "iso_week": "2026-W46", "status": "sent"}
    ]
    assert {c["platform"] for c in document["conversation_references"]} == {"slack", "teams"}
    assert any("Anonymous" in line for line in document["not_exported"])
    assert any("365 days" in line for line in document["how_long_it_is_kept"])
    assert "an anonymous answer" not in result.output


def test_export_by_team_and_name_and_of_a_leader(scene):
    by_name = runner.invoke(
        app, ["privacy", "export", "--team", "platform", "--name", "sam subject"]
    )
    assert json.loads(by_name.output)["user_id"] == SUBJECT
    lead = json.loads(runner.invoke(app, ["privacy", "export", "--member", "ULEAD"]).output)
    assert [c["text"] for c in lead["leader_commitments"]] == ["1:1s"]
    unknown = runner.invoke(app, ["privacy", "export", "--member", "UNOBODY"])
    assert unknown.exit_code == 1
    assert unknown.output.strip() == "Error: Haven holds nothing under the user id 'UNOBODY'"


def test_forget_erases_the_person_and_keeps_figures_and_anonymous_answers(scene, engine):
    with Session(engine) as session:
        before = figures(session)
        anonymous_before = sorted(a.text for a in session.exec(select(AnonymousAnswer)))
        others = session.exec(select(Member).where(Member.platform_user_id != SUBJECT)).all()
    dry = runner.invoke(app, ["privacy", "forget", "--member", SUBJECT, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would remove for UFORGETME:" in dry.output
    assert "8  named answers" in dry.output
    assert rows_mentioning(engine, SUBJECT)  # a dry run changes nothing

    refused = runner.invoke(app, ["privacy", "forget", "--member", SUBJECT], input="n\n")
    assert "Nothing erased." in refused.output
    assert rows_mentioning(engine, SUBJECT)

    done = runner.invoke(app, ["privacy", "forget", "--member", SUBJECT], input="y\n")
    assert done.exit_code == 0, done.output
    assert "Removed for UFORGETME:" in done.output
    assert "1  relay seals of anonymous answers" in done.output
    assert rows_mentioning(engine, SUBJECT) == []
    assert rows_mentioning(engine, "tired but hopeful") == []
    with Session(engine) as session:
        assert figures(session) == before
        answers = session.exec(select(AnonymousAnswer)).all()
        assert sorted(a.text for a in answers) == anonymous_before
        authors = []
        for answer in answers:
            try:
                authors.append(
                    unseal(
                        key=RELAY_KEY_BYTES,
                        sealed=answer.reply_seal,
                        occurrence_id=answer.occurrence_id,
                    ).user_id
                )
            except InvalidAnswer:  # a voided seal opens for no one
                authors.append(None)
        assert sorted(authors, key=str) == sorted(["UBEN", "UCARA", None], key=str)
        left = session.exec(select(Member)).all()
        assert {m.id for m in left} == {m.id for m in others}
        assert len(session.exec(select(Answer)).all()) == 4 * 4 * 2  # the others' answers

    again = runner.invoke(app, ["privacy", "forget", "--member", SUBJECT, "--yes"])
    assert again.exit_code == 0
    assert again.output.strip() == "Haven holds nothing about UFORGETME: nothing to erase."
