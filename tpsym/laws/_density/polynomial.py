"""The polynomial method (Rao & Edelman, Found. Comput. Math. 8 (2008) 649–702): the algebraic equation of :func:`tpsym.laws.algebraic.cauchy_equation` in python-flint, its support edges and atoms, and the density from the physical branch (:mod:`tpsym.laws._density.branch`)."""

from __future__ import annotations

import math
from dataclasses import fields, is_dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import sympy

from tpsym.errors import DomainError, InputError, NumericError
from tpsym.laws.algebraic import cauchy_equation
from tpsym.laws.base import Law

from tpsym.laws._density.atoms import _is_nonnegative, _structural_atoms
from tpsym.laws._density.branch import _ctx, _Curve, _EPS_MIN, _evaluate_branch, _flint, _start_value, _terms
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
        named = {id(getattr(node, f.name)): f.name.rstrip("_") for f in fields(node)} if is_dataclass(node) else {}
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


def algebraic_equation(law: Law) -> sympy.Poly:
    """The irreducible polynomial ``P(z, G)`` with ``P(z, G(z)) = 0`` for the Cauchy transform.

    The same as :func:`tpsym.laws.algebraic.cauchy_equation` (kept here under
    its former name); the polynomial method solves it.

    Examples
    --------
    >>> from tpsym.laws import mp
    >>> algebraic_equation(mp(ratio=1))
    Poly(z*G**2 - z*G + 1, z, G, domain='QQ')
    """
    if not isinstance(law, Law):
        raise InputError(f"algebraic_equation needs a law, not {law!r}")
    return cauchy_equation(law)



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
    vs, cs = [], []
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
        # evaluate the branch at the midpoints of consecutive candidates and near the poles
        mids = np.array([(a + b) / 2 for a, b in zip(crit, crit[1:])])
        probe = np.concatenate([mids / S, np.array(pole_pts) / S]) if crit else np.zeros(0)
        supp: list[tuple[float, float]] = []
        self.atoms_ = []
        if len(probe):
            vals_b, levels, hist, _ = _evaluate_branch(self.curve, probe, self._g_top(probe), final_real=True, singular=[c / S for c in crit])
            dens_mid = np.maximum(-vals_b[: len(mids)].imag, 0) / math.pi
            prod = self._product(law, vals)
            if prod is not None and len(mids):  # the midpoints by the route that gives the values
                prod.xi_scale = S
                dens_mid = np.maximum(-prod.eval_g(mids, _structural_atoms(law, vals) or ()).imag, 0) * S / math.pi
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
            k_lvl = int(np.argmin(np.abs(levels - 1e-7)))
            structural = _structural_atoms(law, vals)
            for n, x0 in enumerate(pole_pts):
                est = (1j * levels[k_lvl] * hist[k_lvl, len(mids) + n]).real
                cands = _newton_polygon_masses(P, x0)
                choice = min([0.0] + cands, key=lambda m: abs(m - est))
                if structural is not None:
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
        prod = self._product(law, vals)
        if prod is not None:
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

    def _g_top(self, xs: np.ndarray) -> complex:
        zeta = complex(float(np.min(xs)) - 0.5, 1e4)
        g_series = _start_value(self.ms_scaled, zeta)
        r = self.curve.roots(np.array([zeta]))[0]
        k = int(np.argmin(np.abs(r - g_series)))
        if abs(r[k] - g_series) > 1e-8 * abs(g_series):
            raise NumericError(f"the algebraic equation of {self.law} has no root matching its moment series at large |z|")
        return complex(r[k])

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
        g, levels, hist, eps_f = _evaluate_branch(self.curve, xs, self._g_top(xs), final_real=True, singular=crit)
        dens = np.maximum(-g.imag, 0.0) / math.pi / S
        if snapped.any():
            # at a critical point: remove the atom, gamma = m / (i eps) + regular part, and call the
            # density infinite if the regular part still grows as eps -> 0 (an integrable singularity)
            atoms_scaled = {round(a / S, 12): m for a, m in self.atoms}
            k_hi = int(np.argmin(np.abs(levels - 1e3 * _EPS_MIN)))
            for j in np.flatnonzero(snapped):
                m = atoms_scaled.get(round(float(xs[j]), 12), 0.0)
                lo = -(hist[-1, j] - m / (1j * eps_f[j])).imag
                hi = -(hist[k_hi, j] - m / (1j * levels[k_hi])).imag
                if lo > 4 * abs(hi) + 1e-6:
                    dens[j] = math.inf
                elif m > 0:  # at an atom the real-axis root is not the branch: the regular part
                    dens[j] = max(lo, 0.0) / math.pi / S
        return _zero_outside(x, dens, self.support, keep_inf=True)
