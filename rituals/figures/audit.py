"""Publish a figure only if, with the figures already published, it reveals no one's answer.

Every figure is a linear equation: value × people = the sum of their answers. The audit models
the strongest adversary Haven defends against: one who knows who answered each week and who
assumes each person gives the same answer week after week (within AUDIT_HORIZON_WEEKS), so a
figure's equation has one unknown per person. If a new figure's equation, together with those
already published within the horizon, fixes any one person's answer (a unit vector lies in the
row space), the figure is withheld. An adversary with one unknown per person and week learns
strictly less (summing a person's weekly unknowns maps their row space onto this one), so a
figure that passes this audit passes theirs too.

The row space is kept fully reduced in exact integer arithmetic (each row divided by the
greatest common divisor of its entries), so checking a figure costs one pass over the rows.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from math import gcd

AUDIT_HORIZON_WEEKS = 13  # a quarter: how long a person's answers are assumed not to change
REVEALS_SOMEONE = (
    "withheld: together with the figures already shown, it would let someone's answer be "
    "worked out (the people behind it differ too little from those behind other figures)"
)

Equation = Mapping[int, int]  # person → how many of their answers the figure sums
Row = dict[int, int]


def _primitive(row: Row) -> Row:
    """Return the row divided by the gcd of its entries, its first entry positive."""
    divisor = 0
    for weight in row.values():
        divisor = gcd(divisor, weight)
    if row[min(row)] < 0:
        divisor = -divisor
    return {person: weight // divisor for person, weight in row.items()}


def _eliminate(row: Row, pivot: int, pivot_row: Row) -> Row:
    """Return row with its entry in the pivot column cancelled by pivot_row (row unchanged if 0)."""
    weight = row.get(pivot)
    if not weight:
        return row
    scale = pivot_row[pivot]
    result = {person: value * scale for person, value in row.items()}
    for person, value in pivot_row.items():
        updated = result.get(person, 0) - weight * value
        if updated:
            result[person] = updated
        else:
            result.pop(person, None)
    return _primitive(result) if result else result


class Basis:
    """A fully reduced basis of a row space over the rationals, in integers."""

    def __init__(self) -> None:
        self.rows: dict[int, Row] = {}  # pivot person → row, zero in every other pivot column

    def reduce(self, equation: Equation) -> Row:
        """Return what of the equation is not already in the row space (empty if nothing)."""
        row = {person: int(weight) for person, weight in equation.items() if weight}
        for pivot, pivot_row in self.rows.items():
            row = _eliminate(row, pivot, pivot_row)
            if not row:
                break
        return _primitive(row) if row else row

    def with_row(self, reduced: Row) -> dict[int, Row]:
        """Return the basis rows after adding a reduced, non-empty row (self unchanged)."""
        pivot = min(reduced)
        rows = {other: _eliminate(row, pivot, reduced) for other, row in self.rows.items()}
        rows[pivot] = reduced
        return rows

    def add(self, equation: Equation) -> None:
        """Add an equation to the row space."""
        reduced = self.reduce(equation)
        if reduced:
            self.rows = self.with_row(reduced)


def fixed_people(rows: Mapping[int, Row]) -> set[int]:
    """Return the people whose answer a fully reduced basis fixes: its rows with one entry."""
    return {pivot for pivot, row in rows.items() if len(row) == 1}


def determined(equations: Iterable[Equation]) -> set[int]:
    """Return every person whose answer the equations fix, solved exactly."""
    basis = Basis()
    for equation in equations:
        basis.add(equation)
    return fixed_people(basis.rows)


@dataclass
class Audit:
    """The equations published for one measure of one team, each with the last week it was."""

    horizon: int = AUDIT_HORIZON_WEEKS
    _latest: dict[tuple[tuple[int, int], ...], int] = field(default_factory=dict)
    _basis: Basis = field(default_factory=Basis)

    def admit(self, equation: Equation, *, week_number: int) -> bool:
        """Publish the equation and return True, or return False if it would reveal someone."""
        self._forget_before(week_number)
        key = tuple(sorted((person, int(weight)) for person, weight in equation.items() if weight))
        if key not in self._latest:
            reduced = self._basis.reduce(dict(key))
            if reduced:
                rows = self._basis.with_row(reduced)
                if fixed_people(rows):
                    return False
                self._basis.rows = rows
        self._latest[key] = week_number
        return True

    def state(self) -> list[tuple[list[tuple[int, int]], int]]:
        """Return the published equations within the horizon, each with its last week number."""
        return [([*key], number) for key, number in self._latest.items()]

    @classmethod
    def from_state(
        cls, state: list[tuple[list[list[int]], int]], *, horizon: int = AUDIT_HORIZON_WEEKS
    ) -> "Audit":
        """Return an audit that continues from a saved state."""
        audit = cls(horizon=horizon)
        for key, number in state:
            row = tuple((person, weight) for person, weight in key)
            audit._latest[row] = number
            audit._basis.add(dict(row))
        return audit

    def _forget_before(self, week_number: int) -> None:
        """Drop equations last published before the horizon, rebuilding the basis without them."""
        expired = [key for key, n in self._latest.items() if week_number - n >= self.horizon]
        if expired:
            for key in expired:
                del self._latest[key]
            self._basis = Basis()
            for key in self._latest:
                self._basis.add(dict(key))
