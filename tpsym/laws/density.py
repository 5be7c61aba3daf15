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

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from tpsym.errors import DomainError, InputError, NumericError, TpsymError
from tpsym.laws.base import Law
from tpsym.laws._density.atoms import _is_nonnegative
from tpsym.laws._density.closed import _closed_form, _DilutedSolution, _Solution
from tpsym.laws._density.polynomial import _Algebraic
from tpsym.laws._density.quadrature import _check_scale, _checks
from tpsym.laws._density.subordination import _pushforward, _Subordination
from tpsym.laws._density.values import _number, _substitute, _Unsupported, _Values

# The routes live in tpsym.laws._density (one module each); these names stay importable from here.
from tpsym.laws._density.branch import _Curve, _Follower, _horizontal_path  # noqa: F401
from tpsym.laws._density.gauss import MAX_GAUSS_NODES, _gauss_rule  # noqa: F401
from tpsym.laws._density.polynomial import _equation_cached, algebraic_equation  # noqa: F401
from tpsym.laws._density.subordination import _Product  # noqa: F401

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


# =============================================================================
# Dispatch and public API
# =============================================================================
def _revalidated(law: Law) -> Law:
    """The law rebuilt from its spec, so that substituted values meet the domain checks of the spec's constructors."""
    from tpsym.errors import SpecError
    from tpsym.language import parse_law
    from tpsym.laws.base import spec_constructors, spec_law_positions

    try:
        return parse_law(str(law), laws=spec_constructors(), law_positions=spec_law_positions())
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
        signed = [f for f in node._free_product_factors() if not _is_nonnegative(f, vals)]
        if len(signed) > 1:
            raise DomainError(
                f"{node} multiplies {signed[0]} by another factor that is not known to be "
                "nonnegative: the product of two such free elements is not self-adjoint, so it "
                "has no spectral density (its moments φ((ab)^k) are still defined)"
            )



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
    dilution = target._dilution()
    if dilution is not None:
        # (1 − c) δ_0 + c·X: any route that solves X solves it
        c = _number(dilution[1], target, "fraction", vals)
        return _DilutedSolution(_solve(dilution[0], vals, method), c)
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

    >>> import sympy
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
        # numpy's trapezoid (trapz before numpy 2.0): scipy.integrate took 0.6 s to import on a first call
        trapezoid = getattr(np, "trapezoid", None) or getattr(np, "trapz")  # noqa: B009 (trapz is gone from numpy 2.x stubs)
        grid_mass = float(trapezoid(dens[order], x[order]))
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
    >>> import sympy
    >>> from tpsym.laws import bernoulli, boxtimes, mp, scale
    >>> atoms(boxtimes(bernoulli(sympy.Rational(1, 3)), scale(mp(ratio=1), 2)))
    ((0.0, 0.6666666666666667),)
    """
    law = _check_law(law, "atoms")
    return tuple(_solve(law, _Values(values), method).atoms)
