"""Algebraic equations of moment generating functions.

For many laws the moment series ``M(z) = sum_{n>=0} m_n z^n`` is algebraic:
``P(z, M(z)) = 0`` for a polynomial ``P`` with coefficients in
``QQ(parameters)``. :func:`algebraic_equation` derives ``P`` for every law
tree built from the catalogue (semicircle, free Poisson / Marchenko–Pastur,
Bernoulli, arcsine, Dirac) by ⊞, ⊠, integer ⊠-powers, ⊞-powers, scalings and
shifts. The algebraic equation is what the all-order proofs of
:mod:`tpsym.proof` and the polynomial method for densities start from.

Three equivalent forms are used, and moved between by substitution:

* ``P(z, M) = 0`` for the moment series;
* ``Q(w, C) = 0`` for ``C(w) = 1 + sum kappa_n w^n`` (free cumulants):
  ``M(z) = C(z M(z))``, so ``Q(w, C) = P(w/C, C)`` and ``P(z, M) = Q(z M, M)``;
* ``T(y, S) = 0`` for the S-transform: ``chi(psi) = z`` with ``psi = M - 1``
  and ``S(y) = chi(y) (1 + y)/y``, so ``T(y, S) = P(y S/(1+y), 1 + y)`` and
  ``P(z, M) = T(M - 1, z M/(M - 1))``.

Free cumulant series add under ⊞ and S-transforms multiply under ⊠; the sum
or product of two algebraic series is algebraic, with an equation from a
resultant (``Res_{C1}(Q_1(w, C_1), Q_2(w, C - C_1 + 1))``). A resultant
vanishes on the series but may carry extra factors; tpsym factors it and
keeps the one irreducible factor that vanishes on the law's exact series.
This choice is rigorous: the series is a root of exactly one irreducible
factor (coprime polynomials have no common root), and every other factor is
shown not to vanish by a non-zero coefficient of its value on the series.

Examples
--------
The semicircle: ``M = 1 + z^2 M^2`` (Catalan numbers, OEIS A000108):

>>> from tpsym.laws import semicircle, mp, boxtimes
>>> algebraic_equation(semicircle()).expr
y**2*z**2 - y + 1
>>> algebraic_equation(boxtimes(mp(ratio=1), mp(ratio=1))).expr  # Fuss–Catalan: M = 1 + z M^3
y**3*z - y + 1
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sympy

from tpsym.errors import DomainError, InputError
from tpsym.laws.base import Context, Law
from tpsym.laws.catalogue import Arcsine, Bernoulli, Dirac, FreePoisson, GenericLaw, Semicircle
from tpsym.laws.operations import BoxPlus, BoxPlusPower, BoxPower, BoxTimes, Dilated, Scaled, Shifted
from tpsym.series import Series

__all__ = ["AlgebraicEquation", "algebraic_equation", "cauchy_equation", "cumulant_equation", "Z", "Y", "G"]

#: The variable and the unknown of every equation (``G``: the Cauchy transform's unknown).
Z, Y, G = sympy.symbols("z y G")
_W, _C, _S, _U = sympy.symbols("_w _C _S _U")
_RESERVED = frozenset(s.name for s in (Z, Y, G, _W, _C, _S, _U))


@dataclass(frozen=True)
class AlgebraicEquation:
    """``P(z, y) = 0`` satisfied by the moment series ``y = M(z)`` of a law.

    Attributes
    ----------
    expr : sympy.Expr
        ``P(z, y)``, a polynomial in ``z, y`` with coefficients in
        ``QQ[parameters]``, primitive, irreducible over ``QQ(parameters)``.
    parameters : tuple of sympy.Symbol
    derivation : tuple of str
        How it was obtained, step by step.
    """

    expr: sympy.Expr
    parameters: tuple[sympy.Symbol, ...]
    derivation: tuple[str, ...]

    @property
    def degree(self) -> int:
        """The degree in ``y``."""
        return int(sympy.degree(self.expr, Y))

    def is_even(self) -> bool:
        """Whether ``P(-z, y) = P(z, y)`` (symmetric laws)."""
        return sympy.expand(self.expr.subs(Z, -Z) - self.expr) == 0


def _numer(e: sympy.Expr) -> sympy.Expr:
    return sympy.expand(sympy.fraction(sympy.together(e))[0])


def _series_value(F: sympy.Expr, a: sympy.Symbol, b: sympy.Symbol, coeffs: list[Any], ctx: Context, n: int) -> Series:
    """F(a, B(a)) as a series to O(a^n), where B has the given field coefficients."""
    field = ctx.field
    B = Series(coeffs[:n], field, n)
    poly = sympy.Poly(F, a, b)
    powers = [Series.constant(field.one, n, field)]
    for _ in range(poly.degree(b)):
        powers.append(powers[-1] * B)
    total = [field.zero] * n
    for (i, j), c in poly.terms():
        if i >= n:
            continue
        cf = ctx.encode(c)
        pj = powers[j].coefficients
        for t in range(n - i):
            total[i + t] = total[i + t] + cf * pj[t]
    return Series(total, field, n)


def _select_factor(expr: sympy.Expr, a: sympy.Symbol, b: sympy.Symbol, series_of: Any, ctx: Context, what: str) -> sympy.Expr:
    """The one irreducible factor of ``expr`` that vanishes on the series (see module doc)."""
    expr = _numer(expr)  # parameters may appear in denominators (mp(ratio=1/lam))
    params = sorted(expr.free_symbols - {a, b}, key=lambda s: s.name)
    _, factors = sympy.factor_list(expr, a, b, *params) if params else sympy.factor_list(expr, a, b)
    candidates = [f for f, _ in factors if f.has(b)]
    if len(candidates) == 1:
        return sympy.expand(candidates[0])
    for n in (24, 48, 96):
        coeffs = series_of(n)
        alive = [f for f in candidates if _series_value(f, a, b, coeffs, ctx, n).is_zero()]
        if len(alive) == 1:
            return sympy.expand(alive[0])
        if not alive:
            raise DomainError(f"internal: no factor of the {what} equation vanishes on the series")
        candidates = alive
    raise DomainError(f"cannot single out the factor of the {what} equation that the series satisfies")


def _check_law(law: Any, what: str) -> Law:
    if not isinstance(law, Law):
        raise InputError(f"{what} needs a law, not {law!r}")
    # a parameter named like the variable or an unknown would merge with it
    clash = sorted(p.name for p in law.parameters if p.name in _RESERVED)
    if clash:
        raise DomainError(
            f"the parameter {clash[0]} of {law} has the name of the variable or an unknown of "
            f"the algebraic equation ({', '.join(sorted(_RESERVED))}); give it another name"
        )
    return law


def _primitive(expr: sympy.Expr) -> sympy.Expr:
    expr = _numer(expr)  # parameters may appear in denominators (mp(ratio=1/lam))
    params = sorted(expr.free_symbols - {Z, Y}, key=lambda s: s.name)
    poly = sympy.Poly(expr, Z, Y, *params)
    _, prim = poly.primitive()
    e = prim.as_expr()
    lead = sympy.Poly(e, Y, Z).LC()
    if lead.could_extract_minus_sign():
        e = -e
    return sympy.expand(e)


class _Deriver:
    """Derives the equations of a law tree; every law shares one exact context."""

    def __init__(self, root: Law, order: int = 96):
        self.ctx = Context(root, order=order)
        self.steps: list[str] = []

    # series of the three forms, as field elements
    def m_series(self, law: Law, n: int) -> list[Any]:
        return [self.ctx.field.one, *self.ctx.moments(law, n - 1)]

    def c_series(self, law: Law, n: int) -> list[Any]:
        return [self.ctx.field.one, *self.ctx.free_cumulants(law, n - 1)]

    def s_series(self, law: Law, n: int) -> list[Any]:
        return list(self.ctx.s_transform(law, n))

    def P(self, law: Law) -> sympy.Expr:
        """``P(z, y)`` of the law (not yet primitive)."""
        p = list(law._params())
        if isinstance(law, (Semicircle, FreePoisson, BoxPlus, BoxPlusPower, Shifted)):
            Q = self.Q(law)
            return _numer(Q.subs({_W: Z * Y, _C: Y}))
        if isinstance(law, (BoxTimes, BoxPower)):
            T = self.T(law)
            return _numer(T.subs({_U: Y - 1, _S: Z * Y / (Y - 1)}, simultaneous=True))
        if isinstance(law, Dirac):
            (a,) = p
            return sympy.expand(Y * (1 - a * Z) - 1)
        if isinstance(law, Bernoulli):
            pp, a, b = p
            return sympy.expand(Y * (1 - a * Z) * (1 - b * Z) - pp * (1 - a * Z) - (1 - pp) * (1 - b * Z))
        if isinstance(law, Arcsine):
            a, b = p
            return sympy.expand(Y**2 * (1 - a * Z) * (1 - b * Z) - 1)
        if isinstance(law, Scaled):
            (c,) = p
            self.steps.append(f"{law}: M(z) = M_base({c} z)")
            return sympy.expand(self.P(law.base).subs(Z, c * Z))
        if isinstance(law, Dilated):
            (c,) = p
            self.steps.append(f"{law}: M(z) = 1 + {c} (M_base(z) - 1)")
            return _numer(self.P(law.base).subs(Y, 1 + (Y - 1) / c))
        if isinstance(law, GenericLaw):
            raise DomainError(f"{law} has symbolic moments: its moment series is not known to be algebraic")
        raise DomainError(f"no algebraic equation is known for {type(law).__name__} ({law})")

    def Q(self, law: Law) -> sympy.Expr:
        """``Q(w, C)`` for the free cumulant series."""
        p = list(law._params())
        if isinstance(law, Semicircle):
            var, mean = p
            self.steps.append(f"{law}: C(w) = 1 + {mean} w + {var} w^2")
            return sympy.expand(_C - 1 - mean * _W - var * _W**2)
        if isinstance(law, FreePoisson):
            lam, a = p
            self.steps.append(f"{law}: C(w) = 1 + {lam} {a} w / (1 - {a} w)")
            return sympy.expand((_C - 1) * (1 - a * _W) - lam * a * _W)
        if isinstance(law, BoxPlus):
            Qs = [self.Q(f) for f in law.factors]
            acc = Qs[0]
            for i, Qi in enumerate(Qs[1:], 2):
                # C = C_acc + C_i - 1: eliminate C_acc; the factor is chosen on the series of the
                # partial sum of the first i laws (the whole law's series fits only the last step)
                partial = law if i == len(Qs) else BoxPlus(law.factors[:i])
                c1 = sympy.Symbol("_C1")
                res = sympy.resultant(acc.subs(_C, c1), Qi.subs(_C, _C - c1 + 1), c1)
                acc = _select_factor(
                    sympy.expand(res), _W, _C, lambda n, p=partial: self.c_series(p, n), self.ctx, "free cumulant"
                )
            self.steps.append(f"{law}: free cumulant series add (resultant in C)")
            return acc
        if isinstance(law, BoxPlusPower):
            (t,) = p
            base = self.Q(law.base)
            self.steps.append(f"{law}: C(w) = 1 + {t} (C_base(w) - 1)")
            return _numer(base.subs(_C, 1 + (_C - 1) / t))
        if isinstance(law, Shifted):
            (c,) = p
            base = self.Q(law.base)
            self.steps.append(f"{law}: C(w) = C_base(w) + {c} w")
            return sympy.expand(base.subs(_C, _C - c * _W))
        P = self.P(law)
        return _numer(P.subs({Z: _W / _C, Y: _C}, simultaneous=True))

    def T(self, law: Law) -> sympy.Expr:
        """``T(y, S)`` for the S-transform (variable ``_U``)."""
        # a product is checked factor by factor (in the recursion), so the message names the factor
        if not isinstance(law, (BoxTimes, BoxPower)) and self.ctx.field.is_zero(self.ctx.moments(law, 1)[0]):
            raise DomainError(f"{law} has mean 0 and no S-transform: no algebraic equation through S")
        p = list(law._params())
        if isinstance(law, FreePoisson):
            lam, a = p
            self.steps.append(f"{law}: S(y) = 1 / ({a} ({lam} + y))")
            return sympy.expand(_S * a * (lam + _U) - 1)
        if isinstance(law, Dirac):
            (a,) = p
            return sympy.expand(_S * a - 1)
        if isinstance(law, BoxTimes):
            acc = self.T(law.factors[0])
            for i, f in enumerate(law.factors[1:], 2):
                partial = law if i == len(law.factors) else BoxTimes(law.factors[:i])
                acc = self._product(acc, self.T(f), partial)
            self.steps.append(f"{law}: S-transforms multiply (resultant in S)")
            return acc
        if isinstance(law, BoxPower):
            L = sympy.S(law.exponent)
            if not (L.is_Rational and L > 0):
                raise DomainError(f"{law}: a ⊠-power with the exponent {law.exponent} is not algebraic in general (an exponent must be a positive rational number)")
            num, den = int(L.p), int(L.q)  # S^den = S_base^num
            base = self.T(law.base)
            if sympy.degree(base, _S) == 1:
                # S_base rational: S^den = S_base^num directly
                a1, a0 = sympy.Poly(base, _S).all_coeffs()
                s_base = -a0 / a1
                self.steps.append(f"{law}: S(y) = S_base(y)^{L}")
                eq = _numer(_S**den - s_base**num)
                if den == 1:
                    return eq
                return _select_factor(eq, _U, _S, lambda n: self.s_series(law, n), self.ctx, "S-transform")
            s1 = sympy.Symbol("_S1")
            res = sympy.resultant(base.subs(_S, s1), _S**den - s1**num, s1)
            self.steps.append(f"{law}: S(y) = S_base(y)^{L} (resultant in S)")
            return _select_factor(sympy.expand(res), _U, _S, lambda n: self.s_series(law, n), self.ctx, "S-transform")
        P = self.P(law)
        return _numer(P.subs({Z: _U * _S / (1 + _U), Y: 1 + _U}, simultaneous=True))

    def _product(self, T1: sympy.Expr, T2: sympy.Expr, law: Law) -> sympy.Expr:
        s1 = sympy.Symbol("_S1")
        if sympy.degree(T1, _S) == 1:
            a1, a0 = sympy.Poly(T1, _S).all_coeffs()
            return _numer(T2.subs(_S, _S / (-a0 / a1)))
        res = sympy.resultant(T1.subs(_S, s1), _numer(T2.subs(_S, _S / s1)), s1)
        return _select_factor(sympy.expand(res), _U, _S, lambda n: self.s_series(law, n), self.ctx, "S-transform")


@lru_cache(maxsize=128)
def algebraic_equation(law: Law) -> AlgebraicEquation:
    """The irreducible algebraic equation ``P(z, y) = 0`` of the law's moment series.

    Raises
    ------
    DomainError
        When the law has no known algebraic equation (a generic law, a
        ⊠-power with a symbolic exponent, a ⊠-product with a mean-0 factor).

    Examples
    --------
    Marchenko–Pastur with ratio ``c`` (Narayana polynomials, OEIS A001263):

    >>> from tpsym.laws import mp
    >>> c = sympy.Symbol("c")
    >>> algebraic_equation(mp(ratio=c)).expr
    c*y**2*z - c*y*z + y*z - y + 1
    """
    _check_law(law, "algebraic_equation")
    d = _Deriver(law)
    P = d.P(law)
    P = _select_factor(P, Z, Y, lambda n: d.m_series(law, n), d.ctx, "moment")
    P = _primitive(P)
    params = tuple(sorted(P.free_symbols - {Z, Y}, key=lambda s: s.name))
    return AlgebraicEquation(P, params, tuple(d.steps))


@lru_cache(maxsize=128)
def cumulant_equation(law: Law) -> AlgebraicEquation:
    """The irreducible equation ``Q(z, y) = 0`` of the free cumulant series ``y = 1 + sum kappa_n z^n``.

    Examples
    --------
    Free Poisson, ``kappa_n = lam`` (Nica–Speicher, Proposition 12.11):

    >>> from tpsym.laws import free_poisson
    >>> cumulant_equation(free_poisson(rate=sympy.Symbol("lam"))).expr
    lam*z + y*z - y - z + 1
    """
    _check_law(law, "cumulant_equation")
    d = _Deriver(law)
    Q = d.Q(law).subs({_W: Z, _C: Y}, simultaneous=True)
    Q = _select_factor(sympy.expand(Q), Z, Y, lambda n: d.c_series(law, n), d.ctx, "free cumulant")
    Q = _primitive(Q)
    params = tuple(sorted(Q.free_symbols - {Z, Y}, key=lambda s: s.name))
    return AlgebraicEquation(Q, params, tuple(d.steps))


@lru_cache(maxsize=256)
def cauchy_equation(law: Law) -> sympy.Poly:
    """The irreducible equation ``P(z, G) = 0`` of the Cauchy transform ``G(z) = M(1/z)/z``.

    The same derivation as :func:`algebraic_equation` (one code path), moved
    to ``G`` by ``z -> 1/z, y -> z G``: ``P_G(z, G)`` is the numerator of
    ``P_M(1/z, z G)``. The map is birational, so ``P_G`` stays irreducible
    and the series check of :func:`algebraic_equation` carries over.
    A :class:`sympy.Poly` in ``z, G``: monic (leading coefficient 1 in
    ``lex`` order of ``z, G``) with domain ``QQ`` for a law with numeric
    parameters; primitive with a positive leading coefficient, the
    parameters in the domain, otherwise. This is the equation the polynomial
    method of :mod:`tpsym.laws.density` solves.

    Raises
    ------
    DomainError
        As :func:`algebraic_equation`.

    Examples
    --------
    Marchenko–Pastur with ratio 1 (``z G^2 - z G + 1 = 0``) and its ⊠-square
    (the Fuss–Catalan law of order 2, a cubic):

    >>> from tpsym.laws import boxpower, mp
    >>> cauchy_equation(mp(ratio=1))
    Poly(z*G**2 - z*G + 1, z, G, domain='QQ')
    >>> cauchy_equation(boxpower(mp(ratio=1), 2)).degree(G)
    3
    >>> sympy.expand(cauchy_equation(mp(ratio=sympy.Symbol("c"))).as_expr())
    G**2*c*z - G*c - G*z + G + 1
    """
    _check_law(law, "cauchy_equation")
    eq = algebraic_equation(law)
    poly = sympy.Poly(eq.expr, Z, Y)
    shift = max(i - j for (i, j) in poly.monoms())
    terms = {}
    for (i, j), c in poly.terms():  # z^i y^j -> z^(j - i + shift) G^j
        terms[(j - i + shift, j)] = c
    low = min(a for a, _ in terms)
    expr = sum(c * Z ** (a - low) * G**b for (a, b), c in terms.items())
    if not eq.parameters:
        return sympy.Poly(expr, Z, G, domain="QQ").monic()
    out = sympy.Poly(expr, Z, G)
    _, out = out.primitive()
    return -out if out.LC().could_extract_minus_sign() else out
