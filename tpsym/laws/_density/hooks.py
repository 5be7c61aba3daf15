"""What the per-class density hooks of the law classes see.

A law class tells the density routes what it knows about itself through
methods (defaults in :class:`tpsym.laws.base.Law`, as scipy.stats'
``_pdf``): ``_density_atoms`` (its atoms by the exact rules of free
probability), ``_density_nonnegative`` (whether it lives on ``[0, inf)``),
``_closed_density`` (a closed-form density), ``_product_factors`` (its
``C ⊠ law_k^{⊠ t_k}`` factorisation for subordination),
``_subordination_kind``/``_subordination_factor`` (how it enters the
subordination of a ⊠-product), ``_free_product_factors`` (the factors that
must be nonnegative for a spectral density) and ``_dilution``. Each hook
receives a :class:`Hooks`: the user's values as numbers and the recursion
into the law's children, so a new law with a closed density or atoms is one
class and touches no routing code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tpsym.laws.base import Law

from tpsym.laws._density.gauss import _Discrete, _numeric_leaf
from tpsym.laws._density.values import _number, _Unsupported, _Values

ClosedDensity = tuple[Callable[[np.ndarray], np.ndarray], list[tuple[float, float]], list[tuple[float, float]]]


def _merge_atoms(items: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    out: dict[float, float] = {}
    for loc, mass in items:
        if mass > 1e-13:
            key = next((k for k in out if abs(k - loc) <= 1e-12 * max(1.0, abs(loc))), loc)
            out[key] = out.get(key, 0.0) + mass
    return sorted(out.items())


def _dilute_atoms(atoms: Sequence[tuple[float, float]], c: float) -> list[tuple[float, float]]:
    """The atoms of ``(1 − c) δ_0 + c·X`` from those of X."""
    return _merge_atoms([(a, c * m) for a, m in atoms] + ([(0.0, 1.0 - c)] if c < 1 else []))


class Hooks:
    """The context of a law's density hooks: its numbers and its children's hooks."""

    merge_atoms = staticmethod(_merge_atoms)
    dilute_atoms = staticmethod(_dilute_atoms)
    Discrete = _Discrete

    def __init__(self, vals: _Values):
        self.vals = vals

    def num(self, law: Law, e: Any, name: str) -> float:
        """The parameter ``name`` (expression ``e``) of ``law`` as a float, the user's values put in."""
        return _number(e, law, name, self.vals)

    def atoms(self, law: Law) -> list[tuple[float, float]] | None:
        return law._density_atoms(self)

    def nonnegative(self, law: Law) -> bool | None:
        return law._density_nonnegative(self)

    def closed(self, law: Law) -> ClosedDensity | None:
        """The closed-form density of ``law`` (its atoms merged), or None."""
        got = law._closed_density(self)
        return None if got is None else (got[0], list(got[1]), _merge_atoms(got[2]))

    def leaf(self, law: Law, *, need: bool = False) -> _Discrete | None:
        """The Gauss rule standing for a law known by its moments (:func:`tpsym.laws._density.gauss._numeric_leaf`)."""
        return _numeric_leaf(law, self.vals, need=need)

    def product_factors(self, law: Law, mult: int = 1) -> tuple[float, list[tuple[Law, int]]]:
        return law._product_factors(self, mult)

    def fuss_catalan(self, s: int) -> Callable[[np.ndarray], np.ndarray]:
        from tpsym.laws._density.closed import _fuss_catalan_density

        return _fuss_catalan_density(s)

    @staticmethod
    def unsupported(message: str) -> _Unsupported:
        """The error a hook raises when no route covers its law (the message names it)."""
        return _Unsupported(message)
