"""Dependencies point inward: the core never imports a chat platform's SDK."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("slack_bolt", "slack_sdk", "botbuilder", "bot")


def imported_modules(path: Path) -> set[str]:
    """Return the top-level names a Python file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", ["rituals", "storage"])
def test_core_packages_import_no_platform_sdk(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & set(FORBIDDEN))
        for path in files
    }
    assert {path: found for path, found in offenders.items() if found} == {}


def test_storage_does_not_import_rituals():
    offenders = [
        p.name for p in (ROOT / "storage").rglob("*.py") if "rituals" in imported_modules(p)
    ]
    assert offenders == []


def test_textblob_is_imported_only_by_the_sentiment_module():
    users = [
        str(p.relative_to(ROOT))
        for package in ("bot", "rituals", "storage")
        for p in (ROOT / package).rglob("*.py")
        if "textblob" in imported_modules(p)
    ]
    assert users == ["rituals/sentiment.py"]
