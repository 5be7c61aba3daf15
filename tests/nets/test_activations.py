"""Tests of tpsym.nets.activations: the callables agree, closed forms match quadrature."""

from __future__ import annotations

import dataclasses

import mpmath
import numpy as np
import pytest
import sympy

from tpsym.errors import DomainError, InputError, SpecError
from tpsym.nets.activations import (
    ACTIVATION_NAMES,
    X,
    Erf,
    Formula,
    HardTanh,
    LeakyReLU,
    Linear,
    ReLU,
    Tanh,
    get_activation,
    mp_namespace,
)

from ._oracle import gauss_expect

Q_VALUES = ["0.05", "0.3", "1", "2.5", "9"]
ALL = [Linear(), ReLU(), LeakyReLU(sympy.Rational(1, 5)), LeakyReLU(-2), HardTanh(), Erf(), Tanh()]
CLOSED = [a for a in ALL if not isinstance(a, Tanh)]
x = sympy.Symbol("x")


# ------------------------------------------------------------- registry ----
def test_names():
    assert ACTIVATION_NAMES == ("erf", "hard_tanh", "leaky_relu", "linear", "relu", "tanh")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("relu", ReLU()), ("ReLU", ReLU()), ("identity", Linear()), ("hardtanh", HardTanh()),
     ("hard-tanh", HardTanh()), ("tanh", Tanh()), ("erf", Erf()), ("linear", Linear())],
)
def test_get_activation(name, expected):
    assert get_activation(name) == expected


def test_unknown_activation_names_it_and_lists_known():
    with pytest.raises(SpecError, match=r"unknown activation 'swish'; known activations: erf, hard_tanh, "
                       r"leaky_relu, linear, relu, tanh"):
        get_activation("swish")
    with pytest.raises(InputError, match="not a string"):
        get_activation(3)


def test_slope_rules():
    assert get_activation("leaky_relu", slope=0.1) == LeakyReLU(sympy.Rational(1, 10))
    with pytest.raises(InputError, match="needs a slope"):
        get_activation("leaky_relu")
    with pytest.raises(InputError, match="'relu' takes no slope"):
        get_activation("relu", slope=1)
    with pytest.raises(DomainError, match="slope=nan is not finite"):
        LeakyReLU(float("nan"))
    with pytest.raises(InputError, match="slope='a' is a string"):
        LeakyReLU("a")


