"""BaoLife's pure life-simulation engine: state + time span + content in, new state + events out.

No Django, no ORM, no wall clock, no network: everything that touches those wraps this package.
"""

from .api import (
    advance,
    advance_settling,
    apply_activity,
    apply_choice,
    apply_energy,
    apply_gift,
    apply_talk,
    expire_held,
    job_board,
    meet,
)
from .content import Content
from .errors import (
    BadInput,
    Busy,
    CharacterDead,
    ContentError,
    EngineError,
    EventNotFound,
    InsufficientEnergy,
    InsufficientMoney,
    InvalidChoice,
    InvalidTime,
    NotAllowed,
    PersonNotFound,
    UnknownActivity,
    UnknownTarget,
)
from .generations import continue_as, heirs
from .life import new_life
from .state import Education, Event, Input, Job, LifeState, PendingQuestion, Person
from .timeline import DAY, HOUR, MONTH, STEP, WEEK, YEAR

__all__ = [
    "DAY",
    "HOUR",
    "MONTH",
    "STEP",
    "WEEK",
    "YEAR",
    "BadInput",
    "Busy",
    "CharacterDead",
    "Content",
    "ContentError",
    "Education",
    "EngineError",
    "Event",
    "EventNotFound",
    "Input",
    "InsufficientEnergy",
    "InsufficientMoney",
    "InvalidChoice",
    "InvalidTime",
    "Job",
    "LifeState",
    "NotAllowed",
    "PendingQuestion",
    "Person",
    "PersonNotFound",
    "UnknownActivity",
    "UnknownTarget",
    "advance",
    "continue_as",
    "heirs",
    "advance_settling",
    "apply_activity",
    "apply_choice",
    "apply_energy",
    "apply_gift",
    "apply_talk",
    "expire_held",
    "job_board",
    "meet",
    "new_life",
]
