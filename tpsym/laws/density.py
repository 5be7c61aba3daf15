"""Spectral densities of laws on a grid, with their support and atoms.

Three routes, tried in this order by :func:`density` (``method="auto"``):

``"closed form"``
    semicircle, free Poisson / Marchenko–Pastur (with its atom at 0 of mass
    ``1 - rate`` when ``rate < 1``), arcsine, Bernoulli and Dirac (atoms
    only), the Fuss–Catalan law ``mp(ratio=1)^{⊠ s}`` for an integer ``s``
    through its trigonometric parametrisation, and scalings and shifts of
    these.
``"polynomial method, degree d"``
    every law tree of catalogue laws with rational parameters combined by
    ⊞, ⊠ (factors of non-zero mean), ⊠-powers and ⊞-powers with rational
    exponents, scalings and shifts. The algebraic equation ``P(z, G) = 0``
    of the Cauchy transform is that of
    :func:`tpsym.laws.algebraic.cauchy_equation` (free cumulant series add
    under ⊞, S-transforms multiply under ⊠, variables eliminated by
    resultants; at every node the irreducible factor that vanishes on the
    law's exact series is kept, a choice proved by exact coefficients).
    ``G(x + i0)`` is then the root of the degree-``d``
    polynomial ``P(x + i0, .)`` reached by continuation from ``|z|`` large,
    where ``G ~ 1/z``, along a path in the upper half-plane (any degree, not
    only up to cubics); density ``-Im G(x + i0) / pi``; support edges among
    the real roots of the discriminant; atoms among the real roots of the
    leading coefficient, masses from the Newton polygon (residues). For a
    ⊠-product of laws on ``[0, inf)`` (the Jacobian laws) the values on the
    grid come from the subordination route below (method
    ``"polynomial method, degree d; values by subordination"``): near the
    hard edge at 0 of deep products several sheets of the curve share a pole
    and double precision cannot keep them apart on the way down.
``"subordination"``
    ⊠-products (with integer multiplicities) of laws on ``[0, inf)``: any
    number of factors with an explicit S-transform (free Poisson, Dirac,
    positive scalings) and at most one factor known only numerically (a law
    with numeric moments, approximated by the Gauss quadrature rule of its
    moments; or a generic law whose moments are given in ``values``). The
    multiplicative subordination equation (Belinschi & Bercovici, "A new
    approach to subordination results in free probability", J. Anal. Math.
    101 (2007) 357–365; for ``n`` factors ``eta_j(omega_j) = eta(z)``,
    ``prod omega_j = z eta(z)^(n-1)``) is solved by Newton's method continued
    from ``|z|`` large.

Anything else raises :class:`~tpsym.errors.DomainError` naming the node that
no route covers (for instance ``⊞`` with a numeric law, or ``⊠`` with a
factor of mean zero in the polynomial method).

Conventions are those of ``DESIGN.md``: ``G(z) = int dmu(t)/(z - t)``,
``psi(z) = sum_{n>=1} m_n z^n``, ``S(w) = chi(w) (1 + w)/w`` with
``chi = psi^{-1}``; ``mp(ratio=c)`` is the free Poisson law of rate ``1/c``
and jump ``c``.

References
----------
* Semicircle, free Poisson: Nica & Speicher, *Lectures on the Combinatorics
  of Free Probability*, Lecture 11 and Proposition 12.11.
* Fuss–Catalan parametrisation ``x(phi) = sin((s+1)phi)^(s+1) / (sin(phi)
  sin(s phi)^s)``, density ``sin(phi)^2 sin(s phi)^(s-1) / (pi
  sin((s+1)phi)^s)``, ``0 < phi < pi/(s+1)``: Haagerup & Möller, arXiv
  1211.4457 (the measures ``mu_s``; section number not checked offline, the
  formula is checked here against the Fuss–Catalan moments, OEIS A001764,
  A002293); the same family in Forrester & Liu, arXiv 1404.5759,
  Proposition 2.1, as quoted in Młotkowski, Sakuma & Ueda, arXiv 1908.07887,
  Proposition 1.1 (with ``p = s + 1``, ``r = 1``).
* Polynomial method: Rao & Edelman, "The polynomial method for random
  matrices", Found. Comput. Math. 8 (2008) 649–702.
* Atoms: Bercovici & Voiculescu, "Regularity questions for free
  convolution", Oper. Theory Adv. Appl. 104 (1998) 37–47, for ⊞
  (``mu ⊞ nu`` has an atom at ``a + b`` of mass ``mu{a} + nu{b} - 1`` when
  positive); Belinschi, "The atoms of the free multiplicative convolution of
  two probability distributions", Integral Equations Operator Theory 46
  (2003) 377–386 (on ``[0, inf)``: ``(mu ⊠ nu){0} = max(mu{0}, nu{0})``,
  atom at ``ab`` of mass ``mu{a} + nu{b} - 1``).

Examples
--------
>>> from tpsym.laws import mp, semicircle
>>> r = density(semicircle(), [-1.0, 0.0, 1.0, 3.0])
>>> r.density.round(6).tolist(), r.support, r.method
([0.275664, 0.31831, 0.275664, 0.0], ((-2.0, 2.0),), 'closed form')
>>> atoms(mp(ratio=2))   # MP with ratio 2 = free Poisson of rate 1/2: atom 1/2 at 0
((0.0, 0.5),)
"""

from __future__ import annotations

import re

import cmath
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from fractions import Fraction
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import sympy

from tpsym.errors import DomainError, InputError, NumericError, TpsymError
from tpsym.laws.algebraic import cauchy_equation
from tpsym.laws.base import Law
from tpsym.laws.catalogue import Arcsine, Bernoulli, Dirac, FreePoisson, GenericLaw, Semicircle
from tpsym.laws.operations import BoxPlus, BoxPlusPower, BoxPower, BoxTimes, Dilated, Scaled, Shifted

__all__ = [
    "AUTO_GRID_POINTS",
    "DensityResult",
    "Method",
    "auto_grid",
    "algebraic_equation",
    "atoms",
    "density",
    "parse_grid",
    "support",
]

Method = Literal["auto", "closed form", "polynomial", "subordination"]
_METHODS = ("auto", "closed form", "polynomial", "subordination")

#: Default number of moments compared with quadrature in :class:`DensityResult`.
CHECK_MOMENTS = 4
#: Most Gauss nodes used to stand for a law known by its moments.
MAX_GAUSS_NODES = 16


