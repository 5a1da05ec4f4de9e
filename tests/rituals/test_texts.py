"""People's text is kept as typed, paragraphs included; a text over the limit is refused, never cut."""

import pytest

from rituals.errors import InvalidAnswer
from rituals.texts import MAX_TEXT_LENGTH, clean_text


def test_paragraphs_and_inner_spacing_are_kept():
    typed = "First thought.\n\nSecond paragraph,  with two spaces.\n- a list\n- kept"
    assert clean_text(typed) == typed


def test_only_invisible_things_are_removed():
    assert clean_text("  a \r\nb\x00c\t \n\n\n\nd  ") == "a\nbc\n\nd"
    assert clean_text(" \n\t ") is None
    assert clean_text(None) is None


def test_a_text_at_the_limit_is_stored_whole_and_one_over_is_refused_naming_the_limit():
    assert clean_text("x" * MAX_TEXT_LENGTH) == "x" * MAX_TEXT_LENGTH
    with pytest.raises(InvalidAnswer, match="2,000"):
        clean_text("x" * (MAX_TEXT_LENGTH + 1))


@pytest.mark.parametrize("value", [5, ["a"], {"a": 1}, 2.5, True])
def test_anything_but_a_string_is_refused_clearly(value):
    with pytest.raises(InvalidAnswer, match="expected text"):
        clean_text(value)
