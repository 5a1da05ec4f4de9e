"""Every error of `haven` is one line on stderr: usage mistakes, files, YAML bombs, charts."""

import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import load_settings
from storage.db import get_engine
from storage.migrate import upgrade
from tests.bot.test_cli import configured_db  # noqa: F401 (a fixture)
from tests.conftest import make_ritual, make_team

runner = CliRunner()

YAML_BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
teams: [*f, *f, *f, *f, *f, *f, *f, *f, *f]
"""


def one_error_line(result) -> str:  # type: ignore[no-untyped-def]
    """Return the one line the command wrote on stderr, failing when there are more."""
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ")
    return line


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["rituals", "run"], "Error: missing argument 'team' (see `haven rituals run --help`)"),
        (["bogus"], "Error: no such command 'bogus' (see `haven --help`)"),
        (
            ["config", "apply", "teams.yml", "--dry-run", "true"],
            "Error: got unexpected extra argument(s) (true) (see `haven config apply --help`)",
        ),
        (["signals"], "Error: missing option '--team' (see `haven signals --help`)"),
    ],
)
def test_usage_mistakes_are_one_line_naming_the_help(configured_db, arguments, expected):  # noqa: F811
    assert one_error_line(runner.invoke(app, arguments, prog_name="haven")) == expected


def test_flags_in_the_help_show_no_value(configured_db):  # noqa: F811
    result = runner.invoke(app, ["config", "apply", "--help"])

    assert result.exit_code == 0
    assert "<bool>" not in result.output
    assert "--dry-run  Check the file" in result.output


def test_a_yaml_bomb_is_refused_in_one_line(configured_db, tmp_path):  # noqa: F811
    path = tmp_path / "bomb.yml"
    path.write_text(YAML_BOMB, encoding="utf-8")

    line = one_error_line(runner.invoke(app, ["config", "apply", str(path)]))

    assert "YAML bomb" in line


def test_a_chart_that_cannot_be_written_fails_before_the_digest_is_printed(configured_db):  # noqa: F811
    upgrade(configured_db)
    with Session(get_engine(configured_db)) as session:
        make_team(session, name="Platform")

    result = runner.invoke(
        app,
        [
            "digest",
            "--team",
            "Platform",
            "--week",
            "2026-W47",
            "--chart",
            "/no-such-dir-for-haven/c.png",
        ],
    )

    line = one_error_line(result)
    assert result.stdout == ""
    assert "Error" not in line[7:] and "FileNotFoundError" not in line


def test_a_file_error_names_the_file_not_the_exception(configured_db, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setenv("MICROSOFT_APP_ID", "00000000-0000-0000-0000-000000000001")
    load_settings.cache_clear()
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    output = tmp_path / "a-file" / "t.zip"
    result = runner.invoke(
        app, ["teams-package", "--website-url", "https://example.org", "--output", str(output)]
    )

    line = one_error_line(result)
    assert line == f"Error: {tmp_path / 'a-file'}: File exists"
    assert "FileNotFoundError" not in line


def test_rituals_run_lists_the_team_s_rituals_and_the_kinds(configured_db):  # noqa: F811
    upgrade(configured_db)
    with Session(get_engine(configured_db)) as session:
        make_ritual(session, make_team(session, name="Platform"), "checkin")

    line = one_error_line(runner.invoke(app, ["rituals", "run", "Platform", "pulse"]))

    assert "its rituals: checkin" in line
    assert "checkin, failure_celebration, anonymous_feedback, safety_pulse" in line


def test_help_does_not_load_matplotlib() -> None:
    probe = "import sys, bot.cli; print('matplotlib' in sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=Path.cwd()
    )
    assert loaded.stdout.strip() == "False"
