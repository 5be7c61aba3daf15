"""Tests of ⊞ and ⊠ (tpsym.free.convolution and the law operations built on it):
commutativity, associativity, powers with a symbolic exponent, and the
series route for a factor of mean 0 against the Kreweras sum."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import HealthCheck, given, settings

from free import _oracle as O
from free._laws import catalogue_laws, nonzero_mean_laws
from tpsym.errors import DomainError, InputError
from tpsym.free import boxplus as boxplus_seq
from tpsym.free import boxplus_power as boxplus_power_seq
from tpsym.free import boxtimes as boxtimes_seq
from tpsym.free import boxtimes_power, mixed_moment
from tpsym.free.convolution import (
    KREWERAS_MAX_ORDER,
    boxtimes_kreweras,
    boxtimes_s,
    _boxtimes_two_kreweras,
    _boxtimes_two_series,
)
from tpsym.free.transforms import s_transform_in
from tpsym.laws import (
    arcsine,
    bernoulli,
    boxplus,
    boxplus_power,
    boxpower,
    boxtimes,
    dirac,
    free_poisson,
    generic_law,
    mp,
    semicircle,
    symmetric_bernoulli,
)
from tpsym.series import QQ

ORDER = 6
L, t, c, s = sympy.symbols("L t c s")
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------
# commutativity and associativity on laws
# ---------------------------------------------------------------------------
@SETTINGS
@given(catalogue_laws, catalogue_laws, catalogue_laws)
def test_boxplus_commutative_associative(a, b, c_):
    assert boxplus(a, b).moments(ORDER) == boxplus(b, a).moments(ORDER)
    three = boxplus(a, b, c_).moments(ORDER)
    assert boxplus(boxplus(a, b), c_).moments(ORDER) == three == boxplus(a, boxplus(b, c_)).moments(ORDER)
    assert boxplus_seq(a.moments(ORDER), b.moments(ORDER), c_.moments(ORDER)) == three


@SETTINGS
@given(catalogue_laws, catalogue_laws, catalogue_laws)
def test_boxtimes_commutative_associative(a, b, c_):
    # any means, 0 included: the Kreweras route takes over when a factor has mean 0
    n = 5
    ab = boxtimes(a, b).moments(n)
    assert ab == boxtimes(b, a).moments(n)
    three = boxtimes(a, b, c_).moments(n)
    assert boxtimes(boxtimes(a, b), c_).moments(n) == three == boxtimes(a, boxtimes(b, c_)).moments(n)
    assert boxtimes_seq(a.moments(n), b.moments(n), c_.moments(n)) == three


def test_symbolic_commutativity_associativity():
    laws = [mp(ratio=c), semicircle(variance=s, mean=1), free_poisson(rate=t)]
    a, b, d = laws
    assert O.same(boxtimes(a, b).moments(5), boxtimes(b, a).moments(5))
    assert O.same(boxtimes(boxtimes(a, b), d).moments(4), boxtimes(a, boxtimes(b, d)).moments(4))
    assert boxplus(boxplus(a, b), d).moments(5) == boxplus(a, boxplus(b, d)).moments(5)


# ---------------------------------------------------------------------------
# powers
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("k", [2, 3])
def test_symbolic_boxpower_specialises_to_integer_powers(k):
    sym = boxpower(mp(ratio=1), L).moments(8)
    assert tuple(sympy.expand(m.subs(L, k)) for m in sym) == boxpower(mp(ratio=1), k).moments(8)
    # a base of mean != 1: moments are m_1^(n L) times polynomials in L
    base = free_poisson(rate=2, jump=sympy.Rational(1, 3))
    sym = boxpower(base, L).moments(5)
    assert tuple(sympy.expand(m.subs(L, k)) for m in sym) == boxtimes(*([base] * k)).moments(5)


def test_symbolic_boxpower_is_polynomial_in_L():
    for n, m in enumerate(boxpower(mp(ratio=c), L).moments(6), 1):
        p = sympy.Poly(m, L, c)
        assert p.degree(L) == n - 1  # Fuss–Catalan: degree n-1 in L
    assert boxtimes_power([1, 2, 5, 14], L) == boxpower(mp(ratio=1), L).moments(4)


@SETTINGS
@given(nonzero_mean_laws)
def test_boxpower_one_is_the_law(law):
    assert boxpower(law, 1).moments(ORDER) == law.moments(ORDER)
    sym = boxpower(law, L).moments(4)
    assert tuple(sympy.expand(m.subs(L, 1)) for m in sym) == law.moments(4)


@SETTINGS
@given(catalogue_laws)
def test_boxplus_power_two_is_boxplus(law):
    assert boxplus_power(law, 2).moments(ORDER) == boxplus(law, law).moments(ORDER)
    sym = boxplus_power(law, t).moments(4)
    assert tuple(sympy.expand(m.subs(t, 2)) for m in sym) == boxplus(law, law).moments(4)
    assert boxplus_power_seq(law.moments(4), 2) == boxplus(law, law).moments(4)


def test_boxplus_power_free_compression():
    # semicircle^{⊞t} is the semicircle of variance t; mp(1)^{⊞t} is free Poisson of rate t
    assert boxplus_power(semicircle(), t).moments(6) == semicircle(variance=t).moments(6)
    assert O.same(boxplus_power(mp(ratio=1), t).moments(5), free_poisson(rate=t).moments(5))


def test_rational_boxpower():
    # rational exponent: m_2 = 1 + L, m_3 = 3L^2/2 + 5L/2 + 1 at L = 3/2 (Fuss–Catalan polynomials)
    assert boxpower(mp(ratio=1), sympy.Rational(3, 2)).moments(3) == (1, sympy.Rational(5, 2), sympy.Rational(65, 8))


# ---------------------------------------------------------------------------
# ⊠ with a factor of mean 0: Kreweras route
# ---------------------------------------------------------------------------
def test_kreweras_route_equals_mixed_moments():
    a, b = semicircle(variance=2), mp(ratio=sympy.Rational(1, 2))
    moms = boxtimes(a, b).moments(8)
    for n in range(1, 9):
        assert moms[n - 1] == mixed_moment(" ".join(["a", "b"] * n), {"a": a, "b": b})
    # two centred factors: phi(abab) = m2(a) m1(b)^2 + m1(a)^2 m2(b) - m1(a)^2 m1(b)^2 = 0
    a, b = semicircle(), symmetric_bernoulli()
    moms = boxtimes(a, b).moments(6)
    assert moms[1] == 0
    assert moms == tuple(mixed_moment(["a", "b"] * n, {"a": a, "b": b}) for n in range(1, 7))


@SETTINGS
@given(nonzero_mean_laws, nonzero_mean_laws)
def test_kreweras_route_equals_s_route_where_both_exist(a, b):
    n = 6
    ma = [QQ.from_expr(x) for x in a.moments(n)]
    mb = [QQ.from_expr(x) for x in b.moments(n)]
    via_s = boxtimes_s([s_transform_in(ma, QQ, n), s_transform_in(mb, QQ, n)], QQ)
    via_k = boxtimes_kreweras([ma, mb], QQ)
    assert via_s == via_k


def test_kreweras_route_symbolic():
    x, y = generic_law("x"), generic_law("y")
    got = boxtimes(semicircle(variance=s), x).moments(6)
    for n in range(1, 7):
        assert O.same([got[n - 1]], [mixed_moment(["a", "b"] * n, {"a": semicircle(variance=s), "b": x})])
    # generic laws of symbolic, non-zero mean go the S route; the Kreweras route must agree
    via_s = boxtimes(x, y).moments(5)
    for n in range(1, 6):
        assert O.same([via_s[n - 1]], [mixed_moment(["a", "b"] * n, {"a": x, "b": y})])


def test_mean_zero_products_have_no_order_limit():
    # the series route is polynomial in the order; the Kreweras sum (the witness) stays limited
    moms = boxtimes(semicircle(), bernoulli(sympy.Rational(1, 2))).moments(40)
    # m_16 = phi((ab)^16), the 32-letter word of the interval recursion of tpsym.free.mixed
    word = mixed_moment(["a", "b"] * 16, {"a": semicircle(), "b": bernoulli(sympy.Rational(1, 2))})
    assert moms[15] == word == sympy.Rational(715, 256)
    # semicircle ⊠ Bernoulli(1/2) is the dilution of a semicircle of variance 1/2 (both are the
    # law of p s p on the range of a projection p of trace 1/2, padded with zeros)
    from tpsym.laws import dilute

    assert moms == dilute(semicircle(variance=sympy.Rational(1, 2)), sympy.Rational(1, 2)).moments(40)
    assert boxtimes_seq([0, 1] * 8, [1] * 16) == symmetric_bernoulli().moments(16)  # x ⊠ δ_1 = x
    with pytest.raises(DomainError, match=f"limited to order {KREWERAS_MAX_ORDER}, {KREWERAS_MAX_ORDER + 1} asked"):
        _boxtimes_two_kreweras([QQ.zero] * 15, [QQ.one] * 15, QQ)
    # a ⊠-power of a mean-0 law: integer exponents take the series route, symbolic ones cannot
    assert boxpower(semicircle(), 2).moments(6) == boxtimes(semicircle(), semicircle()).moments(6)
    with pytest.raises(DomainError, match="needs a base of non-zero mean"):
        boxpower(semicircle(), L).moments(2)


@SETTINGS
@given(catalogue_laws, catalogue_laws)
def test_series_route_equals_the_kreweras_sum(a, b):
    # means 0 included: the three first-block equations against the sum over NC(n)
    n = 8
    ma = [QQ.from_expr(x) for x in a.moments(n)]
    mb = [QQ.from_expr(x) for x in b.moments(n)]
    assert _boxtimes_two_series(ma, mb, QQ) == _boxtimes_two_kreweras(ma, mb, QQ)


def test_series_route_symbolic_against_the_kreweras_sum():
    enc, F = None, None
    from tpsym.series.encode import Encoder

    a, b = semicircle(variance=s), mp(ratio=c)
    n = 7
    enc = Encoder.for_exprs([*a.moments(n), *b.moments(n)])
    F = enc.field
    ma, mb = [enc.encode(x) for x in a.moments(n)], [enc.encode(x) for x in b.moments(n)]
    assert _boxtimes_two_series(ma, mb, F) == _boxtimes_two_kreweras(ma, mb, F)
    assert boxtimes(a, b).moments(n)[3] == sympy.expand(2 * s**2 * (c + 1))


# ---------------------------------------------------------------------------
# sequence-level functions: reference values and errors
# ---------------------------------------------------------------------------
def test_sequence_level_values():
    assert boxtimes_seq([1, 2, 5, 14], [1, 2, 5, 14]) == (1, 3, 12, 55)  # OEIS A001764
    assert boxplus_seq([0, 1, 0, 2], [0, 1, 0, 2]) == (0, 2, 0, 8)
    assert boxplus_seq([1, 2, 5], [0, 1]) == (1, 3)  # shortest input wins
    assert boxtimes_power([2, 8], 2) == boxtimes_seq([2, 8], [2, 8])
    assert O.same(boxtimes_power([2, 8], L), (2**L, 2 ** (2 * L) * (L + 1)))
    assert boxplus(dirac(1), arcsine()).moments(3) == tuple(sympy.expand(m) for m in (1, 3, 7))
    assert boxtimes(bernoulli(sympy.Rational(1, 2)), dirac(2)).moments(3) == (1, 2, 4)


def test_sequence_level_errors():
    with pytest.raises(InputError, match="at least one moment sequence"):
        boxplus_seq()
    with pytest.raises(InputError, match="non-empty sequence"):
        boxtimes_seq([1], [])
    with pytest.raises(DomainError, match="exponent ≥ 1"):
        boxtimes_power([1, 2], 0)
    with pytest.raises(DomainError, match="non-zero mean"):
        boxtimes_power([0, 1], L)
    with pytest.raises(InputError, match="non-empty sequence"):
        boxtimes_power("12", L)


def test_semicircle_times_mp_even_moments():
    # m_{2k}(s ⊠ mp(1)) = m_k(mp(1)^{⊠3}) for s semicircle: OEIS A002293, through the Kreweras route
    moms = boxtimes(semicircle(), mp(ratio=1)).moments(12)
    assert moms[1::2] == (1, 4, 22, 140, 969, 7084)
    assert all(m == 0 for m in moms[0::2])
