"""System checks for deployments: `manage.py check --deploy` reports what would weaken the limits."""

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def trusted_proxies(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Behind a proxy with TRUSTED_PROXIES empty, every client looks like the proxy: one client's
    failed logins lock everybody out, and the per-address limits become limits for the world."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.TRUSTED_PROXIES:
        return [
            Warning(
                "The server runs behind a proxy (SECURE_PROXY_SSL_HEADER) but TRUSTED_PROXIES is empty: "
                "every client will have the proxy's address, and per-address limits will apply to all at once.",
                hint="Set TRUSTED_PROXIES to your proxies' addresses or CIDR ranges (docs/deploy.md).",
                id="core.W001",
            )
        ]
    return []
