"""Compatibility 0..100 between the player and a person, from shared interests, how their
personalities fit and whether their life goals agree. Symmetric: swapping the sides gives the same
score. The weights of the three parts are the matching algorithm (`algorithms` in the content, one per
variant of the `dating_match_algorithm` experiment)."""

from __future__ import annotations

from dataclasses import dataclass

from .profiles import Profile
from .rules import Weights

ALIGNED = ("openness", "conscientiousness", "agreeableness")  # alike is better


@dataclass(frozen=True)
class Score:
    total: int
    interests: float  # each part 0..1
    personality: float
    goals: float

    def to_dict(self) -> dict[str, float | int]:
        return {
            "score": self.total,
            "interests": round(self.interests, 3),
            "personality": round(self.personality, 3),
            "goals": round(self.goals, 3),
        }


def _interests(a: Profile, b: Profile) -> float:
    names_a, names_b = set(a.interests), set(b.interests)
    shared = len(names_a & names_b) / max(1, min(len(names_a), len(names_b)))
    kinds = len(a.kinds & b.kinds) / max(1, len(a.kinds | b.kinds))
    return min(1.0, 0.6 * shared + 0.4 * kinds + 0.1 * bool(names_a & names_b))


def _personality(a: Profile, b: Profile) -> float:
    alike = sum(1 - abs(a.traits.get(t, 0.5) - b.traits.get(t, 0.5)) for t in ALIGNED) / len(ALIGNED)
    # one anxious partner is fine; two feed each other; a warm partner steadies either
    nervy = a.traits.get("neuroticism", 0.5) * b.traits.get("neuroticism", 0.5)
    warmth = (a.traits.get("agreeableness", 0.5) + b.traits.get("agreeableness", 0.5)) / 2
    return max(0.0, min(1.0, 0.7 * alike + 0.3 * warmth - 0.3 * nervy + 0.05))


def _goals(a: Profile, b: Profile) -> float:
    kinds_a = {g.kind for g in a.goals}
    kinds_b = {g.kind for g in b.goals}
    clash = any(k in g.clashes for g in a.goals for k in kinds_b) or any(
        k in g.clashes for g in b.goals for k in kinds_a
    )
    if clash:
        return 0.0
    return 0.5 + 0.5 * len(kinds_a & kinds_b) / max(1, min(len(kinds_a), len(kinds_b)))


def score(a: Profile, b: Profile, weights: Weights) -> Score:
    parts = (_interests(a, b), _personality(a, b), _goals(a, b))
    total_w = weights.interests + weights.personality + weights.goals or 1.0
    raw = (weights.interests * parts[0] + weights.personality * parts[1] + weights.goals * parts[2]) / total_w
    return Score(max(0, min(100, round(100 * raw))), *parts)
