"""A team's digest figures week by week, each as it stood at the end of that week.

Mood, sentiment and the safety items come from each person's answers over the team's whole
history (rituals/figures/history.py, items.py): only final weeks (finality.py), pooled until k
(pooling.py) and audited against every figure published before them (audit.py), so pools start
at the same week and every figure is decided once, whichever digest or signal asks for it.
Every figure, trend and item score is computed once per team and shared by its digests.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from rituals.alerts import AlertThresholds
from rituals.anonymity import withheld_reason
from rituals.clock import previous_weeks, utcnow
from rituals.figures.finality import Finality
from rituals.figures.history import (
    PersonHistory,
    PooledAnswers,
    finality_of,
    load_history,
    numbers_threshold,
    texts_threshold,
)
from rituals.figures.items import SAFETY_CYCLE_WEEKS, SafetyItems
from rituals.figures.kept_counts import MEASURE_OF, KeptCounts
from rituals.figures.model import Change, Figure, ItemScore, Metric, TrendPoint
from rituals.figures.pooling import change_hidden_reason, people_differ, weeks_spanned
from storage.models_figures import FigureAudit
from storage.team_aggregates import TeamAggregates, WeekAnswers

__all__ = ["TeamSeries", "load_history", "weeks_read"]

TREND_WEEKS = 8
FIGURES = (
    "participation_rate",
    "mean_mood",
    "mean_sentiment",
    "safety_index",
    "stories",
    "anonymous_items",
)
COUNTS = ("stories", "anonymous_items")  # plain counts: their change never exposes anyone
LOW_MOOD_WEEKS = 8  # the weeks the alert on a run of low moods looks back over
NO_NEW_ANSWERS = Change(None, "no new answers since last week")


def weeks_read(*, first_week: str, last_week: str) -> list[str]:
    """Return the consecutive ISO weeks the digests of first_week..last_week read, oldest first."""
    span = weeks_spanned(first_week, last_week)
    return previous_weeks(last_week, span + TREND_WEEKS + SAFETY_CYCLE_WEEKS - 2)


class TeamSeries:
    """The figures of one team for the weeks read, computed once and shared by its digests."""

    def __init__(
        self,
        *,
        aggregates: TeamAggregates,
        weeks: Sequence[str],
        history: PersonHistory,
        now: datetime | None = None,
    ) -> None:
        self.aggregates = aggregates
        self.weeks = list(weeks)
        self._position = {week: n for n, week in enumerate(self.weeks)}
        self.k = numbers_threshold(aggregates)
        self.k_texts = texts_threshold(aggregates)
        self.thresholds = AlertThresholds.of(aggregates.settings)
        self.finality: Finality = finality_of(aggregates, history, now or utcnow())
        self._pooled = PooledAnswers(history, k=self.k, finality=self.finality)
        self._counts = KeptCounts(history.audits)
        # No reference back to the series: a team's figures go as soon as its digests are built.
        self.safety = SafetyItems(
            history=history, k=self.k, weeks=self.weeks, finality=self.finality
        )
        self._figures: dict[str, dict[str, Figure]] = {name: {} for name in FIGURES}
        self._lines: dict[str, _Line] = {}
        self._low: dict[str, int | None] = {}
        self._low_weeks: list[tuple[str, int | None]] | None = None

    @property
    def audit_records(self) -> list[FigureAudit]:
        """Return the audit decisions made for this series that are newer than those kept."""
        return [*self._pooled.records, *self.safety.records, *self._counts.records()]

    def previous(self, week: str, count: int) -> list[str]:
        """Return count consecutive weeks ending with week, oldest first."""
        end = self._position.get(week)
        if end is None or end + 1 < count:
            return previous_weeks(week, count)
        return self.weeks[end + 1 - count : end + 1]

    def week_before(self, week: str) -> str:
        """Return the ISO week before week."""
        end = self._position.get(week)
        return self.weeks[end - 1] if end else previous_weeks(week, 2)[0]

    def answers(self, week: str) -> WeekAnswers:
        """Return the week's aggregated named answers (zeros when nobody answered)."""
        return self.aggregates.answers.get(week) or WeekAnswers(iso_week=week)

    def items_at(self, week: str) -> tuple[ItemScore, ...]:
        """Return the seven item scores as they stood at the end of the week (computed once)."""
        return self.safety.items_at(week)

    def final(self, week: str) -> bool:
        """Return whether every figure of the week is decided (none waits for the week to end)."""
        return all(self.finality.reason(week, name) is None for name in FIGURES)

    # Figures as they stood at the end of one week.

    def figure(self, name: str, week: str) -> Figure:
        """Return a figure as it stood at the end of the week (computed once)."""
        found = self._line(name).figures.get(self._position.get(week, -1))
        if found is None:
            figures = self._figures[name]  # weeks before the first a trend can show
            found = figures.get(week)
            if found is None:
                found = figures[week] = self._figure(name, week)
        return found

    def _figure(self, name: str, week: str) -> Figure:
        """Compute a figure of one week, or say why the week gives none yet."""
        not_final = self.finality.reason(week, name)
        if not_final:
            return Figure(None, (week,), not_final)
        return self._computation(name)(week)

    def _computation(self, name: str) -> Callable[[str], Figure]:
        """Return the method that computes a figure of one week."""
        if name in MEASURE_OF:  # counted from rows that erasure may remove: kept as shown
            return lambda week: self._counts.figure(name, week, self._counted(name))
        if name == "mean_mood":
            return self._mood
        if name == "mean_sentiment":
            return self._sentiment
        if name == "safety_index":
            return self.safety.index
        raise ValueError(f"unknown figure {name!r}")

    def _counted(self, name: str) -> Callable[[str], Figure]:
        """Return the method that counts a figure of one week from the live rows."""
        if name == "participation_rate":
            return self._participation
        if name == "stories":
            return self._stories
        if name == "anonymous_items":
            return self._anonymous_items
        raise ValueError(f"unknown figure {name!r}")

    def _stories(self, week: str) -> Figure:
        sharing = self.aggregates.sharing.get(week)
        return Figure(float(sharing.stories + sharing.anonymous_stories if sharing else 0), (week,))

    def _anonymous_items(self, week: str) -> Figure:
        sharing = self.aggregates.sharing.get(week)
        return Figure(float(sharing.feedback_released if sharing else 0), (week,))

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

    def _mood(self, week: str) -> Figure:
        return self._pooled.figure("mood", week)

    def _sentiment(self, week: str) -> Figure:
        return self._pooled.figure("sentiment", week)

    def no_signal_share(self, week: str) -> float | None:
        """Return the share of check-in texts without a sentiment signal, over the figure's weeks."""
        figure = self.figure("mean_sentiment", week)
        if not figure.shown:
            return None
        texts, scored = self._pooled.texts_and_scored(figure.weeks)
        return round((texts - scored) / texts, 3) if texts else None

    def low_mood_weeks(self, week: str) -> list[tuple[str, int | None]]:
        """Return the 8 weeks up to week, each with its low-mood people if at least k."""
        end = self._position.get(week, -1)
        if end + 1 < LOW_MOOD_WEEKS:
            return [(w, self.low_mood_people(w)) for w in self.previous(week, LOW_MOOD_WEEKS)]
        if self._low_weeks is None:
            self._low_weeks = [(w, self.low_mood_people(w)) for w in self.weeks]
        return self._low_weeks[end + 1 - LOW_MOOD_WEEKS : end + 1]

    def low_mood_people(self, week: str) -> int | None:
        """Return how many people had a low week behind the mood figure, if at least k did."""
        if week not in self._low:
            self._low[week] = self._low_mood_people(week)
        return self._low[week]

    def _low_mood_people(self, week: str) -> int | None:
        if not self.figure("mean_mood", week).shown:
            return None
        low = self._pooled.low_mood_people(week)
        return low if low >= self.k else None

    # Changes and trends for one digest week.

    def metric(self, *, name: str, label: str, unit: str, week: str) -> Metric:
        """Return a figure of the week with its change from last week and its 8-week trend."""
        end = self._position[week]
        line = self._line(name)
        current = line.figures.get(end) or self.figure(name, week)
        last_week = self.week_before(week)
        previous = line.figures.get(end - 1) or self.figure(name, last_week)
        change = self._change(name, week, current, last_week, previous)
        first = bisect_left(line.last, end + 1 - TREND_WEEKS)
        trend = tuple(line.points[first : bisect_right(line.first, end)])
        return Metric(name, label, unit, current, change, trend)

    def _line(self, name: str) -> "_Line":
        """Return a metric's figures and trend over the weeks read (drawn once)."""
        line = self._lines.get(name)
        if line is None:
            line = self._lines[name] = self._draw(name)
        return line

    def _draw(self, name: str) -> "_Line":
        line = _Line()
        for position in range(SAFETY_CYCLE_WEEKS - 1, len(self.weeks)):
            figure = line.figures[position] = self._figure(name, self.weeks[position])
            if figure.value is None:
                continue
            if line.points and line.points[-1].weeks == figure.weeks:
                line.last[-1] = position  # the same figure again: one point in the trend
                continue
            line.points.append(TrendPoint(figure.weeks, figure.value))
            line.first.append(position)
            line.last.append(position)
        return line

    def _change(
        self, name: str, week: str, current: Figure, last_week: str, previous: Figure
    ) -> Change:
        if current.value is None or previous.value is None:
            return Change(None, f"no figure for {last_week if current.shown else week}")
        if current.weeks == previous.weeks:
            return NO_NEW_ANSWERS
        if name in COUNTS:
            return Change(round(current.value - previous.value, 3))
        reason = change_hidden_reason(differ=self._differ(name, week, last_week), k=self.k)
        if reason:
            return Change(None, reason)
        return Change(round(current.value - previous.value, 3))

    def _differ(self, name: str, week: str, last_week: str) -> int:
        """Return how many people are behind only one of the two weeks' figures."""
        if name in ("mean_mood", "mean_sentiment"):
            return self._pooled.differ(name[5:], week, last_week)
        row, previous = self.answers(week), self.answers(last_week)
        if name == "participation_rate":
            return people_differ(
                before=previous.respondents, after=row.respondents, both=row.respondents_kept
            )
        if name == "mean_mood":
            return people_differ(
                before=previous.mood_people, after=row.mood_people, both=row.mood_kept
            )
        if name == "mean_sentiment":
            return people_differ(
                before=previous.sentiment_people,
                after=row.sentiment_people,
                both=row.sentiment_kept,
            )
        return people_differ(
            before=previous.pulse_people, after=row.pulse_people, both=row.pulse_kept
        )


@dataclass
class _Line:
    """A metric week by week: figures by position, and its trend's shown points.

    Each point stands for the positions first..last, the weeks whose figure it is.
    """

    figures: dict[int, Figure] = field(default_factory=dict)
    points: list[TrendPoint] = field(default_factory=list)
    first: list[int] = field(default_factory=list)
    last: list[int] = field(default_factory=list)
