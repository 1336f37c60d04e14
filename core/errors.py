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
    "internal": 500,
}


class GameError(Exception):
    """A refusal with a protocol error code; `extra` fields go into the error object as they are."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        if code not in CODES:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra

    def as_error(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.extra}

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.code]
