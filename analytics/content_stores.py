"""The experiments' definitions (analytics/content/experiments.yaml), loaded by `manage.py load_content`.

Unlike the game's content, the files only create experiments that do not exist yet (as drafts): after
that the operators own them — status, variants and weights — and a deploy never resets a running test.
The `effects` of each variant stay in the file (they are code's contract, not an operator's setting).
"""

from django.db import transaction

from analytics.definitions import definitions
from analytics.models import Experiment
from analytics.services import experiments
from core import content_store


class ExperimentsStore:
    name = "experiments"

    def load(self) -> dict[str, int]:
        created = 0
        with transaction.atomic():
            for flag, spec in definitions().items():
                metric = spec.get("metric") or {}
                _, made = Experiment.objects.get_or_create(
                    flag=flag,
                    defaults={
                        "description": spec.get("description", ""),
                        "variants": [{"name": v["name"], "weight": int(v["weight"])} for v in spec["variants"]],
                        "metric_event": metric.get("event", ""),
                        "metric_kind": metric.get("kind", Experiment.Metric.RATE),
                        "metric_property": metric.get("property", ""),
                    },
                )
                created += made
        experiments.forget_cache()
        return {"experiments": len(definitions()), "created": created}

    def current(self) -> dict[str, experiments.Flag]:
        return experiments.flags()


STORE = content_store.register(ExperimentsStore())
