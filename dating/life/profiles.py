"""A person's dating profile — interests, hobbies, life goals, trait words — drawn from their
personality by a roll keyed on the life's seed and the person's id, so the same person always has
the same profile and nothing needs storing. The player has one too (their own seed), and it grows
with the life: a job or a degree adds an interest, and goals follow age and family."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from game.engine import rng
from game.engine.state import LifeState, Person
from game.engine.timeline import age_at

from .rules import BioWords, Goal

TRAITS = ("openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism")
PLAYER = "self"


@dataclass(frozen=True)
class Profile:
    who: str  # a person id, or "self"
    traits: dict[str, float]
    interests: tuple[str, ...]
    kinds: frozenset[str]  # the kinds of those interests
    hobbies: tuple[str, ...]
    goals: tuple[Goal, ...]
    trait_words: tuple[str, ...]

    @functools.cached_property
    def fingerprint(self) -> str:
        """What compatibility depends on; a change on either side means a new score (computed once)."""
        traits = ",".join(f"{self.traits.get(t, 0.5):.2f}" for t in TRAITS)
        return f"{traits}|{','.join(self.interests)}|{','.join(g.kind for g in self.goals)}"


def _pick_interests(words: BioWords, traits: dict[str, float], r: Any, n: int) -> list[str]:
    """`n` interests without repeats, those leaning to the person's strong traits likelier (weighted
    sampling by keys: the top `n` of u ** (1 / weight), one draw per interest)."""
    keyed = []
    for i in words.interests:
        weight = 1.0 + 2.0 * traits.get(i.leans, 0.0) if i.leans else 1.0
        keyed.append((r.random() ** (1.0 / weight), i.name))
    keyed.sort(reverse=True)
    return [name for _, name in keyed[:n]]


def _goals(words: BioWords, age: int, r: Any, taken: frozenset[str] = frozenset()) -> tuple[Goal, ...]:
    fitting = [g for g in words.goals if g.min_age <= age <= g.max_age and g.kind not in taken]
    first = r.choice(fitting) if fitting else None
    rest = [g for g in fitting if first is not None and g.kind != first.kind and first.kind not in g.clashes]
    rest = [g for g in rest if g.kind not in (first.clashes if first else ())]
    second = r.choice(rest) if rest else None
    return tuple(g for g in (first, second) if g is not None)


def _trait_words(words: BioWords, traits: dict[str, float], r: Any) -> tuple[str, ...]:
    out: list[str] = []
    by_trait = words.traits
    for t in sorted(TRAITS, key=lambda t: -abs(traits.get(t, 0.5) - 0.5))[:3]:
        out.append(r.choice(by_trait[t].high if traits.get(t, 0.5) >= 0.5 else by_trait[t].low))
    return tuple(dict.fromkeys(out))


def _kinds(words: BioWords, interests: tuple[str, ...]) -> frozenset[str]:
    by_name = {i.name: i.kind for i in words.interests}
    return frozenset(by_name[n] for n in interests if n in by_name)


_CACHE_SIZE = 20_000  # profiles kept per process (a few hundred lives' pools and people)
_cache: OrderedDict[tuple[Any, ...], Profile] = OrderedDict()
_cache_words: list[BioWords] = []
_lock = threading.Lock()  # the words the cache was made with (new content: a new cache)


def of_person(seed: int, person: Person, words: BioWords, at: int) -> Profile:
    """A person's profile: fixed by who they are, except the goals, which follow their age. The same
    inputs give the same profile, so it is kept (a `get_matches` reads the same people again)."""
    key = (seed, person.id, person.born_at, age_at(person.born_at, at), tuple(sorted(person.traits.items())))
    with _lock:  # verbs run on several threads
        if not _cache_words or _cache_words[0] is not words:
            _cache.clear()
            _cache_words[:] = [words]
        hit = _cache.get(key)
    if hit is None:
        hit = _profile(seed, person, words, at)
        with _lock:
            if _cache_words and _cache_words[0] is words:
                _cache[key] = hit
                while len(_cache) > _CACHE_SIZE:
                    _cache.popitem(last=False)
    return hit


def _profile(seed: int, person: Person, words: BioWords, at: int) -> Profile:
    r = rng.rng(seed, 0, f"profile:{person.id}")
    traits = dict(person.traits) or {t: 0.5 for t in TRAITS}
    interests = tuple(_pick_interests(words, traits, r, r.randint(3, 5)))
    hobbies = tuple(r.sample(list(words.hobbies), 2))
    trait_words = _trait_words(words, traits, r)
    goals = _goals(words, age_at(person.born_at, at), rng.rng(seed, 0, f"goals:{person.id}"))
    return Profile(person.id, traits, interests, _kinds(words, interests), hobbies, goals, trait_words)


def player_traits(seed: int) -> dict[str, float]:
    r = rng.rng(seed, 0, "profile:self:traits")
    return {t: round(r.random(), 2) for t in TRAITS}


def of_player(s: LifeState, words: BioWords) -> Profile:
    """The player's profile: a personality of their own seed; interests of their own plus what the life
    does (a job's track, a degree's major); goals that follow their age and their family. Kept per those
    inputs, like the people's."""
    married = any(p.relation == "spouse" and p.alive for p in s.people)
    has_children = any(p.relation == "child" for p in s.people)
    key = (s.seed, "self", s.age, s.job.track if s.job else None, s.education.major, married, has_children)
    with _lock:
        hit = _cache.get(key) if _cache_words and _cache_words[0] is words else None
    if hit is None:
        hit = _player_profile(s, words, married, has_children)
        with _lock:
            if _cache_words and _cache_words[0] is words:
                _cache[key] = hit
    return hit


def _player_profile(s: LifeState, words: BioWords, married: bool, has_children: bool) -> Profile:
    traits = player_traits(s.seed)
    r = rng.rng(s.seed, 0, "profile:self")
    picked = _pick_interests(words, traits, r, 4)
    known = {i.name for i in words.interests}
    for extra in (s.job.track if s.job else None, s.education.major):
        if extra and extra in known and extra not in picked:
            picked.append(extra)
    interests = tuple(picked)
    hobbies = tuple(r.sample(list(words.hobbies), 2))
    taken = frozenset({"find_love"} if married else set())
    taken |= frozenset({"children"} if has_children else set())
    goals = _goals(words, s.age, rng.rng(s.seed, s.age // 10, "goals:self"), taken)
    return Profile(PLAYER, traits, interests, _kinds(words, interests), hobbies, goals, _trait_words(words, traits, r))
