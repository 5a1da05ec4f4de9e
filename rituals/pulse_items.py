"""Edmondson's seven team psychological safety items, their reverse scoring and the index."""

from collections.abc import Mapping, Sequence

EDMONDSON_ITEMS: dict[int, str] = {
    1: "If you make a mistake on this team, it is often held against you.",
    2: "Members of this team are able to bring up problems and tough issues.",
    3: "People on this team sometimes reject others for being different.",
    4: "It is safe to take a risk on this team.",
    5: "It is difficult to ask other members of this team for help.",
    6: "No one on this team would deliberately act in a way that undermines my efforts.",
    7: "Working with members of this team, my unique skills and talents are valued and utilized.",
}
REVERSE_SCORED = frozenset({1, 3, 5})
# One cycle covers every item once: two items a week, the seventh alone in the fourth week.
CYCLE: tuple[tuple[int, ...], ...] = ((1, 2), (3, 4), (5, 6), (7,))


def items_for_sequence(sequence: int) -> tuple[int, ...]:
    """Return the items asked at the n-th pulse of a ritual (0-based), cycling through all seven."""
    return CYCLE[sequence % len(CYCLE)]


def scored(item: int, answer: int) -> int:
    """Return an answer on the 1..7 scale with reverse-scored items flipped (8 - x)."""
    if not 1 <= answer <= 7:
        raise ValueError(f"an agree-scale answer is 1 to 7, not {answer}")
    return 8 - answer if item in REVERSE_SCORED else answer


def item_mean(item: int, answers: Sequence[int]) -> float:
    """Return the mean scored answer of one item."""
    return sum(scored(item, answer) for answer in answers) / len(answers)


def safety_index(item_means: Mapping[int, float]) -> float:
    """Return the team safety index 0..100: the mean of the seven item means, rescaled."""
    missing = set(EDMONDSON_ITEMS) - set(item_means)
    if missing:
        raise ValueError(f"items {sorted(missing)} have no mean yet")
    mean_of_means = sum(item_means.values()) / len(item_means)
    return round((mean_of_means - 1) / 6 * 100, 1)
