"""What the digest reads about a team, week by week: one dataclass per kind of weekly sum."""

from dataclasses import dataclass, field

from storage.models import Team
from storage.models_digest import DigestSettings


@dataclass(frozen=True, slots=True)
class WeekAnswers:
    """A team's named answers in one ISO week; *_kept counts people also there the week before."""

    iso_week: str
    respondents: int = 0
    respondents_kept: int = 0
    answered: int = 0  # people summed over occurrences: one per person per check-in or pulse
    mood_people: int = 0
    mood_sum_of_means: float = 0.0
    low_mood_people: int = 0  # people whose mean mood of the week is 2 or lower
    mood_kept: int = 0
    sentiment_people: int = 0
    sentiment_sum: float = 0.0
    sentiment_count: int = 0
    text_count: int = 0
    sentiment_kept: int = 0
    pulse_people: int = 0
    pulse_kept: int = 0


@dataclass(frozen=True, slots=True)
class ItemAnswers:
    """The answers to one safety item in one week: people, answers and the sum of raw scores."""

    iso_week: str
    item: int
    people: int
    answers: int
    score_sum: int


@dataclass
class WeekRituals:
    """What ran in a team's week: invitations, a failure thread, check-ins and pulses."""

    iso_week: str
    invited: int = 0  # summed over check-ins, pulses and feedback questions
    max_invited: int = 0
    failure_thread: bool = False
    named: int = 0  # check-ins and pulses: the occurrences whose answers are rolled up
    named_closed: int = 0


@dataclass
class WeekSharing:
    """Stories and anonymous answers of a team's week, counted."""

    iso_week: str
    stories: int = 0
    anonymous_stories: int = 0
    leader_shared: bool = False
    feedback_answers: int = 0
    feedback_released: int = 0
    released_scored: int = 0
    released_sentiment_sum: float = 0.0
    released_strongly_negative: int = 0


@dataclass
class TeamAggregates:
    """Everything the digest reads about one team, week by week."""

    team: Team
    settings: DigestSettings | None
    answers: dict[str, WeekAnswers] = field(default_factory=dict)
    items: dict[str, list[ItemAnswers]] = field(default_factory=dict)
    rituals: dict[str, WeekRituals] = field(default_factory=dict)
    sharing: dict[str, WeekSharing] = field(default_factory=dict)
    commitments: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PersonWeek:
    """One person's named answers in one week (read only for teams whose weeks are pooled)."""

    iso_week: str
    member_id: int
    mood_sum: float
    mood_count: int
    sentiment_sum: float
    sentiment_count: int
    text_count: int
    pulses: int


@dataclass(frozen=True, slots=True)
class PersonItem:
    """One person's raw answer to one safety item in one week."""

    iso_week: str
    item: int
    member_id: int
    score: int
