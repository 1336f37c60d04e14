"""`get_matches`: the people a life could date, ranked by compatibility — the pool's strangers and the
adults already in the life — leaving out relatives, minors, the married, the current partner and exes
who ended badly. Filters: an age range and a gender preference."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

from game.engine.content import Content
from game.engine.state import LifeState, Person
from game.engine.timeline import age_at

from . import bonds, pool
from .bonds import may_court
from .compat import Score, score
from .profiles import Profile, of_person, of_player
from .rules import RelationshipParams

NOT_SUGGESTED = frozenset({"parent", "sibling", "child", "partner", "fiance", "spouse"})
_POOL_CACHE_SIZE = 512  # lives whose scored pool is kept (about 120 matches each)
_lock = threading.Lock()
_pool_cache: OrderedDict[tuple[Any, ...], list[tuple[Person, Profile, Score]]] = OrderedDict()


@dataclass(frozen=True)
class Match:
    person: Person
    profile: Profile
    score: Score
    known: bool  # already in the life (else a stranger of the pool)


def algorithm_of(prm: RelationshipParams, name: str | None) -> str:
    """The algorithm named, when the content has it; the content's first (the default) otherwise."""
    return name if name in prm.algorithms else next(iter(prm.algorithms))


def rank(
    s: LifeState,
    content: Content,
    *,
    limit: int,
    min_age: int | None = None,
    max_age: int | None = None,
    gender: str | None = None,
    algorithm: str | None = None,
    me: Profile | None = None,
) -> tuple[str, list[Match]]:
    """(the algorithm used, the best `limit` matches, best first; ties by id). `me`: the player's
    profile, when the caller has it already."""
    prm: RelationshipParams = content.specials["relationship"]  # type: ignore[assignment]
    algo = algorithm_of(prm, algorithm)
    weights = prm.algorithms[algo]
    lo = min_age or 0
    hi = max_age if max_age is not None else 200
    adult = prm.pool.adult_age

    def fits(age: int, their_gender: str) -> bool:
        return lo <= age <= hi and may_court(s.age, age, adult) and (not gender or their_gender == gender)

    me = me or of_player(s, prm.bios)
    known_ids = {p.id for p in s.people} | set(s.forgotten)
    out: list[Match] = []
    for p, prof, sc in _scored_pool(s, content, prm, me, algo):  # best first: stop at `limit`
        if len(out) >= limit:
            break
        if p.id in known_ids:  # met: the life's copy counts (below)
            continue
        age = age_at(p.born_at, s.clock)
        if fits(age, p.gender):
            out.append(Match(replace(p, age=age), prof, sc, False))
    for p in s.people:
        if not p.alive or p.relation in NOT_SUGGESTED or not fits(p.age, p.gender):
            continue
        if p.relation == "ex" and any(m in p.memory for m in bonds.ENDED_BADLY):
            continue
        prof = of_person(s.seed, p, prm.bios, s.clock)
        out.append(Match(p, prof, score(me, prof, weights), True))
    out.sort(key=lambda m: (-m.score.total, m.person.id))
    return algo, out[:limit]


def _scored_pool(
    s: LifeState, content: Content, prm: RelationshipParams, me: Profile, algo: str
) -> list[tuple[Person, Profile, Score]]:
    """The life's whole pool (the married left out), profiled and scored against the player. The same
    inputs always give the same list, so it is kept per (life, player's profile, year of age, algorithm,
    content): a player asking again pays for the few people of their life, not for 120 strangers."""
    key = (s.seed, s.born_at, s.age, me.fingerprint, algo, content.digest)
    with _lock:  # verbs run on several threads
        hit = _pool_cache.get(key)
        if hit is not None:
            _pool_cache.move_to_end(key)
            return hit
    weights = prm.algorithms[algo]
    scored = []
    for c in pool.everyone(replace(s, people=[], forgotten=[]), content, prm.pool):
        if not c.taken:
            prof = of_person(s.seed, c.person, prm.bios, s.clock)
            scored.append((c.person, prof, score(me, prof, weights)))
    scored.sort(key=lambda m: (-m[2].total, m[0].id))
    with _lock:
        _pool_cache[key] = scored
        while len(_pool_cache) > _POOL_CACHE_SIZE:
            _pool_cache.popitem(last=False)
    return scored
