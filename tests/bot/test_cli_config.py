"""`haven config apply` and `haven config export` through Typer's test runner."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli_config import config_app
from bot.settings import load_settings
from storage.db import get_engine
from storage.models import Ritual, Team
from tests.rituals.test_team_config import EXAMPLE

runner = CliRunner()


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point DATABASE_URL at a fresh SQLite file (the command migrates it)."""
    url = f"sqlite:///{tmp_path / 'haven.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    load_settings.cache_clear()
    yield url
    load_settings.cache_clear()
    get_engine(url).dispose()


@pytest.fixture
def teams_file(tmp_path: Path) -> Path:
    """Return a config file holding the example team."""
    path = tmp_path / "teams.yml"
    path.write_text(EXAMPLE, encoding="utf-8")
    return path


def invoke(*args: str | Path) -> Result:
    """Run `haven config ...` with these arguments."""
    return runner.invoke(config_app, [str(arg) for arg in args])


def team_names(url: str) -> list[str]:
    """Return the names of the teams in the database."""
    with Session(get_engine(url)) as session:
        return [team.name for team in session.exec(select(Team))]


def test_apply_prints_the_changes_then_no_changes(database_url: str, teams_file: Path) -> None:
    first = invoke("apply", teams_file)
    second = invoke("apply", teams_file)

    assert first.exit_code == 0, first.output
    assert "created team 'Platform': slack channel 'C0123456789'" in first.stdout
    assert second.exit_code == 0
    assert second.stdout == "No changes.\n"
    assert team_names(database_url) == ["Platform"]


def test_dry_run_shows_the_changes_and_writes_nothing(database_url: str, teams_file: Path) -> None:
    result = invoke("apply", teams_file, "--dry-run")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Dry run, nothing written. Applying {teams_file} would")
    assert "created ritual 'checkin' of team 'Platform'" in result.stdout
    assert team_names(database_url) == []


def test_dry_run_after_apply_says_no_changes(database_url: str, teams_file: Path) -> None:
    invoke("apply", teams_file)

    result = invoke("apply", teams_file, "--dry-run")

    assert result.stdout == "No changes.\n"


def test_an_invalid_file_fails_with_one_line_per_problem(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "teams.yml"
    path.write_text(
        EXAMPLE.replace("55 9 * * mon", "61 9 * * mon").replace("Europe/Berlin", "Nowhere"),
        encoding="utf-8",
    )

    result = invoke("apply", path)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: {path}: team 'Platform': timezone: "
        "'Nowhere' is not a known IANA time zone (for example 'Europe/Berlin')",
        f"Error: {path}: team 'Platform': rituals[1].schedule: '61 9 * * mon' is not a valid "
        "cron expression (minute 61 is out of range 0–59)",
    ]
    assert "Traceback" not in result.output
    assert not (tmp_path / "haven.db").exists()  # the database was not even opened


def test_a_yaml_syntax_error_fails_with_the_line(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "teams.yml"
    path.write_text("teams:\n  - name: Platform\n   platform: slack\n", encoding="utf-8")

    result = invoke("apply", path)

    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: {path}: line 3, column 4: invalid YAML")


def test_a_missing_file_fails_with_one_line(database_url: str, tmp_path: Path) -> None:
    result = invoke("apply", tmp_path / "absent.yml")

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {tmp_path / 'absent.yml'}: cannot read the file: No such file or directory"
    ]


def test_export_prints_yaml_that_applies_without_changes(
    database_url: str, teams_file: Path, tmp_path: Path
) -> None:
    invoke("apply", teams_file)

    exported = invoke("export")
    path = tmp_path / "exported.yml"
    path.write_text(exported.stdout, encoding="utf-8")
    reapplied = invoke("apply", path)

    assert exported.exit_code == 0
    assert "name: Platform" in exported.stdout
    assert reapplied.stdout == "No changes.\n"


def test_export_writes_the_output_file(database_url: str, teams_file: Path, tmp_path: Path) -> None:
    invoke("apply", teams_file)
    path = tmp_path / "out.yml"

    result = invoke("export", "--output", path)

    assert result.exit_code == 0
    assert result.stdout == f"Exported the teams to {path}.\n"
    assert "safety_pulse" in path.read_text(encoding="utf-8")


def test_export_to_an_unwritable_place_fails_with_one_line(
    database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "missing-folder" / "out.yml"

    result = invoke("export", "--output", path)

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"Error: cannot write {path}: No such file or directory"]


def test_removing_a_ritual_from_the_file_pauses_it(database_url: str, teams_file: Path) -> None:
    invoke("apply", teams_file)
    teams_file.write_text(
        EXAMPLE.replace('      - {kind: safety_pulse, schedule: "0 11 * * wed"}\n', ""),
        encoding="utf-8",
    )

    result = invoke("apply", teams_file)

    assert result.stdout == (
        "paused ritual 'safety_pulse' of team 'Platform': no longer in the file\n"
    )
    with Session(get_engine(database_url)) as session:
        pulse = session.exec(select(Ritual).where(Ritual.kind == "safety_pulse")).one()
    assert pulse.paused
