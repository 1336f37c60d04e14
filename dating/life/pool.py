"""The dating pool: the strangers a life can meet through matches, generated on demand from the
life's seed and an index — `m0` .. `m<size-1>` — never stored in advance. The same index is always the
same person (name, birth, personality, whether they are married); met, they join the life's people
under the same id, and from then on the life's copy is the one that counts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from game.engine import rng
from game.engine.content import Content
from game.engine.people import random_traits
from game.engine.state import LifeState, Person
from game.engine.timeline import DAY, YEAR, age_at

from .rules import PoolCfg

PREFIX = "m"


@dataclass(frozen=True)
class Candidate:
    person: Person
    taken: bool  # married to someone else: never suggested, never dated


_ID = re.compile(r"m(0|[1-9][0-9]{0,3})")  # ASCII digits only ("m²" is no id), no leading zeros


def index_of(person_id: str, cfg: PoolCfg) -> int | None:
    """The pool index a person id names, or None (not a pool id, or beyond the pool)."""
    match = _ID.fullmatch(person_id)
    if match is None:
        return None
    i = int(match.group(1))
    return i if i < cfg.size else None


def candidate(s: LifeState, index: int, content: Content, cfg: PoolCfg) -> Candidate:
    """Pool member `index` of this life, as they are at the life's clock."""
    r = rng.rng(s.seed, index, "pool")
    gender = r.choice(("male", "female"))
    names = content.names
    first = r.choice(names.male if gender == "male" else names.female)
    born_at = s.born_at + r.randint(-cfg.age_spread, cfg.age_spread) * YEAR + r.randrange(0, 360) * DAY
    person = Person(
        id=f"{PREFIX}{index}",
        name=f"{first} {r.choice(names.surnames)}",
        relation="stranger",
        gender=gender,
        born_at=born_at,
        age=age_at(born_at, s.clock),
        traits=random_traits(r),
        affinity=0.0,
        alive=True,
        met_at=s.clock,
    )
    married = r.random() < cfg.taken_share
    return Candidate(person, taken=married and person.age >= cfg.adult_age)  # a teenager is never "married"


def everyone(s: LifeState, content: Content, cfg: PoolCfg) -> list[Candidate]:
    """The whole pool not yet met (a met one is in the life's people under their pool id; one forgotten
    to make room is gone for good)."""
    known = {p.id for p in s.people} | set(s.forgotten)
    return [candidate(s, i, content, cfg) for i in range(cfg.size) if f"{PREFIX}{i}" not in known]
