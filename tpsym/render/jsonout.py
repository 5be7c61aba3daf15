"""JSON output: exact expressions as strings in sympy syntax.

Every string is what :func:`sympy.sstr` prints (``lam**2 + 3*lam + 1``,
``1/2``), which :func:`tpsym.spec.parse_formula` reads back to the same
expression.

>>> import sympy
>>> expr_str(sympy.Rational(1, 2) + sympy.Symbol("lam"))
'lam + 1/2'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import flint
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from tpsym.render.table import MomentTable

__all__ = ["expr_str", "exprs_str", "table_json"]


#: Below this bit length ``str(int)`` is within Python's default digit limit (4300 digits).
_SHORT_BITS = 14_000


def _int_str(n: int) -> str:
    """``str(n)`` for integers of any size, without raising sys's process-wide digit limit."""
    n = int(n)
    return str(n) if n.bit_length() < _SHORT_BITS else flint.fmpz(n).str()


class _StrPrinter(StrPrinter):
    """sympy's str printer with integers of any number of digits."""

    def _print_int(self, expr: int) -> str:
        return _int_str(expr)

    def _print_Integer(self, expr: Any) -> str:
        return _int_str(expr.p)

    def _print_Rational(self, expr: Any) -> str:
        return _int_str(expr.p) if expr.q == 1 else f"{_int_str(expr.p)}/{_int_str(expr.q)}"


class _LatexPrinter(LatexPrinter):
    """sympy's LaTeX printer with integers of any number of digits."""

    def _print_int(self, expr: int) -> str:
        return _int_str(expr)

    def _print_Rational(self, expr: Any) -> str:
        if expr.q == 1:
            return _int_str(expr.p)
        sign, p = ("- ", -expr.p) if expr.p < 0 else ("", expr.p)
        if self._settings["fold_short_frac"]:
            return f"{sign}{_int_str(p)} / {_int_str(expr.q)}"
        return rf"{sign}\frac{{{_int_str(p)}}}{{{_int_str(expr.q)}}}"


def expr_str(expr: Any) -> str:
    """An exact expression as a string in sympy syntax.

    Parameters
    ----------
    expr : sympy.Expr or int
        The value.

    Returns
    -------
    str
        ``sympy.sstr(expr)``, with integers of any number of digits.

    Examples
    --------
    >>> import sympy
    >>> lam = sympy.Symbol("lam")
    >>> expr_str(lam**2 + 3*lam + 1)
    'lam**2 + 3*lam + 1'
    >>> len(expr_str(sympy.Integer(10)**5000))
    5001
    """
    return str(_StrPrinter().doprint(expr))


def exprs_str(exprs: Iterable[Any]) -> list[str]:
    """:func:`expr_str` of each expression, as a list (ready for :func:`json.dumps`).

    Examples
    --------
    >>> import sympy
    >>> exprs_str([sympy.Integer(0), sympy.Rational(3, 2)])
    ['0', '3/2']
    """
    return [expr_str(e) for e in exprs]


def table_json(table: MomentTable) -> dict[str, Any]:
    """A table as a JSON-ready dict: ``{"laws": [...], "kind": ..., "values": [[...], ...]}``.

    ``values[j]`` lists the quantities k = 1..order of ``laws[j]``.

    Examples
    --------
    >>> from tpsym.laws import mp, semicircle
    >>> from tpsym.render.table import moment_table
    >>> table_json(moment_table([semicircle(), mp(ratio=1)], 2))
    {'laws': ['semicircle()', 'mp(ratio=1)'], 'kind': 'moments', 'values': [['0', '1'], ['1', '2']]}
    """
    return {
        "laws": list(table.specs),
        "kind": table.kind,
        "values": [exprs_str(table.column(j)) for j in range(len(table.laws))],
    }
