"""Structural atoms of a law tree: exact rules of free probability (Bercovici & Voiculescu 1998 for ⊞, Belinschi 2003 for ⊠; see :mod:`tpsym.laws.density`), stated by each law class in its ``_density_atoms`` hook."""

from __future__ import annotations

from tpsym.laws.base import Law

from tpsym.laws._density.hooks import Hooks, _dilute_atoms, _merge_atoms  # noqa: F401  (re-exported)
from tpsym.laws._density.values import _Values


def _is_nonnegative(law: Law, vals: _Values) -> bool | None:
    """Whether the law lives on [0, inf) (None: unknown)."""
    return law._density_nonnegative(Hooks(vals))


def _structural_atoms(law: Law, vals: _Values) -> list[tuple[float, float]] | None:
    """The atoms ``(location, mass)`` by the structure of the law, or None if no rule applies."""
    return law._density_atoms(Hooks(vals))
