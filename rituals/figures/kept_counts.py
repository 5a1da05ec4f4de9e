"""Figures counted from live rows (participation, stories, released feedback), kept as published.

Erasing a person, or retention deleting old rows, removes the rows these counts were made of;
a count once shown for a final week stays what it was, kept beside the audit's decisions.
"""

import json
from collections.abc import Callable

from rituals.figures.model import Figure
from storage.models_figures import FigureAudit

MEASURE_OF = {  # figure name → its record's measure (at most 16 characters)
    "participation_rate": "participation",
    "stories": "stories",
    "anonymous_items": "anonymous items",
}


class KeptCounts:
    """The counted figures of one team: kept ones as they were, new ones kept from now on."""

    def __init__(self, audits: dict[str, FigureAudit]) -> None:
        self._kept: dict[str, dict[str, float]] = {}
        for name, measure in MEASURE_OF.items():
            record = audits.get(measure)
            self._kept[name] = dict(json.loads(record.decisions)) if record else {}
        self._new: dict[str, dict[str, float]] = {name: {} for name in MEASURE_OF}

    def figure(self, name: str, week: str, compute: Callable[[str], Figure]) -> Figure:
        """Return the week's figure as first shown, computing (and keeping) it if it is new."""
        kept = self._kept[name].get(week)
        if kept is not None:
            return Figure(kept, (week,))
        figure = compute(week)
        if figure.value is not None:
            self._new[name][week] = figure.value
        return figure

    def records(self) -> list[FigureAudit]:
        """Return a record for each counted figure with weeks not kept before."""
        records = []
        for name, new in self._new.items():
            if not new:
                continue
            values = sorted({**self._kept[name], **new}.items())
            records.append(
                FigureAudit(
                    measure=MEASURE_OF[name],
                    through_week=max(week for week, _ in values),
                    decisions=json.dumps(values),
                    equations="[]",
                )
            )
        return records
