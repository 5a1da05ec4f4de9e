"""The platform schemas beside the repository (../shared/specs), or a skip saying why."""

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def specs_dir() -> Path:
    """Return where the schemas are: HAVEN_SPECS_DIR, or ../shared/specs beside the repository."""
    return Path(os.environ.get("HAVEN_SPECS_DIR") or ROOT.parent / "shared" / "specs")


def spec_schema(name: str) -> dict:  # type: ignore[type-arg]
    """Return a schema by file name, or skip the test when it is not beside the repository."""
    path = specs_dir() / name
    if not path.exists():
        pytest.skip(f"{path} is not beside the repository (a clone without ../shared)")
    return json.loads(path.read_text(encoding="utf-8"))
