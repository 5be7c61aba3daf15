"""The polynomial method (Rao & Edelman, Found. Comput. Math. 8 (2008) 649–702): the algebraic equation of :func:`tpsym.laws.algebraic.cauchy_equation` in python-flint, its support edges and atoms, and the density from the physical branch (:mod:`tpsym.laws._density.branch`)."""

from __future__ import annotations

import cmath
import math
from dataclasses import fields, is_dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import sympy

from tpsym.errors import DomainError, NumericError
from tpsym.laws.algebraic import cauchy_equation
from tpsym.laws.base import Law

from tpsym.laws._density.atoms import _is_nonnegative, _structural_atoms
from tpsym.laws import _roots
from tpsym.laws._density.branch import _ctx, _Curve, _EPS_MIN, _H, _evaluate_branch, _flint, _nearest_on_sphere, _start_value, _terms
from tpsym.laws._density.closed import _Solution, _zero_outside
from tpsym.laws._density.gauss import _exact_moments
from tpsym.laws._density.quadrature import _EDGE_CUT
from tpsym.laws._density.subordination import _Product
from tpsym.laws._density.values import _Unsupported, _Values


# =============================================================================
# The polynomial method: the equation of tpsym.laws.algebraic, in python-flint
# =============================================================================
def _check_rational(law: Law) -> None:
    """Raise :class:`_Unsupported` naming the first parameter of the tree that is not a rational number."""
    for node in law.walk():
        named: dict[int, str] = {id(getattr(node, f.name)): f.name.rstrip("_") for f in fields(node)} if is_dataclass(node) else {}
        for v in node._params():
            if not sympy.S(v).is_Rational:
                name = named.get(id(v), "parameter")
                raise _Unsupported(f"{name}={v} of {node} is not a rational number: the polynomial method needs exact rational parameters")


@lru_cache(maxsize=256)
def _equation_cached(law: Law) -> Any:
    """``P(x = z, y = G)`` of :func:`tpsym.laws.algebraic.cauchy_equation` as a python-flint polynomial."""
    _check_rational(law)
    try:
        P = cauchy_equation(law)
    except DomainError as exc:
        raise _Unsupported(str(exc)) from None
    flint = _flint()
    return _ctx().from_dict({(i, j, 0): flint.fmpq(int(c.numerator), int(c.denominator)) for (i, j), c in P.terms()})


def _real_roots(coeffs_low_first: list[Any]) -> list[float]:
    """Real roots of a univariate polynomial with rational coefficients (flint, certified isolation)."""
    flint = _flint()
    if not any(c != 0 for c in coeffs_low_first):
        return []
    p = flint.fmpq_poly(coeffs_low_first)
    if p.degree() < 1:
        return []
    num = p.numer() if hasattr(p, "numer") else flint.fmpz_poly([int(c * p.denom()) for c in p.coeffs()])
    out: set[float] = set()
    _, facs = flint.fmpz_poly(num).factor()
    for f, _ in facs:
        if f.degree() < 1:
            continue
        for r, _ in f.complex_roots():
            if r.imag == 0:
                out.add(float(r.real.mid()))
    return sorted(out)


def _univariate(P: Any, j: int) -> list[Any]:
    """Coefficients (low first) in z of G^j in P."""
    flint = _flint()
    dz = int(P.degrees()[0])
    out = [flint.fmpq(0)] * (dz + 1)
    for (i, jj, _), c in _terms(P):
        if jj == j:
            out[i] = c
    return out


