"""Closed-form densities: semicircle, free Poisson, arcsine, Bernoulli, Dirac, Fuss–Catalan ``mp(ratio=1)^{⊠ s}`` (Haagerup & Möller, arXiv 1211.4457), their scalings and shifts; the solution interface of every route."""

from __future__ import annotations

from typing import Protocol

import math
from collections.abc import Callable, Sequence

import numpy as np

from tpsym.laws.base import Law

from tpsym.laws._density.hooks import Hooks, _dilute_atoms, _merge_atoms
from tpsym.laws._density.values import _Values


# =============================================================================
# Closed forms
# =============================================================================
class _Solution(Protocol):
    """What a route returns: a density function and the exact pieces of the law (the branch followers too)."""

    method: str
    support: tuple[tuple[float, float], ...]
    atoms: tuple[tuple[float, float], ...]

    def eval(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


def _zero_outside(x: np.ndarray, y: np.ndarray, supp: Sequence[tuple[float, float]], keep_inf: bool = True) -> np.ndarray:
    """0 outside the support, NaN -> 0; ``inf`` (an integrable singularity) is kept."""
    inside = np.zeros(x.shape, dtype=bool)
    for a, b in supp:
        inside |= (x >= a) & (x <= b)
    ok = ~np.isnan(y) & (np.isfinite(y) | keep_inf)
    return np.where(inside & ok, np.maximum(y, 0.0), 0.0)


class _ClosedForm(_Solution):
    edge_cut = 1e-300  # a closed form is accurate up to the edges
    def __init__(self, f: Callable[[np.ndarray], np.ndarray], supp: list[tuple[float, float]], at: list[tuple[float, float]], note: str = ""):
        self.f, self.support, self.atoms = f, tuple(supp), tuple(_merge_atoms(at))
        self.method = "closed form" + note

    def eval(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return _zero_outside(x, self.f(x), self.support)


class _DilutedSolution(_Solution):
    """``(1 − c) δ_0 + c·X`` from a solution for X."""

    def __init__(self, inner: _Solution, c: float):
        self.inner, self.c = inner, c
        self.method = inner.method
        self.support = tuple(inner.support)
        self.atoms = tuple(_dilute_atoms(inner.atoms, c))
        if hasattr(inner, "edge_cut"):
            self.edge_cut = inner.edge_cut

    def eval(self, x: np.ndarray) -> np.ndarray:
        return self.c * self.inner.eval(x)


def _fuss_catalan_density(s: int) -> Callable[[np.ndarray], np.ndarray]:
    """Density of mp(1)^{⊠ s} via x(phi) = sin((s+1)phi)^(s+1) / (sin(phi) sin(s phi)^s)."""
    top = math.pi / (s + 1)

    def logx(phi: np.ndarray) -> np.ndarray:
        return (s + 1) * np.log(np.sin((s + 1) * phi)) - np.log(np.sin(phi)) - s * np.log(np.sin(s * phi))

    def f(x: np.ndarray) -> np.ndarray:
        out = np.zeros_like(x, dtype=float)
        out[x == 0] = np.inf  # the density grows like x^(-s/(s+1)) at the hard edge
        xmax = (s + 1) ** (s + 1) / s**s
        ok = (x > 0) & (x < xmax)
        if not ok.any():
            return out
        target = np.log(x[ok])
        lo = np.zeros_like(target)  # x(phi) decreases from xmax (phi -> 0) to 0 (phi -> pi/(s+1))
        hi = np.full_like(target, top)
        for _ in range(200):  # bisection: the invariant is logx(lo) >= target >= logx(hi)
            mid = 0.5 * (lo + hi)
            big = logx(mid) > target
            lo = np.where(big, mid, lo)
            hi = np.where(big, hi, mid)
            if np.all(hi - lo < 1e-15):
                break
        phi = 0.5 * (lo + hi)
        out[ok] = np.sin(phi) ** 2 * np.sin(s * phi) ** (s - 1) / np.sin((s + 1) * phi) ** s / math.pi
        return out

    return f


def _closed_form(law: Law, vals: _Values) -> _ClosedForm | None:
    """The closed-form density the law's class states (its ``_closed_density`` hook), or None."""
    got = Hooks(vals).closed(law)
    return None if got is None else _ClosedForm(*got)