def test_values_are_frozen_and_canonical():
    a = LeakyReLU(0.5)
    assert a == LeakyReLU(sympy.Rational(1, 2)) and hash(a) == hash(LeakyReLU(sympy.Rational(1, 2)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.slope = 1  # type: ignore[misc]
    assert {ReLU(), ReLU(), Tanh()} == {ReLU(), Tanh()}
    assert str(a) == "leaky_relu(1/2)" and Tanh().spec == "tanh"


# ------------------------------------------------- callables agree ---------
POINTS = [-3.1, -1.7, -0.6, -0.2, 0.15, 0.7, 1.3, 2.9]


@pytest.mark.parametrize("act", ALL + [Formula(x * sympy.tanh(x), x), Formula(sympy.sin(x) + x / 2, x)],
                         ids=lambda a: a.spec)
def test_numpy_mpmath_sympy_agree(act):
    arr = np.array(POINTS)
    phi_np, dphi_np = act.phi_numpy(arr), act.dphi_numpy(arr)
    assert phi_np.shape == dphi_np.shape == arr.shape
    var = sympy.Symbol("t", real=True)
    phi_s, dphi_s = act.phi_sympy(var), act.dphi_sympy(var)
    for i, p in enumerate(POINTS):
        with mpmath.workdps(30):
            m_phi, m_dphi = act.phi_mpmath(mpmath.mpf(p)), act.dphi_mpmath(mpmath.mpf(p))
            s_phi = sympy.N(phi_s.subs(var, sympy.Float(p, 30)), 30)
            s_dphi = sympy.N(dphi_s.subs(var, sympy.Float(p, 30)), 30)
            assert abs(m_phi - mpmath.mpf(str(s_phi))) < 1e-25
            assert abs(m_dphi - mpmath.mpf(str(s_dphi))) < 1e-25
            # φ' is the derivative of φ (no kink at these points)
            assert abs(mpmath.diff(act.phi_mpmath, mpmath.mpf(p)) - m_dphi) < 1e-20
        assert phi_np[i] == pytest.approx(float(m_phi), rel=1e-13, abs=1e-15)
        assert dphi_np[i] == pytest.approx(float(m_dphi), rel=1e-13, abs=1e-15)


@pytest.mark.parametrize("act", ALL, ids=lambda a: a.spec)
def test_derivative_bound_flag(act):
    grid = np.linspace(-6, 6, 2001)
    bounded = bool(np.all(np.abs(act.dphi_numpy(grid)) <= 1 + 1e-15))
    assert act.derivative_bounded_by_one == bounded


# --------------------------------------- closed forms against quadrature ----
def _closed_value(expr):
    with mpmath.workdps(40):
        return +mpmath.mpf(str(sympy.N(expr, 40)))


@pytest.mark.parametrize("act", CLOSED, ids=lambda a: a.spec)
@pytest.mark.parametrize("q", Q_VALUES)
def test_mu_closed_forms_against_quadrature(act, q):
    """μ_k = E[φ'(h)^(2k)]: closed forms of arXiv 1711.04735 Table 1 and of erf, vs quadrature."""
    qq = sympy.Rational(q)
    for k in range(0, 6):
        exact = _closed_value(act.mu_closed_form(k, qq))
        oracle = gauss_expect(lambda h, k=k: act.dphi_mpmath(h) ** (2 * k), q, act.breakpoints)
        assert abs(exact - oracle) < 1e-27 * max(1, abs(oracle)), (act, q, k)


@pytest.mark.parametrize("act", CLOSED, ids=lambda a: a.spec)
@pytest.mark.parametrize("q", Q_VALUES)
def test_second_moment_closed_forms_against_quadrature(act, q):
    """E[φ(h)²], the length map's expectation (arXiv 1606.05340 Eq. (3))."""
    exact = _closed_value(act.second_moment_closed_form(sympy.Rational(q)))
    oracle = gauss_expect(lambda h: act.phi_mpmath(h) ** 2, q, act.breakpoints)
    assert abs(exact - oracle) < 1e-27 * max(1, abs(oracle))


def test_closed_forms_are_symbolic():
    q = sympy.Symbol("q", positive=True)
    a = sympy.Symbol("a", real=True)
    k = sympy.Symbol("k", integer=True, positive=True)
    assert LeakyReLU(a).mu_closed_form(k, q) == (1 + a ** (2 * k)) / 2
    assert LeakyReLU(a).second_moment_closed_form(q) == (1 + a**2) * q / 2
    assert HardTanh().mu_closed_form(3, q) == sympy.erf(1 / sympy.sqrt(2 * q))
    assert Erf().mu_closed_form(k, q) == (4 / sympy.pi) ** k / sympy.sqrt(1 + 4 * k * q)
    assert Erf().second_moment_closed_form(q) == 2 / sympy.pi * sympy.asin(2 * q / (1 + 2 * q))
    assert Tanh().mu_closed_form(1, q) is None and Tanh().second_moment_closed_form(q) is None


@pytest.mark.parametrize("act", CLOSED, ids=lambda a: a.spec)
def test_closed_forms_at_zero_are_the_limit(act):
    """At q = 0 the closed forms take the limit q → 0+."""
    for k in range(1, 4):
        at_zero = _closed_value(act.mu_closed_form(k, sympy.Integer(0)))
        near = _closed_value(act.mu_closed_form(k, sympy.Rational(1, 10**6)))
        assert abs(at_zero - near) < 1e-2
        left, right = act.derivative_limits_at_zero()
        assert at_zero == _closed_value((left ** (2 * k) + right ** (2 * k)) / 2)
    assert _closed_value(act.second_moment_closed_form(sympy.Integer(0))) == 0


def test_symbolic_slope_refuses_numerics():
    a = LeakyReLU(sympy.Symbol("a"))
    assert not a.is_numeric
    with pytest.raises(InputError, match="slope=a is symbolic"):
        a.phi_numpy(np.array([1.0, -1.0]))


# ---------------------------------------------------------------- formula ----
def test_formula_validation():
    with pytest.raises(InputError, match="free symbols other than x: a, b"):
        Formula(sympy.Symbol("a") * x + sympy.Symbol("b"), x)
    with pytest.raises(InputError, match="parse user text with tpsym.spec.parse_formula"):
        Formula("x**2", x)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="not a sympy Symbol"):
        Formula(x, "x")  # type: ignore[arg-type]


def test_formula_kinks_and_limits():
    assert Formula(sympy.Abs(x - 1) + sympy.Max(0, x + 2), x).breakpoints == (-2.0, 1.0)
    relu = Formula(sympy.Max(0, x), x)
    assert relu.breakpoints == (0.0,)
    assert relu.derivative_limits_at_zero() == (0, 1)
    assert relu.value_at_zero() == 0
    assert Formula(sympy.sin(x) / x, x).value_at_zero() == 1


def test_formula_equals_builtin_numerically():
    relu = Formula(sympy.Max(0, x), x)
    grid = np.linspace(-2, 2, 9)
    assert np.array_equal(relu.phi_numpy(grid), ReLU().phi_numpy(grid))
    lin = Formula(x, x)
    assert np.array_equal(lin.dphi_numpy(grid), np.ones_like(grid))  # constant derivative broadcast
    assert Formula(x, x) == Formula(x, x) and hash(Formula(x, x)) == hash(Formula(x, x))


def test_import_is_light():
    """tpsym.nets imports neither the numeric nor the proof layer (nor scipy)."""
    import subprocess
    import sys

    code = ("import sys, tpsym.nets; bad = [m for m in sys.modules if m.startswith(('tpsym.numeric', "
            "'tpsym.proof', 'scipy'))]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- exact Gaussian integrals of formulas that are polynomials piece by piece (issue 14) ---
_PW = [
    "Max(-1, Min(1, x))",
    "Max(0, x) + x/5",
    "Abs(x**2 - 2)/4 + x/2",
    "Max(x**2/2, -x/3)",
    "Min(x, 1 - x**2/4)",
]


def _mp_reference(expr_text, q, kind, k=1):
    """An independent route: mpmath quadrature in a private context, split at the float kinks."""
    from tpsym.spec import parse_formula

    x = sympy.Symbol("x", real=True)
    act = Formula(parse_formula(expr_text, locals={"x": x}), x)
    ctx = mpmath.MPContext()
    ctx.dps = 40
    q = ctx.mpf(q.p) / q.q
    f = sympy.lambdify(x, act.expr if kind == "phi2" else sympy.diff(act.expr, x), modules=[mp_namespace(ctx), "mpmath"])
    cuts = [ctx.mpf(b) for b in act.breakpoints]
    dens = lambda h: ctx.exp(-h * h / (2 * q)) / ctx.sqrt(2 * ctx.pi * q)  # noqa: E731
    power = 2 if kind == "phi2" else 2 * k
    return act, ctx.quad(lambda h: f(h) ** power * dens(h), [-ctx.inf, *cuts, ctx.inf])


@pytest.mark.parametrize("text", _PW)
@pytest.mark.parametrize("q", [sympy.Rational(1, 3), sympy.Rational(5, 2)])
def test_piecewise_polynomial_formulas_have_exact_gaussian_integrals(text, q):
    act, second = _mp_reference(text, q, "phi2")
    exact = act.second_moment_closed_form(q)
    assert exact is not None and not exact.has(sympy.Float)
    # the reference splits at the kinks rounded to doubles (-2/3 is not one): agreement to ~1e-16
    assert abs(sympy.N(exact, 35) - sympy.Float(second, 35)) < 1e-15
    for k in (1, 2):
        _, mu_k = _mp_reference(text, q, "dphi", k)
        assert abs(sympy.N(act.mu_closed_form(k, q), 35) - sympy.Float(mu_k, 35)) < 1e-15


def test_formula_hard_tanh_is_hard_tanh_and_smooth_formulas_have_no_closed_form():
    q = sympy.Symbol("q", positive=True)
    ht = Formula(sympy.Max(-1, sympy.Min(1, X)), X)
    assert sympy.simplify(ht.second_moment_closed_form(q) - HardTanh().second_moment_closed_form(q)) == 0
    assert ht.mu_closed_form(3, q) == HardTanh().mu_closed_form(3, q)
    assert Formula(sympy.tanh(X) + X / 10, X).second_moment_closed_form(q) is None
    assert Formula(sympy.Max(0, X**5 - X - 1), X).mu_closed_form(1, q) is None  # kink not in radicals
