"""Adaptive Cards for people's data: what is kept and for how long, export and erase."""

from bot.teams.cards import Card, card, execute, note, text, title
from rituals.privacy.erasure import ErasureReport
from rituals.privacy.policy import PrivacyPolicy, what_is_kept

INTRO = "Haven keeps as little as it can, and you can take it with you or erase it at any time."


def privacy_card(*, retention_days: int, policy: PrivacyPolicy) -> Card:
    """Return what Haven keeps and for how long, with "send me my data" and "erase me"."""
    kept = what_is_kept(retention_days=retention_days, policy=policy)
    return card(
        [title("Your data"), text(INTRO), *(text(f"• {line}") for line in kept)],
        [
            execute("Send me my data", "privacy_export"),
            execute("Erase me", "privacy_erase_confirm"),
        ],
    )


def erase_confirmation_card(report: ErasureReport) -> Card:
    """Return the card that asks to confirm the erasure, listing what would go."""
    return card(
        [
            title("Erase my data"),
            *(text(line, fontType="Monospace") for line in report.lines()),
            note("This cannot be undone."),
        ],
        [execute("Erase", "privacy_erase")],
    )
