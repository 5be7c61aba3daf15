"""The spec language: a safe, whitelisting parser for law specs and formulas.

One small language names laws everywhere in tpsym (the command line, the
Python API, proof files)::

    semicircle(variance=s)
    boxplus(semicircle(), mp(ratio=1/2))
    boxpower(mp(ratio=1), L)
    law(moments=mu)

and the same parser reads the formulas of claims (``catalan(k)``,
``binomial(2*k, k)/(k + 1)``, ``moment(semicircle(), 2*k)``).

Text is parsed by :func:`ast.parse` and the tree is *walked*, never compiled
or run: every node kind, operator, name and function is checked against a
whitelist, and anything else raises :class:`~tpsym.errors.SpecError` with one
line that names the offending piece and its column. Nothing reaches
``eval``, ``exec``, ``sympify`` or ``parse_expr``. The size of the input, the
depth of its tree, exponents and the size of exact numbers are bounded, so a
hostile string cannot make the parser run for long either.

Decisions
---------
* A bare name is a plain :class:`sympy.Symbol` with no assumptions
  (``symbol("lam") == sympy.Symbol("lam")``), so that the laws the parser
  builds are equal to the laws built in Python from ``sympy.Symbol``. Callers
  that want assumptions (a proof file declaring ``L`` a positive integer) pass
  their own symbols through ``locals=``.
* Numbers are exact: ``1/2`` is ``Rational(1, 2)``, and a decimal literal is
  read *as written*, so ``0.1`` is ``Rational(1, 10)`` (not the binary float
  nearest to 0.1). Complex literals are refused.
* Parameter domains (a negative variance, a ratio of 0) are checked by the law
  constructors, which raise :class:`~tpsym.errors.DomainError`; the parser
  prefixes the message with the offending piece of the spec.

Examples
--------
>>> parse_formula("binomial(2*k, k)/(k + 1)")
binomial(2*k, k)/(k + 1)
>>> parse_formula("narayana(n, k)")
binomial(n, k)*binomial(n, k - 1)/n
>>> parse_formula("0.25 + 1/4")
1/2
>>> parse_claim("catalan(3) == 5")
Claim(lhs=5, rhs=5)
>>> parse_formula("__import__('os').system('ls')")
Traceback (most recent call last):
...
tpsym.errors.SpecError: attribute access is not allowed: "__import__('os').system" (column 1)
"""


from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any, NamedTuple

import sympy

import tpsym.laws  # noqa: F401 - the catalogue registers its constructors
import tpsym.nets  # noqa: F401 - so do the networks
from tpsym.errors import SpecError
from tpsym.laws.base import spec_constructors, spec_law_positions
from tpsym.language import (
    CONSTANTS,
    FORMULA_FUNCTIONS,
    MAX_BITS,
    MAX_COUNT_ARGUMENT,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    Parser,
    parse_law,
    symbol,
)

__all__ = [
    "parse_spec",
    "parse_formula",
    "parse_claim",
    "Claim",
    "symbol",
    "LAW_CONSTRUCTORS",
    "FORMULA_FUNCTIONS",
    "SPEC_FUNCTIONS",
    "CONSTANTS",
    "MAX_LENGTH",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_BITS",
    "MAX_COUNT_ARGUMENT",
]

#: The functions allowed inside the parameters of a law spec: the same table as formulas'.
SPEC_FUNCTIONS = FORMULA_FUNCTIONS

# ---------------------------------------------------------------------------
# The law registry
# ---------------------------------------------------------------------------

#: The laws of the catalogue, of the networks and any other law class: spec name ->
#: constructor, as each constructor registered itself (:func:`tpsym.laws.base.spec_constructor`).
_BUILTIN_LAWS = spec_constructors()
_LAW_POSITIONS = spec_law_positions()


