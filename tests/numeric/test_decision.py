"""The decision: 1/N extrapolation, Holm's procedure, calibration and power.

The false-alarm and power checks use synthetic estimates with known Gaussian
noise, so they are exact binomial experiments: cheap and not seed-fragile.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpsym.errors import InputError, NumericError
from tpsym.numeric.decision import MomentEstimate, decide, decide_family, extrapolate, holm


def test_extrapolate_recovers_a_line_exactly():
    sizes = [128, 256, 512]
    e = extrapolate(sizes, [3 + 7 / n for n in sizes], [0.1, 0.05, 0.02])
    assert e.value == pytest.approx(3.0)
    assert e.slope == pytest.approx(7.0)
    assert e.dof == 1 and e.scale == 1.0


def test_extrapolate_scales_the_error_when_the_model_misses():
    sizes = [100, 200, 400]
    good = extrapolate(sizes, [1.0, 1.0, 1.0], [0.01] * 3)
    bad = extrapolate(sizes, [1.0, 1.1, 1.0], [0.01] * 3)
    assert bad.scale > 1 and bad.stderr > good.stderr


def test_extrapolate_single_size_is_no_extrapolation():
    e = extrapolate([64], [2.0], [0.1])
    assert (e.value, e.stderr, e.dof) == (2.0, 0.1, -1)


def test_extrapolate_bad_input():
    with pytest.raises(InputError, match="distinct"):
        extrapolate([64, 64], [1, 1], [1, 1])
    with pytest.raises(InputError, match="positive"):
        extrapolate([64, 128], [1, 1], [0, 1])


def _holm_naive(p, alpha):
    """Holm by its definition: reject H_(i) iff p_(j) ≤ alpha/(m-j) for all j ≤ i."""
    m = len(p)
    order = sorted(range(m), key=lambda i: (p[i], i))
    rejected = [False] * m
    for rank, idx in enumerate(order):
        if all(p[order[j]] <= alpha / (m - j) for j in range(rank + 1)):
            rejected[idx] = True
    return rejected


@given(st.lists(st.floats(0, 1), min_size=1, max_size=12), st.sampled_from([0.01, 0.05, 0.2]))
@settings(max_examples=200, deadline=None)
def test_holm_matches_its_definition(p, alpha):
    rejected, thresholds = holm(p, alpha)
    assert rejected.tolist() == _holm_naive(p, alpha)
    # reported thresholds agree with the verdicts; the rejected ones are Holm's alpha/(m - i)
    assert all((pi <= t) == r for pi, t, r in zip(p, thresholds.tolist(), rejected.tolist()))
    steps = sorted(t for t, r in zip(thresholds.tolist(), rejected.tolist()) if r)
    assert steps == sorted(alpha / (len(p) - i) for i in range(len(steps)))


def _synthetic(rng, truth, se, df, shift=None):
    est = []
    for k, (mu, s) in enumerate(zip(truth, se), 1):
        # estimate and a standard error estimated from df+1 trials, as in a real run
        x = rng.standard_normal(df + 1) * s * np.sqrt(df + 1)
        mean = mu + x.mean() + (shift.get(k, 0.0) if shift else 0.0)
        est.append(MomentEstimate(k, float(mean), float(x.std(ddof=1) / np.sqrt(df + 1)), df))
    return est


def test_family_wise_false_alarm_rate_is_kept():
    """Under the null, P(any rejection) ≤ alpha: 1500 runs of 8 tests (2 claims × 4 moments)."""
    rng = np.random.default_rng(0)
    alpha, runs, truth, se = 0.05, 1500, [1.0, 2.0, 5.0, 14.0], [0.01, 0.03, 0.1, 0.4]
    alarms = 0
    for _ in range(runs):
        est = _synthetic(rng, truth, se, df=19)
        d = decide_family([("a", est, truth), ("b", est, truth)], alpha=alpha)
        alarms += d.verdict == "contradicted"
    # binomial: mean ≤ alpha·runs = 75, sd ≤ 8.5; 5.5 sd above it has probability < 1e-7
    assert alarms <= alpha * runs + 5.5 * np.sqrt(alpha * runs)


def test_power_against_a_shift_of_ten_standard_errors():
    rng = np.random.default_rng(1)
    truth, se = [1.0, 2.0, 5.0, 14.0], [0.01, 0.03, 0.1, 0.4]
    misses = 0
    for _ in range(300):
        est = _synthetic(rng, truth, se, df=19, shift={4: 10 * 0.4})
        d = decide(est, truth, alpha=0.01)
        misses += [t.k for t in d.failures] != [4]
    assert misses <= 2


def test_decision_reports_every_failure_and_thresholds():
    est = [MomentEstimate(k, v, 0.01, 19) for k, v in zip(range(1, 4), [1.0, 2.5, 6.0])]
    d = decide(est, [1.0, 2.0, 5.0])
    assert d.verdict == "contradicted"
    assert [t.k for t in d.failures] == [2, 3]
    assert all(0 < t.threshold <= d.alpha and t.z_threshold > 2 for t in d.tests)
    row = d.tests[0].to_dict()
    assert {"k", "estimate", "stderr", "expected", "z", "ok"} <= set(row)


def test_decide_mapping_and_errors():
    est = [MomentEstimate(1, 1.0, 0.1, 5), MomentEstimate(2, 2.0, 0.1, 5)]
    assert [t.k for t in decide(est, {2: 2.0}).tests] == [2]
    with pytest.raises(InputError, match="2 expected values for 1"):
        decide(est[:1], [1.0, 2.0])
    with pytest.raises(InputError, match="nothing to test"):
        decide(est, {})
    with pytest.raises(InputError, match="alpha=2"):
        decide(est, [1.0, 2.0], alpha=2)


def test_zero_stderr_gives_exact_verdicts():
    est = [MomentEstimate(1, 2.0, 0.0, 3)]
    assert decide(est, [2.0]).verdict == "confirmed"
    assert decide(est, [2.5]).verdict == "contradicted"


def test_extrapolation_survives_weights_of_very_different_sizes():
    # one size at the floating-point floor, one with sampling noise: QR copes, the normal
    # equations were singular (sizes 16, 32, 64 of a rounding sampler)
    e = extrapolate([16, 32], [1 / 3, 0.34375], [4.7e-15, 0.01])  # the line through both points
    assert e.value == pytest.approx(2 * 0.34375 - 1 / 3) and e.stderr == pytest.approx(0.02)
    with pytest.raises(NumericError, match="must be finite"):
        extrapolate([16, 32], [1.0, float("nan")], [0.1, 0.1])


def test_claims_beyond_the_order_are_refused():
    est = [MomentEstimate(1, 1.0, 0.01, 19)]
    with pytest.raises(InputError, match="gives m_5, which is not estimated"):
        decide_family([("a", est, {1: 1.0, 5: 99.0})])
