"""`haven console` through its input stream and as a process: confirmations, Ctrl-D and Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()
HAVEN = Path(sys.executable).with_name("haven")


def test_each_pulse_answer_is_confirmed(tmp_path):
    answers = "4\nfocused\n5\n2\n\n\n"
    result = runner.invoke(app, ["console", "--database", str(tmp_path / "c.db")], input=answers)

    assert result.exit_code == 0, result.output
    assert "Saved: item 1, 5/7 (Slightly agree). 1 item to go." in result.stdout
    assert "Saved: item 2, 2/7 (Disagree). Pulse done." in result.stdout


def test_end_of_input_stops_in_one_plain_line(tmp_path):
    result = runner.invoke(app, ["console", "--database", str(tmp_path / "c.db")], input="4\n")

    assert result.exit_code == 130
    assert result.stderr.splitlines()[-1] == "Stopped."
    assert "Abort" not in result.output and "Error" not in result.output


def test_the_first_ctrl_c_stops_the_console(tmp_path):
    screen = tmp_path / "screen.txt"
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_"))
    }
    with screen.open("w") as output:
        process = subprocess.Popen(
            [str(HAVEN), "console", "--database", str(tmp_path / "c.db")],
            stdin=subprocess.PIPE,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
            cwd=tmp_path,
        )
        try:
            deadline = time.monotonic() + 60
            while "Your mood (1-5)" not in screen.read_text(encoding="utf-8"):
                assert time.monotonic() < deadline, screen.read_text(encoding="utf-8")
                time.sleep(0.1)
            process.send_signal(signal.SIGINT)  # once
            code = process.wait(timeout=15)
        finally:
            if process.poll() is None:
                process.kill()
    text = screen.read_text(encoding="utf-8")
    assert code == 130, text
    assert text.rstrip().endswith("Stopped.")
    assert "Traceback" not in text
