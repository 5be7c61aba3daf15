"""Tests of tpsym.nets.meanfield: fixed points, χ, criticality, μ_k and their errors."""

from __future__ import annotations

import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from tpsym.errors import DomainError, InputError, NumericError
from tpsym.nets import (
    Erf,
    Formula,
    HardTanh,
    LeakyReLU,
    Quantity,
    ReLU,
    Tanh,
    chi,
    fixed_point,
    get_activation,
    length_map,
    mean_field,
    mu,
    mus,
)
from tpsym.nets import _gauss

from ._oracle import gauss_expect, iterate_length_map

R = sympy.Rational


# ------------------------------------------------------------ fixed points ----
@pytest.mark.parametrize(
    ("act", "sw", "sb", "expected"),
    [
        ("linear", R(1, 2), 1, 2),  # σ_b²/(1 − σ_w²)
        ("relu", R(3, 2), R(1, 20), R(1, 5)),  # σ_b²/(1 − σ_w²/2)
        (LeakyReLU(R(1, 2)), 1, 1, R(8, 3)),  # σ_b²/(1 − σ_w²(1 + a²)/2)
        ("relu", 2, 0, 0),  # every q is fixed; q* = 0 by convention
    ],
)
def test_exact_fixed_points(act, sw, sb, expected):
    q = fixed_point(act, sigma_w2=sw, sigma_b2=sb)
    assert q == Quantity(sympy.S(expected), True, sympy.Integer(0))


@pytest.mark.parametrize(("act", "sw", "sb"), [("linear", 3, 0), ("relu", 3, 0), ("relu", 3, 1), ("linear", 3, 1)])
def test_no_stable_fixed_point_is_refused(act, sw, sb):
    # q = 0 is fixed but repelling (sigma_b2 = 0), or nothing is fixed (sigma_b2 > 0): q^l grows without bound
    with pytest.raises(DomainError, match="grows without bound"):
        fixed_point(act, sigma_w2=sw, sigma_b2=sb)


@pytest.mark.parametrize(
    ("act", "sw", "sb"),
    [("relu", R(3, 2), R(1, 20)), ("linear", R(1, 2), 1), (LeakyReLU(R(1, 2)), 1, 1)],
)
def test_exact_fixed_points_against_iteration(act, sw, sb):
    act = get_activation(act)
    q = fixed_point(act, sigma_w2=sw, sigma_b2=sb)
    it = iterate_length_map(act, sw, sb, q0=1.0)
    assert abs(float(q) - float(it)) < 1e-10


@pytest.mark.parametrize(
    ("act", "sw", "sb"),
    [
        (Tanh(), R(3, 2), R(1, 20)),
        (Tanh(), 2, 0),  # positive fixed point, 0 unstable
        (Tanh(), R(1, 2), R(1, 2)),
        (Erf(), 2, R(1, 10)),
        (HardTanh(), 2, R(1, 10)),
    ],
    ids=lambda v: getattr(v, "spec", str(v)),
)
def test_numeric_fixed_points_against_iteration(act, sw, sb):
    q = fixed_point(act, sigma_w2=sw, sigma_b2=sb, precision=20)
    assert not q.exact and 0 < q.error_bound <= mpmath.mpf("1e-20") * q.value
    it = iterate_length_map(act, sw, sb, q0=1.0)
    assert abs(q.value - it) < 1e-11  # the iteration stops at relative step 1e-14
    # the certificate: L(q*) − q* vanishes to ~precision (independent quadrature)
    with mpmath.workdps(40):
        lq = sw * gauss_expect(lambda h: act.phi_mpmath(h) ** 2, q.value, act.breakpoints) + sb
        assert abs(lq - q.value) < mpmath.mpf("1e-19")


def test_fixed_point_high_precision_is_consistent():
    low = fixed_point("tanh", sigma_w2=R(3, 2), sigma_b2=R(1, 20), precision=15)
    high = fixed_point("tanh", sigma_w2=R(3, 2), sigma_b2=R(1, 20), precision=40)
    with mpmath.workdps(60):
        assert abs(low.value - high.value) <= low.error_bound + high.error_bound
    assert high.error_bound <= mpmath.mpf("1e-40") * high.value


