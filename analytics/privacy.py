"""What the GDPR export and erasure do with analytics' tables (core/privacy.py; compliance runs them).

Raw events and sessions go with the account; the daily totals, which name no player, stay.
"""

from analytics.models import Assignment, DailyRollup, Event, Experiment, ExperimentChange, Session
from core.privacy import Erasure, declare

declare(
    Event,
    erasure=Erasure.DELETE,
    export=True,
    owner="player_id",
    section="analytics_events",
    reason="Gameplay events (deleted after ANALYTICS_RETENTION_DAYS anyway): the daily totals keep the counts.",
)
declare(
    Session,
    erasure=Erasure.DELETE,
    export=True,
    owner="player_id",
    section="analytics_sessions",
    reason="Play sessions (start, end, platform from the User-Agent).",
)
declare(
    Assignment,
    erasure=Erasure.DELETE,
    export=True,
    owner="player_id",
    section="experiment_assignments",
    reason="Which variant of each experiment the player was given.",
)
declare(
    DailyRollup,
    erasure=Erasure.RETAIN,
    export=False,
    reason="Totals per day and event for everyone: name no player.",
)
declare(
    Experiment,
    erasure=Erasure.RETAIN,
    export=False,
    reason="Experiment definitions: hold no personal data.",
)
declare(
    ExperimentChange,
    erasure=Erasure.RETAIN,
    export=False,
    reason="The operators' trail of experiment changes: names operators, no player.",
)
