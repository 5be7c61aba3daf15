"""The formula language: a safe, whitelisting reader of expressions, below the laws.

:mod:`tpsym.spec` reads law specs, formulas and claims with the catalogue of
laws; this package holds what it reads them with, and knows no law, so that
the layers below :mod:`tpsym.spec` (an activation given as
``formula(x + sin(x)/2)``, a kernel call) read their formulas with the same
rules:

* :mod:`~tpsym.language.functions`: the counting functions (``catalan``,
  ``narayana``, ``kreweras_count``, ...) and constants, with bounded arguments;
* :mod:`~tpsym.language.signatures`: which kinds of value (expression, law,
  string, tuple) each parameter of a callable takes;
* :mod:`~tpsym.language.parser`: the walker of the syntax tree, which checks
  every node, operator, name and call against the whitelist, and the bounds
  on size, depth, exponents and exact numbers.

>>> parse_expression("catalan(3) + x", locals={"x": sympy.Symbol("x")})
x + 5
>>> parse_expression("semicircle()")
Traceback (most recent call last):
...
tpsym.errors.SpecError: unknown law or function 'semicircle' (column 1)
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from typing import Any

import sympy

from tpsym.language.functions import CONSTANTS, FORMULA_CONSTANTS, FORMULA_FUNCTIONS, MAX_COUNT_ARGUMENT, symbol
from tpsym.language.parser import MAX_BITS, MAX_DEPTH, MAX_EXPONENT, MAX_LENGTH, Parser
from tpsym.language.signatures import ALL_KINDS, EXPR, LAW, STR, TUPLE

__all__ = [
    "parse_expression",
    "parse_law",
    "Parser",
    "symbol",
    "CONSTANTS",
    "FORMULA_CONSTANTS",
    "FORMULA_FUNCTIONS",
    "MAX_LENGTH",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_BITS",
    "MAX_COUNT_ARGUMENT",
    "EXPR",
    "LAW",
    "STR",
    "TUPLE",
    "ALL_KINDS",
]


def parse_expression(
    text: str,
    *,
    functions: Mapping[str, Callable[..., Any]] | None = None,
    locals: Mapping[str, Any] | None = None,  # noqa: A002 - the name of eval's argument
) -> sympy.Expr:
    """Read an expression with no law in it: the built-in functions, ``functions`` and ``locals``.

    The reader of :func:`tpsym.spec.parse_formula` without the catalogue of
    laws; ``functions`` take precedence over the built-in ones.

    Raises
    ------
    SpecError
        If the text is malformed, unknown or unsafe, or compares.

    >>> parse_expression("twice(k) + narayana(4, 2)", functions={"twice": lambda k: 2 * k})
    2*k + 6
    """
    parser = Parser(text, mode="formula", laws={}, functions=functions, local=locals)
    root = parser.parse()
    if isinstance(root, ast.Compare):
        raise parser.fail(root, "a formula has no comparison")
    return parser.expr(root)


def parse_law(
    text: str,
    *,
    laws: Mapping[str, Callable[..., Any]],
    law_positions: Mapping[str, str | int] | None = None,
    locals: Mapping[str, Any] | None = None,  # noqa: A002 - the name of eval's argument
) -> Any:
    """Read a law spec with the given table of law constructors (:func:`tpsym.spec.parse_spec` gives the catalogue's).

    Raises
    ------
    SpecError
        If the text is malformed, unknown or unsafe, or is not a law.

    >>> from tpsym.laws import semicircle
    >>> parse_law("sc(variance=2)", laws={"sc": semicircle}).moments(2)
    (0, 2)
    """
    parser = Parser(text, mode="spec", laws=laws, law_positions=law_positions, functions=None, local=locals)
    root = parser.parse()
    kind, value = parser.value(root, frozenset({LAW}))
    if kind != LAW:
        raise parser.fail(root, f"expected a law such as semicircle(), got the {kind} {parser.piece(root)}")
    return value