def test_symbolic_fixed_points():
    w, b = sympy.symbols("sigma_w2 sigma_b2", positive=True)
    a = sympy.Symbol("a", real=True)
    assert fixed_point("relu", sigma_w2=w, sigma_b2=b).value == sympy.cancel(b / (1 - w / 2))
    got = fixed_point(LeakyReLU(a), sigma_w2=w, sigma_b2=b).value
    assert sympy.cancel(got - b / (1 - w * (1 + a**2) / 2)) == 0
    with pytest.raises(InputError, match="q\\* of tanh has no closed form"):
        fixed_point("tanh", sigma_w2=w, sigma_b2=b)


@pytest.mark.parametrize(
    ("act", "sw", "sb", "match"),
    [
        ("relu", 2, R(1, 10), "no fixed point q\\*.*slope sigma_w2\\*1/2 = 1 >= 1 and offset > 0, so q\\^l grows"),
        ("relu", 5, 1, "grows without bound"),
        ("linear", 1, 1, "grows without bound"),
        (LeakyReLU(1), 1, R(1, 2), "grows without bound"),
        (Formula(sympy.Symbol("x") * 2, sympy.Symbol("x")), 1, 1, "grows without bound"),
    ],
)
def test_no_fixed_point(act, sw, sb, match):
    with pytest.raises(DomainError, match=match):
        fixed_point(act, sigma_w2=sw, sigma_b2=sb, precision=10)


def test_no_fixed_point_numeric_scan():
    x = sympy.Symbol("x")
    # φ(x) = x + tanh(x): E[φ²] > q for q > 0; σ_w² = 1, σ_b² > 0 ⇒ no fixed point
    with pytest.raises(DomainError, match="L\\(q\\) > q for every q up to .* grows without bound"):
        fixed_point(Formula(x + sympy.tanh(x), x), sigma_w2=1, sigma_b2=1, precision=10)


def test_zero_fixed_point_cases():
    # tanh, σ_b² = 0: q* = 0 for σ_w² ≤ 1 (arXiv 1606.05340, Sec. 3)
    for sw in (R(1, 2), 1):
        mf = mean_field("tanh", sigma_w2=sw, sigma_b2=0)
        assert mf.q == Quantity(sympy.Integer(0), True, sympy.Integer(0)) and mf.stable is True
    # ReLU σ_w² > 2, σ_b² = 0: only q = 0, unstable
    mf = mean_field("relu", sigma_w2=3, sigma_b2=0)
    assert mf.q.value == 0 and mf.stable is False
    # numeric activation without a positive fixed point: q = 0, unstable
    x = sympy.Symbol("x")
    mf = mean_field(Formula(x + sympy.tanh(x), x), sigma_w2=1, sigma_b2=0, precision=10)
    assert mf.q.value == 0 and mf.stable is False


def test_negative_variances_and_bad_arguments():
    with pytest.raises(DomainError, match="sigma_w2=-1 is negative"):
        fixed_point("relu", sigma_w2=-1)
    with pytest.raises(DomainError, match="sigma_b2=-1/2 is negative"):
        mean_field("tanh", sigma_b2=-0.5)
    with pytest.raises(DomainError, match="q=-1 is negative"):
        mu("relu", 1, -1)
    with pytest.raises(InputError, match="precision=0 is outside"):
        mean_field("relu", precision=0)
    with pytest.raises(InputError, match="moments=-1"):
        mean_field("relu", moments=-1)
    with pytest.raises(DomainError, match="k=-1 is negative"):
        mu("relu", -1, 1)
    with pytest.raises(InputError, match="sigma_w2='2' is a string"):
        mean_field("relu", sigma_w2="2")


# ------------------------------------------------------ χ and criticality ----
def test_relu_critical_point():
    """ReLU is critical at σ_w² = 2, σ_b² = 0: χ = σ_w²/2 = 1 (arXiv 1711.04735, Sec. 2)."""
    mf = mean_field("relu", sigma_w2=2, sigma_b2=0, moments=4)
    assert mf.chi.value == 1 and mf.chi.exact and mf.critical is True and mf.exact
    assert [m.value for m in mf.mu] == [R(1, 2)] * 4
    assert mean_field("relu", sigma_w2=R(21, 10), sigma_b2=0).critical is False


