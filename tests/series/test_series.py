"""Tests of tpsym.series.series: every operation against the slow oracle of
``_oracle`` and against sympy's own ``series``, over QQ and QQ(parameters);
the QQ fast path (flint) against the generic path; the two error kinds;
algebraic properties with hypothesis."""

from __future__ import annotations

from fractions import Fraction

import flint
import pytest
import sympy
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from series import _oracle as O
from tpsym.errors import DomainError, InputError, InversionError, ReversionError, SeriesError
from tpsym.series import QQ, RationalFunctionField, Series, field_for

x = sympy.Symbol("x")
a, b, t = sympy.symbols("a b t")
KT = RationalFunctionField(["t"])  # a dummy generator: forces the generic (non-flint) path
KAB = field_for([a, b])

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def S(coeffs, prec, field=QQ):
    return Series.from_coefficients(coeffs, prec=prec, field=field)


def expr_of(s):
    return s.coefficients_expr()


# ---------------------------------------------------------------------------
# strategies
# ---------------------------------------------------------------------------
rationals = st.fractions(min_value=-5, max_value=5, max_denominator=6).map(lambda f: sympy.Rational(f.numerator, f.denominator))
nonzero_rationals = rationals.filter(lambda r: r != 0)
#: small polynomials in a, b with integer coefficients
small_polys = st.tuples(*[st.integers(-2, 2)] * 3).map(lambda c: c[0] + c[1] * a + c[2] * a * b)


@st.composite
def qq_series(draw, *, prec=None, c0=None, c1=None):
    n = draw(st.integers(2, 10)) if prec is None else prec
    coeffs = draw(st.lists(rationals, min_size=n, max_size=n))
    if c0 is not None:
        coeffs[0] = sympy.sympify(c0)
    if c1 is not None:
        coeffs[1] = draw(nonzero_rationals) if c1 == "nonzero" else sympy.sympify(c1)
    return S(coeffs, n)


@st.composite
def sym_series(draw, *, prec=None, c0=None, c1=None):
    n = draw(st.integers(2, 5)) if prec is None else prec
    coeffs = draw(st.lists(small_polys, min_size=n, max_size=n))
    if c0 is not None:
        coeffs[0] = sympy.sympify(c0)
    if c1 is not None:
        coeffs[1] = draw(nonzero_rationals) if c1 == "nonzero" else sympy.sympify(c1)
    return S(coeffs, n, KAB)


# ---------------------------------------------------------------------------
# construction, access, repr
# ---------------------------------------------------------------------------
def test_construction_and_access():
    f = S([1, sympy.Rational(1, 2), Fraction(1, 3)], 5)
    assert f.prec == len(f) == 5
    assert expr_of(f) == [1, sympy.Rational(1, 2), sympy.Rational(1, 3), 0, 0]
    assert f[1] == flint.fmpq(1, 2)
    assert repr(f) == "1 + 1/2*x + 1/3*x**2 + O(x**5)"
    assert Series.x(3).valuation() == 1 and S([], 4).valuation() == 4 and S([], 4).is_zero()
    assert repr(S([0, a + 1, -b], 3, KAB)) == "(a + 1)*x + -b*x**2 + O(x**3)"
    assert f._repr_latex_() == r"$\frac{x^{2}}{3} + \frac{x}{2} + 1 + O\left(x^{5}\right)$"


@pytest.mark.parametrize("prec", [0, -1, 1.5, True, "3"])
def test_bad_precision(prec):
    with pytest.raises(InputError, match="precision"):
        S([1], prec)


def test_refuses_inexact_and_foreign_coefficients():
    with pytest.raises(DomainError, match="not an exact rational"):
        Series.from_coefficients([sympy.Float(0.5)], prec=2)
    with pytest.raises(DomainError, match="not a parameter"):
        Series.from_coefficients([a], prec=2)  # over QQ
    with pytest.raises(DomainError, match="not a parameter"):
        Series.from_coefficients([sympy.Symbol("c")], prec=2, field=KAB)


def test_equality_needs_same_field_and_precision():
    f = S([1, 2], 3)
    assert f == S([1, 2, 0], 3)
    assert f != S([1, 2], 4)
    assert f != f.change_field(KT)
    assert f.change_field(KT) == S([1, 2], 3, KT)
    assert hash(f) == hash(S([1, 2], 3))


def test_mixing_fields_is_an_error():
    with pytest.raises(SeriesError, match="cannot be combined"):
        S([1, 1], 3) + S([1, 1], 3, KT)
    with pytest.raises(SeriesError, match="cannot combine"):
        S([1, 1], 3)._same(3)


