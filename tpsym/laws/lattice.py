"""The combinatorial route to the moments of a law: the witness of the series route.

:meth:`tpsym.laws.Law.moments` computes through transforms and power series
(fast, any order). :func:`lattice_moments` computes the same numbers by sums
over non-crossing partitions only, sharing no series code with it:

* a law given by free cumulants: ``m_n = sum_{pi in NC(n)} kappa_pi``,
  grouped by block type with Kreweras' count;
* a law given by moments (Bernoulli, arcsine, Dirac, generic): its moments;
  its free cumulants, where a parent needs them, by triangular inversion of
  the same lattice sum;
* ``a ⊞ b``: free cumulants add;
* ``a ⊠ b``: ``m_n = sum_{pi in NC(n)} kappa_pi[a] m_{K(pi)}[b]`` with the
  Kreweras complement (Nica–Speicher, Theorem 14.4), enumerating NC(n);
* an integer ⊠-power: repeated Kreweras products; ``c X`` and ``X + c``
  directly on moments and free cumulants.

A ⊠-power with a symbolic exponent has no finite lattice formula; asking for
it raises :class:`~tpsym.errors.DomainError`, and callers record that only
the series route was available.

Examples
--------
>>> from tpsym.laws import boxtimes, mp
>>> law = boxtimes(mp(ratio=1), mp(ratio=1))
>>> lattice_moments(law, 5) == law.moments(5)  # Fuss–Catalan, OEIS A001764
True
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import sympy

from tpsym.errors import DomainError
from tpsym.free.convolution import kreweras_sum
from tpsym.free.cumulants import cumulants_from_moments_lattice, moments_from_cumulants_lattice
from tpsym.laws.base import Context, Law, check_order

__all__ = ["lattice_moments", "LATTICE_MAX_ORDER"]

#: Highest order the lattice route enumerates NC(n) for (products of laws).
LATTICE_MAX_ORDER = 12


class _Lattice:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.F = ctx.field
        self._m: dict[Law, list[Any]] = {}
        self._k: dict[Law, list[Any]] = {}

    def moments(self, law: Law, n: int) -> list[Any]:
        got = self._m.get(law)
        if got is None or len(got) < n:
            got = self._compute_moments(law, n)
            self._m[law] = got
        return got[:n]

    def cumulants(self, law: Law, n: int) -> list[Any]:
        got = self._k.get(law)
        if got is None or len(got) < n:
            got = self._compute_cumulants(law, n)
            self._k[law] = got
        return got[:n]

    def _compute_cumulants(self, law: Law, n: int) -> list[Any]:
        nat = law._lattice_cumulants(self, n)
        if nat is not None:
            return nat[:n]
        return cumulants_from_moments_lattice(self.moments(law, n), "free", self.F)

    def _compute_moments(self, law: Law, n: int) -> list[Any]:
        # a law with free cumulants by its structure sums them over NC(n); the others (⊠, ⊠-powers,
        # scalings, dilations by the Kreweras complement; catalogue laws given by their moments and
        # laws of other layers by their own definition) say so in their _lattice_moments hook
        nat = law._lattice_cumulants(self, n)
        if nat is not None:
            return moments_from_cumulants_lattice(nat[:n], "free", self.F)
        return law._lattice_moments(self, n)

    def _kreweras_product(self, a: list[Any], b: list[Any]) -> list[Any]:
        n = min(len(a), len(b))
        if n > LATTICE_MAX_ORDER:
            raise DomainError(f"the lattice route enumerates NC(n) for products up to order {LATTICE_MAX_ORDER}, {n} asked")
        return kreweras_sum(cumulants_from_moments_lattice(a[:n], "free", self.F), b, n, self.F)


@lru_cache(maxsize=256)
def lattice_moments(law: Law, order: int) -> tuple[sympy.Expr, ...]:
    """The moments ``m_1..m_order`` of a law by sums over non-crossing partitions only.

    Raises
    ------
    DomainError
        For a ⊠-power with a symbolic exponent, or a product beyond
        :data:`LATTICE_MAX_ORDER`.

    Examples
    --------
    >>> from tpsym.laws import semicircle
    >>> lattice_moments(semicircle(), 6)  # Catalan numbers, OEIS A000108
    (0, 1, 0, 2, 0, 5)
    """
    order = check_order(order)
    ctx = Context(law, order=order)
    lat = _Lattice(ctx)
    return tuple(ctx.decode(x) for x in lat.moments(law, order))
