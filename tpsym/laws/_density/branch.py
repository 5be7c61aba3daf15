"""Numerical continuation of the physical branch of ``G`` on an algebraic curve ``P(z, G) = 0``: the horizontal path, the vertical descent, the followers shared by the polynomial method and subordination."""

from __future__ import annotations

import cmath
import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from tpsym.errors import NumericError
from tpsym.laws import _roots

def _flint() -> Any:
    try:
        import flint
    except ImportError:  # pragma: no cover - python-flint is a dependency
        raise NumericError("the polynomial method needs python-flint: pip install python-flint") from None
    return flint

@lru_cache(maxsize=1)
def _ctx() -> Any:
    return _flint().fmpq_mpoly_ctx.get(("x", "y", "t"), "lex")

def _terms(P: Any) -> list[tuple[tuple[int, int, int], Any]]:
    """The terms of a flint polynomial with Python-int exponents."""
    return [((int(i), int(j), int(k)), c) for (i, j, k), c in P.to_dict().items()]


# =============================================================================
# Numerical continuation of the physical branch
# =============================================================================
_H = 0.05  # height of the horizontal path, in units of the law's scale
_LEVEL_RATIO = 2.0  # vertical descent: eps -> eps / 2 per level
_EPS_MIN = 1e-13
_ALL_LEVELS_AT_ONCE = 400  # points x levels of a curve's descent whose roots are one batch


