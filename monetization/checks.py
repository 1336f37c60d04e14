"""System checks: `manage.py check --deploy` reports a store offered without its settings."""

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

from monetization.services.stores import NAMES, missing_settings


@register(Tags.compatibility, deploy=True)
def stores_configured(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    problems = []
    for store in settings.STORES:
        if store not in NAMES:
            problems.append(Warning(f"STORES names an unknown store {store!r}.", id="monetization.W002"))
        elif missing := missing_settings(store):
            problems.append(
                Warning(
                    f"{NAMES[store]} is offered (STORES) but not configured: {', '.join(missing)} empty. "
                    "Its purchases will answer `unavailable`.",
                    hint="Set them, or leave the store out of STORES.",
                    id="monetization.W001",
                )
            )
    return problems
