"""The life's state as plain dataclasses that serialise to JSON-able dicts (the caller keeps them in a JSON column).

The public functions copy the state once per call (`clone`) and mutate the copy, so a caller's state never changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

STATS = ("health", "happiness", "smarts", "looks")
COUNTERS = (
    "activities",
    "exams_taken",
    "exams_passed",
    "days_at_school",
    "days_worked",
    "jobs_held",
    "promotions",
    "times_fired",
    "money_earned",
    "money_spent",
    "questions_answered",
    "questions_expired",
    "conversations",
    "people_met",
    "children",
    "holidays",
)


@dataclass
class Person:
    id: str
    name: str
    relation: str  # parent, sibling, classmate, coworker, acquaintance, friend, partner, fiance, spouse, child, ex
    gender: str
    born_at: int
    age: int
    traits: dict[str, float]  # big five, 0..1
    affinity: float = 0.0  # -100..100
    alive: bool = True
    met_at: int = 0
    memory: list[str] = field(default_factory=list)  # what they remember of the player (cheated_on, dumped ...)
    since: int = 0  # when the current relation began (a partner's first date, a spouse's wedding)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "relation": self.relation,
            "gender": self.gender,
            "born_at": self.born_at,
            "age": self.age,
            "traits": dict(self.traits),
            "affinity": self.affinity,
            "alive": self.alive,
            "met_at": self.met_at,
            "memory": list(self.memory),
            "since": self.since,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Person:
        # a life saved before `since` existed: the relation is taken to have begun when they met
        since = d.get("since", d.get("met_at", 0))
        return cls(**{**d, "traits": dict(d["traits"]), "memory": list(d.get("memory", ())), "since": since})

    def remembers(self, *tags: str) -> bool:
        return all(t in self.memory for t in tags)


@dataclass
class Job:
    track: str
    level: int
    title: str
    salary: int  # whole currency per game year
    performance: float  # 0..100
    hired_at: int
    level_since: int
    employer: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "track": self.track,
            "level": self.level,
            "title": self.title,
            "salary": self.salary,
            "performance": self.performance,
            "hired_at": self.hired_at,
            "level_since": self.level_since,
            "employer": self.employer,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Job:
        return cls(**d)


@dataclass
class Education:
    stage: str = "none"  # none, elementary, high_school, college, graduate
    school: str | None = None
    major: str | None = None
    enrolled_at: int | None = None
    days_attended: int = 0
    days_total: int = 0
    exams: list[int] = field(default_factory=list)  # exam scores 0..100 in the current stage
    gpa: float = 0.0  # 0..4, from the current stage's exams
    study_points: int = 0  # studying since the last exam; spent at the next exam
    graduated: list[str] = field(default_factory=list)  # elementary, high_school, college, graduate

    @property
    def highest(self) -> str:
        """Highest level graduated, in the order none < elementary < high_school < college < graduate."""
        order = ("elementary", "high_school", "college", "graduate")
        return max(self.graduated, key=order.index, default="none")

    @property
    def attendance(self) -> float:
        return self.days_attended / self.days_total if self.days_total else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "school": self.school,
            "major": self.major,
            "enrolled_at": self.enrolled_at,
            "days_attended": self.days_attended,
            "days_total": self.days_total,
            "attendance": round(self.attendance, 4),
            "exams": list(self.exams),
            "gpa": self.gpa,
            "study_points": self.study_points,
            "graduated": list(self.graduated),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Education:
        d = {k: v for k, v in d.items() if k != "attendance"}
        return cls(**{**d, "exams": list(d.get("exams", [])), "graduated": list(d.get("graduated", []))})


@dataclass
class PendingQuestion:
    id: str
    template: str
    created_at: int
    expires_at: int
    default: str
    text: str
    choices: list[dict[str, str]]  # [{"id", "text"}]
    person_id: str | None = None
    major: bool = False  # holds the life's clock while pending
    window_real_hours: float = 0.0  # the real time the player has to answer (the service ends a hold by it)
    track: str | None = None  # a job interview's career track

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "template": self.template,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            "default": self.default,
            "text": self.text,
            "choices": [dict(c) for c in self.choices],
            "person_id": self.person_id,
            "major": self.major,
            "window_real_hours": self.window_real_hours,
            "track": self.track,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PendingQuestion:
        known = {k: v for k, v in d.items() if k in _QUESTION_FIELDS}  # a newer process's keys are left out
        return cls(**{**known, "choices": [dict(c) for c in d["choices"]]})

    def payload(self) -> dict[str, Any]:
        """The protocol's questionEvent body."""
        return {
            "event_id": self.id,
            "template": self.template,
            "text": self.text,
            "choices": [dict(c) for c in self.choices],
            "expires_at": self.expires_at,
            "default": self.default,
            "major": self.major,
        }


