"""Tests of tpsym.free.cumulants: moments <-> free / boolean / classical cumulants.

Reference values carry their source; the two routes ("series", "lattice") are
checked against each other and against the brute-force sums of ``_oracle``.
"""

from __future__ import annotations


import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from free import _oracle as O
from tpsym.combinat import noncrossing_partitions
from tpsym.errors import DomainError, InputError
from tpsym.free import cumulants_from_moments, moments_from_cumulants, type_counts
from tpsym.laws import boxpower, free_poisson, mp, semicircle

KINDS = ("free", "boolean", "classical")
METHODS = ("series", "lattice")
lam, alpha, c = sympy.symbols("lam alpha c")
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# OEIS A000108 (Catalan numbers C_0..C_10)
CATALAN = (1, 1, 2, 5, 14, 42, 132, 429, 1430, 4862, 16796)
# OEIS A001263 (Narayana triangle N(n, k), rows n = 1..6)
NARAYANA = (
    (1,),
    (1, 1),
    (1, 3, 1),
    (1, 6, 6, 1),
    (1, 10, 20, 10, 1),
    (1, 15, 50, 50, 15, 1),
)
# OEIS A001764 (binom(3n, n)/(2n+1), n = 1..8) and A002293 (binom(4n, n)/(3n+1), n = 1..7)
FUSS_CATALAN_3 = (1, 3, 12, 55, 273, 1428, 7752, 43263)
FUSS_CATALAN_4 = (1, 4, 22, 140, 969, 7084, 53820)
# OEIS A000110 (Bell numbers B_1..B_10)
BELL = (1, 2, 5, 15, 52, 203, 877, 4140, 21147, 115975)
# OEIS A001147 (double factorials (2k-1)!!, k = 1..5)
DOUBLE_FACTORIAL = (1, 3, 15, 105, 945)


# ---------------------------------------------------------------------------
# reference values
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("method", METHODS)
def test_catalan_from_semicircle_and_mp(method):
    m = moments_from_cumulants([0, 1] + [0] * 18, kind="free", method=method)
    assert m[1::2] == CATALAN[1:]
    assert all(x == 0 for x in m[0::2])
    assert mp(ratio=1).moments(10) == CATALAN[1:]  # OEIS A000108


def test_narayana_from_free_poisson():
    # m_n(free Poisson of rate lam) = sum_k N(n, k) lam^k (OEIS A001263; Nica–Speicher, Prop. 12.11)
    moms = free_poisson(rate=lam).moments(len(NARAYANA))
    for row, m in zip(NARAYANA, moms):
        assert sympy.Poly(m, lam).all_coeffs()[::-1] == [0, *row]
    # MP with ratio c: m_n = sum_k N(n, k) c^(k-1)  (docs/design.md conventions)
    for row, m in zip(NARAYANA, mp(ratio=c).moments(len(NARAYANA))):
        assert sympy.Poly(m, c).all_coeffs()[::-1] == list(row)


def test_fuss_catalan_from_boxpowers():
    assert boxpower(mp(ratio=1), 2).moments(8) == FUSS_CATALAN_3  # OEIS A001764
    assert boxpower(mp(ratio=1), 3).moments(7) == FUSS_CATALAN_4  # OEIS A002293


@pytest.mark.parametrize("method", METHODS)
def test_bell_numbers_from_classical(method):
    # all classical cumulants 1 (Poisson law of rate 1): moments are the Bell numbers (OEIS A000110)
    assert moments_from_cumulants([1] * 10, kind="classical", method=method) == BELL


@pytest.mark.parametrize("method", METHODS)
def test_gaussian_double_factorials(method):
    m = moments_from_cumulants([0, 1] + [0] * 8, kind="classical", method=method)
    assert m[1::2] == DOUBLE_FACTORIAL  # OEIS A001147
    assert cumulants_from_moments(m, kind="classical", method=method) == (0, 1) + (0,) * 8


@pytest.mark.parametrize("method", METHODS)
def test_boolean_cumulants_of_the_semicircle(method):
    # eta = 1 - 1/M = z^2 M(z) for the semicircle, so b_{2k} = C_{k-1} (OEIS A000108) and b_odd = 0
    b = semicircle().cumulants(12, kind="boolean")
    assert b[1::2] == CATALAN[:6] and all(x == 0 for x in b[0::2])
    assert cumulants_from_moments(semicircle().moments(12), kind="boolean", method=method) == b


