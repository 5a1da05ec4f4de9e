"""Decide each block's published window and value once, continuing from the stored record.

Blocks come only from final weeks, so a decision never changes: the record of what was decided
through a week (each window with its value, and the equations still within the audit's horizon)
lets the next digest start from there, and keeps a published value as it was when a person's
answers are later erased. Blocks older than the history still kept (retention) are passed over;
a record that does not match the blocks of today's history is set aside and the audit replayed
from the team's first week.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rituals.clock import week_number
from rituals.figures.audit import Audit, Equation
from rituals.figures.pooling import Block, weeks_spanned
from storage.models_figures import FigureAudit

Weeks = tuple[str, ...]


@dataclass(frozen=True)
class Decisions:
    """The window and value published for each block that reached k (absent when withheld)."""

    windows: dict[Weeks, Weeks]
    values: dict[Weeks, float]
    gone: dict[str, Weeks]  # last week → a kept block whose answers retention has removed
    record: FigureAudit | None  # what to keep for next time, None when nothing new was decided

    def published(self, block_weeks: Weeks) -> tuple[Weeks, float] | None:
        """Return the window and value published for a block, or None when it was withheld."""
        window = self.windows.get(block_weeks)
        return None if window is None else (window, self.values[block_weeks])

    def published_before_retention(self, week: str) -> tuple[Weeks, float] | None:
        """Return the window and value of a kept figure of the week whose answers are gone."""
        block_weeks = self.gone.get(week)
        return None if block_weeks is None else self.published(block_weeks)


def decide(
    *,
    measure: str,
    blocks: Iterable[Block],
    unit_weeks: Sequence[str],
    max_weeks: int,
    equation_of: Callable[[Weeks], Equation],
    value_of: Callable[[Weeks], float],
    kept: FigureAudit | None,
) -> Decisions:
    """Return each block's published window: widened back over earlier weeks if need be."""
    ordered = sorted(
        {block.weeks: block for block in blocks if block.reached_k}.values(),
        key=lambda block: week_number(block.weeks[-1]),
    )
    cached, audit = _resume(kept, ordered, first_week=unit_weeks[0] if unit_weeks else None)
    through = week_number(kept.through_week) if cached is not None and kept else None
    windows: dict[Weeks, Weeks] = {}
    values: dict[Weeks, float] = {}
    gone: dict[str, Weeks] = {}
    decided: list[tuple[Weeks, Weeks | None, float | None]] = []
    if cached is not None:  # blocks older than the history kept: their decisions stay
        current = {block.weeks for block in ordered}
        for weeks, (window, value) in cached.items():
            if weeks not in current:
                decided.append((weeks, window, value))
                if window is not None and value is not None:
                    windows[weeks], values[weeks] = window, value
                    gone[weeks[-1]] = weeks
    for block in ordered:
        last = block.weeks[-1]
        value = None
        if cached is not None and through is not None and week_number(last) <= through:
            window, value = cached[block.weeks]
        else:
            window = first_published(
                audit,
                widenings(
                    block.weeks,
                    unit_weeks[: unit_weeks.index(block.weeks[0])],
                    fits=lambda week, last=last: weeks_spanned(week, last) <= max_weeks,
                ),
                equation_of=equation_of,
                week_number=week_number(last),
            )
        if window is not None:
            windows[block.weeks] = window
            values[block.weeks] = value if value is not None else value_of(window)
        decided.append((block.weeks, window, values.get(block.weeks)))
    record = None
    if ordered and (kept is None or kept.through_week != ordered[-1].weeks[-1]):
        record = FigureAudit(
            measure=measure,
            through_week=ordered[-1].weeks[-1],
            decisions=json.dumps(decided),
            equations=json.dumps(audit.state()),
        )
    return Decisions(windows, values, gone, record)


def first_block_before(kept: FigureAudit | None, week: str) -> str | None:
    """Return the first week of the latest kept block starting by week, or None to read it all.

    Every block the audit decided starts with no pool open, so pooling again from its first week
    gives the same blocks after it; the kept decisions stand for everything before.
    """
    if kept is None:
        return None
    starts = [weeks[0] for weeks, _, _ in json.loads(kept.decisions)]
    earlier = [start for start in starts if week_number(start) <= week_number(week)]
    return max(earlier, key=week_number) if earlier else None


def _resume(
    kept: FigureAudit | None, ordered: list[Block], *, first_week: str | None
) -> tuple[dict[Weeks, tuple[Weeks | None, float | None]] | None, Audit]:
    """Return the kept decisions and the audit to continue with, or none and a fresh audit."""
    if kept is None:
        return None, Audit()
    decided = {
        tuple(weeks): (tuple(window) if window else None, value)
        for weeks, window, value in json.loads(kept.decisions)
    }
    through = week_number(kept.through_week)
    expected = {block.weeks for block in ordered if week_number(block.weeks[-1]) <= through}
    start = week_number(first_week) if first_week else through + 1
    still_held = {weeks for weeks in decided if week_number(weeks[0]) >= start}
    if not expected <= set(decided) or still_held - expected:
        return None, Audit()  # the history changed under the record: replay it
    return decided, Audit.from_state(json.loads(kept.equations))


def widenings(
    weeks: Sequence[str], earlier: Sequence[str], *, fits: Callable[[str], bool]
) -> list[tuple[str, ...]]:
    """Return the window of weeks, then the same window widened by each earlier week that fits."""
    windows = [tuple(weeks)]
    for start in range(len(earlier) - 1, -1, -1):
        if not fits(earlier[start]):
            break
        windows.append((*earlier[start:], *weeks))
    return windows


def first_published(
    audit: Audit,
    windows: Iterable[tuple[str, ...]],
    *,
    equation_of: Callable[[tuple[str, ...]], Equation],
    week_number: int,
) -> tuple[str, ...] | None:
    """Return the first window whose figure the audit admits (and publish it), or None."""
    for window in windows:
        if audit.admit(equation_of(window), week_number=week_number):
            return window
    return None