# =============================================================================
# The result
# =============================================================================
@dataclass(frozen=True, slots=True)
class DensityResult:
    """The spectral density of a law on a grid, its support and atoms, and checks.

    Attributes
    ----------
    x : numpy.ndarray
        The grid (read-only).
    density : numpy.ndarray
        The density of the absolutely continuous part at ``x`` (read-only);
        exactly 0 outside :attr:`support`; ``inf`` at an integrable
        singularity (``null`` in JSON).
    support : tuple of (float, float)
        The closed intervals that carry the absolutely continuous part.
    atoms : tuple of (float, float)
        ``(location, mass)`` of every atom.
    method : str
        ``"closed form"``, ``"polynomial method, degree d"`` or
        ``"subordination"`` (with the number of Gauss nodes when a law known
        by its moments was discretised).
    mass : float
        ``int density + sum of atom masses``, the integral by tanh-sinh
        quadrature on each support interval (independent of the grid).
    grid_mass : float
        The same with the trapezoidal rule on the grid (and the atoms that
        lie in the grid's range): shows how much of the law the grid covers.
    moments : tuple of (float, float)
        ``(by quadrature, exact)`` for ``m_1, m_2, ...``: the quadrature of
        ``x^k`` against the density plus the atoms, next to the law's exact
        moment (``nan`` when the law has none in numbers).
    moment_errors : tuple of float
        ``|quadrature - exact| / scale^k`` with ``scale`` the largest
        ``|x|`` of the support and the atoms.
    """

    x: np.ndarray
    density: np.ndarray
    support: tuple[tuple[float, float], ...]
    atoms: tuple[tuple[float, float], ...]
    method: str
    mass: float
    grid_mass: float
    moments: tuple[tuple[float, float], ...]
    moment_errors: tuple[float, ...]

    def to_json(self) -> dict[str, Any]:
        """The result as a JSON-ready dict (the ``tpsym density --json`` object).

        >>> from tpsym.laws import dirac
        >>> density(dirac(1), [0.0, 1.0]).to_json()["atoms"]
        [[1.0, 1.0]]
        """
        return {
            "x": [float(v) for v in self.x],
            "density": [float(v) if math.isfinite(v) else None for v in self.density],  # null: infinite
            "support": [[float(a), float(b)] for a, b in self.support],
            "atoms": [[float(a), float(m)] for a, m in self.atoms],
            "method": self.method,
            "mass": _json_float(self.mass),
            "grid_mass": _json_float(self.grid_mass),
            "moments": [[_json_float(q), _json_float(e)] for q, e in self.moments],
            "moment_errors": [_json_float(e) for e in self.moment_errors],
        }


def _json_float(v: float) -> float | None:
    return None if not math.isfinite(v) else float(v)


# =============================================================================
# Input
# =============================================================================
def parse_grid(text: str) -> np.ndarray:
    """A grid ``"start:stop:count"`` (``count`` equally spaced points, both ends included).

    Raises
    ------
    InputError
        If the text is not three numbers ``a:b:n`` with ``a < b`` and ``n >= 2``.

    Examples
    --------
    >>> parse_grid("-1:1:5").tolist()
    [-1.0, -0.5, 0.0, 0.5, 1.0]
    >>> parse_grid("0:1")
    Traceback (most recent call last):
    ...
    tpsym.errors.InputError: grid='0:1' is not START:STOP:COUNT (for example -3:3:601)
    """
    parts = str(text).split(":")
    if len(parts) != 3:
        raise InputError(f"grid={text!r} is not START:STOP:COUNT (for example -3:3:601)")
    try:
        a, b = float(parts[0]), float(parts[1])
        n = int(parts[2])
    except ValueError:
        raise InputError(f"grid={text!r} is not START:STOP:COUNT (for example -3:3:601)") from None
    if not (math.isfinite(a) and math.isfinite(b)) or not a < b:
        raise InputError(f"grid={text!r}: START must be smaller than STOP and both finite")
    if n < 2 or n > 10**7:
        raise InputError(f"grid={text!r}: COUNT must lie between 2 and 10^7, got {n}")
    return np.linspace(a, b, n)


#: Points of the grid chosen from the support when none is given.
AUTO_GRID_POINTS = 201


def auto_grid(support: Sequence[tuple[float, float]], atoms: Sequence[tuple[float, float]], count: int = AUTO_GRID_POINTS) -> np.ndarray:
    """``count`` equally spaced points over the support and the atoms, with 5 % margins.

    >>> auto_grid([(0.0, 4.0)], [], count=5).round(12).tolist()
    [-0.2, 0.9, 2.0, 3.1, 4.2]
    >>> auto_grid([], [(1.0, 1.0)], count=3).tolist()
    [0.0, 1.0, 2.0]
    """
    ends = [v for ab in support for v in ab] + [a for a, _ in atoms]
    if not ends:
        raise InputError("the law has neither support nor atoms: give a grid")
    lo, hi = min(ends), max(ends)
    pad = 0.05 * (hi - lo) if hi > lo else max(1.0, abs(lo))
    return np.linspace(lo - pad, hi + pad, count)


