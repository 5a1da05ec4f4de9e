"""After `haven demo`, the commands it suggests work exactly as printed, on the demo's data."""

import shlex
from datetime import UTC, datetime

import time_machine
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import load_settings
from storage.db import get_engine

runner = CliRunner()


def suggested_commands(output: str) -> list[tuple[dict[str, str], list[str]]]:
    """Return (environment, arguments) of each `… haven …` command the demo printed."""
    commands = []
    for line in output.splitlines():
        words = line.split()
        if "haven" not in words or not all("=" in w for w in words[: words.index("haven")]):
            continue  # prose that mentions a command, not a command line
        words = shlex.split(line)
        at = words.index("haven")
        environment = dict(word.split("=", 1) for word in words[:at])
        commands.append((environment, words[at + 1 :]))
    return commands


@time_machine.travel(datetime(2026, 11, 24, 7, 0, tzinfo=UTC), tick=False)
def test_every_command_the_demo_suggests_reads_the_demo_team(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    load_settings.cache_clear()
    demo = runner.invoke(app, ["demo", "--weeks", "3"])
    assert demo.exit_code == 0, demo.output

    commands = suggested_commands(demo.output)
    outputs = {}
    for environment, arguments in commands:
        load_settings.cache_clear()
        result = runner.invoke(app, arguments, env=environment)
        assert result.exit_code == 0, (arguments, result.output)
        outputs[arguments[0] + (arguments[1] if arguments[0] == "rituals" else "")] = result.output
    load_settings.cache_clear()
    get_engine.cache_clear()

    assert [arguments[0] for _, arguments in commands] == [
        "signals",
        "digest",
        "rituals",
        "rituals",
    ]
    assert "Demo team — weekly signals" in outputs["signals"]
    assert "Weekly safety digest — Demo team" in outputs["digest"]
    assert (tmp_path / "trend.png").exists()
    assert "Demo team" in outputs["ritualslist"]
    assert "8 invited" in outputs["ritualsrun"]  # every demo person, not 1 of 8
