"""One suggested action from the weakest signal, and "you said → we did" from last week.

Each action serves one of the five conditions for purpose-driven leadership: clarity of purpose
and expectations; role models and executive buy-in; psychological safety and trust; performance
and incentives aligned with purpose; ongoing coaching.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from rituals.alerts import Alert
from rituals.clock import parse_iso_week, utcnow
from rituals.errors import InvalidAnswer, NotFound
from rituals.figures.model import ItemScore, Metric
from rituals.texts import clean_text
from storage.models import Team
from storage.models_digest import LeaderCommitment
from storage.teams import find_member

CONDITIONS = {
    "clarity": "Clarity of purpose and expectations",
    "role_models": "Role models and executive buy-in",
    "trust": "Psychological safety and trust",
    "incentives": "Performance and incentives aligned with purpose",
    "coaching": "Ongoing coaching",
}
MAX_COMMITMENT_LENGTH = 1000

ITEM_ACTIONS: dict[int, tuple[str, str]] = {
    1: (
        "role_models",
        "Share one of your own mistakes in this week's failure thread first, and say what it taught you.",
    ),
    2: (
        "trust",
        "Open your next team meeting with “What's one problem we haven't talked about yet?” "
        "and thank the first person who answers.",
    ),
    3: (
        "trust",
        "In your next discussion, ask the quietest people for their view first and build on it.",
    ),
    4: (
        "incentives",
        "Name one experiment the team may try this week where failing is fine, and say you will "
        "judge it by what it teaches, not by its outcome.",
    ),
    5: (
        "coaching",
        "Ask the team for help with one of your own problems this week, in the channel, and "
        "offer 15 minutes of open office hours.",
    ),
    6: (
        "clarity",
        "Write down who decides what on the current project and share it, so nobody has to guess.",
    ),
    7: (
        "coaching",
        "In this week's 1:1s, ask each person which of their skills the team uses too little, "
        "and act on one answer.",
    ),
}
SIGNAL_ACTIONS: dict[str, tuple[str, str]] = {
    "negative_feedback": (
        "trust",
        "Reply to this week's anonymous feedback in the channel: what you heard, and one thing "
        "you will change.",
    ),
    "safety_index": (
        "trust",
        "Ask the team in your next meeting what made speaking up harder lately, and listen "
        "without defending.",
    ),
    "mean_mood": (
        "coaching",
        "Ask in this week's 1:1s what drains energy most right now, and remove one obstacle "
        "before Friday.",
    ),
    "participation_rate": (
        "clarity",
        "Tell the team in the channel what you changed because of their check-ins: people "
        "answer when they see that answers matter.",
    ),
    "mean_sentiment": (
        "trust",
        "Open the next meeting with a five-minute round on how people really are, and go first.",
    ),
    "leader_story": (
        "role_models",
        "Share one of your own mistakes in Friday's failure thread first.",
    ),
    "quiet": (
        "clarity",
        "Tell the team why the rituals matter and answer the next check-in yourself, first.",
    ),
    "steady": (
        "coaching",
        "Keep the habit: thank one person this week, in public, for raising a problem early.",
    ),
}
ALERT_SIGNALS = {
    "negative_feedback": "negative_feedback",
    "safety_dropping": "safety_index",
    "low_mood_run": "mean_mood",
    "mood_dropping": "mean_mood",
    "participation_falling": "participation_rate",
}


@dataclass(frozen=True)
class NextStep:
    """One concrete thing for the leader to do this week, and the condition it serves."""

    condition: str  # a key of CONDITIONS
    condition_label: str
    action: str
    because: str


@dataclass(frozen=True)
class FollowUp:
    """What the leaders said they would do after last week's digest, beside the signals since."""

    iso_week: str  # the week of the digest the commitment answered
    said: tuple[str, ...]
    since: tuple[str, ...]


def _step(key: str | int, because: str, actions: Mapping[Any, tuple[str, str]]) -> NextStep:
    condition, action = actions[key]
    return NextStep(condition, CONDITIONS[condition], action, because)