def _check_grid(grid: Any) -> np.ndarray:
    if isinstance(grid, str):
        return parse_grid(grid)
    try:
        x = np.asarray(grid, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"the grid must be a sequence of real numbers, not {grid!r}") from None
    if x.ndim != 1:
        raise InputError(f"the grid must be one-dimensional, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise InputError("the grid has a non-finite value")
    return x


def _substitute(law: Law, exact: Mapping[sympy.Symbol, sympy.Expr]) -> Law:
    """The law with the exact values put in for its symbols (rebuilds the tree)."""
    if not exact or not is_dataclass(law):
        return law
    changes: dict[str, Any] = {}
    for f in fields(law):
        v = getattr(law, f.name)
        if isinstance(v, Law):
            changes[f.name] = _substitute(v, exact)
        elif isinstance(v, tuple) and v and all(isinstance(u, Law) for u in v):
            changes[f.name] = tuple(_substitute(u, exact) for u in v)
        elif isinstance(v, sympy.Expr):
            changes[f.name] = v.xreplace(exact)
    return replace(law, **changes) if changes else law


class _Values:
    """The user's numeric values: exact ones are substituted, others stay numeric."""

    def __init__(self, values: Mapping[Any, Any] | None):
        self.exact: dict[sympy.Symbol, sympy.Expr] = {}
        self.numeric: dict[str, Any] = {}
        self.sequences: dict[str, list[Any]] = {}
        for key, val in (values or {}).items():
            name = key.name if isinstance(key, sympy.Symbol) else key
            if not isinstance(name, str):
                raise InputError(f"a key of values must be a symbol or its name, not {key!r}")
            if isinstance(val, (list, tuple, np.ndarray)):
                self.sequences[name] = list(val)
                continue
            if isinstance(val, bool):
                raise InputError(f"values[{name!r}]={val!r} is not a number")
            if isinstance(val, int):
                self.exact[sympy.Symbol(name)] = sympy.Integer(val)
            elif isinstance(val, Fraction):
                self.exact[sympy.Symbol(name)] = sympy.Rational(val.numerator, val.denominator)
            elif isinstance(val, sympy.Rational):
                self.exact[sympy.Symbol(name)] = val
            else:
                try:
                    self.numeric[name] = float(val)
                except (TypeError, ValueError):
                    raise InputError(f"values[{name!r}]={val!r} is not a number") from None

    def all_numbers(self) -> dict[sympy.Symbol, Any]:
        out: dict[sympy.Symbol, Any] = dict(self.exact)
        for k, v in self.numeric.items():
            out[sympy.Symbol(k)] = sympy.Float(v, 30)
        for k, seq in self.sequences.items():
            for i, v in enumerate(seq, 1):
                out[sympy.Symbol(f"{k}_{i}")] = sympy.Float(float(v), 30) if not isinstance(v, (int, sympy.Rational)) else sympy.S(v)
        return out


# =============================================================================
# Exact parameters
# =============================================================================
def _number(e: Any, node: Law, name: str, values: _Values | None = None) -> float:
    e = sympy.S(e)
    if values is not None and e.free_symbols:
        e = e.xreplace(values.all_numbers())
    if e.free_symbols:
        names = ", ".join(sorted(s.name for s in e.free_symbols))
        raise DomainError(f"{name}={e} of {node} is symbolic ({names}); give it a number (in the spec, or values= in Python)")
    try:
        return float(e)
    except TypeError:
        raise DomainError(f"{name}={e} of {node} is not a real number") from None


class _Unsupported(DomainError):
    """No route covers a node; the message names it."""


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


# =============================================================================
# Laws known only numerically: Gauss rules from moments
# =============================================================================
@dataclass(frozen=True)
class _Discrete:
    """A finite law: nodes and weights (the Gauss rule of a law's moments)."""

    nodes: np.ndarray
    weights: np.ndarray
    exact: bool  # True when the law *is* this discrete law


@lru_cache(maxsize=None)
def _mp40() -> Any:
    """A private mpmath context at 40 digits (mpmath.mp's precision is process-global)."""
    import mpmath

    ctx = mpmath.MPContext()
    ctx.dps = 40
    return ctx


def _gauss_rule(moments: Sequence[Any], kmax: int = MAX_GAUSS_NODES) -> _Discrete:
    """The Gauss quadrature rule of a law from its moments ``m_1..m_{2K}`` (Golub–Welsch).

    The Hankel matrix of the moments is factored by Cholesky in 40-digit
    arithmetic; the number of nodes is the largest ``K`` for which the
    factorisation stays positive (limited by the accuracy of the moments).
    """
    mp = _mp40()
    m = [mp.mpf(1)] + [mp.mpf(v) for v in moments]
    K = min(kmax, (len(m) - 1) // 2)
    while K >= 1:
        # Hankel matrix H_ij = m_{i+j}, 0 <= i, j <= K, and its Cholesky factor H = R^T R
        H = mp.matrix([[m[i + j] for j in range(K + 1)] for i in range(K + 1)])
        try:
            R = mp.cholesky(H).T
        except (ZeroDivisionError, ValueError):
            K -= 1
            continue
        if not all(R[j, j] ** 2 > mp.mpf(10) ** -24 * H[j, j] for j in range(K + 1)):
            K -= 1
            continue
        # Golub & Welsch (1969): the Jacobi matrix from the Cholesky factor
        alpha = [R[j, j + 1] / R[j, j] - (R[j - 1, j] / R[j - 1, j - 1] if j else 0) for j in range(K)]
        beta = [R[j + 1, j + 1] / R[j, j] for j in range(K - 1)]
        J = mp.matrix(K, K)
        for j in range(K):
            J[j, j] = alpha[j]
            if j < K - 1:
                J[j, j + 1] = J[j + 1, j] = beta[j]
        E, Q = mp.eigsy(J)
        nodes = np.array([float(E[i]) for i in range(K)])
        weights = np.array([float(Q[0, i] ** 2) for i in range(K)])
        order = np.argsort(nodes)
        return _Discrete(nodes[order], weights[order] / weights.sum(), exact=False)
    raise NumericError("the moments do not define a law (their Hankel matrix is not positive definite)")


def _numeric_leaf(law: Law, vals: _Values, *, need: bool = True) -> _Discrete | None:
    """A law known by numbers only (not an exact catalogue node): its Gauss rule, or None."""
    if isinstance(law, (Semicircle, FreePoisson, Bernoulli, Dirac, Arcsine, Scaled, Shifted, BoxPlus, BoxTimes, BoxPower, BoxPlusPower, Dilated)):
        return None
    return _numeric_leaf_cached(law, tuple(sorted((k, tuple(v)) for k, v in vals.sequences.items())), tuple(sorted(vals.numeric.items())), need)


@lru_cache(maxsize=64)
def _numeric_leaf_cached(law: Law, seqs: tuple[Any, ...], nums: tuple[Any, ...], need: bool) -> _Discrete | None:
    moments: list[Any] | None = None
    if isinstance(law, GenericLaw):
        seq = dict(seqs).get(law.name)
        if seq is not None:
            moments = list(seq)
    else:
        fn = getattr(law, "numeric_moments", None)
        if callable(fn):
            moments = list(fn(2 * MAX_GAUSS_NODES))
        else:
            try:
                exact = law.moments(2 * MAX_GAUSS_NODES)
                if all(sympy.S(e).is_number for e in exact):
                    moments = [sympy.N(e, 40) for e in exact]
            except (TpsymError, NotImplementedError):  # no exact moments: "not numeric"
                moments = None
    if moments is None:
        if need:
            raise _Unsupported(
                f"{law} has no numeric moments: a generic law needs its moments in values= "
                f"(values={{'{getattr(law, 'name', 'mu')}': [m1, m2, ...]}})"
            )
        return None
    import mpmath

    return _gauss_rule([mpmath.mpf(str(v)) if isinstance(v, sympy.Basic) else v for v in moments])


def _exact_moments(law: Law, order: int, vals: _Values) -> list[float]:
    """m_1..m_order as floats (nan when not available in numbers)."""
    try:
        ms = law.moments(order)
    except (TpsymError, NotImplementedError):  # no exact moments to compare with
        return [math.nan] * order
    subs = vals.all_numbers()
    out = []
    for e in ms:
        e = sympy.S(e).xreplace(subs) if subs else sympy.S(e)
        try:
            out.append(float(sympy.N(e, 20)))
        except TypeError:
            out.append(math.nan)
    return out


# =============================================================================
# Closed forms
# =============================================================================
class _Solution:
    """What a route returns: a density function and the exact pieces of the law."""

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
    num = lambda e, n: _number(e, law, n, vals)  # noqa: E731
    hook = getattr(law, "_closed_density", None)  # a law that parametrises its own density (tpsym.nets.resnet_limit)
    if callable(hook):
        f, supp = hook(num(law.tau, "tau"))
        return _ClosedForm(f, supp, [])
    if isinstance(law, Semicircle):
        v, a = num(law.variance, "variance"), num(law.mean_, "mean")
        if v == 0:
            return _ClosedForm(lambda x: np.zeros_like(x), [], [(a, 1.0)])
        r = 2 * math.sqrt(v)
        return _ClosedForm(lambda x: np.sqrt(np.maximum(4 * v - (x - a) ** 2, 0)) / (2 * math.pi * v), [(a - r, a + r)], [])
    if isinstance(law, FreePoisson):
        lam, al = num(law.rate, "rate"), num(law.jump, "jump")
        lo, hi = sorted((al * (1 - math.sqrt(lam)) ** 2, al * (1 + math.sqrt(lam)) ** 2))
        at = [(0.0, 1 - lam)] if lam < 1 else []

        def fp(x: np.ndarray) -> np.ndarray:
            return np.sqrt(np.maximum((x - lo) * (hi - x), 0)) / (2 * math.pi * abs(al * x))

        return _ClosedForm(fp, [(lo, hi)], at)
    if isinstance(law, Arcsine):
        a, b = num(law.a, "a"), num(law.b, "b")
        return _ClosedForm(lambda x: 1 / (math.pi * np.sqrt((x - a) * (b - x))), [(a, b)], [])
    if isinstance(law, (Bernoulli, Dirac)):
        return _ClosedForm(lambda x: np.zeros_like(x), [], _structural_atoms(law, vals) or [])
    if isinstance(law, BoxPower) and isinstance(law.base, FreePoisson):
        s = sympy.S(law.exponent)
        if s.is_Integer and law.base.rate == 1 and law.base.jump == 1:
            k = int(s)
            return _ClosedForm(_fuss_catalan_density(k), [(0.0, (k + 1) ** (k + 1) / k**k)], [], "")
        return None
    if isinstance(law, Scaled):
        c = num(law.factor, "factor")
        inner = _closed_form(law.base, vals)
        if inner is None:
            return None
        if c == 0:
            return _ClosedForm(lambda x: np.zeros_like(x), [], [(0.0, 1.0)])
        supp = [tuple(sorted((c * a, c * b))) for a, b in inner.support]
        return _ClosedForm(lambda x: inner.f(x / c) / abs(c), supp, [(c * a, m) for a, m in inner.atoms])  # type: ignore[misc]
    if isinstance(law, Shifted):
        s = num(law.shift, "shift")
        inner = _closed_form(law.base, vals)
        if inner is None:
            return None
        return _ClosedForm(lambda x: inner.f(x - s), [(a + s, b + s) for a, b in inner.support], [(a + s, m) for a, m in inner.atoms])
    return None


# =============================================================================
# The polynomial method: the equation of tpsym.laws.algebraic, in python-flint
# =============================================================================
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


# =============================================================================
# Numerical continuation of the physical branch
# =============================================================================
_H = 0.05  # height of the horizontal path, in units of the law's scale
_LEVEL_RATIO = 2.0  # vertical descent: eps -> eps / 2 per level
_EPS_MIN = 1e-13


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


def _vertical_levels(top: float, bottom: float, ratio: float) -> np.ndarray:
    n = max(1, int(math.ceil(math.log(top / bottom) / math.log(ratio))))
    return top * ratio ** -np.arange(n + 1)


class _Follower:
    """Follows one analytic branch: ``solve(z, prev)`` gives the value at ``z`` next to ``prev``."""

    refine_depth = 2

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

    def descend(self, x: np.ndarray, g: np.ndarray, levels: np.ndarray, floors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """From ``x + i levels[0]`` (values ``g``) down, batched, each point to its own floor.

        Returns the history over the levels (a point's entries below its floor
        repeat its last value), the final values and the final heights.
        """
        hist = np.empty((len(levels), len(x)), dtype=complex)
        hist[0] = g
        last_eps = np.full(len(x), levels[0])
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
            val, amb = self.step_batch(z, prev)
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

    def step_batch(self, z: np.ndarray, prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r = self.roots(z)
        # chordal distance on the Riemann sphere: a pole's growth is not mistaken for a jump
        with np.errstate(all="ignore"):
            dist = np.abs(r - prev[:, None]) / np.sqrt((1 + np.abs(r) ** 2) * (1 + np.abs(prev[:, None]) ** 2))
        dist[~np.isfinite(r)] = np.inf
        order = np.argsort(dist, axis=1)
        rows = np.arange(len(z))
        d1 = dist[rows, order[:, 0]]
        d2 = dist[rows, order[:, 1]] if r.shape[1] > 1 else np.full(len(z), np.inf)
        amb = d1 > 0.5 * d2
        return r[rows, order[:, 0]], amb


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
    g_top: complex,
    *,
    final_real: bool,
    eps_min: float = _EPS_MIN,
    singular: Sequence[float] = (),
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The branch value at ``xs + i0`` (scaled units), by continuation.

    Path: from ``x0 + i 1e4`` (value ``g_top``) down to height ``_H``, along
    ``Im z = _H`` through every point and every singular point. A point
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
    path, idx = _horizontal_path(starts) if len(starts) else (np.zeros(1), np.zeros(0, dtype=int))
    top = _vertical_levels(1e4, _H, 1.25)
    gv = fol.follow(path[0] + 1j * top, g_top)
    gh = fol.follow(path + 1j * _H, gv[-1])
    g_start = gh[idx]
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
        for m in range(1, M + 1):
            theta = 0.5 * math.pi * (1 - m / M)
            z = c + rho * (side * math.cos(theta) + 1j * math.sin(theta)) if m < M else xs[ia].astype(complex)
            with np.errstate(all="ignore"):
                slope = (gprev - gprev2) / (zprev - zprev2)
            slope = np.where(np.isfinite(slope), slope, 0)
            pred = gprev + slope * (z - zprev)
            val, amb = fol.step_batch(z, pred)
            for n in np.flatnonzero(amb):
                val[n] = fol.step_refined(complex(zprev[n]), complex(z[n]), complex(gprev[n]), 0, complex(slope[n]))
            gprev2, gprev, zprev2, zprev = gprev, val, zprev, z
        out[ia] = np.where(gprev.imag > 0, np.conj(gprev), gprev)
        hist[:, ia] = gprev[None, :]
    return out, levels, hist, eps_f


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


# =============================================================================
# Subordination for products of laws on [0, inf)
# =============================================================================
def _flatten_product(law: Law, vals: _Values, mult: int = 1) -> tuple[float, list[tuple[Law, int]]]:
    """``law = C * ⊠_k law_k^{⊠ t_k}``: the scalar C and the factors with multiplicities."""
    num = lambda e, n: _number(e, law, n, vals)  # noqa: E731
    if isinstance(law, BoxTimes):
        C, out = 1.0, []
        for f in law.factors:
            c, parts = _flatten_product(f, vals, mult)
            C *= c
            out += parts
        return C, out
    if isinstance(law, BoxPower):
        e = sympy.S(law.exponent).xreplace(vals.all_numbers()) if law.exponent.free_symbols else law.exponent
        if not (e.is_Integer and e >= 1):
            raise _Unsupported(f"exponent={law.exponent} of {law}: subordination handles integer ⊠-powers only")
        c, parts = _flatten_product(law.base, vals, mult * int(e))
        return c, parts
    if isinstance(law, Scaled):
        c = num(law.factor, "factor")
        if c <= 0:
            raise _Unsupported(f"{law}: subordination needs positive scalings (laws on [0, inf))")
        c2, parts = _flatten_product(law.base, vals, mult)
        return c**mult * c2, parts
    if isinstance(law, Dirac):
        a = num(law.a, "a")
        if a <= 0:
            raise _Unsupported(f"{law}: subordination needs laws on (0, inf) for point masses")
        return a**mult, []
    return 1.0, [(law, mult)]


class _Pushforward(_Solution):
    """``C f(h)``, ``h ~ N(0, q)``, for ``f`` even and strictly decreasing in ``|h|``: change of variables.

    The law of ``J Jᵀ`` of a one-layer network with orthogonal weights is
    ``σ_w² φ'(h)²`` (tanh, erf: no closed form of its Cauchy transform, and
    its moments alone do not give a density). With ``h(x) > 0`` the root of
    ``C f(h) = x``, the density is ``2 p_q(h(x)) / |C f'(h(x))|`` on
    ``(C f(∞), C f(0))``, with an integrable singularity at the top where
    ``f'(0) = 0``. The root is found by bisection, ``f'`` by central
    differences (relative error ~1e-8).
    """

    edge_cut = 1e-12

    def __init__(self, C: float, f: Callable[[np.ndarray], np.ndarray], q: float, what: str):
        if not (q > 0 and math.isfinite(q)):
            raise _Unsupported(f"{what}: the variance q={q} must be positive")
        self.C, self.f, self.sd = C, f, math.sqrt(q)
        self.H = 12.0 * self.sd  # P(|h| > H) < 4e-33
        hs = np.linspace(0.0, self.H, 20001)
        with np.errstate(all="ignore"):
            g = f(hs)
            g_neg = f(-hs)
        if not (np.all(np.isfinite(g)) and np.allclose(g, g_neg, rtol=1e-12, atol=0.0)):
            raise _Unsupported(f"{what}: phi'(h)^2 is not an even function of h (no change-of-variables density)")
        # strictly decreasing, up to a tail that is flat in double precision (1 + sech(h)^2 at large h)
        moving = (g - g[-1]) > 1e-12 * (g[0] - g[-1])
        if not (g[0] > g[-1] and np.all(np.diff(g)[moving[:-1]] < 0)):
            raise _Unsupported(f"{what}: phi'(h)^2 is not strictly decreasing in |h| (no change-of-variables density)")
        self.top, self.bottom = C * float(g[0]), C * float(g[-1])
        self.support = ((self.bottom, self.top),)
        self.atoms = ()
        self.method = "change of variables of the Gaussian pre-activation"

    def _root(self, y: np.ndarray) -> np.ndarray:
        lo, hi = np.zeros_like(y), np.full_like(y, self.H)
        for _ in range(64):  # f decreasing: C f(mid) > y means the root is to the right
            mid = 0.5 * (lo + hi)
            right = self.C * self.f(mid) > y
            lo, hi = np.where(right, mid, lo), np.where(right, hi, mid)
        return 0.5 * (lo + hi)

    def eval(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        out = np.zeros_like(x)
        inside = (x > self.bottom) & (x < self.top)
        if not inside.any():
            return out
        h = self._root(x[inside])
        step = 1e-5 * self.sd  # f is even: the central difference stays centred down to h = 0
        slope = self.C * (self.f(h + step) - self.f(h - step)) / (2 * step)
        pdf = np.exp(-0.5 * (h / self.sd) ** 2) / (self.sd * math.sqrt(2 * math.pi))
        with np.errstate(divide="ignore"):
            out[inside] = np.where(slope < 0, 2 * pdf / np.abs(slope), np.inf)
        return out


def _pushforward(law: Law, vals: _Values) -> _Pushforward | None:
    """The change-of-variables route for ``C·D`` with ``D`` the law of ``f(h)``, ``h`` Gaussian; else None."""
    try:
        C, parts = _flatten_product(law, vals)
    except _Unsupported:
        return None
    if len(parts) != 1 or parts[0][1] != 1 or not callable(getattr(parts[0][0], "gaussian_pushforward", None)):
        return None
    f, q = parts[0][0].gaussian_pushforward()
    return _Pushforward(C, f, q, str(parts[0][0]))


class _Product(_Follower):
    """``G`` of ``C * ⊠ factors`` through the subordination function of its one numeric factor.

    In the variable ``xi`` (where ``G`` is wanted), ``z = 1/xi``; ``eta = psi/(1 + psi)``;
    ``eta^{-1}(v) = v Sigma(v)`` with ``Sigma(v) = S(v/(1-v))``; for the free
    product ``z = v prod_k Sigma_k(v)^{t_k}``; the numeric factor enters
    through ``omega = eta_D^{-1}(v)``: ``Sigma_D(v) = omega / v``.
    """

    refine_depth = 0  # Newton either converges near the prediction or not; no deep sub-stepping

    def __init__(self, law: Law, vals: _Values):
        C, parts = _flatten_product(law, vals)
        self.C = C
        self.fp: list[tuple[float, float, int]] = []  # (rate, jump, t)
        self.disc: _Discrete | None = None
        self.t_disc = 0
        other: list[tuple[Law, int]] = []
        for f, t in parts:
            if isinstance(f, FreePoisson):
                lam, al = _number(f.rate, f, "rate", vals), _number(f.jump, f, "jump", vals)
                if al <= 0:
                    raise _Unsupported(f"{f}: subordination needs laws on [0, inf) (jump > 0)")
                self.fp.append((lam, al, t))
            else:
                other.append((f, t))
        if len(other) > 1:
            names = ", ".join(str(f) for f, _ in other)
            raise _Unsupported(f"subordination handles at most one factor without an explicit S-transform, got {names}")
        if (
            not self.fp
            and len(other) == 1
            and other[0][1] == 1
            and not isinstance(other[0][0], (Bernoulli, *_NOT_BY_MOMENTS))
        ):
            # C·D alone: the stand-in of D, the Gauss rule of its moments, is a discrete law, and
            # there is no other factor whose density the subordination could carry
            what = f"{law} is known only by its moments" if other[0][0] == law else (
                f"{law} is a multiple of {other[0][0]}, a law known only by its moments"
            )
            raise DomainError(
                f"{what}: moments do not determine a density pointwise (their Gauss rule is a discrete law); "
                "sample it instead"
            )
        for f, t in other:
            if isinstance(f, Bernoulli):
                p, a, b = (_number(v, f, n, vals) for v, n in ((f.p, "p"), (f.a, "a"), (f.b, "b")))
                disc = _Discrete(np.array([a, b]), np.array([1 - p, p]), exact=True)
            elif isinstance(f, _NOT_BY_MOMENTS):
                raise _Unsupported(f"{f}: the subordination route covers ⊠-products of free Poisson laws, point masses, Bernoulli laws and laws known by their moments")
            else:
                disc = _numeric_leaf(f, vals)
                assert disc is not None
            if np.any(disc.nodes < -1e-12):
                raise _Unsupported(f"{f} is not a law on [0, inf): subordination for ⊠ needs positive factors")
            self.disc, self.t_disc = disc, t
        self.nodes_desc = "" if self.disc is None or self.disc.exact else f", {len(self.disc.nodes)} Gauss nodes"
        # mean of the product
        m1 = C
        for lam, al, t in self.fp:
            m1 *= (lam * al) ** t
        if self.disc is not None:
            self.m1_disc = float(np.dot(self.disc.weights, self.disc.nodes))
            if self.m1_disc <= 0:
                raise _Unsupported(f"{other[0][0]} has mean 0: no S-transform")
            m1 *= self.m1_disc**self.t_disc
        self.m1 = m1
        # upper end of the support: ||ab|| <= ||a|| ||b||
        top = C
        for lam, al, t in self.fp:
            top *= (al * (1 + math.sqrt(lam)) ** 2) ** t
        if self.disc is not None:
            top *= float(np.max(self.disc.nodes)) ** self.t_disc
        self.top = top
        self.method = "subordination" + self.nodes_desc
        self.xi_scale = 1.0

    # -- the equation -----------------------------------------------------
    def _sigma_explicit(self, v: np.ndarray) -> np.ndarray:
        out = np.full(v.shape, 1 / self.C, dtype=complex)
        for lam, al, t in self.fp:
            out = out * ((1 - v) / (al * (lam * (1 - v) + v))) ** t
        return out

    def _eta_disc(self, w: np.ndarray) -> np.ndarray:
        d = self.disc
        assert d is not None
        xw = w[:, None] * d.nodes[None, :]
        with np.errstate(all="ignore"):
            # eta = psi / (1 + psi) with 1 + psi = sum_j w_j / (1 - w x_j) (the weights sum to 1):
            # written so, 1 + psi has no cancellation when |w| is large (near the hard edge at 0)
            inv = d.weights[None, :] / (1 - xw)
            return (inv * xw).sum(axis=1) / inv.sum(axis=1)

    def _v(self, u: np.ndarray) -> np.ndarray:
        return self._eta_disc(u) if self.disc is not None else u

    def _F(self, u: np.ndarray, xi: np.ndarray) -> np.ndarray:
        v = self._v(u)
        if self.disc is None:
            return xi * v * self._sigma_explicit(v) - 1
        return xi * v * self._sigma_explicit(v) * (u / v) ** self.t_disc - 1

    def _newton(self, u: np.ndarray, xi: np.ndarray, maxit: int = 30) -> tuple[np.ndarray, np.ndarray]:
        """Newton's method on ``F(u) = 0`` (derivative by a complex finite difference), vectorised."""
        u = u.astype(complex).copy()
        ok = np.zeros(len(u), dtype=bool)
        live = np.ones(len(u), dtype=bool)
        with np.errstate(all="ignore"):
            for _ in range(maxit):
                ul, xl = u[live], xi[live]
                f = self._F(ul, xl)
                h = 1e-7 * np.maximum(np.abs(ul), 1e-300)
                fp = (self._F(ul + h, xl) - f) / h
                du = f / fp
                ul = ul - du
                u[live] = ul
                done = np.isfinite(ul) & ((np.abs(du) <= 1e-11 * np.abs(ul)) | (np.abs(f) <= 1e-14))
                idx = np.flatnonzero(live)
                ok[idx[done]] = True
                live[idx[done | ~np.isfinite(ul)]] = False  # a non-finite iterate will not come back
                if not live.any():
                    break
        return u, ok & np.isfinite(u)

    # Follower protocol: the state is u; z = xi (in scaled units)
    def step_batch(self, z: np.ndarray, prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        xi = z * self.xi_scale
        u, ok = self._newton(prev, xi)
        # Newton from the predicted value converges to the nearby solution or not at all: only a
        # failure to converge asks for smaller steps
        return u, ~ok

    def _u_top(self, xi: complex) -> complex:
        z = 1 / xi
        v0 = self.m1 * z
        u0 = v0 / self.m1_disc if self.disc is not None else v0
        u, ok = self._newton(np.array([u0]), np.array([xi]))
        if not ok[0]:
            raise NumericError(f"the subordination equation has no solution near its asymptotics at xi={xi}")
        return complex(u[0])

    def g_of(self, u: np.ndarray, xi: np.ndarray) -> np.ndarray:
        v = self._v(u)
        with np.errstate(all="ignore"):
            return 1 / (xi * (1 - v))

    def eval_g(self, x: np.ndarray, atoms: Sequence[tuple[float, float]] = ()) -> np.ndarray:
        """G(x + i eps) (original units) on the physical branch, without the given atoms' terms."""
        S = self.xi_scale
        xs = np.asarray(x, dtype=float) / S
        zeta_top = complex(float(np.min(xs)) - 0.5, 1e4)
        u_top = self._u_top(zeta_top * S)
        u, _, _, eps_f = _evaluate_branch(self, xs, u_top, final_real=False, eps_min=1e-12, singular=[0.0])
        xi = (xs + 1j * eps_f) * S
        g = self.g_of(u, xi)
        for a, m in atoms:  # an atom contributes m / (xi - a)
            g = g - m / (xi - a)
        return g

    def eval(self, x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return np.zeros(0)
        g = self.eval_g(x, self.atoms)
        return _zero_outside(np.asarray(x, dtype=float), np.maximum(-g.imag, 0) / math.pi, self.support)


class _Subordination(_Product):
    edge_cut = 1e-300

    def __init__(self, law: Law, vals: _Values):
        _Product.__init__(self, law, vals)
        # the scale of the support from the moments (the norm bound `top` is far too loose for
        # deep products): R ~ max_k m_k^(1/k)
        ms = _exact_moments(law, 12, vals)
        R = max([abs(m) ** (1 / k) for k, m in enumerate(ms, 1) if math.isfinite(m) and m > 0] + [0.0])
        R = R if R > 0 else self.top
        self.xi_scale = 2.0 ** round(math.log2(R))
        self.atoms = tuple(_structural_atoms(law, vals) or [])
        # support: scan [0, hi] and keep where the density is positive; hi grows until the
        # density vanishes at the end of the scan (resolution hi / 4000)
        self.support = ((-math.inf, math.inf),)
        hi = min(2.0 * R, self.top * (1 + 1e-9))
        n = 4001
        cut = 1e-6 / R  # a density scale is 1 / width
        while True:
            xs = np.linspace(0.0, hi, n)
            dens = np.maximum(-self.eval_g(xs, self.atoms).imag, 0) / math.pi
            pos = dens > cut
            if not pos[-1] or hi >= self.top:
                break
            hi = min(2 * hi, self.top * (1 + 1e-9))
        runs: list[list[float]] = []
        h = xs[1] - xs[0]
        k = 0
        while k < n:  # invariant: runs holds the runs of positive density left of xs[k]
            if pos[k]:
                j = k
                while j + 1 < n and pos[j + 1]:
                    j += 1
                runs.append([float(xs[k - 1]) if k else 0.0, float(xs[k]), float(xs[j]), float(xs[j + 1]) if j < n - 1 else float(xs[j])])
                k = j + 1
            else:
                k += 1
        # a run of one scan point at an atom is the atom's smoothing at height eps, not a.c. mass
        runs = [r for r in runs if not (r[1] == r[2] and any(abs(a - r[1]) <= h for a, _ in self.atoms))]
        # each edge lies between a scan point outside and one inside: narrow these brackets
        # (33 sub-points per round, batched over the edges); a density with a steep or singular
        # edge (deep products) has much of its mass within one scan step of the edge
        brackets = [(r, 0) for r in runs if r[0] < r[1]] + [(r, 2) for r in runs if r[2] < r[3]]
        for _ in range(3 if brackets else 0):
            sub = np.concatenate([np.linspace(r[i], r[i + 1], 33) for r, i in brackets])
            inside = (np.maximum(-self.eval_g(sub, self.atoms).imag, 0) / math.pi > cut).reshape(len(brackets), 33)
            for (r, i), row, pts in zip(brackets, inside, sub.reshape(len(brackets), 33)):
                m = int(np.argmax(row)) if i == 0 else 32 - int(np.argmax(row[::-1]))  # first / last inside
                if i == 0 and row.any() and m > 0:
                    r[0], r[1] = float(pts[m - 1]), float(pts[m])
                elif i == 2 and row.any() and m < 32:
                    r[2], r[3] = float(pts[m]), float(pts[m + 1])
        self.support = tuple((0.5 * (r[0] + r[1]), 0.5 * (r[2] + r[3])) for r in runs)
        self.resolution = max([r[1] - r[0] for r in runs] + [r[3] - r[2] for r in runs] + [0.0])


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


# =============================================================================
# Dispatch and public API
# =============================================================================
def _revalidated(law: Law) -> Law:
    """The law rebuilt from its spec, so that substituted values meet the domain checks of the spec's constructors."""
    from tpsym.errors import SpecError
    from tpsym.spec import parse_spec

    try:
        return parse_spec(str(law))
    except SpecError:
        return law  # an internal law with no spec form: its own code checks its values
    except (TpsymError, ValueError, ArithmeticError) as exc:
        why = re.sub(r" \(column \d+\)$", "", str(exc)).split(": ", 1)[-1]
        raise DomainError(f"with the values given, {law} is not a law: {why}") from None


def _check_products(law: Law, vals: _Values) -> None:
    """Refuse a ⊠ whose factors are not all but one nonnegative: ``ab`` is then not self-adjoint.

    Its "moments" φ((ab)^k) are still defined (and computed), but no
    spectral density belongs to them.
    """
    for node in law.walk():
        if isinstance(node, BoxTimes):
            signed = [f for f in node.factors if not _is_nonnegative(f, vals)]
        elif isinstance(node, BoxPower) and sympy.S(node.exponent) != 1:
            signed = [node.base] * 2 if not _is_nonnegative(node.base, vals) else []
        else:
            continue
        if len(signed) > 1:
            raise DomainError(
                f"{node} multiplies {signed[0]} by another factor that is not known to be "
                "nonnegative: the product of two such free elements is not self-adjoint, so it "
                "has no spectral density (its moments φ((ab)^k) are still defined)"
            )


#: Laws the subordination route does not take as a factor (they are not known by moments alone).
_NOT_BY_MOMENTS = (Semicircle, Arcsine, BoxPlus, BoxPlusPower, Shifted, Dilated)


def _solve(law: Law, vals: _Values, method: str) -> _Solution:
    if method not in _METHODS:
        raise InputError(f"method={method!r} is not one of {', '.join(map(repr, _METHODS))}")
    numeric_values = bool(vals.numeric or vals.sequences)
    target = _revalidated(_substitute(law, vals.exact)) if vals.exact else law
    numeric_names = set(vals.numeric)
    free = sorted(p.name for p in target.parameters if p.name not in numeric_names)
    if free:
        raise DomainError(
            f"{law} is symbolic in {', '.join(free)}: a density needs numbers (in the spec, or values= in Python)"
        )
    _check_products(target, vals)
    if isinstance(target, Dilated):
        # (1 − c) δ_0 + c·X: any route that solves X solves it
        c = _number(target.fraction, target, "fraction", vals)
        return _DilutedSolution(_solve(target.base, vals, method), c)
    reasons: list[str] = []
    if method in ("auto", "closed form"):
        try:
            cf = _closed_form(target, vals)
        except DomainError as exc:
            cf = None
            reasons.append(str(exc))
        if cf is not None:
            return cf
        if method == "closed form":
            raise DomainError(f"{law} has no closed-form density in tpsym (closed forms: semicircle, free Poisson, arcsine, Bernoulli, Dirac, Fuss–Catalan mp(ratio=1)^{{⊠ s}}, and their scalings and shifts)")
    if method in ("auto", "polynomial") and not numeric_values:
        try:
            return _Algebraic(target, vals)
        except (_Unsupported, NumericError) as exc:
            # NumericError: the equation needs numeric moments (mu_k of a formula activation)
            # that quadrature could not give; the other routes may not need them
            if method == "polynomial":
                raise
            reasons.append(str(exc))
    if method == "polynomial":
        raise DomainError(f"{law}: the polynomial method needs exact (rational) parameters; numeric values were given")
    if method in ("auto", "subordination"):
        try:
            pushed = _pushforward(target, vals)
            if pushed is not None:
                return pushed
            return _Subordination(target, vals)
        except _Unsupported as exc:
            reasons.append(str(exc))
    raise DomainError(f"no spectral-density route covers {law}: " + "; ".join(dict.fromkeys(reasons)))


def _check_law(law: Any, what: str) -> Law:
    if not isinstance(law, Law):
        raise InputError(f"{what} needs a law, not {law!r}")
    return law


def density(
    law: Law,
    grid: Any = None,
    *,
    method: Method = "auto",
    values: Mapping[Any, Any] | None = None,
    check_moments: int = CHECK_MOMENTS,
) -> DensityResult:
    """The density of the absolutely continuous part of ``law`` on ``grid``, its support and atoms.

    Parameters
    ----------
    law : Law
        Any law tree whose parameters are numbers (or are given in ``values``).
    grid : sequence of float or str or None
        The points, or ``"start:stop:count"`` (see :func:`parse_grid`);
        ``None``: :data:`AUTO_GRID_POINTS` points over the support and the
        atoms (:func:`auto_grid`).
    method : {"auto", "closed form", "polynomial", "subordination"}
        ``"auto"`` tries them in this order.
    values : mapping, optional
        Numbers for the law's symbols (``{"c": Fraction(1, 2)}``); exact
        values (int, Fraction, sympy Rational) are substituted exactly, floats
        send the law to the subordination route. A generic law
        ``law(moments=mu)`` takes its moments as ``{"mu": [m1, m2, ...]}``:
        it is replaced by the Gauss quadrature rule of those moments (at most
        16 nodes, as many as the moments' accuracy allows).
    check_moments : int
        How many moments to compare between quadrature and the exact law.

    Returns
    -------
    DensityResult

    Raises
    ------
    DomainError
        If no route covers the law; the message names the node.
    NumericError
        If a numerical step cannot be carried out reliably.
    InputError
        If the grid or the method is malformed.

    Examples
    --------
    Marchenko–Pastur with ratio 2 has an atom of mass 1/2 at 0 and the
    a.c. part on ``[(1 - sqrt 2)^2, (1 + sqrt 2)^2]``:

    >>> from tpsym.laws import mp, boxpower, boxtimes, bernoulli, scale
    >>> r = density(mp(ratio=2), "0:6:61")
    >>> r.atoms, [round(a, 6) for a in r.support[0]], round(r.mass, 9)
    (((0.0, 0.5),), [0.171573, 5.828427], 1.0)

    The Jacobian law of a depth-3 ReLU network at criticality (Gaussian
    weights, ``sigma_w^2 = 2``): support and atoms by the polynomial method
    (an equation of degree 4 in G), values by subordination; the atom at 0
    keeps mass 1/2 at every depth:

    >>> relu = boxpower(boxtimes(bernoulli(sympy.Rational(1, 2)), scale(mp(ratio=1), 2)), 3)
    >>> r = density(relu, "0:60:301")
    >>> r.method
    'polynomial method, degree 4; values by subordination'
    >>> r.atoms, abs(r.mass - 1) < 1e-6, max(r.moment_errors) < 1e-8
    (((0.0, 0.5),), True, True)
    """
    law = _check_law(law, "density")
    x = None if grid is None else _check_grid(grid)
    if isinstance(check_moments, bool) or not isinstance(check_moments, int) or check_moments < 0:
        raise InputError(f"check_moments must be a non-negative integer, got {check_moments!r}")
    vals = _Values(values)
    sol = _solve(law, vals, method)
    if x is None:
        x = auto_grid(sol.support, sol.atoms)
    dens = sol.eval(x) if len(x) else np.zeros(0)
    _check_scale(sol, law)
    mass, moms, errs = _checks(sol, law, vals, check_moments)
    for k, (_, exact) in enumerate(moms, 1):
        if math.isinf(exact):
            raise NumericError(
                f"m_{k} of {law} is beyond double precision, so its density cannot be checked: rescale the law"
            )
    if len(x) >= 2:
        order = np.argsort(x)
        from scipy.integrate import trapezoid as _trapezoid  # numpy has it only from 2.0
        grid_mass = float(_trapezoid(dens[order], x[order]))
        grid_mass += sum(m for a, m in sol.atoms if x.min() <= a <= x.max())
    else:
        grid_mass = sum(m for a, m in sol.atoms if len(x) and a == x[0])
    x = x.copy()
    x.setflags(write=False)
    dens.setflags(write=False)
    supp = tuple((float(a), float(b)) for a, b in sol.support)
    ats = tuple((float(a), float(m)) for a, m in sol.atoms)
    moms = tuple((float(q), float(e)) for q, e in moms)
    return DensityResult(x, dens, supp, ats, sol.method, float(mass), float(grid_mass), moms, tuple(float(e) for e in errs))


def support(law: Law, *, method: Method = "auto", values: Mapping[Any, Any] | None = None) -> tuple[tuple[float, float], ...]:
    """The intervals that carry the absolutely continuous part of ``law`` (atoms: :func:`atoms`).

    Exact up to floating point for closed forms and the polynomial method
    (edges are real roots of the discriminant, isolated by python-flint);
    to the resolution of a scan (``top / 4000``, edges then narrowed to
    ``top / 4000 / 32^3``) for subordination.

    Examples
    --------
    >>> from tpsym.laws import boxpower, mp
    >>> support(boxpower(mp(ratio=1), 2))   # Fuss–Catalan of order 2: [0, 27/4]
    ((0.0, 6.75),)
    """
    law = _check_law(law, "support")
    return tuple(_solve(law, _Values(values), method).support)


def atoms(law: Law, *, method: Method = "auto", values: Mapping[Any, Any] | None = None) -> tuple[tuple[float, float], ...]:
    """The atoms ``(location, mass)`` of ``law``.

    Examples
    --------
    >>> from tpsym.laws import bernoulli, boxtimes, mp, scale
    >>> atoms(boxtimes(bernoulli(sympy.Rational(1, 3)), scale(mp(ratio=1), 2)))
    ((0.0, 0.6666666666666667),)
    """
    law = _check_law(law, "atoms")
    return tuple(_solve(law, _Values(values), method).atoms)
