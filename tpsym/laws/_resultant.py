"""Elimination in python-flint's multivariate integer polynomials, for :mod:`tpsym.laws.algebraic`.

Every equation of a law tree lives in one ring ``ZZ[a, b, t, p_1, ..., p_k]``:
``a`` is the variable (``z``, ``w`` or ``u`` of the three forms), ``b`` the
unknown (``y``, ``C`` or ``S``), ``t`` the unknown being eliminated by a
resultant, and ``p_i`` the symbols of the law's parameters, in the order of
their names. Parameter values are rational functions of the symbols; a
substitution by a quotient keeps the numerator (the numerator of
``F(num/den)`` is ``sum c_e num^e den^(d - e)``, ``d`` the degree of ``F``),
which is what the equation is made of: a polynomial's zero set does not
change when it is multiplied by a non-zero factor, and the factor selection
of :mod:`tpsym.laws.algebraic` drops every factor that does not vanish on
the series.

Over ``ZZ`` a factorisation into primitive irreducible polynomials is one
over ``QQ`` (Gauss's lemma), so the factors are those of sympy's
``factor_list`` over ``QQ``, the route this module replaced (kept as the
tests' oracle, ``tests/laws/_sympy_oracle.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import flint
import sympy

from tpsym.errors import DomainError
from tpsym.series import QQ, RationalFunction, Series
from tpsym.series.encode import replace_atoms

__all__: list[str] = []

#: Positions of the variable, the unknown and the eliminated unknown in every exponent vector.
A, B, T = 0, 1, 2


class Ring:
    """``ZZ[a, b, t, parameters]`` for one law tree.

    Parameters
    ----------
    symbols : iterable of sympy.Symbol
        The parameter symbols (at most one per name).
    atoms : mapping, optional
        Numbers that are not rational (``sqrt(2)``, ``pi``) and the symbol
        of their generator (``_a0``, ...; those of the law's
        :class:`~tpsym.laws.base.Context`): each is an extra variable, a
        parameter value is read with its atoms replaced by their generators
        (as :mod:`tpsym.series.encode` does).
    """

    __slots__ = ("ctx", "symbols", "a", "b", "t", "one", "_gen_of", "_names", "_atoms")

    def __init__(self, symbols: Iterable[sympy.Symbol], atoms: Mapping[sympy.Expr, sympy.Symbol] | None = None):
        self._atoms = dict(atoms or {})
        symbols = {*symbols, *self._atoms.values()}
        self.symbols = tuple(sorted(set(symbols), key=lambda s: s.name))
        self._names = tuple(s.name for s in self.symbols)
        if len(set(self._names)) != len(self._names):  # the Context refuses this first; kept for direct use
            raise DomainError(f"two parameters share a name in {self.symbols}")
        names = ("a", "b", "t", *(f"p{i}" for i in range(len(self.symbols))))
        self.ctx = flint.fmpz_mpoly_ctx.get(names, "lex")
        gens = self.ctx.gens()
        self.a, self.b, self.t = gens[:3]
        self.one = self.ctx.constant(1)
        self._gen_of = dict(zip(self.symbols, gens[3:]))

    # -- from sympy -------------------------------------------------------
    def fraction(self, value: Any) -> Frac:
        """A parameter value (a rational function of the symbols with rational coefficients) as a quotient."""
        v = sympy.S(value)
        if self._atoms:
            v = replace_atoms(v, self._atoms)
        if v.is_Rational:
            return Frac(self.ctx.constant(int(v.p)), self.ctx.constant(int(v.q)))
        gen = self._gen_of.get(v)
        if gen is not None:
            return Frac(gen, self.one)
        num, den = sympy.fraction(sympy.together(v))
        pn, pd = self._poly(num, v), self._poly(den, v)
        scale = 1
        for c in (*pn.values(), *pd.values()):
            scale = scale * c.q // sympy.igcd(scale, c.q)
        to_int = lambda d: self.ctx.from_dict({self._exponents(m): int(c * scale) for m, c in d.items()})  # noqa: E731
        return Frac(to_int(pn), to_int(pd))

    def _poly(self, e: sympy.Expr, whole: sympy.Expr) -> dict[tuple[int, ...], sympy.Rational]:
        try:
            return dict(sympy.Poly(e, *self.symbols, domain=sympy.QQ).terms()) if self.symbols else {(): sympy.Rational(e)}
        except (sympy.PolynomialError, sympy.polys.polyerrors.CoercionFailed, TypeError) as exc:
            raise DomainError(f"{whole} is not a rational function of {', '.join(self._names) or 'no symbol'}") from exc

    def _exponents(self, monom: tuple[int, ...]) -> tuple[int, ...]:
        return (0, 0, 0, *monom)

    # -- to sympy ---------------------------------------------------------
    def to_expr(self, F: Any, a: sympy.Symbol, b: sympy.Symbol) -> sympy.Expr:
        """``F`` (free of ``t``) as an expanded sympy expression in ``a``, ``b`` and the parameter symbols."""
        gens = (a, b, None, *self.symbols)
        terms = []
        for monom, c in F.terms():
            if monom[T]:
                raise DomainError("internal: the eliminated unknown is left in an equation")
            terms.append(sympy.Mul(sympy.Integer(int(c)), *(g**e for g, e in zip(gens, monom) if e)))
        return sympy.Add(*terms)

    def coefficient_expr(self, coeff: Mapping[tuple[int, ...], Any]) -> sympy.Expr:
        """A polynomial in the parameters (parameter exponents -> integer) as a sympy expression."""
        return sympy.Add(*(sympy.Mul(sympy.Integer(int(c)), *(s**e for s, e in zip(self.symbols, m) if e)) for m, c in coeff.items()))

    # -- operations ---------------------------------------------------------
    def subs(self, F: Any, values: Mapping[int, tuple[Any, Any]]) -> Any:
        """The numerator of ``F`` with the generators at the given positions replaced by ``num/den`` (simultaneously).

        A generator of degree ``d`` in ``F`` contributes ``num^e den^(d - e)``
        for ``gen^e``; the result is ``F(num/den) * prod den^d``.
        """
        degrees = F.degrees()
        powers: dict[int, tuple[list[Any], list[Any]]] = {}
        for g, (num, den) in values.items():
            d = max(degrees[g], 0)
            pn, pd = [self.one], [self.one]
            for _ in range(d):
                pn.append(pn[-1] * num)
                pd.append(pd[-1] * den)
            powers[g] = (pn, pd)
        out = self.ctx.constant(0)
        for monom, c in F.terms():
            kept = list(monom)
            term = None
            for g, (pn, pd) in powers.items():
                e = monom[g]
                kept[g] = 0
                f = pn[e] * pd[len(pd) - 1 - e]
                term = f if term is None else term * f
            mono = self.ctx.from_dict({tuple(kept): c})
            out += mono if term is None else mono * term
        return out

    def strip(self, F: Any, D: Any) -> Any:
        """``F`` divided by the highest power of the non-constant ``D`` that divides it."""
        if D.is_constant():
            return F
        while not F.is_zero():
            q, r = divmod(F, D)
            if not r.is_zero():
                break
            F = q
        return F

    def coefficients_in_b(self, F: Any) -> list[Any]:
        """``[f_0, f_1, ...]`` with ``F = sum f_j b^j``."""
        parts: list[dict[tuple[int, ...], Any]] = [{} for _ in range(max(F.degrees()[B], 0) + 1)]
        for monom, c in F.terms():
            m = list(monom)
            j, m[B] = m[B], 0
            parts[j][tuple(m)] = c
        return [self.ctx.from_dict(p) if p else self.ctx.constant(0) for p in parts]

    def resultant_in_t(self, F: Any, G: Any) -> Any:
        """``Res_t(F, G)``."""
        return F.resultant(G, T)


class Frac:
    """``num/den`` of two ring polynomials, for writing the seed equations with rational-function parameters.

    No gcd is taken: only the numerator of the final expression is kept,
    and a common factor of the parameters is dropped with the other factors
    that do not vanish on the series.
    """

    __slots__ = ("num", "den")

    def __init__(self, num: Any, den: Any):
        self.num, self.den = num, den

    def _lift(self, x: Any) -> Frac:
        if isinstance(x, Frac):
            return x
        ctx = self.den.context()
        return Frac(ctx.constant(x) if isinstance(x, int) else x, ctx.constant(1))

    def __add__(self, other: Any) -> Frac:
        o = self._lift(other)
        if self.den == o.den:
            return Frac(self.num + o.num, self.den)
        return Frac(self.num * o.den + o.num * self.den, self.den * o.den)

    __radd__ = __add__

    def __neg__(self) -> Frac:
        return Frac(-self.num, self.den)

    def __sub__(self, other: Any) -> Frac:
        return self + (-self._lift(other))

    def __rsub__(self, other: Any) -> Frac:
        return self._lift(other) + (-self)

    def __mul__(self, other: Any) -> Frac:
        o = self._lift(other)
        return Frac(self.num * o.num, self.den * o.den)

    __rmul__ = __mul__


def field_element(ring: Ring, field: Any, coeff: Mapping[tuple[int, ...], Any]) -> Any:
    """A polynomial in the parameters (parameter exponents -> integer) as an element of a series field."""
    if field is QQ:
        if any(any(m) for m in coeff):
            raise DomainError("internal: a parameter is left in an equation over QQ")
        return flint.fmpq(int(sum(coeff.values(), 0)))
    index = [field.names.index(n) for n in ring._names]
    k = len(field.names)
    terms = {}
    for m, c in coeff.items():
        e = [0] * k
        for i, x in zip(index, m):
            e[i] = x
        terms[tuple(e)] = c
    return RationalFunction(field, field.ctx.from_dict(terms) if terms else field.ctx.constant(0), reduced=True)


def series_value(ring: Ring, F: Any, coeffs: list[Any], field: Any, n: int) -> Series:
    """``F(a, B(a))`` to ``O(a^n)``, where ``B`` has the given field coefficients."""
    grouped: dict[tuple[int, int], dict[tuple[int, ...], Any]] = {}
    for monom, c in F.terms():
        if monom[A] < n:
            grouped.setdefault((monom[A], monom[B]), {})[monom[3:]] = c
    Bs = Series(coeffs[:n], field, n)
    powers = [Series.constant(field.one, n, field)]
    for _ in range(max(F.degrees()[B], 0)):
        powers.append(powers[-1] * Bs)
    total = [field.zero] * n
    for (i, j), coeff in grouped.items():
        cf = field_element(ring, field, coeff)
        pj = powers[j].coefficients
        for k in range(n - i):
            total[i + k] = total[i + k] + cf * pj[k]
    return Series(total, field, n)


def select_factor(ring: Ring, F: Any, series_of: Any, field: Any, what: str) -> Any:
    """The one irreducible factor of ``F`` (in ``a, b``) that vanishes on the series ``b = B(a)``.

    The factors are those of ``F`` over ``QQ`` with the parameters as
    variables; those free of ``b`` cannot vanish. When more than one is
    left, each is evaluated on the series to ``O(a^24)``, ``O(a^48)``,
    ``O(a^96)`` until one is left. Refuses when none vanishes (``F`` is not
    an equation of the series) or when two still vanish to ``O(a^96)``.
    """
    if F.is_zero():
        raise DomainError(f"internal: the {what} equation is 0")
    _, factors = F.factor()
    candidates = [f for f, _ in factors if f.degrees()[B] > 0]
    if len(candidates) == 1:
        return candidates[0]
    for n in (24, 48, 96):
        coeffs = series_of(n)
        alive = [f for f in candidates if series_value(ring, f, coeffs, field, n).is_zero()]
        if len(alive) == 1:
            return alive[0]
        if not alive:
            raise DomainError(f"internal: no factor of the {what} equation vanishes on the series")
        candidates = alive
    raise DomainError(f"cannot single out the factor of the {what} equation that the series satisfies")


def normalised(ring: Ring, F: Any) -> Any:
    """``F`` made primitive over ``ZZ``, its sign fixed by its leading coefficient in ``b``, then ``a``.

    The sign rule is sympy's ``could_extract_minus_sign`` on that leading
    coefficient (a polynomial in the parameters), the rule of the sympy
    route, so both print the same equation.
    """
    _, F = F.primitive()
    top: tuple[int, int] | None = None
    lead: dict[tuple[int, ...], Any] = {}
    for monom, c in F.terms():
        key = (monom[B], monom[A])
        if top is None or key > top:
            top, lead = key, {}
        if key == top:
            lead[monom[3:]] = c
    if not lead:
        return F
    if len(lead) == 1 and not any(next(iter(lead))):
        return -F if next(iter(lead.values())) < 0 else F
    return -F if ring.coefficient_expr(lead).could_extract_minus_sign() else F
