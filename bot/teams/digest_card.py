"""The weekly digest as an Adaptive Card 1.5, with a field for "what I'll do this week"."""

import base64
from typing import Any

from bot.digest_format import (
    CHARTED,
    item_text,
    metric_line,
    sparkline,
    stories_text,
    withheld_notes,
)
from bot.teams.cards import typed
from rituals.digest import DigestDocument
from rituals.messages import DigestMessage
from rituals.next_step import MAX_COMMITMENT_LENGTH

Card = dict[str, Any]
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
COMMIT_ACTION = "digest_commit"
COMMITMENT_INPUT = "commitment"
MAX_INLINE_CHART = 20_000  # bytes of PNG: Teams refuses messages much over 28 KB


def digest_card(source: DigestMessage | DigestDocument, *, chart_url: str | None = None) -> Card:
    """Return the digest card; a small chart PNG of the message is inlined, else chart_url."""
    document = source.document if isinstance(source, DigestMessage) else source
    body: list[dict[str, Any]] = [
        typed(
            f"📈 Weekly safety digest — {document.team} · {document.iso_week}",
            weight="Bolder",
            size="Medium",
        ),
        _note(
            f"Every number comes from at least {document.k_numbers} people "
            f"(texts: {document.k_texts}). Nobody's answers can be picked out."
        ),
        {"type": "FactSet", "facts": _facts(document)},
    ]
    image = _chart_url(source, chart_url)
    if image:
        alt = source.chart_alt_text if isinstance(source, DigestMessage) else "Trend chart"
        body.append({"type": "Image", "url": image, "altText": alt[:1000]})
    elif isinstance(source, DigestMessage) and source.chart_alt_text:
        body.append(_note(source.chart_alt_text))
    if document.safety.current.value is not None:
        body.append(
            _text(
                f"Safety items (1–7, higher is safer), {document.safety.current.window}",
                weight="Bolder",
            )
        )
        body.extend(_text(item_text(item), size="Small") for item in document.items)
    body.append(_alerts(document))
    step = document.next_step
    body += [
        _text(f"Next step — {step.condition_label}", weight="Bolder"),
        _text(step.action),
        _note(f"Why: {step.because}"),
    ]
    if document.follow_up is not None:
        body.append(
            _text(f"You said → we did (after {document.follow_up.iso_week})", weight="Bolder")
        )
        body.extend(typed(f"“{said}”") for said in document.follow_up.said)
        body.extend(_note(line) for line in document.follow_up.since)
    body.append(
        {
            "type": "Input.Text",
            "id": COMMITMENT_INPUT,
            "label": "What I'll do this week",
            "placeholder": document.next_step.action[:140],
            "isMultiline": True,
            "maxLength": MAX_COMMITMENT_LENGTH,
        }
    )
    notes = withheld_notes(document)
    if notes:
        body.append(_note("Not shown, to protect individual answers: " + " · ".join(notes)))
    return {
        "$schema": SCHEMA,
        "type": "AdaptiveCard",
        "version": VERSION,
        "body": body,
        "actions": [
            {
                "type": "Action.Submit",
                "title": "Save what I'll do",
                "data": {
                    "haven": COMMIT_ACTION,
                    "team_id": document.team_id,
                    "iso_week": document.iso_week,
                },
            },
            {"type": "Action.Submit", "title": "Open dashboard", "data": {"haven": "dashboard"}},
        ],
    }


def _text(value: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": value, "wrap": True, **style}


def _note(value: str) -> dict[str, Any]:
    return _text(value, isSubtle=True, size="Small")


def _facts(document: DigestDocument) -> list[dict[str, str]]:
    facts = []
    for metric in document.metrics[:4]:
        spark = sparkline(metric, iso_week=document.iso_week) if metric.name in CHARTED else ""
        value = metric_line(metric).replace(f"{metric.label}: ", "", 1)
        facts.append({"title": metric.label, "value": value + (f"  {spark}" if spark else "")})
    facts.append({"title": "Failure stories", "value": stories_text(document)})
    released = int(document.anonymous_items.current.value or 0)
    facts.append({"title": "Anonymous feedback", "value": f"{released} released"})
    return facts


def _alerts(document: DigestDocument) -> dict[str, Any]:
    if not document.alerts:
        return _text("Alerts: none this week.")
    return {
        "type": "Container",
        "style": "attention",
        "items": [_text(f"⚠ {a.title} — {a.detail}", size="Small") for a in document.alerts],
    }


def _chart_url(source: DigestMessage | DigestDocument, chart_url: str | None) -> str | None:
    if chart_url:
        return chart_url
    png = source.chart_png if isinstance(source, DigestMessage) else None
    if png and len(png) <= MAX_INLINE_CHART:
        return "data:image/png;base64," + base64.b64encode(png).decode()
    return None