def choose_next_step(
    *,
    alerts: Sequence[Alert],
    metrics: Sequence[Metric],
    items: Sequence[ItemScore],
    leader_shared: bool,
    stories_ritual_ran: bool,
) -> NextStep:
    """Pick one action from the most urgent alert, else from the weakest shown signal."""
    if alerts:
        alert = alerts[0]
        signal = ALERT_SIGNALS[alert.kind]
        weakest = _weakest_item(items)
        if signal == "safety_index" and weakest is not None:
            return _item_step(weakest, f"{alert.title}; ")
        return _step(signal, f"{alert.title}: {alert.detail}", SIGNAL_ACTIONS)
    levels: list[tuple[float, str, str]] = []
    weakest = _weakest_item(items)
    if weakest is not None and weakest.score is not None:
        levels.append(((weakest.score - 1) / 6, f"item{weakest.number}", ""))
    for metric in metrics:
        value = metric.current.value
        if value is None or metric.name not in SIGNAL_ACTIONS:
            continue
        level = {
            "participation_rate": value,
            "mean_mood": (value - 1) / 4,
            "mean_sentiment": (value + 1) / 2,
            "safety_index": value / 100,
        }[metric.name]
        levels.append((level, metric.name, f"{metric.label} is the weakest signal this week"))
    if stories_ritual_ran and not leader_shared:
        levels.append((0.5, "leader_story", "No leader shared a failure story this week"))
    if not levels:
        return _step("quiet", "No signal reached enough people to be shown", SIGNAL_ACTIONS)
    if min(levels)[0] >= 0.75:
        return _step("steady", "Every signal shown is healthy this week", SIGNAL_ACTIONS)
    _level, key, because = min(levels)
    if key.startswith("item") and weakest is not None:
        return _item_step(weakest, "")
    return _step(key, because + ".", SIGNAL_ACTIONS)


def _weakest_item(items: Sequence[ItemScore]) -> ItemScore | None:
    shown = [item for item in items if item.score is not None]
    return min(shown, key=lambda item: (item.score, item.number)) if shown else None


def _item_step(item: ItemScore, prefix: str) -> NextStep:
    return _step(
        item.number,
        f"{prefix}the lowest safety item is “{item.statement}” at {item.score:.1f} of 7"
        f"{' (reverse-scored: higher is safer)' if item.reverse_scored else ''}.",
        ITEM_ACTIONS,
    )


def follow_up(*, said: Sequence[str], iso_week: str, metrics: Sequence[Metric]) -> FollowUp | None:
    """Return last week's commitments beside how each shown signal moved since, if any."""
    if not said:
        return None
    since = []
    for metric in metrics:
        current, change = metric.current, metric.change
        if current.value is None:
            continue
        if change.value is not None:
            before = current.value - change.value
            since.append(
                f"{metric.label}: {_show(metric, before)} → {_show(metric, current.value)}"
            )
        else:
            since.append(f"{metric.label}: {_show(metric, current.value)} (no comparable change)")
    return FollowUp(iso_week=iso_week, said=tuple(said), since=tuple(since))


def _show(metric: Metric, value: float) -> str:
    if metric.unit == "%":
        return f"{value:.0%}"
    if metric.unit == "/100":
        return f"{value:.0f}"
    if metric.unit == "":
        return f"{value:.0f}"
    return f"{value:+.2f}" if metric.unit == "−1..1" else f"{value:.2f}"


def record_commitment(
    *, session: Session, team_id: int, iso_week: str, leader_user_id: str, text: str | None
) -> LeaderCommitment:
    """Record what a leader will do after the digest of iso_week; answering again replaces it."""
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"no team with id {team_id}")
    try:
        parse_iso_week(iso_week)
    except ValueError as error:
        raise InvalidAnswer(str(error)) from None
    leader = find_member(session=session, team_id=team_id, platform_user_id=leader_user_id)
    if leader is None or not leader.is_leader or not leader.active:
        raise InvalidAnswer(f"Only the leaders of {team.name} can answer its digest.")
    cleaned = clean_text(text)
    if cleaned is None:
        raise InvalidAnswer("Write one thing you will do this week.")
    if len(cleaned) > MAX_COMMITMENT_LENGTH:
        raise InvalidAnswer(
            f"Keep it to {MAX_COMMITMENT_LENGTH} characters (this one has {len(cleaned)})."
        )
    query = select(LeaderCommitment).where(
        LeaderCommitment.team_id == team_id,
        LeaderCommitment.iso_week == iso_week.upper(),
        LeaderCommitment.member_id == leader.id,
    )
    commitment = session.exec(query).first() or LeaderCommitment(
        team_id=team_id, iso_week=iso_week.upper(), member_id=leader.id, text=cleaned
    )
    commitment.text, commitment.created_at = cleaned, utcnow()
    session.add(commitment)
    try:
        session.commit()
    except IntegrityError:  # a concurrent first answer won: replace it instead
        session.rollback()
        return record_commitment(
            session=session,
            team_id=team_id,
            iso_week=iso_week,
            leader_user_id=leader_user_id,
            text=text,
        )
    return commitment
