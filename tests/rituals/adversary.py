"""An adversary who solves the published figures exactly, as linear equations over answers.

Each published figure is an equation: a weighted sum of people's answers equals a known number.
A person's answer is revealed when its unit vector lies in the row space of the equations,
which this module decides exactly with fractions (no floats), independently of Haven's audit.
"""

from collections.abc import Hashable, Iterable, Mapping
from fractions import Fraction

Row = Mapping[Hashable, Fraction | int]


def revealed(rows: Iterable[Row]) -> set[Hashable]:
    """Return every unknown whose value the equations determine on their own."""
    basis: dict[Hashable, dict[Hashable, Fraction]] = {}  # pivot → reduced row
    for row in rows:
        reduced = {key: Fraction(value) for key, value in row.items() if value}
        for pivot, pivot_row in basis.items():
            _cancel(reduced, pivot, pivot_row)
        if not reduced:
            continue
        pivot = min(reduced, key=repr)
        scale = reduced[pivot]
        reduced = {key: value / scale for key, value in reduced.items()}
        for other in basis.values():  # keep the basis fully reduced
            _cancel(other, pivot, reduced)
        basis[pivot] = reduced
    return {pivot for pivot, row in basis.items() if len(row) == 1}


def _cancel(
    row: dict[Hashable, Fraction], pivot: Hashable, pivot_row: dict[Hashable, Fraction]
) -> None:
    """Subtract the multiple of pivot_row that makes row's pivot entry zero, in place."""
    factor = row.get(pivot)
    if not factor:
        return
    for key, value in pivot_row.items():
        updated = row.get(key, Fraction(0)) - factor * value
        if updated:
            row[key] = updated
        else:
            row.pop(key, None)


def mean_of_people(people: Iterable[Hashable]) -> dict[Hashable, Fraction]:
    """Return the equation of a mean over people, one unknown each (scaled to a plain sum)."""
    return {person: Fraction(1) for person in people}
