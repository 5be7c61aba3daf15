"""Small helpers shared by every layer: exact parameters and long-integer printing.

Nothing here changes a process-wide setting: integers of any number of
digits are printed through python-flint (whose ``str`` has no limit) rather
than by raising ``sys.set_int_max_str_digits``, so that threads (Dask
workers) never see each other's settings.

>>> int_str(10**5000)[:3], len(int_str(10**5000))
('100', 5001)
>>> as_param(0.5, "ratio")
1/2
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import flint
import mpmath
import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from tpsym.errors import DomainError

__all__ = ["int_str", "expr_str", "as_param", "ExprStrPrinter", "ExprLatexPrinter"]

#: Below this bit length ``str(int)`` is within Python's default digit limit (4300 digits).
_SHORT_BITS = 14_000


def int_str(n: int) -> str:
    """``str(n)`` for integers of any size, without touching sys's process-wide digit limit.

    Examples
    --------
    >>> int_str(-12)
    '-12'
    >>> import sys
    >>> limit = sys.get_int_max_str_digits()
    >>> len(int_str(7 * 10**9000)) == 9001 and sys.get_int_max_str_digits() == limit
    True
    """
    n = int(n)
    return str(n) if n.bit_length() < _SHORT_BITS else str(flint.fmpz(n).str())


class ExprStrPrinter(StrPrinter):
    """sympy's str printer with integers of any number of digits."""

    def _print_int(self, expr: int) -> str:
        return int_str(expr)

    def _print_Integer(self, expr: Any) -> str:
        return int_str(expr.p)

    def _print_Rational(self, expr: Any) -> str:
        return int_str(expr.p) if expr.q == 1 else f"{int_str(expr.p)}/{int_str(expr.q)}"


class ExprLatexPrinter(LatexPrinter):
    """sympy's LaTeX printer with integers of any number of digits."""

    def _print_int(self, expr: int) -> str:
        return int_str(expr)

    def _print_Rational(self, expr: Any) -> str:
        if expr.q == 1:
            return int_str(expr.p)
        sign, p = ("- ", -expr.p) if expr.p < 0 else ("", expr.p)
        if self._settings["fold_short_frac"]:
            return f"{sign}{int_str(p)} / {int_str(expr.q)}"
        return rf"{sign}\frac{{{int_str(p)}}}{{{int_str(expr.q)}}}"


def expr_str(expr: Any, **settings: Any) -> str:
    """An exact expression as a string in sympy syntax: ``sympy.sstr`` with integers of any length.

    ``settings`` are the printer's (as ``sympy.sstr`` takes them, e.g. ``full_prec=False``).

    Examples
    --------
    >>> lam = sympy.Symbol("lam")
    >>> expr_str(lam**2 + 3*lam + sympy.Rational(1, 2))
    'lam**2 + 3*lam + 1/2'
    >>> len(expr_str(sympy.Integer(10)**5000 / 3))
    5003
    """
    return str(ExprStrPrinter(settings).doprint(expr))


def as_param(value: Any, name: str, *, exact: bool = True) -> sympy.Expr:
    """A real parameter as a sympy expression, read the same way by laws, networks and specs.

    A Python ``float`` means the decimal it prints as (``0.5`` is 1/2,
    ``0.1`` is 1/10), exactly as the literal ``0.5`` in a spec. ``int``,
    :class:`fractions.Fraction` and sympy expressions are taken as they are.

    Parameters
    ----------
    value : int, float, Fraction, sympy.Expr or mpmath.mpf
        The parameter.
    name : str
        Its name, for the error messages.
    exact : bool
        Refuse inexact numbers (``sympy.Float`` inside an expression, ``mpmath.mpf``):
        the laws compute in exact fields. ``exact=False`` (the mean-field layer,
        which computes numerically when it must) keeps them as ``sympy.Float``.

    Raises
    ------
    DomainError
        (an :class:`~tpsym.errors.InputError`) for a value that is not a number
        (a string, a bool, another object), not finite, not real, or inexact
        when ``exact``.

    Examples
    --------
    >>> as_param(2, "variance"), as_param(0.1, "p"), as_param(Fraction(3, 4), "p")
    (2, 1/10, 3/4)
    >>> as_param("1/2", "ratio")
    Traceback (most recent call last):
    ...
    tpsym.errors.DomainError: ratio='1/2' is a string; pass a number or a sympy expression
    >>> as_param(sympy.Float(0.5), "ratio")
    Traceback (most recent call last):
    ...
    tpsym.errors.DomainError: ratio=0.500000000000000 contains a float; tpsym is exact: write it as a fraction
    """
    if isinstance(value, bool):
        raise DomainError(f"{name}={value!r} is not a number")
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise DomainError(f"{name}={value!r} is not finite")
        return sympy.Rational(repr(value))  # the decimal the float prints as, as a spec reads it
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, str):
        raise DomainError(f"{name}={value!r} is a string; pass a number or a sympy expression")
    if isinstance(value, mpmath.mpf):
        if exact:
            raise DomainError(f"{name}={value} is an mpmath float; tpsym is exact: write it as a fraction")
        if not mpmath.isfinite(value):
            raise DomainError(f"{name}={value!r} is not finite")
        bits = max(53, value._mpf_[3])  # the number's own precision, not the caller's global one
        return sympy.Float(value, max(15, mpmath.libmp.prec_to_dps(bits)))
    if not isinstance(value, sympy.Basic):
        raise DomainError(f"{name}={value!r} is not a number or a sympy expression")
    expr = sympy.S(value)
    if not isinstance(expr, sympy.Expr):
        raise DomainError(f"{name}={value} is not a number or a sympy expression")
    if exact and expr.has(sympy.Float):
        raise DomainError(f"{name}={value} contains a float; tpsym is exact: write it as a fraction")
    if expr.has(sympy.I) or expr.is_real is False or (expr.is_number and expr.is_real is False):
        raise DomainError(f"{name}={value} is not real")
    return expr
