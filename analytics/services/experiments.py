"""Experiments: a player's variant of a flag, the operators' changes, and where each variant's effect is
read.

`variant(player_id, flag)` is what the game calls. While the experiment runs, the first call for a player
persists their assignment (MD5 bucketing, analytics/assignment.py) and records an `experiment_exposure`
event; later calls read it back. All of a player's assignments are read in one query, once per request
(core/requestscope.py). While the experiment does not run, everyone gets the control (the first variant)
and nothing is persisted.

The experiments themselves are cached per process for EXPERIMENTS_CACHE_SECONDS (a start or stop in the
admin reaches every process within that; at once in the process that made it).
"""

import re
import time
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from analytics import assignment, catalogue
from analytics.definitions import definitions, effects
from analytics.models import Assignment, Experiment, ExperimentChange
from analytics.services.events import record
from core.errors import GameError
from core.requestscope import memo

EXPERIMENTS_CACHE_SECONDS = 2.0
_NAME = re.compile(r"[A-Za-z0-9_]{1,48}")  # the assignments' column holds 48


@dataclass(frozen=True)
class Flag:
    pk: int
    flag: str
    variants: tuple[dict[str, Any], ...]
    running: bool
    effects: dict[str, dict[str, Any]]
    client: bool = False  # the client acts on it: sent in the `auth` reply

    @property
    def control(self) -> str:
        return str(self.variants[0]["name"])


_cache: tuple[float, dict[str, Flag]] | None = None


def flags() -> dict[str, Flag]:
    """Every experiment by flag (cached for a couple of seconds in this process)."""
    global _cache
    now = time.monotonic()
    if _cache is not None and now - _cache[0] < EXPERIMENTS_CACHE_SECONDS:
        return _cache[1]
    found = {
        e.flag: Flag(
            pk=e.pk,
            flag=e.flag,
            variants=tuple(e.variants),
            running=e.status == Experiment.Status.RUNNING,
            effects=effects().get(e.flag, {}),
            client=bool(definitions().get(e.flag, {}).get("client")),
        )
        for e in Experiment.objects.all()
    }
    _cache = (now, found)
    return found


def forget_cache() -> None:
    global _cache
    _cache = None


def _assigned(player_id: int) -> dict[str, str]:
    """The player's persisted variants by flag: one query per request."""
    scope = memo()
    key = ("experiments", player_id)
    if scope is not None and key in scope:
        return scope[key]
    by_pk = {f.pk: name for name, f in flags().items()}
    found = {
        by_pk[experiment_id]: name
        for experiment_id, name in Assignment.objects.filter(player_id=player_id).values_list(
            "experiment_id", "variant"
        )
        if experiment_id in by_pk
    }
    if scope is not None:
        scope[key] = found
    return found


def variant(player_id: int, flag: str) -> str:
    """The player's variant of `flag`: persisted (and the exposure recorded) at the first read while it
    runs; the control when it does not run or does not exist."""
    spec = flags().get(flag)
    if spec is None:
        return ""
    if not spec.running:
        return spec.control
    assigned = _assigned(player_id)
    name = assigned.get(flag)
    if name is not None:
        return name
    name, bucket = assignment.pick(spec.variants, flag, player_id)
    try:
        with transaction.atomic():
            Assignment.objects.create(experiment_id=spec.pk, player_id=player_id, variant=name)
    except IntegrityError:  # another request of this player got there first: theirs is the same answer
        name = Assignment.objects.get(experiment_id=spec.pk, player_id=player_id).variant
    else:
        record("experiment_exposure", player_id=player_id, flag=flag, variant=name, bucket=bucket)
    assigned[flag] = name
    return name


def scaled(amount: int, factor: float) -> int:
    """`amount` x `factor`, rounded half up (x1.25 of 10 is 13, not Python's banker's 12)."""
    return amount if factor == 1.0 else int(amount * factor + 0.5)


def effect(player_id: int, flag: str, key: str, default: Any) -> Any:
    """A number the player's variant sets (experiments.yaml `effects`), or `default`."""
    spec = flags().get(flag)
    if spec is None:
        return default
    return spec.effects.get(variant(player_id, flag), {}).get(key, default)


def client_flags(player_id: int) -> dict[str, str]:
    """The flags the client acts on (tutorial_flow, notification_frequency, conversation_ui) and the
    player's variant of each, for the `auth` reply: signing in is their exposure. The server's own flags
    are exposed where the server uses them (a price, a reward, the matches)."""
    return {name: variant(player_id, name) for name, spec in sorted(flags().items()) if spec.client}


