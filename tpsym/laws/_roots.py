"""Roots of many polynomials at once, warm-started: the vertical descent of the polynomial method.

The polynomial method (:mod:`tpsym.laws._density.polynomial`) follows one root of
``P(z, G) = 0`` while ``z = x + i eps`` goes down to the real axis, for every
grid point ``x`` at once. Every level needs all roots in ``G`` at every point
(the branch is the root nearest to the predicted value, and a choice is
ambiguous when a second root is close). Companion-matrix eigenvalues
(``numpy.linalg.eigvals`` on an ``(n, d, d)`` stack) cost about 7 µs per
3 x 3 matrix; between two levels the roots move little, so Newton's
method on each of the ``d`` roots, started from the previous level's
roots and vectorised over the points, converges in two or three sweeps of
a few array operations. The result is accepted only when the inclusion
disks of the ``d`` roots are disjoint (so they are all the roots); a point
that fails (roots that nearly collide, a root passing through infinity, a
non-finite start) is handed to the eigenvalue route.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

__all__ = ["choose_nearest", "level_step", "roots_from_last", "warm_roots"]

_MAX_SWEEPS = 8
_TOL = 1e-8


def choose_nearest(r: np.ndarray, prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the root of ``r`` (``(n, d)``) nearest to ``prev`` (``(n,)``) on the Riemann sphere.

    Chordal distance, so that a pole's growth is not mistaken for a jump.
    Returns the chosen roots and whether each choice is ambiguous: the
    second-nearest root is within twice the distance of the nearest (a
    non-finite root is never chosen).
    """
    with np.errstate(all="ignore"):
        dist = np.abs(r - prev[:, None]) / np.sqrt((1 + np.abs(r) ** 2) * (1 + np.abs(prev[:, None]) ** 2))
    dist[~np.isfinite(r)] = np.inf
    order = np.argsort(dist, axis=1)
    rows = np.arange(len(r))
    d1 = dist[rows, order[:, 0]]
    d2 = dist[rows, order[:, 1]] if r.shape[1] > 1 else np.full(len(r), np.inf)
    return r[rows, order[:, 0]], d1 > 0.5 * d2


