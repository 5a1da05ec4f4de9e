"""Publish a figure only if, with the figures already published, it reveals no one's answer.

Every figure is a linear equation: value × people = the sum of their answers. The audit models
the strongest adversary Haven defends against: one who knows who answered each week and who
assumes each person gives the same answer week after week (within AUDIT_HORIZON_WEEKS), so a
figure's equation has one unknown per person. If a new figure's equation, together with those
already published within the horizon, fixes any one person's answer (a unit vector lies in the
row space), the figure is withheld. An adversary with one unknown per person and week learns
strictly less (summing a person's weekly unknowns maps their row space onto this one), so a
figure that passes this audit passes theirs too.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

AUDIT_HORIZON_WEEKS = 13  # a quarter: how long a person's answers are assumed not to change
REVEALS_SOMEONE = (
    "withheld: together with the figures already shown, it would let someone's answer be "
    "worked out (the people behind it differ too little from those behind other figures)"
)

Equation = Mapping[int, int]  # person → how many of their answers the figure sums


def determined(equations: Iterable[Equation]) -> set[int]:
    """Return every person whose answer the equations fix, solved exactly with fractions."""
    basis: dict[int, dict[int, Fraction]] = {}  # pivot person → fully reduced row
    for equation in equations:
        row = {person: Fraction(weight) for person, weight in equation.items() if weight}
        for pivot, pivot_row in basis.items():
            _subtract(row, pivot_row, row.get(pivot))
        if not row:
            continue
        pivot = min(row)
        scale = row[pivot]
        row = {person: weight / scale for person, weight in row.items()}
        for other in basis.values():
            _subtract(other, row, other.get(pivot))
        basis[pivot] = row
    return {pivot for pivot, row in basis.items() if len(row) == 1}


def _subtract(row: dict[int, Fraction], pivot_row: dict[int, Fraction], factor: object) -> None:
    """Subtract factor × pivot_row from row in place (nothing when factor is empty)."""
    if not factor:
        return
    assert isinstance(factor, Fraction)
    for person, weight in pivot_row.items():
        updated = row.get(person, Fraction(0)) - factor * weight
        if updated:
            row[person] = updated
        else:
            row.pop(person, None)


@dataclass
class Audit:
    """The published equations of one measure of one team, in the order they were published."""

    horizon: int = AUDIT_HORIZON_WEEKS
    _published: list[tuple[int, dict[int, int]]] = field(default_factory=list)

    def admit(self, equation: Equation, *, week_number: int) -> bool:
        """Publish the equation and return True, or return False if it would reveal someone."""
        candidate = dict(equation)
        recent = self._recent(week_number)
        if candidate not in recent and determined([*recent, candidate]):
            return False
        self._published.append((week_number, candidate))
        return True

    def _recent(self, week_number: int) -> list[dict[int, int]]:
        """Return the distinct equations published within the horizon before week_number."""
        recent: list[dict[int, int]] = []
        for number, row in self._published:
            if week_number - number < self.horizon and row not in recent:
                recent.append(row)
        return recent


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
