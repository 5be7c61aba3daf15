"""JSON output: exact expressions as strings in sympy syntax.

Every string is what :func:`sympy.sstr` prints (``lam**2 + 3*lam + 1``,
``1/2``), which :func:`tpsym.spec.parse_formula` reads back to the same
expression.

>>> import sympy
>>> expr_str(sympy.Rational(1, 2) + sympy.Symbol("lam"))
'lam + 1/2'
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import sympy

from tpsym.render.table import MomentTable

__all__ = ["expr_str", "exprs_str", "table_json"]


@contextmanager
def _all_digits() -> Iterator[None]:
    """Let integers of any size print (Python limits str(int) to 4300 digits)."""
    get = getattr(sys, "get_int_max_str_digits", None)
    if get is None:  # pragma: no cover - Python < 3.11
        yield
        return
    old = get()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(old)


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
    try:
        return sympy.sstr(expr)
    except ValueError:  # more digits than Python prints by default
        with _all_digits():
            return sympy.sstr(expr)


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
