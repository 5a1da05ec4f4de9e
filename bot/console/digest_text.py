"""The weekly digest as terminal text: what `haven digest` and `haven demo` print."""

from bot.digest_format import (
    CHARTED,
    item_text,
    metric_line,
    no_signal_text,
    sparkline,
    stories_text,
    withheld_notes,
)
from rituals.digest import DigestDocument


def digest_text(document: DigestDocument) -> str:
    """Return the digest as plain text, readable in under a minute."""
    lines = [
        f"Weekly safety digest — {document.team}, {document.iso_week}",
        f"(every number comes from at least {document.k_numbers} people; "
        f"texts from at least {document.k_texts})",
        "",
    ]
    for metric in document.metrics[:4]:
        spark = sparkline(metric, iso_week=document.iso_week) if metric.name in CHARTED else ""
        lines.append(f"  {metric_line(metric)}" + (f"   {spark}" if spark else ""))
        no_signal = no_signal_text(document) if metric.name == "mean_sentiment" else None
        if no_signal:
            lines.append(f"    ({no_signal})")
    if document.safety.current.value is not None:
        lines.append(f"    safety items (1–7, higher is safer), {document.safety.current.window}:")
        lines.extend(f"      {item_text(item)}" for item in document.items)
    lines.append(f"  {stories_text(document)}")
    lines.append(f"  {metric_line(document.anonymous_items)}")
    lines.append("")
    lines.append("Alerts:" if document.alerts else "Alerts: none this week.")
    for alert in document.alerts:
        lines.append(f"  ⚠ {alert.title} — {alert.detail}")
    step = document.next_step
    lines += [
        "",
        f"Next step ({step.condition_label}):",
        f"  {step.action}",
        f"  Why: {step.because}",
    ]
    if document.follow_up is not None:
        lines += ["", f"You said → we did (after the {document.follow_up.iso_week} digest):"]
        lines.extend(f"  You said: “{said}”" for said in document.follow_up.said)
        lines.extend(f"  Since: {line}" for line in document.follow_up.since)
    notes = withheld_notes(document)
    if notes:
        lines += ["", "Not shown, to protect individual answers:"]
        lines.extend(f"  - {note}" for note in notes)
    return "\n".join(lines)