def test_precision_is_the_smaller_one():
    f, g = S([1, 1, 1, 1], 4), S([1, 2], 2)
    assert (f + g).prec == 2 and (f * g).prec == 2
    assert f.truncate(2) == S([1, 1], 2)
    with pytest.raises(SeriesError, match="cannot raise the precision"):
        f.truncate(5)


def test_shift():
    f = S([0, 0, 1, 2], 4)
    assert f.shift(1) == S([0, 0, 0, 1, 2], 5)
    assert f.shift(-2) == S([1, 2], 2)
    with pytest.raises(SeriesError, match="not divisible by x\\*\\*3"):
        f.shift(-3)
    with pytest.raises(SeriesError, match="no coefficient left"):
        S([0, 0], 2).shift(-2)


def test_derivative_and_integral():
    f = S([1, 2, 3], 3)
    assert f.derivative() == S([2, 6], 2)
    assert f.integral() == S([0, 1, 1, 1], 4)
    assert f.integral().derivative() == f
    with pytest.raises(SeriesError, match="O\\(x\\)"):
        S([1], 1).derivative()


def test_scalar_arithmetic():
    f = S([1, 2], 3, KAB)
    assert f * a == S([a, 2 * a], 3, KAB)
    assert 2 * f == f + f == f * 2
    assert (f / a) * a == f
    assert (1 - f) == S([0, -2], 3, KAB)
    assert f - 1 == S([0, 2], 3, KAB)


# ---------------------------------------------------------------------------
# each operation against sympy's own series (QQ) and the oracle (QQ and QQ(a,b))
# ---------------------------------------------------------------------------
N = 8
SYMPY_CASES = [
    # (name, tpsym computation, sympy expression)
    ("product", lambda: S([1, 1], N) * S([1, -1, 1], N), (1 + x) * (1 - x + x**2)),
    ("inverse", lambda: S([1, -1, -1], N).inverse(), 1 / (1 - x - x**2)),  # Fibonacci, OEIS A000045
    ("quotient", lambda: S([2, 1], N) / S([1, -3], N), (2 + x) / (1 - 3 * x)),
    ("compose", lambda: S([1, 1, 1, 1, 1, 1, 1, 1], N).compose(S([0, 1, 1], N)), sum((x + x**2) ** k for k in range(N))),
    ("reversion", lambda: S([0, 1, 1], N).reversion(), (sympy.sqrt(1 + 4 * x) - 1) / 2),
    ("exp", lambda: S([0, 1, sympy.Rational(1, 2)], N).exp(), sympy.exp(x + x**2 / 2)),  # involutions, OEIS A000085 / n!
    ("log", lambda: S([1, 1, 2], N).log(), sympy.log(1 + x + 2 * x**2)),
    ("power 1/3", lambda: S([1, 1], N).power(sympy.Rational(1, 3)), (1 + x) ** sympy.Rational(1, 3)),
    ("power -5/2", lambda: S([1, -4], N).power(sympy.Rational(-5, 2)), (1 - 4 * x) ** sympy.Rational(-5, 2)),
    ("integer power", lambda: S([2, 1, 3], N) ** 3, (2 + x + 3 * x**2) ** 3),
    ("negative power", lambda: S([2, 1], N) ** -2, (2 + x) ** -2),
]


@pytest.mark.parametrize(("name", "compute", "expr"), SYMPY_CASES, ids=[c[0] for c in SYMPY_CASES])
def test_qq_against_sympy_series(name, compute, expr):
    assert expr_of(compute()) == O.sympy_coefficients(expr, x, N)


def test_catalan_by_reversion():
    # x = y - y^2 inverts to the Catalan series (OEIS A000108), to a large order on both paths
    cat = [sympy.catalan(k - 1) if k else 0 for k in range(40)]
    assert expr_of(S([0, 1, -1], 40).reversion()) == cat
    assert expr_of(S([0, 1, -1], 40, KT).reversion()) == cat


SYMBOLIC = [a + 1, b, a * b - 1, sympy.Integer(2), a**2]


def test_symbolic_operations_against_oracle():
    n = 5
    f = SYMBOLIC
    g = [0, a, b, 1, a * b]
    fs, gs = S(f, n, KAB), S(g, n, KAB)
    assert O.same(expr_of(fs * gs), O.mul(f, g, n))
    assert O.same(expr_of(fs.inverse()), O.inverse(f, n))
    assert O.same(expr_of(fs.compose(gs)), O.compose(f, g, n))
    assert O.same(expr_of(gs.reversion()), O.reversion(g, n))
    assert O.same(expr_of(gs.exp()), O.exp(g, n))
    one = [1, a, b, a * b, 1]
    assert O.same(expr_of(S(one, n, KAB).log()), O.log(one, n))
    assert O.same(expr_of(S(one, n, KAB).power(a)), O.power(one, a, n))
    assert O.same(expr_of(S(one, n, KAB).power(sympy.Rational(-1, 2))), O.power(one, sympy.Rational(-1, 2), n))


