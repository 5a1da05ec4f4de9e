"""A team's digest figures week by week, each as it stood at the end of that week.

Teams whose every week reaches k are computed from the per-week SQL aggregates alone. A team
with a week below k is pooled (rituals/pooling.py) from each person's answers over its whole
history, so pools start at the same week whichever digest is computed.
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from rituals.anonymity import MINIMUM_THRESHOLD, withheld_reason
from rituals.clock import previous_weeks
from rituals.digest_figures import Change, Figure, ItemScore, Metric, TrendPoint
from rituals.pooling import (
    Block,
    Unit,
    change_hidden_reason,
    index_blocks,
    people_differ,
    pool_units,
    standing_at,
    weeks_spanned,
)
from rituals.pulse_items import EDMONDSON_ITEMS, REVERSE_SCORED, item_mean, safety_index
from storage.aggregates import (
    PersonItem,
    PersonWeek,
    TeamAggregates,
    WeekAnswers,
    person_items,
    person_weeks,
)

TREND_WEEKS = 8
SAFETY_CYCLE_WEEKS = 4  # a pulse cycle asks all seven items over four weeks
MAX_POOL_WEEKS = 8  # a pooled mood or sentiment figure covers at most this many weeks
ITEM_POOL_WEEKS = 12  # a pooled safety item covers at most three cycles
LOW_MOOD = 2.0  # a person's week counts as low when their mean mood is at or below this


def weeks_read(*, first_week: str, last_week: str) -> list[str]:
    """Return the consecutive ISO weeks the digests of first_week..last_week read, oldest first."""
    span = weeks_spanned(first_week, last_week)
    return previous_weeks(last_week, span + TREND_WEEKS + SAFETY_CYCLE_WEEKS - 2)


@dataclass(frozen=True)
class PersonHistory:
    """Each person's answers of a team up to the last week read; loaded only to pool weeks."""

    weeks: tuple[PersonWeek, ...]
    items: tuple[PersonItem, ...]


def needs_pooling(aggregates: TeamAggregates) -> bool:
    """Return whether some figure of the team rests on fewer than k people in a week."""
    k = numbers_threshold(aggregates)
    for week in aggregates.answers.values():
        if 0 < week.mood_people < k or 0 < week.sentiment_people < k:
            return True
    return any(0 < item.people < k for items in aggregates.items.values() for item in items)


def numbers_threshold(aggregates: TeamAggregates) -> int:
    """Return the team's k for numbers, never below the minimum."""
    return max(MINIMUM_THRESHOLD, aggregates.team.threshold_numbers)


def texts_threshold(aggregates: TeamAggregates) -> int:
    """Return the team's k for texts, never below the minimum."""
    return max(MINIMUM_THRESHOLD, aggregates.team.threshold_texts)


def load_history(*, session: Session, aggregates: TeamAggregates, last_week: str) -> PersonHistory:
    """Read each person's answers of the team up to last_week, to pool its small weeks."""
    team_id = aggregates.team.id
    assert team_id is not None
    return PersonHistory(
        weeks=tuple(person_weeks(session=session, team_id=team_id, last_week=last_week)),
        items=tuple(person_items(session=session, team_id=team_id, last_week=last_week)),
    )


