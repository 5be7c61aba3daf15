"""Tests of tpsym.laws.catalogue: domains, parameters, specs, equality, LaTeX, generic laws."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from tpsym.errors import DomainError, InputError
from tpsym.laws import (
    Bernoulli,
    Dirac,
    FreePoisson,
    GenericLaw,
    Semicircle,
    arcsine,
    bernoulli,
    dirac,
    free_poisson,
    generic_law,
    haar_gram,
    marchenko_pastur,
    mp,
    semicircle,
    symmetric_bernoulli,
)

s, c, lam, a, p = sympy.symbols("s c lam a p")
half = sympy.Rational(1, 2)

BAD = [
    (lambda: semicircle(variance=-1), DomainError, "variance must be non-negative, got variance=-1"),
    (lambda: semicircle(variance="1/2"), DomainError, "variance='1/2' is a string"),
    (lambda: semicircle(variance=sympy.Float(0.5)), DomainError, "contains a float"),
    (lambda: semicircle(variance=sympy.I), DomainError, "is not real"),
    (lambda: semicircle(variance=True), DomainError, "variance=True is not a number"),
    (lambda: semicircle(variance=[1]), DomainError, "is not a number or a sympy expression"),
    (lambda: mp(ratio=0), DomainError, "ratio must be positive, got ratio=0"),
    (lambda: mp(ratio=-half), DomainError, "ratio must be positive"),
    (lambda: mp(ratio="0.5"), DomainError, "ratio='0.5' is a string"),
    (lambda: mp(ratio=sympy.Symbol("d", negative=True)), DomainError, "ratio must be positive, got ratio=d"),
    (lambda: free_poisson(rate=0), DomainError, "rate must be positive, got rate=0"),
    (lambda: free_poisson(jump=0), DomainError, "jump must be non-zero"),
    (lambda: bernoulli(p=-1), DomainError, "p must lie in \\[0, 1\\], got p=-1"),
    (lambda: bernoulli(p=sympy.Rational(3, 2)), DomainError, "got p=3/2"),
    (lambda: arcsine(2, -2), DomainError, "needs a < b, got a=2, b=-2"),
    (lambda: arcsine(1, 1), DomainError, "needs a < b"),
    (lambda: haar_gram(-1), DomainError, "sigma_w2 must be non-negative"),
    (lambda: semicircle(variance=float("inf")), DomainError, "variance=inf is not finite"),
    (lambda: bernoulli(p=1.5), DomainError, "got p=3/2"),
    (lambda: generic_law("1x"), InputError, "plain identifier"),
    (lambda: generic_law("_m"), InputError, "plain identifier"),
]


@pytest.mark.parametrize(("make", "error", "message"), BAD, ids=[m for _, _, m in BAD])
def test_domain_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_exact_inputs_accepted():
    assert semicircle(variance=Fraction(1, 2)) == semicircle(variance=half)
    assert mp(ratio=Fraction(1, 3)) == mp(ratio=sympy.Rational(1, 3))
    assert semicircle(variance=0).moments(4) == (0, 0, 0, 0)
    assert bernoulli(p=0).moments(2) == (0, 0) and bernoulli(p=1).moments(2) == (1, 1)
    assert bernoulli(p=p).moments(2) == (p, p)  # symbolic p: no range check possible


def test_types_and_attributes():
    law = semicircle(variance=s, mean=1)
    assert isinstance(law, Semicircle) and law.variance == s and law.mean_ == 1 and law.mean == 1
    fp = mp(ratio=c)
    assert isinstance(fp, FreePoisson) and fp.rate == 1 / c and fp.jump == c and fp.ratio == c
    assert fp.is_marchenko_pastur and marchenko_pastur(c) == fp
    with pytest.raises(DomainError, match="not a Marchenko–Pastur law"):
        _ = free_poisson(rate=2).ratio
    assert symmetric_bernoulli() == Bernoulli(half, sympy.Integer(-1), sympy.Integer(1))
    assert haar_gram(2) == dirac(2) and isinstance(dirac(2), Dirac)
    assert isinstance(generic_law("m"), GenericLaw) and generic_law("m").moment_symbol(3) == sympy.Symbol("m_3")


def test_parameters():
    assert semicircle().parameters == frozenset()
    assert semicircle(variance=s, mean=a).parameters == {s, a}
    assert mp(ratio=c).parameters == {c}
    assert free_poisson(rate=lam, jump=2 * a).parameters == {lam, a}
    assert bernoulli(p, a=a).parameters == {p, a}
    assert generic_law("mu").parameters == frozenset()  # moment symbols are not parameters


SPECS = [
    (semicircle(), "semicircle()"),
    (semicircle(variance=2), "semicircle(variance=2)"),
    (semicircle(variance=s, mean=-1), "semicircle(variance=s, mean=-1)"),
    (mp(ratio=half), "mp(ratio=1/2)"),
    (mp(ratio=c), "mp(ratio=c)"),
    (free_poisson(rate=2, jump=half), "mp(ratio=1/2)"),
    (free_poisson(rate=lam, jump=a), "free_poisson(rate=lam, jump=a)"),
    (free_poisson(), "mp(ratio=1)"),
    (bernoulli(sympy.Rational(1, 3)), "bernoulli(p=1/3, a=0, b=1)"),
    (symmetric_bernoulli(), "symmetric_bernoulli()"),
    (arcsine(), "arcsine()"),
    (arcsine(0, 4), "arcsine(a=0, b=4)"),
    (dirac(3), "dirac(3)"),
    (haar_gram(s), "dirac(s)"),
    (generic_law("mu"), "law(moments=mu)"),
]


@pytest.mark.parametrize(("law", "spec"), SPECS, ids=[s_ for _, s_ in SPECS])
def test_spec_strings(law, spec):
    assert str(law) == law.spec == spec
    assert sympy.sstr(law) == spec


LATEX = [
    (semicircle(), r"\mathrm{SC}\left(1\right)"),
    (semicircle(variance=s, mean=1), r"\mathrm{SC}\left(1, s\right)"),
    (mp(ratio=half), r"\mathrm{MP}\left(\frac{1}{2}\right)"),
    (free_poisson(rate=lam, jump=2), r"\pi_{lam, 2}"),
    (free_poisson(rate=sympy.Symbol("lambda"), jump=2), r"\pi_{\lambda, 2}"),
    (bernoulli(sympy.Rational(1, 3)), r"\mathrm{Bernoulli}\left(\frac{1}{3}; 0, 1\right)"),
    (arcsine(), r"\mathrm{Arcsine}\left(-2, 2\right)"),
    (dirac(2), r"\delta_{2}"),
    (generic_law("mu"), r"\mu"),
]


@pytest.mark.parametrize(("law", "tex"), LATEX, ids=[t for _, t in LATEX])
def test_latex(law, tex):
    assert sympy.latex(law) == tex
    assert law._repr_latex_() == f"${tex}$"


def test_hash_and_equality():
    assert semicircle(2) == semicircle(variance=sympy.Integer(2)) and hash(semicircle(2)) == hash(semicircle(2))
    assert mp(ratio=1) == free_poisson(1, 1) and hash(mp(ratio=1)) == hash(free_poisson())
    assert semicircle() != dirac(0) and mp(ratio=2) != mp(ratio=3)
    assert len({semicircle(), semicircle(1), mp(1), free_poisson(), dirac(1), haar_gram(1)}) == 3
    with pytest.raises(AttributeError):
        semicircle().variance = 2  # frozen


def test_moments_of_the_catalogue():
    assert arcsine().moments(6) == (0, 2, 0, 6, 0, 20)  # central binomial coefficients, OEIS A000984
    assert arcsine(0, 4).moments(3) == (2, 6, 20)  # shifted by 2
    assert dirac(a).moments(3) == (a, a**2, a**3)
    assert bernoulli(half, -1, 1).moments(4) == symmetric_bernoulli().moments(4) == (0, 1, 0, 1)
    assert semicircle(variance=s).moments(4) == (0, s, 0, 2 * s**2)
    assert semicircle(mean=1).moments(3) == (1, 2, 4)
    # free Poisson: the closed form (Narayana) equals the series route from kappa_n = lam a^n
    from tpsym.free import moments_from_cumulants

    law = free_poisson(rate=lam, jump=a)
    assert law.moments(8) == moments_from_cumulants([lam * a**n for n in range(1, 9)])
    assert mp(ratio=c).moments(8) == moments_from_cumulants([c ** (n - 1) for n in range(1, 9)], method="lattice")


def test_generic_law():
    g = generic_law("m")
    assert g.moments(3) == sympy.symbols("m_1:4")
    assert g.cumulants(3) == (sympy.Symbol("m_1"), sympy.Symbol("m_2") - sympy.Symbol("m_1") ** 2, g.cumulants(3)[2])
    assert g.cumulants(2, kind="classical") == g.cumulants(2, kind="boolean") == g.cumulants(2)
    assert g.s_transform(1) == (1 / sympy.Symbol("m_1"),)