def _newton_polygon_masses(P: Any, x0: float) -> list[float]:
    """Candidate masses of an atom at a real root ``x0`` of the leading coefficient (simple-pole branches)."""
    flint = _flint()
    d = int(P.degrees()[1])
    lead = flint.fmpq_poly(_univariate(P, d))
    num = flint.fmpz_poly([int(c * lead.denom()) for c in lead.coeffs()])
    _, facs = num.factor()
    fac = None
    for f, _ in facs:
        if f.degree() >= 1 and any(r.imag == 0 and abs(float(r.real.mid()) - x0) <= 1e-9 * max(1, abs(x0)) for r, _ in f.complex_roots()):
            fac = flint.fmpq_poly(f)
            break
    if fac is None:
        return []
    exact_x0 = -fac.coeffs()[0] / fac.coeffs()[1] if fac.degree() == 1 else None
    at = (lambda poly: poly(exact_x0)) if exact_x0 is not None else (lambda poly: sum(float(c) * x0**k for k, c in enumerate(poly.coeffs())))
    dfac = at(fac.derivative())
    vs: list[float] = []
    cs: list[Any] = []
    for j in range(d + 1):
        a = flint.fmpq_poly(_univariate(P, j))
        if a == 0:
            vs.append(math.inf)
            cs.append(0)
            continue
        v = 0
        while True:
            qq, rr = divmod(a, fac)
            if rr != 0:
                break
            a, v = qq, v + 1
        vs.append(v)
        cs.append(at(a) * dfac**v)
    expo = [v - j for j, v in enumerate(vs)]
    m = min(expo)
    J = [j for j, e in enumerate(expo) if e == m]
    if len(J) < 2:
        return []
    if exact_x0 is not None:
        # exact edge polynomial: its roots isolated by python-flint (multiple roots are exact)
        edge = flint.fmpq_poly([cs[j] if j in J else 0 for j in range(max(J) + 1)])
        return _real_roots_in(edge, 1e-12, 1 + 1e-12)
    poly = np.zeros(max(J) + 1)
    for j in J:
        poly[j] = cs[j]
    roots = np.roots(poly[::-1])
    # a multiple root (several branches with the same residue) comes out of np.roots split by ~eps^(1/k)
    reals = sorted(float(r.real) for r in roots if abs(r.imag) <= 1e-3 * max(1, abs(r)) and 1e-12 < r.real <= 1 + 1e-3)
    clusters: list[list[float]] = []
    for r in reals:
        if clusters and r - clusters[-1][-1] <= 1e-3:
            clusters[-1].append(r)
        else:
            clusters.append([r])
    return [sum(c) / len(c) for c in clusters]


def _real_roots_in(p: Any, lo: float, hi: float) -> list[float]:
    return [r for r in _real_roots(list(p.coeffs())) if lo < r <= hi]


#: From this many points on, the polynomial method continues the branch along the real axis
#: from one descended point per interval between critical points (fewer: every point descends).
_AXIS_MIN_POINTS = 16
#: At most this many points between two of the grid on the real axis (toward a critical point).
_AXIS_MAX_WALK = 400


