"""Sentiment of what the player says, scored by VADER (its lexicon ships with the package)."""

from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


@lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def score(text: str) -> float:
    """VADER's compound score, -1 (hostile) .. 1 (warm)."""
    return round(float(_analyzer().polarity_scores(text)["compound"]), 4)
