"""analytics.stats: known published/hand-computed results, Holm, SRM, report gating, degenerate inputs (no DB)."""

import dataclasses
import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from analytics.stats import (
    SRM_ALPHA,
    SRM_MIN_PER_VARIANT,
    Comparison,
    Report,
    VariantSample,
    holm,
    report,
    sample_ratio_mismatch,
    two_proportions,
    welch,
)

# Student's (1908) sleep data, as in R's `t.test(extra ~ group, data = sleep)` whose Welch output is published:
# t = -1.8608, df = 17.776, p-value = 0.07939, 95% CI -3.3654832 0.2054832 (group 1 - group 2).
SLEEP_1 = (0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0)
SLEEP_2 = (1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4)


def _finite(*numbers):
    return all(n is not None and math.isfinite(n) for n in numbers)


# --- two proportions ---------------------------------------------------------------------------------------------


def test_two_proportions_matches_textbook_formula():
    """200/1000 vs 250/1000: pooled z = (0.20 - 0.25) / sqrt(0.225 * 0.775 * (2/1000)) = -2.6774, p = 0.00742."""
    p1, p2, n = 0.20, 0.25, 1000
    pooled = (200 + 250) / 2000
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (2 / n))
    p_hand = math.erfc(abs(z) / math.sqrt(2))  # two-sided normal tail
    assert z == pytest.approx(-2.6774, abs=1e-4)
    assert p_hand == pytest.approx(0.00742, abs=1e-5)

    diff, low, high, p = two_proportions((200, 1000), (250, 1000))
    assert diff == pytest.approx(0.05)
    assert p == pytest.approx(p_hand, abs=1e-9)
    assert p == pytest.approx(0.007420, abs=1e-5)
    # unpooled Wald CI: 0.05 -/+ 1.959964 * sqrt(0.2*0.8/1000 + 0.25*0.75/1000)
    half = 1.959964 * math.sqrt(0.2 * 0.8 / n + 0.25 * 0.75 / n)
    assert (low, high) == pytest.approx((0.05 - half, 0.05 + half), abs=1e-6)
    assert (low, high) == pytest.approx((0.013464, 0.086536), abs=1e-6)


def test_two_proportions_is_symmetric_in_sign():
    diff, low, high, p = two_proportions((250, 1000), (200, 1000))
    assert diff == pytest.approx(-0.05)
    assert low < diff < high < 0
    assert p == pytest.approx(0.007420, abs=1e-5)


@pytest.mark.parametrize(
    ("control", "variant"),
    [((0, 0), (0, 0)), ((0, 0), (5, 10)), ((3, 10), (0, 0)), ((0, 50), (0, 70)), ((50, 50), (70, 70))],
)
def test_two_proportions_degenerate_inputs_give_p_one_and_no_nan(control, variant):
    diff, low, high, p = two_proportions(control, variant)
    assert _finite(diff, low, high, p)
    assert p == 1.0
    assert low == high == diff


def test_two_proportions_zero_against_all_is_finite():
    diff, low, high, p = two_proportions((0, 20), (20, 20))
    assert _finite(diff, low, high, p)
    assert diff == 1.0
    assert p < 1e-6


# --- Welch -------------------------------------------------------------------------------------------------------


def test_welch_matches_published_r_output_and_hand_computation():
    m1, m2 = statistics.fmean(SLEEP_1), statistics.fmean(SLEEP_2)
    v1, v2 = statistics.variance(SLEEP_1) / 10, statistics.variance(SLEEP_2) / 10
    t = (m1 - m2) / math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1**2 / 9 + v2**2 / 9)  # Welch-Satterthwaite
    p_hand = 2 * scipy_stats.t.sf(abs(t), df)
    assert (m1, m2) == pytest.approx((0.75, 2.33))
    assert t == pytest.approx(-1.8608, abs=1e-4)
    assert df == pytest.approx(17.776, abs=1e-3)
    assert p_hand == pytest.approx(0.07939, abs=1e-5)

    diff, low, high, p = welch(SLEEP_2, SLEEP_1)  # variant - control = group 1 - group 2, as in R
    assert diff == pytest.approx(-1.58)
    assert p == pytest.approx(0.07939, abs=1e-5)
    assert p == pytest.approx(p_hand, abs=1e-9)
    half = scipy_stats.t.ppf(0.975, df) * math.sqrt(v1 + v2)
    assert (low, high) == pytest.approx((-1.58 - half, -1.58 + half), abs=1e-9)
    assert (low, high) == pytest.approx((-3.3654832, 0.2054832), abs=1e-6)