class _LawRegistry(MutableMapping[str, Callable[..., Any]]):
    """The spec name -> constructor table: the built-in laws, and those a user adds.

    Entries set by assignment are kept apart from the built-in ones and take
    precedence; deleting one brings the built-in law of that name back.
    """

    def __init__(self) -> None:
        self._extra: dict[str, Callable[..., Any]] = {}

    def __getitem__(self, name: str) -> Callable[..., Any]:
        if name in self._extra:
            return self._extra[name]
        return _BUILTIN_LAWS[name]

    def __setitem__(self, name: str, constructor: Callable[..., Any]) -> None:
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
            raise SpecError(f"not a valid law name: {name!r}")
        self._extra[name] = constructor

    def __delitem__(self, name: str) -> None:
        del self._extra[name]

    def __iter__(self) -> Iterator[str]:
        return iter({**_BUILTIN_LAWS, **self._extra})

    def __len__(self) -> int:
        return len({**_BUILTIN_LAWS, **self._extra})

    def __repr__(self) -> str:
        return f"LAW_CONSTRUCTORS({sorted(self)})"


#: spec name -> law constructor (a mapping; assign to add a law).
LAW_CONSTRUCTORS: MutableMapping[str, Callable[..., Any]] = _LawRegistry()




# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def _functions(
    functions: Mapping[str, Callable[..., Any]] | None, extra_functions: Mapping[str, Callable[..., Any]] | None
) -> dict[str, Callable[..., Any]]:
    if extra_functions is not None:
        warnings.warn("extra_functions= is deprecated: pass the functions as functions=", DeprecationWarning, stacklevel=3)
    return {**(extra_functions or {}), **(functions or {})}


def _parser(
    text: str,
    mode: str,
    laws: Mapping[str, Callable[..., Any]] | None,
    functions: Mapping[str, Callable[..., Any]] | None,
    local: Mapping[str, Any] | None,
) -> Parser:
    return Parser(
        text, mode=mode, laws=LAW_CONSTRUCTORS if laws is None else laws, law_positions=_LAW_POSITIONS, functions=functions, local=local
    )


class Claim(NamedTuple):
    """A claim ``lhs == rhs`` read by :func:`parse_claim`."""

    lhs: Any
    rhs: Any


def parse_spec(
    text: str,
    *,
    locals: Mapping[str, Any] | None = None,  # noqa: A002 - the name of eval's argument
    laws: Mapping[str, Callable[..., Any]] | None = None,
) -> Any:
    """Read a law spec such as ``"boxplus(semicircle(), mp(ratio=1/2))"``.

    Parameters
    ----------
    text : str
        The spec: a call of a law constructor of :data:`LAW_CONSTRUCTORS`
        with positional or keyword arguments. Parameters are exact
        expressions (numbers, names, ``+ - * / **``, ``sqrt``, ``exp``,
        ``log``, ``pi``, ``E``); combinators take laws.
    locals : mapping, optional
        Names to use instead of plain symbols (for example a symbol with
        assumptions).
    laws : mapping, optional
        Constructors to use instead of :data:`LAW_CONSTRUCTORS`.

    Returns
    -------
    Law
        The law, built by its constructor in :mod:`tpsym.laws`.

    Raises
    ------
    SpecError
        If the text is malformed, unknown or unsafe; the message is one line
        naming the piece and its column.
    DomainError
        If a parameter lies outside its law's domain.

    Examples
    --------
    >>> law = parse_spec("mp(ratio=lam)")
    >>> law.moments(3)
    (1, lam + 1, lam**2 + 3*lam + 1)
    >>> parse_spec(law.spec) == law
    True
    >>> parse_spec("semicircle(varaince=2)")
    Traceback (most recent call last):
    ...
    tpsym.errors.SpecError: unknown parameter 'varaince' of semicircle(); allowed: variance, mean (column 21)
    """
    return parse_law(text, laws=LAW_CONSTRUCTORS if laws is None else laws, law_positions=_LAW_POSITIONS, locals=locals)


