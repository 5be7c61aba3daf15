"""Structural atoms of a law tree: exact rules of free probability (Bercovici & Voiculescu 1998 for ⊞, Belinschi 2003 for ⊠; see :mod:`tpsym.laws.density`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tpsym.laws.base import Law
from tpsym.laws.catalogue import Arcsine, Bernoulli, Dirac, FreePoisson, Semicircle
from tpsym.laws.operations import BoxPlus, BoxPlusPower, BoxPower, BoxTimes, Dilated, Scaled, Shifted

from tpsym.laws._density.gauss import _numeric_leaf
from tpsym.laws._density.values import _number, _Values


# =============================================================================
# Structural atoms (exact rules of free probability)
# =============================================================================
def _merge_atoms(items: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    out: dict[float, float] = {}
    for loc, mass in items:
        if mass > 1e-13:
            key = next((k for k in out if abs(k - loc) <= 1e-12 * max(1.0, abs(loc))), loc)
            out[key] = out.get(key, 0.0) + mass
    return sorted(out.items())


def _is_nonnegative(law: Law, vals: _Values) -> bool | None:
    """Whether the law lives on [0, inf) (None: unknown)."""
    num = lambda e, n: _number(e, law, n, vals)  # noqa: E731
    if isinstance(law, FreePoisson):
        return num(law.jump, "jump") > 0
    if isinstance(law, Bernoulli):
        return min(num(law.a, "a"), num(law.b, "b")) >= 0
    if isinstance(law, Dirac):
        return num(law.a, "a") >= 0
    if isinstance(law, Arcsine):
        return num(law.a, "a") >= 0
    if isinstance(law, Semicircle):
        return num(law.variance, "variance") == 0 and num(law.mean_, "mean") >= 0
    if isinstance(law, Scaled):
        c = num(law.factor, "factor")
        return True if c == 0 else (_is_nonnegative(law.base, vals) if c > 0 else None)
    if isinstance(law, Shifted):
        b = _is_nonnegative(law.base, vals)
        return True if (b and num(law.shift, "shift") >= 0) else None
    if isinstance(law, (BoxTimes, BoxPlus)):
        parts = [_is_nonnegative(f, vals) for f in law.factors]
        return True if all(parts) else None
    if isinstance(law, (BoxPower, BoxPlusPower, Dilated)):
        return _is_nonnegative(law.base, vals)
    leaf = _numeric_leaf(law, vals, need=False)
    if leaf is not None:
        return bool(np.all(leaf.nodes >= -1e-14))
    return None


def _dilute_atoms(atoms: Sequence[tuple[float, float]], c: float) -> list[tuple[float, float]]:
    """The atoms of ``(1 − c) δ_0 + c·X`` from those of X."""
    return _merge_atoms([(a, c * m) for a, m in atoms] + ([(0.0, 1.0 - c)] if c < 1 else []))


def _structural_atoms(law: Law, vals: _Values) -> list[tuple[float, float]] | None:
    """The atoms ``(location, mass)`` by the structure of the law, or None if no rule applies."""
    num = lambda e, n: _number(e, law, n, vals)  # noqa: E731
    if isinstance(law, Semicircle):
        return [(num(law.mean_, "mean"), 1.0)] if num(law.variance, "variance") == 0 else []
    if isinstance(law, FreePoisson):
        lam = num(law.rate, "rate")
        return [(0.0, 1.0 - lam)] if lam < 1 else []
    if isinstance(law, Bernoulli):
        p = num(law.p, "p")
        return _merge_atoms([(num(law.a, "a"), 1 - p), (num(law.b, "b"), p)])
    if isinstance(law, Dirac):
        return [(num(law.a, "a"), 1.0)]
    if isinstance(law, Arcsine):
        return []
    if isinstance(law, Scaled):
        c = num(law.factor, "factor")
        if c == 0:
            return [(0.0, 1.0)]
        base = _structural_atoms(law.base, vals)
        return None if base is None else _merge_atoms([(c * a, m) for a, m in base])
    if isinstance(law, Shifted):
        s = num(law.shift, "shift")
        base = _structural_atoms(law.base, vals)
        return None if base is None else [(a + s, m) for a, m in base]
    if isinstance(law, Dilated):
        c = num(law.fraction, "fraction")
        base = _structural_atoms(law.base, vals)
        return None if base is None else _dilute_atoms(base, c)
    if isinstance(law, BoxPlus):
        acc = _structural_atoms(law.factors[0], vals)
        for f in law.factors[1:]:
            nxt = _structural_atoms(f, vals)
            if acc is None or nxt is None:
                return None
            acc = _merge_atoms([(a + b, m + n - 1) for a, m in acc for b, n in nxt if m + n > 1])
        return acc
    if isinstance(law, BoxPlusPower):
        t = num(law.exponent, "exponent")
        base = _structural_atoms(law.base, vals)
        return None if base is None else _merge_atoms([(t * a, t * m - (t - 1)) for a, m in base])
    if isinstance(law, (BoxTimes, BoxPower)):
        if not _is_nonnegative(law, vals):
            return None
        if isinstance(law, BoxPower):
            t = num(law.exponent, "exponent")
            base = _structural_atoms(law.base, vals)
            if base is None:
                return None
            return _merge_atoms(
                [(0.0, m) for a, m in base if a == 0] + [(a**t, t * m - (t - 1)) for a, m in base if a != 0]
            )
        acc = _structural_atoms(law.factors[0], vals)
        for f in law.factors[1:]:
            nxt = _structural_atoms(f, vals)
            if acc is None or nxt is None:
                return None
            zero = max([m for a, m in acc if a == 0] + [n for b, n in nxt if b == 0] + [0.0])
            rest = [(a * b, m + n - 1) for a, m in acc for b, n in nxt if a != 0 and b != 0 and m + n > 1]
            acc = _merge_atoms(([(0.0, zero)] if zero > 0 else []) + rest)
        return acc
    if _numeric_leaf(law, vals, need=False) is not None:
        return []  # a law known by its moments is taken to be without atoms (documented)
    return None