def test_welch_ci_level_follows_alpha():
    _, low95, high95, _ = welch(SLEEP_1, SLEEP_2)
    _, low99, high99, _ = welch(SLEEP_1, SLEEP_2, alpha=0.01)
    assert low99 < low95 < high95 < high99


@pytest.mark.parametrize(
    ("control", "variant", "expected_p"),
    [
        ((), (), 1.0),
        ((1.0,), (2.0, 3.0), 1.0),  # one value: its variance is unknown, so no evidence
        ((2.0, 3.0), (5.0,), 1.0),
        ((0.1, 0.1, 0.1), (0.1, 0.1), 1.0),  # both constant, equal
        ((0.0, 0.0, 0.0), (1.0, 1.0), 0.0),  # both constant, different: the difference is certain
    ],
)
def test_welch_degenerate_inputs_never_nan(control, variant, expected_p):
    diff, low, high, p = welch(control, variant)
    assert _finite(diff, low, high, p)
    assert p == expected_p
    assert low == high == diff


def test_welch_one_constant_group_is_a_regular_test():
    diff, low, high, p = welch([0.0] * 10, [1.0, 2.0, 3.0, 4.0])
    assert _finite(diff, low, high, p)
    assert diff == pytest.approx(2.5)
    assert 0 < p < 0.05
    assert low < diff < high


# --- Holm --------------------------------------------------------------------------------------------------------


def test_holm_hand_example():
    # sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> max(0.06, 0.04) = 0.06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_caps_at_one_and_handles_edges():
    assert holm([0.5, 0.6, 0.9]) == pytest.approx([1.0, 1.0, 1.0])
    assert holm([]) == []
    assert holm([0.2]) == [0.2]
    assert holm([0.01, 0.01]) == pytest.approx([0.02, 0.02])


@given(st.lists(st.floats(min_value=0.0, max_value=1.0), max_size=30))
def test_holm_properties(p_values):
    adjusted = holm(p_values)
    assert len(adjusted) == len(p_values)
    assert all(p <= a <= 1.0 for p, a in zip(p_values, adjusted, strict=True))
    ranked = sorted(zip(p_values, adjusted, strict=True))
    assert all(a1 <= a2 for (_, a1), (_, a2) in zip(ranked, ranked[1:], strict=False))


# --- sample ratio mismatch ---------------------------------------------------------------------------------------


def test_srm_flags_skewed_split():
    srm = sample_ratio_mismatch([5000, 4600], [50, 50])
    # expected 4800 each: chi2 = 2 * 200^2 / 4800 = 16.667; 1 df tail = erfc(sqrt(chi2 / 2)) = 4.46e-5
    assert srm.chi2 == pytest.approx(16.6667, abs=1e-4)
    assert srm.p_value == pytest.approx(math.erfc(math.sqrt(16.6667 / 2)), rel=1e-4)
    assert srm.p_value == pytest.approx(4.456e-5, abs=1e-8)
    assert srm.checked and srm.flagged


def test_srm_passes_fair_split():
    srm = sample_ratio_mismatch([5010, 4990], [1, 1])
    assert srm.chi2 == pytest.approx(0.04)
    assert srm.p_value == pytest.approx(math.erfc(math.sqrt(0.02)), abs=1e-9)  # 0.8415
    assert srm.checked and not srm.flagged


