"""Certified real numbers: balls, enclosures of constant expressions, decisions."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from tpsym.certified import Ball, certified_constant, decide, has_certified, to_ball
from tpsym.errors import InputError, NumericError


def exact(x: mpmath.mpf) -> Fraction:
    sign, man, exp, _ = x._mpf_
    value = Fraction(man) * (Fraction(2) ** exp)
    return -value if sign else value


def encloses(ball: Ball, value: Fraction) -> bool:
    return exact(ball.lower) <= value <= exact(ball.upper)


fractions = st.fractions(min_value=-10**6, max_value=10**6, max_denominator=10**6)
OPS = {
    "add": (lambda a, b: a + b),
    "sub": (lambda a, b: a - b),
    "mul": (lambda a, b: a * b),
}


@given(fractions, fractions, st.sampled_from(sorted(OPS)), st.sampled_from([24, 64, 300]))
def test_ball_arithmetic_encloses_the_exact_result(a, b, op, prec):
    result = OPS[op](Ball.exact(a, prec), Ball.exact(b, prec))
    assert encloses(result, OPS[op](a, b))


@given(fractions, fractions.filter(lambda f: f != 0))
def test_division_and_mixed_operands_enclose(a, b):
    assert encloses(Ball.exact(a) / Ball.exact(b), a / b)
    assert encloses(Ball.exact(a) / b, a / b)
    assert encloses(b - Ball.exact(a), b - a)
    assert encloses(Ball.exact(a) ** 3, a**3)


def test_division_by_a_ball_around_zero_refuses():
    with pytest.raises(ZeroDivisionError, match="containing 0"):
        Ball.exact(1) / Ball(mpmath.mpf(-1), mpmath.mpf(1))


@given(fractions, st.integers(10, 400))
def test_json_round_trip_is_exact(a, prec):
    b = Ball.exact(a, prec)
    assert Ball.from_json(b.to_json()) == b


@pytest.mark.parametrize("bad", [{"lower": "1", "upper": "2*2^0", "prec": 64}, {"lower": "0*2^0"}, "x"])
def test_malformed_json_ball_is_refused(bad):
    with pytest.raises(InputError):
        Ball.from_json(bad)


def test_inverted_ball_is_refused():
    with pytest.raises(InputError, match="exceeds"):
        Ball(mpmath.mpf(2), mpmath.mpf(1))


# an independent route: sympy's evalf at 80 digits
CONSTANTS = [
    sympy.sqrt(5) * sympy.pi / 4,
    1 - sympy.sqrt(5) * sympy.asin(sympy.Rational(2, 3)) / 2,
    sympy.exp(1) * sympy.log(3) - sympy.cos(sympy.Rational(1, 7)),
    sympy.atan(sympy.Rational(-3, 2)) + sympy.acos(sympy.Rational(1, 5)),
    sympy.Rational(3, 2) ** sympy.pi,
    # erf through its positive series, the erfc bound for large arguments, and oddness
    sympy.erf(sympy.Rational(1, 3)) + sympy.erf(sympy.sqrt(2) / (2 * sympy.sqrt(sympy.Rational(7, 10)))),
    sympy.erf(-sympy.Rational(9, 2)) * sympy.erfc(sympy.Rational(3, 2)),
    sympy.erf(12),
    sympy.erf(sympy.Rational(1, 10**6)),
]


@pytest.mark.parametrize("expr", CONSTANTS, ids=str)
@pytest.mark.parametrize("digits", [30, 60])
def test_to_ball_encloses_and_reaches_the_digits(expr, digits):
    b = to_ball(expr, digits)
    reference = Fraction(str(sympy.N(expr, digits + 40)))
    assert abs(exact(b.mid()) - reference) < Fraction(1, 10 ** (digits + 5))
    assert b.digits() >= digits
    lo, hi = exact(b.lower), exact(b.upper)
    assert lo - Fraction(1, 10 ** (digits + 30)) <= reference <= hi + Fraction(1, 10 ** (digits + 30))


def test_to_ball_refuses_what_it_cannot_enclose():
    with pytest.raises(NumericError, match="gamma"):
        to_ball(sympy.gamma(sympy.Rational(1, 3)), 30)
    with pytest.raises(InputError, match="free symbols"):
        to_ball(sympy.Symbol("c") + 1, 30)
    with pytest.raises(ArithmeticError, match="asin"):
        to_ball(sympy.asin(sympy.Integer(2), evaluate=False), 30)


def test_decide_levels():
    one = Ball.exact(1)
    assert decide(one - one, 30) == "certified"
    assert decide(one / 3 * 3 - 1 + Ball.exact(Fraction(1, 10**25)), 30) == "refuted"
    wide = Ball(mpmath.mpf(-1) / 2**80, mpmath.mpf(1) / 2**80)
    assert decide(wide, 30) is None  # radius 8e-25: neither
    assert decide(wide, 20) == "certified"


def test_certified_constants_travel_through_sympy_and_are_cached():
    calls = []

    def compute(digits):
        calls.append(digits)
        return to_ball(sympy.sqrt(2), digits)

    c = certified_constant("root2", compute)
    expr = c**2 - 2
    assert has_certified(expr) and not has_certified(sympy.Integer(2))
    assert sympy.sstr(expr) == "root2**2 - 2"
    assert decide(to_ball(expr, 40), 40) == "certified"
    assert decide(to_ball(expr + sympy.Rational(1, 10**35), 40), 40) == "refuted"
    to_ball(expr, 40)
    assert calls == [45]  # the verifier's guard digits; computed once per precision


def test_no_global_precision_changes():
    before = (mpmath.mp.prec, mpmath.iv.prec)
    to_ball(sympy.asin(sympy.Rational(1, 3)) * sympy.pi, 200)
    assert (mpmath.mp.prec, mpmath.iv.prec) == before


@given(fractions, st.sampled_from([64, 300]))
def test_negation_is_exact(a, prec):
    # an mpf's unary minus rounds to mpmath's global precision: a ball must not use it
    third = Ball.exact(a, prec) / 3
    minus = -third
    assert encloses(minus, -Fraction(a) / 3)
    assert (exact(minus.lower), exact(minus.upper)) == (-exact(third.upper), -exact(third.lower))


@given(st.fractions(min_value=-30, max_value=30, max_denominator=1000))
def test_erf_enclosure_contains_the_high_precision_value(x):
    b = to_ball(sympy.erf(sympy.Rational(x.numerator, x.denominator)), 40)
    reference = Fraction(str(sympy.N(sympy.erf(sympy.Rational(x.numerator, x.denominator)), 90)))
    tol = Fraction(1, 10**85)
    assert exact(b.lower) - tol <= reference <= exact(b.upper) + tol
    assert b.digits() >= 40
