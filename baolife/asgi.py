"""ASGI entry point: HTTP through Django, `/ws/play/` through the live consumer, lifespan jobs."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baolife.settings.local")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from baolife.routing import websocket_urlpatterns  # noqa: E402
from core.bodylimit import ApiBodyLimit  # noqa: E402
from core.origin import OriginCheck  # noqa: E402
from core.scheduler import lifespan  # noqa: E402
from monetization.services.stores import warn_unconfigured  # noqa: E402

warn_unconfigured()  # once per server process, at start-up: which offered stores cannot sell

application = ProtocolTypeRouter(
    {
        "http": ApiBodyLimit(django_asgi_app),
        "websocket": OriginCheck(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
        "lifespan": lifespan,
    }
)
