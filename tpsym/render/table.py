"""Tables of moments and cumulants: the values every renderer prints.

A :class:`MomentTable` holds exact values only; :mod:`tpsym.render.latex`,
:mod:`tpsym.render.markdown`, :mod:`tpsym.render.text` and
:mod:`tpsym.render.jsonout` turn it into text with explicit options.

>>> from tpsym.laws import mp, semicircle
>>> table = moment_table([semicircle(), mp(ratio=1)], 3)
>>> table.rows
((0, 1), (1, 2), (0, 5))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

import sympy

from tpsym.errors import InputError

__all__ = ["MomentTable", "TableKind", "moment_table", "QUANTITY_NAMES", "DEFAULT_DIGITS"]

#: Significant digits of the non-exact entries of a table (a tanh network's
#: moments are certified to 30 digits; a paper's table wants a few).
DEFAULT_DIGITS = 6

TableKind = Literal["moments", "free", "boolean", "classical"]

#: How each kind of quantity is named in a table's text (``m_k``, ``kappa_k``, ...).
QUANTITY_NAMES: dict[str, str] = {"moments": "m", "free": "kappa", "boolean": "beta", "classical": "c"}


@dataclass(frozen=True, slots=True)
class MomentTable:
    """Exact moments (or cumulants) of several laws: rows k = 1..order, a column per law.

    Attributes
    ----------
    laws : tuple
        The laws, one per column.
    kind : {"moments", "free", "boolean", "classical"}
        What the entries are: moments or cumulants of that kind.
    rows : tuple of tuple of sympy.Expr
        ``rows[k - 1][j]`` is the k-th quantity of ``laws[j]``.
    """

    laws: tuple[Any, ...]
    kind: TableKind
    rows: tuple[tuple[sympy.Expr, ...], ...]

    @property
    def order(self) -> int:
        """The number of rows (the highest k)."""
        return len(self.rows)

    @property
    def specs(self) -> tuple[str, ...]:
        """The spec string of each law (its plain-text column title)."""
        return tuple(str(law) for law in self.laws)

    def column(self, j: int) -> tuple[sympy.Expr, ...]:
        """The values of law ``j`` (0-based), k = 1..order."""
        return tuple(row[j] for row in self.rows)

    def numeric_columns(self) -> tuple[bool, ...]:
        """For each law, whether every entry of its column is a number (no free symbol)."""
        return tuple(all(sympy.sympify(v, strict=True).is_number for v in self.column(j)) for j in range(len(self.laws)))

    def rounded(self, digits: int | None = DEFAULT_DIGITS) -> MomentTable:
        """The table with every non-exact number (a float) rounded to ``digits`` significant digits.

        Exact entries (integers, rationals, radicals, ``erf(1)``) are kept as
        they are; ``digits=None`` keeps the floats too.

        >>> t = MomentTable((None,), "moments", ((sympy.Float("0.881038043978265636691389602114", 30),), (sympy.Rational(1, 3),)))
        >>> t.rounded(4).rows
        ((0.8810,), (1/3,))
        """
        if digits is None:
            return self
        if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 1000:
            raise InputError(f"digits must be an integer between 1 and 1000, got {digits!r}")

        def cut(v: Any) -> Any:
            v = sympy.sympify(v, strict=True)  # table entries are tpsym's own values
            floats = v.atoms(sympy.Float)
            return v.xreplace({f: sympy.Float(f, digits) for f in floats}) if floats else v

        return MomentTable(self.laws, self.kind, tuple(tuple(cut(v) for v in row) for row in self.rows))


def moment_table(laws: Sequence[Any], order: int, *, kind: TableKind = "moments") -> MomentTable:
    """Compute the table of the first ``order`` moments or cumulants of ``laws``.

    Parameters
    ----------
    laws : sequence of Law
        One column per law (at least one).
    order : int
        The number of rows, at least 1.
    kind : {"moments", "free", "boolean", "classical"}, keyword-only
        Moments, or cumulants of that kind.

    Returns
    -------
    MomentTable

    Raises
    ------
    InputError
        If ``laws`` is empty, ``order`` is not a positive integer or ``kind``
        is unknown.

    Examples
    --------
    >>> from tpsym.laws import semicircle
    >>> moment_table([semicircle()], 4, kind="free").rows
    ((0,), (1,), (0,), (0,))
    """
    if kind not in get_args(TableKind):
        raise InputError(f"unknown table kind {kind!r}; choose one of {', '.join(get_args(TableKind))}")
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise InputError(f"the order must be a positive integer, got {order=}")
    laws = tuple(laws)
    if not laws:
        raise InputError("a table needs at least one law")
    if kind == "moments":
        columns = [tuple(law.moments(order)) for law in laws]
    else:
        columns = [tuple(law.cumulants(order, kind=kind)) for law in laws]
    rows = tuple(tuple(column[k] for column in columns) for k in range(order))
    return MomentTable(laws=laws, kind=kind, rows=rows)