def test_symbolic_against_sympy_series():
    # (1 + a x)^b to order 5: coefficients binom(b, k) a^k, polynomials in b
    got = S([1, a], 5, KAB).power(b)
    assert O.same(expr_of(got), O.sympy_coefficients((1 + a * x) ** b, x, 5))
    # reversion of x/(1 - a x) is x/(1 + a x)
    got = S([0, 1, a, a**2, a**3, a**4], 6, KAB).reversion()
    assert O.same(expr_of(got), O.sympy_coefficients(x / (1 + a * x), x, 6))
    # a rational function coefficient: 1/(a - x)
    got = S([a, -1], 5, KAB).inverse()
    assert O.same(expr_of(got), O.sympy_coefficients(1 / (a - x), x, 5))


# ---------------------------------------------------------------------------
# QQ fast path (flint) == generic path (same coefficients over QQ(t))
# ---------------------------------------------------------------------------
def _both(f):
    return f, f.change_field(KT)


@SETTINGS
@given(qq_series(), qq_series())
def test_fast_path_equals_generic_ring_ops(f, g):
    for op in (lambda u, v: u * v, lambda u, v: u + v, lambda u, v: u - v):
        fast = op(f, g)
        slow = op(f.change_field(KT), g.change_field(KT))
        assert expr_of(fast) == expr_of(slow)


@SETTINGS
@given(qq_series(c0=1), qq_series(c0=0, c1="nonzero"), st.fractions(-3, 3, max_denominator=4))
def test_fast_path_equals_generic_path(f, g, alpha):
    alpha = sympy.Rational(alpha.numerator, alpha.denominator)
    fK, gK = f.change_field(KT), g.change_field(KT)
    assert expr_of(f.inverse()) == expr_of(fK.inverse())
    assert expr_of(g.reversion()) == expr_of(gK.reversion())
    assert expr_of(f.compose(g)) == expr_of(fK.compose(gK))
    assert expr_of(g.exp()) == expr_of(gK.exp())
    assert expr_of(f.log()) == expr_of(fK.log())
    assert expr_of(f.power(alpha)) == expr_of(fK.power(alpha))


@pytest.mark.parametrize(
    "coeffs",
    [
        [0, 3, -1, sympy.Rational(1, 7)],  # linear coefficient not 1
        [0, sympy.Rational(2, 3), sympy.Rational(5, 9), sympy.Rational(1, 4)],
        [0, 1] + [sympy.Rational(1, sympy.factorial(k)) for k in range(2, 30)],  # factorial denominators: fallback
        [0, -1] + [sympy.Rational(1, 6**k) for k in range(2, 30)],
    ],
)
def test_qq_reversion_paths_agree(coeffs):
    n = len(coeffs)
    fast = S(coeffs, n).reversion()
    slow = S(coeffs, n, KT).reversion()
    ref = flint.fmpq_series([QQ.from_expr(c) for c in coeffs], prec=n)
    with _cap(n):
        ref = ref.reversion().coeffs()
    assert expr_of(fast) == expr_of(slow)
    assert [fast[k] for k in range(len(ref))] == list(ref)


class _cap:
    def __init__(self, n):
        self.n = n

    def __enter__(self):
        self.old = flint.ctx.cap
        flint.ctx.cap = max(self.old, self.n)

    def __exit__(self, *exc):
        flint.ctx.cap = self.old


@pytest.mark.parametrize("field", [QQ, KT], ids=["QQ", "QQ(t)"])
def test_compose_with_the_zero_series(field):
    # regression: flint refused a zero inner series ("nonzero constant term")
    f = S([3, 1, 2], 5, field)
    assert f.compose(S([], 5, field)) == S([3], 5, field)
    assert S([], 5, field).compose(S([], 5, field)).is_zero()


def test_flint_cap_is_restored():
    old = flint.ctx.cap
    S([0, 1, -1], 50).reversion()
    S([1, 1], 60).inverse()
    assert flint.ctx.cap == old


