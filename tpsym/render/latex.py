r"""LaTeX output: a booktabs table of moments, ready to ``\input`` in a paper.

Entries are exact, printed by :func:`sympy.latex`; the header names each law
by its own LaTeX form (the law's ``_latex`` printer method). The table needs
``\usepackage{booktabs}`` (and ``amssymb`` for ``\boxplus``, ``\boxtimes``).

>>> from tpsym.laws import semicircle
>>> from tpsym.render.table import moment_table
>>> print(latex_table(moment_table([semicircle()], 2), environment=False))
\begin{tabular}{rr}
\toprule
$k$ & $\mathrm{SC}\left(1\right)$ \\
\midrule
1 & $0$ \\
2 & $1$ \\
\bottomrule
\end{tabular}
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sympy

from tpsym.errors import InputError
from tpsym.utils import ExprLatexPrinter
from tpsym.render.table import MomentTable

__all__ = ["latex_table", "latex_expr", "symbol_names"]

_LABEL = re.compile(r"^[A-Za-z0-9:._\-+/]+$")


def _symbols_of(item: Any) -> set[sympy.Symbol]:
    if isinstance(item, sympy.Basic):
        return set(item.free_symbols)
    params = getattr(item, "parameters", None)  # a law
    return set(params) if isinstance(params, frozenset) else set()


def _escaped(name: str) -> str:
    return r"\mathit{" + name.replace("_", r"\_") + "}"


def symbol_names(items: Sequence[Any]) -> dict[sympy.Symbol, str]:
    r"""LaTeX names for the symbols of ``items`` that sympy's printer would confuse.

    sympy reads ``x__2`` as ``x`` with superscript 2 (the LaTeX of ``x**2``),
    drops a trailing underscore and prints ``x2`` and ``x_2`` alike. Such
    names, and any two symbols of ``items`` that would print alike, are
    written out literally in ``\mathit``.

    >>> x2, x_2, xs = sympy.symbols("x2 x_2 x__2")
    >>> sorted(symbol_names([x2 + x_2, xs]).values())
    ['\\mathit{x2}', '\\mathit{x\\_2}', '\\mathit{x\\_\\_2}']
    >>> symbol_names([sympy.Symbol("lambda") + sympy.Symbol("mu_3")])
    {}
    """
    symbols: set[sympy.Symbol] = set()
    for item in items:
        symbols |= _symbols_of(item)
    out: dict[sympy.Symbol, str] = {}
    by_form: dict[str, list[sympy.Symbol]] = {}
    for sym in symbols:
        name = sym.name
        if "__" in name or "^" in name or name.endswith("_") or name.startswith("_"):
            out[sym] = _escaped(name)
        else:
            by_form.setdefault(sympy.latex(sym), []).append(sym)
    for group in by_form.values():
        if len(group) > 1:
            out.update((sym, _escaped(sym.name)) for sym in group)
    return out


def latex_expr(expr: Any, names: dict[sympy.Symbol, str] | None = None) -> str:
    r"""The LaTeX form of an exact expression (or of a law), as :func:`sympy.latex` prints it.

    ``names`` overrides symbols' LaTeX (default: :func:`symbol_names` of
    ``expr``, so that no two symbols, or a symbol and a power, print alike).

    Examples
    --------
    >>> import sympy
    >>> latex_expr(sympy.Rational(1, 2) + sympy.Symbol("s"))
    's + \\frac{1}{2}'
    >>> latex_expr(sympy.Symbol("x__2") + sympy.Symbol("x")**2)
    'x^{2} + \\mathit{x\\_\\_2}'
    """
    if names is None:
        names = symbol_names([expr])
    return str(ExprLatexPrinter({"symbol_names": names} if names else {}).doprint(expr))


def latex_table(
    table: MomentTable,
    *,
    caption: str | None = None,
    label: str | None = None,
    titles: Sequence[str] | None = None,
    corner: str = "$k$",
    environment: bool = True,
    placement: str = "htbp",
) -> str:
    r"""A booktabs LaTeX table of ``table``: rows k, a column per law.

    Parameters
    ----------
    table : MomentTable
        The values (see :func:`tpsym.render.table.moment_table`).
    caption : str, optional, keyword-only
        LaTeX text of ``\caption``; none by default.
    label : str, optional, keyword-only
        Key of ``\label`` (letters, digits and ``:._-+/``); none by default.
    titles : sequence of str, optional, keyword-only
        LaTeX column titles, one per law, used verbatim; by default each
        law's own LaTeX form in math mode.
    corner : str, keyword-only
        The title of the column of k.
    environment : bool, keyword-only
        Wrap the ``tabular`` in a ``table`` float with ``\centering`` (and the
        caption and label). A caption or label needs it.
    placement : str, keyword-only
        The float's placement specifier.

    Returns
    -------
    str
        The LaTeX source, ending with a newline.

    Raises
    ------
    InputError
        If ``titles`` has the wrong length, ``label`` has characters LaTeX
        would not take, or a caption or label is asked without the environment.

    Examples
    --------
    >>> from tpsym.laws import mp
    >>> from tpsym.render.table import moment_table
    >>> print(latex_table(moment_table([mp(ratio=1)], 2), caption="MP moments.", label="tab:mp"))
    \begin{table}[htbp]
    \centering
    \caption{MP moments.}
    \label{tab:mp}
    \begin{tabular}{rr}
    \toprule
    $k$ & $\mathrm{MP}\left(1\right)$ \\
    \midrule
    1 & $1$ \\
    2 & $2$ \\
    \bottomrule
    \end{tabular}
    \end{table}
    """
    n = len(table.laws)
    names = symbol_names([*table.laws, *(v for row in table.rows for v in row)])
    if titles is None:
        header = [f"${latex_expr(law, names)}$" for law in table.laws]
    else:
        header = list(titles)
        if len(header) != n:
            raise InputError(f"{len(header)} column titles given for {n} laws")
    if label is not None and not _LABEL.match(label):
        raise InputError(f"label={label!r} has characters a LaTeX label should not have")
    if not environment and (caption is not None or label is not None):
        raise InputError("a caption or label needs environment=True")
    lines = []
    if environment:
        lines += [f"\\begin{{table}}[{placement}]", "\\centering"]
        if caption is not None:
            lines.append(f"\\caption{{{' '.join(caption.split())}}}")
        if label is not None:
            lines.append(f"\\label{{{label}}}")
    align = "".join("r" if numeric else "l" for numeric in table.numeric_columns())
    lines += [f"\\begin{{tabular}}{{r{align}}}", "\\toprule"]
    lines.append(" & ".join([corner, *header]) + r" \\")
    lines.append("\\midrule")
    for k, row in enumerate(table.rows, 1):
        lines.append(" & ".join([str(k), *(f"${latex_expr(v, names)}$" for v in row)]) + r" \\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    if environment:
        lines.append("\\end{table}")
    return "\n".join(lines) + "\n"
