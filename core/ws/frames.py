"""Frames and the envelope of the live protocol: pure functions, no I/O (unit-tested on their own).

`parse` turns a received text frame into either an `Envelope` (a verb, its request id, its
parameters) or a `Refusal` (the error frame to send back), checking in PROTOCOL.md's order: text,
size, JSON, object, valid Unicode, `id`, `type`. `encode` is the C JSON encoder built once.
"""

import json
from dataclasses import dataclass
from typing import Any

from core.errors import error_payload
from core.jsonvalues import may_hold_surrogates, unencodable_fields

ENVELOPE = ("type", "id")
MAX_ID_LENGTH = 64

try:  # the C scanner, called directly: `json.loads` goes through two Python frames per call
    from json.scanner import c_make_scanner  # type: ignore[attr-defined]

    _scan = c_make_scanner(json.JSONDecoder())

    def loads(text: str) -> Any:
        """json.loads(text): the scanner when it takes the whole text, else json.loads itself."""
        try:
            value, end = _scan(text, 0)
        except (StopIteration, ValueError, RecursionError):
            return json.loads(text)  # leading whitespace, or invalid: json.loads' own answer
        return value if end == len(text) else json.loads(text)
except ImportError:  # pragma: no cover - CPython always has it
    loads = json.loads  # type: ignore[assignment]

try:  # the C encoder, built once: `JSONEncoder.encode` builds one per call (docs/performance.md)
    from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]

    _encode = c_make_encoder(None, json.JSONEncoder().default, encode_basestring, None, ":", ",", False, False, True)

    def encode(payload: dict) -> str:
        return "".join(_encode(payload, 0))
except ImportError:  # pragma: no cover - CPython always has it
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # type: ignore[assignment]


@dataclass(slots=True)
class Envelope:
    """A well-formed request: `verb`, the client's `rid`, and the whole frame (params = the rest)."""

    verb: str
    rid: str | None
    frame: dict[str, Any]

    @property
    def bare(self) -> bool:
        """No parameters besides the envelope."""
        return len(self.frame) == 1 + ("id" in self.frame)

    def params(self) -> dict[str, Any]:
        return {k: v for k, v in self.frame.items() if k not in ENVELOPE}


@dataclass(slots=True)
class Refusal:
    """The error frame a malformed frame gets: `{"type", "id", "ok": false, "error"}`."""

    verb: str
    rid: str | None
    error: dict[str, Any]


def error_frame(verb: str, rid: Any, error: dict[str, Any]) -> dict[str, Any]:
    return {"type": verb, "id": rid, "ok": False, "error": error}


def reply_frame(verb: str, rid: Any, data: Any) -> dict[str, Any]:
    return {"type": verb, "id": rid, "ok": True, "data": data}


def _bad(message: str, verb: str = "error", rid: str | None = None, **extra: Any) -> Refusal:
    return Refusal(verb, rid, error_payload("bad_request", message, **extra))


def parse(text: str | None, max_bytes: int) -> Envelope | Refusal:
    """Check a received frame as the protocol orders it; the first failure is the answer."""
    if text is None:
        return _bad("Send text frames, not binary.")
    if len(text) > max_bytes // 4 and len(text.encode()) > max_bytes:
        return _bad(f"Frame larger than {max_bytes // 1024} KiB.", fields=["frame"])
    try:
        frame = loads(text)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser goes
        return _bad("Frame is not valid JSON.")
    if not isinstance(frame, dict):
        return _bad("Frame is not a JSON object.")
    if may_hold_surrogates(text):
        bad = unencodable_fields(frame)
        if bad:  # a lone surrogate cannot be sent back: nothing unencodable is echoed
            safe = not {"type", "id", "keys"} & set(bad)
            verb = frame["type"] if safe and isinstance(frame.get("type"), str) else "error"
            rid = frame.get("id") if safe else None
            return _bad("Strings must be valid Unicode (no lone surrogates).", verb, rid, fields=bad)
    verb = frame.get("type")
    rid = frame.get("id")
    if rid is not None and (not isinstance(rid, str) or len(rid) > MAX_ID_LENGTH):
        return _bad(
            f"`id` must be a string of at most {MAX_ID_LENGTH} characters.",
            verb if isinstance(verb, str) else "error",
            None,
            fields=["id"],
        )
    if not isinstance(verb, str) or not verb:
        return _bad("`type` is required.", "error", rid, fields=["type"])
    return Envelope(verb, rid, frame)
