"""Plain-text output: aligned columns in sympy syntax.

>>> from tpsym.laws import mp, semicircle
>>> from tpsym.render.table import moment_table
>>> print(text_table(moment_table([semicircle(), mp(ratio=1)], 3)))
k  semicircle()  mp(ratio=1)
-  ------------  -----------
1             0            1
2             1            2
3             0            5
"""

from __future__ import annotations

from collections.abc import Sequence

from tpsym.errors import InputError
from tpsym.render.jsonout import expr_str
from tpsym.render.table import MomentTable

__all__ = ["text_table"]


def text_table(table: MomentTable, *, titles: Sequence[str] | None = None, corner: str = "k", gap: int = 2) -> str:
    """A plain-text table of ``table``: columns of numbers right-aligned, symbolic ones left-aligned.

    Parameters
    ----------
    table : MomentTable
        The values.
    titles : sequence of str, optional, keyword-only
        Column titles, one per law; by default the law specs.
    corner : str, keyword-only
        The title of the column of k.
    gap : int, keyword-only
        Spaces between columns (at least 1).

    Returns
    -------
    str
        The table, ending with a newline; no line has trailing spaces.

    Raises
    ------
    InputError
        If ``titles`` has the wrong length or ``gap`` is below 1.

    Examples
    --------
    >>> from tpsym.laws import mp
    >>> from tpsym.render.table import moment_table
    >>> print(text_table(moment_table([mp(ratio=1)], 2), titles=["MP"], gap=1))
    k MP
    - --
    1  1
    2  2
    """
    if isinstance(gap, bool) or not isinstance(gap, int) or gap < 1:
        raise InputError(f"gap must be a positive integer, got {gap=}")
    header = list(table.specs if titles is None else titles)
    if len(header) != len(table.laws):
        raise InputError(f"{len(header)} column titles given for {len(table.laws)} laws")
    cells = [[corner, *header]]
    cells += [[str(k), *(expr_str(v) for v in row)] for k, row in enumerate(table.rows, 1)]
    widths = [max(len(row[j]) for row in cells) for j in range(len(header) + 1)]
    rule = ["-" * len(c) for c in cells[0]]
    cells.insert(1, rule)
    sep = " " * gap
    right = [True, *table.numeric_columns()]
    lines = []
    for row in cells:
        line = sep.join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(row, widths, right))
        lines.append(line.rstrip())
    return "\n".join(lines) + "\n"