def _horizontal_path(xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Real parts of a path through the sorted points ``xs`` with steps small near the support.

    Returns the path and the indices of ``xs`` in it.
    """
    pts = [xs[0] - 0.5]
    for xv in xs:
        while True:
            last = pts[-1]
            step = _H / 4 if abs(last) <= 3 else max(_H / 4, 0.1 * abs(last))
            if xv - last <= step:
                break
            pts.append(last + step)
        pts.append(float(xv))
    path = np.array(pts)
    idx = np.searchsorted(path, xs)
    # exact positions (duplicates of xs are fine: they map to the first occurrence)
    return path, idx


def _coarse_path(x0: float, end: float) -> np.ndarray:
    """Real parts of a path from ``x0`` to at least ``end``, steps small near the support (as :func:`_horizontal_path`).

    The steps depend only on the position, so the path from ``x0`` is one
    sequence and a longer one extends a shorter one.
    """
    pts = [x0]
    while pts[-1] < end:
        last = pts[-1]
        pts.append(last + (_H / 4 if abs(last) <= 3 else max(_H / 4, 0.1 * abs(last))))
    return np.array(pts)


def _vertical_levels(top: float, bottom: float, ratio: float) -> np.ndarray:
    n = max(1, int(math.ceil(math.log(top / bottom) / math.log(ratio))))
    return top * ratio ** -np.arange(n + 1)


class _Follower:
    """Follows one analytic branch: ``solve(z, prev)`` gives the value at ``z`` next to ``prev``."""

    refine_depth = 2
    path_start = math.inf  # the horizontal path starts at most here (a follower of a law on [0, inf): -1/2)

    def step_batch(self, z: np.ndarray, prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
        raise NotImplementedError

    def step_refined(self, z0: complex, z1: complex, g0: complex, depth: int = 0, slope: complex | None = None) -> complex:
        """Go from ``z0`` (value ``g0``) to ``z1`` in finer steps where a step is ambiguous.

        ``slope`` (dG/dz from the previous step, if known) predicts each sub-step.
        """
        zs = z0 + (z1 - z0) * np.linspace(0, 1, 5)[1:]
        g, zprev = g0, z0
        for zk in zs:
            pred = g if slope is None or not np.isfinite(slope) else g + slope * (zk - zprev)
            val, amb = self.step_batch(np.array([zk]), np.array([pred]))
            new = self.step_refined(zprev, zk, g, depth + 1, slope) if amb[0] and depth < 4 else complex(val[0])
            slope = (new - g) / (zk - zprev)
            g, zprev = new, zk
        return g

    def _refine_vertical(self, x: float, eps3: np.ndarray, g2: complex, g1: complex, depth: int = 0) -> complex:
        """One vertical level ``eps3[1] -> eps3[2]`` in sub-levels, predicting ``log G`` linearly in ``log eps``.

        Near a point where several sheets share a pole (or a power law) their
        values differ in lower-order terms only; extrapolating ``log G`` in
        ``log eps`` follows the leading term exactly, so the sub-step error is
        much smaller than the distance between the sheets.
        """
        e2, e1, e0 = (float(v) for v in eps3)
        n = 8
        g_prev2, g_prev, le_prev2, le_prev = g2, g1, math.log(e2), math.log(e1)
        for m in range(1, n + 1):
            le = math.log(e1) + (math.log(e0) - math.log(e1)) * m / n
            with np.errstate(all="ignore"):
                ratio = g_prev / g_prev2
                pred = g_prev * np.exp(np.log(ratio) * (le - le_prev) / (le_prev - le_prev2)) if ratio != 0 and np.isfinite(ratio) else g_prev
            val, amb = self.step_batch(np.array([x + 1j * math.exp(le)]), np.array([pred]))
            g_new = complex(val[0])
            if amb[0] and depth < self.refine_depth:
                g_new = self._refine_vertical(x, np.array([math.exp(le_prev2), math.exp(le_prev), math.exp(le)]), g_prev2, g_prev, depth + 1)
            g_prev2, g_prev, le_prev2, le_prev = g_prev, g_new, le_prev, le
        return g_prev

    def follow(self, zs: np.ndarray, g0: complex) -> np.ndarray:
        """Values along the path ``zs`` (``zs[0]`` has value ``g0``)."""
        out = np.empty(len(zs), dtype=complex)
        out[0] = g0
        for k in range(1, len(zs)):
            pred = out[k - 1:k]
            if k >= 2 and zs[k - 1] != zs[k - 2]:  # linear extrapolation along the path
                pred = pred + (out[k - 1] - out[k - 2]) * (zs[k] - zs[k - 1]) / (zs[k - 1] - zs[k - 2])
            val, amb = self.step_batch(zs[k:k + 1], pred)
            out[k] = self.step_refined(zs[k - 1], zs[k], out[k - 1]) if amb[0] else val[0]
        return out

    def _descend_start(self, x: np.ndarray, levels: np.ndarray) -> Any:
        """What :meth:`descend` carries from level to level (nothing here; roots for a curve)."""
        return None

    def _descend_step(self, k: int, z: np.ndarray, prev: np.ndarray, idx: np.ndarray, state: Any) -> tuple[np.ndarray, np.ndarray]:
        """The values at ``z`` (level ``k``, the points ``idx`` of the descent) next to ``prev``, and whether each choice is ambiguous."""
        return self.step_batch(z, prev)

    def at_height(self, starts: np.ndarray, top: Callable[[float], complex]) -> np.ndarray:
        """The branch at ``starts + i _H`` (``starts`` sorted), ``top(x0)`` the value at ``x0 + 1e4 i``.

        From ``x0 + 1e4 i`` (``x0`` at least 1/2 left of the points, on the
        half-integers, and at most :attr:`path_start`, so that calls share it) down to ``x0 + i _H``, then
        along ``Im z = _H`` on :func:`_coarse_path`, followed point by point;
        the ``starts`` in one batch, each predicted by linear interpolation
        between the two path points around it (at most ``_H / 4`` apart
        near the support) and refined by sub-steps from the left one where
        the choice is ambiguous. The path and its values are kept on the
        follower (one tuple) for the next call with the same ``x0``.
        """
        x0 = min(math.floor(2 * (float(starts[0]) - 0.5)) / 2, self.path_start)
        end = float(starts[-1])
        scale = getattr(self, "xi_scale", None)  # a follower's units may change between calls
        cached = getattr(self, "_height_path", None)
        if cached is not None and cached[0][1] == scale and cached[0][0] <= x0:  # a path from farther left serves too
            x0 = cached[0][0]
            path, gh = cached[1], cached[2]
            if path[-1] < end:  # extend the cached path from its last point
                more = _coarse_path(float(path[-1]), end)
                gm = self.follow(more + 1j * _H, complex(gh[-1]))
                path, gh = np.concatenate([path, more[1:]]), np.concatenate([gh, gm[1:]])
        else:
            path = _coarse_path(x0, end)
            gv = self.follow(x0 + 1j * _vertical_levels(1e4, _H, 1.25), top(x0))
            gh = self.follow(path + 1j * _H, complex(gv[-1]))
        self._height_path = ((x0, scale), path, gh)
        j = np.clip(np.searchsorted(path, starts), 1, len(path) - 1)
        t = (starts - path[j - 1]) / (path[j] - path[j - 1])
        pred = gh[j - 1] + t * (gh[j] - gh[j - 1])
        val, amb = self.step_batch(starts + 1j * _H, pred)
        for n in np.flatnonzero(amb):
            val[n] = self.step_refined(complex(path[j[n] - 1], _H), complex(starts[n], _H), complex(gh[j[n] - 1]))
        return val

    def roots_on(self, Z: np.ndarray) -> np.ndarray | None:
        """All candidate values at the points ``Z`` (any shape) in one batch, for :meth:`step_batch`'s
        choice (:func:`tpsym.laws._roots.choose_nearest`), or None: ``step_batch`` step by step."""
        return None

    def descend(self, x: np.ndarray, g: np.ndarray, levels: np.ndarray, floors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """From ``x + i levels[0]`` (values ``g``) down, batched, each point to its own floor.

        Returns the history over the levels (a point's entries below its floor
        repeat its last value), the final values and the final heights.
        """
        hist = np.empty((len(levels), len(x)), dtype=complex)
        hist[0] = g
        last_eps = np.full(len(x), levels[0])
        state = self._descend_start(x, levels)
        for k in range(1, len(levels)):
            active = floors < levels[k - 1] * (1 - 1e-12)
            hist[k] = hist[k - 1]
            if not active.any():
                hist = hist[: k + 1]
                break
            idx = np.flatnonzero(active)
            z = x[idx] + 1j * levels[k]
            prev = hist[k - 1, idx]
            if k >= 2:  # extrapolate geometrically (exact for poles and power laws at the real axis)
                with np.errstate(all="ignore"):
                    ratio = prev / hist[k - 2, idx]
                ratio = np.where(np.isfinite(ratio) & (np.abs(ratio) > 0.2) & (np.abs(ratio) < 5), ratio, 1.0)
                prev = prev * ratio
            val, amb = self._descend_step(k, z, prev, idx, state)
            for n in np.flatnonzero(amb):
                j = idx[n]
                if k >= 2:
                    val[n] = self._refine_vertical(float(x[j]), levels[k - 2:k + 1], hist[k - 2, j], hist[k - 1, j])
                else:
                    val[n] = self.step_refined(complex(x[j] + 1j * levels[k - 1]), complex(z[n]), complex(hist[k - 1, j]))
            hist[k, idx] = val
            last_eps[idx] = levels[k]
        return hist, hist[-1].copy(), last_eps


class _Curve(_Follower):
    """The algebraic curve ``P(z, G) = 0`` in scaled variables ``z = S zeta``, ``G = gamma / S``."""

    def __init__(self, P: Any, scale: float):
        flint = _flint()
        self.P = P
        e = int(round(math.log2(scale))) if scale > 0 else 0
        self.S = 2.0**e
        d = dict(_terms(P))
        self.dz, self.dg = int(P.degrees()[0]), int(P.degrees()[1])
        two = flint.fmpq(2)
        exact = {}
        for (i, j, _), c in d.items():
            exact[(i, j)] = c * two ** (e * (i - j)) if e * (i - j) >= 0 else c / two ** (-e * (i - j))
        big = max(abs(v) for v in exact.values())
        C = np.zeros((self.dz + 1, self.dg + 1))
        for (i, j), v in exact.items():
            C[i, j] = float(v / big)
        self.C = C

    def coeffs(self, zeta: np.ndarray) -> np.ndarray:
        V = zeta[:, None] ** np.arange(self.dz + 1)[None, :]
        return V @ self.C  # (n, dg + 1), coefficient of gamma^j

    def roots(self, zeta: np.ndarray) -> np.ndarray:
        """All roots in ``gamma`` at each ``zeta`` (companion matrices, batched).

        Where the leading coefficient is the smaller end, the roots of the
        reversed polynomial (in ``1/gamma``) are computed and inverted, so that
        a root going to infinity (a pole of G) stays accurate.
        """
        B = self.coeffs(np.asarray(zeta, dtype=complex))
        n, d = B.shape[0], self.dg
        out = np.full((n, d), np.inf + 0j)
        direct = np.abs(B[:, d]) >= np.abs(B[:, 0])
        for mask, rev in ((direct, False), (~direct, True)):
            if not mask.any():
                continue
            Bm = B[mask][:, ::-1] if rev else B[mask]
            M = np.zeros((Bm.shape[0], d, d), dtype=complex)
            with np.errstate(all="ignore"):
                M[:, 0, :] = -Bm[:, d - 1::-1] / Bm[:, d:d + 1]
                if d > 1:
                    M[:, np.arange(1, d), np.arange(d - 1)] = 1.0
                ok = np.all(np.isfinite(M), axis=(1, 2))
                r = np.full((Bm.shape[0], d), np.inf + 0j)
                if ok.any():
                    r[ok] = np.linalg.eigvals(M[ok])
                out[mask] = 1 / r if rev else r
        out[~np.isfinite(out)] = np.inf
        return out

    def follow(self, zs: np.ndarray, g0: complex) -> np.ndarray:
        """As :meth:`_Follower.follow`, with the roots at every point of the path in one batched call.

        The choice at each point depends on the previous value (a sequential
        scan), but the companion-matrix eigenvalues do not: computing them
        for the whole path at once replaces one LAPACK call per point by one
        per path; the choice is the same as :meth:`step_batch` makes.
        """
        zs = np.asarray(zs)
        out = np.empty(len(zs), dtype=complex)
        out[0] = g0
        if len(zs) < 2:
            return out
        R = self.roots(zs[1:]).tolist()
        zl = zs.tolist()
        for k in range(1, len(zs)):
            pred = complex(out[k - 1])
            if k >= 2 and zl[k - 1] != zl[k - 2]:  # linear extrapolation along the path
                pred = pred + (out[k - 1] - out[k - 2]) * (zl[k] - zl[k - 1]) / (zl[k - 1] - zl[k - 2])
            if cmath.isfinite(pred):
                best, amb = _nearest_on_sphere(R[k - 1], pred)
            else:  # a pole on the path: the batched rule handles the point at infinity
                val, ambs = self.step_batch(zs[k:k + 1], np.array([pred]))
                best, amb = complex(val[0]), bool(ambs[0])
            out[k] = self.step_refined(zs[k - 1], zs[k], out[k - 1]) if amb else best
        return out

    def _descend_start(self, x: np.ndarray, levels: np.ndarray) -> tuple[np.ndarray, bool]:
        """All roots at every point: at every level at once for a few points (one batch of
        eigenvalues instead of a Newton sweep per level), else at the top, updated level by level."""
        if len(x) * len(levels) <= _ALL_LEVELS_AT_ONCE:
            Z = x[None, :] + 1j * levels[:, None]
            return self.roots(Z.ravel()).reshape(len(levels), len(x), -1), True
        return self.roots(x + 1j * levels[0]), False

    def roots_on(self, Z: np.ndarray) -> np.ndarray | None:
        """All roots at the points ``Z`` in one batch of eigenvalues, for a few points (else None:
        warm-started roots step by step are cheaper)."""
        if Z.size > _ALL_LEVELS_AT_ONCE:
            return None
        return self.roots(Z.ravel()).reshape(*Z.shape, -1)

    def _descend_step(self, k: int, z: np.ndarray, prev: np.ndarray, idx: np.ndarray, state: tuple[np.ndarray, bool]) -> tuple[np.ndarray, np.ndarray]:
        """The root next to ``prev`` among those at level ``k``: computed at the start, or warm-started
        from the previous level's (:func:`tpsym.laws._roots.level_step`)."""
        R, every_level = state
        if every_level:
            return _roots.choose_nearest(R[k, idx], prev)
        return _roots.level_step(self, z, prev, idx, R)

    def step_batch(self, z: np.ndarray, prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return _roots.choose_nearest(_roots.roots_from_last(self, z), prev)


def _nearest_on_sphere(roots: Sequence[complex], prev: complex) -> tuple[complex, bool]:
    """The root nearest to ``prev`` in chordal distance, and whether the second is within twice that.

    The scalar form of :meth:`_Curve.step_batch`'s choice (same distances,
    same tie rule: the first of equal distances), for a sequential scan.
    """
    aprev = 1 + abs(prev) ** 2
    d1 = d2 = math.inf
    best = complex(math.inf)
    for r in roots:
        if not cmath.isfinite(r):
            continue
        d = abs(r - prev) / math.sqrt((1 + abs(r) ** 2) * aprev)
        if d < d1:
            d1, d2, best = d, d1, r
        elif d < d2:
            d2 = d
    return best, not d1 <= 0.5 * d2


def _start_value(moments_scaled: Sequence[float], zeta: complex) -> complex:
    return 1 / zeta + sum(m / zeta ** (k + 1) for k, m in enumerate(moments_scaled, 1) if math.isfinite(m))


def _evaluate_branch(
    fol: _Follower,
    xs: np.ndarray,
    g_top: Callable[[float], complex],
    *,
    final_real: bool,
    eps_min: float = _EPS_MIN,
    singular: Sequence[float] | np.ndarray = (),
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The branch value at ``xs + i0`` (scaled units), by continuation.

    Path: from ``x0 + i 1e4`` (value ``g_top(x0)``) down to height ``_H``, along
    ``Im z = _H`` to every point and every singular point
    (:meth:`_Follower.at_height`). A point
    farther than ``_H`` from the singular points (or on one) then goes down
    its vertical to ``eps_min`` (to ``min(eps_min, 1e-4 d)`` at distance
    ``d`` when not ``final_real``) and, when ``final_real``, to the real
    axis. A point at distance ``0 < rho < _H`` from its nearest singular
    point ``c`` (with ``final_real``) goes down the vertical above ``c`` to
    height ``rho`` and then along the quarter circle ``c + rho e^(i theta)``
    to the real axis: around a branch point or a pole the sheets keep their
    relative distance on such a circle (Puiseux), so the branch is followed
    where a vertical descent would pass sheets that nearly collide.

    Returns (values at the bottom, the vertical levels, the history per
    level of the vertical descents, the final heights).
    """
    xs = np.asarray(xs, dtype=float)
    sing = np.unique(np.asarray(singular, dtype=float))
    dist = np.full(len(xs), np.inf)
    near_c = np.zeros(len(xs))
    if len(sing):
        k = np.argmin(np.abs(xs[:, None] - sing[None, :]), axis=1)
        near_c = sing[k]
        dist = np.abs(xs - near_c)
    arc = final_real & (dist > 0) & (dist < _H)
    down = ~arc
    # the points where a vertical descent starts: the far points and the centres of the arcs
    starts = np.unique(np.concatenate([xs[down], near_c[arc]]))
    g_start = fol.at_height(starts, g_top) if len(starts) else np.zeros(0, dtype=complex)
    floors = np.full(len(starts), eps_min)
    if not final_real and len(sing):
        dd = np.min(np.abs(starts[:, None] - sing[None, :]), axis=1)
        floors = np.where(dd > 0, np.minimum(eps_min, np.maximum(1e-4 * dd, 1e-250)), eps_min)
    # arcs need the vertical above their centre down to their radius
    for c in np.unique(near_c[arc]):
        j = int(np.searchsorted(starts, c))
        floors[j] = min(floors[j], float(np.min(dist[arc & (near_c == c)])) / 2)
    levels = _vertical_levels(_H, float(np.min(floors)) if len(floors) else eps_min, _LEVEL_RATIO)
    hist_s, bottom_s, eps_s = fol.descend(starts, g_start, levels, floors)
    out = np.empty(len(xs), dtype=complex)
    eps_f = np.zeros(len(xs))
    hist = np.empty((len(levels), len(xs)), dtype=complex)
    jd = np.searchsorted(starts, xs[down])
    # the history rows may be fewer than the levels when every point stopped early
    hist_s = np.vstack([hist_s, np.repeat(hist_s[-1:], len(levels) - len(hist_s), axis=0)]) if len(hist_s) < len(levels) else hist_s
    hist[:, down] = hist_s[:, jd]
    eps_f[down] = np.minimum(eps_s[jd], floors[jd])
    out[down] = bottom_s[jd]
    if final_real and down.any():
        val, _ = fol.step_batch(xs[down].astype(complex), out[down])
        out[down] = np.where(val.imag > 0, np.conj(val), val)
    if arc.any():
        ia = np.flatnonzero(arc)
        c = near_c[ia]
        rho = dist[ia]
        js = np.searchsorted(starts, c)
        # the lowest level at or above rho, then one step down to height rho
        kl = np.array([int(np.searchsorted(-levels, -r, side="right")) - 1 for r in rho])
        kl = np.clip(kl, 0, len(levels) - 1)
        g0 = hist_s[kl, js]
        z_prev = c + 1j * levels[kl]
        z_new = c + 1j * rho
        g1, amb = fol.step_batch(z_new, g0)
        for n in np.flatnonzero(amb):
            g1[n] = fol.step_refined(complex(z_prev[n]), complex(z_new[n]), complex(g0[n]))
        side = np.where(xs[ia] > c, 1.0, -1.0)
        M = 48
        gprev2, gprev = g0, g1
        zprev2, zprev = z_prev, z_new
        theta = 0.5 * math.pi * (1 - np.arange(1, M + 1) / M)
        Z = c[None, :] + rho[None, :] * (side[None, :] * np.cos(theta)[:, None] + 1j * np.sin(theta)[:, None])
        Z[-1] = xs[ia]
        pre = fol.roots_on(Z)  # every step's candidates at once, where the follower has them
        for m in range(1, M + 1):
            z = Z[m - 1]
            with np.errstate(all="ignore"):
                slope = (gprev - gprev2) / (zprev - zprev2)
            slope = np.where(np.isfinite(slope), slope, 0)
            pred = gprev + slope * (z - zprev)
            val, amb = fol.step_batch(z, pred) if pre is None else _roots.choose_nearest(pre[m - 1], pred)
            for n in np.flatnonzero(amb):
                val[n] = fol.step_refined(complex(zprev[n]), complex(z[n]), complex(gprev[n]), 0, complex(slope[n]))
            gprev2, gprev, zprev2, zprev = gprev, val, zprev, z
        out[ia] = np.where(gprev.imag > 0, np.conj(gprev), gprev)
        hist[:, ia] = gprev[None, :]
    return out, levels, hist, eps_f