def test_free_cumulants_of_free_poisson():
    # Nica–Speicher, Proposition 12.11: kappa_n = lam alpha^n
    law = free_poisson(rate=lam, jump=alpha)
    assert law.cumulants(6) == tuple(lam * alpha**n for n in range(1, 7))
    assert O.same(cumulants_from_moments(law.moments(6), method="lattice"), law.cumulants(6))
    assert mp(ratio=c).cumulants(5) == tuple(c ** (n - 1) for n in range(1, 6))


def test_type_counts_totals_and_kreweras_formula():
    for n in range(1, 9):
        assert sum(k for _, k in type_counts(n, "free")) == CATALAN[n]
        assert sum(k for _, k in type_counts(n, "boolean")) == 2 ** (n - 1)
        assert sum(k for _, k in type_counts(n, "classical")) == ([1] + list(BELL))[n]
    # Kreweras' type formula against the enumeration of NC(n) by tpsym.combinat and by the oracle
    for n in range(1, 8):
        by_type: dict = {}
        for p in noncrossing_partitions(n):
            sizes = sorted((len(b) for b in p.blocks), reverse=True)
            typ = tuple(sorted({s: sizes.count(s) for s in sizes}.items(), reverse=True))
            by_type[typ] = by_type.get(typ, 0) + 1
        assert by_type == dict(type_counts(n, "free"))
        assert len(O.nc_partitions(n)) == CATALAN[n]


# ---------------------------------------------------------------------------
# the two routes agree with each other and with the brute-force sums
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_series_equals_lattice_symbolic_order_10(kind):
    m = sympy.symbols("m1:11")
    k = sympy.symbols("k1:11")
    assert cumulants_from_moments(m, kind=kind, method="series") == cumulants_from_moments(m, kind=kind, method="lattice")
    assert moments_from_cumulants(k, kind=kind, method="series") == moments_from_cumulants(k, kind=kind, method="lattice")


@pytest.mark.parametrize("kind", KINDS)
def test_against_brute_force_partition_sums(kind):
    k = sympy.symbols("k1:8")
    brute = O.moments_from_cumulants(list(k), kind)
    assert moments_from_cumulants(k, kind=kind) == tuple(brute)
    m = sympy.symbols("m1:8")
    assert O.same(cumulants_from_moments(m, kind=kind), O.cumulants_from_moments(list(m), kind))


# ---------------------------------------------------------------------------
# round trips on random exact sequences
# ---------------------------------------------------------------------------
rationals = st.fractions(min_value=-4, max_value=4, max_denominator=5).map(lambda f: sympy.Rational(f.numerator, f.denominator))
a, b = sympy.symbols("a b")
small_exprs = st.sampled_from([a, b, a + b, a * b, 2 * a - 1, sympy.Rational(1, 2) * b**2, sympy.Integer(0), sympy.Integer(3)])


@SETTINGS
@given(st.lists(rationals, min_size=1, max_size=12), st.sampled_from(KINDS), st.sampled_from(METHODS))
def test_round_trip_rational(values, kind, method):
    values = tuple(values)
    assert moments_from_cumulants(cumulants_from_moments(values, kind=kind, method=method), kind=kind, method=method) == values
    assert cumulants_from_moments(moments_from_cumulants(values, kind=kind, method=method), kind=kind, method=method) == values
    other = "lattice" if method == "series" else "series"
    assert moments_from_cumulants(values, kind=kind, method=method) == moments_from_cumulants(values, kind=kind, method=other)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(small_exprs, min_size=1, max_size=5), st.sampled_from(KINDS))
def test_round_trip_symbolic(values, kind):
    cum = cumulants_from_moments(values, kind=kind)
    assert O.same(moments_from_cumulants(cum, kind=kind), values)
    assert O.same(cum, cumulants_from_moments(values, kind=kind, method="lattice"))


def test_atoms_survive_a_round_trip():
    values = [sympy.sqrt(2), sympy.pi, 1]
    assert O.same(moments_from_cumulants(cumulants_from_moments(values)), values)


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------
def test_bad_input():
    with pytest.raises(InputError, match="unknown cumulant kind 'monotone'"):
        moments_from_cumulants([1], kind="monotone")
    with pytest.raises(InputError, match="unknown method 'fast'"):
        cumulants_from_moments([1], method="fast")
    with pytest.raises(InputError, match="give at least one cumulant"):
        moments_from_cumulants([])
    with pytest.raises(InputError, match="not a string"):
        cumulants_from_moments("123")
    with pytest.raises(DomainError, match="float"):
        moments_from_cumulants([0.5])
    with pytest.raises(InputError, match="unknown cumulant kind"):
        type_counts(3, "monotone")


def test_single_term_sequences():
    for kind in KINDS:
        assert moments_from_cumulants([c], kind=kind) == (c,)
        assert cumulants_from_moments([c], kind=kind) == (c,)
