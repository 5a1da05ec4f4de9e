"""Only final weeks give figures: the week has ended for the team and its rounds have closed.

A figure computed while answers can still arrive would change later, and two readings of the
same week would differ by the answers in between: subtracting them reveals those answers. So a
week gives a figure only once it is over in the team's time zone and every round of the kinds
the figure reads has closed. Closed rounds take no answers, so a final figure never changes.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from rituals.clock import utcnow, week_monday

# The ritual kinds whose rounds each figure reads.
KINDS_READ = {
    "participation_rate": ("checkin", "safety_pulse", "anonymous_feedback"),
    "mean_mood": ("checkin",),
    "mean_sentiment": ("checkin",),
    "safety_index": ("safety_pulse",),
    "safety_item": ("safety_pulse",),
    "stories": ("failure_celebration",),
    "anonymous_items": ("anonymous_feedback",),
}
KIND_NAMES = {
    "checkin": "check-in",
    "safety_pulse": "safety pulse",
    "anonymous_feedback": "anonymous feedback question",
    "failure_celebration": "failure thread",
}


@dataclass(frozen=True)
class Finality:
    """Which of a team's weeks are final, as of one moment."""

    timezone: str = "UTC"
    now: datetime = field(default_factory=utcnow)
    open_kinds: Mapping[str, frozenset[str]] = field(default_factory=dict)  # week → kinds open

    def reason(self, week: str, figure: str) -> str | None:
        """Return why the week gives no figure of this name yet, or None when it is final."""
        if self.now < week_end(week, self.timezone):
            return f"not final: {week} has not ended yet; its figures come once it has"
        # Weeks are published in order: a round still open in an earlier week holds back the
        # later weeks too, so the audit always sees every figure published before them.
        for open_week, kinds in sorted(self.open_kinds.items()):
            if week_monday(open_week) > week_monday(week):
                break
            still_open = [kind for kind in KINDS_READ[figure] if kind in kinds]
            if still_open:
                return (
                    f"not final: a {KIND_NAMES[still_open[0]]} of {open_week} is still open; "
                    "figures come once every round up to this week has closed"
                )
        return None

    def final_weeks(self, weeks: Iterable[str], figure: str) -> set[str]:
        """Return the weeks among those given that are final for the figure."""
        return {week for week in weeks if self.reason(week, figure) is None}


@lru_cache(maxsize=4096)
def week_end(week: str, timezone: str) -> datetime:
    """Return the moment the ISO week ends in the zone: midnight starting the next Monday."""
    next_monday = week_monday(week) + timedelta(days=7)
    return datetime.combine(next_monday, time(0), ZoneInfo(timezone))
