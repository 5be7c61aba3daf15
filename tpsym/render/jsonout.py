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

from tpsym.render.table import MomentTable
from tpsym.utils import ExprStrPrinter

__all__ = ["expr_str", "exprs_str", "table_json"]


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
    return str(ExprStrPrinter().doprint(expr))


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