# --- operators ---------------------------------------------------------------------------------------------
def _validate_variants(variants: Any) -> list[dict[str, Any]]:
    if not isinstance(variants, list) or len(variants) < 2:
        raise GameError("bad_request", "An experiment needs at least two variants.", fields=["variants"])
    names = set()
    clean = []
    for v in variants:
        if not isinstance(v, dict) or not isinstance(v.get("name"), str) or not _NAME.fullmatch(v["name"]):
            raise GameError(
                "bad_request", "Each variant needs a name of 1..48 letters, digits or _ .", fields=["variants"]
            )
        weight = v.get("weight")
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 0:
            raise GameError("bad_request", "Each weight is a whole number >= 0.", fields=["variants"])
        if v["name"] in names:
            raise GameError("bad_request", f"Variant {v['name']!r} is named twice.", fields=["variants"])
        names.add(v["name"])
        clean.append({"name": v["name"], "weight": weight})
    if sum(v["weight"] for v in clean) <= 0:
        raise GameError("bad_request", "At least one variant needs a positive weight.", fields=["variants"])
    return clean


def _changed(experiment: Experiment, action: str, by: str, before: dict, after: dict) -> None:
    ExperimentChange.objects.create(experiment=experiment, action=action, by=by, before=before, after=after)
    forget_cache()  # this process at once (and again once committed, in case it re-read in between)
    transaction.on_commit(forget_cache)


def set_variants(*, flag: str, variants: Any, by: str = "") -> Experiment:
    """Change the variants or weights: refused while the experiment runs (its players would silently move
    between variants and its results mix two designs). Stop it first; the change is in its trail."""
    clean = _validate_variants(variants)
    with transaction.atomic():
        experiment = Experiment.objects.select_for_update().get(flag=flag)
        if experiment.status == Experiment.Status.RUNNING and clean != experiment.variants:
            raise GameError("conflict", "The experiment is running: stop it before changing its variants.")
        names = [v["name"] for v in clean]
        if names != [v["name"] for v in experiment.variants] and experiment.assignments.exists():
            raise GameError(  # players are in these variants: their results would lose their names
                "conflict", "Players are assigned to these variants: only their weights may change now."
            )
        if clean != experiment.variants:
            before = {"variants": experiment.variants}
            experiment.variants = clean
            experiment.save(update_fields=["variants"])
            _changed(experiment, "variants", by, before, {"variants": clean})
    return experiment


def _validate_metric(details: dict[str, Any]) -> None:
    event = details.get("metric_event")
    known = catalogue.catalogue()
    if event and event not in known:
        raise GameError(
            "bad_request", f"No event {event!r} in the catalogue (docs/analytics.md).", fields=["metric_event"]
        )
    prop = details.get("metric_property")
    if prop and event and prop not in (known[event].get("properties") or {}):
        raise GameError("bad_request", f"The event {event!r} has no property {prop!r}.", fields=["metric_property"])
    if "metric_kind" in details and details["metric_kind"] not in Experiment.Metric.values:
        raise GameError("bad_request", "The metric is a rate or a mean.", fields=["metric_kind"])
    if "min_sample" in details and not 1 <= int(details["min_sample"]) <= 10_000_000:
        raise GameError("bad_request", "The minimum sample is at least 1 player.", fields=["min_sample"])


def set_details(*, flag: str, by: str = "", **details: Any) -> Experiment:
    """Change the description, the metric (event, kind, property) or the minimum sample: in the trail too,
    as a result read with another metric is another result."""
    allowed = {"description", "metric_event", "metric_kind", "metric_property", "min_sample"}
    _validate_metric(details)
    with transaction.atomic():
        experiment = Experiment.objects.select_for_update().get(flag=flag)
        before = {k: getattr(experiment, k) for k in details if k in allowed}
        after = {k: v for k, v in details.items() if k in allowed and before.get(k) != v}
        if after:
            for key, value in after.items():
                setattr(experiment, key, value)
            experiment.save(update_fields=list(after))
            _changed(experiment, "metric", by, {k: before[k] for k in after}, after)
    return experiment


def start(*, flag: str, by: str = "") -> Experiment:
    with transaction.atomic():
        experiment = Experiment.objects.select_for_update().get(flag=flag)
        if experiment.status != Experiment.Status.RUNNING:
            _validate_variants(experiment.variants)
            before = {"status": experiment.status}
            experiment.status = Experiment.Status.RUNNING
            experiment.started_at = experiment.started_at or timezone.now()
            experiment.stopped_at = None
            experiment.save(update_fields=["status", "started_at", "stopped_at"])
            _changed(experiment, "start", by, before, {"status": experiment.status})
    return experiment


def stop(*, flag: str, by: str = "") -> Experiment:
    """Everyone gets the control again; the assignments stay for the results."""
    with transaction.atomic():
        experiment = Experiment.objects.select_for_update().get(flag=flag)
        if experiment.status == Experiment.Status.RUNNING:
            experiment.status = Experiment.Status.STOPPED
            experiment.stopped_at = timezone.now()
            experiment.save(update_fields=["status", "stopped_at"])
            _changed(experiment, "stop", by, {"status": "running"}, {"status": experiment.status})
    return experiment
