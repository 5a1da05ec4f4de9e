"""Score the sentiment of short chat texts (check-in words, failure stories, feedback).

This is the only module in Haven that imports TextBlob or vaderSentiment. Both libraries are
imported lazily on first use, so importing this module is cheap.

A score is a polarity in [-1, 1], or ``None`` meaning "no signal": the text is empty, not
English, or the selected analyser(s) found no sentiment-bearing word in it. "No signal" is kept
apart from a neutral 0 so that summaries can count it separately.

How "combined" (the default) works
----------------------------------
``combined = VADER_WEIGHT * vader_compound + (1 - VADER_WEIGHT) * textblob_polarity``

* VADER carries most of the weight because it models what TextBlob misses in chat text:
  contracted negation ("don't love" -- TextBlob's tokenizer splits "n't" apart and never sees
  the negation), intensifiers and dampeners, ALL-CAPS, "!!!", emoticons, emoji and slang
  ("lol", "meh", "ugh"). TextBlob's averaged adjective polarity adds an independent second
  opinion from a different lexicon, which reduces the noise of either lexicon alone.
* An analyser that finds no sentiment-bearing word contributes 0 (it votes "neutral"), so a
  text that only one lexicon recognises is shrunk towards neutral instead of taking that one
  analyser's score at full strength: one lexicon's evidence is weaker than two agreeing ones.
  Only when *both* find nothing is the result ``None``.
* How VADER_WEIGHT was chosen: 10-fold cross-validation (5 different shuffles) over the grid
  0.00, 0.05, ..., 1.00 on the human-rated tweets in ../shared/eval; every one of the 50
  training folds picked 0.75, and the out-of-fold Pearson r is 0.881 (VADER alone: 0.872).
  Nothing else is fitted: no words were added to either lexicon and there are no
  data-set-specific rules. As a check that this holds on other kinds of text, the same blend
  beats both analysers alone on all three other human-rated sets published with VADER
  (movie-review snippets, Amazon-review snippets, New York Times editorial snippets) for every
  VADER weight from 0.60 to 0.95; see bench/RESULTS-sentiment.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

ANALYSERS = ("combined", "textblob", "vader")

VADER_WEIGHT = 0.75
"""Share of VADER's compound score in the combined score (chosen by cross-validation, above)."""

MAX_CHARS = 2_000
"""Only the first MAX_CHARS characters of a text are scored (bounds time per text)."""

NEUTRAL_BAND = 0.05
"""Scores within +/-NEUTRAL_BAND count as neutral (VADER's documented convention)."""

_default_analyser = "combined"

# --- language gate -------------------------------------------------------------------------
# Both lexicons are English. Scoring another language gives wrong scores rather than no
# score: German "Die Arbeit ist gut" would be negative because VADER knows the English verb
# "die". The gate below is deliberately simple and honest about its limits: it compares
# evidence for English (common English function words) with evidence for the languages
# Haven's teams are most likely to write in (common function words of German, Spanish,
# French, Italian, Portuguese and Dutch) and rejects texts written mostly in a non-Latin
# script. Words shared between English and those languages are in neither list: "die",
# "war", "con", "los", "est", "pour" cannot count against an English text, and "no", "me",
# "so", "am", "on", "was", "will" cannot count for English inside a German or Spanish one.
# Texts with no function words at all (e.g. "lol", ":)", "great job") pass through.


def _word_set(words: str) -> frozenset[str]:
    """Return the whitespace-separated words as a set."""
    return frozenset(words.split())


_ENGLISH_FUNCTION_WORDS = _word_set(
    """
    the and is are were be been being have has had does did done not nor this that these
    those with without for from of to at by about into over under after before again once
    i my mine myself you your yours we our ours us they them their he him his she her hers
    it its what which who whom whose when where why how would shall should can could may
    might must just very really too there here then than because if or but all any some
    each every more most much many other such only own same both few out up down off while
    until through during against between i'm it's don't didn't doesn't isn't aren't wasn't
    can't won't i've i'll i'd you're we're they're that's there's let's
    """
)

