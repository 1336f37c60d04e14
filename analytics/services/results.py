"""An experiment's results: per variant, the players exposed and the metric (the share of them who did
the experiment's event after their assignment, or the mean per player of a property of that event or of
its count), compared with the control (analytics/stats.py: z-test or Welch, Holm, sample-ratio check).

Read from the raw events, so a result covers what is still within ANALYTICS_RETENTION_DAYS.
"""

from collections import defaultdict
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from analytics import stats
from analytics.models import Assignment, Event, Experiment


def samples(experiment: Experiment, *, event: str = "", prop: str = "", kind: str = "") -> list[stats.VariantSample]:
    """The data of each declared variant (in declaration order)."""
    event = event or experiment.metric_event
    kind = kind or experiment.metric_kind
    prop = prop if event != experiment.metric_event or prop else experiment.metric_property
    assigned = Assignment.objects.filter(experiment=experiment)
    exposed = dict(assigned.values_list("variant").annotate(n=Count("id")))
    conversions: dict[str, int] = {}
    values: dict[str, list[float]] = defaultdict(list)
    if kind == Experiment.Metric.RATE:
        did = Event.objects.filter(player_id=OuterRef("player_id"), name=event, at__gte=OuterRef("assigned_at"))
        conversions = dict(
            assigned.annotate(did=Exists(did)).values_list("variant").annotate(n=Count("id", filter=Q(did=True)))
        )
    else:
        per_player: dict[int, float] = defaultdict(float)
        since = dict(assigned.values_list("player_id", "assigned_at"))
        variant_of = dict(assigned.values_list("player_id", "variant"))
        rows = Event.objects.filter(name=event, player_id__in=list(since)).values_list("player_id", "at", "properties")
        for player_id, at, properties in rows.iterator(chunk_size=5000):
            if at >= since[player_id]:
                per_player[player_id] += _number(properties, prop)
        for player_id, name in variant_of.items():
            values[name].append(per_player.get(player_id, 0.0))
    return [
        stats.VariantSample(
            name=v["name"],
            weight=int(v["weight"]),
            exposed=exposed.get(v["name"], 0),
            conversions=conversions.get(v["name"], 0),
            values=tuple(values.get(v["name"], ())),
        )
        for v in experiment.variants
    ]


def _number(properties: Any, prop: str) -> float:
    if not prop:
        return 1.0  # the event's count
    value = properties.get(prop) if isinstance(properties, dict) else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def report(
    experiment: Experiment,
    *,
    event: str = "",
    prop: str = "",
    kind: str = "",
    found: list[stats.VariantSample] | None = None,
) -> stats.Report:
    """The statistics of `found` (the samples, when the caller has them already) or of a fresh read."""
    kind = kind or experiment.metric_kind
    if found is None:
        found = samples(experiment, event=event, prop=prop, kind=kind)
    return stats.report(found, kind, min_sample=max(1, experiment.min_sample))


def as_rows(experiment: Experiment, result: stats.Report, found: list[stats.VariantSample]) -> list[dict[str, Any]]:
    """One row per variant for the admin and the command: exposed, metric, difference, CI, p-values."""
    by_variant = {c.variant: c for c in result.comparisons}
    rows = []
    for sample in found:
        value = (
            (sample.conversions / sample.exposed if sample.exposed else 0.0)
            if result.kind == "rate"
            else (sum(sample.values) / len(sample.values) if sample.values else 0.0)
        )
        c = by_variant.get(sample.name)
        rows.append(
            {
                "variant": sample.name,
                "weight": sample.weight,
                "exposed": sample.exposed,
                "conversions": sample.conversions if result.kind == "rate" else None,
                "value": value,
                "difference": c.difference if c else None,
                "ci": (c.ci_low, c.ci_high) if c else None,
                "p_value": c.p_value if c else None,
                "p_adjusted": c.p_adjusted if c else None,
                "significant": c.significant if c else None,
            }
        )
    return rows
