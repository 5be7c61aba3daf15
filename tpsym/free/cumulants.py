"""Moments and the three kinds of cumulants, each by two routes.

Conventions: a law is given by its moments ``m_1, m_2, ...`` (``m_0 = 1``).

* Free cumulants ``kappa_n``: ``m_n = sum_{pi in NC(n)} prod_{V in pi} kappa_|V|``.
  Series route: with ``M(z) = 1 + sum m_n z^n`` and ``C(w) = 1 + sum kappa_n w^n``,
  ``M(z) = C(z M(z))`` (Nica–Speicher, *Lectures on the Combinatorics of Free
  Probability*, Lecture 16, the functional relation between the moment and
  the cumulant series), so ``z M(z)`` is the
  compositional inverse of ``w / C(w)``.
* Boolean cumulants ``b_n``: the same sum over interval partitions; series
  route ``M(z) = 1 / (1 - B(z))`` with ``B(z) = sum b_n z^n``.
* Classical cumulants ``c_n``: the same sum over all set partitions; series
  route ``sum c_n z^n / n! = log(sum m_n z^n / n!)``.

The lattice route sums over the partitions grouped by block type, with the
number of partitions of each type in closed form (Kreweras' formula for
NC(n), multinomials for interval and set partitions); the inverse maps solve
the same sums triangularly. The series route is the fast path and works to any
order; the lattice route is the independent witness.

Functions named with a leading underscore work on field elements of
:mod:`tpsym.series`; the public functions take and return sympy expressions.

Examples
--------
The semicircle law has ``kappa_2 = 1`` and no other free cumulant; its even
moments are the Catalan numbers (OEIS A000108):

>>> moments_from_cumulants([0, 1, 0, 0, 0, 0, 0, 0], kind="free")
(0, 1, 0, 2, 0, 5, 0, 14)
>>> cumulants_from_moments([0, 1, 0, 2, 0, 5], kind="free", method="lattice")
(0, 1, 0, 0, 0, 0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Literal

import sympy
from sympy.utilities.iterables import partitions as _integer_partitions

from tpsym.errors import InputError
from tpsym.series import Series
from tpsym.series.encode import Encoder

__all__ = [
    "CumulantKind",
    "Method",
    "cumulants_from_moments",
    "moments_from_cumulants",
    "type_counts",
]

CumulantKind = Literal["free", "boolean", "classical"]
Method = Literal["series", "lattice"]
_KINDS = ("free", "boolean", "classical")


# ---------------------------------------------------------------------------
# counting partitions of each block type
# ---------------------------------------------------------------------------
@lru_cache(maxsize=None)
def type_counts(n: int, kind: CumulantKind) -> tuple[tuple[tuple[tuple[int, int], ...], int], ...]:
    """The block types of partitions of ``n`` points with their numbers.

    Returns pairs ``(type, count)`` where ``type`` lists ``(size, multiplicity)``
    and ``count`` is the number of non-crossing (``"free"``), interval
    (``"boolean"``) or set (``"classical"``) partitions of that type.

    >>> dict(type_counts(4, "free"))[((2, 2),)]
    2
    >>> sum(c for _, c in type_counts(6, "classical"))  # Bell number, OEIS A000110
    203
    """
    check_kind(kind)
    out = []
    for part in _integer_partitions(n):
        typ = tuple(sorted(part.items(), reverse=True))
        b = sum(part.values())
        mult = math.prod(math.factorial(m) for m in part.values())
        if kind == "free":  # Kreweras: n! / ((n - b + 1)! prod m_i!)
            count = math.factorial(n) // (math.factorial(n - b + 1) * mult)
        elif kind == "boolean":  # compositions: b! / prod m_i!
            count = math.factorial(b) // mult
        else:  # set partitions: n! / (prod (size!)^m_i prod m_i!)
            count = math.factorial(n) // (math.prod(math.factorial(s) ** m for s, m in part.items()) * mult)
        out.append((typ, count))
    return tuple(out)


def check_kind(kind: str) -> None:
    """Refuse a cumulant kind other than ``"free"``, ``"boolean"``, ``"classical"``.

    >>> check_kind("monotone")
    Traceback (most recent call last):
    ...
    tpsym.errors.InputError: unknown cumulant kind 'monotone': choose one of free, boolean, classical
    """
    if kind not in _KINDS:
        raise InputError(f"unknown cumulant kind {kind!r}: choose one of {', '.join(_KINDS)}")


# ---------------------------------------------------------------------------
# field-level kernels: lists of elements c_1..c_n, F the field
# ---------------------------------------------------------------------------
def _lattice_sum(n: int, values: Sequence[Any], kind: CumulantKind, F: Any) -> Any:
    """sum over partitions of n of prod values[|V|-1], grouped by block type."""
    total = F.zero
    for typ, count in type_counts(n, kind):
        term = F.one
        for size, mult in typ:
            term = term * values[size - 1] ** mult
        total = total + term * count
    return total


def moments_from_cumulants_lattice(cum: Sequence[Any], kind: CumulantKind, F: Any) -> list[Any]:
    """``m_1..m_n`` from cumulants ``c_1..c_n`` in the field ``F``, by the sum over the partition lattice.

    The semicircle's free cumulants give the Catalan numbers (OEIS A000108):

    >>> from tpsym.series import QQ
    >>> moments_from_cumulants_lattice([QQ.from_int(c) for c in (0, 1, 0, 0)], "free", QQ)
    [0, 1, 0, 2]
    """
    return [_lattice_sum(n, cum, kind, F) for n in range(1, len(cum) + 1)]


def cumulants_from_moments_lattice(mom: Sequence[Any], kind: CumulantKind, F: Any) -> list[Any]:
    """``c_1..c_n`` from moments ``m_1..m_n`` in the field ``F``, by the lattice sum solved triangularly.

    >>> from tpsym.series import QQ
    >>> cumulants_from_moments_lattice([QQ.from_int(m) for m in (1, 2, 5, 14)], "free", QQ)  # MP(1): kappa_n = 1
    [1, 1, 1, 1]
    """
    # m_n = c_n + (sum over partitions with >= 2 blocks), which only needs c_1..c_{n-1}:
    # solve triangularly, c_n = m_n - (lattice sum with c_n set to 0).
    cum: list[Any] = []
    for n in range(1, len(mom) + 1):
        trial = cum + [F.zero]
        cum.append(mom[n - 1] - _lattice_sum(n, trial, kind, F))
    return cum


def moments_from_cumulants_series(cum: Sequence[Any], kind: CumulantKind, F: Any) -> list[Any]:
    """``m_1..m_n`` from cumulants ``c_1..c_n`` in the field ``F``, by the generating-function relation.

    >>> from tpsym.series import QQ
    >>> moments_from_cumulants_series([QQ.from_int(c) for c in (0, 1, 0, 0)], "free", QQ)
    [0, 1, 0, 2]
    """
    n = len(cum)
    if kind == "free":
        # z M(z) = reversion of w / C(w); m_k = [z^{k+1}] (z M).
        C = Series([F.one, *cum], F, n + 2)
        g = Series.x(n + 2, F) * C.inverse()
        f = g.reversion()
        return list(f.coefficients[2 : n + 2])
    if kind == "boolean":
        B = Series([F.zero, *cum], F, n + 1)
        M = (Series.constant(F.one, n + 1, F) - B).inverse()
        return list(M.coefficients[1:])
    # classical: exponential generating functions
    fact = [math.factorial(k) for k in range(n + 1)]
    L = Series([F.zero] + [c / fact[k + 1] for k, c in enumerate(cum)], F, n + 1)
    E = L.exp()
    return [E.coefficients[k] * fact[k] for k in range(1, n + 1)]


def cumulants_from_moments_series(mom: Sequence[Any], kind: CumulantKind, F: Any) -> list[Any]:
    """``c_1..c_n`` from moments ``m_1..m_n`` in the field ``F``, by the generating-function relation.

    >>> from tpsym.series import QQ
    >>> cumulants_from_moments_series([QQ.from_int(m) for m in (0, 1, 0, 2)], "free", QQ)
    [0, 1, 0, 0]
    """
    n = len(mom)
    if kind == "free":
        # C(w) = w / f^{-1}(w) with f = z M(z).
        f = Series([F.zero, F.one, *mom], F, n + 2)
        finv = f.reversion()
        C = finv.shift(-1).inverse()  # w / finv = 1 / (finv / w), precision n+1
        return list(C.coefficients[1 : n + 1])
    if kind == "boolean":
        M = Series([F.one, *mom], F, n + 1)
        B = Series.constant(F.one, n + 1, F) - M.inverse()
        return list(B.coefficients[1:])
    fact = [math.factorial(k) for k in range(n + 1)]
    E = Series([F.one] + [m / fact[k + 1] for k, m in enumerate(mom)], F, n + 1)
    L = E.log()
    return [L.coefficients[k] * fact[k] for k in range(1, n + 1)]


def moments_from_cumulants_in(cum: Sequence[Any], kind: CumulantKind, F: Any, method: Method = "series") -> list[Any]:
    """:func:`moments_from_cumulants_series` or, with ``method="lattice"``, :func:`moments_from_cumulants_lattice`.

    >>> from tpsym.series import QQ
    >>> moments_from_cumulants_in([QQ.from_int(1)] * 4, "boolean", QQ, "lattice")  # 2^(n-1) compositions
    [1, 2, 4, 8]
    """
    if method == "lattice":
        return moments_from_cumulants_lattice(cum, kind, F)
    return moments_from_cumulants_series(cum, kind, F)


def cumulants_from_moments_in(mom: Sequence[Any], kind: CumulantKind, F: Any, method: Method = "series") -> list[Any]:
    """:func:`cumulants_from_moments_series` or, with ``method="lattice"``, :func:`cumulants_from_moments_lattice`.

    >>> from tpsym.series import QQ
    >>> cumulants_from_moments_in([QQ.from_int(m) for m in (1, 2, 4, 8)], "boolean", QQ)
    [1, 1, 1, 1]
    """
    if method == "lattice":
        return cumulants_from_moments_lattice(mom, kind, F)
    return cumulants_from_moments_series(mom, kind, F)


# ---------------------------------------------------------------------------
# public, expression-level functions
# ---------------------------------------------------------------------------
def _check_args(values: Sequence[Any], kind: str, method: str, what: str) -> list[Any]:
    check_kind(kind)
    if method not in ("series", "lattice"):
        raise InputError(f"unknown method {method!r}: choose 'series' or 'lattice'")
    if isinstance(values, (str, bytes)):
        raise InputError(f"the {what} must be a sequence of numbers or expressions, not a string")
    values = list(values)
    if not values:
        raise InputError(f"give at least one {what[:-1]}")
    return values


def moments_from_cumulants(
    cumulants: Sequence[Any], *, kind: CumulantKind = "free", method: Method = "series"
) -> tuple[sympy.Expr, ...]:
    """The moments ``m_1..m_n`` of the law with cumulants ``c_1..c_n``.

    Parameters
    ----------
    cumulants : sequence
        ``c_1, ..., c_n`` as numbers or sympy expressions.
    kind : {"free", "boolean", "classical"}
    method : {"series", "lattice"}
        The analytic route (fast, any order) or the sum over partitions.

    Returns
    -------
    tuple of sympy.Expr

    Raises
    ------
    InputError
        On an unknown kind or method, or an empty sequence.
    DomainError
        On an input that is not exact (a float).

    Examples
    --------
    Free Poisson of rate ``lam``: ``kappa_n = lam``, moments are the Narayana
    polynomials (OEIS A001263):

    >>> lam = sympy.Symbol("lam")
    >>> moments_from_cumulants([lam] * 3)
    (lam, lam**2 + lam, lam**3 + 3*lam**2 + lam)

    Classical cumulants of the standard Gaussian, ``c_2 = 1``, give the
    double factorials:

    >>> moments_from_cumulants([0, 1, 0, 0, 0, 0], kind="classical")
    (0, 1, 0, 3, 0, 15)
    """
    values = _check_args(cumulants, kind, method, "cumulants")
    enc = Encoder.for_exprs(values)
    F = enc.field
    out = moments_from_cumulants_in([enc.encode(v) for v in values], kind, F, method)
    return tuple(enc.decode(x) for x in out)


def cumulants_from_moments(
    moments: Sequence[Any], *, kind: CumulantKind = "free", method: Method = "series"
) -> tuple[sympy.Expr, ...]:
    """The cumulants ``c_1..c_n`` of the law with moments ``m_1..m_n``.

    The inverse of :func:`moments_from_cumulants`, with the same parameters.

    Examples
    --------
    >>> cumulants_from_moments([1, 2, 5, 14], kind="free")  # MP ratio 1: kappa_n = 1
    (1, 1, 1, 1)
    >>> m = sympy.symbols("m1:4")
    >>> cumulants_from_moments(m, kind="boolean")
    (m1, -m1**2 + m2, m1**3 - 2*m1*m2 + m3)
    """
    values = _check_args(moments, kind, method, "moments")
    enc = Encoder.for_exprs(values)
    F = enc.field
    out = cumulants_from_moments_in([enc.encode(v) for v in values], kind, F, method)
    return tuple(enc.decode(x) for x in out)
