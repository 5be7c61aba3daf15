"""Markdown output: a table of moments, rows k and a column per law.

>>> from tpsym.laws import mp, semicircle
>>> from tpsym.render.table import moment_table
>>> print(markdown_table(moment_table([semicircle(), mp(ratio=1)], 2)))
| k | `semicircle()` | `mp(ratio=1)` |
|--:|--:|--:|
| 1 | `0` | `1` |
| 2 | `1` | `2` |
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from tpsym.errors import InputError
from tpsym.render.jsonout import expr_str
from tpsym.render.latex import latex_expr, symbol_names
from tpsym.render.table import MomentTable

__all__ = ["markdown_table"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_table(
    table: MomentTable,
    *,
    math: Literal["code", "latex"] = "code",
    titles: Sequence[str] | None = None,
    corner: str = "k",
) -> str:
    """A Markdown (GitHub pipe) table of ``table``.

    Parameters
    ----------
    table : MomentTable
        The values.
    math : {"code", "latex"}, keyword-only
        ``"code"`` prints entries and law specs as inline code in sympy
        syntax; ``"latex"`` prints them as ``$...$`` math.
    titles : sequence of str, optional, keyword-only
        Column titles used verbatim, one per law.
    corner : str, keyword-only
        The title of the column of k.

    Returns
    -------
    str
        The table, ending with a newline.

    Raises
    ------
    InputError
        If ``math`` is unknown or ``titles`` has the wrong length.

    Examples
    --------
    >>> from tpsym.laws import mp
    >>> from tpsym.render.table import moment_table
    >>> print(markdown_table(moment_table([mp(ratio=1)], 1), math="latex"))
    | k | $\\mathrm{MP}\\left(1\\right)$ |
    |--:|--:|
    | 1 | $1$ |
    """
    if math == "code":
        fmt = lambda s: f"`{s}`"  # noqa: E731
        header = [fmt(s) for s in table.specs]
        entry = lambda v: fmt(expr_str(v))  # noqa: E731
    elif math == "latex":
        names = symbol_names([*table.laws, *(v for row in table.rows for v in row)])
        header = [f"${latex_expr(law, names)}$" for law in table.laws]
        entry = lambda v: f"${latex_expr(v, names)}$"  # noqa: E731
    else:
        raise InputError(f"unknown math={math!r}; choose 'code' or 'latex'")
    if titles is not None:
        header = list(titles)
        if len(header) != len(table.laws):
            raise InputError(f"{len(header)} column titles given for {len(table.laws)} laws")
    lines = ["| " + " | ".join(_cell(c) for c in [corner, *header]) + " |"]
    lines.append("|--:|" + "".join("--:|" if numeric else ":--|" for numeric in table.numeric_columns()))
    for k, row in enumerate(table.rows, 1):
        lines.append("| " + " | ".join([str(k), *(_cell(entry(v)) for v in row)]) + " |")
    return "\n".join(lines) + "\n"
