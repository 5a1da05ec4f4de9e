"""Platform-neutral messages the core sends; each adapter renders them in its own format."""

from dataclasses import dataclass, field
from datetime import datetime

from rituals.digest import DigestDocument

MOOD_LABELS = {1: "Rough", 2: "Meh", 3: "Okay", 4: "Good", 5: "Great"}
AGREE_LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Slightly disagree",
    4: "Neutral",
    5: "Slightly agree",
    6: "Agree",
    7: "Strongly agree",
}


@dataclass(frozen=True)
class CheckinPrompt:
    """A channel prompt asking for a mood from 1 to 5 and an optional word."""

    occurrence_id: int
    question: str
    mode: str  # shared | private
    closes_at: datetime
    scale: dict[int, str] = field(default_factory=lambda: dict(MOOD_LABELS))


@dataclass(frozen=True)
class SharedCheckin:
    """One member's check-in, posted in the prompt's thread in shared mode."""

    occurrence_id: int
    display_name: str
    mood: int
    text: str | None


@dataclass(frozen=True)
class FailureThreadOpener:
    """The thread opener inviting the team to share what did not go as planned."""

    occurrence_id: int
    question: str
    closes_at: datetime


@dataclass(frozen=True)
class AnonymousStoryPost:
    """A failure story shared anonymously, posted by the bot in the thread."""

    occurrence_id: int
    text: str


@dataclass(frozen=True)
class FeedbackPrompt:
    """A direct message asking one anonymous-feedback question."""

    occurrence_id: int
    question: str
    threshold: int
    closes_at: datetime


@dataclass(frozen=True)
class PulseItem:
    """One Edmondson item as asked, with its 1-based number."""

    number: int
    statement: str


@dataclass(frozen=True)
class PulsePrompt:
    """A direct message asking this week's safety-pulse items on a 7-point agree scale."""

    occurrence_id: int
    items: tuple[PulseItem, ...]
    closes_at: datetime
    scale: dict[int, str] = field(default_factory=lambda: dict(AGREE_LABELS))


@dataclass(frozen=True)
class Reminder:
    """A nudge to one member who has not answered yet; it never names anyone else."""

    occurrence_id: int
    ritual_kind: str
    text: str


@dataclass(frozen=True)
class RoundSummary:
    """The close of an occurrence: counts and aggregates only, never individual private answers."""

    occurrence_id: int
    ritual_kind: str
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class FeedbackBatch:
    """Anonymous answers released to a leader in one shuffled batch once k exist."""

    occurrence_id: int
    question: str
    items: tuple[tuple[str, str], ...]  # (item key, text), shuffled
    replyable: frozenset[str] = frozenset()  # keys of answers whose authors allowed replies


@dataclass(frozen=True)
class LeaderReply:
    """A leader's reply to an anonymous answer, relayed to its author."""

    question: str
    answer_excerpt: str
    reply: str


@dataclass(frozen=True)
class DigestMessage:
    """The weekly safety digest for one leader, with its trend chart (PNG) or a text fallback."""

    document: DigestDocument
    chart_png: bytes | None
    chart_alt_text: str


Message = (
    CheckinPrompt
    | SharedCheckin
    | FailureThreadOpener
    | AnonymousStoryPost
    | FeedbackPrompt
    | PulsePrompt
    | Reminder
    | RoundSummary
    | FeedbackBatch
    | LeaderReply
    | DigestMessage
)
