"""Compare the speed of Haven's sentiment score with raw TextBlob on synthetic check-in texts.

Usage: python bench/sentiment_speed.py [N]   (N texts, default 20,000)

Both are timed in the same run on the same texts, after one warm-up call each that loads the
lexicons: rituals.sentiment.score_text (default analyser, i.e. "combined": language gate, VADER
and TextBlob) and TextBlob(text).sentiment.polarity. The two are timed in alternation, ROUNDS
times, and the best rate of each is reported, which damps noise from other work on the machine.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Sequence

from textblob import TextBlob

from rituals.sentiment import get_default_analyser, score_text

DEFAULT_COUNT = 20_000
ROUNDS = 3
OPENERS = ("", "Feeling", "Honestly", "Today I'm", "Bit", "Pretty", "Mostly", "Still")
MOODS = (
    "good",
    "great",
    "tired",
    "not great",
    "meh",
    "stressed",
    "excited",
    "ok",
    "really happy",
    "a little anxious",
    "calm",
    "frustrated",
    "not bad",
    "exhausted but proud",
)
REASONS = (
    "",
    "about the release",
    "after the retro",
    "because of the deadline",
    "since the demo went well",
    "with all the meetings this week",
    "now that the migration is done",
    "and I don't love how the planning went",
    "the meeting is at 10",
)
ENDINGS = ("", ".", "!", " :)", " 😊", " lol", " ugh", " :(", "!!")


def synthetic_check_ins(count: int, seed: int = 6) -> list[str]:
    """Build count short check-in texts from a fixed seed."""
    pick = random.Random(seed).choice
    texts = []
    for _ in range(count):
        words = [pick(OPENERS), pick(MOODS), pick(REASONS)]
        texts.append(" ".join(word for word in words if word) + pick(ENDINGS))
    return texts


def texts_per_second(score: Callable[[str], object], texts: Sequence[str]) -> float:
    """Time scoring every text once and return texts per second."""
    started = time.perf_counter()
    for text in texts:
        score(text)
    return len(texts) / (time.perf_counter() - started)


def best_rates(
    scorers: dict[str, Callable[[str], object]], texts: Sequence[str]
) -> dict[str, float]:
    """Warm up each scorer, time them in alternation ROUNDS times and keep each best rate."""
    for score in scorers.values():
        score(texts[0])
    best = dict.fromkeys(scorers, 0.0)
    for _ in range(ROUNDS):
        for name, score in scorers.items():
            best[name] = max(best[name], texts_per_second(score, texts))
    return best


def textblob_polarity(text: str) -> float:
    """Return raw TextBlob polarity, the way Haven scored texts before issue 6."""
    return TextBlob(text).sentiment.polarity


def main(argv: Sequence[str] | None = None) -> int:
    """Run the speed comparison and print texts per second; return the exit status."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        count = int(arguments[0]) if arguments else DEFAULT_COUNT
    except ValueError:
        print(f"error: N must be a whole number, got {arguments[0]!r}", file=sys.stderr)
        return 1
    if count < 1:
        print(f"error: N must be at least 1, got {count}", file=sys.stderr)
        return 1
    texts = synthetic_check_ins(count)
    rates = best_rates({"haven": score_text, "textblob": textblob_polarity}, texts)
    haven, textblob = rates["haven"], rates["textblob"]
    print(f"{count:,} synthetic check-in texts, best of {ROUNDS} alternating rounds")
    print(f"Haven score_text ({get_default_analyser()}): {haven:,.0f} texts/s")
    print(f"raw TextBlob polarity: {textblob:,.0f} texts/s")
    print(f"ratio Haven / TextBlob: {haven / textblob:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
