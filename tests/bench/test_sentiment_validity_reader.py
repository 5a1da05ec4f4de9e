"""Tests for the ground-truth reader of bench/sentiment_validity.py."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "sentiment_validity.py"


def load_script() -> ModuleType:
    """Import bench/sentiment_validity.py from its file path (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("sentiment_validity", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


validity = load_script()

GOOD_LINES = [
    "1\t2.7\tSo lucky to have amazing friends :)",
    "2\t-2.15\tTwo words that should die this year. Die die die",
    "3\t0\tThe meeting is at 10",
    "4\t1.5\tGreat café, very good coffee",
    "5\t-3.1\tThis is terrible, I hate it",
    "6\t0.4\tnot bad",
]


def write(path: Path, lines: list[str], ending: str = "\r\n") -> Path:
    """Write lines to path in Latin-1, like the real file."""
    path.write_bytes(ending.join(lines).encode("latin-1"))
    return path


def test_reads_a_good_file(tmp_path: Path) -> None:
    path = write(tmp_path / "good.txt", [*GOOD_LINES, "", ""])
    rows = validity.read_ground_truth(path)
    assert len(rows) == len(GOOD_LINES)
    assert rows[0] == validity.RatedText("1", 2.7, "So lucky to have amazing friends :)")
    assert rows[1].rating == pytest.approx(-2.15)
    assert rows[3].text == "Great café, very good coffee"


def test_reads_unix_line_endings(tmp_path: Path) -> None:
    path = write(tmp_path / "good.txt", GOOD_LINES, ending="\n")
    assert [row.text_id for row in validity.read_ground_truth(path)] == list("123456")


@pytest.mark.parametrize(
    ("bad_line", "reason"),
    [
        ("7\t1.0", "expected 3 tab-separated fields"),
        ("7 1.0 spaces instead of tabs", "expected 3 tab-separated fields"),
        ("7\t1.0\ttext\textra", "got 4"),
        ("7\tgreat\ttext", "is not a number"),
        ("7\t9.5\ttext", "outside -4..4"),
        ("7\tnan\ttext", "outside -4..4"),
        ("\t1.0\ttext", "empty id"),
        ("7\t1.0\t  ", "empty text"),
    ],
)
def test_rejects_a_malformed_line_naming_file_and_line(
    tmp_path: Path, bad_line: str, reason: str
) -> None:
    path = write(tmp_path / "bad.txt", [GOOD_LINES[0], GOOD_LINES[1], bad_line, GOOD_LINES[2]])
    with pytest.raises(validity.GroundTruthFormatError) as caught:
        validity.read_ground_truth(path)
    assert isinstance(caught.value, ValueError)
    assert f"{path}:3: malformed line" in str(caught.value)
    assert reason in str(caught.value)


def test_rejects_a_file_without_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.txt", ["", ""])
    with pytest.raises(validity.GroundTruthFormatError, match="no rated texts"):
        validity.read_ground_truth(path)


def test_script_exits_1_with_one_line_for_a_malformed_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "bad.txt", [GOOD_LINES[0], "2\t-1"])
    assert validity.main([str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines() == [
        f"error: {path}:2: malformed line: expected 3 tab-separated fields "
        "(id, rating, text), got 2"
    ]


def test_script_prints_a_row_per_analyser(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "good.txt", GOOD_LINES * 3)
    assert validity.main([str(path), "--repeats", "1"]) == 0
    output = capsys.readouterr().out
    for label in ("TextBlob alone", "VADER alone", "Haven combined"):
        assert f"| {label} |" in output
    assert "cross-validation" in output


def test_sign_agreement_counts_no_signal_as_a_miss() -> None:
    ratings = [2.0, -2.0, 1.0, 0.2]
    assert validity.sign_agreement(ratings, [0.5, -0.1, None, -0.9]) == pytest.approx(2 / 3)


def test_pearson_counts_no_signal_as_zero() -> None:
    assert validity.pearson([1.0, 0.0, -1.0], [0.5, None, -0.5]) == pytest.approx(1.0)
