"""Game content (events, jobs, activities, items, replies, names, config) validated into an immutable `Content`.

Content is data so operators can change the game without code; validation happens once at load so the engine can
trust every id it follows. Errors name the file and the entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import special_registry
from .errors import ContentError
from .special_registry import Params

Stage = Literal["baby", "child", "teen", "young_adult", "adult", "elder"]
STAGES: tuple[str, ...] = ("baby", "child", "teen", "young_adult", "adult", "elder")
Relation = Literal[
    "parent", "sibling", "classmate", "coworker", "acquaintance", "friend", "partner", "fiance", "spouse", "child", "ex"
]
RELATIONS: tuple[str, ...] = get_args(Relation)
FAMILY: frozenset[str] = frozenset({"parent", "sibling", "spouse", "child"})
EduLevel = Literal["none", "elementary", "high_school", "college", "graduate"]
EDU_RANK = {"none": 0, "elementary": 1, "high_school": 2, "college": 3, "graduate": 4}
Trait = Literal["openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism"]
TRAITS: tuple[str, ...] = ("openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism")
Bucket = Literal["very_negative", "negative", "neutral", "positive", "very_positive"]
BUCKETS: tuple[str, ...] = ("very_negative", "negative", "neutral", "positive", "very_positive")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- effects shared by question outcomes and activities -----------------------------------------------------------
class Effects(_Model):
    """What an outcome does. Stats are deltas clamped to 0..100; `affinity` applies to the event's subject person."""

    health: int = 0
    happiness: int = 0
    smarts: int = 0
    looks: int = 0
    energy: int = 0
    money: int = 0
    performance: int = 0
    affinity: int = 0
    affinity_relation: dict[Relation, int] = Field(default_factory=dict)
    set_flags: tuple[str, ...] = ()
    clear_flags: tuple[str, ...] = ()
    enroll: Literal["college", "graduate"] | None = None
    major: str | None = None
    drop_out: bool = False
    hire: str | None = None  # track id: hired at its entry level if qualified
    # a job interview's answer (the `job_interview` question apply_job raises): added to the hiring
    # chance of the job applied for, then the employer decides
    interview: float | None = Field(default=None, ge=-1, le=1)
    quit_job: bool = False
    retire: bool = False
    relation_change: Relation | None = None  # the subject becomes this (partner -> spouse = marriage)
    add_person: Relation | None = None  # someone new (child = a birth)
    item: str | None = None
    die: str | None = None  # cause of death
    prison_years: int = Field(default=0, ge=0, le=50)  # a sentence: the life goes on behind bars
    move: bool = False  # to another city (names.yaml `cities`): the life's `location` changes
    remember: tuple[str, ...] = ()  # the subject keeps these in their memory of the player (later events read it)
    forget: tuple[str, ...] = ()  # ... and lets these go (a grievance forgiven)
    divorce: bool = False  # the subject, a spouse, divorces the player: money and assets are split
    adopt: bool = False  # a child joins the family by adoption (a young child, not a newborn)


class Outcome(_Model):
    text: str = ""
    weight: float = Field(default=1.0, gt=0)
    effects: Effects = Field(default_factory=Effects)


