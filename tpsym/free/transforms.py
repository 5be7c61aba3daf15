"""The transforms of free probability as exact truncated series.

For a law with moments ``m_n`` (``m_0 = 1``) tpsym uses (Nica–Speicher,
Lectures 16 and 18; Mingo–Speicher, *Free Probability and Random Matrices*,
Chapter 2):

* moment series ``M(z) = sum_{n>=0} m_n z^n`` and ``psi(z) = M(z) - 1``;
* Cauchy transform ``G(z) = sum_{n>=0} m_n z^{-n-1}``, returned as a series in
  ``w = 1/z``: ``G = w M(w)``;
* R-transform ``R(z) = sum_{n>=1} kappa_n z^{n-1}`` (free cumulants), with
  ``G(R(z) + 1/z) = z``;
* ``chi = psi^{-1}`` (compositional inverse; needs ``m_1 != 0``) and the
  S-transform ``S(z) = chi(z) (1 + z) / z``; ``S_{a b} = S_a S_b`` for free
  ``a, b`` (Voiculescu 1987);
* ``eta(z) = 1 - 1/M(z)``, the boolean cumulant series.

Examples
--------
The S-transform of Marchenko–Pastur with ratio ``c`` is ``1/(1 + c z)``
(it follows from ``kappa_n = c^(n-1)``; Mingo–Speicher, Chapter 2):

>>> c = sympy.Symbol("c")
>>> s_transform([1, 1 + c, 1 + 3*c + c**2], order=3)
(1, -c, c**2)
>>> moments_from_s_transform([1, -c, c**2])
(1, c + 1, c**2 + 3*c + 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy

from tpsym.errors import DomainError, InputError
from tpsym.free.cumulants import cumulants_from_moments_series
from tpsym.series import Series
from tpsym.series.encode import Encoder

__all__ = [
    "cauchy_transform",
    "chi_transform",
    "eta_transform",
    "moments_from_s_transform",
    "psi_transform",
    "r_transform",
    "s_transform",
]


# -- field-level kernels ------------------------------------------------------
def s_transform_in(mom: Sequence[Any], F: Any, order: int) -> list[Any]:
    """s_0..s_{order-1} from m_1..m_order (needs m_1 invertible).

    MP(1) (Catalan moments) has S(z) = 1/(1 + z):

    >>> from tpsym.series import QQ
    >>> s_transform_in([QQ.from_int(m) for m in (1, 2, 5)], QQ, 3)
    [1, -1, 1]
    """
    if F.is_zero(mom[0]):
        raise DomainError("the S-transform needs a non-zero mean m_1")
    psi = Series([F.zero, *mom[:order]], F, order + 1)
    chi = psi.reversion()
    one_plus = Series([F.one, F.one], F, order + 1)
    S = (chi * one_plus).shift(-1)  # chi (1+z) / z, precision `order`
    return list(S.coefficients)


def _moments_from_s(s: Sequence[Any], F: Any) -> list[Any]:
    """m_1..m_n from s_0..s_{n-1} (needs s_0 invertible)."""
    n = len(s)
    if F.is_zero(s[0]):
        raise DomainError("an S-transform with S(0) = 0 is not the S-transform of a law")
    S = Series([F.zero, *s], F, n + 1)  # z S(z)
    one_plus = Series([F.one, F.one], F, n + 1)
    chi = S * one_plus.inverse()
    psi = chi.reversion()
    return list(psi.coefficients[1:])


def _psi(mom: Sequence[Any], F: Any) -> Series:
    return Series([F.zero, *mom], F, len(mom) + 1)


# -- public, expression-level -------------------------------------------------
def _encode(values: Sequence[Any], what: str) -> tuple[Encoder, list[Any]]:
    if isinstance(values, (str, bytes)):
        raise InputError(f"the {what} must be a sequence of numbers or expressions, not a string")
    values = list(values)
    if not values:
        raise InputError(f"give at least one of the {what}")
    enc = Encoder.for_exprs(values)
    return enc, [enc.encode(v) for v in values]


def _check_order(order: Any, available: int) -> int:
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise InputError(f"the order must be a positive integer, got {order!r}")
    if order > available:
        raise InputError(f"order={order} needs {order} moments, only {available} given")
    return order


def s_transform(moments: Sequence[Any], *, order: int | None = None) -> tuple[sympy.Expr, ...]:
    """The coefficients ``s_0..s_{order-1}`` of the S-transform.

    Parameters
    ----------
    moments : sequence
        ``m_1, ..., m_n``; ``m_1`` must be non-zero.
    order : int, optional
        How many coefficients (at most ``n``, the default).

    Raises
    ------
    DomainError
        If ``m_1 = 0`` (the S-transform does not exist).

    Examples
    --------
    The free Poisson law of rate 1 (MP with ratio 1, moments the Catalan
    numbers, OEIS A000108) has ``S(z) = 1/(1 + z)``:

    >>> s_transform([1, 2, 5, 14])
    (1, -1, 1, -1)
    """
    enc, mom = _encode(moments, "moments")
    order = _check_order(len(mom) if order is None else order, len(mom))
    return tuple(enc.decode(x) for x in s_transform_in(mom, enc.field, order))


def moments_from_s_transform(s: Sequence[Any]) -> tuple[sympy.Expr, ...]:
    """The moments ``m_1..m_n`` of the law with S-transform ``s_0..s_{n-1}``.

    >>> moments_from_s_transform([1, -2, 4])  # S = 1/(1+2z): MP with ratio 2
    (1, 3, 11)
    """
    enc, coeffs = _encode(s, "S-transform coefficients")
    return tuple(enc.decode(x) for x in _moments_from_s(coeffs, enc.field))


def r_transform(moments: Sequence[Any]) -> tuple[sympy.Expr, ...]:
    """The coefficients ``kappa_1..kappa_n`` of ``R(z) = sum kappa_n z^(n-1)``.

    >>> r_transform([0, 1, 0, 2])  # the standard semicircle: R(z) = z
    (0, 1, 0, 0)
    """
    enc, mom = _encode(moments, "moments")
    return tuple(enc.decode(x) for x in cumulants_from_moments_series(mom, "free", enc.field))


def cauchy_transform(moments: Sequence[Any]) -> tuple[sympy.Expr, ...]:
    """Coefficients of ``G`` in ``w = 1/z``: ``G = w + m_1 w^2 + m_2 w^3 + ...``.

    Returned from the coefficient of ``w^0`` to that of ``w^(n+1)``.

    >>> cauchy_transform([0, 1, 0, 2])
    (0, 1, 0, 1, 0, 2)
    """
    enc, mom = _encode(moments, "moments")
    F = enc.field
    return tuple(enc.decode(x) for x in (F.zero, F.one, *mom))


def psi_transform(moments: Sequence[Any]) -> tuple[sympy.Expr, ...]:
    """Coefficients of ``psi(z) = M(z) - 1``, from ``z^0``.

    >>> psi_transform([1, 2])
    (0, 1, 2)
    """
    enc, mom = _encode(moments, "moments")
    return tuple(enc.decode(x) for x in _psi(mom, enc.field).coefficients)


def chi_transform(moments: Sequence[Any]) -> tuple[sympy.Expr, ...]:
    """Coefficients of ``chi = psi^{-1}``, from ``z^0``; needs ``m_1 != 0``.

    >>> chi_transform([1, 2, 5])  # chi(z) = z/(1+z)^2 for MP with ratio 1
    (0, 1, -2, 3)
    """
    enc, mom = _encode(moments, "moments")
    if enc.field.is_zero(mom[0]):
        raise DomainError("chi = psi^(-1) needs a non-zero mean m_1")
    return tuple(enc.decode(x) for x in _psi(mom, enc.field).reversion().coefficients)


def eta_transform(moments: Sequence[Any]) -> tuple[sympy.Expr, ...]:
    """Coefficients of ``eta(z) = 1 - 1/M(z)`` (the boolean cumulants), from ``z^0``.

    >>> eta_transform([0, 1, 0, 2])  # standard semicircle: b_2 = b_4 = 1 (Catalan shifted)
    (0, 0, 1, 0, 1)
    """
    enc, mom = _encode(moments, "moments")
    F = enc.field
    M = Series([F.one, *mom], F, len(mom) + 1)
    eta = Series.constant(F.one, len(mom) + 1, F) - M.inverse()
    return tuple(enc.decode(x) for x in eta.coefficients)
