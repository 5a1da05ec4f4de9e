"""Pool a small team's weeks until k people are reached, and guard week-over-week changes.

The rules, in the order they protect people:

- A week (or one asking of a safety item) that reaches k people on its own is shown on its own.
- Weeks that do not are pooled with the following weeks that do not either, until the pool
  reaches k distinct people; a pool never spans more than `max_weeks` weeks and is withheld
  if it cannot reach k within them. A week that reaches k alone ends an open pool unshown.
- Pools never overlap and never nest, so no figure is another figure plus a few people:
  subtracting two published figures never isolates anyone's answers.
- A week-over-week change is hidden when the people behind the two figures differ by 1 to k-1.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from rituals.clock import week_number


@dataclass(frozen=True)
class Unit:
    """One week (or one asking of an item) and who answered in it; members may be None if ≥ k."""

    iso_week: str
    people: int
    members: frozenset[int] | None = None


@dataclass(frozen=True)
class Block:
    """Consecutive units pooled into one figure, with the people counted after each unit."""

    weeks: tuple[str, ...]
    people_so_far: tuple[int, ...]  # distinct people up to and including each week
    reached_k: bool
    members: frozenset[int] | None = None

    @property
    def people(self) -> int:
        """Return the distinct people behind the whole block."""
        return self.people_so_far[-1]


def weeks_spanned(first: str, last: str) -> int:
    """Return how many calendar weeks first..last covers, both included."""
    return week_number(last) - week_number(first) + 1


def pool_units(units: Sequence[Unit], *, k: int, max_weeks: int) -> list[Block]:
    """Split units (oldest first, one per week at most) into shown singletons and pools."""
    blocks: list[Block] = []
    weeks: list[str] = []
    counts: list[int] = []
    members: set[int] = set()

    def close(reached: bool) -> None:
        blocks.append(Block(tuple(weeks), tuple(counts), reached, frozenset(members)))
        weeks.clear()
        counts.clear()
        members.clear()

    for unit in units:
        if unit.people >= k:
            if weeks:
                close(False)  # a week that reaches k alone is shown alone
            blocks.append(Block((unit.iso_week,), (unit.people,), True, unit.members))
            continue
        if unit.members is None:
            raise ValueError(f"pooling {unit.iso_week} needs the people behind it")
        if weeks and weeks_spanned(weeks[0], unit.iso_week) > max_weeks:
            close(False)
        weeks.append(unit.iso_week)
        members.update(unit.members)
        counts.append(len(members))
        if len(members) >= k:
            close(True)
    if weeks:
        close(False)
    return blocks


@dataclass(frozen=True)
class Standing:
    """Where a figure stands as of one week: shown with its block, or why not."""

    block: Block | None
    shown: bool
    reason: str | None


def standing_at(
    blocks_by_week: dict[str, Block], iso_week: str, *, k: int, max_weeks: int, what: str
) -> Standing:
    """Return whether the figure of iso_week may be shown as of that week, and why not."""
    block = blocks_by_week.get(iso_week)
    if block is None:
        return Standing(None, False, f"no {what} in {iso_week}")
    position = block.weeks.index(iso_week)
    if block.reached_k and position == len(block.weeks) - 1:
        return Standing(block, True, None)
    people = block.people_so_far[position]
    first = block.weeks[0]
    window = iso_week if first == iso_week else f"{first}..{iso_week}"
    if weeks_spanned(first, iso_week) >= max_weeks:
        return Standing(
            block,
            False,
            f"withheld: {what} from {people} of the needed {k} people over {window}",
        )
    return Standing(
        block,
        False,
        f"withheld: {what} from {people} of the needed {k} people in {window}; "
        "pooling with the next weeks until there are enough",
    )


def index_blocks(blocks: Sequence[Block]) -> dict[str, Block]:
    """Return the block of each week."""
    return {week: block for block in blocks for week in block.weeks}


def people_differ(*, before: int, after: int, both: int) -> int:
    """Return how many people are behind only one of two figures."""
    return before + after - 2 * both


def change_hidden_reason(*, differ: int, k: int) -> str | None:
    """Return why a change must be hidden when 1..k-1 people differ, or None to show it."""
    if 0 < differ < k:
        return (
            f"the people behind the two weeks differ by {differ} (fewer than {k}), "
            "so the difference could expose someone's answer"
        )
    return None
