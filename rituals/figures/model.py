"""The numbers of a digest: a figure with the weeks behind it, its change and its trend."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Figure:
    """One number for one week, the ISO weeks it covers (more than one when pooled), or why not."""

    value: float | None
    weeks: tuple[str, ...] = ()
    withheld: str | None = None  # why value is None: too few people, pooling, or no data

    @property
    def shown(self) -> bool:
        """Return whether the value may be shown."""
        return self.value is not None

    @property
    def window(self) -> str:
        """Return the weeks covered as text: 2026-W47, or 2026-W45–2026-W47 when pooled."""
        if not self.weeks:
            return ""
        return self.weeks[0] if len(self.weeks) == 1 else f"{self.weeks[0]}–{self.weeks[-1]}"


@dataclass(frozen=True, slots=True)
class Change:
    """The change from last week's figure, or why it is not shown."""

    value: float | None = None
    hidden: str | None = None


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One shown figure of the trend: the weeks it covers and its value."""

    weeks: tuple[str, ...]
    value: float

    @property
    def last_week(self) -> str:
        """Return the week the point is drawn at: the last week it covers."""
        return self.weeks[-1]


@dataclass(frozen=True, slots=True)
class Metric:
    """A number of the digest week with its change from last week and its 8-week trend."""

    name: str  # participation_rate | mean_mood | mean_sentiment | safety_index | stories | ...
    label: str
    unit: str  # "%" | "/5" | "−1..1" | "/100" | "" (a count)
    current: Figure
    change: Change
    trend: tuple[TrendPoint, ...]


@dataclass(frozen=True, slots=True)
class ItemScore:
    """One Edmondson item's mean, reverse-scored so higher is always safer (1–7), or why not."""

    number: int
    statement: str
    reverse_scored: bool
    score: float | None
    weeks: tuple[str, ...] = ()
    withheld: str | None = None
