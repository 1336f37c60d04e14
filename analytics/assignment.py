"""Which variant of an experiment a player gets: the same answer on every process, machine and restart,
and on every client that wants to check it (golden vectors in docs/experiments.md).

    bucket = int(md5(f"{flag}:{player_id}".encode()).hexdigest()[:8], 16) % 10000

Variants take consecutive ranges of the 10,000 buckets by weight, in declaration order: weights 50/50
give buckets 0..4999 to the first and 5000..9999 to the second. Weights need not add up to 100: each
variant's range is its share of 10,000, the last one taking what rounding leaves.
"""

import hashlib
from collections.abc import Sequence
from typing import Any

BUCKETS = 10_000


def bucket(flag: str, player_id: int) -> int:
    return int(hashlib.md5(f"{flag}:{player_id}".encode(), usedforsecurity=False).hexdigest()[:8], 16) % BUCKETS


def ranges(variants: Sequence[dict[str, Any]]) -> list[tuple[str, int, int]]:
    """(name, first bucket, last bucket) per variant with a positive weight; exact for weights adding up
    to 100 or 10,000."""
    total = sum(int(v["weight"]) for v in variants)
    if total <= 0:
        raise ValueError("an experiment needs a variant with a positive weight")
    out: list[tuple[str, int, int]] = []
    start = 0
    running = 0
    for v in variants:
        running += int(v["weight"])
        end = BUCKETS * running // total  # the cumulative share: no rounding drift across variants
        if end > start:
            out.append((str(v["name"]), start, end - 1))
        start = end
    return out


def pick(variants: Sequence[dict[str, Any]], flag: str, player_id: int) -> tuple[str, int]:
    """(variant name, bucket) of this player in this experiment."""
    b = bucket(flag, player_id)
    for name, first, last in ranges(variants):
        if first <= b <= last:
            return name, b
    raise AssertionError("the ranges cover every bucket")  # pragma: no cover