class Choice(_Model):
    id: str
    text: str
    outcomes: tuple[Outcome, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        """`result` + `effects` directly on a choice is one certain outcome."""
        if isinstance(data, dict) and "outcomes" not in data:
            data = dict(data)
            data["outcomes"] = [{"text": data.pop("result", ""), "effects": data.pop("effects", {})}]
        return data


class Requirements(_Model):
    employed: bool | None = None
    student: bool | None = None
    retired: bool | None = None
    has_relation: Relation | None = None
    lacks_relation: Relation | tuple[Relation, ...] | None = None  # none of these may be alive
    flags: tuple[str, ...] = ()
    not_flags: tuple[str, ...] = ()
    min_money: int | None = None
    graduated: EduLevel | None = None
    not_graduated: EduLevel | None = None
    min_stats: dict[Literal["health", "happiness", "smarts", "looks"], int] = Field(default_factory=dict)


class Who(_Model):
    """Which of the subject relation's people an event may be about: their bond, memory and age."""

    relations: tuple[Relation, ...] = ()  # more relations the subject may have besides `subject`
    min_affinity: float = -100
    max_affinity: float = 100
    memory: tuple[str, ...] = ()  # remembers all of these
    not_memory: tuple[str, ...] = ()  # remembers none of these
    min_years: float = 0  # in this relation at least this long
    min_age: int = 0  # the subject's own age
    max_age: int = 200


class EventTemplate(_Model):
    id: str
    text: str
    stages: tuple[Stage, ...] = Field(min_length=1)
    min_age: int = 0
    max_age: int = 200
    weight: float = Field(default=1.0, ge=0)
    random: bool = True  # false: only raised by the engine itself (config.system_events)
    subject: Relation | None = None  # a living person of this relation is named in the text as {name}
    who: Who = Field(default_factory=Who)  # which of them (bond, memory, age)
    requires: Requirements = Field(default_factory=Requirements)
    ttl_hours: int | None = Field(default=None, gt=0)  # a window in game hours (window_real_hours is preferred)
    window_real_hours: float | None = Field(default=None, gt=0)  # real hours the player has to answer
    cooldown_days: int | None = Field(default=None, ge=0)  # default: config.questions.cooldown_days
    once: bool = False  # at most once in a life ("first steps", "first credit card")
    follow_up: str | None = None  # an event raised right after this one is settled (chains, a guided start)
    major: bool = False  # a decision that holds the life's clock until answered or its window ends
    choices: tuple[Choice, ...] = Field(min_length=2, max_length=4)
    default: str

    @model_validator(mode="after")
    def _check(self) -> EventTemplate:
        ids = [c.id for c in self.choices]
        if len(set(ids)) != len(ids):
            raise ValueError("choice ids must be unique")
        if self.default not in ids:
            raise ValueError(f"default {self.default!r} is not one of the choices {ids}")
        return self


# ---- jobs ----------------------------------------------------------------------------------------------------------
class JobLevel(_Model):
    id: str
    title: str
    salary: int = Field(gt=0)  # per game year
    education: EduLevel = "none"
    years_for_promotion: float = Field(default=2, ge=0)  # years in this level before promotion to the next
    promotion_performance: float = Field(default=70, ge=0, le=100)
    ceo: bool = False


class Track(_Model):
    id: str
    name: str
    min_age: int = 18
    majors: tuple[str, ...] = ()  # if set, college/graduate levels need one of these majors
    requires: Requirements = Field(default_factory=Requirements)  # special careers: a talent, a past
    special: bool = False  # a career only some lives can enter (fame, sport, music)
    employers: tuple[str, ...] = Field(min_length=1)
    levels: tuple[JobLevel, ...] = Field(min_length=1)


# ---- activities, items, replies, names -----------------------------------------------------------------------------
class Activity(_Model):
    id: str
    name: str
    description: str = ""
    energy_cost: int = Field(ge=0)
    hours: int = Field(ge=0)  # game time the character is busy
    stages: tuple[Stage, ...] = Field(min_length=1)
    min_age: int = 0
    requires: Requirements = Field(default_factory=Requirements)
    effects: Effects = Field(default_factory=Effects)
    special: str | None = None  # a registered special activity (game/engine/special_registry.py)
    target_relations: tuple[Relation, ...] = ()  # who the activity is with, when it takes a target person


class Item(_Model):
    id: str
    name: str
    category: str
    price: int = Field(gt=0)
    min_age: int = 0
    effects: Effects = Field(default_factory=Effects)
    asset: bool = False  # kept, worth something, can be sold and inherited (a house, a car)
    upkeep_per_month: int = Field(default=0, ge=0)  # paid with the monthly bills while owned
    value_per_year: float = Field(default=0.0, ge=-1, le=1)  # a house gains, a car loses (compounded)

    def value_at(self, price: int, bought_at: int, at: int) -> int:
        """What an asset bought for `price` at `bought_at` is worth at `at` (whole years compounded)."""
        years = max(0, (at - bought_at) // (360 * 86400))
        return max(0, int(price * (1 + self.value_per_year) ** years))


class ReplySet(_Model):
    bucket: Bucket
    relation: Relation | Literal["any"] = "any"
    trait: Trait | Literal["any"] = "any"
    # the player's life stages the lines fit ("go to your room" is said to a child, not to a 50-year-old)
    player_stages: tuple[Stage, ...] = ()
    lines: tuple[str, ...] = Field(min_length=1)


class Names(_Model):
    male: tuple[str, ...] = Field(min_length=5)
    female: tuple[str, ...] = Field(min_length=5)
    surnames: tuple[str, ...] = Field(min_length=5)
    cities: tuple[str, ...] = Field(min_length=1)
    schools: dict[Literal["elementary", "high_school", "college", "graduate"], tuple[str, ...]]

    @model_validator(mode="after")
    def _check(self) -> Names:
        missing = {"elementary", "high_school", "college", "graduate"} - set(self.schools)
        if missing:
            raise ValueError(f"schools lacks {sorted(missing)}")
        return self


# ---- config --------------------------------------------------------------------------------------------------------
class EnergyCfg(_Model):
    max: float = Field(default=100, gt=0)
    start: float = 100
    regen_per_hour: float = Field(ge=0)
    sleep_regen_per_hour: float = Field(ge=0)


class DayShape(_Model):
    sleep: tuple[int, int]
    school: tuple[int, int] | None = None
    work: tuple[int, int] | None = None


class StageCfg(_Model):
    id: Stage
    min_age: int = Field(ge=0)


class QuestionsCfg(_Model):
    hours: tuple[int, ...]
    chance: float = Field(ge=0, le=1)
    max_pending: int = Field(ge=1)
    window_real_hours: float = Field(default=16, ge=8)  # a question waits this long in real time
    major_window_real_hours: float = Field(default=24, ge=8)  # ... and a major one (the clock held)
    cooldown_days: int = Field(default=120, ge=0)  # the same event is not raised again within this many days


class Term(_Model):
    name: str
    start_day: int = Field(ge=0, lt=360)
    end_day: int = Field(ge=0, lt=360)  # exam day


class SchoolCfg(_Model):
    terms: tuple[Term, ...] = Field(min_length=1)
    elementary_age: int = 6
    high_school_age: int = 12
    adult_age: int = 18
    college_years: int = 4
    graduate_years: int = 2
    pass_score: int = 50
    high_school_min_gpa: float = 1.0
    college_min_gpa: float = 2.0
    attendance_base: float = 0.8


class Raise(_Model):
    from_performance: float = Field(ge=0, le=100)
    percent: float = Field(ge=0, le=50)


class CareerCfg(_Model):
    payday_every_days: int = Field(default=14, gt=0)
    review_every_days: int = Field(default=30, gt=0)
    fire_below: float = 15
    # on each anniversary of a job: the first rule whose performance is reached sets the raise
    raises: tuple[Raise, ...] = ()
    interview_event: str | None = None  # the question applying raises (None: hired or not at once)
    min_work_age: int = 16
    min_retirement_age: int = 55
    mandatory_retirement_age: int = 72
    pension_ratio: float = 0.4
    performance_daily_drift: float = 0.6


class BillsCfg(_Model):
    start_age: int = 18
    monthly_living: int = 900
    rent_per_month: int = Field(default=0, ge=0)  # paid until the life owns a home (an asset of `home_category`)
    student_living: int = Field(default=300, ge=0)  # a month's living while at school or college (no rent)
    home_category: str = "property"
    lifestyle_share: float = Field(default=0.0, ge=0, le=1)  # of the month's pay (or pension): richer lives spend more
    per_child: int = 250
    tuition_per_month: dict[Literal["college", "graduate"], int] = Field(default_factory=dict)


class StatsCfg(_Model):
    """How stats behave over a life: gains shrink near the top, and what is not kept up drifts down."""

    soft_cap: int = Field(default=70, ge=0, le=99)  # above it a gain is scaled by (100 - value) / (100 - soft_cap)
    drift_above: int = Field(default=60, ge=0, le=100)  # monthly drift applies only above this value
    monthly_drift: dict[Literal["health", "happiness", "smarts", "looks"], int] = Field(default_factory=dict)
    drift_from_age: dict[Literal["health", "happiness", "smarts", "looks"], int] = Field(default_factory=dict)
    affinity_soft_cap: float = Field(default=60, ge=0, le=99)  # the same for affinity gains
    family_monthly_decay: float = Field(default=0.5, ge=0)  # family bonds above 50 cool slowly without contact


class DebtCfg(_Model):
    """Debt is not free: interest, stress, collections, and bankruptcy."""

    monthly_interest: float = Field(default=0.02, ge=0, le=1)
    happiness_per_month: int = Field(default=-3, le=0)
    collections_below: int = Field(default=-20000)  # a collections notice and a health toll from here
    bankruptcy_below: int = Field(default=-100000)  # debts written off, savings gone, a flag kept for life
    bankruptcy_every_years: int = Field(default=8, ge=0)  # a second filing only after this long


class MoodCfg(_Model):
    """Mental health: a long low mood becomes depression (a flag events read), which wears on health."""

    low_below: int = Field(default=25, ge=0, le=100)
    months_to_depression: int = Field(default=3, ge=1)
    recovered_above: int = Field(default=50, ge=0, le=100)
    health_per_month: int = Field(default=-1, le=0)  # while depressed


class PrisonCfg(_Model):
    activities: tuple[str, ...] = ("read", "exercise", "meditate", "study")  # what a prisoner may do
    happiness_per_month: int = Field(default=-2, le=0)


class GenerationsCfg(_Model):
    min_heir_age: int = Field(default=18, ge=0)  # a player may go on as a living child this old
    inheritance_tax: float = Field(default=0.2, ge=0, le=1)  # taken from a positive estate


class HealthCfg(_Model):
    decline_start_age: int = 50
    decline_every_days: int = 45
    recovery_per_month: int = 3  # the body heals: monthly health gain below recovery_cap (none in old age)
    recovery_cap: int = 85
    accident_chance_per_day: float = 0.000004
    old_age_start: int = 70
    old_age_hazard_per_year: float = 0.02
    old_age_growth: float = 0.09
    poor_health_hazard: float = Field(default=1.5, ge=0)  # hazard x (1 + this x (60 - health) / 60) below 60


class TalkCfg(_Model):
    base: float = 8
    energy_cost: int = 1
    agreeableness_amplify: float = 1.0
    neuroticism_dampen: float = 0.6
    family_forgiveness: float = 0.5
    thresholds: tuple[float, float, float, float] = (-0.6, -0.05, 0.05, 0.6)  # bucket edges


class Holiday(_Model):
    day: int = Field(ge=0, lt=360)
    name: str
    happiness: int = 3


class Major(_Model):
    id: str
    name: str


class SystemEvents(_Model):
    college: str
    graduate_school: str


class Config(_Model):
    energy: EnergyCfg
    stages: tuple[StageCfg, ...]
    day_shape: dict[Stage, DayShape]
    questions: QuestionsCfg
    school: SchoolCfg
    career: CareerCfg
    bills: BillsCfg
    health: HealthCfg
    stats: StatsCfg = Field(default_factory=StatsCfg)
    generations: GenerationsCfg = Field(default_factory=GenerationsCfg)
    prison: PrisonCfg = Field(default_factory=PrisonCfg)
    mood: MoodCfg = Field(default_factory=MoodCfg)
    debt: DebtCfg = Field(default_factory=DebtCfg)
    talk: TalkCfg
    holidays: tuple[Holiday, ...] = ()
    majors: tuple[Major, ...] = Field(min_length=1)
    system_events: SystemEvents
    birthday_gift: int = 20
    max_people: int = 60
    max_children: int = 6
    start_age: int = Field(default=4, ge=0, le=17)  # a new life is met at this age (infancy plays itself)
    first_questions: str | None = None  # the event raised when a life is met (its follow_ups go on)
    pace: float = Field(default=360, gt=0)  # game seconds per real second (the service passes its setting)
    specials: dict[str, dict[str, Any]] = Field(default_factory=dict)  # each special's numbers, by its id

    @model_validator(mode="after")
    def _check(self) -> Config:
        if [s.id for s in self.stages] != list(STAGES):
            raise ValueError(f"stages must be listed in order {list(STAGES)}")
        ages = [s.min_age for s in self.stages]
        if ages != sorted(ages) or ages[0] != 0:
            raise ValueError("stage min_age must start at 0 and increase")
        missing = set(STAGES) - set(self.day_shape)
        if missing:
            raise ValueError(f"day_shape lacks {sorted(missing)}")
        return self


# ---- the immutable bundle ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Content:
    config: Config
    events: Mapping[str, EventTemplate]
    tracks: Mapping[str, Track]
    activities: Mapping[str, Activity]
    items: Mapping[str, Item]
    replies: tuple[ReplySet, ...]
    names: Names
    random_events: Mapping[str, tuple[EventTemplate, ...]]  # per stage, precomputed for the hot path
    stage_ages: tuple[tuple[int, str], ...]
    specials: Mapping[str, Params]  # each special activity's numbers, validated by its own model
    digest: str  # sha256 of the canonical input, so callers can tell content versions apart
    # the canonical input itself (JSON), so another process can rebuild the same content (engine_pool)
    source: str = field(default="", repr=False, compare=False)

    @property
    def jobs(self) -> list[tuple[Track, JobLevel]]:
        return [(t, lvl) for t in self.tracks.values() for lvl in t.levels]

    def stage_for_age(self, age: int) -> str:
        stage = self.stage_ages[0][1]
        for min_age, sid in self.stage_ages:
            if age >= min_age:
                stage = sid
        return stage

    @classmethod
    def from_dicts(
        cls,
        *,
        config: Mapping[str, Any],
        events: list[Mapping[str, Any]],
        jobs: list[Mapping[str, Any]],
        activities: list[Mapping[str, Any]],
        items: list[Mapping[str, Any]],
        replies: list[Mapping[str, Any]],
        names: Mapping[str, Any],
        sources: Mapping[str, str] | None = None,
    ) -> Content:
        """Build content from plain data (YAML files or database rows). `sources` names where each kind came from."""
        src = {
            "config": "config.yaml",
            "events": "events.yaml",
            "jobs": "jobs.yaml",
            "activities": "activities.yaml",
            "items": "items.yaml",
            "replies": "replies.yaml",
            "names": "names.yaml",
            **(sources or {}),
        }
        cfg = _one(Config, config, src["config"])
        nm = _one(Names, names, src["names"])
        evs = _many(EventTemplate, events, src["events"])
        trs = _many(Track, jobs, src["jobs"])
        acts = _many(Activity, activities, src["activities"])
        its = _many(Item, items, src["items"])
        reps = tuple(_many(ReplySet, replies, src["replies"], keyed=False))
        _cross_check(cfg, evs, trs, acts, its, reps, src)
        used = {a.special for a in acts.values() if a.special}
        special_params = special_registry.validate_params(cfg.specials, used, src["config"])
        random_events = {
            stage: tuple(e for e in evs.values() if e.random and e.weight > 0 and stage in e.stages) for stage in STAGES
        }
        canonical = json.dumps(
            {
                "config": config,
                "events": events,
                "jobs": jobs,
                "activities": activities,
                "items": items,
                "replies": replies,
                "names": names,
            },
            sort_keys=True,
            default=str,
        )
        return cls(
            config=cfg,
            events=MappingProxyType(evs),
            tracks=MappingProxyType(trs),
            activities=MappingProxyType(acts),
            items=MappingProxyType(its),
            replies=reps,
            names=nm,
            random_events=MappingProxyType(random_events),
            stage_ages=tuple((s.min_age, s.id) for s in cfg.stages),
            specials=MappingProxyType(special_params),
            digest=hashlib.sha256(canonical.encode()).hexdigest(),
            source=canonical,
        )

    @classmethod
    def from_source(cls, source: str) -> Content:
        """Rebuild content from another's `source` (the same digest, validated again)."""
        return cls.from_dicts(**json.loads(source))


# ---- validation helpers --------------------------------------------------------------------------------------------
def _fmt(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(entry)'}: {e['msg']}" for e in exc.errors())


def _one(model: type[_Model], data: Any, source: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContentError(f"{source}: {_fmt(exc)}") from exc


def _many(model: type[_Model], data: Any, source: str, *, keyed: bool = True) -> Any:
    if not isinstance(data, list):
        raise ContentError(f"{source}: expected a list of entries")
    out: dict[str, Any] = {}
    seq: list[Any] = []
    for i, entry in enumerate(data):
        label = entry.get("id") if isinstance(entry, Mapping) else None
        try:
            obj = model.model_validate(entry)
        except ValidationError as exc:
            raise ContentError(f"{source}: entry #{i} (id={label!r}): {_fmt(exc)}") from exc
        if keyed:
            key = getattr(obj, "id")  # noqa: B009 - every keyed model has an `id`; _Model itself does not
            if key in out:
                raise ContentError(f"{source}: entry #{i} (id={key!r}): duplicate id")
            out[key] = obj
        else:
            seq.append(obj)
    return out if keyed else seq


def _cross_check(
    cfg: Config,
    evs: dict[str, EventTemplate],
    trs: dict[str, Track],
    acts: dict[str, Activity],
    its: dict[str, Item],
    reps: tuple[ReplySet, ...],
    src: Mapping[str, str],
) -> None:
    majors = {m.id for m in cfg.majors}

    def effects_ok(eff: Effects, where: str) -> None:
        if eff.hire and eff.hire not in trs:
            raise ContentError(f"{where}: hire names unknown track {eff.hire!r}")
        if eff.major and eff.major not in majors:
            raise ContentError(f"{where}: unknown major {eff.major!r}")
        if eff.enroll == "college" and not eff.major:
            raise ContentError(f"{where}: enroll college needs a major")
        if eff.item and eff.item not in its:
            raise ContentError(f"{where}: unknown item {eff.item!r}")

    for e in evs.values():
        where = f"{src['events']}: entry {e.id!r}"
        if e.min_age > e.max_age:
            raise ContentError(f"{where}: min_age > max_age")
        for ch in e.choices:
            for oc in ch.outcomes:
                effects_ok(oc.effects, f"{where} choice {ch.id!r}")
                eff = oc.effects
                if (eff.affinity or eff.relation_change or eff.remember or eff.forget or eff.divorce) and not e.subject:
                    raise ContentError(
                        f"{where} choice {ch.id!r}: affinity/relation_change/remember/forget/divorce needs a subject"
                    )
    for e in evs.values():
        if e.follow_up and e.follow_up not in evs:
            raise ContentError(f"{src['events']}: entry {e.id!r}: follow_up names unknown event {e.follow_up!r}")
    if cfg.first_questions and cfg.first_questions not in evs:
        raise ContentError(f"{src['config']}: first_questions names unknown event {cfg.first_questions!r}")
    interview = cfg.career.interview_event
    if interview is not None:
        if interview not in evs:
            raise ContentError(f"{src['config']}: career.interview_event names unknown event {interview!r}")
        if evs[interview].random:
            raise ContentError(
                f"{src['events']}: entry {interview!r}: an interview is raised by applying: random: false"
            )
    for key in ("college", "graduate_school"):
        eid = getattr(cfg.system_events, key)
        if eid not in evs:
            raise ContentError(f"{src['config']}: system_events.{key} names unknown event {eid!r}")
    for t in trs.values():
        where = f"{src['jobs']}: entry {t.id!r}"
        for m in t.majors:
            if m not in majors:
                raise ContentError(f"{where}: unknown major {m!r}")
        ids = [lvl.id for lvl in t.levels]
        if len(set(ids)) != len(ids):
            raise ContentError(f"{where}: level ids must be unique")
        salaries = [lvl.salary for lvl in t.levels]
        if salaries != sorted(salaries):
            raise ContentError(f"{where}: salaries must not fall up the ladder")
    for a in acts.values():
        effects_ok(a.effects, f"{src['activities']}: entry {a.id!r}")
    for it in its.values():
        effects_ok(it.effects, f"{src['items']}: entry {it.id!r}")
    for b in BUCKETS:
        if not any(r.bucket == b and r.relation == "any" and r.trait == "any" for r in reps):
            raise ContentError(f"{src['replies']}: no fallback reply set (relation any, trait any) for bucket {b!r}")