@dataclass
class LifeState:
    seed: int
    born_at: int
    clock: int
    name: str
    gender: str
    age: int
    stage: str
    health: int
    happiness: int
    smarts: int
    looks: int
    energy: float
    money: int  # whole currency; may go negative (debt)
    location: str
    education: Education = field(default_factory=Education)
    job: Job | None = None
    retired: bool = False
    pension: int = 0  # per game year
    inventory: dict[str, int] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    pending: list[PendingQuestion] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    milestones: list[str] = field(default_factory=list)  # once-only milestones already emitted
    recent: dict[str, int] = field(default_factory=dict)  # question template -> when it was last raised
    assets: list[dict[str, Any]] = field(default_factory=list)  # {"id", "item", "name", "bought_at", "price"}
    flags: list[str] = field(default_factory=list)
    forgotten: list[str] = field(default_factory=list)  # ids of people forgotten to make room: never met again
    busy_until: int = 0
    prison_until: int | None = None  # serving a sentence until this game moment
    generation: int = 1  # 2 for the child who took over a life, and so on
    low_mood_months: int = 0  # months in a row of low happiness (depression after a few)
    regen_factor: float = 1.0  # energy regained per hour x this (the player's `energy_regeneration` variant)
    next_id: int = 1
    dead: bool = False
    cause_of_death: str | None = None
    died_at: int | None = None
    summary: dict[str, Any] | None = None
    version: int = 1

    # ---- serialisation -------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "seed": self.seed,
            "born_at": self.born_at,
            "clock": self.clock,
            "name": self.name,
            "gender": self.gender,
            "age": self.age,
            "stage": self.stage,
            "health": self.health,
            "happiness": self.happiness,
            "smarts": self.smarts,
            "looks": self.looks,
            "energy": self.energy,
            "money": self.money,
            "location": self.location,
            "education": self.education.to_dict(),
            "job": self.job.to_dict() if self.job else None,
            "retired": self.retired,
            "pension": self.pension,
            "inventory": dict(self.inventory),
            "people": [p.to_dict() for p in self.people],
            "pending": [q.to_dict() for q in self.pending],
            "counters": dict(self.counters),
            "milestones": list(self.milestones),
            "recent": dict(self.recent),
            "assets": [dict(a) for a in self.assets],
            "flags": list(self.flags),
            "forgotten": list(self.forgotten),
            "busy_until": self.busy_until,
            "prison_until": self.prison_until,
            "generation": self.generation,
            "low_mood_months": self.low_mood_months,
            "regen_factor": self.regen_factor,
            "next_id": self.next_id,
            "dead": self.dead,
            "cause_of_death": self.cause_of_death,
            "died_at": self.died_at,
            "summary": _copy_json(self.summary),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LifeState:
        # keys this code does not know (a newer process wrote them during a rolling deploy) are kept
        # out rather than failing the life; missing ones take their defaults
        d = {k: v for k, v in d.items() if k in _LIFE_FIELDS}
        d["education"] = Education.from_dict(d["education"])
        d["job"] = Job.from_dict(d["job"]) if d.get("job") else None
        d["inventory"] = dict(d.get("inventory", {}))
        d["people"] = [Person.from_dict(p) for p in d.get("people", [])]
        d["pending"] = [PendingQuestion.from_dict(q) for q in d.get("pending", [])]
        d["counters"] = {**dict.fromkeys(COUNTERS, 0), **d.get("counters", {})}
        d["milestones"] = list(d.get("milestones", []))
        d["recent"] = dict(d.get("recent", {}))
        d["flags"] = list(d.get("flags", []))
        d["forgotten"] = list(d.get("forgotten", []))
        d["assets"] = [dict(a) for a in d.get("assets", [])]
        d["summary"] = _copy_json(d.get("summary"))
        return cls(**d)

    def clone(self) -> LifeState:
        return LifeState.from_dict(self.to_dict())

    # ---- helpers used by the engine ------------------------------------------------------------------------
    @property
    def held_by(self) -> PendingQuestion | None:
        """The major decision holding the life's clock, if one is pending (the oldest)."""
        return next((q for q in self.pending if q.major), None)

    def person(self, person_id: str) -> Person | None:
        for p in self.people:
            if p.id == person_id:
                return p
        return None

    def living(self, *relations: str) -> list[Person]:
        return [p for p in self.people if p.alive and (not relations or p.relation in relations)]

    def new_id(self, prefix: str) -> str:
        n = self.next_id
        self.next_id += 1
        return f"{prefix}{n}"

    def bump(self, counter: str, by: int = 1) -> None:
        self.counters[counter] = self.counters.get(counter, 0) + by


def _copy_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_json(v) for v in value]
    return value


@dataclass
class Event:
    """Something that happened at game time `at`. Milestones carry their name in `data["milestone"]`."""

    kind: str
    at: int
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def milestone(self) -> str | None:
        return self.data.get("milestone") if self.kind == "milestone" else None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "at": self.at, "data": _copy_json(self.data)}


@dataclass(frozen=True)
class Input:
    """A player action for `advance` to apply at game time `at`.

    kind "activity": params {"activity", "target"?}; "choice": {"event_id", "choice"};
    "talk": {"person_id", "text", "sentiment"}.
    """

    at: int
    kind: str
    params: dict[str, Any] = field(default_factory=dict)


_LIFE_FIELDS = frozenset(f.name for f in fields(LifeState))
_QUESTION_FIELDS = frozenset(f.name for f in fields(PendingQuestion))
