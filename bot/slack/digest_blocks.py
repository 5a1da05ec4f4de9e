"""The weekly digest as Block Kit: at most 50 blocks, every text within Slack's limits."""

from bot.digest_format import (
    CHARTED,
    item_text,
    metric_line,
    no_signal_text,
    sparkline,
    stories_text,
    withheld_notes,
)
from bot.slack.kit import Block, actions, button, context, divider, escape, header, section
from rituals.digest import DigestDocument

COMMIT_ACTION = "haven_digest_commit"  # value: "<team_id>:<iso_week>"
DASHBOARD_ACTION = "haven_dashboard_open"  # value: the team id; answered with a one-time link
MAX_BLOCKS = 50
MAX_FIELD = 2000
MAX_CONTEXT_ELEMENTS = 10


def digest_blocks(document: DigestDocument, *, chart_file_id: str | None = None) -> list[Block]:
    """Return the digest's blocks; with chart_file_id, show the uploaded chart inline."""
    blocks: list[Block] = [
        header(f"📈 Weekly safety digest — {document.team} · {document.iso_week}"[:150]),
        context(
            f"Every number comes from at least {document.k_numbers} people "
            f"(texts: {document.k_texts}). Nobody's answers can be picked out."
        ),
        _numbers(document),
    ]
    no_signal = no_signal_text(document)
    if no_signal:
        blocks.append(context(no_signal))
    if document.safety.current.value is not None:
        lines = [f"• {escape(item_text(item))}" for item in document.items]
        blocks.append(
            section(
                f"*Safety items* (1–7, higher is safer) · {document.safety.current.window}\n"
                + "\n".join(lines)
            )
        )
    if chart_file_id:
        blocks.append(
            {
                "type": "image",
                "slack_file": {"id": chart_file_id},
                "alt_text": f"8-week trend of {document.team}"[:2000],
            }
        )
    blocks += [divider(), _alerts(document), _next_step(document)]
    if document.follow_up is not None:
        said = "\n".join(f"> {escape(text)}" for text in document.follow_up.said)
        since = "\n".join(f"• {escape(line)}" for line in document.follow_up.since)
        blocks.append(
            section(f"*You said → we did* (after {document.follow_up.iso_week})\n{said}\n{since}")
        )
    blocks.append(
        actions(
            button(
                "✍️ What I'll do this week",
                action_id=COMMIT_ACTION,
                value=document.commit_value,
                style="primary",
            ),
            button("📊 Open dashboard", action_id=DASHBOARD_ACTION, value=str(document.team_id)),
        )
    )
    notes = [escape(note) for note in withheld_notes(document)]
    if notes:
        blocks.append(context(*_context_lines("Not shown, to protect individual answers:", notes)))
    return blocks[:MAX_BLOCKS]


def digest_fallback_text(document: DigestDocument) -> str:
    """Return the notification text of the digest message."""
    return f"Weekly safety digest for {escape(document.team)}, {document.iso_week}"


def _numbers(document: DigestDocument) -> Block:
    fields = []
    for metric in document.metrics[:4]:
        spark = sparkline(metric, iso_week=document.iso_week) if metric.name in CHARTED else ""
        text = escape(metric_line(metric)).replace(f"{metric.label}: ", "", 1)
        fields.append(f"*{metric.label}*\n{text}" + (f"\n`{spark}`" if spark else ""))
    fields.append(f"*Failure stories*\n{escape(stories_text(document))}")
    fields.append(
        f"*Anonymous feedback*\n{int(document.anonymous_items.current.value or 0)} released"
    )
    return {
        "type": "section",
        "fields": [{"type": "mrkdwn", "text": field[:MAX_FIELD]} for field in fields],
    }


def _alerts(document: DigestDocument) -> Block:
    if not document.alerts:
        return section("*Alerts:* none this week.")
    lines = [f"⚠️ *{escape(a.title)}* — {escape(a.detail)}" for a in document.alerts]
    return section("\n".join(lines))


def _next_step(document: DigestDocument) -> Block:
    step = document.next_step
    return section(
        f"*Next step* · _{escape(step.condition_label)}_\n{escape(step.action)}\n"
        f"Why: {escape(step.because)}"
    )


def _context_lines(title: str, notes: list[str]) -> list[str]:
    """Fit notes into a context block's ten elements of at most 3,000 characters."""
    lines = [title, *notes]
    if len(lines) > MAX_CONTEXT_ELEMENTS:
        lines = [*lines[: MAX_CONTEXT_ELEMENTS - 1], " · ".join(lines[MAX_CONTEXT_ELEMENTS - 1 :])]
    return lines
