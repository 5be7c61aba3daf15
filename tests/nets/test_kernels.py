"""Kernels of wide networks against independent oracles.

Closed forms: plain two-dimensional quadrature (scipy dblquad over the
Gaussian density) at random points. Recursions: Monte Carlo of sampled
networks (tests/numeric/test_kernels.py). Bad input: one clear error.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from tpsym.errors import DomainError, InputError
from tpsym.nets import kernels
from tpsym.nets.activations import get_activation


def dblquad_pair(act, s11, s22, s12, derivative=False):
    """E[F(u)F(v)] by scipy dblquad over the bivariate normal density (the oracle)."""
    f = act.dphi_numpy if derivative else act.phi_numpy
    cov = np.array([[s11, s12], [s12, s22]])
    inv = np.linalg.inv(cov)
    norm = 1.0 / (2 * math.pi * math.sqrt(np.linalg.det(cov)))
    lim = 9 * math.sqrt(max(s11, s22))

    def g(v, u):
        x = np.array([u, v])
        return float(f(np.array(u)) * f(np.array(v))) * norm * math.exp(-0.5 * x @ inv @ x)

    pts = 0.0
    val, _ = integrate.dblquad(g, -lim, lim, -lim, lim, epsabs=1e-9, epsrel=1e-9)
    return val + pts


ACTS = [("linear", None), ("relu", None), ("leaky_relu", sympy.Rational(1, 5)), ("erf", None)]


@pytest.mark.parametrize("name,slope", ACTS)
@pytest.mark.parametrize("derivative", [False, True])
def test_closed_forms_against_dblquad(name, slope, derivative):
    rng = np.random.default_rng(11)
    act = get_activation(name, slope=slope)
    for _ in range(1):
        s11, s22 = rng.uniform(0.3, 2.0, size=2)
        c = rng.uniform(-0.9, 0.9)
        s12 = c * math.sqrt(s11 * s22)
        r = lambda x: sympy.Rational(str(round(float(x), 6)))  # noqa: E731
        a, b, d = r(s11), r(s22), r(s12)
        closed = float(kernels.pair_expectation(act, a, b, d, derivative=derivative))
        oracle = dblquad_pair(act, float(a), float(b), float(d), derivative)
        assert closed == pytest.approx(oracle, rel=1e-6, abs=1e-8)


def test_numeric_route_against_dblquad():
    act = get_activation("tanh")
    value = float(kernels.pair_expectation("tanh", sympy.Rational(3, 2), sympy.Rational(1, 2), sympy.Rational(1, 3)))
    assert value == pytest.approx(dblquad_pair(act, 1.5, 0.5, 1 / 3), rel=1e-8)
    d = float(kernels.pair_expectation("tanh", 1, 1, sympy.Rational(1, 2), derivative=True))
    assert d == pytest.approx(dblquad_pair(act, 1.0, 1.0, 0.5, True), rel=1e-8)


def test_depth_one_is_the_given_covariance():
    c = sympy.Symbol("c")
    assert kernels.nngp("tanh", depth=1, q1=4, q2=9, c=c) == 6 * c
    assert kernels.ntk("tanh", depth=1, q1=4, q2=9, c=c) == 6 * c


def test_relu_ntk_diagonal_symbolic_depth_matches_numeric_depth():
    q = sympy.Symbol("q", positive=True)
    L = sympy.Symbol("L", positive=True, integer=True)
    sym = kernels.ntk("relu", sigma_w2=3, sigma_b2=sympy.Rational(1, 2), depth=L, q1=q, q2=q, c=1)
    for depth in (1, 2, 5):
        num = kernels.ntk("relu", sigma_w2=3, sigma_b2=sympy.Rational(1, 2), depth=depth, q1=q, q2=q, c=1)
        assert sympy.expand(sym.subs(L, depth) - num) == 0


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 6), st.fractions(0, 3), st.fractions(0, 2), st.fractions(-1, 1))
def test_linear_network_symbolic_depth(depth, sw, sb, c):
    sw, sb, c = sympy.Rational(sw), sympy.Rational(sb), sympy.Rational(c)
    L = sympy.Symbol("L", positive=True, integer=True)
    sym = kernels.nngp("linear", sigma_w2=sw, sigma_b2=sb, depth=L, q1=2, q2=2, c=c)
    assert sympy.simplify(sym.subs(L, depth) - kernels.nngp("linear", sw, sb, depth, 2, 2, c)) == 0


def test_chi_c_is_chi():
    from tpsym.nets.claims import chi

    for name in ("relu", "erf", "linear"):
        assert sympy.simplify(kernels.chi_c(name, sympy.Rational(1, 2), 0) - chi(name, sympy.Rational(1, 2), 0)) == 0


def test_c_star_chaotic_phase_is_a_fixed_point():
    cs = float(kernels.c_star("erf", 4, 0))
    assert -1 < cs < 1
    # q* of erf at sigma_w2=4, sigma_b2=0 is 0; use the numeric route through correlation_map at q*
    from tpsym.nets.claims import q_star

    q = q_star("erf", 4, 0)
    assert float(kernels.correlation_map("erf", 4, 0, q=q, c=sympy.Float(cs, 15))) == pytest.approx(cs, abs=1e-8)


def test_standard_parameterization_differs_and_is_refuted_as_ntk():
    ntk = kernels.ntk("relu", 2, sympy.Rational(1, 10), 3, 1, 1, sympy.Rational(1, 2))
    std = kernels.ntk("relu", 2, sympy.Rational(1, 10), 3, 1, 1, sympy.Rational(1, 2), parameterization="standard")
    assert sympy.simplify(ntk - std) != 0


def test_matrices_agree_with_scalar_recursion():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 7))
    s1 = 2.0 * x @ x.T / 7 + 0.1
    for name in ("relu", "erf", "tanh"):
        K, T = kernels.kernel_matrices(name, s1, 3, 2.0, 0.1)
        i, j = 1, 3
        q1, q2 = sympy.Float(s1[i, i], 17), sympy.Float(s1[j, j], 17)
        c = sympy.Float(s1[i, j] / math.sqrt(s1[i, i] * s1[j, j]), 17)
        # the scalar route of tanh is certified; the matrix route's lattice is good to about 1e-12
        for got, scalar in ((K[i, j], kernels.nngp(name, 2, sympy.Rational(1, 10), 3, q1, q2, c)),
                            (T[i, j], kernels.ntk(name, 2, sympy.Rational(1, 10), 3, q1, q2, c))):
            digits = 11 if name == "tanh" else 9
            assert got == pytest.approx(float(scalar), rel=10.0 ** (1 - digits))


@pytest.mark.parametrize(
    "call,error,match",
    [
        (lambda: kernels.nngp("relu", c=2), DomainError, r"c=2 is outside \[-1, 1\]"),
        (lambda: kernels.nngp("relu", sigma_w2=-1), DomainError, "sigma_w2=-1 is negative"),
        (lambda: kernels.nngp("relu", q1=-1), DomainError, "q1=-1 is negative"),
        (lambda: kernels.nngp("tanh", depth=0), DomainError, "depth=0"),
        (lambda: kernels.nngp("tanh", depth=sympy.Symbol("L", positive=True, integer=True)), InputError, "closes only"),
        (lambda: kernels.ntk("relu", parameterization="mup"), InputError, "parameterization"),
        (lambda: kernels.depth_scale("relu", 2, 0, kind="x"), InputError, "kind"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_float_parameters_are_read_as_their_decimals():
    # as everywhere in tpsym (tpsym.utils.as_param): 0.5 is 1/2, so the kernel stays exact
    from tpsym.nets import kernels

    half = sympy.Rational(1, 2)
    assert kernels.ntk("relu", sigma_w2=2, sigma_b2=0.5, depth=2, q1=1, q2=1, c=0.25) == kernels.ntk(
        "relu", sigma_w2=2, sigma_b2=half, depth=2, q1=1, q2=1, c=sympy.Rational(1, 4)
    )
    with pytest.raises(InputError, match="string"):
        kernels.nngp("relu", sigma_w2="2")
