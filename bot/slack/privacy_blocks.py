"""Block Kit for people's data: what is kept and for how long, and the export and erase buttons."""

from typing import Any

from bot.slack import ids
from bot.slack.kit import Block, actions, button, escape, header, modal, section
from rituals.privacy.erasure import ErasureReport
from rituals.privacy.policy import PrivacyPolicy, what_is_kept

INTRO = "Haven keeps as little as it can, and you can take it with you or erase it at any time."


def privacy_blocks(*, retention_days: int, policy: PrivacyPolicy) -> list[Block]:
    """Return what Haven keeps and for how long, with "send me my data" and "erase me"."""
    kept = "\n".join(
        f"• {line}" for line in what_is_kept(retention_days=retention_days, policy=policy)
    )
    return [
        header("Your data"),
        section(f"{INTRO}\n{kept}"),
        actions(
            button("Send me my data", action_id=ids.PRIVACY_EXPORT, value="export"),
            button("Erase me", action_id=ids.PRIVACY_ERASE, value="erase", style="danger"),
            block_id="haven_privacy",
        ),
    ]


def erase_confirmation(report: ErasureReport) -> dict[str, Any]:
    """Return the modal asking to confirm the erasure, listing what would go."""
    lines = "\n".join(escape(line) for line in report.lines())
    return modal(
        callback_id=ids.PRIVACY_ERASE_VIEW,
        title="Erase my data",
        submit="Erase",
        blocks=[section(f"```{lines}```\nThis cannot be undone.")],
    )


def erased_notice(report: ErasureReport) -> dict[str, Any]:
    """Return the modal that says what was erased."""
    lines = "\n".join(escape(line) for line in report.lines())
    return modal(
        callback_id="haven_notice", title="Erased", submit=None, blocks=[section(f"```{lines}```")]
    )
