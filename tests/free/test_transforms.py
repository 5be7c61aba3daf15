"""Tests of tpsym.free.transforms: S multiplicative under ⊠, R additive under ⊞,
the Cauchy / psi / chi / eta series and their conventions."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import HealthCheck, given, settings

from free import _oracle as O
from free._laws import catalogue_laws, nonzero_mean_laws
from tpsym.errors import DomainError, InputError
from tpsym.free import (
    cauchy_transform,
    chi_transform,
    cumulants_from_moments,
    eta_transform,
    moments_from_s_transform,
    psi_transform,
    r_transform,
    s_transform,
)
from tpsym.laws import boxplus, boxtimes, mp, semicircle
from tpsym.series import Series, field_for

c, z = sympy.symbols("c z")
ORDER = 6
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_s_transform_of_mp():
    # S_{MP(c)}(z) = 1/(1 + c z) (docs/design.md conventions; Mingo–Speicher, Chapter 2)
    expected = sympy.series(1 / (1 + c * z), z, 0, 8).removeO()
    assert mp(ratio=c).s_transform(8) == tuple(expected.coeff(z, k) for k in range(8))
    assert s_transform(mp(ratio=c).moments(8)) == mp(ratio=c).s_transform(8)
    assert mp(ratio=sympy.Rational(1, 3)).s_transform(4) == (1, -sympy.Rational(1, 3), sympy.Rational(1, 9), -sympy.Rational(1, 27))


def _S(coeffs):
    return Series.from_coefficients(coeffs, prec=len(coeffs), field=field_for([]))


@SETTINGS
@given(nonzero_mean_laws, nonzero_mean_laws)
def test_s_multiplicative_under_boxtimes(a, b):
    # Voiculescu 1987: S_{a ⊠ b} = S_a S_b
    prod = _S(a.s_transform(ORDER)) * _S(b.s_transform(ORDER))
    assert boxtimes(a, b).s_transform(ORDER) == tuple(prod.coefficients_expr())
    assert s_transform(boxtimes(a, b).moments(ORDER)) == tuple(prod.coefficients_expr())


@SETTINGS
@given(catalogue_laws, catalogue_laws)
def test_r_additive_under_boxplus(a, b):
    got = boxplus(a, b).r_transform(ORDER)
    assert got == tuple(x + y for x, y in zip(a.r_transform(ORDER), b.r_transform(ORDER)))
    assert r_transform(boxplus(a, b).moments(ORDER)) == got


def test_symbolic_s_and_r():
    s = sympy.Symbol("s")
    a, b = mp(ratio=c), mp(ratio=s)
    assert O.same(boxtimes(a, b).s_transform(5), [sympy.expand(sympy.series(1 / ((1 + c * z) * (1 + s * z)), z, 0, 5).removeO()).coeff(z, k) for k in range(5)])
    assert boxplus(semicircle(variance=s), mp(ratio=c)).r_transform(4) == (1, c + s, c**2, c**3)


def test_moments_from_s_round_trip():
    m = sympy.symbols("m1:6")
    assert O.same(moments_from_s_transform(s_transform(m)), m)
    assert moments_from_s_transform([1, -2, 4]) == (1, 3, 11)  # MP with ratio 2: Narayana at 2, OEIS A001263


def test_series_conventions():
    m = sympy.symbols("m1:5")
    assert cauchy_transform(m) == (0, 1, *m)
    assert psi_transform(m) == (0, *m)
    # eta = 1 - 1/M: its coefficients are the boolean cumulants
    assert eta_transform(m)[1:] == cumulants_from_moments(m, kind="boolean")
    # chi is the compositional inverse of psi
    chi = chi_transform(m)
    psi = psi_transform(m)
    K = field_for(m)
    P = Series.from_coefficients(psi, prec=5, field=K)
    C = Series.from_coefficients(chi, prec=5, field=K)
    assert P.compose(C) == Series.x(5, K)
    # S = chi (1+z)/z
    S = (C * Series.from_coefficients([1, 1], prec=5, field=K)).shift(-1)
    assert O.same(S.coefficients_expr(), s_transform(m))
    # R: free cumulants, semicircle R(z) = z
    assert r_transform([0, 1, 0, 2, 0, 5]) == (0, 1, 0, 0, 0, 0)


def test_errors():
    with pytest.raises(DomainError, match="non-zero mean"):
        s_transform([0, 1, 0])
    with pytest.raises(DomainError, match="non-zero mean"):
        chi_transform([0, 1])
    with pytest.raises(DomainError, match="mean 0 and no S-transform"):
        semicircle().s_transform(3)
    with pytest.raises(DomainError, match="S\\(0\\) = 0"):
        moments_from_s_transform([0, 1])
    with pytest.raises(InputError, match="order=5 needs 5 moments, only 3 given"):
        s_transform([1, 2, 5], order=5)
    with pytest.raises(InputError, match="positive integer"):
        s_transform([1, 2, 5], order=0)
    with pytest.raises(InputError, match="not a string"):
        r_transform("12")
    with pytest.raises(InputError, match="at least one"):
        cauchy_transform([])
