"""What other apps do when an account is created (the welcome diamonds), without accounts knowing
them: each app registers its handler in its own `account_hooks.py` (the shape of game/hooks.py).

Handlers run synchronously inside the transaction that creates the account, so a failure rolls the
account back with them, and a retried sign-up runs them once (they must be idempotent).
"""

from collections.abc import Callable

from core.discovery import import_from_every_app

Handler = Callable[[int], None]
_HANDLERS: list[tuple[int, str, Handler]] = []


def on_account_created(*, order: int, name: str) -> Callable[[Handler], Handler]:
    """Register `fn(player_id)`; handlers run by `order`, then `name`."""

    def register(fn: Handler) -> Handler:
        if any(existing == name for _, existing, _ in _HANDLERS):
            raise RuntimeError(f"account hook {name!r} registered twice")
        _HANDLERS.append((order, name, fn))
        _HANDLERS.sort(key=lambda entry: (entry[0], entry[1]))
        return fn

    return register


def handlers() -> list[tuple[int, str, Handler]]:
    import_from_every_app("account_hooks")
    return list(_HANDLERS)


def account_created(player_id: int) -> None:
    for _, _, fn in handlers():
        fn(player_id)