def parse_formula(
    text: str,
    *,
    functions: Mapping[str, Callable[..., Any]] | None = None,
    locals: Mapping[str, Any] | None = None,  # noqa: A002 - the name of eval's argument
    extra_functions: Mapping[str, Callable[..., Any]] | None = None,
    laws: Mapping[str, Callable[..., Any]] | None = None,
) -> sympy.Expr:
    """Read a formula such as ``"binomial(2*k, k)/(k + 1)"`` into a sympy expression.

    Parameters
    ----------
    text : str
        Arithmetic (``+ - * / **``, unary minus) on exact numbers, names
        (plain symbols), ``pi``, ``E``, ``oo`` and calls of
        :data:`FORMULA_FUNCTIONS` or of ``functions``. Arguments of the
        caller's functions may be law specs (``moment(semicircle(), 2*k)``)
        or strings.
    functions : mapping, optional
        Extra functions ``name -> callable``; they take precedence over the
        built-in ones. A parameter annotated ``Law`` takes a law spec.
    locals : mapping, optional
        Names to use instead of plain symbols.
    extra_functions : mapping, optional
        Deprecated: the former name of ``functions`` (a warning says so).
    laws : mapping, optional
        Law constructors to use instead of :data:`LAW_CONSTRUCTORS`.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    SpecError
        If the text is malformed, unknown or unsafe (comparisons included:
        see :func:`parse_claim`).

    Examples
    --------
    >>> parse_formula("catalan(n) - binomial(2*n, n)/(n + 1)")
    catalan(n) - binomial(2*n, n)/(n + 1)
    >>> parse_formula("Sum(narayana(4, j)*lam**j, (j, 1, 4)).doit()")
    Traceback (most recent call last):
    ...
    tpsym.errors.SpecError: attribute access is not allowed: 'Sum(narayana(4, j)*lam**j, (j, 1, 4)).doit' (column 1)
    >>> parse_formula("Sum(narayana(4, j)*lam**j, (j, 1, 4))").doit()
    lam**4 + 6*lam**3 + 6*lam**2 + lam
    >>> parse_formula("twice(k)", functions={"twice": lambda k: 2 * k})
    2*k
    """
    extras = _functions(functions, extra_functions)
    parser = _parser(text, "formula", laws, extras, locals)
    root = parser.parse()
    if isinstance(root, ast.Compare):
        raise parser.fail(root, "a formula has no comparison; read a claim 'lhs == rhs' with parse_claim")
    return parser.expr(root)


def _top_level_assignment(text: str) -> bool:
    """Whether ``text`` has a lone ``=`` outside brackets (``==`` mistyped).

    >>> _top_level_assignment("moment(mp(ratio=1), 2) = 2"), _top_level_assignment("f(x=1) == 1")
    (True, False)
    """
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "=" and depth == 0:
            before, after = text[i - 1 : i], text[i + 1 : i + 2]
            if before not in ("=", "!", "<", ">") and after != "=":
                return True
    return False


def parse_claim(
    text: str,
    *,
    functions: Mapping[str, Callable[..., Any]] | None = None,
    locals: Mapping[str, Any] | None = None,  # noqa: A002 - the name of eval's argument
    extra_functions: Mapping[str, Callable[..., Any]] | None = None,
    laws: Mapping[str, Callable[..., Any]] | None = None,
) -> Claim:
    """Read a claim ``"lhs == rhs"`` into its two sides, each read as by :func:`parse_formula`.

    Parameters
    ----------
    text : str
        Two formulas joined by one ``==``.
    functions, locals, extra_functions, laws
        As in :func:`parse_formula`.

    Returns
    -------
    Claim
        The pair ``(lhs, rhs)``; nothing is compared.

    Raises
    ------
    SpecError
        If there is not exactly one ``==`` at the top, or a side is malformed.

    Examples
    --------
    >>> parse_claim("narayana(n, 1) == 1")
    Claim(lhs=1, rhs=1)
    >>> parse_claim("2*k + 1 <= 3")
    Traceback (most recent call last):
    ...
    tpsym.errors.SpecError: a claim compares with '==' only, not '<=' (column 1)
    >>> parse_claim("catalan(3) = 5")
    Traceback (most recent call last):
    ...
    tpsym.errors.SpecError: malformed formula: invalid syntax (column 12): a claim compares with '==', not '='
    """
    extras = _functions(functions, extra_functions)
    parser = _parser(text, "formula", laws, extras, locals)
    try:
        root = parser.parse()
    except SpecError as exc:
        if _top_level_assignment(text):
            raise SpecError(f"{exc}: a claim compares with '==', not '='") from None
        raise
    if not isinstance(root, ast.Compare):
        raise parser.fail(root, "a claim reads 'lhs == rhs'")
    if len(root.ops) != 1:
        raise parser.fail(root, "a claim has exactly one '=='")
    if not isinstance(root.ops[0], ast.Eq):
        symbols = {ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
        op = symbols.get(type(root.ops[0]), type(root.ops[0]).__name__)
        raise parser.fail(root, f"a claim compares with '==' only, not {op!r}")
    return Claim(parser.expr(root.left), parser.expr(root.comparators[0]))
