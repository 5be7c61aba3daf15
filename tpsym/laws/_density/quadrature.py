"""Checks of a density by quadrature: total mass and moments against the exact ones."""

from __future__ import annotations

import math

import numpy as np

from tpsym.errors import NumericError
from tpsym.laws.base import Law

from tpsym.laws._density.closed import _Solution
from tpsym.laws._density.gauss import _exact_moments
from tpsym.laws._density.values import _Values


# =============================================================================
# Checks by quadrature
# =============================================================================
def _tanh_sinh(a: float, b: float, h: float = 1 / 16, tmax: float = 4.5) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Tanh-sinh nodes on ``[a, b]``: nodes, weights, distance to the nearer end, which end (0: a, 1: b)."""
    t = np.arange(-tmax, tmax + h / 2, h)
    u = 0.5 * math.pi * np.sinh(t)
    half = 0.5 * (b - a)
    dist = half * 2 / (1 + np.exp(2 * np.abs(u)))  # distance to the nearer end, without cancellation
    x = np.where(t < 0, a + dist, b - dist)
    w = half * h * 0.5 * math.pi * np.cosh(t) / np.cosh(u) ** 2
    return x, w, dist, (t >= 0).astype(int)


#: Quadrature nodes closer than this (relative) to a support edge are replaced by a power-law tail.
_EDGE_CUT = 1e-7
#: A node this close (relative) to an edge whose density is not finite rounded onto the edge.
_ROUNDING_EDGE = 1e-12


def _check_scale(sol: _Solution, law: Law) -> None:
    """Refuse a law whose support or atoms lie beyond double precision."""
    ends = [a for iv in sol.support for a in iv] + [a for a, _ in sol.atoms] + [m for _, m in sol.atoms]
    if not all(math.isfinite(a) for a in ends):
        raise NumericError(f"the support of {law} reaches beyond double precision: rescale the law")


def _checks(sol: _Solution, law: Law, vals: _Values, order: int) -> tuple[float, tuple[tuple[float, float], ...], tuple[float, ...]]:
    """Mass and moments by tanh-sinh quadrature on each support interval plus the atoms.

    Nodes within ``_EDGE_CUT`` (relative) of an edge are not evaluated; the
    piece of the integral there is that of the power law ``A d^(-beta)``
    fitted to the two nodes nearest the edge (a density that vanishes like a
    square root contributes nothing; an integrable singularity, such as
    ``d^(-1/2)`` or the Fuss–Catalan ``d^(-s/(s+1))``, its tail).
    """
    pieces = []
    for a, b in sol.support:
        if math.isfinite(a) and math.isfinite(b) and b > a:
            x, w, d, side = _tanh_sinh(a, b)
            keep = d >= getattr(sol, "edge_cut", _EDGE_CUT) * max(abs(a), abs(b), b - a)
            keep &= (x > a) & (x < b)  # a node that rounds onto an edge sits on a possible singularity
            pieces.append((a, b, x[keep], w[keep], d[keep], side[keep]))
    allx = np.concatenate([p[2] for p in pieces]) if pieces else np.zeros(0)
    rho_all = sol.eval(allx) if len(allx) else np.zeros(0)
    exact = _exact_moments(law, order, vals) if order else []
    qs = [0.0] * (order + 1)  # qs[k] = int x^k rho
    pos = 0
    for a, b, x, w, d, side in pieces:
        rho = rho_all[pos:pos + len(x)]
        pos += len(x)
        # a node a few ulps from a singular edge can round onto it inside the closed form
        # (x - s of a shifted law): leave it to the edge's tail, as the nodes the cut drops
        rounded = ~np.isfinite(rho) & (d < _ROUNDING_EDGE * max(abs(a), abs(b), b - a))
        if rounded.any():
            x, w, d, side, rho = x[~rounded], w[~rounded], d[~rounded], side[~rounded], rho[~rounded]
        for k in range(order + 1):
            qs[k] += float(np.dot(w, rho * x**k))
        for end, e in ((0, a), (1, b)):
            sel = np.flatnonzero(side == end)
            if len(sel) < 2:
                continue
            o = sel[np.argsort(d[sel])[:2]]
            (d1, d2), (r1, r2) = d[o], rho[o]
            if not (0 < r1 < math.inf and 0 < r2 < math.inf and d2 > d1):
                continue
            beta = min(max(math.log(r1 / r2) / math.log(d2 / d1), -4.0), 0.95)
            cut = d1 / math.sqrt(d2 / d1)
            tail = r1 * d1**beta * cut ** (1 - beta) / (1 - beta)
            for k in range(order + 1):
                qs[k] += tail * e**k
    mass = qs[0] + sum(m for _, m in sol.atoms)
    scale = max([abs(a) for iv in sol.support for a in iv] + [abs(a) for a, _ in sol.atoms], default=0.0) or 1.0
    moms, errs = [], []
    for k in range(1, order + 1):
        q = qs[k] + sum(m * a**k for a, m in sol.atoms)
        moms.append((q, exact[k - 1]))
        errs.append(abs(q - exact[k - 1]) / scale**k if math.isfinite(exact[k - 1]) else math.nan)
    if not (math.isfinite(mass) and all(math.isfinite(q) for q, _ in moms)):
        # a density evaluated on a singular edge (a rounding of a shifted or scaled law's endpoint):
        # refuse rather than report inf or nan as a mass or a moment
        raise NumericError(f"the mass and moments of the density of {law} do not come out finite (a singularity at an edge)")
    return mass, tuple(moms), tuple(errs)
