"""⊞ and ⊠ of three or more factors have their algebraic equation (each partial result is chosen on its own series)."""

from __future__ import annotations

import pytest
import sympy

from tpsym.laws import bernoulli, boxplus, boxplus_power, boxtimes, mp, semicircle, symmetric_bernoulli
from tpsym.laws.algebraic import algebraic_equation
from tpsym.laws.density import density

b = symmetric_bernoulli()
half = sympy.Rational(1, 2)


@pytest.mark.parametrize(
    ("law", "same"),
    [
        (boxplus(b, b, b), boxplus_power(b, 3)),
        (boxplus(b, b, b, b), boxplus(boxplus(b, b), boxplus(b, b))),
        (boxplus(b, b, semicircle()), boxplus(boxplus(b, b), semicircle())),
        (boxplus(bernoulli(half), bernoulli(half), bernoulli(half)), boxplus_power(bernoulli(half), 3)),
        (boxtimes(mp(ratio=half), mp(ratio=sympy.Rational(1, 3)), mp(ratio=sympy.Rational(1, 5))),
         boxtimes(boxtimes(mp(ratio=half), mp(ratio=sympy.Rational(1, 3))), mp(ratio=sympy.Rational(1, 5)))),
    ],
)
def test_many_factors_have_the_equation_of_the_nested_form(law, same):
    assert law.moments(8) == same.moments(8)
    P, Q = algebraic_equation(law).expr, algebraic_equation(same).expr
    assert sympy.cancel(P / Q).is_number  # the same irreducible equation up to a constant
    r = density(law, [0.0])
    assert abs(r.mass - 1) < 1e-9 and max(r.moment_errors) < 1e-8
