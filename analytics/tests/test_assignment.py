"""Assignment by MD5: the documented formula, the golden vectors of docs/experiments.md, the ranges."""

import hashlib
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.assignment import BUCKETS, bucket, pick, ranges

DOC = Path(__file__).resolve().parents[2] / "docs" / "experiments.md"


def _vectors() -> list[tuple[str, int, str, int, list[dict], str]]:
    rows = []
    for line in DOC.read_text().splitlines():
        m = re.match(r"\| `(\w+)` \| (\d+) \| `([0-9a-f]{8})` \| (\d+) \| ([^|]+) \| `(\w+)` \|", line)
        if m:
            variants = [
                {"name": part.strip().rsplit(" ", 1)[0], "weight": int(part.strip().rsplit(" ", 1)[1])}
                for part in m.group(5).split(",")
            ]
            rows.append((m.group(1), int(m.group(2)), m.group(3), int(m.group(4)), variants, m.group(6)))
    return rows


def test_the_documented_vectors_hold() -> None:
    vectors = _vectors()
    assert len(vectors) >= 25
    for flag, player_id, hex8, expected_bucket, variants, expected in vectors:
        assert (
            hashlib.md5(f"{flag}:{player_id}".encode(), usedforsecurity=False).hexdigest()[:8] == hex8
        )  # the formula, independently
        assert int(hex8, 16) % 10000 == expected_bucket
        assert bucket(flag, player_id) == expected_bucket
        assert pick(variants, flag, player_id) == (expected, expected_bucket)


def test_ranges_are_consecutive_by_weight_in_declaration_order() -> None:
    assert ranges([{"name": "a", "weight": 50}, {"name": "b", "weight": 50}]) == [("a", 0, 4999), ("b", 5000, 9999)]
    assert ranges([{"name": "s", "weight": 34}, {"name": "d", "weight": 33}, {"name": "p", "weight": 33}]) == [
        ("s", 0, 3399),
        ("d", 3400, 6699),
        ("p", 6700, 9999),
    ]
    assert ranges([{"name": "a", "weight": 0}, {"name": "b", "weight": 1}]) == [("b", 0, 9999)]
    with pytest.raises(ValueError):
        ranges([{"name": "a", "weight": 0}])


@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=2, max_size=6).filter(lambda w: sum(w) > 0))
def test_ranges_cover_every_bucket_once(weights: list[int]) -> None:
    found = ranges([{"name": f"v{i}", "weight": w} for i, w in enumerate(weights)])
    covered = [b for _, first, last in found for b in range(first, last + 1)]
    assert covered == list(range(BUCKETS))


def test_players_split_as_the_weights_say() -> None:
    variants = [{"name": "a", "weight": 70}, {"name": "b", "weight": 30}]
    counts = Counter(pick(variants, "any_flag", pid)[0] for pid in range(1, 20001))
    assert abs(counts["a"] / 20000 - 0.7) < 0.015
    # and the flag matters: the same players fall elsewhere in another experiment
    other = Counter(
        pick(variants, "another_flag", pid)[0] == pick(variants, "any_flag", pid)[0] for pid in range(1, 2001)
    )
    assert 0.5 < other[True] / 2000 < 0.66  # 0.7^2 + 0.3^2 = 0.58 if independent
