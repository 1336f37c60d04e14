"""Retention content and its rules, as data: achievements, quest templates, the login cycle and the
tutorial's steps (retention/content/*.yaml), validated into pydantic models; an achievement's
condition is a small declarative language over a life's counts and the lifetime statistics.

Pure (no Django), like retention/tally.py: the balance simulator's lives run the same rules.

A condition (`when`), every part optional, all parts must hold:
    event: milestone:death       # a key one of this save's outcomes carries ...
    age: [69, 69]                # ... the character's age then (or now, without `event`), inclusive
    life: {milestone:marriage: 1}  # this life's counts and gauges, at least
    lifetime: {money_earned: 1000000}  # the player's lifetime statistics, at least
    without: [milestone:marriage]  # this life's counts still 0 ("a whole life without")
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from retention.tally import GAUGES, STATISTICS, Moment

CATEGORIES = ("life", "career", "relationships", "collection", "secret")
Difficulty = Literal["easy", "medium", "hard"]
KINDS = ("achievements", "quests", "daily_login_rewards", "tutorial")

# The fixed keys of retention/tally.py, and the prefixes of its parametrised ones.
KEYS = frozenset(
    {
        "activity",
        "energy_spent",
        "bought",
        "asset_bought",
        "conversation",
        "affinity_gained",
        "met",
        "friend_made",
        "divorce",
        "answered",
        "earned",
        "spent",
        "exam_passed",
        "year_lived",
        *GAUGES,
    }
)
PREFIXES = (
    "milestone:",
    "graduation:",
    "stage:",
    "activity:",
    "hours:",
    "bought:",
    "bought_category:",
    "conversation:",
    "met:",
    "became:",
    "message:",
)


class ContentError(ValueError):
    """Retention content that cannot be used (the message says where)."""


def _known_key(key: str) -> str:
    if key in KEYS or (key.startswith(PREFIXES) and key.split(":", 1)[1]):
        return key
    raise ValueError(f"unknown count {key!r} (retention/tally.py lists them)")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Model):
    event: str | None = None  # not `on`: YAML reads a bare `on` as true
    age: tuple[int, int] | None = None
    life: dict[str, int] = Field(default_factory=dict)
    lifetime: dict[str, int] = Field(default_factory=dict)
    without: list[str] = Field(default_factory=list)

    @field_validator("event")
    @classmethod
    def _event(cls, value: str | None) -> str | None:
        return None if value is None else _known_key(value)

    @field_validator("life")
    @classmethod
    def _life(cls, value: dict[str, int]) -> dict[str, int]:
        for key in value:
            _known_key(key)
        return value

    @field_validator("without")
    @classmethod
    def _without(cls, value: list[str]) -> list[str]:
        return [_known_key(k) for k in value]

    @field_validator("lifetime")
    @classmethod
    def _lifetime(cls, value: dict[str, int]) -> dict[str, int]:
        unknown = set(value) - set(STATISTICS)
        if unknown:
            raise ValueError(f"unknown lifetime statistics {sorted(unknown)} (known: {', '.join(STATISTICS)})")
        return value

    @model_validator(mode="after")
    def _something(self) -> "Condition":
        if not (self.event or self.age or self.life or self.lifetime or self.without):
            raise ValueError("a condition needs at least one part")
        return self

    def countable(self) -> tuple[str, str, int] | None:
        """(where, key, target) when progress can be shown: a single threshold and nothing else."""
        thresholds = [("life", k, v) for k, v in self.life.items()] + [
            ("lifetime", k, v) for k, v in self.lifetime.items()
        ]
        if len(thresholds) == 1 and not (self.event or self.age or self.without) and thresholds[0][2] > 1:
            return thresholds[0]
        return None


class Achievement(_Model):
    id: str = Field(pattern=r"^[a-z0-9_]{2,60}$")
    name: str = Field(min_length=1, max_length=80)
    description: str = Field(min_length=1, max_length=200)
    category: Literal["life", "career", "relationships", "collection", "secret"]
    reward: int = Field(ge=0, le=10_000)
    hidden: bool = False
    when: Condition

    @model_validator(mode="after")
    def _secret_is_hidden(self) -> "Achievement":
        if self.category == "secret" and not self.hidden:
            raise ValueError("secret achievements are hidden")
        return self


class QuestTemplate(_Model):
    id: str = Field(pattern=r"^[a-z0-9_]{2,60}$")
    difficulty: Difficulty
    description: str = Field(min_length=1, max_length=200)
    reward: int = Field(ge=1, le=1_000)
    count: str  # a retention/tally.py count this quest sums over the day's outcomes ...
    distinct_people: bool = False  # ... or the number of different people it concerned
    target: int = Field(ge=1)
    min_age: int = Field(default=0, ge=0)
    stages: list[str] = Field(default_factory=list)  # the life stages it is offered in (all when empty)
    needs_job: bool = False

    _count = field_validator("count")(classmethod(lambda cls, v: _known_key(v)))


class LoginDay(_Model):
    day: int = Field(ge=1, le=7)
    diamonds: int = Field(ge=0, le=1_000)
    energy: int = Field(default=0, ge=0, le=100)
    items: list[str] = Field(default_factory=list)  # one of these game items, at random, into the life


Evidence = Literal["questions_answered", "activities_done", "conversations_held", "daily_reward_claimed"]


class TutorialStep(_Model):
    id: str = Field(pattern=r"^[a-z0-9_]{2,60}$")
    order: int = Field(ge=1)
    text: str = Field(min_length=1, max_length=200)
    requires: Evidence | None = None  # what the server must have seen before the step counts


class TutorialReward(_Model):
    diamonds: int = Field(ge=0, le=1_000)


@dataclass(frozen=True)
class RetentionContent:
    achievements: dict[str, Achievement]
    quests: dict[str, QuestTemplate]
    daily_login: list[LoginDay]  # 7 days, in order
    tutorial: list[TutorialStep]  # in order
    tutorial_reward: int

    def quests_of(self, difficulty: str) -> list[QuestTemplate]:
        return [q for q in self.quests.values() if q.difficulty == difficulty]


def build(rows: Iterable[tuple[str, str, Any]]) -> RetentionContent:
    """The content from its rows (kind, key, data); raises ContentError naming the bad entry."""
    achievements: dict[str, Achievement] = {}
    quests: dict[str, QuestTemplate] = {}
    days: list[LoginDay] = []
    steps: list[TutorialStep] = []
    tutorial_reward = 0
    for kind, key, data in rows:
        where = f"{kind}.{key}"
        try:
            if kind == "achievements":
                achievements[key] = Achievement.model_validate({"id": key, **(data or {})})
            elif kind == "quests":
                quests[key] = QuestTemplate.model_validate({"id": key, **(data or {})})
            elif kind == "daily_login_rewards":
                days.append(LoginDay.model_validate({"day": int(key), **(data or {})}))
            elif kind == "tutorial":
                if key == "reward":
                    tutorial_reward = TutorialReward.model_validate(data).diamonds
                else:
                    steps.append(TutorialStep.model_validate({"id": key, **(data or {})}))
            else:
                raise ContentError(f"unknown section {kind!r} (known: {', '.join(KINDS)})")
        except (ValidationError, TypeError, ValueError) as exc:
            if isinstance(exc, ContentError):
                raise
            raise ContentError(f"{where}: {_brief(exc)}") from exc
    days.sort(key=lambda d: d.day)
    if [d.day for d in days] != list(range(1, 8)):
        raise ContentError("daily_login_rewards: needs exactly the days 1 to 7")
    for difficulty in ("easy", "medium", "hard"):
        if not any(q.difficulty == difficulty for q in quests.values()):
            raise ContentError(f"quests: needs at least one {difficulty} quest")
    steps.sort(key=lambda s: s.order)
    if len({s.order for s in steps}) != len(steps):
        raise ContentError("tutorial: two steps share an order")
    return RetentionContent(achievements, quests, days, steps, tutorial_reward)


def _brief(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(entry)'}: {e['msg']}" for e in exc.errors())
    return str(exc)


# ---- evaluation ------------------------------------------------------------------------------------------------------
def holds(when: Condition, life: dict[str, int], lifetime: dict[str, int], moments: list[Moment]) -> bool:
    """Whether a condition holds after a save: `life` the life's counts and gauges (updated), `lifetime`
    the player's statistics (updated), `moments` this save's outcomes."""
    if any(life.get(k, 0) < v for k, v in when.life.items()):
        return False
    if any(lifetime.get(k, 0) < v for k, v in when.lifetime.items()):
        return False
    if any(life.get(k, 0) for k in when.without):
        return False
    if when.event is None:
        return when.age is None or when.age[0] <= life.get("age", 0) <= when.age[1]
    return any(when.event in m.keys and (when.age is None or when.age[0] <= m.age <= when.age[1]) for m in moments)


def newly_unlocked(
    content: RetentionContent,
    unlocked: set[str],
    life: dict[str, int],
    lifetime: dict[str, int],
    moments: list[Moment],
) -> list[Achievement]:
    """The achievements this save unlocks, in content order."""
    return [a for a in content.achievements.values() if a.id not in unlocked and holds(a.when, life, lifetime, moments)]


def progress(achievement: Achievement, life: dict[str, int], lifetime: dict[str, int]) -> tuple[int, int] | None:
    """(progress, target) of a locked achievement whose condition is one countable threshold."""
    countable = achievement.when.countable()
    if countable is None:
        return None
    where, key, target = countable
    value = (life if where == "life" else lifetime).get(key, 0)
    return min(int(value), target), target
