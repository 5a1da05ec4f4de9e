"""`haven config apply` on large files and small teams: linear, a progress bar, warnings, admins."""

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import event
from sqlmodel import Session, select
from typer.testing import CliRunner

import bot.cli_config
from bot.cli import app
from bot.settings import load_settings
from storage.db import get_engine
from storage.models import HavenAdmin, Member, Ritual, Team

runner = CliRunner()


def many_teams(count: int, *, people: int = 5, threshold: int = 3) -> str:
    """Return a config of `count` Slack teams, each with a leader and `people - 1` members."""
    lines = ["teams:"]
    for n in range(count):
        members = ", ".join(f"U{n}M{m}" for m in range(people - 1))
        lines += [
            f"  - name: Team {n}",
            "    platform: slack",
            "    workspace: T0ACME",
            f"    channel: C{n:07d}",
            f"    leaders: [U{n}L]",
            f"    members: [{members}]",
            f"    anonymity_threshold: {threshold}",
            "    rituals:",
            '      - {kind: checkin, schedule: "55 9 * * mon"}',
            '      - {kind: safety_pulse, schedule: "0 11 * * wed"}',
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point DATABASE_URL at a fresh SQLite file; no Slack settings."""
    url = f"sqlite:///{tmp_path / 'haven.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    load_settings.cache_clear()
    yield url
    load_settings.cache_clear()
    get_engine(url).dispose()


def statements_of(url: str, *args: str) -> tuple[list[str], str]:
    """Run `haven ARGS` and return the SQL statements it sent to the database, and its output."""
    engine = get_engine(url)
    seen: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(engine, "before_cursor_execute", record)
    try:
        result = runner.invoke(app, list(args))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert result.exit_code == 0, result.output
    return seen, result.stdout


def test_apply_sends_as_many_statements_for_300_teams_as_for_3(
    database_url: str, tmp_path: Path
) -> None:
    small, large = tmp_path / "small.yml", tmp_path / "large.yml"
    small.write_text(many_teams(3), encoding="utf-8")
    large.write_text(many_teams(300), encoding="utf-8")
    runner.invoke(app, ["db", "upgrade"])

    few, _ = statements_of(database_url, "config", "apply", str(small))
    many, _ = statements_of(database_url, "config", "apply", str(large))
    again, output = statements_of(database_url, "config", "apply", str(large))

    assert len(many) <= len(few) + 2  # reads up front, one flush per kind of row
    assert len(again) <= len(few) + 2
    assert "updated team 'Team 0'" not in output
    with Session(get_engine(database_url)) as session:
        assert len(session.exec(select(Team)).all()) == 300
        assert len(session.exec(select(Member)).all()) == 300 * 5
        assert len(session.exec(select(Ritual)).all()) == 300 * 2


def test_a_dry_run_sends_no_write_to_the_database(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "teams.yml"
    path.write_text(many_teams(20), encoding="utf-8")
    runner.invoke(app, ["db", "upgrade"])
    runner.invoke(app, ["config", "apply", str(path)])
    path.write_text(many_teams(25).replace("55 9 * * mon", "0 9 * * tue"), encoding="utf-8")

    statements, output = statements_of(database_url, "config", "apply", str(path), "--dry-run")

    writes = [s for s in statements if s in ("INSERT", "UPDATE", "DELETE", "BEGIN")]
    assert writes == []  # no write, so no write lock while the plan is worked out
    assert "created team 'Team 24'" in output
    assert "updated ritual 'checkin' of team 'Team 0'" in output


def test_apply_shows_a_progress_bar_for_a_large_file(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "teams.yml"
    path.write_text(many_teams(60), encoding="utf-8")
    screen = io.StringIO()
    monkeypatch.setattr(
        bot.cli_config, "progress_console", Console(file=screen, force_terminal=True, width=100)
    )

    result = runner.invoke(app, ["config", "apply", str(path)])

    assert result.exit_code == 0, result.output
    assert "Applying" in screen.getvalue() and "60/60" in screen.getvalue()


def test_apply_warns_when_a_team_has_fewer_people_than_its_threshold(
    database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "teams.yml"
    path.write_text(many_teams(1, people=4, threshold=5), encoding="utf-8")

    result = runner.invoke(app, ["config", "apply", str(path)])

    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "Warning: team 'Team 0' has 4 people but anonymity_threshold 5: it can never show a "
        "figure; list at least 5 people or leave out `members:` to invite the whole channel"
    ]


def test_admins_per_team_are_added_to_the_workspace_and_exported(
    database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "teams.yml"
    text = many_teams(2).replace("    leaders: [U0L]", "    admins: [U0BOSS]\n    leaders: [U0L]")
    path.write_text(text, encoding="utf-8")

    applied = runner.invoke(app, ["config", "apply", str(path)])
    exported = runner.invoke(app, ["config", "export"])
    path.write_text(exported.stdout, encoding="utf-8")
    again = runner.invoke(app, ["config", "apply", str(path)])

    assert applied.exit_code == 0, applied.output
    assert "created admin 'U0BOSS' of slack workspace 'T0ACME'" in applied.stdout
    with Session(get_engine(database_url)) as session:
        assert [a.user_id for a in session.exec(select(HavenAdmin))] == ["U0BOSS"]
    assert "admins: [U0BOSS]" in exported.stdout
    assert again.stdout == "No changes.\n"


def test_a_slack_team_without_workspace_says_when_it_will_be_bound(
    database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "teams.yml"
    path.write_text(many_teams(1).replace("    workspace: T0ACME\n", ""), encoding="utf-8")

    result = runner.invoke(app, ["config", "apply", str(path)])

    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "Warning: team 'Team 0' has no `workspace:`; `haven serve` binds it to the workspace of "
        "SLACK_BOT_TOKEN when it starts (with OAuth installs, give `workspace: T…`)"
    ]
