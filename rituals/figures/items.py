"""The safety index of a digest week: every item's latest asking within the cycle, pooled when small.

An item asked to fewer than k people is pooled with its next askings (at most three cycles)
from each person's answers; each item's figures pass their own audit, in week order. The index
is shown only when all seven item scores behind it are shown, so it reveals nothing they do not.
"""

from collections import defaultdict

from rituals.clock import previous_weeks, week_number
from rituals.figures.audit import REVEALS_SOMEONE
from rituals.figures.finality import Finality
from rituals.figures.history import PersonHistory, rounded
from rituals.figures.ledger import Decisions, decide
from rituals.figures.model import Figure, ItemScore
from rituals.figures.pooling import Unit, index_blocks, pool_units, standing_at
from rituals.pulse_items import EDMONDSON_ITEMS, REVERSE_SCORED, item_mean, safety_index

SAFETY_CYCLE_WEEKS = 4  # a pulse cycle asks all seven items over four weeks
ITEM_POOL_WEEKS = 12  # a pooled safety item covers at most three cycles
ITEM_INDEX = {item: index for index, item in enumerate(EDMONDSON_ITEMS)}


class SafetyItems:
    """A team's seven item scores and safety index, week by week, each computed once."""

    def __init__(
        self, *, history: PersonHistory, k: int, weeks: list[str], finality: Finality
    ) -> None:
        self.k = k
        self.finality = finality
        self._weeks = weeks  # consecutive, oldest first: each week's cycle ends at its position
        self._position = {week: n for n, week in enumerate(weeks)}
        self._scores: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
        for answer in history.items:
            self._scores[(answer.iso_week, answer.item)].append((answer.member_id, answer.score))
        final = finality.final_weeks({week for week, _ in self._scores}, "safety_item")
        units = {
            item: self._units(item, final, history.starts.get(f"item {item}"))
            for item in EDMONDSON_ITEMS
        }
        self._blocks = {
            item: index_blocks(pool_units(units[item], k=k, max_weeks=ITEM_POOL_WEEKS))
            for item in EDMONDSON_ITEMS
        }
        self._decided = {
            item: self._audit(item, [unit.iso_week for unit in units[item]], history)
            for item in EDMONDSON_ITEMS
        }
        # The decisions to keep for the next digest.
        self.records = [d.record for d in self._decided.values() if d.record is not None]
        # The items answered in each week: its askings.
        self._asked: dict[str, list[int]] = defaultdict(list)
        for item, blocks in self._blocks.items():
            for week in blocks:
                self._asked[week].append(item)
            for week in self._decided[item].gone:  # published before retention took the answers
                self._asked[week].append(item)
        self._not_asked = [
            ItemScore(item, statement, item in REVERSE_SCORED, None)
            for item, statement in EDMONDSON_ITEMS.items()
        ]
        self._items: dict[str, tuple[ItemScore, ...]] = {}
        self._askings: dict[str, list[tuple[int, ItemScore]]] = {}

    def _units(self, item: int, final: set[str], start: str | None) -> list[Unit]:
        first = week_number(start) if start is not None else None  # pooled again from there
        return [
            Unit(week, len(members), members)
            for (week, number), scores in sorted(self._scores.items())
            if number == item
            and week in final
            and (first is None or week_number(week) >= first)
            and (members := frozenset(member for member, _ in scores))
        ]

    def _audit(self, item: int, weeks: list[str], history: PersonHistory) -> Decisions:
        """Return the window of askings and score published for each block that reached k."""
        return decide(
            measure=f"item {item}",
            blocks=self._blocks[item].values(),
            unit_weeks=weeks,
            max_weeks=ITEM_POOL_WEEKS,
            equation_of=lambda window: self._equation(item, window),
            value_of=lambda window: self._value(item, window),
            kept=history.audits.get(f"item {item}"),
        )

    def _value(self, item: int, weeks: tuple[str, ...]) -> float:
        """Return the item's mean over its answers in the weeks, reverse-scored where it is."""
        scores = [score for week in weeks for _, score in self._scores[(week, item)]]
        return rounded(item_mean(item, scores))

    def _equation(self, item: int, weeks: tuple[str, ...]) -> dict[int, int]:
        """Return how many answers of each person an item score over these weeks averages."""
        answers: dict[int, int] = defaultdict(int)
        for week in weeks:
            for member, _ in self._scores[(week, item)]:
                answers[member] += 1
        return dict(answers)

    def items_at(self, week: str) -> tuple[ItemScore, ...]:
        """Return the seven item scores as they stood at the end of the week (computed once)."""
        found = self._items.get(week)
        if found is None:
            found = self._items[week] = self._items_at(week)
        return found

    def _cycle(self, week: str) -> list[str]:
        """Return the weeks of the pulse cycle that ends with week, oldest first."""
        end = self._position.get(week, -1)
        if end + 1 < SAFETY_CYCLE_WEEKS:
            return previous_weeks(week, SAFETY_CYCLE_WEEKS)
        return self._weeks[end + 1 - SAFETY_CYCLE_WEEKS : end + 1]

    def _items_at(self, week: str) -> tuple[ItemScore, ...]:
        scores = list(self._not_asked)
        for asked_in in self._cycle(week):  # oldest first: an item's latest asking stands
            for index, score in self._askings_in(asked_in):
                scores[index] = score
        return tuple(scores)

    def _askings_in(self, week: str) -> list[tuple[int, ItemScore]]:
        """Return the scores of the items asked in week, by their index (computed once)."""
        found = self._askings.get(week)
        if found is None:
            found = self._askings[week] = [
                (ITEM_INDEX[item], self._score(item, week)) for item in self._asked.get(week, ())
            ]
        return found

    def _score(self, item: int, latest: str) -> ItemScore:
        """Return an item's score from its asking in week latest."""
        statement, reverse = EDMONDSON_ITEMS[item], item in REVERSE_SCORED
        standing = standing_at(
            self._blocks[item], latest, k=self.k, max_weeks=ITEM_POOL_WEEKS, what=f"item {item}"
        )
        decided = self._decided[item]
        if standing.block is None:  # answers gone (retention), the score published before stays
            published = decided.published_before_retention(latest)
            reason = standing.reason
        elif not standing.shown:
            published, reason = None, standing.reason
        else:
            published, reason = decided.published(standing.block.weeks), REVEALS_SOMEONE
        if published is None:
            return ItemScore(item, statement, reverse, None, (latest,), reason)
        window, value = published
        return ItemScore(item, statement, reverse, value, window)

    def index(self, week: str) -> Figure:
        """Return the safety index as it stood at the end of the week, or why it is withheld."""
        not_final = self.finality.reason(week, "safety_index")
        if not_final:
            return Figure(None, (week,), not_final)
        items = self.items_at(week)
        missing = [score.number for score in items if not score.weeks]
        if missing:
            cycle = self._cycle(week)
            return Figure(
                None,
                (week,),
                f"cycle incomplete: item(s) {', '.join(map(str, missing))} "
                f"not answered in {cycle[0]}..{cycle[-1]}",
            )
        means = {}
        for score in items:
            if score.score is None:
                return Figure(None, (week,), score.withheld)
            means[score.number] = score.score
        weeks = tuple(sorted({w for score in items for w in score.weeks}))
        return Figure(safety_index(means), weeks)
