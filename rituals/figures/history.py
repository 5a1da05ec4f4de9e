"""A small team's mood and sentiment, pooled over weeks from each person's answers until k.

Only teams with a week below k load their history (each person's sums per week); pools then
start at the same week whichever digest is computed, because they run over the whole history.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session

from rituals.anonymity import MINIMUM_THRESHOLD
from rituals.figures.model import Figure
from rituals.figures.pooling import Block, Unit, index_blocks, pool_units, standing_at
from storage.aggregates import person_items, person_weeks
from storage.team_aggregates import PersonItem, PersonWeek, TeamAggregates

MAX_POOL_WEEKS = 8  # a pooled mood or sentiment figure covers at most this many weeks
LOW_MOOD = 2.0  # a person's week counts as low when their mean mood is at or below this


@dataclass(frozen=True)
class PersonHistory:
    """Each person's answers of a team up to the last week read; loaded only to pool weeks."""

    weeks: tuple[PersonWeek, ...]
    items: tuple[PersonItem, ...]


def numbers_threshold(aggregates: TeamAggregates) -> int:
    """Return the team's k for numbers, never below the minimum."""
    return max(MINIMUM_THRESHOLD, aggregates.team.threshold_numbers)


def texts_threshold(aggregates: TeamAggregates) -> int:
    """Return the team's k for texts, never below the minimum."""
    return max(MINIMUM_THRESHOLD, aggregates.team.threshold_texts)


def needs_pooling(aggregates: TeamAggregates) -> bool:
    """Return whether some figure of the team rests on fewer than k people in a week."""
    k = numbers_threshold(aggregates)
    for week in aggregates.answers.values():
        if 0 < week.mood_people < k or 0 < week.sentiment_people < k:
            return True
    return any(0 < item.people < k for items in aggregates.items.values() for item in items)


def load_history(*, session: Session, aggregates: TeamAggregates, last_week: str) -> PersonHistory:
    """Read each person's answers of the team up to last_week, to pool its small weeks."""
    team_id = aggregates.team.id
    assert team_id is not None
    return PersonHistory(
        weeks=tuple(person_weeks(session=session, team_id=team_id, last_week=last_week)),
        items=tuple(person_items(session=session, team_id=team_id, last_week=last_week)),
    )


class PooledAnswers:
    """Mood and sentiment of a team with small weeks, pooled from each person's weekly sums."""

    def __init__(self, history: PersonHistory, *, k: int) -> None:
        self.k = k
        self._by_week: dict[str, list[PersonWeek]] = defaultdict(list)
        for row in history.weeks:
            self._by_week[row.iso_week].append(row)
        self.blocks = {
            what: index_blocks(pool_units(self._units(what), k=k, max_weeks=MAX_POOL_WEEKS))
            for what in ("mood", "sentiment")
        }

    def _units(self, what: str) -> list[Unit]:
        units = []
        for week in sorted(self._by_week):
            members = frozenset(
                row.member_id
                for row in self._by_week[week]
                if (row.mood_count if what == "mood" else row.sentiment_count)
            )
            if members:
                units.append(Unit(week, len(members), members))
        return units

    def figure(self, what: str, week: str) -> Figure:
        """Return the mood or sentiment figure as it stood at the end of the week."""
        standing = standing_at(
            self.blocks[what], week, k=self.k, max_weeks=MAX_POOL_WEEKS, what=what
        )
        if not standing.shown or standing.block is None:
            return Figure(None, (week,), standing.reason)
        block = standing.block
        value = self._mood(block) if what == "mood" else self._sentiment(block)
        return Figure(value, block.weeks)

    def _rows(self, weeks: tuple[str, ...]) -> list[PersonWeek]:
        return [row for week in weeks for row in self._by_week[week]]

    def _person_mood_means(self, block: Block) -> list[float]:
        sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0])
        for row in self._rows(block.weeks):
            if row.mood_count:
                sums[row.member_id][0] += row.mood_sum
                sums[row.member_id][1] += row.mood_count
        return [total / count for total, count in sums.values()]

    def _mood(self, block: Block) -> float:
        means = self._person_mood_means(block)
        return rounded(sum(means) / len(means))

    def _sentiment(self, block: Block) -> float:
        rows = self._rows(block.weeks)
        total = sum(row.sentiment_sum for row in rows)
        return rounded(total / sum(row.sentiment_count for row in rows))

    def texts_and_scored(self, weeks: tuple[str, ...]) -> tuple[int, int]:
        """Return how many check-in texts the weeks hold, and how many carried a sentiment."""
        rows = self._rows(weeks)
        return sum(row.text_count for row in rows), sum(row.sentiment_count for row in rows)

    def low_mood_people(self, week: str) -> int:
        """Return how many people behind the week's mood pool had a mean mood of 2 or lower."""
        means = self._person_mood_means(self.blocks["mood"][week])
        return sum(1 for mean in means if mean <= LOW_MOOD)

    def differ(self, what: str, week: str, last_week: str) -> int:
        """Return how many people are behind only one of the two weeks' pools."""
        after, before = self.blocks[what][week].members, self.blocks[what][last_week].members
        assert after is not None and before is not None
        return len(after ^ before)


def rounded(value: float, digits: int = 2) -> float:
    """Round for display the same whichever order a database summed in (0.275 stays 0.28)."""
    return round(round(value, 9), digits)