class TeamSeries:
    """The figures of one team for the weeks read, computed once and shared by its digests."""

    def __init__(
        self,
        *,
        aggregates: TeamAggregates,
        weeks: Sequence[str],
        history: PersonHistory | None = None,
    ) -> None:
        self.aggregates = aggregates
        self.weeks = list(weeks)
        self._position = {week: n for n, week in enumerate(self.weeks)}
        self.k = numbers_threshold(aggregates)
        self.k_texts = texts_threshold(aggregates)
        self._history = history
        self._by_week: dict[str, list[PersonWeek]] = defaultdict(list)
        self._item_scores: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
        if history is not None:
            for row in history.weeks:
                self._by_week[row.iso_week].append(row)
            for answer in history.items:
                self._item_scores[(answer.iso_week, answer.item)].append(
                    (answer.member_id, answer.score)
                )
        self._mood_blocks: dict[str, Block] = {}
        self._sentiment_blocks: dict[str, Block] = {}
        self._item_blocks: dict[int, dict[str, Block]] = {}
        self._item_answers = {
            (week, answers.item): answers
            for week, rows in aggregates.items.items()
            for answers in rows
            if answers.people
        }
        if history is not None:  # without it every week reaches k alone: no pools to form
            self._mood_blocks = index_blocks(pool_units(self._units("mood"), **self._pool()))
            self._sentiment_blocks = index_blocks(
                pool_units(self._units("sentiment"), **self._pool())
            )
            self._item_blocks = {
                item: index_blocks(
                    pool_units(self._item_units(item), k=self.k, max_weeks=ITEM_POOL_WEEKS)
                )
                for item in EDMONDSON_ITEMS
            }
        self._figures: dict[tuple[str, str], Figure] = {}
        self._items: dict[str, tuple[ItemScore, ...]] = {}
        self._points: dict[str, _Runs] = {}
        self._low: dict[str, int | None] = {}
        self._asked: dict[tuple[int, str], ItemScore] = {}

    def previous(self, week: str, count: int) -> list[str]:
        """Return count consecutive weeks ending with week, oldest first."""
        end = self._position.get(week)
        if end is None or end + 1 < count:
            return previous_weeks(week, count)
        return self.weeks[end + 1 - count : end + 1]

    def _pool(self) -> dict[str, int]:
        return {"k": self.k, "max_weeks": MAX_POOL_WEEKS}

    def answers(self, week: str) -> WeekAnswers:
        """Return the week's aggregated named answers (zeros when nobody answered)."""
        return self.aggregates.answers.get(week) or WeekAnswers(iso_week=week)

    # Units: one per week (or asking) with answers, with its people when the team is pooled.

    def _units(self, what: str) -> list[Unit]:
        if self._history is None:
            counts = {
                week: (row.mood_people if what == "mood" else row.sentiment_people)
                for week, row in sorted(self.aggregates.answers.items())
            }
            return [Unit(week, people) for week, people in counts.items() if people]
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

    def _item_units(self, item: int) -> list[Unit]:
        if self._history is None:
            return [
                Unit(week, answers.people)
                for week, rows in sorted(self.aggregates.items.items())
                for answers in rows
                if answers.item == item and answers.people
            ]
        return [
            Unit(week, len(members), members)
            for (week, number), scores in sorted(self._item_scores.items())
            if number == item and (members := frozenset(member for member, _ in scores))
        ]

    # Figures as they stood at the end of one week.

    def figure(self, name: str, week: str) -> Figure:
        """Return a figure as it stood at the end of the week (computed once)."""
        found = self._figures.get((name, week))
        if found is None:
            found = self._figures[(name, week)] = self._figure(name, week)
        return found

    def items_at(self, week: str) -> tuple[ItemScore, ...]:
        """Return the seven item scores as they stood at the end of the week (computed once)."""
        found = self._items.get(week)
        if found is None:
            found = self._items[week] = self._items_at(week)
        return found

    def _figure(self, name: str, week: str) -> Figure:
        if name == "participation_rate":
            return self._participation(week)
        if name == "mean_mood":
            return self._pooled_figure(self._mood_blocks, week, "mood", self._mood_value)
        if name == "mean_sentiment":
            return self._pooled_figure(
                self._sentiment_blocks, week, "sentiment", self._sentiment_value
            )
        if name == "safety_index":
            return self._safety_index(week)
        sharing = self.aggregates.sharing.get(week)
        if name == "stories":
            count = (sharing.stories + sharing.anonymous_stories) if sharing else 0
            return Figure(float(count), (week,))
        if name == "anonymous_items":
            return Figure(float(sharing.feedback_released if sharing else 0), (week,))
        raise ValueError(f"unknown figure {name!r}")

    def _participation(self, week: str) -> Figure:
        rituals = self.aggregates.rituals.get(week)
        if rituals is None or not rituals.invited:
            return Figure(None, (week,), f"no rituals asked for answers in {week}")
        reason = withheld_reason(
            people=rituals.max_invited, threshold=self.k, what="participation of a team"
        )
        if reason:
            return Figure(None, (week,), reason)
        sharing = self.aggregates.sharing.get(week)
        answered = self.answers(week).answered + (sharing.feedback_answers if sharing else 0)
        return Figure(round(min(answered / rituals.invited, 1.0), 3), (week,))

    def _pooled_figure(
        self, blocks: dict[str, Block], week: str, what: str, value: Callable[[Block], float]
    ) -> Figure:
        if self._history is None:  # every week with answers reaches k alone
            row = self.aggregates.answers.get(week)
            people = (row.mood_people if what == "mood" else row.sentiment_people) if row else 0
            if not people:
                return Figure(None, (week,), f"no {what} in {week}")
            return Figure(value(Block((week,), (people,), True)), (week,))
        standing = standing_at(blocks, week, k=self.k, max_weeks=MAX_POOL_WEEKS, what=what)
        if not standing.shown or standing.block is None:
            return Figure(None, (week,), standing.reason)
        return Figure(value(standing.block), standing.block.weeks)

    def _rows(self, block: Block) -> list[PersonWeek]:
        return [row for week in block.weeks for row in self._by_week[week]]

    def _mood_value(self, block: Block) -> float:
        if self._history is None:
            row = self.answers(block.weeks[0])
            return _round(row.mood_sum_of_means / row.mood_people)
        means = self._person_mood_means(block)
        return _round(sum(means) / len(means))

    def _person_mood_means(self, block: Block) -> list[float]:
        sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0])
        for row in self._rows(block):
            if row.mood_count:
                sums[row.member_id][0] += row.mood_sum
                sums[row.member_id][1] += row.mood_count
        return [total / count for total, count in sums.values()]

    def _sentiment_value(self, block: Block) -> float:
        if self._history is None:
            row = self.answers(block.weeks[0])
            return _round(row.sentiment_sum / row.sentiment_count)
        rows = self._rows(block)
        total = sum(row.sentiment_sum for row in rows)
        return _round(total / sum(row.sentiment_count for row in rows))

    def no_signal_share(self, week: str) -> float | None:
        """Return the share of check-in texts without a sentiment signal, over the figure's weeks."""
        figure = self.figure("mean_sentiment", week)
        if not figure.shown:
            return None
        if self._history is None:
            row = self.answers(week)
            texts, scored = row.text_count, row.sentiment_count
        else:
            rows = [row for w in figure.weeks for row in self._by_week[w]]
            texts = sum(row.text_count for row in rows)
            scored = sum(row.sentiment_count for row in rows)
        return round((texts - scored) / texts, 3) if texts else None

    def low_mood_people(self, week: str) -> int | None:
        """Return how many people had a low week behind the mood figure, if at least k did."""
        if week not in self._low:
            self._low[week] = self._low_mood_people(week)
        return self._low[week]

    def _low_mood_people(self, week: str) -> int | None:
        figure = self.figure("mean_mood", week)
        if not figure.shown:
            return None
        if self._history is None:
            low = self.answers(week).low_mood_people
        else:
            block = self._mood_blocks[week]
            low = sum(1 for mean in self._person_mood_means(block) if mean <= LOW_MOOD)
        return low if low >= self.k else None

    # The safety index: every item's latest asking within the cycle, pooled when small.

    def _items_at(self, week: str) -> tuple[ItemScore, ...]:
        cycle = self.previous(week, SAFETY_CYCLE_WEEKS)
        scores = []
        for item, statement in EDMONDSON_ITEMS.items():
            blocks = self._item_blocks.get(item, {})
            latest = next((w for w in reversed(cycle) if self._was_asked(item, w, blocks)), None)
            if latest is None:
                scores.append(ItemScore(item, statement, item in REVERSE_SCORED, None))
                continue
            scores.append(self._item_score(item, statement, latest))
        return tuple(scores)

    def _was_asked(self, item: int, week: str, blocks: dict[str, Block]) -> bool:
        """Return whether the item has answers in the week."""
        return week in blocks if self._history is not None else (week, item) in self._item_answers

    def _item_score(self, item: int, statement: str, latest: str) -> ItemScore:
        """Return an item's score from its asking in week latest (computed once per asking)."""
        key = (item, latest)
        if key not in self._asked:
            self._asked[key] = self._score_asking(item, statement, latest)
        return self._asked[key]

    def _score_asking(self, item: int, statement: str, latest: str) -> ItemScore:
        reverse = item in REVERSE_SCORED
        if self._history is None:  # the asking reached k alone
            value = self._item_value(item, Block((latest,), (0,), True))
            return ItemScore(item, statement, reverse, _round(value), (latest,))
        standing = standing_at(
            self._item_blocks[item],
            latest,
            k=self.k,
            max_weeks=ITEM_POOL_WEEKS,
            what=f"item {item}",
        )
        if not standing.shown or standing.block is None:
            return ItemScore(item, statement, reverse, None, (latest,), standing.reason)
        value = _round(self._item_value(item, standing.block))
        return ItemScore(item, statement, reverse, value, standing.block.weeks)

    def _item_value(self, item: int, block: Block) -> float:
        if self._history is None:
            answers = self._item_answers[(block.weeks[0], item)]
            mean = answers.score_sum / answers.answers
            return 8 - mean if item in REVERSE_SCORED else mean
        scores = [score for week in block.weeks for _, score in self._item_scores[(week, item)]]
        return item_mean(item, scores)

    def _safety_index(self, week: str) -> Figure:
        items = self.items_at(week)
        missing = [score.number for score in items if not score.weeks]
        if missing:
            cycle = self.previous(week, SAFETY_CYCLE_WEEKS)
            return Figure(
                None,
                (week,),
                f"cycle incomplete: item(s) {', '.join(map(str, missing))} "
                f"not answered in {cycle[0]}..{cycle[-1]}",
            )
        withheld = next((score for score in items if score.score is None), None)
        if withheld is not None:
            return Figure(None, (week,), withheld.withheld)
        weeks = tuple(sorted({w for score in items for w in score.weeks}))
        index = safety_index({score.number: score.score or 0.0 for score in items})
        return Figure(index, weeks)

    # Changes and trends for one digest week.

    def metric(self, *, name: str, label: str, unit: str, week: str) -> Metric:
        """Return a figure of the week with its change from last week and its 8-week trend."""
        current = self.figure(name, week)
        end = self._position[week]
        runs = self._runs(name)
        first = bisect_left(runs.last, end + 1 - TREND_WEEKS)
        return Metric(
            name=name,
            label=label,
            unit=unit,
            current=current,
            change=self._change(name, week, current),
            trend=tuple(runs.points[first : bisect_right(runs.first, end)]),
        )

    def _runs(self, name: str) -> "_Runs":
        """Return the shown figures of every week as runs of equal points, shared by digests."""
        runs = self._points.get(name)
        if runs is None:
            runs = self._points[name] = _Runs()
            for position in range(SAFETY_CYCLE_WEEKS - 1, len(self.weeks)):
                figure = self.figure(name, self.weeks[position])
                if figure.value is None:
                    continue
                if runs.points and runs.points[-1].weeks == figure.weeks:
                    runs.last[-1] = position  # the same figure again: one point in the trend
                    continue
                runs.points.append(TrendPoint(figure.weeks, figure.value))
                runs.first.append(position)
                runs.last.append(position)
        return runs

    def _change(self, name: str, week: str, current: Figure) -> Change:
        last_week = self.previous(week, 2)[0]
        previous = self.figure(name, last_week)
        if current.value is None or previous.value is None:
            return Change(None, f"no figure for {last_week if current.shown else week}")
        if current.weeks == previous.weeks:
            return Change(None, "no new answers since last week")
        if name in ("stories", "anonymous_items"):
            return Change(round(current.value - previous.value, 3))
        reason = change_hidden_reason(differ=self._differ(name, week, last_week), k=self.k)
        if reason:
            return Change(None, reason)
        return Change(round(current.value - previous.value, 3))

    def _differ(self, name: str, week: str, last_week: str) -> int:
        """Return how many people are behind only one of the two weeks' figures."""
        pooled = {"mean_mood": self._mood_blocks, "mean_sentiment": self._sentiment_blocks}
        if self._history is not None and name in pooled:
            after, before = pooled[name][week].members, pooled[name][last_week].members
            assert after is not None and before is not None
            return len(after ^ before)
        row, previous = self.answers(week), self.answers(last_week)
        counts = {
            "participation_rate": (row.respondents, previous.respondents, row.respondents_kept),
            "mean_mood": (row.mood_people, previous.mood_people, row.mood_kept),
            "mean_sentiment": (
                row.sentiment_people,
                previous.sentiment_people,
                row.sentiment_kept,
            ),
            "safety_index": (row.pulse_people, previous.pulse_people, row.pulse_kept),
        }
        after_count, before_count, both = counts[name]
        return people_differ(before=before_count, after=after_count, both=both)


@dataclass
class _Runs:
    """A metric's shown points with the first and last week position each stands for."""

    points: list[TrendPoint] = field(default_factory=list)
    first: list[int] = field(default_factory=list)
    last: list[int] = field(default_factory=list)


def _round(value: float, digits: int = 2) -> float:
    """Round for display the same whichever order a database summed in (0.275 stays 0.28)."""
    return round(round(value, 9), digits)