def test_srm_uses_declared_weights():
    assert not sample_ratio_mismatch([7000, 3000], [70, 30]).flagged
    assert sample_ratio_mismatch([7000, 3000], [7, 3]).chi2 == pytest.approx(0.0)
    assert sample_ratio_mismatch([5000, 5000], [70, 30]).flagged  # a 50/50 split when 70/30 was declared
    skewed = sample_ratio_mismatch([7000, 3300], [70, 30])  # expected 7210 / 3090
    assert skewed.chi2 == pytest.approx(210**2 / 7210 + 210**2 / 3090)
    assert skewed.flagged


def test_srm_three_variants():
    srm = sample_ratio_mismatch([1000, 1010, 990], [1, 1, 1])
    assert srm.checked and not srm.flagged
    assert srm.chi2 == pytest.approx((0 + 100 + 100) / 1000)


def test_srm_not_checked_below_minimum():
    srm = sample_ratio_mismatch([SRM_MIN_PER_VARIANT - 1, 500], [1, 1])
    assert srm == sample_ratio_mismatch([0, 0], [1, 1])
    assert srm.chi2 is None and srm.p_value is None
    assert not srm.checked and not srm.flagged
    assert sample_ratio_mismatch([SRM_MIN_PER_VARIANT, 500], [1, 1]).checked


def test_srm_constants():
    assert SRM_ALPHA == 0.001
    assert SRM_MIN_PER_VARIANT == 8


@pytest.mark.parametrize(
    ("counts", "weights"), [([10], [1]), ([10, 10], [1]), ([10, 10], [0, 0]), ([-1, 10], [1, 1]), ([10, 10], [-1, 2])]
)
def test_srm_rejects_bad_input(counts, weights):
    with pytest.raises(ValueError):
        sample_ratio_mismatch(counts, weights)


def test_a_variant_weighted_zero_is_left_out_and_flagged_if_it_has_players():
    """Weight 0 switches a variant off (docs/experiments.md): nobody should be in it."""
    assert sample_ratio_mismatch([500, 500, 0], [50, 50, 0]).checked is True
    assert sample_ratio_mismatch([500, 500, 0], [50, 50, 0]).flagged is False
    assert sample_ratio_mismatch([500, 0], [100, 0]).checked is False  # one variant left: nothing to compare
    assert sample_ratio_mismatch([500, 490, 12], [50, 50, 0]).flagged is True
    off = VariantSample("off", weight=0, exposed=0)
    r = report([VariantSample("a", 50, 200, 20), VariantSample("b", 50, 200, 30), off], "rate")
    assert r.enough_data and [c.variant for c in r.comparisons] == ["b"]


# --- report ------------------------------------------------------------------------------------------------------


def _rate(name, exposed, conversions, weight=1):
    return VariantSample(name=name, weight=weight, exposed=exposed, conversions=conversions)


def _mean(name, values, weight=1):
    return VariantSample(name=name, weight=weight, exposed=len(values), values=tuple(values))


def test_report_not_enough_data():
    result = report([_rate("control", 40, 4), _rate("treatment", 12, 3)], "rate")
    assert isinstance(result, Report)
    assert not result.enough_data
    assert result.comparisons == ()
    assert result.message == "Not enough data yet: 12 of 100 players needed in each variant (smallest: treatment)."
    assert result.srm.checked and result.srm.p_value is not None  # SRM is computed regardless of min_sample


def test_report_rate_above_min_sample():
    result = report([_rate("control", 1000, 200), _rate("treatment", 1000, 250)], "rate")
    assert result.enough_data and result.message == ""
    assert result.kind == "rate"
    (comparison,) = result.comparisons
    assert isinstance(comparison, Comparison)
    assert (comparison.variant, comparison.control) == ("treatment", "control")
    assert (comparison.control_value, comparison.value) == pytest.approx((0.20, 0.25))
    assert comparison.difference == pytest.approx(0.05)
    assert comparison.p_value == pytest.approx(0.007420, abs=1e-5)
    assert comparison.p_adjusted == comparison.p_value  # a single comparison: Holm changes nothing
    assert comparison.significant
    assert comparison.test == "two-proportion z-test"
    assert (comparison.ci_low, comparison.ci_high) == pytest.approx((0.013464, 0.086536), abs=1e-6)
    assert not result.srm.flagged
    with pytest.raises(dataclasses.FrozenInstanceError):
        comparison.p_value = 0.5  # type: ignore[misc]


