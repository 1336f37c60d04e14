"""Who a person is to the player (the relationship stage), who may be courted, and meeting someone
from the dating pool. Pure: a working copy of the engine in, refusals as the engine's errors."""

from __future__ import annotations

from game.engine.ctx import Ctx
from game.engine.errors import BadInput, NotAllowed, PersonNotFound
from game.engine.people import has_room, make_room
from game.engine.state import Person

from . import pool
from .compat import Score, score
from .profiles import of_person, of_player
from .rules import RelationshipParams

RELATIVES = frozenset({"parent", "sibling", "child"})
MIN_AGE = 16  # nobody courts or is courted younger
PEER_YEARS = 2  # a teenager courts only someone this close in age
# what an apology may mend (a refused proposal is their refusal, not the player's wrong)
GRIEVANCES = ("cheated_on", "ended_badly", "dumped", "argued", "separated", "jealous")
# an ex who remembers one of these does not come back, and is not suggested again
ENDED_BADLY = ("ended_badly", "cheated_on")
STAGES = (
    "stranger",
    "acquaintance",
    "friend",
    "dating",
    "exclusive",
    "engaged",
    "married",
    "separated",
    "ex",
    "divorced",
    "family",
)


def stage_of(p: Person) -> str:
    """The relationship stage, from the engine's relation and what the person remembers."""
    rel = p.relation
    if rel in RELATIVES:
        return "family"
    if rel == "partner":
        return "exclusive" if "exclusive" in p.memory else "dating"
    if rel == "fiance":
        return "engaged"
    if rel == "spouse":
        return "separated" if "separated" in p.memory else "married"
    if rel == "ex":
        return "divorced" if "divorced" in p.memory else "ex"
    if rel == "friend":
        return "friend"
    if rel == "stranger":
        return "stranger"
    return "acquaintance"  # classmates, coworkers, people met


def params(ctx: Ctx) -> RelationshipParams:
    return ctx.c.specials["relationship"]  # type: ignore[return-value]


def find(ctx: Ctx, target: str | None) -> Person:
    """The living person `target` names: in the life, or a stranger of the life's dating pool (not yet
    added). Refuses a missing name, someone outside the life, the dead and the married strangers."""
    if not target:
        raise BadInput("Name the person (person_id).", field="person_id", fields=["person_id"])
    p = ctx.s.person(target)
    if p is not None:
        if not p.alive:
            raise NotAllowed(f"{p.name} has died.", person_id=target)
        return p
    cfg = params(ctx).pool
    index = pool.index_of(target, cfg)
    if index is None or target in ctx.s.forgotten:
        raise PersonNotFound("That person is not in your life.", person_id=target)
    cand = pool.candidate(ctx.s, index, ctx.c, cfg)
    if cand.taken:
        raise NotAllowed(f"{cand.person.name} is married.", person_id=target)
    _check_ages(ctx, cand.person)  # the pool is for dating: only who the player may court is met there
    if not has_room(ctx.s, ctx.c.config.max_people):
        raise NotAllowed("Your life is too full of people to meet anyone new.", person_id=target)
    return cand.person


def may_court(me: int, them: int, adult: int) -> bool:
    """From 16; two adults whatever their ages; a teenager only someone within two years of their age."""
    if me < MIN_AGE or them < MIN_AGE:
        return False
    return (me >= adult and them >= adult) or abs(me - them) <= PEER_YEARS


def _check_ages(ctx: Ctx, p: Person) -> None:
    adult = params(ctx).pool.adult_age
    me = ctx.s.age
    if may_court(me, p.age, adult):
        return
    if me < MIN_AGE:
        raise NotAllowed("You are too young to date.", person_id=p.id)
    if p.age < adult:
        raise NotAllowed(f"{p.name} is a minor.", person_id=p.id)
    raise NotAllowed(f"{p.name} is too old for you.", person_id=p.id)


def check_romance(ctx: Ctx, p: Person) -> None:
    """Courting is not for family, and follows `may_court` (the protocol's `forbidden` otherwise)."""
    if p.relation in RELATIVES:
        raise NotAllowed(f"{p.name} is family.", person_id=p.id)
    _check_ages(ctx, p)


def meet(ctx: Ctx, at: int, p: Person) -> Person:
    """A pool stranger joins the life as an acquaintance (someone known must make room when it is full)."""
    s = ctx.s
    if s.person(p.id) is not None:
        return p
    if len(s.people) >= ctx.c.config.max_people:
        make_room(ctx)  # `find` checked there is room
    p.relation = "acquaintance"
    p.met_at = at
    p.since = at
    s.people.append(p)
    s.bump("people_met")
    ctx.emit("person_changed", at, reason="met", person=p.to_dict())
    return p


def compatibility(ctx: Ctx, p: Person, algorithm: str | None = None) -> Score:
    """The player's compatibility with `p` now (the content's first algorithm unless one is named)."""
    prm = params(ctx)
    weights = prm.algorithms.get(algorithm or "", next(iter(prm.algorithms.values())))
    return score(of_player(ctx.s, prm.bios), of_person(ctx.s.seed, p, prm.bios, ctx.s.clock), weights)


def partner_of(ctx: Ctx, *, besides: Person | None = None) -> Person | None:
    """The player's current committed partner (spouse, fiancé(e) or partner), other than `besides`."""
    for rel in ("spouse", "fiance", "partner"):
        for p in ctx.s.people:
            if p.alive and p.relation == rel and p is not besides:
                return p
    return None