def test_tanh_critical_at_origin():
    """tanh, σ_b² = 0: the order-to-chaos line starts at σ_w² = 1 with q* = 0 and χ = 1
    (arXiv 1606.05340 Sec. 3; arXiv 1611.01232 Fig. 1)."""
    assert chi("tanh", sigma_w2=1, sigma_b2=0) == Quantity(sympy.Integer(1), True, sympy.Integer(0))
    assert mean_field("tanh", sigma_w2=1, sigma_b2=0).critical is True
    assert mean_field("tanh", sigma_w2=R(9, 10), sigma_b2=0).critical is False


def test_tanh_critical_line_crosses():
    """χ(σ_w²) − 1 changes sign along σ_b² = 0.05 (ordered → chaotic, arXiv 1611.01232 Fig. 1).
    The crossing σ_w² ≈ 1.76095 was computed here by bisection (regression value)."""
    below = chi("tanh", sigma_w2=R(176, 100), sigma_b2=R(1, 20), precision=12)
    above = chi("tanh", sigma_w2=R(1762, 1000), sigma_b2=R(1, 20), precision=12)
    assert below.value + below.error_bound < 1 < above.value - above.error_bound


def test_chi_is_sigma_w2_times_mu1():
    mf = mean_field("tanh", sigma_w2=R(3, 2), sigma_b2=R(1, 20), precision=20)
    with mpmath.workdps(40):
        assert abs(mf.chi.value - mpmath.mpf(3) / 2 * mf.mu[0].value) < 1e-25
    assert mf.critical is False and mf.stable is True and not mf.exact


def test_given_q_replaces_fixed_point():
    mf = mean_field("hard_tanh", sigma_w2=2, q=R(1, 2), moments=2)
    assert not mf.q_is_fixed_point and mf.stable is None
    assert mf.chi.value == 2 * sympy.erf(1) and mf.exact
    assert mf.to_json()["q"]["value"] == "1/2"


# ------------------------------------------------------------------ μ_k ----
@pytest.mark.parametrize("q", ["0.1", "1", "4"])
def test_tanh_mu_against_oracle(q):
    values = mus("tanh", 4, sympy.Rational(q), precision=30)
    for k, m in enumerate(values, 1):
        oracle = gauss_expect(lambda h, k=k: mpmath.sech(h) ** (4 * k), q)
        assert not m.exact
        with mpmath.workdps(50):
            assert abs(m.value - oracle) <= m.error_bound + mpmath.mpf("1e-35")
        assert m.error_bound <= mpmath.mpf("1e-30") * m.value


def test_formula_mu_against_builtin():
    x = sympy.Symbol("x")
    values = mus(Formula(sympy.Max(0, x), x), 3, 2, precision=25)
    values2 = mus(Formula(sympy.tanh(x), x), 2, 1, precision=25)
    exact = mus("tanh", 2, 1, precision=25)
    with mpmath.workdps(50):
        assert all(abs(m.value - mpmath.mpf(1) / 2) <= m.error_bound + 1e-30 for m in values)
        assert all(abs(a.value - b.value) <= a.error_bound + b.error_bound for a, b in zip(values2, exact))


def test_mu_exact_and_symbolic():
    q = sympy.Symbol("q", positive=True)
    assert mu("erf", 1, q).value == 4 / (sympy.pi * sympy.sqrt(4 * q + 1))
    assert mu("hard_tanh", 2, sympy.Rational(1, 8)).value == sympy.erf(2)
    assert mu("tanh", 3, 0) == Quantity(sympy.Integer(1), True, sympy.Integer(0))
    assert mu("relu", 0, 5).value == 1
    with pytest.raises(InputError, match="mu_1 of tanh has no closed form"):
        mu("tanh", 1, q)