# ---------------------------------------------------------------------------
# inverse vs reversion: two operations, two errors
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("field", [QQ, KT], ids=["QQ", "QQ(t)"])
def test_inverse_and_reversion_errors(field):
    with pytest.raises(InversionError, match="constant term 0 .*did you mean reversion"):
        S([0, 1], 4, field).inverse()
    with pytest.raises(ReversionError, match="non-zero constant term"):
        S([1, 1], 4, field).reversion()
    with pytest.raises(ReversionError, match="linear coefficient is zero"):
        S([0, 0, 1], 4, field).reversion()
    # the error classes are told apart and fit the builtins
    assert issubclass(InversionError, ZeroDivisionError) and not issubclass(ReversionError, ZeroDivisionError)
    assert issubclass(ReversionError, ArithmeticError)


def test_other_domain_errors():
    with pytest.raises(SeriesError, match="exp\\(f\\) needs f\\(0\\) = 0"):
        S([1, 1], 3).exp()
    with pytest.raises(SeriesError, match="log\\(f\\) needs f\\(0\\) = 1"):
        S([2, 1], 3).log()
    with pytest.raises(SeriesError, match="non-integer alpha needs f\\(0\\) = 1"):
        S([2, 1], 3).power(sympy.Rational(1, 2))
    with pytest.raises(SeriesError, match="g\\(0\\) = 0"):
        S([1, 1], 3).compose(S([1, 1], 3))
    with pytest.raises(SeriesError, match="use .power"):
        S([1, 1], 3) ** sympy.Rational(1, 2)
    with pytest.raises(DomainError, match="not an exact rational"):
        S([1, 1], 3).power(0.5)
    with pytest.raises(DomainError, match="not a parameter"):
        S([1, 1], 3).power(a)  # a symbol outside QQ
    with pytest.raises(InversionError):
        S([1, 1], 3, KAB).inverse().compose(S([0, 1], 3, KAB)) / 0


def test_integer_power_any_constant_term():
    f = S([3, 1, 2], 6)
    assert f.power(4) == f * f * f * f == f ** sympy.Integer(4)
    assert f.power(-1) == f.inverse()
    assert f**0 == Series.constant(1, 6)


# ---------------------------------------------------------------------------
# hypothesis: identities that follow from the definitions
# ---------------------------------------------------------------------------
def _one(f):
    return Series.constant(1, f.prec, f.field)


@SETTINGS
@given(st.one_of(qq_series().filter(lambda f: f[0] != 0), sym_series().filter(lambda f: not f.field.is_zero(f[0]))))
@example(S([1, -1], 8))
def test_inverse_property(f):
    assert f * f.inverse() == _one(f)
    assert f.inverse().inverse() == f


@SETTINGS
@given(st.one_of(qq_series(c0=0, c1="nonzero"), sym_series(c0=0, c1="nonzero")))
@example(S([0, 1, -1], 10))
def test_reversion_property(f):
    X = Series.x(f.prec, f.field)
    r = f.reversion()
    assert r.compose(f) == X
    assert f.compose(r) == X
    assert r.reversion() == f


@SETTINGS
@given(st.one_of(qq_series(c0=1), sym_series(c0=1)))
def test_exp_log(f):
    assert f.log().exp() == f
    g = f - 1
    assert g.exp().log() == g


@SETTINGS
@given(sym_series(c0=1, prec=4))
def test_symbolic_powers_compose(f):
    A = KAB.gen("a")
    assert f.power(a).power(b) == f.power(a * b)
    assert f.power(a) * f.power(b) == f.power(a + b)
    assert f.power(A) == f.power(a)
    assert f.power(a).log() == f.log() * A


@SETTINGS
@given(st.one_of(qq_series(), sym_series()), st.integers(0, 5))
def test_integer_power_is_repeated_product(f, k):
    expected = _one(f)
    for _ in range(k):
        expected = expected * f
    assert f.power(k) == expected
    assert f ** k == expected
    if f[0] == f.field.one:
        # through Miller's recurrence / flint's exp-log with a field element as exponent
        assert f.power(f.field.from_int(k)) == expected


@SETTINGS
@given(
    st.one_of(
        st.tuples(qq_series(prec=7), qq_series(prec=7, c0=0), qq_series(prec=7, c0=0)),
        st.tuples(sym_series(prec=4), sym_series(prec=4, c0=0), sym_series(prec=4, c0=0)),
    )
)
def test_composition_is_associative(fgh):
    f, g, h = fgh
    assert f.compose(g).compose(h) == f.compose(g.compose(h))
    assert f.compose(Series.x(f.prec, f.field)) == f


@SETTINGS
@given(qq_series(), qq_series())
def test_ring_axioms(f, g):
    assert f * g == g * f
    assert (f + g) * f == f * f + g * f
    assert (f - f).is_zero()
