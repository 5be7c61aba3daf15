"""The algebraic equation of a law by sympy's resultants and factorisation: the tests' independent oracle.

:mod:`tpsym.laws.algebraic` eliminates in python-flint's multivariate
polynomials, each law class deriving its own piece through its hooks. This
module is the former sympy elimination, with its own ``isinstance`` ladder
over the catalogue and the operations, kept out of the library as an
independent route that tests/laws/test_algebraic_flint.py and
benchmarks/bench_algebraic.py compare the library with. sympy computes with
``sqrt(2)`` or ``pi`` as numbers (it treats an algebraic number as an
expression, not as an element of ``QQ(sqrt(2))``, so its factorisation may
keep factors that the library's generic generator splits). The factor
selection and its refusals are the same in both routes.
"""

from __future__ import annotations

from typing import Any

import sympy

from tpsym.errors import DomainError
from tpsym.laws.algebraic import LawSeries
from tpsym.laws.base import Context, Law
from tpsym.laws.catalogue import Arcsine, Bernoulli, Dirac, FreePoisson, GenericLaw, Semicircle
from tpsym.laws.operations import BoxPlus, BoxPlusPower, BoxPower, BoxTimes, Dilated, Scaled, Shifted
from tpsym.series import Series

__all__: list[str] = []

Z, Y = sympy.symbols("z y")
_W, _C, _S, _U = sympy.symbols("_w _C _S _U")
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


class _Deriver(LawSeries):
    """Derives the equations of a law tree; every law shares one exact context (its series: the library's)."""

    def __init__(self, root: Law, order: int = 96):
        super().__init__(root, order)
        self.steps: list[str] = []

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


def sympy_equation(law: Law, form: str) -> tuple[sympy.Expr, tuple[str, ...]]:
    """The primitive irreducible equation of ``law`` in ``z, y`` and its derivation, by sympy.

    ``form`` is ``"moment"`` (``P(z, M) = 0``) or ``"free cumulant"``
    (``Q(z, C) = 0``); the law has been checked by the caller.
    """
    d = _Deriver(law)
    if form == "moment":
        E = d.P(law)
        E = _select_factor(E, Z, Y, lambda n: d.m_series(law, n), d.ctx, "moment")
    elif form == "free cumulant":
        E = d.Q(law).subs({_W: Z, _C: Y}, simultaneous=True)
        E = _select_factor(sympy.expand(E), Z, Y, lambda n: d.c_series(law, n), d.ctx, "free cumulant")
    else:
        raise ValueError(f"unknown form {form!r}")
    return _primitive(E), tuple(d.steps)
