"""How long Haven keeps what, in one place: each surface that says so reads it from here."""

from dataclasses import dataclass

from rituals.errors import InvalidAnswer

DEFAULT_RETENTION_DAYS = 365
MINIMUM_RETENTION_DAYS = 30  # a week's figures are computed and frozen long before
MAXIMUM_RETENTION_DAYS = 3650
DEFAULT_REPLY_WINDOW_DAYS = 30
DEFAULT_UNINSTALL_GRACE_DAYS = 30


@dataclass(frozen=True)
class PrivacyPolicy:
    """The process-wide privacy settings; retention itself is per team."""

    reply_window_days: int = DEFAULT_REPLY_WINDOW_DAYS
    uninstall_grace_days: int = DEFAULT_UNINSTALL_GRACE_DAYS


def check_retention_days(days: int) -> int:
    """Return the retention in days, or raise InvalidAnswer naming the allowed range."""
    if not MINIMUM_RETENTION_DAYS <= days <= MAXIMUM_RETENTION_DAYS:
        raise InvalidAnswer(
            f"retention_days must be between {MINIMUM_RETENTION_DAYS} and "
            f"{MAXIMUM_RETENTION_DAYS} days, not {days}"
        )
    return days


def what_is_kept(*, retention_days: int, policy: PrivacyPolicy) -> list[str]:
    """Return, in plain words, what Haven keeps about a person and for how long."""
    return [
        f"Your named answers and the stories you share by name: {retention_days} days, then deleted.",
        "Anonymous answers: never linked to you; their texts are deleted after the same time.",
        f"The sealed address that lets a leader reply to your anonymous answer: "
        f"{policy.reply_window_days} days after the question closes.",
        "Weekly team figures (from at least 3 people): kept; no one's answer can be taken out.",
        f"If Haven is removed from the workspace: everything is erased "
        f"{policy.uninstall_grace_days} days later.",
    ]
