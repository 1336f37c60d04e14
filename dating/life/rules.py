"""Dating content as validated data: the bio word lists (`npc_bios`), the pool, the venues
(`date_venues`), the date activities (`date_activities`), gifts and the relationship actions.

They reach the engine as the numbers of dating's two specials (`config.specials.relationship` and
`config.specials.plan_date`), so they are checked when content loads and travel with it to the
engine's worker processes.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from game.engine.special_registry import Params

Trait = Literal["openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism"]
TRAIT_NAMES: tuple[str, ...] = get_args(Trait)


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Interest(_M):
    name: str
    kind: str  # outdoors, arts, food, ... (venues and activities suit kinds)
    leans: Trait | None = None  # people high in this trait pick it more often


class Goal(_M):
    text: str
    kind: str  # family, career, travel, ... (shared kinds make people compatible)
    clashes: tuple[str, ...] = ()  # goal kinds it cannot live with (children vs no_children)
    min_age: int = 18
    max_age: int = 200


class TraitWords(_M):
    high: tuple[str, ...] = Field(min_length=2)
    low: tuple[str, ...] = Field(min_length=2)


class BioWords(_M):
    """`npc_bios`: what a bio is made of. Templates fill {first}, {age}, {city}, {interest},
    {interest2}, {hobby}, {goal}, {trait}."""

    interests: tuple[Interest, ...] = Field(min_length=20)
    hobbies: tuple[str, ...] = Field(min_length=15)
    goals: tuple[Goal, ...] = Field(min_length=10)
    traits: dict[str, TraitWords]  # one per trait of the big five
    openers: dict[str, tuple[str, ...]]  # by the trait the person speaks in, and `any`
    middles: tuple[str, ...] = Field(min_length=5)
    closers: tuple[str, ...] = Field(min_length=5)
    looking_for: tuple[str, ...] = Field(min_length=5)

    @model_validator(mode="after")
    def _check(self) -> BioWords:
        if set(self.traits) != set(TRAIT_NAMES):
            raise ValueError(f"traits must list exactly {list(TRAIT_NAMES)}")
        if "any" not in self.openers or not set(self.openers) <= {*TRAIT_NAMES, "any"}:
            raise ValueError(f"openers needs an `any` list, and keys among {[*TRAIT_NAMES, 'any']}")
        kinds = {g.kind for g in self.goals}
        for g in self.goals:
            unknown = set(g.clashes) - kinds
            if unknown:
                raise ValueError(f"goal {g.text!r} clashes with unknown kinds {sorted(unknown)}")
        return self


class PoolCfg(_M):
    size: int = Field(default=120, ge=1, le=1000)  # strangers a life can meet through matches
    age_spread: int = Field(default=12, ge=0)  # born up to this many years before or after the player
    taken_share: float = Field(default=0.15, ge=0, le=1)  # of them married (never suggested)
    adult_age: int = 18  # nobody younger is suggested or may be dated


class Weights(_M):
    interests: float = Field(ge=0)
    personality: float = Field(ge=0)
    goals: float = Field(ge=0)


class Action(_M):
    """A relationship action's numbers; the activity of the same id gives its energy, hours and stages."""

    affinity: tuple[int, int] = (0, 0)  # drawn from this range, scaled by compatibility where it says
    happiness: int = 0
    min_affinity: float = -100  # refused below this bond ("they will not answer your calls")
    chance: float = Field(default=1.0, ge=0, le=1)  # of success at compatibility 50 and the minimum bond
    price: int = Field(default=0, ge=0)


class RelationshipParams(Params):
    bios: BioWords
    pool: PoolCfg = Field(default_factory=PoolCfg)
    algorithms: dict[str, Weights] = Field(min_length=1)  # matching variants (the dating_match_algorithm experiment)
    actions: dict[str, Action]
    gifts: dict[str, Gift]
    friend_from_affinity: float = 35  # an acquaintance becomes a friend
    exclusive_after_days: int = 30  # asking a partner to be exclusive makes sense only after this long
    exclusive_affinity: float = 30  # ... and with a bond this strong
    second_chance_after_days: int = 180  # an ex is asked out again only after this long apart
    second_chance_affinity: float = 20  # ... and with a bond this strong


class Gift(_M):
    name: str
    price: int = Field(gt=0)
    affinity: int = Field(ge=0)
    suits: tuple[str, ...] = ()  # interest kinds that love it


class Venue(_M):
    name: str
    price: int = Field(ge=0)
    suits: tuple[str, ...] = ()  # interest kinds
    romance: int = Field(default=0, ge=-20, le=20)  # a candle-lit dinner vs a fast-food bench
    loud: bool = False  # introverts mind
    min_age: int = 16
    line: str  # the story's opening: "You met {name} at ..."
    moments: tuple[str, ...] = ()  # date_moments that fit the place (the bill at a restaurant, not a park)


class DateActivity(_M):
    name: str
    price: int = Field(ge=0)
    venues: tuple[str, ...] = Field(min_length=1)  # where it can be done
    suits: tuple[str, ...] = ()
    stats: dict[Literal["health", "happiness", "smarts", "looks"], int] = Field(default_factory=dict)
    line: str


class PlanDateParams(Params):
    venues: dict[str, Venue] = Field(min_length=8)
    activities: dict[str, DateActivity] = Field(min_length=15)
    moments: tuple[str, ...] = ()  # the question events a date may raise (date_moments.yaml), about the date
    great_from: int = 70  # a date score from which it is a great date
    bad_below: int = 35

    @model_validator(mode="after")
    def _check(self) -> PlanDateParams:
        for vid, venue in self.venues.items():
            unknown = set(venue.moments) - set(self.moments)
            if unknown:
                raise ValueError(f"venue {vid!r} names unknown moments {sorted(unknown)}")
        for aid, act in self.activities.items():
            unknown = set(act.venues) - set(self.venues)
            if unknown:
                raise ValueError(f"activity {aid!r} names unknown venues {sorted(unknown)}")
        return self


RelationshipParams.model_rebuild()
