"""In a clone without ../shared the schema checks skip, saying why, and the rest still passes."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_TESTS = ("tests/bot/teams/test_package.py", "tests/bot/slack/test_manifest.py")


def test_the_manifest_tests_skip_without_the_shared_specs(tmp_path):
    environment = {**os.environ, "HAVEN_SPECS_DIR": str(tmp_path / "no-shared" / "specs")}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", *SCHEMA_TESTS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 skipped" in run.stdout
    assert "is not beside the repository (a clone without ../shared)" in run.stdout
