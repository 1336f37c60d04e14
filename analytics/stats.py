"""A/B-test statistics for the game-experiments admin page.

Pure functions (no Django): the admin view gathers exposures and outcomes per variant and hands them to `report`,
which compares every variant with the control (the first variant), corrects for multiple comparisons (Holm) and
checks the traffic split (sample ratio mismatch), so operators are not misled by noise or a broken assignment.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

SRM_ALPHA = 0.001  # strict on purpose: an SRM alarm means the assignment is broken, so false alarms must be rare
SRM_MIN_PER_VARIANT = 8  # below this the chi-square approximation is too rough to raise an alarm on
KINDS = ("rate", "mean")

Result = tuple[float, float, float, float]  # difference, ci_low, ci_high, p_value


@dataclass(frozen=True)
class Comparison:
    """One variant against the control (the first variant)."""

    variant: str
    control: str
    control_value: float
    value: float
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    p_adjusted: float
    significant: bool
    test: str


@dataclass(frozen=True)
class VariantSample:
    """What was observed for one variant: `conversions` for rate metrics, `values` (one per player) for means."""

    name: str
    weight: int
    exposed: int
    conversions: int = 0
    values: tuple[float, ...] = ()


@dataclass(frozen=True)
class Srm:
    """Sample ratio mismatch: do the exposed counts match the declared weights?"""

    chi2: float | None
    p_value: float | None
    checked: bool
    flagged: bool


@dataclass(frozen=True)
class Report:
    """Everything the admin page shows for one metric of one experiment."""

    kind: str
    enough_data: bool
    message: str
    comparisons: tuple[Comparison, ...]
    srm: Srm


def _z_crit(alpha: float) -> float:
    return float(stats.norm.ppf(1 - alpha / 2))


def two_proportions(control: tuple[int, int], variant: tuple[int, int], alpha: float = 0.05) -> Result:
    """Two-sided pooled z-test on (conversions, exposed) pairs; unpooled Wald CI of variant rate - control rate.

    Degenerate inputs (an empty group, or both rates 0 or both 1) carry no evidence: p = 1 and a zero-width CI,
    rather than a division by zero or NaN.
    """
    (x1, n1), (x2, n2) = control, variant
    p1 = x1 / n1 if n1 else 0.0
    p2 = x2 / n2 if n2 else 0.0
    diff = p2 - p1
    if not n1 or not n2:
        return diff, diff, diff, 1.0
    pooled = (x1 + x2) / (n1 + n2)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se_pooled == 0:
        return diff, diff, diff, 1.0
    p = 2 * float(stats.norm.sf(abs(diff) / se_pooled))
    half = _z_crit(alpha) * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    return diff, diff - half, diff + half, p


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values) if values else 0.0


def welch(control_values: Sequence[float], variant_values: Sequence[float], alpha: float = 0.05) -> Result:
    """Welch's t-test (unequal variances, two-sided); CI of variant mean - control mean with Welch-Satterthwaite df.

    Degenerate inputs never give NaN: with fewer than 2 values in a group its variance is unknown, so p = 1;
    with both groups constant, p = 1 if the means are equal and 0 otherwise (the difference is then certain).
    """
    a, b = list(control_values), list(variant_values)
    if len(a) < 2 or len(b) < 2:
        diff = _mean(b) - _mean(a)
        return diff, diff, diff, 1.0
    if max(a) == min(a) and max(b) == min(b):  # exact test for "variance 0", immune to float noise
        diff = b[0] - a[0]
        return diff, diff, diff, 1.0 if diff == 0 else 0.0
    res = stats.ttest_ind(np.asarray(b, dtype=float), np.asarray(a, dtype=float), equal_var=False)
    ci = res.confidence_interval(confidence_level=1 - alpha)
    diff = _mean(b) - _mean(a)
    return diff, float(ci.low), float(ci.high), float(res.pvalue)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values (input order): controls the family-wise error over all comparisons."""
    m = len(p_values)
    adjusted = [0.0] * m
    running = 0.0
    for rank, index in enumerate(sorted(range(m), key=lambda i: p_values[i])):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def sample_ratio_mismatch(counts: Sequence[int], weights: Sequence[int]) -> Srm:
    """Chi-square goodness of fit of the exposed counts against the split the weights promise.

    A flagged mismatch means assignment or logging is broken, and then no comparison can be trusted.
    """
    if len(counts) != len(weights) or len(counts) < 2:
        raise ValueError("need one count per weight and at least 2 variants")
    if any(w < 0 for w in weights) or any(c < 0 for c in counts) or not any(weights):
        raise ValueError("weights must be non-negative (one positive) and counts non-negative")
    if any(c > 0 and w == 0 for c, w in zip(counts, weights, strict=True)):
        return Srm(chi2=None, p_value=0.0, checked=True, flagged=True)  # players where no bucket leads
    kept = [(c, w) for c, w in zip(counts, weights, strict=True) if w > 0]  # a weight-0 variant has no bucket
    if len(kept) < 2:
        return Srm(chi2=None, p_value=None, checked=False, flagged=False)
    counts, weights = [c for c, _ in kept], [w for _, w in kept]
    if min(counts) < SRM_MIN_PER_VARIANT:
        return Srm(chi2=None, p_value=None, checked=False, flagged=False)
    expected = [sum(counts) * w / sum(weights) for w in weights]
    res = stats.chisquare(np.asarray(counts, dtype=float), np.asarray(expected, dtype=float))
    p = float(res.pvalue)
    return Srm(chi2=float(res.statistic), p_value=p, checked=True, flagged=p < SRM_ALPHA)


