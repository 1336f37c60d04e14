"""Randomness keyed by (seed, game moment, purpose), never by call order, so any split of time replays identically."""

from __future__ import annotations

import random
from hashlib import blake2b

_SCALE = 1.0 / 18446744073709551616.0  # 2**64


def key(seed: int, t: int, purpose: str) -> int:
    """A stable 64-bit integer for this moment and purpose (hashlib, not hash(), which is salted per process)."""
    digest = blake2b(f"{seed}:{t}:{purpose}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def roll(seed: int, t: int, purpose: str) -> float:
    """A uniform float in [0, 1): the cheap path for one yes/no decision."""
    return key(seed, t, purpose) * _SCALE


def rng(seed: int, t: int, purpose: str) -> random.Random:
    """A generator for several draws of one decision; its draws are ordered by code, not by global call order."""
    return random.Random(key(seed, t, purpose))
