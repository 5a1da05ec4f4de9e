"""ISO week labels in storage: checked before SQL sees them, and counted across year ends."""

import pytest

from storage import iso_weeks


def test_weeks_count_across_a_year_with_53_weeks():
    assert iso_weeks.shifted("2026-W53", 1) == "2027-W01"
    assert iso_weeks.shifted("2027-W01", -1) == "2026-W53"
    assert iso_weeks.shifted("2025-W01", -1) == "2024-W52"
    assert iso_weeks.consecutive("2026-W52", "2027-W02") == [
        "2026-W52", "2026-W53", "2027-W01", "2027-W02",
    ]  # fmt: skip


def test_only_iso_week_labels_reach_sql():
    assert iso_weeks.values(["2026-W47", "2026-W48"]) == "('2026-W47', 0), ('2026-W48', 1)"
    with pytest.raises(ValueError, match="not an ISO week"):
        iso_weeks.values(["2026-W47'); DROP TABLE answer; --"])
