"""The docs match the code: every `haven …` command in README.md and docs/*.md runs against the
demo's database without a traceback, and every file the docs link to exists."""

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import load_settings
from storage.db import get_engine

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
HAVEN = Path(sys.executable).with_name("haven")
COMMAND = re.compile(r"^((?:[A-Z_]+=\S+\s+)*)haven(?:\s|$)")
INLINE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
REPO_PATH = re.compile(r"^[\w.-]+(?:/[\w.-]+)+\.(?:md|py|yml|json)$")
PLACEHOLDERS = {
    "FILE.png": "trend.png",
    "FILE": "teams.yml",
    "TEAM": "'Demo team'",
    "KIND": "checkin",
    "URL": "https://intranet.example.org/haven",
    "…": "https://intranet.example.org/haven",
    " N": " 8",
    "ID": "1",
}
runner = CliRunner()


def documented_commands() -> list[str]:
    """Return every distinct `haven …` command of the docs, in code blocks or inline code."""
    found: dict[str, None] = {}
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        in_block = False
        for line in text.splitlines():
            if line.lstrip().startswith("```"):
                in_block = not in_block
                continue
            if in_block and COMMAND.match(line.strip()):
                found[line.strip()] = None
        for span in INLINE.findall(text):
            if COMMAND.match(span.strip()):
                found[span.strip()] = None
    return list(found)


def runnable(command: str, *, folder: Path = ROOT) -> tuple[dict[str, str], list[str]]:
    """Return (environment, arguments) of a documented command, its placeholders filled in."""
    command = command.replace("sqlite:///…/", f"sqlite:///{folder}/")
    command = re.sub(r"\s+#.*$", "", command)  # a comment
    command = re.sub(r"\s*>\s*\S+$", "", command)  # a redirection
    command = re.sub(r"\[([^\]]*)\]", r"\1", command)  # optional parts, as given
    for placeholder, value in PLACEHOLDERS.items():
        command = re.sub(
            rf"(?<![\w-]){re.escape(placeholder.strip())}(?![\w.-])", value.strip(), command
        )
    words = shlex.split(command)
    at = words.index("haven")
    return dict(word.split("=", 1) for word in words[:at]), words[at + 1 :]


def free_port() -> int:
    """Return a port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_serving(arguments: list[str], environment: dict[str, str], folder: Path):  # type: ignore[no-untyped-def]
    """Start `haven serve …` on a free port with its own database; return the process."""
    arguments = [a for a in arguments if a not in ("--port", "3978", "--host", "127.0.0.1")]
    log = (folder / f"serve-{len(list(folder.glob('serve-*.log')))}.log").open("w")
    database = f"sqlite:///{Path(log.name).with_suffix('.db')}"
    return subprocess.Popen(
        [str(HAVEN), *arguments, "--port", str(free_port())],
        env={**environment, "DATABASE_URL": database},
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    ), Path(log.name)


def stop_serving(process: subprocess.Popen, log: Path) -> str:  # type: ignore[type-arg]
    """Wait until the server listens (or ends), stop it with Ctrl-C, and return its log."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if "Haven listening" in log.read_text(encoding="utf-8"):
            break
        time.sleep(0.2)
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    process.wait(timeout=60)
    return log.read_text(encoding="utf-8")


@pytest.fixture
def demo_folder(tmp_path, monkeypatch):
    """A temporary folder holding the README's YAML example, DATABASE_URL on its demo database."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [example] = re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)
    (tmp_path / "teams.yml").write_text(example, encoding="utf-8")
    for name in list(os.environ):
        if name.startswith(("SLACK_", "MICROSOFT_", "HAVEN_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'haven-demo.db'}")
    monkeypatch.setenv("MICROSOFT_APP_ID", "00000000-0000-0000-0000-0000000000aa")
    monkeypatch.chdir(tmp_path)
    load_settings.cache_clear()
    yield tmp_path
    load_settings.cache_clear()
    get_engine.cache_clear()


def test_every_documented_command_runs_without_a_traceback(demo_folder):
    commands = documented_commands()
    # The demo first: the others read its database.
    commands.sort(key=lambda command: runnable(command)[1][:1] != ["demo"])
    assert any(runnable(c)[1][:1] == ["demo"] for c in commands)
    serving = []
    for command in commands:  # servers start first, each on its own port and database
        extra, arguments = runnable(command, folder=demo_folder)
        if arguments[:1] == ["serve"]:
            environment = {**os.environ, **extra}
            environment.pop("MICROSOFT_APP_ID")  # only teams-package needs one
            serving.append((command, *start_serving(arguments, environment, demo_folder)))
    problems = []
    for command in commands:
        extra, arguments = runnable(command, folder=demo_folder)
        if arguments[:1] == ["serve"]:
            continue
        load_settings.cache_clear()
        result = runner.invoke(app, arguments, env=extra, input="", prog_name="haven")
        error_lines = result.stderr.splitlines()
        if (
            "Traceback" in result.output
            or result.exit_code not in (0, 1, 130)
            or (result.exit_code and len(error_lines) != 1)
        ):
            problems.append(f"{command} → exit {result.exit_code}: {result.output[-500:]}")
    for command, process, log_path in serving:
        log = stop_serving(process, log_path)
        if "Traceback" in log or "Haven listening" not in log:
            problems.append(f"{command}: {log[-500:]}")
    assert problems == []


def test_the_readme_example_team_applies_without_warnings(demo_folder):
    result = runner.invoke(app, ["config", "apply", "teams.yml"])

    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def linked_paths() -> list[tuple[Path, str]]:
    """Return (document, target) of every local link and every repository path in inline code."""
    found = []
    for doc in [*DOCS, ROOT / "manifest.yml"]:
        text = doc.read_text(encoding="utf-8")
        for target in LINK.findall(text):
            if not re.match(r"^(https?:|mailto:|#)", target):
                found.append((doc.parent / target.split("#")[0], target))
        for span in INLINE.findall(text):
            if REPO_PATH.match(span) and not span.startswith(".."):
                found.append((ROOT / span, span))
        if doc.suffix == ".yml":
            for path in re.findall(r"\b[\w-]+/[\w.-]+\.md\b", text):
                found.append((ROOT / path, path))
    return found


def test_every_file_the_docs_link_to_exists():
    missing = [target for path, target in linked_paths() if not path.exists()]

    assert linked_paths(), "no links found: the test reads nothing"
    assert missing == []


def test_the_documented_relay_key_commands_work_with_a_plain_python(tmp_path):
    from rituals.relay import decode_relay_key

    snippets = [
        span
        for doc in DOCS
        for span in INLINE.findall(doc.read_text(encoding="utf-8"))
        if span.startswith(("python -c", "python3 -c")) and "token_bytes(32)" in span
    ]
    assert len(snippets) >= 2  # the README and docs/slack.md
    for snippet in snippets:
        code = shlex.split(snippet)[2]
        # -I -S: no Haven and no installed package, as for someone who has not installed it
        made = subprocess.run(
            [sys.executable, "-I", "-S", "-c", code], cwd=tmp_path, capture_output=True, text=True
        )
        assert made.returncode == 0, (snippet, made.stderr)
        assert len(decode_relay_key(made.stdout.strip())) == 32
