"""Certified and vectorised pair expectations of tanh against independent oracles.

Oracles: mpmath quad at 40 digits (nested one-dimensional integrals) and
scipy dblquad over the bivariate normal density at double precision.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from scipy import integrate

from tpsym.certified import Ball, decide
from tpsym.errors import NumericError
from tpsym.nets.activations import Tanh, get_activation
from tpsym.nets.kernel_quadrature import certified_pair, pair_matrix

F = Fraction
CASES = [(F(1), F(1), F(1, 2)), (F(3, 2), F(1, 2), F(-1, 3)), (F(2), F(1), F(13, 10))]


def mpmath_pair(s11, s22, s12, derivative, dps=40):
    with mpmath.workdps(dps):
        s11, s22, s12 = (mpmath.mpf(x.numerator) / x.denominator for x in (s11, s22, s12))
        a = mpmath.sqrt(s11)
        b = s12 / a
        r = mpmath.sqrt(s22 - b * b)
        f = (lambda t: mpmath.sech(t) ** 2) if derivative else mpmath.tanh
        cuts = mpmath.linspace(-12, 12, 13)
        inner = lambda x: mpmath.quad(lambda y: f(b * x + r * y) * mpmath.exp(-y * y / 2), cuts)  # noqa: E731
        value = mpmath.quad(lambda x: f(a * x) * inner(x) * mpmath.exp(-x * x / 2), cuts) / (2 * mpmath.pi)
        return +value


def dblquad_pair(s11, s22, s12, derivative):
    f = (lambda t: 1 / math.cosh(t) ** 2) if derivative else math.tanh
    cov = np.array([[s11, s12], [s12, s22]])
    inv, det = np.linalg.inv(cov), np.linalg.det(cov)
    lim = 9 * math.sqrt(max(s11, s22))

    def g(v, u):
        x = np.array([u, v])
        return f(u) * f(v) * math.exp(-0.5 * x @ inv @ x) / (2 * math.pi * math.sqrt(det))

    return integrate.dblquad(g, -lim, lim, -lim, lim, epsabs=1e-11, epsrel=1e-11)[0]


@pytest.mark.slow
@pytest.mark.parametrize("derivative", [False, True])
@pytest.mark.parametrize("case", CASES[:2])
def test_certified_ball_agrees_with_mpmath_at_40_digits(case, derivative):
    ball = certified_pair(Tanh(), *(Ball.exact(x) for x in case), derivative, 30)
    assert ball.digits() >= 30
    assert abs(ball.mid() - mpmath_pair(*case, derivative)) < mpmath.mpf(10) ** -35


@pytest.mark.slow
def test_certified_ball_agrees_with_mpmath_at_20_digits():
    case = CASES[1]
    ball = certified_pair(Tanh(), *(Ball.exact(x) for x in case), False, 20)
    assert abs(ball.mid() - mpmath_pair(*case, False, dps=22)) < mpmath.mpf(10) ** -19


def test_claim_off_by_1e_20_relative_is_refuted_right_value_certified():
    case = CASES[2]
    ball = certified_pair(Tanh(), *(Ball.exact(x) for x in case), False, 30)
    man, exp = ball.mid().man_exp  # the midpoint agrees with mpmath quad to 35 digits (slow tests above)
    exact = Fraction(man) * Fraction(2) ** exp
    assert float(exact) == pytest.approx(dblquad_pair(*map(float, case), False), abs=1e-9)
    assert decide(ball - exact, 30) == "certified"
    assert decide(ball - exact * (1 + Fraction(1, 10**20)), 30) == "refuted"


def test_perfect_correlation_is_one_dimensional_and_matches_mu1():
    one = Ball.exact(1)
    mu1 = certified_pair(Tanh(), one, one, one, True, 30, correlation=1)
    assert mpmath.nstr(mu1.mid(), 20) == "0.46440290244826824197"  # μ_1 of tanh at q = 1 (tpsym.certified docs)
    anti = certified_pair(Tanh(), one, one, -one, False, 30, correlation=-1)
    same = certified_pair(Tanh(), one, one, one, False, 30, correlation=1)
    assert decide(anti + same, 30) == "certified"  # tanh is odd


def test_refusals():
    one = Ball.exact(1)
    with pytest.raises(NumericError, match="analytic-strip"):
        certified_pair(get_activation("hard_tanh"), one, one, Ball.exact(F(1, 2)), False, 20)
    with pytest.raises(NumericError, match="too close"):
        certified_pair(Tanh(), one, one, one, False, 20)


@pytest.mark.parametrize("derivative", [False, True])
def test_vectorised_route_against_dblquad(derivative):
    s11 = np.array([1.0, 1.5, 2.0, 0.7, 1.0])
    s22 = np.array([1.0, 0.5, 1.0, 0.7, 1.0])
    s12 = np.array([0.5, -1 / 3, 1.3, 0.69, 1.0])
    got = pair_matrix(Tanh(), s11, s22, s12, derivative)
    want = [dblquad_pair(a, b, c, derivative) if abs(c) < math.sqrt(a * b) else None for a, b, c in zip(s11, s22, s12)]
    for g, w in zip(got[:4], want[:4]):
        assert g == pytest.approx(w, abs=1e-9)
    one = certified_pair(Tanh(), Ball.exact(1), Ball.exact(1), Ball.exact(1), derivative, 20, correlation=1)
    assert got[4] == pytest.approx(float(one.mid()), abs=1e-12)