def _rate(sample: VariantSample) -> float:
    return sample.conversions / sample.exposed if sample.exposed else 0.0


def _compare(control: VariantSample, variant: VariantSample, kind: str, alpha: float) -> tuple[float, float, Result]:
    """(control value, variant value, test result) for one variant against the control."""
    if kind == "rate":
        result = two_proportions((control.conversions, control.exposed), (variant.conversions, variant.exposed), alpha)
        return _rate(control), _rate(variant), result
    return _mean(control.values), _mean(variant.values), welch(control.values, variant.values, alpha)


def _check(sample: VariantSample, kind: str) -> None:
    if not 0 <= sample.conversions <= sample.exposed:
        raise ValueError(f"variant {sample.name!r}: need 0 <= conversions <= exposed")
    if kind == "mean" and len(sample.values) != sample.exposed:
        raise ValueError(f"variant {sample.name!r}: need one value per exposed player (zeros included)")


def report(samples: Sequence[VariantSample], kind: str, *, min_sample: int = 100, alpha: float = 0.05) -> Report:
    """Compare every variant with the first (the control), Holm-corrected; SRM is checked whatever the sample size.

    Below `min_sample` players in any variant no comparison is shown: early peeks at small samples mislead.
    """
    if len(samples) < 2:
        raise ValueError("an experiment needs at least 2 variants")
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    for sample in samples:
        _check(sample, kind)
    srm = sample_ratio_mismatch([s.exposed for s in samples], [s.weight for s in samples])
    # a variant weighted 0 that nobody is in (switched off) is not waited for nor compared
    samples = [samples[0], *(s for s in samples[1:] if s.weight > 0 or s.exposed > 0)]
    if len(samples) < 2:
        return Report(kind=kind, enough_data=False, message="Only the control has players.", comparisons=(), srm=srm)
    smallest = min(samples, key=lambda s: s.exposed)
    if smallest.exposed < min_sample:
        message = (
            f"Not enough data yet: {smallest.exposed} of {min_sample} players needed in each variant "
            f"(smallest: {smallest.name})."
        )
        return Report(kind=kind, enough_data=False, message=message, comparisons=(), srm=srm)
    control, test = samples[0], ("two-proportion z-test" if kind == "rate" else "Welch's t-test")
    results = [_compare(control, variant, kind, alpha) for variant in samples[1:]]
    adjusted = holm([result[2][3] for result in results])
    comparisons = tuple(
        Comparison(variant.name, control.name, control_value, value, *result, p_adj, p_adj < alpha, test)
        for variant, (control_value, value, result), p_adj in zip(samples[1:], results, adjusted, strict=True)
    )
    return Report(kind=kind, enough_data=True, message="", comparisons=comparisons, srm=srm)