class _Algebraic(_Solution):
    def __init__(self, law: Law, vals: _Values):
        P = _equation_cached(law)  # the law has its exact values substituted (see _solve)
        self.law, self.P = law, P
        self.degree = int(P.degrees()[1])
        self.method = f"polynomial method, degree {self.degree}"
        ms = _exact_moments(law, 24, vals)
        R = max([abs(m) ** (1 / k) for k, m in enumerate(ms, 1) if math.isfinite(m) and m != 0] + [0.0])
        self.curve = _Curve(P, R if R > 0 else 1.0)
        S = self.curve.S
        self.ms_scaled = [m / S**k for k, m in enumerate(ms, 1)]
        # candidates: branch points (discriminant) and poles (leading coefficient)
        lead = _univariate(P, self.degree)
        pole_pts = _real_roots(lead)
        disc_pts: list[float] = []
        if self.degree >= 2:
            D = P.discriminant("y")
            dd = dict(_terms(D))
            disc_pts = _real_roots([dd.get((i, 0, 0), 0) for i in range(int(D.degrees()[0]) + 1)])
        crit = sorted(set(disc_pts) | set(pole_pts))
        self.crit = crit
        self.axis_anchors: dict[int, tuple[float, complex]] = {}  # interval label -> (x, G at x + i0), scaled
        # evaluate the branch at the midpoints of consecutive candidates and near the poles
        mids = np.array([(a + b) / 2 for a, b in zip(crit, crit[1:])])
        probe = np.concatenate([mids / S, np.array(pole_pts) / S]) if crit else np.zeros(0)
        supp: list[tuple[float, float]] = []
        self.atoms_ = []
        prod: _Product | None = None
        if len(probe):
            prod = self._product(law, vals)
            structural = _structural_atoms(law, vals)
            # the curve's branch at the probes is needed for the midpoints' density unless the
            # subordination route gives it, and for the atoms' masses unless the structure does
            by_curve = prod is None or not len(mids) or (structural is None and len(pole_pts) > 0)
            if by_curve:
                # with one point beyond each end: the branch at the real axis in every interval between
                # critical points, kept as the anchors of the continuation along the axis (eval)
                outer = np.array([crit[0] / S - 0.5, crit[-1] / S + 0.5])
                vals_b, levels, hist, _ = _evaluate_branch(self.curve, np.concatenate([probe, outer]), self._g_top, final_real=True, singular=[c / S for c in crit])
                ax = np.concatenate([mids / S, outer])
                ag = np.concatenate([vals_b[: len(mids)], vals_b[-2:]])
                labels = np.searchsorted(np.array(crit) / S, ax)
                self.axis_anchors = {int(lab): (float(x), complex(v)) for lab, x, v in zip(labels, ax, ag) if cmath.isfinite(v)}
                dens_mid = np.maximum(-vals_b[: len(mids)].imag, 0) / math.pi
            if prod is not None and len(mids):  # the midpoints by the route that gives the values
                prod.xi_scale = S
                dens_mid = np.maximum(-prod.eval_g(mids, structural or ()).imag, 0) * S / math.pi
            cut = 1e-9 * max(1.0, float(np.max(dens_mid)) if len(dens_mid) else 1.0)
            nonneg = bool(_is_nonnegative(law, vals))
            for (a, b), dv in zip(zip(crit, crit[1:]), dens_mid):
                if nonneg and b <= 0:
                    continue  # a law on [0, inf): what is seen left of 0 is the smoothing at height eps
                if dv > cut:
                    if supp and abs(supp[-1][1] - a) <= 1e-12 * max(1, abs(a)):
                        supp[-1] = (supp[-1][0], b)
                    else:
                        supp.append((a, b))
            # atoms: residues at the poles, the Newton-polygon candidate closest to i*eps*G
            for n, x0 in enumerate(pole_pts):
                cands = _newton_polygon_masses(P, x0)
                if structural is None:
                    k_lvl = int(np.argmin(np.abs(levels - 1e-7)))
                    est = (1j * levels[k_lvl] * hist[k_lvl, len(mids) + n]).real
                    choice = min([0.0] + cands, key=lambda m: abs(m - est))
                else:
                    exact = [m for a, m in structural if abs(a - x0) <= 1e-9 * max(1, abs(x0))]
                    if exact:
                        if not any(abs(exact[0] - c) <= 1e-3 for c in cands):
                            raise NumericError(f"the atom of {law} at {x0} (mass {exact[0]}) is not a pole of its algebraic equation")
                        choice = exact[0]
                    else:
                        choice = 0.0
                if choice > 1e-12:
                    self.atoms_.append((x0, choice))
        self.support = tuple(supp)
        self.atoms = tuple(self.atoms_)
        # For a ⊠-product of laws on [0, inf) the density values come from the subordination
        # equation (one unknown followed by Newton's method): near the hard edge at 0 of deep
        # products many sheets of the curve share a pole and a vertical descent in double
        # precision cannot keep them apart. Support and atoms stay those of the curve.
        self.values_by: _Product | None = None
        if not len(probe):
            prod = self._product(law, vals)
        if prod is not None:  # the instance that gave the midpoints: its path is kept for the next calls
            prod.xi_scale = S
            self.values_by = prod
            self.edge_cut = 1e-300
            self.method += "; values by subordination"

    @staticmethod
    def _product(law: Law, vals: _Values) -> _Product | None:
        """The subordination solver of a ⊠-product on [0, inf) with exact factors, or None."""
        try:
            prod = _Product(law, vals)
        except (_Unsupported, DomainError, NumericError):
            return None
        if prod.disc is not None and not prod.disc.exact:
            return None
        return prod

    def _g_top(self, x0: float) -> complex:
        zeta = complex(x0, 1e4)
        g_series = _start_value(self.ms_scaled, zeta)
        r = self.curve.roots(np.array([zeta]))[0]
        k = int(np.argmin(np.abs(r - g_series)))
        if abs(r[k] - g_series) > 1e-8 * abs(g_series):
            raise NumericError(f"the algebraic equation of {self.law} has no root matching its moment series at large |z|")
        return complex(r[k])

    @staticmethod
    def _axis_runs(xs: np.ndarray, crit: np.ndarray, skip: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], list[int], np.ndarray, list[int]]:
        """The points not in ``skip``, sorted (``order``), split into runs between consecutive
        critical points; per run the point farthest from the critical points (a position in
        ``order``); the distances to the nearest critical point (in sorted order); per run the
        label of its interval (0 left of the first critical point)."""
        order = np.flatnonzero(~skip)
        order = order[np.argsort(xs[order], kind="stable")]
        xo = xs[order]
        dist = np.min(np.abs(xo[:, None] - crit[None, :]), axis=1) if len(crit) else np.full(len(xo), np.inf)
        lab = np.searchsorted(crit, xo)
        runs = np.split(np.arange(len(xo)), np.flatnonzero(np.diff(lab)) + 1) if len(xo) else []
        anchors = [int(r[np.argmax(dist[r])]) for r in runs]
        return order, runs, anchors, dist, [int(lab[r[0]]) for r in runs]

    @staticmethod
    def _walk(x0: float, d0: float, x1: float, d1: float, crit: list[float]) -> list[float] | None:
        """Points between ``x0`` and ``x1`` (one interval between critical points) so that every step
        is at most ``_H / 4`` and at most half the distance of both its ends to the nearest critical
        point: toward a critical point the steps shrink geometrically (by 0.7), as the arcs of the
        descent do around it. None when more than :data:`_AXIS_MAX_WALK` points would be needed."""
        pts: list[float] = []
        x, d, s = x0, d0, (1.0 if x1 > x0 else -1.0)  # d0, d1: the ends' distances to the critical points
        while True:
            h = abs(x1 - x)
            if h <= _H / 4 and h <= 0.5 * min(d, d1):
                return pts
            if len(pts) >= _AXIS_MAX_WALK:
                return None
            x = x + s * min(_H / 4, 0.3 * d)  # then the step is at most half the new distance too
            if (x1 - x) * s <= 0:
                return None  # cannot happen between two critical points; refuse rather than overshoot
            pts.append(x)
            d = min([abs(c - x) for c in crit], default=math.inf)

    def _roots_along(self, zs: np.ndarray) -> np.ndarray:
        """All roots at the points ``zs`` (neighbours close): eigenvalues at every 8th point, Newton's
        method on all roots started from those for the others (:func:`tpsym.laws._roots.warm_roots`,
        accepted only with disjoint inclusion disks, eigenvalues otherwise)."""
        base = self.curve.roots(zs[::8])
        start = np.repeat(base, 8, axis=0)[: len(zs)]
        return _roots.warm_roots(self.curve.coeffs(zs), start, lambda rows: self.curve.roots(zs[rows]))

    def _along_axis(self, xs: np.ndarray, order: np.ndarray, runs: list[np.ndarray], starts: list[tuple[float, complex]], dist: np.ndarray, crit: np.ndarray, g: np.ndarray) -> np.ndarray:
        """The branch along the real axis from each run's anchor ``(x, G)`` in ``starts`` to its points; fills ``g``.

        Between two critical points the roots of ``P(x, ·)`` are distinct and
        analytic in ``x``, so the branch is the root continued from the
        anchor: step by step, the root nearest on the Riemann sphere to the
        previous one, unambiguous (the second nearest more than twice as
        far). Every
        step is at most ``_H / 4`` and at most half the distance of its ends
        to the nearest critical point (within the disk where the roots are
        analytic and apart; :meth:`_walk` puts points in between where the
        grid's are farther apart). A run stops at the first ambiguous
        choice; its remaining points go to the descent. The roots at all
        points come in one batch. Returns which points were reached.
        """
        xo, dl, cl = xs[order].tolist(), dist.tolist(), crit.tolist()
        seqs: list[list[tuple[float, int]]] = []  # per run and direction: (x, position in order or -1)
        g0: list[complex] = []
        for run, (x_a, g_a) in zip(runs, starts):
            d_a = min([abs(c - x_a) for c in cl], default=math.inf)
            ia = int(np.searchsorted(xs[order[run]], x_a))
            for side in (run[ia:].tolist(), run[:ia][::-1].tolist()):
                seq = [(x_a, -1)]
                x_p, d_p = x_a, d_a
                for k in side:
                    h = abs(xo[k] - x_p)
                    if not (h <= _H / 4 and h <= 0.5 * min(d_p, dl[k])):  # points needed in between
                        walk = self._walk(x_p, d_p, xo[k], dl[k], cl)
                        if walk is None:
                            break
                        seq += [(v, -1) for v in walk]
                    seq.append((xo[k], k))
                    x_p, d_p = xo[k], dl[k]
                seqs.append(seq)
                g0.append(g_a)
        allx = np.array([x for seq in seqs for x, _ in seq], dtype=complex)
        if not len(allx):
            return np.zeros(len(xs), dtype=bool)
        R = self._roots_along(allx)
        # every root at a point matched to the nearest root at the next point (chordal distance on
        # the Riemann sphere), and whether that match is ambiguous (the second nearest within twice)
        with np.errstate(all="ignore"):
            A, B = R[:-1, :, None], R[1:, None, :]
            dd = np.abs(A - B) / np.sqrt((1 + np.abs(A) ** 2) * (1 + np.abs(B) ** 2))
        dd[~np.isfinite(dd)] = np.inf
        srt = np.sort(dd, axis=2)
        nearest = np.argmin(dd, axis=2).tolist()
        amb = (srt[:, :, 0] > 0.5 * srt[:, :, 1]).tolist() if R.shape[1] > 1 else np.zeros(dd.shape[:2], dtype=bool).tolist()
        done = np.zeros(len(xs), dtype=bool)
        at = 0
        for seq, g_a in zip(seqs, g0):
            first, amb0 = _nearest_on_sphere(R[at].tolist(), g_a)
            if not amb0:
                j = int(np.argmin(np.abs(R[at] - first)))
                for n in range(1, len(seq)):
                    if amb[at + n - 1][j]:
                        break
                    j = nearest[at + n - 1][j]
                    k = seq[n][1]
                    if k >= 0:
                        g[order[k]] = R[at + n, j]
                        done[order[k]] = True
            at += len(seq)
        return done

    def eval(self, x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return np.zeros(0)
        if self.values_by is not None:
            x = np.asarray(x, dtype=float)
            g = self.values_by.eval_g(x, self.atoms)
            return _zero_outside(x, np.maximum(-g.imag, 0) / math.pi, self.support)
        S = self.curve.S
        x = np.asarray(x, dtype=float)
        xs = x / S
        crit = np.array(self.crit) / S
        snapped = np.zeros(len(xs), dtype=bool)
        if len(crit):
            # points within _EDGE_CUT of a critical point are evaluated at it: closer, double
            # precision cannot tell the branches apart
            k = np.argmin(np.abs(xs[:, None] - crit[None, :]), axis=1)
            snapped = np.abs(xs - crit[k]) <= _EDGE_CUT * np.maximum(1.0, np.abs(crit[k]))
            xs = np.where(snapped, crit[k], xs)
        g = np.empty(len(xs), dtype=complex)
        by_descent = np.ones(len(xs), dtype=bool)
        if len(xs) >= _AXIS_MIN_POINTS:
            # anchors (one point per interval between critical points) by the descent, the other
            # points along the real axis from them (:meth:`_along_axis`); what that leaves too, below
            order, runs, far, dist, labels = self._axis_runs(xs, crit, snapped)
            head = snapped.copy()
            for a, lab in zip(far, labels):
                if lab not in self.axis_anchors:  # no anchor kept from the probes: the run's farthest point
                    head[order[a]] = True
            if head.any():
                g_head, levels, hist_h, eps_h = _evaluate_branch(self.curve, xs[head], self._g_top, final_real=True, singular=crit)
                g[head] = g_head
            starts = [self.axis_anchors.get(lab, (float(xs[order[a]]), complex(g[order[a]]))) for a, lab in zip(far, labels)]
            chained = self._along_axis(xs, order, runs, starts, dist, crit, g)
            by_descent = head | ~chained
        ih = np.flatnonzero(by_descent)
        if len(xs) < _AXIS_MIN_POINTS or (~head & by_descent).any() or (snapped.any() and not head.any()):
            g_d, levels, hist_d, eps_d = _evaluate_branch(self.curve, xs[ih], self._g_top, final_real=True, singular=crit)
            g[ih] = g_d
        elif head.any():
            hist_d, eps_d = hist_h, eps_h  # the head is all the descent had to do
        dens = np.maximum(-g.imag, 0.0) / math.pi / S
        if snapped.any():
            # at a critical point: remove the atom, gamma = m / (i eps) + regular part, and call the
            # density infinite if the regular part still grows as eps -> 0 (an integrable singularity)
            atoms_scaled = {round(a / S, 12): m for a, m in self.atoms}
            k_hi = int(np.argmin(np.abs(levels - 1e3 * _EPS_MIN)))
            pos = np.cumsum(by_descent) - 1  # index of a descended point in the descent's arrays
            for j in np.flatnonzero(snapped):
                m = atoms_scaled.get(round(float(xs[j]), 12), 0.0)
                lo = -(hist_d[-1, pos[j]] - m / (1j * eps_d[pos[j]])).imag
                hi = -(hist_d[k_hi, pos[j]] - m / (1j * levels[k_hi])).imag
                if lo > 4 * abs(hi) + 1e-6:
                    dens[j] = math.inf
                elif m > 0:  # at an atom the real-axis root is not the branch: the regular part
                    dens[j] = max(lo, 0.0) / math.pi / S
        return _zero_outside(x, dens, self.support, keep_inf=True)
