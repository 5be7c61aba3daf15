"""Algebraic equations of moment series and Cauchy transforms (tpsym.laws.algebraic)."""

from __future__ import annotations

import pytest
import sympy

from tpsym.errors import DomainError, InputError
from tpsym.laws import arcsine, bernoulli, boxplus, boxpower, boxtimes, dirac, generic_law, mp, scale, semicircle, shift
from tpsym.laws.algebraic import G, Y, Z, algebraic_equation, cauchy_equation, cumulant_equation

HALF = sympy.Rational(1, 2)
c, p, s = sympy.symbols("c p s")


def relu_jacobian(depth):
    """JJ^T of a ReLU network at criticality (Pennington et al., arXiv 1711.04735)."""
    return boxpower(boxtimes(bernoulli(HALF, 0, 1), scale(mp(ratio=1), 2)), depth)


LAWS = [
    semicircle(),
    mp(ratio=c),
    boxplus(semicircle(), mp(ratio=1)),
    boxplus(semicircle(), mp(ratio=1), arcsine(0, 4)),
    boxtimes(mp(ratio=2), mp(ratio=HALF), bernoulli(HALF, 1, 3)),
    boxtimes(mp(ratio=c), dirac(2)),
    boxpower(mp(ratio=1), sympy.Rational(3, 2)),
    boxpower(boxtimes(bernoulli(p, 0, 1), scale(mp(ratio=c), s)), 2),
    shift(scale(mp(ratio=3), -2), 1),
    relu_jacobian(1),
    relu_jacobian(4),
]


def _truncated_value(expr, x, var, coeffs, order, shift=0):
    """Coefficients of w^0..w^(order-1) of w^shift * expr(x, sum_k coeffs[k] w^k), x = w^(-1) or w (exact)."""
    poly = sympy.Poly(expr, Z, var)
    powers = [[sympy.Integer(1)] + [sympy.Integer(0)] * (order - 1)]
    for _ in range(poly.degree(var)):
        prev = powers[-1]
        powers.append([sympy.expand(sum(prev[i] * coeffs[k - i] for i in range(k + 1))) for k in range(order)])
    out = [sympy.Integer(0)] * order
    for (i, j), cf in poly.terms():
        e = shift + (-i if x == "inverse" else i)  # z^i = w^(-i) or w^i
        for k in range(order):
            if 0 <= k + e < order:
                out[k + e] += cf * powers[j][k]
    return [sympy.cancel(v) for v in out]


def _residuals(law, order=10):
    m = [sympy.Integer(1), *law.moments(order)]
    # P_M(z, M(z)) with M = sum m_k z^k
    res_m = _truncated_value(algebraic_equation(law).expr, "direct", Y, m, order)
    # P_G(z, G(z)) at z = 1/w with G = sum m_k w^(k+1), times w^deg_z
    PG = cauchy_equation(law)
    res_g = _truncated_value(PG.as_expr(), "inverse", G, [sympy.Integer(0), *m[:-1]], order, shift=PG.degree(Z))
    return res_m, res_g


@pytest.mark.parametrize("law", LAWS, ids=str)
def test_equations_vanish_on_the_exact_series(law):
    # two routes: the resultant equation against the moments of tpsym.free (series)
    res_m, res_g = _residuals(law)
    assert all(v == 0 for v in res_m) and all(v == 0 for v in res_g)


@pytest.mark.parametrize("law", LAWS, ids=str)
def test_cauchy_equation_is_the_moment_equation_moved(law):
    # G(z) = M(1/z)/z: P_G(z, G) is the numerator of P_M(1/z, z G), the same degree in the unknown
    eq = algebraic_equation(law)
    PG = cauchy_equation(law)
    moved = sympy.together(eq.expr.subs({Z: 1 / Z, Y: Z * G}, simultaneous=True))
    quotient = sympy.cancel(sympy.fraction(moved)[0] / PG.as_expr())
    assert not quotient.has(G) and quotient.free_symbols <= {Z} | set(eq.parameters)
    assert PG.degree(G) == eq.degree


def test_cauchy_equation_is_irreducible_and_monic():
    PG = cauchy_equation(relu_jacobian(3))
    assert PG.domain == sympy.QQ and PG.LC() == 1
    _, factors = PG.factor_list()
    assert len(factors) == 1 and factors[0][1] == 1


def test_known_equations():
    # Marchenko–Pastur ratio 1: z G^2 - z G + 1 (Nica–Speicher, Lecture 11); semicircle: G^2 - z G + 1
    assert cauchy_equation(mp(ratio=1)).as_expr() == Z * G**2 - Z * G + 1
    assert cauchy_equation(semicircle()).as_expr() == Z * G - G**2 - 1
    # Fuss–Catalan of order s has a curve of degree s + 1 (OEIS A001764, A002293)
    assert [cauchy_equation(boxpower(mp(ratio=1), k)).degree(G) for k in (1, 2, 3)] == [2, 3, 4]
    # ReLU Jacobian of depth L: degree L + 1 (docs/density.md)
    assert [cauchy_equation(relu_jacobian(L)).degree(G) for L in (1, 2, 5)] == [2, 3, 6]


def test_parametric_coefficients():
    eq = algebraic_equation(boxtimes(mp(ratio=c), mp(ratio=c)))
    assert eq.parameters == (c,)
    assert cauchy_equation(mp(ratio=c)).free_symbols == {Z, G, c}


def test_free_cumulant_equation():
    # free Poisson: kappa_n = lam, C(z) = 1 + lam z / (1 - z) (Nica–Speicher, Proposition 12.11)
    lam = sympy.Symbol("lam")
    Q = cumulant_equation(mp(ratio=1)).expr
    assert sympy.cancel(Q.subs(Y, 1 + Z / (1 - Z))) == 0
    # free cumulants add under ⊞: C = 1 + z^2 + z/(1 - z), rational, so degree 1
    Q2 = cumulant_equation(boxplus(semicircle(), mp(ratio=1))).expr
    assert sympy.cancel(Q2.subs(Y, 1 + Z**2 + Z / (1 - Z))) == 0 and sympy.degree(Q2, Y) == 1
    assert cumulant_equation(mp(ratio=1 / lam)).parameters == (lam,)


def test_errors_name_the_culprit():
    with pytest.raises(DomainError, match=r"semicircle\(\) has mean 0"):
        algebraic_equation(boxtimes(semicircle(), mp(ratio=1)))
    with pytest.raises(DomainError, match="symbolic moments"):
        cauchy_equation(generic_law("mu"))
    with pytest.raises(DomainError, match="exponent L"):
        algebraic_equation(boxpower(mp(ratio=1), sympy.Symbol("L")))
    with pytest.raises(InputError, match="cauchy_equation needs a law"):
        cauchy_equation("mp(ratio=1)")