def test_mu_at_numeric_q_propagates_error():
    q = fixed_point("erf", sigma_w2=2, sigma_b2=R(1, 10), precision=20)
    m = mu("erf", 1, q, precision=20)
    with mpmath.workdps(40):
        exact_at_q = (4 / mpmath.pi) / mpmath.sqrt(1 + 4 * q.value)
        assert abs(m.value - exact_at_q) < 1e-25
    assert m.error_bound > 0  # includes the effect of q's error bound


def test_length_map():
    assert length_map("relu", 4, sigma_w2=2, sigma_b2=1).value == 5
    q = fixed_point("tanh", sigma_w2=R(3, 2), sigma_b2=R(1, 20), precision=20)
    lq = length_map("tanh", q, sigma_w2=R(3, 2), sigma_b2=R(1, 20), precision=20)
    with mpmath.workdps(40):
        assert abs(lq.value - q.value) <= lq.error_bound + q.error_bound


# -------------------------------------------------- precision not reached ----
def test_quadrature_that_cannot_reach_precision():
    x = sympy.Symbol("x")
    with pytest.raises(NumericError, match="could not reach 20 significant digits"):
        length_map(Formula(sympy.floor(2 * x), x), 1, precision=20)


def test_reported_numeric_error(monkeypatch):
    def bad(self, power, maxdegree=None):
        return mpmath.mpf(1), mpmath.mpf("1e-3")

    monkeypatch.setattr(_gauss.GaussNodes, "expect", bad)
    x = sympy.Symbol("x")  # a formula without a certified route goes through GaussNodes (tanh is certified)
    with pytest.raises(NumericError, match="mu_k could not reach 30 significant digits"):
        mus(Formula(sympy.tanh(x) + x / 10, x), 2, 1)


# --------------------------------------------------- laws of the moments ----
_BOUNDED = [ReLU(), LeakyReLU(R(1, 3)), LeakyReLU(-1), HardTanh(), get_activation("linear")]
_q = st.fractions(min_value=R(1, 100), max_value=20, max_denominator=1000).map(lambda f: R(f.numerator, f.denominator))


@settings(max_examples=60, deadline=None)
@given(act=st.sampled_from(_BOUNDED), q=_q, k=st.integers(1, 8))
def test_mu_non_increasing_for_bounded_derivative(act, q, k):
    """|φ'| ≤ 1 ⇒ φ'^(2k+2) ≤ φ'^(2k) ⇒ μ_(k+1) ≤ μ_k."""
    a, b = mu(act, k, q), mu(act, k + 1, q)
    assert sympy.N(a.value - b.value, 30) >= -1e-28


@settings(max_examples=60, deadline=None)
@given(act=st.sampled_from(_BOUNDED + [Erf()]), q=_q, k=st.integers(1, 6))
def test_mu_jensen(act, q, k):
    """Jensen / Cauchy–Schwarz: μ_(2k) ≥ μ_k², and log-convexity μ_(k+1) μ_(k−1) ≥ μ_k²."""
    m = [sympy.N(mu(act, j, q).value, 40) for j in range(0, 2 * k + 1)]
    assert m[2 * k] - m[k] ** 2 >= -1e-30
    assert m[k + 1] * m[k - 1] - m[k] ** 2 >= -1e-30


@settings(max_examples=8, deadline=None)
@given(q=st.sampled_from(["0.02", "0.3", "1.7", "6"]))
def test_tanh_mu_laws(q):
    values = [m.value for m in mus("tanh", 4, sympy.Rational(q), precision=12)]
    assert all(values[i + 1] <= values[i] for i in range(3))
    assert values[1] >= values[0] ** 2


def test_no_false_certificate_at_a_tangency():
    # hard tanh at σ_w² = 1, σ_b² = 0: L(q) − q ≈ −e^(−1/2q) < 0 for every q > 0, so the only
    # fixed point is 0; a closed form whose error was taken as relative once "certified"
    # q* = 1.19e-6 ± 1e-39. Cancellation is now measured, and the root is refused.
    with pytest.raises(NumericError, match="cannot certify the fixed point"):
        mean_field("hard_tanh", sigma_w2=1, sigma_b2=0)
