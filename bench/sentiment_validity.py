"""Measure how well Haven's sentiment agrees with human raters on texts nobody here wrote.

Usage: python bench/sentiment_validity.py [PATH] [--encoding ENC] [--repeats N]

PATH defaults to ../shared/eval/tweets_GroundTruth.txt relative to the repository root: 4,200
tweets, each with the mean rating of about 20 people on a -4..+4 scale (Hutto & Gilbert 2014).
Each line is "id<TAB>mean rating<TAB>text". The same format is used by the movie-review,
Amazon-review and NYT-editorial files published with VADER, so they can be passed as PATH too.

For TextBlob alone, VADER alone and Haven's combined score, all in the same run, it prints:
Pearson r with the mean human rating ("no signal" scored as 0 for r), sign agreement on texts
rated clearly positive or negative (|rating| > 0.5; "no signal" and 0 count as disagreement),
the share of "no signal" and texts scored per second (best of --repeats passes, after one
warm-up call that loads the lexicons). It then cross-validates the blend weight from the same
scores, to show the weight in rituals/sentiment.py is not an in-sample accident.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rituals import sentiment

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATH = REPO_ROOT.parent / "shared" / "eval" / "tweets_GroundTruth.txt"
CLEAR_RATING = 0.5
RATING_RANGE = (-4.0, 4.0)
ROWS = (("TextBlob alone", "textblob"), ("VADER alone", "vader"), ("Haven combined", "combined"))
WEIGHT_GRID = tuple(step / 20 for step in range(21))


class GroundTruthFormatError(ValueError):
    """A ground-truth file that does not follow the id<TAB>rating<TAB>text format."""


@dataclass(frozen=True)
class RatedText:
    """One text with the mean rating people gave it."""

    text_id: str
    rating: float
    text: str


@dataclass(frozen=True)
class AnalyserResult:
    """Agreement and speed of one analyser over the whole file."""

    label: str
    pearson_r: float
    sign_agreement: float
    no_signal_share: float
    texts_per_second: float


def parse_line(line: str, path: Path, line_number: int) -> RatedText:
    """Parse one id<TAB>rating<TAB>text line, naming file and line in any error."""
    where = f"{path}:{line_number}"
    fields = line.split("\t")
    if len(fields) != 3:
        raise GroundTruthFormatError(
            f"{where}: malformed line: expected 3 tab-separated fields (id, rating, text), "
            f"got {len(fields)}"
        )
    text_id, raw_rating, text = fields
    if not text_id.strip():
        raise GroundTruthFormatError(f"{where}: malformed line: empty id")
    try:
        rating = float(raw_rating)
    except ValueError:
        raise GroundTruthFormatError(
            f"{where}: malformed line: rating {raw_rating!r} is not a number"
        ) from None
    low, high = RATING_RANGE
    if not math.isfinite(rating) or not low <= rating <= high:
        raise GroundTruthFormatError(
            f"{where}: malformed line: rating {raw_rating!r} is outside {low:g}..{high:g}"
        )
    if not text.strip():
        raise GroundTruthFormatError(f"{where}: malformed line: empty text")
    return RatedText(text_id=text_id.strip(), rating=rating, text=text)


def read_ground_truth(path: Path, encoding: str = "latin-1") -> list[RatedText]:
    """Read a ground-truth file, skipping blank lines and rejecting malformed ones."""
    rows: list[RatedText] = []
    with path.open(encoding=encoding, newline="") as lines:
        for line_number, line in enumerate(lines, start=1):
            stripped = line.rstrip("\r\n")
            if stripped.strip():
                rows.append(parse_line(stripped, path, line_number))
    if not rows:
        raise GroundTruthFormatError(f"{path}: no rated texts found")
    return rows


def as_number(score: float | None) -> float:
    """Treat "no signal" as 0 for correlation."""
    return 0.0 if score is None else score


def pearson(ratings: Sequence[float], scores: Sequence[float | None]) -> float:
    """Return Pearson r between ratings and scores, "no signal" counted as 0."""
    numbers = [as_number(score) for score in scores]
    if len(set(numbers)) < 2 or len(set(ratings)) < 2:
        return float("nan")
    return statistics.correlation(ratings, numbers)


def sign_agreement(ratings: Sequence[float], scores: Sequence[float | None]) -> float:
    """Return the share of clearly rated texts whose score has the same sign as the rating."""
    clear = [
        (rating, score)
        for rating, score in zip(ratings, scores, strict=True)
        if abs(rating) > CLEAR_RATING
    ]
    if not clear:
        return float("nan")
    agreeing = sum(1 for rating, score in clear if score is not None and score * rating > 0)
    return agreeing / len(clear)


def score_all(texts: Sequence[str], analyser: str, repeats: int) -> tuple[list, float]:
    """Score every text; return the scores and the best texts-per-second over the repeats."""
    sentiment.score_text("warm up", analyser=analyser)
    best_seconds = math.inf
    scores: list[float | None] = []
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        scores = [sentiment.score_text(text, analyser=analyser) for text in texts]
        best_seconds = min(best_seconds, time.perf_counter() - started)
    return scores, len(texts) / best_seconds


def evaluate(
    rows: Sequence[RatedText], repeats: int
) -> tuple[list[AnalyserResult], dict[str, list]]:
    """Score all rows with each analyser and measure agreement and speed."""
    ratings = [row.rating for row in rows]
    texts = [row.text for row in rows]
    results = []
    scores_by_analyser = {}
    for label, analyser in ROWS:
        scores, speed = score_all(texts, analyser, repeats)
        scores_by_analyser[analyser] = scores
        no_signal = sum(1 for score in scores if score is None) / len(scores)
        results.append(
            AnalyserResult(
                label=label,
                pearson_r=pearson(ratings, scores),
                sign_agreement=sign_agreement(ratings, scores),
                no_signal_share=no_signal,
                texts_per_second=speed,
            )
        )
    return results, scores_by_analyser


def blend(vader: list, textblob: list, weight: float) -> list[float]:
    """Blend per-analyser scores the way rituals.sentiment does, for a given VADER weight."""
    return [
        weight * as_number(v) + (1 - weight) * as_number(t)
        for v, t in zip(vader, textblob, strict=True)
    ]


def best_weight(ratings: list[float], vader: list, textblob: list) -> float:
    """Return the VADER weight on WEIGHT_GRID whose blend correlates best with the ratings."""
    return max(WEIGHT_GRID, key=lambda weight: pearson(ratings, blend(vader, textblob, weight)))


def cross_validate_weight(
    ratings: list[float], vader: list, textblob: list, folds: int = 10, seed: int = 0
) -> tuple[list[float], float]:
    """Pick the VADER weight on k-1 folds, score the held-out fold; return picks and r."""
    order = list(range(len(ratings)))
    random.Random(seed).shuffle(order)
    predictions = [0.0] * len(ratings)
    picks = []
    for fold in range(folds):
        held_out = order[fold::folds]
        held_out_set = set(held_out)
        train = [i for i in order if i not in held_out_set]
        weight = best_weight(
            [ratings[i] for i in train], [vader[i] for i in train], [textblob[i] for i in train]
        )
        picks.append(weight)
        fold_scores = blend([vader[i] for i in held_out], [textblob[i] for i in held_out], weight)
        for i, score in zip(held_out, fold_scores, strict=True):
            predictions[i] = score
    return picks, pearson(ratings, predictions)


def format_table(results: Sequence[AnalyserResult]) -> str:
    """Render the results as a Markdown table."""
    lines = [
        "| analyser | Pearson r | sign agreement (abs(rating) > 0.5) | no signal | texts/s |",
        "|---|---:|---:|---:|---:|",
    ]
    for result in results:
        lines.append(
            f"| {result.label} | {result.pearson_r:.3f} | {result.sign_agreement:.1%} "
            f"| {result.no_signal_share:.1%} | {result.texts_per_second:,.0f} |"
        )
    return "\n".join(lines)


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--encoding", default="latin-1", help="file encoding (latin-1)")
    parser.add_argument("--repeats", type=int, default=3, help="timing passes (best is kept)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table; return the exit status."""
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    try:
        rows = read_ground_truth(arguments.path, arguments.encoding)
    except (GroundTruthFormatError, OSError, UnicodeDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    ratings = [row.rating for row in rows]
    clear = sum(1 for rating in ratings if abs(rating) > CLEAR_RATING)
    results, scores = evaluate(rows, arguments.repeats)
    print(f"{arguments.path}: {len(rows):,} texts, {clear:,} rated clearly (abs(rating) > 0.5)")
    print("Pearson r counts 'no signal' as 0; sign agreement counts 'no signal' and 0 as a miss.")
    print()
    print(format_table(results))
    picks, cv_r = cross_validate_weight(ratings, scores["vader"], scores["textblob"])
    print()
    print(
        f"10-fold cross-validation of the VADER weight: picked {sorted(set(picks))}, "
        f"out-of-fold r = {cv_r:.3f} (rituals/sentiment.py uses {sentiment.VADER_WEIGHT})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
