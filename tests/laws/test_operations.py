"""Tests of tpsym.laws.operations: operations on laws, specs, LaTeX, errors."""

from __future__ import annotations

import pytest
import sympy

from tpsym.errors import DomainError, InputError
from tpsym.laws import (
    BoxPlus,
    BoxPower,
    boxplus,
    boxplus_power,
    boxpower,
    boxtimes,
    dirac,
    fuss_catalan,
    generic_law,
    mp,
    scale,
    semicircle,
    shift,
)

L, c, s, t = sympy.symbols("L c s t")


class O:  # noqa: E742 (a one-letter helper: every assertion reads O.same(...))
    """Equality of expression lists as rational functions (canonical form through cancel).

    Powers of one base with symbolic exponents are joined first (``mu**(2*L - 2)/mu**(2*L)``).
    """

    @staticmethod
    def same(xs, ys):
        xs, ys = list(xs), list(ys)
        return len(xs) == len(ys) and all(
            sympy.cancel(sympy.powsimp(sympy.sympify(x) - sympy.sympify(y), combine="exp")) == 0 for x, y in zip(xs, ys)
        )


half = sympy.Rational(1, 2)

SPECS = [
    (boxplus(semicircle(), mp(ratio=c)), "boxplus(semicircle(), mp(ratio=c))"),
    (boxtimes(mp(ratio=half), mp(ratio=sympy.Rational(1, 3))), "boxtimes(mp(ratio=1/2), mp(ratio=1/3))"),
    (boxpower(mp(ratio=1), L), "boxpower(mp(ratio=1), L)"),
    (boxplus_power(semicircle(), sympy.Rational(3, 2)), "boxplus_power(semicircle(), 3/2)"),
    (scale(semicircle(), 2), "scale(semicircle(), 2)"),
    (shift(mp(ratio=1), -1), "shift(mp(ratio=1), -1)"),
    (fuss_catalan(3), "boxpower(mp(ratio=1), 3)"),
    (boxpower(boxtimes(mp(ratio=1), generic_law("mu")), L), "boxpower(boxtimes(mp(ratio=1), law(moments=mu)), L)"),
]


@pytest.mark.parametrize(("law", "spec"), SPECS, ids=[x for _, x in SPECS])
def test_specs(law, spec):
    assert str(law) == spec


LATEX = [
    (boxplus(semicircle(), mp(ratio=half)), r"\mathrm{SC}\left(1\right) \boxplus \mathrm{MP}\left(\frac{1}{2}\right)"),
    (boxtimes(mp(ratio=1), boxplus(semicircle(), dirac(1))), r"\mathrm{MP}\left(1\right) \boxtimes \left(\mathrm{SC}\left(1\right) \boxplus \delta_{1}\right)"),
    (boxpower(mp(ratio=1), L), r"\left(\mathrm{MP}\left(1\right)\right)^{\boxtimes L}"),
    (boxplus_power(semicircle(), 2), r"\left(\mathrm{SC}\left(1\right)\right)^{\boxplus 2}"),
    (scale(boxplus(semicircle(), dirac(1)), 2), r"2 \cdot \left(\mathrm{SC}\left(1\right) \boxplus \delta_{1}\right)"),
    (shift(semicircle(), 1), r"\mathrm{SC}\left(1\right) + 1"),
]


@pytest.mark.parametrize(("law", "tex"), LATEX, ids=[x for _, x in LATEX])
def test_latex(law, tex):
    assert sympy.latex(law) == tex


def test_equality_hash_parameters():
    a = boxplus(semicircle(variance=s), mp(ratio=c))
    assert a == boxplus(semicircle(variance=s), mp(ratio=c)) and hash(a) == hash(boxplus(semicircle(variance=s), mp(ratio=c)))
    assert isinstance(a, BoxPlus) and a.factors == (semicircle(variance=s), mp(ratio=c))
    assert a.parameters == {s, c}
    assert boxpower(mp(ratio=c), L).parameters == {c, L}
    assert isinstance(boxpower(mp(ratio=1), 2), BoxPower) and boxpower(mp(ratio=1), 2).exponent == 2
    assert boxplus(semicircle(), mp(ratio=1)) != boxplus(mp(ratio=1), semicircle())  # as values; same moments
    assert boxplus(semicircle(), mp(ratio=1)).moments(4) == boxplus(mp(ratio=1), semicircle()).moments(4)


def test_errors():
    with pytest.raises(InputError, match="boxplus needs at least two laws, got 1"):
        boxplus(semicircle())
    with pytest.raises(InputError, match="argument 2 of boxtimes is not a law: 3"):
        boxtimes(mp(ratio=1), 3)
    with pytest.raises(DomainError, match="boxpower needs an exponent >= 1, got 0"):
        boxpower(mp(ratio=1), 0)
    with pytest.raises(DomainError, match="got 1/2"):
        boxplus_power(mp(ratio=1), half)
    with pytest.raises(DomainError, match="positive exponent"):
        boxpower(mp(ratio=1), sympy.Symbol("n", negative=True))
    with pytest.raises(DomainError, match="got 1/2"):  # a float is the decimal it prints as
        boxpower(mp(ratio=1), 0.5)
    for op in (boxpower, boxplus_power, scale, shift):
        with pytest.raises(InputError, match="needs a law as its first argument"):
            op([1, 2], 2)


