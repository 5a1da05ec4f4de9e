"""A team's mood and sentiment from each person's answers: final weeks, pooled until k, audited.

Every team's history is read from its first week, so pools start at the same week and the audit
has seen the same published figures whichever digest is computed: a figure is decided once.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from rituals.anonymity import MINIMUM_THRESHOLD
from rituals.clock import previous_weeks, week_number
from rituals.figures.audit import REVEALS_SOMEONE
from rituals.figures.finality import Finality
from rituals.figures.ledger import Decisions, decide, first_block_before
from rituals.figures.model import Figure
from rituals.figures.pooling import Unit, index_blocks, pool_units, standing_at
from storage.aggregates import open_rounds, person_items, person_weeks
from storage.figure_audits import audit_records
from storage.models_figures import FigureAudit
from storage.team_aggregates import PersonItem, PersonWeek, TeamAggregates

MAX_POOL_WEEKS = 8  # a pooled mood or sentiment figure covers at most this many weeks
LOW_MOOD = 2.0  # a person's week counts as low when their mean mood is at or below this
FIGURE_OF = {"mood": "mean_mood", "sentiment": "mean_sentiment"}
AUDITED_MEASURES = ("mood", "sentiment", *(f"item {item}" for item in range(1, 8)))
READ_BACK_WEEKS = 12  # the longest a pooled or widened window reaches back (a safety item's)


@dataclass(frozen=True)
class PersonHistory:
    """Each person's answers of a team up to the last week read, and which rounds are open."""

    weeks: tuple[PersonWeek, ...]
    items: tuple[PersonItem, ...]
    open_kinds: dict[str, frozenset[str]] = field(default_factory=dict)
    audits: dict[str, FigureAudit] = field(default_factory=dict)  # the audit's kept records
    starts: dict[str, str] = field(default_factory=dict)  # measure → first week pooled again


def numbers_threshold(aggregates: TeamAggregates) -> int:
    """Return the team's k for numbers, never below the minimum."""
    return max(MINIMUM_THRESHOLD, aggregates.team.threshold_numbers)


def texts_threshold(aggregates: TeamAggregates) -> int:
    """Return the team's k for texts, never below the minimum."""
    return max(MINIMUM_THRESHOLD, aggregates.team.threshold_texts)


def load_history(
    *, session: Session, aggregates: TeamAggregates, last_week: str, first_read: str | None = None
) -> PersonHistory:
    """Read each person's answers of the team up to last_week, and its rounds still open.

    With the audit's kept decisions, answers are read only from the start of the latest kept
    block that begins READ_BACK_WEEKS before both first_read (the first week a digest shows) and
    the last week decided: the figures before it are the kept ones, and no window of a shown or
    newly decided figure reaches further back.
    """
    team_id = aggregates.team.id
    assert team_id is not None
    audits = audit_records(session=session, team_id=team_id)
    starts = _read_from(audits, first_read)
    since = min(starts.values(), key=week_number) if starts else ""
    return PersonHistory(
        weeks=tuple(
            person_weeks(session=session, team_id=team_id, last_week=last_week, since=since)
        ),
        items=tuple(
            person_items(session=session, team_id=team_id, last_week=last_week, since=since)
        ),
        open_kinds=open_rounds(session=session, team_id=team_id, last_week=last_week),
        audits=audits,
        starts=starts,
    )


def _read_from(audits: dict[str, FigureAudit], first_read: str | None) -> dict[str, str]:
    """Return the first week to pool from for each measure, or nothing to read everything."""
    if first_read is None:
        return {}
    starts: dict[str, str | None] = {}
    for measure in AUDITED_MEASURES:
        kept = audits.get(measure)
        # New blocks come after the kept ones and may be widened back over the weeks before.
        earliest = (
            first_read if kept is None else min(first_read, kept.through_week, key=week_number)
        )
        limit = previous_weeks(earliest, READ_BACK_WEEKS + 1)[0]
        starts[measure] = first_block_before(kept, limit)
    if any(start is None for start in starts.values()):
        return {}  # a measure without kept decisions is replayed from the first week
    return {measure: start for measure, start in starts.items() if start is not None}


def finality_of(aggregates: TeamAggregates, history: PersonHistory, now: datetime) -> Finality:
    """Return which of the team's weeks are final as of now."""
    return Finality(timezone=aggregates.team.timezone, now=now, open_kinds=history.open_kinds)


