"""Equal function arguments written differently are one atom (issue 14: erf(1/sqrt(2*A)) against
erf(sqrt(2)/(2*sqrt(A))) was "cannot decide ... atoms may be related")."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from tpsym.proof.verify import canonical_arguments, exact_equal

A = sympy.Symbol("A")
B = sympy.Symbol("B", positive=True)

SAME = [
    (sympy.erf(1 / sympy.sqrt(2 * A)), sympy.erf(sympy.sqrt(2) / (2 * sympy.sqrt(A)))),
    (sympy.erf(1 / sympy.sqrt(2 * A + 2)), sympy.erf(sympy.sqrt(2) / (2 * sympy.sqrt(A + 1)))),
    (sympy.exp(1 / (A + 1) + 1), sympy.exp((A + 2) / (A + 1))),
    (sympy.asin(2 * B / (1 + 2 * B)) + sympy.erf(1 / sympy.sqrt(8 * B)),
     sympy.asin(1 - 1 / (2 * B + 1)) + sympy.erf(sympy.sqrt(2) / (4 * sympy.sqrt(B)))),
]
DIFFERENT = [
    (sympy.erf(1 / sympy.sqrt(2 * A + 2)), sympy.erf(sympy.sqrt(2) / (2 * sympy.sqrt(A + 2)))),
    (sympy.exp(1 / (A + 1) + 1), sympy.exp((A + 3) / (A + 1))),
]


@pytest.mark.parametrize("a,b", SAME, ids=str)
def test_equal_arguments_written_differently_are_equal(a, b):
    equal, how = exact_equal(a, b)
    assert equal, how


@pytest.mark.parametrize("a,b", DIFFERENT, ids=str)
def test_different_arguments_stay_different(a, b):
    equal, how = exact_equal(a, b)
    assert not equal, how


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([e for pair in SAME + DIFFERENT for e in pair]), st.fractions(min_value="1/7", max_value=9))
def test_canonical_arguments_keep_the_value(expr, x):
    # only identities are applied: the value at any point of the domain is unchanged
    point = {A: sympy.Rational(x.numerator, x.denominator), B: sympy.Rational(x.numerator, x.denominator)}
    before, after = expr.xreplace(point), canonical_arguments(expr).xreplace(point)
    assert abs(sympy.N(before - after, 50)) < sympy.Float("1e-45")


def test_bases_of_symbolic_powers_are_arguments_too():
    # the residual-network moment (1 + a^2/L)^L as the law writes it, ((L + a^2)/L)^L, was "cannot decide"
    equal, how = exact_equal((1 + B**2 / A) ** A, ((A + B**2) / A) ** A)
    assert equal, how
    equal, how = exact_equal((1 + B**2 / (A + 1)) ** A, ((A + B**2) / A) ** A)
    assert not equal, how