def test_scale_and_shift():
    assert scale(mp(ratio=c), 2).moments(3) == tuple(2**k * m for k, m in enumerate(mp(ratio=c).moments(3), 1))
    assert shift(semicircle(), 1).moments(3) == (1, 2, 4)
    assert shift(semicircle(), t).cumulants(3) == (t, 1, 0)
    assert O.same(scale(semicircle(), c).cumulants(4), (0, c**2, 0, 0))


def test_fuss_catalan_laws():
    assert fuss_catalan(2).moments(5) == (1, 3, 12, 55, 273)  # OEIS A001764
    assert fuss_catalan(3).moments(5) == (1, 4, 22, 140, 969)  # OEIS A002293
    # symbolic depth: m_k(mp^{⊠L}) = binom((L+1)k, k)/(L k + 1)
    for k, m in enumerate(fuss_catalan(L).moments(5), 1):
        closed = sympy.expand_func(sympy.binomial((L + 1) * k, k)) / (L * k + 1)
        assert sympy.cancel(closed - m) == 0


def test_boxpower_of_a_generic_product():
    mu = [sympy.Symbol(f"mu_{k}") for k in range(1, 4)]
    law = boxpower(boxtimes(mp(ratio=1), generic_law("mu")), L)
    m = law.moments(3)
    assert m[0] == mu[0] ** L
    # m_2 = mu_1^(2L) (1 + L mu_2 / mu_1^2): the mean-1 rescaling has variance mu_2 / mu_1^2
    assert O.same([m[1] / mu[0] ** (2 * L)], [1 + L * mu[1] / mu[0] ** 2])
    for v in (1, 2):
        base = boxtimes(mp(ratio=1), generic_law("mu"))
        direct = boxtimes(*([base] * v)).moments(3) if v > 1 else base.moments(3)
        assert O.same([sympy.expand(x.subs(L, v)) for x in m], direct)


# -- dilute and compress ------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tpsym.laws import compress, dilute, free_poisson  # noqa: E402
from tpsym.strategies import laws as law_strategy  # noqa: E402

FRACTIONS = st.fractions(min_value=sympy.Rational(1, 10), max_value=1, max_denominator=12).map(
    lambda f: sympy.Rational(f.numerator, f.denominator)
)


@settings(max_examples=40, deadline=None)
@given(law_strategy(max_leaves=2), FRACTIONS)
def test_dilute_scales_moments_and_both_routes_agree(law, fraction):
    from tpsym.laws.lattice import lattice_moments

    dil = dilute(law, fraction)
    assert dil.moments(6) == tuple(sympy.nsimplify(fraction * m) for m in law.moments(6))
    assert lattice_moments(dil, 6) == dil.moments(6)


@settings(max_examples=25, deadline=None)
@given(law_strategy(max_leaves=2, nonzero_mean=True), FRACTIONS)
def test_dilute_s_transform(law, fraction):
    # S(z) = (1 + z)/(c + z) · S_law(z/c): an independent route through series composition
    z = sympy.Symbol("z")
    n = 5
    S_law = sum(coef * (z / fraction) ** i for i, coef in enumerate(law.s_transform(n)))
    expected = sympy.series((1 + z) / (fraction + z) * S_law, z, 0, n).removeO()
    got = sum(coef * z**i for i, coef in enumerate(dilute(law, fraction).s_transform(n)))
    assert sympy.expand(got - expected) == 0


def test_dilute_symbolic_and_the_wishart_identity():
    # W Wᵀ with W of size N × M, M <= N: W̃ P W̃ᵀ with P of trace c = M/N (mp(ratio = N/M))
    c = sympy.Symbol("c", positive=True)
    got = scale(boxtimes(dilute(dirac(1), c), mp(ratio=1)), 1 / c).moments(6)
    assert O.same(got, mp(ratio=1 / c).moments(6))


def test_compress_free_poisson():
    # the compression of a free Poisson law by t is free Poisson of rate lam/t and jump t
    lam, t = sympy.Rational(3, 2), sympy.Rational(1, 3)
    assert compress(free_poisson(rate=lam), t).moments(6) == free_poisson(rate=lam / t, jump=t).moments(6)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: dilute(semicircle(), 0), r"dilute needs a fraction in \(0, 1\], got 0"),
        (lambda: dilute(semicircle(), 2), r"dilute needs a fraction in \(0, 1\], got 2"),
        (lambda: dilute(semicircle(), -sympy.Symbol("p", positive=True)), "dilute needs a positive fraction"),
        (lambda: dilute("semicircle()", sympy.Rational(1, 2)), "dilute needs a law"),
        (lambda: compress(semicircle(), sympy.Rational(3, 2)), r"compress needs a fraction in \(0, 1\]"),
    ],
)
def test_dilute_and_compress_refuse(build, message):
    with pytest.raises((DomainError, InputError), match=message):
        build()


def test_dilute_spec_round_trip_and_density():
    from tpsym.laws.density import density
    from tpsym.spec import parse_spec

    law = parse_spec("boxtimes(dilute(mp(ratio=1), 1/3), mp(ratio=1/2))")
    assert parse_spec(str(law)) == law
    r = density(law, [0.5, 1.0])
    assert r.atoms == ((0.0, pytest.approx(2 / 3)),)
    assert abs(r.mass - 1) < 1e-4 and max(r.moment_errors) < 1e-8
