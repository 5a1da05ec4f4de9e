"""Small builders for Block Kit JSON, so renderers read like the message they build."""

from datetime import datetime
from typing import Any

from rituals.texts import MAX_TEXT_LENGTH

Block = dict[str, Any]
MAX_TEXT = 3000  # Slack's limit for a section's text


def escape(text: str) -> str:
    """Escape the three characters mrkdwn treats as markup, so people's words stay words."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sections(escaped: str, *, accessory: Block | None = None) -> list[Block]:
    """Return mrkdwn sections holding all of an escaped text, split where no entity is cut."""
    parts: list[str] = []
    while len(escaped) > MAX_TEXT:
        cut = escaped.rfind("\n", 0, MAX_TEXT)
        cut = cut if cut > MAX_TEXT // 2 else MAX_TEXT
        entity = escaped.rfind("&", max(0, cut - 5), cut)
        if entity != -1 and ";" not in escaped[entity:cut]:
            cut = entity  # never split "&amp;" and its kin
        parts.append(escaped[:cut])
        escaped = escaped[cut:]
    parts.append(escaped)
    blocks = [section(part or " ") for part in parts]
    if accessory:
        blocks[0]["accessory"] = accessory
    return blocks


def plain(text: str, *, emoji: bool = True) -> dict[str, Any]:
    """Return a plain_text object."""
    return {"type": "plain_text", "text": text[:MAX_TEXT], "emoji": emoji}


def mrkdwn(text: str) -> dict[str, Any]:
    """Return a mrkdwn text object."""
    return {"type": "mrkdwn", "text": text[:MAX_TEXT]}


def header(text: str) -> Block:
    """Return a header block (150 characters at most)."""
    return {"type": "header", "text": plain(text[:150])}


def section(text: str, *, block_id: str | None = None, accessory: Block | None = None) -> Block:
    """Return a section of mrkdwn text, optionally with an accessory element."""
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if block_id:
        block["block_id"] = block_id
    if accessory:
        block["accessory"] = accessory
    return block


def context(*texts: str) -> Block:
    """Return a context block of small mrkdwn lines."""
    return {"type": "context", "elements": [mrkdwn(text) for text in texts]}


def divider() -> Block:
    """Return a divider."""
    return {"type": "divider"}


def button(text: str, *, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    """Return a button element."""
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text[:75]),
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    """Return an actions block."""
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id:
        block["block_id"] = block_id
    return block


def slack_date(moment: datetime, *, fallback: str = "") -> str:
    """Return a date token Slack shows in each reader's own time zone."""
    seconds = int(moment.timestamp())
    return f"<!date^{seconds}^{{date_short_pretty}} at {{time}}|{fallback or moment.isoformat()}>"


def option(text: str, value: str) -> dict[str, Any]:
    """Return an option for selects, radio buttons and checkboxes."""
    return {"text": plain(text[:75]), "value": value}


def input_block(
    *,
    block_id: str,
    label: str,
    element: dict[str, Any],
    optional: bool = False,
    hint: str | None = None,
) -> Block:
    """Return an input block of a modal."""
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def text_input(
    *,
    action_id: str = "value",
    multiline: bool = False,
    initial: str = "",
    max_length: int = MAX_TEXT_LENGTH,
    placeholder: str = "",
) -> dict[str, Any]:
    """Return a plain_text_input element."""
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial
    if placeholder:
        element["placeholder"] = plain(placeholder)
    return element


def modal(
    *,
    callback_id: str,
    title: str,
    blocks: list[Block],
    private_metadata: str = "",
    submit: str | None = "Send",
) -> dict[str, Any]:
    """Return a modal view."""
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title[:24]),
        "close": plain("Cancel" if submit else "Close"),
        "blocks": blocks,
        "private_metadata": private_metadata,
    }
    if submit:
        view["submit"] = plain(submit[:24])
    return view