_FOREIGN_FUNCTION_WORDS = _word_set(
    """
    der das dass ist nicht und ich du wir sie ein eine einen einem einer auf für zu sehr
    auch aber oder wie sind bist heute noch schon nur kein keine mein meine unser unsere
    diese dieser dieses wieder jetzt immer haben habe wird werden wurde nach bei über
    una es muy pero por que qué esta este estoy está están estamos somos también hoy
    muchos bien bueno buena
    une je nous vous ils elle elles très mais avec suis sommes ce cette qui du sur dans
    aujourd'hui c'est beaucoup
    della dello sono molto questo questa che siamo oggi anche gli degli nel sei
    não muito estou você uma isso hoje
    het een niet zijn wij jij ik maar ook vandaag goed
    """
)

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _is_latin_letter(char: str) -> bool:
    """Return whether an alphabetic character belongs to the Latin script."""
    code = ord(char)
    return code < 0x250 or 0x1E00 <= code <= 0x1EFF or 0xFF21 <= code <= 0xFF5A


def _mostly_non_latin(text: str) -> bool:
    """Return whether most letters of the text are outside the Latin script."""
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return False
    non_latin = sum(1 for char in letters if not _is_latin_letter(char))
    return non_latin * 2 > len(letters)


def looks_non_english(text: str) -> bool:
    """Return whether the text is recognisably not English (a cheap heuristic, see above)."""
    if _mostly_non_latin(text):
        return True
    words = [word.lower().replace("’", "'") for word in _WORD.findall(text)]
    english = sum(1 for word in words if word in _ENGLISH_FUNCTION_WORDS)
    foreign = sum(1 for word in words if word in _FOREIGN_FUNCTION_WORDS)
    return foreign > english


# --- the two analysers ---------------------------------------------------------------------


@cache
def _textblob_sentiment() -> Callable[[str], Any]:
    """Load TextBlob's pattern sentiment function once."""
    # TextBlob(text).sentiment calls this same function via PatternAnalyzer; calling it
    # directly gives polarity and the per-word assessments in a single pass.
    from textblob.en import sentiment

    return sentiment


@cache
def _vader() -> Any:
    """Build VADER's analyser (reads its lexicon and emoji map) once."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def _textblob_polarity(text: str) -> float | None:
    """Return TextBlob's polarity, or None if no word in its lexicon carries polarity."""
    score = _textblob_sentiment()(text)
    if not any(polarity != 0 for _words, polarity, _subjectivity, _label in score.assessments):
        return None
    return float(score[0])


def _vader_compound(text: str) -> float | None:
    """Return VADER's compound score, or None if no token is in its lexicon or emoji map."""
    scores = _vader().polarity_scores(text)
    if scores["pos"] == 0 and scores["neg"] == 0 and scores["compound"] == 0:
        return None
    return float(scores["compound"])


def _combined(text: str) -> float | None:
    """Return the weighted blend of VADER and TextBlob; an abstaining analyser counts as 0."""
    vader = _vader_compound(text)
    textblob = _textblob_polarity(text)
    if vader is None and textblob is None:
        return None
    return VADER_WEIGHT * (vader or 0.0) + (1 - VADER_WEIGHT) * (textblob or 0.0)


_SCORERS: dict[str, Callable[[str], float | None]] = {
    "combined": _combined,
    "textblob": _textblob_polarity,
    "vader": _vader_compound,
}


# --- public API ----------------------------------------------------------------------------


def _check_analyser(name: str) -> str:
    """Return the analyser name if known, else raise ValueError."""
    if name not in ANALYSERS:
        raise ValueError(
            f"unknown sentiment analyser {name!r}; choose one of: {', '.join(ANALYSERS)}"
        )
    return name


def set_default_analyser(name: str) -> None:
    """Set the analyser used when score_text is called without one."""
    global _default_analyser
    _default_analyser = _check_analyser(name)


def get_default_analyser() -> str:
    """Return the analyser used when score_text is called without one."""
    return _default_analyser


def score_text(text: str | None, *, analyser: str | None = None) -> float | None:
    """Score a text's polarity in [-1, 1], or return None when it carries no signal."""
    scorer = _SCORERS[_check_analyser(_default_analyser if analyser is None else analyser)]
    if text is None:
        return None
    capped = text[:MAX_CHARS]
    if not capped.strip() or looks_non_english(capped):
        return None
    score = scorer(capped)
    if score is None:
        return None
    return max(-1.0, min(1.0, score))


def describe(score: float | None) -> str:
    """Label a score as positive, negative, neutral or no signal."""
    if score is None:
        return "no signal"
    if score >= NEUTRAL_BAND:
        return "positive"
    if score <= -NEUTRAL_BAND:
        return "negative"
    return "neutral"
