"""Cleaning of free text that people type into Haven: the one place for its limit and its rules."""

import re

from rituals.errors import InvalidAnswer

MAX_TEXT_LENGTH = 2000  # every form that takes a story, an answer or a reply says the same
MAX_WORD_LENGTH = 280  # the check-in's "one word or one sentence", on every platform
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # not storable (NUL) or invisible; \t and \n stay
BLANK_LINES = re.compile(r"\n{3,}")
BROKEN_CHARACTER = "a broken character (a lone surrogate)"  # what no database can store


def clean_text(text: object) -> str | None:
    """Return the text as typed, paragraphs kept; None when nothing was typed.

    Only what no one can see is removed: control characters, spaces at line ends, runs of more
    than one empty line. A text over the limit is refused with the limit named, never cut.
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise InvalidAnswer("Haven expected text here; please type your answer again.")
    text = CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in text.split("\n"))).strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidAnswer(
            f"That text has {len(text):,} characters; Haven keeps at most {MAX_TEXT_LENGTH:,}. "
            "Please shorten it."
        )
    return text or None
