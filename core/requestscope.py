"""A memo that lives for one request (a socket verb): what a request reads several times — a player's
experiment variants — is read once. Outside a request (a job, a shell) there is no memo and every read
goes to the source."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
_memo: ContextVar[dict[Any, Any] | None] = ContextVar("request_memo", default=None)


def memo() -> dict[Any, Any] | None:
    """This request's memo, or None outside a request."""
    return _memo.get()


@contextmanager
def scope() -> Iterator[dict[Any, Any]]:
    token = _memo.set({})
    try:
        yield _memo.get() or {}
    finally:
        _memo.reset(token)


def scoped(fn: F) -> F:
    """Run `fn` as one request (a fresh memo for the call)."""

    @wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        token = _memo.set({})
        try:
            return fn(*args, **kwargs)
        finally:
            _memo.reset(token)

    return run  # type: ignore[return-value]
