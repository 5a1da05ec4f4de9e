"""Tests for Haven's text sentiment (issue 6)."""

import subprocess
import sys
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rituals import sentiment
from rituals.sentiment import (
    ANALYSERS,
    MAX_CHARS,
    VADER_WEIGHT,
    describe,
    get_default_analyser,
    looks_non_english,
    score_text,
    set_default_analyser,
)

NON_ENGLISH = (
    "Das ist nicht gut",
    "Die Arbeit ist gut",  # VADER alone would call this negative ("die")
    "Ich bin heute sehr müde",
    "Este equipo es muy bueno",
    "No me gusta nada esta reunión",
    "C'est très bien",
    "Je suis content aujourd'hui",
    "Questo progetto è molto bello",
    "Eu estou muito feliz hoje",
    "Het team is niet goed",
    "このチームが大好きです",
    "Эта команда ужасна",
    "Ο καιρός είναι ωραίος",
)

ENGLISH_CHAT = (
    "Feeling great today, shipped the release",
    "I don't love this team",
    "lol",
    "meh, long week",
    "Gracias team, great job",
    "great café this morning",
    "Two words that should die this year. Die die die",
    "Meeting moved to 10 EST, los angeles office",
)


@pytest.fixture(autouse=True)
def restore_default_analyser() -> Iterator[None]:
    """Put the module default back after each test."""
    yield
    set_default_analyser("combined")


def test_default_analyser_is_combined() -> None:
    assert get_default_analyser() == "combined"
    assert ANALYSERS == ("combined", "textblob", "vader")


@pytest.mark.parametrize("text", ["not good", "I don't love this team", "I do not love this team"])
def test_negation_is_not_scored_positive(text: str) -> None:
    assert describe(score_text(text)) in {"negative", "neutral"}


def test_combined_fixes_textblobs_contraction_blind_spot() -> None:
    assert score_text("I don't love this team", analyser="textblob") == pytest.approx(0.5)
    assert score_text("I don't love this team") < 0
    assert score_text("not good") < 0


@pytest.mark.parametrize("analyser", ANALYSERS)
def test_intensifier_strengthens_score(analyser: str) -> None:
    assert score_text("very good", analyser=analyser) > score_text("good", analyser=analyser)


@pytest.mark.parametrize("text", [":)", "😊", "lol", "thanks!! :D"])
def test_positive_emoji_and_slang(text: str) -> None:
    assert score_text(text) > 0


@pytest.mark.parametrize("text", ["meh", "ugh", ":(", "ugh, this sprint 😞"])
def test_negative_emoji_and_slang(text: str) -> None:
    assert score_text(text) < 0


@pytest.mark.parametrize("analyser", ANALYSERS)
@pytest.mark.parametrize("text", [None, "", "   ", "\n\t "])
def test_empty_input_is_no_signal(text: str | None, analyser: str) -> None:
    assert score_text(text, analyser=analyser) is None


@pytest.mark.parametrize("analyser", ANALYSERS)
def test_text_without_sentiment_words_is_no_signal_not_zero(analyser: str) -> None:
    assert score_text("the meeting is at 10", analyser=analyser) is None


@pytest.mark.parametrize("analyser", ANALYSERS)
def test_very_long_input_is_capped_without_error(analyser: str) -> None:
    score = score_text("good work everyone " * 50_000, analyser=analyser)
    assert score is not None
    assert score > 0


def test_text_beyond_the_cap_is_ignored() -> None:
    filler = "the meeting is at 10. " * (MAX_CHARS // 10)
    assert score_text(filler + "terrible awful horrible") is None
    assert score_text("terrible awful horrible " + filler) < 0


@pytest.mark.parametrize("analyser", ANALYSERS)
@pytest.mark.parametrize("text", NON_ENGLISH)
def test_non_english_text_is_no_signal(text: str, analyser: str) -> None:
    assert looks_non_english(text)
    assert score_text(text, analyser=analyser) is None


@pytest.mark.parametrize("text", ENGLISH_CHAT)
def test_english_chat_passes_the_language_gate(text: str) -> None:
    assert not looks_non_english(text)


def test_combined_blends_both_analysers() -> None:
    vader = score_text("good", analyser="vader")
    textblob = score_text("good", analyser="textblob")
    expected = VADER_WEIGHT * vader + (1 - VADER_WEIGHT) * textblob
    assert score_text("good") == pytest.approx(expected)


def test_combined_shrinks_when_only_one_analyser_finds_signal() -> None:
    assert score_text("ugh", analyser="textblob") is None
    vader = score_text("ugh", analyser="vader")
    assert score_text("ugh") == pytest.approx(VADER_WEIGHT * vader)


@pytest.mark.parametrize("analyser", ANALYSERS)
def test_default_analyser_setting_is_used(analyser: str) -> None:
    text = "I don't love this team :)"
    set_default_analyser(analyser)
    assert get_default_analyser() == analyser
    assert score_text(text) == score_text(text, analyser=analyser)


def test_analysers_give_different_scores() -> None:
    text = "I don't love this team"
    scores = {analyser: score_text(text, analyser=analyser) for analyser in ANALYSERS}
    assert len(set(scores.values())) == len(ANALYSERS)


def test_explicit_analyser_overrides_default() -> None:
    set_default_analyser("textblob")
    assert score_text("ugh", analyser="vader") is not None
    assert score_text("ugh") is None


def test_unknown_analyser_in_score_text_raises() -> None:
    with pytest.raises(ValueError, match=r"unknown sentiment analyser 'bert'.*combined"):
        score_text("good", analyser="bert")
    with pytest.raises(ValueError, match="unknown sentiment analyser ''"):
        score_text("good", analyser="")


def test_unknown_default_analyser_raises_and_keeps_previous() -> None:
    set_default_analyser("vader")
    with pytest.raises(ValueError, match="choose one of: combined, textblob, vader"):
        set_default_analyser("Vader ")
    assert get_default_analyser() == "vader"


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (None, "no signal"),
        (0.0, "neutral"),
        (0.04, "neutral"),
        (-0.04, "neutral"),
        (0.5, "positive"),
        (-0.5, "negative"),
        (1.0, "positive"),
        (-1.0, "negative"),
    ],
)
def test_describe_labels(score: float | None, label: str) -> None:
    assert describe(score) == label


def test_importing_the_module_does_not_load_the_analysers() -> None:
    code = "import sys, rituals.sentiment; print('textblob' in sys.modules, 'vaderSentiment' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_vader_analyser_is_built_once() -> None:
    score_text("good", analyser="vader")
    assert sentiment._vader() is sentiment._vader()


@settings(deadline=None, max_examples=300)
@given(text=st.text(), analyser=st.sampled_from(ANALYSERS))
def test_any_string_gives_none_or_a_bounded_float(text: str, analyser: str) -> None:
    score = score_text(text, analyser=analyser)
    assert score is None or (isinstance(score, float) and -1.0 <= score <= 1.0)


@settings(deadline=None, max_examples=100)
@given(
    words=st.lists(
        st.sampled_from(["good", "bad", "not", "very", "!!!", ":)", "lol", "ugh", "😊", "team"]),
        max_size=30,
    ),
    analyser=st.sampled_from(ANALYSERS),
)
def test_sentiment_word_salad_stays_bounded(words: list[str], analyser: str) -> None:
    score = score_text(" ".join(words), analyser=analyser)
    assert score is None or -1.0 <= score <= 1.0