class PooledAnswers:
    """Mood and sentiment of a team from each person's weekly sums: pooled, then audited."""

    def __init__(self, history: PersonHistory, *, k: int, finality: Finality) -> None:
        self.k = k
        self.finality = finality
        self._by_week: dict[str, list[PersonWeek]] = defaultdict(list)
        for row in history.weeks:
            self._by_week[row.iso_week].append(row)
        units = {what: self._units(what, history.starts.get(what)) for what in FIGURE_OF}
        self.blocks = {
            what: index_blocks(pool_units(units[what], k=k, max_weeks=MAX_POOL_WEEKS))
            for what in FIGURE_OF
        }
        self._decided = {
            what: self._audit(what, [unit.iso_week for unit in units[what]], history)
            for what in FIGURE_OF
        }
        # The decisions to keep for the next digest.
        self.records = [d.record for d in self._decided.values() if d.record is not None]

    def _units(self, what: str, start: str | None) -> list[Unit]:
        final = self.finality.final_weeks(self._by_week, FIGURE_OF[what])
        if start is not None:  # pooled again from a block the audit kept
            final = {week for week in final if week_number(week) >= week_number(start)}
        units = []
        for week in sorted(final):
            members = frozenset(row.member_id for row in self._by_week[week] if _count(row, what))
            if members:
                units.append(Unit(week, len(members), members))
        return units

    def _audit(self, what: str, weeks: list[str], history: PersonHistory) -> Decisions:
        """Return the window and value published for each block that reached k (ledger.py)."""
        return decide(
            measure=what,
            blocks=self.blocks[what].values(),
            unit_weeks=weeks,
            max_weeks=MAX_POOL_WEEKS,
            equation_of=lambda window: self._equation(what, window),
            value_of=lambda window: (
                self._mood(window) if what == "mood" else self._sentiment(window)
            ),
            kept=history.audits.get(what),
        )

    def _equation(self, what: str, weeks: tuple[str, ...]) -> dict[int, int]:
        """Return who the block's figure sums, and how many of each person's answers it holds."""
        counts: dict[int, int] = defaultdict(int)
        for row in self._rows(weeks):
            # Mood is a mean of each person's mean: one unknown per person. Sentiment is a mean
            # over texts: a person weighs as many times as they wrote a scored text.
            if what == "mood" and row.mood_count:
                counts[row.member_id] = 1
            elif what == "sentiment" and row.sentiment_count:
                counts[row.member_id] += row.sentiment_count
        return dict(counts)

    def figure(self, what: str, week: str) -> Figure:
        """Return the mood or sentiment figure as it stood at the end of the week."""
        standing = standing_at(
            self.blocks[what], week, k=self.k, max_weeks=MAX_POOL_WEEKS, what=what
        )
        decided = self._decided[what]
        if standing.block is None:  # answers gone (retention), the figure published before stays
            kept = decided.published_before_retention(week)
            return Figure(None, (week,), standing.reason) if kept is None else _figure(kept)
        if not standing.shown:
            return Figure(None, (week,), standing.reason)
        published = decided.published(standing.block.weeks)
        return Figure(None, (week,), REVEALS_SOMEONE) if published is None else _figure(published)

    def window(self, what: str, week: str) -> tuple[str, ...]:
        """Return the weeks behind the week's published figure (none when it has none)."""
        block = self.blocks[what].get(week)
        return self._decided[what].windows.get(block.weeks, ()) if block else ()

    def _rows(self, weeks: tuple[str, ...]) -> list[PersonWeek]:
        return [row for week in weeks for row in self._by_week[week]]

    def _person_mood_means(self, weeks: tuple[str, ...]) -> list[float]:
        sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0])
        for row in self._rows(weeks):
            if row.mood_count:
                sums[row.member_id][0] += row.mood_sum
                sums[row.member_id][1] += row.mood_count
        return [total / count for total, count in sums.values()]

    def _mood(self, weeks: tuple[str, ...]) -> float:
        means = self._person_mood_means(weeks)
        return rounded(sum(means) / len(means))

    def _sentiment(self, weeks: tuple[str, ...]) -> float:
        rows = self._rows(weeks)
        total = sum(row.sentiment_sum for row in rows)
        return rounded(total / sum(row.sentiment_count for row in rows))

    def texts_and_scored(self, weeks: tuple[str, ...]) -> tuple[int, int]:
        """Return how many check-in texts the weeks hold, and how many carried a sentiment."""
        rows = self._rows(weeks)
        return sum(row.text_count for row in rows), sum(row.sentiment_count for row in rows)

    def low_mood_people(self, week: str) -> int:
        """Return how many people behind the week's mood pool had a mean mood of 2 or lower."""
        means = self._person_mood_means(self.window("mood", week))
        return sum(1 for mean in means if mean <= LOW_MOOD)

    def respondents(self, what: str, week: str) -> frozenset[int]:
        """Return the people behind the week's figure (empty when it has none)."""
        return frozenset(
            row.member_id for row in self._rows(self.window(what, week)) if _count(row, what)
        )

    def differ(self, what: str, week: str, last_week: str) -> int:
        """Return how many people are behind only one of the two weeks' pools."""
        return len(self.respondents(what, week) ^ self.respondents(what, last_week))


def _figure(published: tuple[tuple[str, ...], float]) -> Figure:
    """Return a published (window, value) as a figure."""
    window, value = published
    return Figure(value, window)


def _count(row: PersonWeek, what: str) -> int:
    """Return how many of the person's answers of the week the figure reads."""
    return row.mood_count if what == "mood" else row.sentiment_count


def rounded(value: float, digits: int = 2) -> float:
    """Round for display the same whichever order a database summed in (0.275 stays 0.28)."""
    return round(round(value, 9), digits)
