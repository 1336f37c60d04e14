"""Checks on decoded JSON that the parser lets through.

`"\\ud800"` is valid JSON text, but the string it decodes to (a lone surrogate) cannot be
encoded as UTF-8: echoed in a reply it kills the socket, stored it breaks MySQL. Refuse it
where input arrives.
"""

from typing import Any


def _bad(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def unencodable_fields(value: Any, path: str = "") -> list[str]:
    """Dotted paths of every string (key or value) in `value` that UTF-8 cannot encode."""
    found: list[str] = []
    if isinstance(value, str):
        if _bad(value):
            found.append(path or "value")
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and _bad(key):
                found.append(path or "keys")
                continue
            found.extend(unencodable_fields(item, where))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(unencodable_fields(item, f"{path}.{index}" if path else str(index)))
    return found


def may_hold_surrogates(text: str) -> bool:
    """A cheap pre-check on the raw text: only `\\u` escapes can produce a lone surrogate."""
    return "\\u" in text
