"""The one error family: every refusal a player can see is a GameError with a protocol code."""

from typing import Any

CODES = frozenset(
    {
        "bad_request",
        "unknown_type",
        "unauthenticated",
        "rate_limited",
        "insufficient_diamonds",
        "insufficient_energy",
        "not_found",
        "conflict",
        "invalid_receipt",
        "forbidden",
        "unavailable",
        "internal",
    }
)

HTTP_STATUS = {
    "bad_request": 400,
    "unknown_type": 400,
    "unauthenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "insufficient_diamonds": 409,
    "insufficient_energy": 409,
    "invalid_receipt": 400,
    "rate_limited": 429,
    "unavailable": 503,
    "internal": 500,
}


def error_payload(code: str, message: str, **extra: Any) -> dict[str, Any]:
    """The protocol's error object, for the socket and HTTP alike: `{"code", "message", ...extra}`."""
    return {"code": code, "message": message, **extra}


class GameError(Exception):
    """A refusal with a protocol error code; `extra` fields go into the error object as they are."""

    def __init__(self, code: str, message: str, *, http_status: int | None = None, **extra: Any) -> None:
        if code not in CODES:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra
        self._http_status = http_status  # when the HTTP status says more than the code (413, 415)

    def as_error(self) -> dict[str, Any]:
        return error_payload(self.code, self.message, **self.extra)

    @property
    def http_status(self) -> int:
        return self._http_status or HTTP_STATUS[self.code]


class ClosesSocket(GameError):
    """A refusal after which the socket is closed with `close_code` (4003 ended sign-in, 4008 a limit)."""

    def __init__(self, code: str, message: str, *, close_code: int, **extra: Any) -> None:
        super().__init__(code, message, **extra)
        self.close_code = close_code
