"""Cleaning of free text that people type into Haven."""

MAX_TEXT_LENGTH = 2000


def clean_text(text: str | None) -> str | None:
    """Return the text trimmed and capped, or None when nothing was typed."""
    if text is None:
        return None
    text = " ".join(text.split())
    return text[:MAX_TEXT_LENGTH] or None
