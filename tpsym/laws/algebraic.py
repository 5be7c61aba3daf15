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

The elimination runs in python-flint's multivariate integer polynomials
(:mod:`tpsym.laws._resultant`), the parameters' symbols as extra variables;
sympy expressions are read at the input (the laws' parameters) and written
at the output. Each law class derives its own piece through its
``_algebraic_*`` hooks (:class:`~tpsym.laws.base.Law`), given the
:class:`Deriver`; a class without them is refused by name.

A parameter that is not a rational function of symbols (``sqrt(2)``, ``pi``,
``E``, ``log(2)``) is, as in the law's exact series field
(:mod:`tpsym.series.encode`), an independent generic generator ``g`` during
the derivation, and the number is put back in the equation at the end. The
equation ``P_g(z, M_g(z)) = 0`` holds identically in ``g``, and the moments
are the same rational functions of ``g`` evaluated at the number, so it
holds at the number: ``P`` is a valid annihilating polynomial of the
moment series, with ``y``-degree at least 1 (an irreducible ``P_g`` is not
divisible by a polynomial in ``g`` alone, so it does not vanish at the
number, and a non-zero polynomial free of ``y`` cannot vanish on a series).
It is irreducible over ``QQ(parameters, g)``, but may be reducible over
``QQ(sqrt(2))``; :attr:`AlgebraicEquation.irreducible` is then False.

The tests compare the equations with an independent sympy elimination
(``tests/laws/_sympy_oracle.py``, the former route), normalised alike
(primitive over ``ZZ``, the sign of the leading coefficient in ``y``, then
``z``, chosen by sympy's ``could_extract_minus_sign``).

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

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sympy

from tpsym.errors import DomainError, InputError
from tpsym.laws.base import Context, Law
from tpsym.laws import _resultant
from tpsym.laws._resultant import A as _A
from tpsym.laws._resultant import B as _B
from tpsym.series.encode import atoms_of

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
        ``QQ[parameters]``, primitive, irreducible over ``QQ(parameters)``
        when :attr:`irreducible`.
    parameters : tuple of sympy.Symbol
    derivation : tuple of str
        How it was obtained, step by step.
    irreducible : bool
        True when every parameter is a rational function of symbols; False
        when a number such as ``sqrt(2)`` or ``pi`` is among them: the
        equation is then irreducible with the number as a generic
        generator, which is a valid annihilating polynomial but may be
        reducible over ``QQ(sqrt(2))`` (see the module doc).
    """

    expr: sympy.Expr
    parameters: tuple[sympy.Symbol, ...]
    derivation: tuple[str, ...]
    irreducible: bool = True

    @property
    def degree(self) -> int:
        """The degree in ``y``."""
        return int(sympy.degree(self.expr, Y))

    def is_even(self) -> bool:
        """Whether ``P(-z, y) = P(z, y)`` (symmetric laws)."""
        return sympy.expand(self.expr.subs(Z, -Z) - self.expr) == 0


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


def _parameter_symbols(law: Law) -> set[sympy.Symbol]:
    """The symbols of the tree's parameters."""
    symbols: set[sympy.Symbol] = set()
    for node in law.walk():
        for v in node._params():
            symbols |= atoms_of(v)[0]
    return symbols


class LawSeries:
    """The series of the nodes of a law tree in one exact context: those the factor selection evaluates equations on."""

    def __init__(self, root: Law, order: int = 96):
        self.ctx = Context(root, order=order)

    # series of the three forms, as field elements
    def m_series(self, law: Law, n: int) -> list[Any]:
        """``1, m_1, ..., m_{n-1}``."""
        return [self.ctx.field.one, *self.ctx.moments(law, n - 1)]

    def c_series(self, law: Law, n: int) -> list[Any]:
        """``1, kappa_1, ..., kappa_{n-1}``."""
        return [self.ctx.field.one, *self.ctx.free_cumulants(law, n - 1)]

    def s_series(self, law: Law, n: int) -> list[Any]:
        """``s_0, ..., s_{n-1}`` (a non-zero mean)."""
        return list(self.ctx.s_transform(law, n))


class Deriver(LawSeries):
    """Derives the equations of a law tree in ``ZZ[a, b, t, parameters]`` (:mod:`tpsym.laws._resultant`).

    ``a`` and ``b`` are the variable and the unknown of the form at hand:
    ``(z, y)`` for ``P``, ``(w, C)`` for ``Q``, ``(u, S)`` for ``T``. Every
    law shares one exact context, whose series decide the factor selection.

    This is the ``d`` the laws' ``_algebraic_*`` hooks (:class:`~tpsym.laws.base.Law`)
    receive: :attr:`ring` and :meth:`params` to write a seed equation,
    :meth:`P`, :meth:`Q`, :meth:`T` for the equations of the children,
    :meth:`subs` to substitute, :meth:`add`, :meth:`multiply` and
    :meth:`power` for the resultant steps of ⊞ and ⊠, and :meth:`step` to
    record the derivation. The generic code here dispatches on those hooks
    only.
    """

    def __init__(self, root: Law, order: int = 96):
        super().__init__(root, order)
        #: the parameters' atoms that are not symbols (``sqrt(2)``, ``pi``) and their generators,
        #: those of the series field, so that the ring and the series agree
        self.atoms = self.ctx.encoder.atom_generators()
        self.ring = _resultant.Ring(_parameter_symbols(root), self.atoms)
        self.steps: list[str] = []

    # -- for the hooks ------------------------------------------------------
    def params(self, law: Law) -> list[_resultant.Frac]:
        """The law's parameters (:meth:`Law._params`) as quotients of ring polynomials."""
        return [self.ring.fraction(v) for v in law._params()]

    def step(self, text: str) -> None:
        """Record one step of the derivation."""
        self.steps.append(text)

    def subs(self, F: Any, a: tuple[Any, Any] | None = None, b: tuple[Any, Any] | None = None) -> Any:
        """The numerator of ``F`` with ``a -> a[0]/a[1]`` and ``b -> b[0]/b[1]`` (simultaneously)."""
        values = {}
        if a is not None:
            values[_A] = a
        if b is not None:
            values[_B] = b
        return self.ring.subs(F, values)

    def select(self, F: Any, series_of: Any, what: str) -> Any:
        return _resultant.select_factor(self.ring, F, series_of, self.ctx.field, what)

    def add(self, Q1: Any, Q2: Any, law: Law) -> Any:
        """``Q`` of ``C = C_1 + C_2 - 1`` (free cumulant series add), the factor chosen on the series of ``law``."""
        R = self.ring
        # eliminate C_1 (as t) from Q_1(w, t) and Q_2(w, C - t + 1)
        res = R.resultant_in_t(R.subs(Q1, {_B: (R.t, R.one)}), R.subs(Q2, {_B: (R.b - R.t + 1, R.one)}))
        return self.select(res, lambda n: self.c_series(law, n), "free cumulant")

    def multiply(self, T1: Any, T2: Any, law: Law) -> Any:
        """``T`` of ``S = S_1 S_2`` (S-transforms multiply), the factor chosen on the series of ``law``."""
        R = self.ring
        if T1.degrees()[_B] == 1:
            # S_1 = -a0/a1: T2(u, S / S_1) = T2(u, a1 S / (-a0))
            a0, a1 = R.coefficients_in_b(T1)
            return R.subs(T2, {_B: (a1 * R.b, -a0)})
        res = R.resultant_in_t(R.subs(T1, {_B: (R.t, R.one)}), R.subs(T2, {_B: (R.b, R.t)}))
        return self.select(res, lambda n: self.s_series(law, n), "S-transform")

    def power(self, base: Any, L: sympy.Rational, law: Law) -> Any:
        """``T`` of ``S = S_base^L`` for a positive rational ``L`` (``S^den = S_base^num``)."""
        R = self.ring
        S = R.b
        num, den = int(L.p), int(L.q)
        if base.degrees()[_B] == 1:
            # S_base = -a0/a1 rational: a1^num S^den - (-a0)^num
            a0, a1 = R.coefficients_in_b(base)
            self.step(f"{law}: S(y) = S_base(y)^{L}")
            eq = a1**num * S**den - (-a0) ** num
            if den == 1:
                return eq
            return self.select(eq, lambda n: self.s_series(law, n), "S-transform")
        res = R.resultant_in_t(R.subs(base, {_B: (R.t, R.one)}), S**den - R.t**num)
        self.step(f"{law}: S(y) = S_base(y)^{L} (resultant in S)")
        return self.select(res, lambda n: self.s_series(law, n), "S-transform")

    # -- the three forms, by the laws' hooks --------------------------------
    def P(self, law: Law) -> Any:
        """``P(z, y)`` of the law (not yet primitive)."""
        R = self.ring
        z, y = R.a, R.b
        route = law._algebraic_route
        if route == "free cumulant":
            # P(z, M) = Q(z M, M)
            return R.subs(self.Q(law), {_A: (z * y, R.one)})
        if route == "S":
            # P(z, M) = T(M - 1, z M / (M - 1))
            return R.strip(R.subs(self.T(law), {_A: (y - 1, R.one), _B: (z * y, y - 1)}), y - 1)
        if route != "moment":
            raise DomainError(f"internal: {type(law).__name__} declares the unknown algebraic route {route!r}")
        return law._algebraic_p(self)

    def Q(self, law: Law) -> Any:
        """``Q(w, C)`` for the free cumulant series."""
        own = self._own(law, law._algebraic_r(self), "free cumulant")
        if own is not None:
            return own
        # Q(w, C) = P(w/C, C)
        R = self.ring
        return R.strip(R.subs(self.P(law), {_A: (R.a, R.b)}), R.b)

    def T(self, law: Law) -> Any:
        """``T(u, S)`` for the S-transform."""
        # a product is checked factor by factor (in the recursion), so the message names the factor
        if law._algebraic_route != "S" and self.ctx.field.is_zero(self.ctx.moments(law, 1)[0]):
            raise DomainError(f"{law} has mean 0 and no S-transform: no algebraic equation through S")
        own = self._own(law, law._algebraic_s(self), "S")
        if own is not None:
            return own
        # T(u, S) = P(u S / (1 + u), 1 + u)
        R = self.ring
        u, S = R.a, R.b
        return R.strip(R.subs(self.P(law), {_A: (u * S, 1 + u), _B: (1 + u, R.one)}), 1 + u)

    @staticmethod
    def _own(law: Law, own: Any, route: str) -> Any:
        """A hook's equation; a law whose route is this form must give one (its ``P`` is derived from it)."""
        if own is None and law._algebraic_route == route:
            what = "free cumulant" if route == "free cumulant" else "S-transform"
            raise DomainError(f"no algebraic equation is known for {type(law).__name__} ({law}): it has no {what} equation")
        return own


#: Order to which a derived equation is checked on the law's series.
_CHECK_ORDER = 16


def _derive(law: Law, form: str) -> tuple[_resultant.Ring | None, Any, tuple[str, ...]]:
    """The primitive equation of the ``form`` (``"moment"``, ``"free cumulant"``) and its derivation.

    ``(ring, F, steps)`` with ``F`` in ``ring`` (``a = z``, ``b = y``), or
    ``(None, expr, steps)`` with a sympy expression in ``z, y`` when a
    parameter is not a rational function of symbols (``sqrt(2)``, ``pi``):
    each such atom is a generic generator in the derivation (as in the
    law's series field) and is put back in the equation at the end.
    """
    d = Deriver(law)
    atoms = d.atoms
    series = (lambda n: d.m_series(law, n)) if form == "moment" else (lambda n: d.c_series(law, n))
    E = d.select(d.P(law) if form == "moment" else d.Q(law), series, form)
    # the equation is checked on the law's own series (computed apart from the elimination), so
    # that a wrong step of a derivation is an error here, not a wrong equation downstream; a tree
    # whose series hold an internal generator (a number such as m_1^(1/2) of a fractional ⊠-power,
    # kept as a symbol in the field) is not: the equation vanishes only at the generator's value
    internal = any(node._internal_symbols(_CHECK_ORDER) for node in law.walk())
    if not internal and not _resultant.series_value(d.ring, E, series(_CHECK_ORDER), d.ctx.field, _CHECK_ORDER).is_zero():
        raise DomainError(f"internal: the derived {form} equation of {law} does not vanish on its series")
    E = _resultant.normalised(d.ring, E)
    if not atoms:
        return d.ring, E, tuple(d.steps)
    back = {g: a for a, g in atoms.items()}
    return None, _primitive(d.ring.to_expr(E, Z, Y).xreplace(back), atoms), tuple(d.steps)


def _primitive(expr: sympy.Expr, atoms: Iterable[sympy.Expr]) -> sympy.Expr:
    """An equation with numbers such as ``sqrt(2)`` in its coefficients, primitive over ``ZZ`` (``sqrt(2)^2 = 2`` may
    leave a content), its sign fixed by the leading coefficient in ``y``, then ``z`` (sympy's ``could_extract_minus_sign``)."""
    expr = sympy.expand(expr)
    params = sorted(expr.free_symbols - {Z, Y}, key=lambda s: s.name)
    numbers = sorted(atoms, key=sympy.default_sort_key)  # generators of the polynomial: the content is an integer
    _, prim = sympy.Poly(expr, Z, Y, *params, *numbers).primitive()
    e = prim.as_expr()
    if sympy.Poly(e, Y, Z).LC().could_extract_minus_sign():
        e = -e
    return sympy.expand(e)


def _algebraic(law: Law, form: str) -> AlgebraicEquation:
    """:func:`_derive` as an :class:`AlgebraicEquation` (irreducible unless a number such as ``sqrt(2)`` was generic)."""
    ring, E, steps = _derive(law, form)
    expr = E if ring is None else ring.to_expr(E, Z, Y)
    params = tuple(sorted(expr.free_symbols - {Z, Y}, key=lambda s: s.name))
    return AlgebraicEquation(expr, params, steps, irreducible=ring is not None)


def _equation(law: Law, form: str) -> tuple[sympy.Expr, tuple[str, ...]]:
    """:func:`_derive` with the equation as a sympy expression in ``z, y``."""
    eq = _algebraic(law, form)
    return eq.expr, eq.derivation


@lru_cache(maxsize=128)
def algebraic_equation(law: Law) -> AlgebraicEquation:
    """The irreducible algebraic equation ``P(z, y) = 0`` of the law's moment series.

    With a parameter such as ``sqrt(2)`` or ``pi`` the equation is valid
    and irreducible with the number as a generic generator, and may be
    reducible over ``QQ(sqrt(2))`` (``irreducible=False``; see the module doc).

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
    return _algebraic(law, "moment")


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
    return _algebraic(law, "free cumulant")


@lru_cache(maxsize=256)
def cauchy_equation(law: Law) -> sympy.Poly:
    """The irreducible equation ``P(z, G) = 0`` of the Cauchy transform ``G(z) = M(1/z)/z``.

    The same derivation as :func:`algebraic_equation` (one code path), moved
    to ``G`` by ``z -> 1/z, y -> z G``: ``P_G(z, G)`` is the numerator of
    ``P_M(1/z, z G)``. The map is birational, so ``P_G`` stays irreducible
    (when :attr:`AlgebraicEquation.irreducible` is True: with a parameter
    such as ``sqrt(2)`` it is a valid equation, irreducible with the number
    as a generic generator) and the series check of
    :func:`algebraic_equation` carries over.
    A :class:`sympy.Poly` in ``z, G``: monic (leading coefficient 1 in
    ``lex`` order of ``z, G``) with domain ``QQ`` for a law with rational
    parameters; primitive with a positive leading coefficient, the
    parameters (or numbers such as ``sqrt(2)``) in the domain, otherwise.
    This is the equation the polynomial method of :mod:`tpsym.laws.density`
    solves.

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
    ring, E, _ = _derive(law, "moment")
    if ring is not None and not any(any(m[3:]) for m in E.monoms()):
        # rational coefficients: straight from the flint polynomial (z^i y^j -> z^(j - i + shift) G^j)
        ij = [(m[_A], m[_B]) for m in E.monoms()]
        shift = max(i - j for i, j in ij)
        low = min(j - i + shift for i, j in ij)
        terms = {(j - i + shift - low, j): sympy.Integer(int(c)) for (i, j), c in zip(ij, E.coeffs())}
        return sympy.Poly.from_dict(terms, Z, G, domain=sympy.QQ).monic()
    eq = algebraic_equation(law)
    poly = sympy.Poly(eq.expr, Z, Y)
    shift = max(i - j for (i, j) in poly.monoms())
    terms = {}
    for (i, j), c in poly.terms():  # z^i y^j -> z^(j - i + shift) G^j
        terms[(j - i + shift, j)] = c
    low = min(a for a, _ in terms)
    expr = sum(c * Z ** (a - low) * G**b for (a, b), c in terms.items())
    if all(c.is_Rational for c in terms.values()):
        return sympy.Poly(expr, Z, G, domain="QQ").monic()
    out = sympy.Poly(expr, Z, G)
    _, out = out.primitive()
    return -out if out.LC().could_extract_minus_sign() else out