def _newton_all(B: np.ndarray, R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Newton's method on every root of every row at once: ``B`` monic rows (low first, ``(n, d + 1)``), starts ``R`` (``(n, d)``).

    Returns the roots and, per row, whether they are certainly all the
    roots: every last correction ``w`` is small, and the disks of radius
    ``(d + 1) |w|`` around the results are disjoint. The disk of radius
    ``d |p(r) / p'(r)|`` around any ``r`` contains a root [Henrici,
    Applied and Computational Complex Analysis I, Thm. 6.4e], so ``d``
    disjoint disks hold ``d`` distinct roots, i.e. all of them.
    """
    n, d1 = B.shape
    d = d1 - 1
    R = R.copy()
    ok = np.zeros(n, dtype=bool)
    act = np.arange(n)
    cols = [B[:, j:j + 1] for j in range(d)]
    with np.errstate(all="ignore"):
        for sweep in range(_MAX_SWEEPS):
            Ra = R if len(act) == n else R[act]
            c = cols if len(act) == n else [col[act] for col in cols]
            p = Ra + c[d - 1]  # monic
            dp = np.ones_like(Ra)
            for j in range(d - 2, -1, -1):
                dp = dp * Ra + p
                p = p * Ra + c[j]
            w = p / dp
            w[p == 0] = 0
            Ra = Ra - w
            if len(act) == n:
                R = Ra
            else:
                R[act] = Ra
            if sweep == 0:
                continue  # from a warm start one sweep is rarely enough
            aw = np.abs(w)
            done = np.all(aw <= _TOL * np.maximum(1.0, np.abs(Ra)), axis=1)
            if d > 1 and done.any():
                k = np.flatnonzero(done)
                Rk, ak = Ra[k], aw[k]
                sep = np.abs(Rk[:, :, None] - Rk[:, None, :])
                rad = (d + 1) * (ak[:, :, None] + ak[:, None, :])
                sep[:, np.arange(d), np.arange(d)] = np.inf
                done[k] = np.all(sep > rad, axis=(1, 2))
            ok[act[done]] = True
            act = act[~done]
            if not len(act):
                break
    return R, ok


def warm_roots(B: np.ndarray, R0: np.ndarray, cold: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """All roots of the polynomials whose coefficients (low first) are the rows of ``B``, near ``R0``.

    ``R0`` (``(n, d)``) are the roots of nearby polynomials (the previous
    level). A row whose leading coefficient is smaller than its constant one
    is solved in ``1/G`` (reversed coefficients) and inverted, as the
    eigenvalue route does, so a root near infinity stays accurate. Rows that
    do not converge (see :func:`_newton_all`) or have a non-finite start
    go to ``cold(rows)`` (all roots of those rows by eigenvalues; it receives
    the row indices).
    """
    n, d1 = B.shape
    d = d1 - 1
    out = np.full((n, d), np.inf + 0j)
    if n == 0:
        return out
    direct = np.abs(B[:, d]) >= np.abs(B[:, 0])
    alldirect = bool(direct.all())
    with np.errstate(all="ignore"):
        Bm = B if alldirect else np.where(direct[:, None], B, B[:, ::-1])
        W0 = R0 if alldirect else np.where(direct[:, None], R0, 1 / R0)
        Bm = Bm / Bm[:, d:d + 1]
    # a non-finite start or coefficient goes to the eigenvalues; so does every row whose Newton
    # iterations do not end in disjoint inclusion disks (coinciding starts, nearly colliding roots)
    good = np.isfinite(W0).all(axis=1) & np.isfinite(Bm).all(axis=1)
    idx = np.arange(n) if good.all() else np.flatnonzero(good)
    if len(idx):
        W, ok = _newton_all(Bm[idx] if len(idx) < n else Bm, W0[idx] if len(idx) < n else W0)
        if not alldirect:
            with np.errstate(all="ignore"):
                W = np.where(direct[idx, None], W, 1 / W)
        if ok.all():
            out[idx] = W
        else:
            out[idx[ok]] = W[ok]
            good[idx[~ok]] = False
    bad = np.flatnonzero(~good)
    if len(bad):
        out[bad] = cold(bad)
    out[~np.isfinite(out)] = np.inf
    return out


def level_step(curve: Any, z: np.ndarray, prev: np.ndarray, idx: np.ndarray, R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One level of the vertical descent of an algebraic curve, with warm-started roots.

    ``R`` (``(n, d)``) holds all roots at every point of the descent at the
    previous level; the roots of the points ``idx`` (now at ``z``) are
    :func:`warm_roots` from those and replace them in ``R``. Returns the root
    nearest to ``prev`` per point and whether the choice is ambiguous
    (:func:`choose_nearest`), the choice the eigenvalue route makes.
    ``curve`` has ``coeffs(zeta)`` (``(n, d + 1)``, low first) and ``roots(zeta)``.
    """
    Rk = warm_roots(curve.coeffs(z), R[idx], lambda rows: np.asarray(curve.roots(z[rows])))
    R[idx] = Rk
    return choose_nearest(Rk, prev)


def roots_from_last(curve: Any, z: np.ndarray) -> np.ndarray:
    """All roots of the curve at the points ``z``, warm-started from the curve's previous call of the same size.

    Consecutive calls of a continuation (the steps of the arcs around the
    critical points) ask for the roots at the same points moved a little;
    a call of another size (or the first) takes the eigenvalues. The start
    only affects the speed: a row that does not converge takes the
    eigenvalues too. The last call is kept on the curve as one tuple
    (a concurrent call sees one whole previous call, or none).
    """
    z = np.asarray(z, dtype=complex)
    last = getattr(curve, "_last_roots", None)
    if last is not None and last[0].shape == z.shape and len(z) > 1:
        R = warm_roots(curve.coeffs(z), last[1], lambda rows: curve.roots(z[rows]))
    else:
        R = curve.roots(z)
    curve._last_roots = (z, R)
    return R
