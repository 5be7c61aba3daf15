"""Text, Markdown, JSON and LaTeX (booktabs) output of exact results.

Renderers work off values (:class:`MomentTable`, sympy expressions) and take
their options explicitly, as keyword-only arguments.

>>> from tpsym.laws import semicircle
>>> table = moment_table([semicircle()], 4)
>>> table_json(table)["values"]
[['0', '1', '0', '2']]
"""

from tpsym.render.jsonout import expr_str, exprs_str, table_json
from tpsym.render.latex import latex_expr, latex_table
from tpsym.render.markdown import markdown_table
from tpsym.render.table import QUANTITY_NAMES, MomentTable, TableKind, moment_table
from tpsym.render.text import text_table

__all__ = [
    "MomentTable",
    "QUANTITY_NAMES",
    "TableKind",
    "expr_str",
    "exprs_str",
    "latex_expr",
    "latex_table",
    "markdown_table",
    "moment_table",
    "table_json",
    "text_table",
]