def test_report_mean_uses_welch():
    control = _mean("control", SLEEP_2)
    result = report([control, _mean("sleepy", SLEEP_1)], "mean", min_sample=10)
    (comparison,) = result.comparisons
    assert comparison.test == "Welch's t-test"
    assert (comparison.control_value, comparison.value) == pytest.approx((2.33, 0.75))
    assert comparison.p_value == pytest.approx(0.07939, abs=1e-5)
    assert not comparison.significant
    assert report([control, _mean("sleepy", SLEEP_1)], "mean", min_sample=11).message.startswith("Not enough")


def test_report_applies_holm_across_three_variants():
    samples = [_rate("control", 1000, 200), _rate("a", 1000, 250), _rate("b", 1000, 230), _rate("c", 1000, 201)]
    result = report(samples, "rate")
    raw = [c.p_value for c in result.comparisons]
    assert [c.variant for c in result.comparisons] == ["a", "b", "c"]
    assert [c.p_adjusted for c in result.comparisons] == pytest.approx(holm(raw))
    assert all(c.p_adjusted >= c.p_value for c in result.comparisons)
    assert result.comparisons[0].p_adjusted == pytest.approx(3 * result.comparisons[0].p_value)
    assert all(c.significant == (c.p_adjusted < 0.05) for c in result.comparisons)
    assert result.comparisons[0].significant and not result.comparisons[2].significant


def test_report_holm_can_remove_significance():
    # raw p = 0.0308 for "a" would be significant alone; against three comparisons it is not
    samples = [_rate("control", 1000, 200), _rate("a", 1000, 240), _rate("b", 1000, 200), _rate("c", 1000, 200)]
    a = report(samples, "rate").comparisons[0]
    assert a.p_value < 0.05 <= a.p_adjusted
    assert not a.significant


def test_report_flags_srm_with_weights():
    samples = [_rate("control", 5000, 500, weight=70), _rate("treatment", 5000, 500, weight=30)]
    assert report(samples, "rate").srm.flagged
    fair = [_rate("control", 7000, 700, weight=70), _rate("treatment", 3000, 300, weight=30)]
    assert not report(fair, "rate").srm.flagged


def test_report_degenerate_data_gives_no_nan():
    zero_rates = report([_rate("control", 200, 0), _rate("treatment", 200, 0)], "rate")
    constant = report([_mean("control", [0.0] * 150), _mean("treatment", [0.0] * 150)], "mean")
    empty = report([_rate("control", 0, 0), _rate("treatment", 0, 0)], "rate", min_sample=0)
    for result in (zero_rates, constant, empty):
        for c in result.comparisons:
            assert _finite(c.control_value, c.value, c.difference, c.ci_low, c.ci_high, c.p_value, c.p_adjusted)
            assert c.p_value == 1.0 and not c.significant
        assert result.srm.chi2 is None or math.isfinite(result.srm.chi2)


@pytest.mark.parametrize(
    ("samples", "kind"),
    [
        ([_rate("control", 100, 1)], "rate"),
        ([], "rate"),
        ([_rate("control", 100, 1), _rate("t", 100, 1)], "median"),
        ([_rate("control", 100, 1), _rate("t", 100, 101)], "rate"),  # more conversions than players
        ([_mean("control", [1.0] * 3), VariantSample("t", 1, exposed=5, values=(1.0,))], "mean"),
    ],
)
def test_report_rejects_bad_input(samples, kind):
    with pytest.raises(ValueError):
        report(samples, kind)


def test_report_rejects_bad_alpha():
    with pytest.raises(ValueError):
        report([_rate("control", 100, 1), _rate("t", 100, 1)], "rate", alpha=1.5)
