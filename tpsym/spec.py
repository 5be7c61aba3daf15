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
import difflib
import functools
import importlib
import inspect
import io
import math
import re
import sys
import tokenize
import unicodedata
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any, NamedTuple

import flint
import sympy

from tpsym.errors import SpecError, TpsymError

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

#: Longest text accepted, in characters.
MAX_LENGTH = 10_000
#: Deepest syntax tree accepted (``-(-(-x))`` has depth 5 with its root).
MAX_DEPTH = 100
#: Largest absolute value of a numeric exponent.
MAX_EXPONENT = 10_000
#: Largest numerator or denominator of an exact number, in bits (about
#: 12 000 decimal digits: more than an input of MAX_LENGTH can write out).
MAX_BITS = 40_000
#: Largest absolute value of a numeric argument of a counting function
#: (``binomial(10**6, 5*10**5)`` alone takes sympy most of a minute).
MAX_COUNT_ARGUMENT = 10_000

_FILENAME = "<spec>"

# Kinds of parsed values.
_EXPR, _LAW, _STR, _TUPLE = "expression", "law", "string", "tuple"
_ALL_KINDS = frozenset({_EXPR, _LAW, _STR, _TUPLE})


# ---------------------------------------------------------------------------
# Symbols and constants
# ---------------------------------------------------------------------------


def symbol(name: str, **assumptions: bool) -> sympy.Symbol:
    """The symbol the spec language makes of the bare name ``name``.

    Everyone who builds a parameter symbol for a law uses this function, so
    that the laws built by the parser and by Python code compare equal.

    Parameters
    ----------
    name : str
        A Python identifier not starting with an underscore.
    **assumptions : bool
        sympy assumptions (``positive=True``, ...); none by default, so that
        ``symbol("x") == sympy.Symbol("x")``.

    Returns
    -------
    sympy.Symbol

    Raises
    ------
    SpecError
        If ``name`` is not an identifier or starts with an underscore.

    Examples
    --------
    >>> symbol("lam") == sympy.Symbol("lam")
    True
    >>> symbol("L", integer=True, positive=True).is_positive
    True
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise SpecError(f"not a valid name for a symbol: {name!r}")
    if name.startswith("_"):
        raise SpecError(f"names may not start with an underscore: {name!r}")
    return sympy.Symbol(name, **assumptions)


#: Named constants of the language (``oo`` only in formulas).
CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "E": sympy.E}
_FORMULA_CONSTANTS: dict[str, sympy.Expr] = {**CONSTANTS, "oo": sympy.oo}


# ---------------------------------------------------------------------------
# Functions of formulas
# ---------------------------------------------------------------------------


def _count_args(name: str, *values: sympy.Expr) -> None:
    """Refuse a numeric argument of a counting function that is too large."""
    for value in values:
        if isinstance(value, sympy.Number) and abs(value) > MAX_COUNT_ARGUMENT:
            raise SpecError(f"{name}() argument {value} exceeds {MAX_COUNT_ARGUMENT=}")


def _is_int(value: Any) -> bool:
    return isinstance(value, sympy.Integer)


def _binomial(n: sympy.Expr, k: sympy.Expr) -> sympy.Expr:
    _count_args("binomial", n, k)
    return sympy.binomial(n, k)


def _factorial(n: sympy.Expr) -> sympy.Expr:
    _count_args("factorial", n)
    return sympy.factorial(n)


def _factorial2(n: sympy.Expr) -> sympy.Expr:
    _count_args("factorial2", n)
    return sympy.factorial2(n)


def _gamma(x: sympy.Expr) -> sympy.Expr:
    _count_args("gamma", x)
    return sympy.gamma(x)


def _factor_product(name: str, cls: type, x: sympy.Expr, k: sympy.Expr) -> sympy.Expr:
    # sympy multiplies out rf(c, k) into k factors at once (quadratic in k):
    # bound the work of the expansion before asking for it
    _count_args(name, x, k)
    if isinstance(k, sympy.Integer) and k > 0 and not x.is_number:
        from tpsym.proof.limits import MAX_EXPANSION_WORK
        from tpsym.series.size import expansion_work

        work = expansion_work(cls(x, k, evaluate=False))
        if work > MAX_EXPANSION_WORK:
            raise SpecError(f"it would write about {work} terms while expanding, more than {MAX_EXPANSION_WORK=}")
    return cls(x, k)


def _rf(x: sympy.Expr, k: sympy.Expr) -> sympy.Expr:
    return _factor_product("rf", sympy.RisingFactorial, x, k)


def _ff(x: sympy.Expr, k: sympy.Expr) -> sympy.Expr:
    return _factor_product("ff", sympy.FallingFactorial, x, k)


def _catalan(n: sympy.Expr) -> sympy.Expr:
    _count_args("catalan", n)
    return sympy.catalan(n)


def _narayana(n: sympy.Expr, k: sympy.Expr) -> sympy.Expr:
    # N(n, k) = C(n, k) C(n, k-1) / n, the number of NC(n) partitions with k
    # blocks (OEIS A001263); N(0, 0) = 1 (OEIS A090181).
    _count_args("narayana", n, k)
    if _is_int(n) and n == 0:
        return sympy.Integer(1 if k == 0 else 0) if _is_int(k) else sympy.KroneckerDelta(k, 0)
    return sympy.binomial(n, k) * sympy.binomial(n, k - 1) / n


def _fuss_catalan(n: sympy.Expr, k: sympy.Expr) -> sympy.Expr:
    # As tpsym.combinat.fuss_catalan: binomial((k + 1) n, n) / (k n + 1), the
    # k-divisible partitions of NC(k n) and the n-th moment of fuss_catalan(s=k);
    # k = 1 gives Catalan, k = 2 OEIS A001764, k = 3 OEIS A002293.
    _count_args("fuss_catalan", n, k)
    return sympy.binomial((k + 1) * n, n) / (k * n + 1)


def _kreweras_count(block_type: tuple[sympy.Expr, ...]) -> sympy.Expr:
    # Kreweras (1972): the number of NC(n) partitions with r_i blocks of size i
    # is n! / ((n - m + 1)! prod_i r_i!), m the number of blocks.
    sizes = []
    for size in block_type:
        if not _is_int(size) or size < 1:
            raise SpecError(f"kreweras_count() takes a tuple of positive integers, got {size}")
        sizes.append(int(size))
    n, m = sum(sizes), len(sizes)
    _count_args("kreweras_count", sympy.Integer(n))
    if m == 0:
        return sympy.Integer(1)
    denominator = math.factorial(n - m + 1)
    for size in set(sizes):
        denominator *= math.factorial(sizes.count(size))
    return sympy.Integer(math.factorial(n) // denominator)


def _rational(p: sympy.Expr, q: sympy.Expr = sympy.Integer(1)) -> sympy.Expr:
    if not (_is_int(p) and _is_int(q)):
        raise SpecError(f"Rational() takes two integers, got {p}, {q}")
    if q == 0:
        raise SpecError("Rational() with a zero denominator")
    return sympy.Rational(p, q)


def _sum(term: sympy.Expr, limits: tuple[sympy.Expr, ...]) -> sympy.Expr:
    if len(limits) != 3 or not isinstance(limits[0], sympy.Symbol):
        raise SpecError("Sum() takes a term and limits (k, a, b) with k a name")
    k, a, b = limits
    if isinstance(a, sympy.Integer) and isinstance(b, sympy.Integer) and abs(b - a) > MAX_COUNT_ARGUMENT:
        raise SpecError(f"Sum() over more than {MAX_COUNT_ARGUMENT=} terms")
    return sympy.Sum(term, (k, a, b))


def _unary(fn: Callable[[Any], Any]) -> Callable[[sympy.Expr], sympy.Expr]:
    def call(x: sympy.Expr) -> sympy.Expr:
        return fn(x)

    call.__name__ = getattr(fn, "__name__", "function")
    return call


def _min(*args: sympy.Expr) -> sympy.Expr:
    return sympy.Min(*args)


def _max(*args: sympy.Expr) -> sympy.Expr:
    return sympy.Max(*args)


#: The functions of the spec and claim languages: one table, so that a law's parameters
#: take every function a claim takes (``sigma_w2=1/erf(1)``, ``asin(2/3)``); claims add their
#: own (``moment``, ...).
FORMULA_FUNCTIONS: dict[str, Callable[..., sympy.Expr]] = {
    "sqrt": _unary(sympy.sqrt),
    "exp": _unary(sympy.exp),
    "log": _unary(sympy.log),
    "Rational": _rational,
    "binomial": _binomial,
    "factorial": _factorial,
    "factorial2": _factorial2,
    "gamma": _gamma,
    "rf": _rf,
    "ff": _ff,
    "catalan": _catalan,
    "narayana": _narayana,
    "fuss_catalan": _fuss_catalan,
    "kreweras_count": _kreweras_count,
    "erf": _unary(sympy.erf),
    "erfc": _unary(sympy.erfc),
    "sin": _unary(sympy.sin),
    "cos": _unary(sympy.cos),
    "tan": _unary(sympy.tan),
    "atan": _unary(sympy.atan),
    "asin": _unary(sympy.asin),
    "sinh": _unary(sympy.sinh),
    "cosh": _unary(sympy.cosh),
    "tanh": _unary(sympy.tanh),
    "Abs": _unary(sympy.Abs),
    "abs": _unary(sympy.Abs),
    "floor": _unary(sympy.floor),
    "ceiling": _unary(sympy.ceiling),
    "Min": _min,
    "Max": _max,
    "Sum": _sum,
}

#: The functions allowed inside the parameters of a law spec: the same table.
SPEC_FUNCTIONS = FORMULA_FUNCTIONS

# Parameters that take a tuple literal rather than an expression.
_TUPLE_PARAMETERS = {"kreweras_count": {"block_type"}, "Sum": {"limits"}}


# ---------------------------------------------------------------------------
# The law registry
# ---------------------------------------------------------------------------

# spec name -> name of the constructor in tpsym.laws
_LAWS_MODULE_NAMES = {
    "semicircle": "semicircle",
    "mp": "marchenko_pastur",
    "marchenko_pastur": "marchenko_pastur",
    "free_poisson": "free_poisson",
    "bernoulli": "bernoulli",
    "symmetric_bernoulli": "symmetric_bernoulli",
    "arcsine": "arcsine",
    "dirac": "dirac",
    "haar_gram": "haar_gram",
    "fuss_catalan": "fuss_catalan",
    "boxplus": "boxplus",
    "boxtimes": "boxtimes",
    "boxpower": "boxpower",
    "boxplus_power": "boxplus_power",
    "scale": "scale",
    "shift": "shift",
    "dilute": "dilute",
    "compress": "compress",
}

# Positions of the parameters that take a law, for constructors whose
# annotations do not say so ("*" = every positional argument).
_LAW_POSITIONS: dict[str, str | int] = {
    "boxplus": "*",
    "boxtimes": "*",
    "boxpower": 0,
    "boxplus_power": 0,
    "scale": 0,
    "shift": 0,
    "dilute": 0,
    "compress": 0,
}


def _generic(moments: sympy.Expr) -> Any:
    """``law(moments=mu)``: the generic law whose k-th moment is the symbol mu_k."""
    if not isinstance(moments, sympy.Symbol):
        raise SpecError(f"law(moments=...) takes a bare name such as mu, got {moments}")
    from tpsym.laws import generic_law

    return generic_law(name=moments.name)


class _LawRegistry(MutableMapping[str, Callable[..., Any]]):
    """The spec name -> constructor table, built on first use.

    The catalogue of :mod:`tpsym.laws` and, when :mod:`tpsym.nets` provides
    ``jacobian_law``, the ``jacobian`` law are imported lazily; entries set by
    assignment are kept apart and take precedence.
    """

    def __init__(self) -> None:
        self._built: dict[str, Callable[..., Any]] | None = None
        self._extra: dict[str, Callable[..., Any]] = {}

    def _table(self) -> dict[str, Callable[..., Any]]:
        if self._built is None:
            table: dict[str, Callable[..., Any]] = {}
            complete = True
            try:
                laws = importlib.import_module("tpsym.laws")
            except ImportError:
                laws, complete = None, False
            if laws is not None:
                for spec_name, attr in _LAWS_MODULE_NAMES.items():
                    fn = getattr(laws, attr, None)
                    if fn is None:
                        complete = False
                    else:
                        table[spec_name] = fn
                if hasattr(laws, "generic_law"):
                    table["law"] = _generic
            try:
                nets = importlib.import_module("tpsym.nets")
            except ImportError:
                nets, complete = None, False
            jacobian = getattr(nets, "jacobian_law", None)
            if jacobian is None:
                complete = False
            else:
                table["jacobian"] = jacobian
            for spec_name, attr in (("resnet", "resnet_law"), ("rnn", "rnn_law"), ("resnet_limit", "resnet_limit")):
                fn = getattr(nets, attr, None)
                if fn is None:
                    complete = False
                else:
                    table[spec_name] = fn
            if not complete:  # a layer is still missing: look again next time
                return table
            self._built = table
        return self._built

    def __getitem__(self, name: str) -> Callable[..., Any]:
        if name in self._extra:
            return self._extra[name]
        return self._table()[name]

    def __setitem__(self, name: str, constructor: Callable[..., Any]) -> None:
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
            raise SpecError(f"not a valid law name: {name!r}")
        self._extra[name] = constructor

    def __delitem__(self, name: str) -> None:
        del self._extra[name]

    def __iter__(self) -> Iterator[str]:
        return iter({**self._table(), **self._extra})

    def __len__(self) -> int:
        return len({**self._table(), **self._extra})

    def __repr__(self) -> str:
        return f"LAW_CONSTRUCTORS({sorted(self)})"


#: spec name -> law constructor (a mapping; assign to add a law).
LAW_CONSTRUCTORS: MutableMapping[str, Callable[..., Any]] = _LawRegistry()


# ---------------------------------------------------------------------------
# Signatures
# ---------------------------------------------------------------------------


class _Signature(NamedTuple):
    positional: tuple[str, ...]  # parameters that may be given by position
    keyword: tuple[str, ...]  # parameters that may be given by keyword
    required: tuple[str, ...]
    var_positional: str | None
    kinds: dict[str, frozenset[str]]  # accepted kinds per parameter
    var_keyword: str | None = None  # a **kwargs parameter: any other keyword (e.g. mixed_moment's networks)


def _annotation_kinds(annotation: Any) -> frozenset[str] | None:
    """Kinds of values an annotation accepts, or None when it says nothing."""
    if annotation is inspect.Parameter.empty:
        return None
    text = annotation if isinstance(annotation, str) else repr(annotation)
    if isinstance(annotation, type):
        text = annotation.__name__
    kinds = set()
    if re.search(r"Law\b", text):
        kinds.add(_LAW)
    if re.search(r"\b(str|Literal)\b", text):
        kinds.add(_STR)
    if re.search(r"\b(tuple|Tuple|Sequence|Iterable|list)\b", text):
        kinds.add(_TUPLE)
    if re.search(r"\b(Expr|Basic|int|float|Rational|Integer|Symbol|Number|Real)\b", text):
        kinds.add(_EXPR)
    return frozenset(kinds) or None


@functools.lru_cache(maxsize=256)
def _signature(fn: Callable[..., Any], role: str, name: str) -> _Signature:
    """The parameters of ``fn`` and the kinds of value each accepts.

    ``role`` is ``"law"`` (default kind: expression; law positions from
    ``_LAW_POSITIONS``), ``"builtin"`` (expressions, tuples where listed) or
    ``"extra"`` (anything, unless annotated).
    """
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):  # builtins without a signature
        params = [inspect.Parameter("args", inspect.Parameter.VAR_POSITIONAL)]
    positional, keyword, required, kinds = [], [], [], {}
    var_positional = None
    var_keyword = None
    default = {"law": frozenset({_EXPR}), "builtin": frozenset({_EXPR})}.get(role, _ALL_KINDS)
    law_positions = _LAW_POSITIONS.get(name) if role == "law" else None
    index = 0
    for p in params:
        accepted = _annotation_kinds(p.annotation) if role != "builtin" else None
        if p.kind is p.VAR_KEYWORD:
            if role == "extra":  # only claim functions that ask for it take free keywords
                var_keyword = p.name
                kinds[p.name] = accepted or default
            continue
        if role == "builtin" and p.name in _TUPLE_PARAMETERS.get(name, ()):
            accepted = frozenset({_TUPLE})
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL):
            if law_positions == "*" or law_positions == index:
                accepted = frozenset({_LAW})
            index += 1
        kinds[p.name] = accepted or default
        if p.kind is p.VAR_POSITIONAL:
            var_positional = p.name
            continue
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            positional.append(p.name)
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            keyword.append(p.name)
        if p.default is p.empty:
            required.append(p.name)
    return _Signature(tuple(positional), tuple(keyword), tuple(required), var_positional, kinds, var_keyword)


# ---------------------------------------------------------------------------
# The evaluator
# ---------------------------------------------------------------------------

_NODE_NAMES = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripts",
    ast.Lambda: "lambdas",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.NamedExpr: "assignment expressions (:=)",
    ast.Starred: "starred arguments",
    ast.JoinedStr: "f-strings",
    ast.FormattedValue: "f-strings",
    ast.List: "lists",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.IfExp: "conditional expressions",
    ast.BoolOp: "'and'/'or'",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "slices",
    ast.Compare: "comparisons",
}

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_OTHER_OPS = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.Not: "not",
    ast.Invert: "~",
}
_DECIMAL = re.compile(r"^(\d[\d_]*)?(\.[\d_]*)?([eE][+-]?\d+)?$")


def _parse_expression(text: str) -> ast.Expression:
    """``ast.parse(text, mode="eval")`` with decimal integer literals of any length.

    Python refuses to read integers of more than ``sys.get_int_max_str_digits()``
    digits (4300 by default), a process-wide limit that library code must not
    change (another thread may rely on it). Each such literal is replaced by a
    placeholder name of the same length (so that error columns stay right), read
    through flint (which has no such limit) and put back into the tree.
    """
    limit = sys.get_int_max_str_digits()
    big: dict[str, int] = {}
    if limit and len(text) > limit:
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
        except (tokenize.TokenError, SyntaxError):
            tokens = []  # malformed: ast.parse below reports it
        lines = text.splitlines(keepends=True)
        for tok in reversed(tokens):
            digits = tok.string.replace("_", "")
            if tok.type != tokenize.NUMBER or len(digits) <= limit or not digits.isdigit() or digits[0] == "0":
                continue
            (row, start), (_, end) = tok.start, tok.end
            name = f"_{len(big)}_".ljust(end - start, "_")
            if name in text:  # pragma: no cover - a user's identifier of thousands of characters
                continue
            big[name] = int(flint.fmpz(digits))
            line = lines[row - 1]
            lines[row - 1] = line[:start] + name + line[end:]
        text = "".join(lines)
    tree = ast.parse(text, filename=_FILENAME, mode="eval")
    if not big:
        return tree

    class _PutBack(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            if node.id in big:
                return ast.copy_location(ast.Constant(big[node.id]), node)
            return node

    return _PutBack().visit(tree)


def _refuse_warned_literals(text: str) -> None:
    """Refuse what Python's parser only warns about, without touching the warnings filters.

    A number run into a name (``1if``, ``0x1for``) and a backslash in a string
    are deprecation warnings of the parser, not errors; refusing them here lets
    :func:`_parse_expression` run with the process's warnings filters as they
    are (changing them, even for a moment, would change them for every thread).
    """
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return  # malformed: ast.parse reports it
    def where(tok: tokenize.TokenInfo) -> str:
        (line, col) = tok.start
        return f"column {col + 1}" if "\n" not in text else f"line {line}, column {col + 1}"

    for tok, nxt in zip(tokens, tokens[1:]):
        if tok.type == tokenize.NUMBER and nxt.type == tokenize.NAME and nxt.start == tok.end:
            raise SpecError(f"invalid number literal {tok.string + nxt.string!r} ({where(tok)})")
        if tok.type == tokenize.STRING and "\\" in tok.string:
            raise SpecError(f"backslashes are not allowed in strings: {tok.string} ({where(tok)})")


def _one_line(message: object) -> str:
    return " ".join(str(message).split())


def _bits(value: sympy.Rational) -> int:
    return max(int(value.p).bit_length(), int(value.q).bit_length())


class _Parser:
    """Walk one syntax tree; ``mode`` is ``"spec"`` or ``"formula"``."""

    def __init__(
        self,
        text: str,
        *,
        mode: str,
        laws: Mapping[str, Callable[..., Any]] | None,
        functions: Mapping[str, Callable[..., Any]] | None,
        local: Mapping[str, Any] | None,
    ) -> None:
        if not isinstance(text, str):
            raise SpecError(f"a spec must be a string, got {type(text).__name__}")
        if len(text) > MAX_LENGTH:
            raise SpecError(f"input of {len(text)} characters exceeds {MAX_LENGTH=}")
        stripped = text.lstrip()
        lead = text[: len(text) - len(stripped)]
        self.text = stripped.rstrip()
        self.line_offset = lead.count("\n")
        self.col_offset = len(lead) - (lead.rfind("\n") + 1)
        self.mode = mode
        self.laws = dict(LAW_CONSTRUCTORS if laws is None else laws)  # one lookup per parse
        builtin = SPEC_FUNCTIONS if mode == "spec" else FORMULA_FUNCTIONS
        self.builtins = dict(builtin)
        self.extras = dict(functions or {})
        self.constants = CONSTANTS if mode == "spec" else _FORMULA_CONSTANTS
        self.local = dict(local or {})
        for name in self.local:
            if not isinstance(name, str) or name.startswith("_"):
                raise SpecError(f"not a valid local name: {name!r}")

    # -- reporting ---------------------------------------------------------

    def where(self, node: ast.AST) -> str:
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0)
        source_line = self.text.splitlines()[line - 1] if self.text else ""
        col = len(source_line.encode("utf-8")[:col].decode("utf-8", "replace")) + 1
        if line == 1:
            col += self.col_offset
        line += self.line_offset
        if "\n" in self.text or self.line_offset:
            return f"line {line}, column {col}"
        return f"column {col}"

    def segment(self, node: ast.AST) -> str:
        segment = ast.get_source_segment(self.text, node) or type(node).__name__
        segment = " ".join(segment.split())
        return segment if len(segment) <= 60 else segment[:57] + "..."

    def piece(self, node: ast.AST) -> str:
        segment = self.segment(node)
        return f"'{segment}'" if "'" not in segment else f'"{segment}"'

    def fail(self, node: ast.AST, message: str) -> SpecError:
        return SpecError(f"{message} ({self.where(node)})")

    # -- entry -------------------------------------------------------------

    def parse(self) -> ast.expr:
        if not self.text:
            raise SpecError("empty " + ("spec" if self.mode == "spec" else "formula"))
        for i, ch in enumerate(self.text):
            # Python reads identifiers in NFKC form: 'ℌ' would silently become the name 'H'
            if not ch.isascii() and unicodedata.normalize("NFKC", ch) != ch:
                plain = unicodedata.normalize("NFKC", ch)
                raise SpecError(
                    f"{ch!r} would be read as {plain!r}: write {plain!r} (column {i + 1 + self.col_offset})"
                )
        _refuse_warned_literals(self.text)
        try:
            tree = _parse_expression(self.text)
        except SyntaxError as exc:
            col = (exc.offset or 1) + (self.col_offset if exc.lineno in (None, 1) else 0)
            where = f"column {col}" if exc.lineno in (None, 1) else f"line {exc.lineno}, column {col}"
            raise SpecError(f"malformed {self.mode}: {_one_line(exc.msg)} ({where})") from None
        except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
            raise SpecError(f"malformed {self.mode}: {_one_line(exc) or type(exc).__name__}") from None
        self.check_depth(tree.body)
        return tree.body

    def check_depth(self, root: ast.AST) -> None:
        stack = [(root, 1)]
        while stack:  # invariant: every node on the stack lies at its recorded depth
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise self.fail(node, f"input nested deeper than {MAX_DEPTH=}")
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))

    # -- values ------------------------------------------------------------

    def value(self, node: ast.AST, accept: frozenset[str]) -> tuple[str, Any]:
        """Evaluate ``node`` to ``(kind, value)``; ``accept`` steers names and calls."""
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            return _EXPR, self.binop(node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return _EXPR, self.check_number(node, -self.expr(node.operand))
            if isinstance(node.op, ast.UAdd):
                return _EXPR, self.expr(node.operand)
            raise self.fail(node, f"operator {_OTHER_OPS.get(type(node.op), '?')!r} is not allowed")
        if isinstance(node, ast.Call):
            return self.call(node, accept)
        if isinstance(node, ast.Tuple):
            if _TUPLE not in accept:
                raise self.fail(node, f"a tuple is not allowed here: {self.piece(node)}")
            if _STR in accept:
                # a parameter that takes words: activation=(erf, tanh) names activations, also
                # where erf and tanh are functions (a bare name is read as the word, as it is alone)
                return _TUPLE, tuple(self.word_or_expr(elt) for elt in node.elts)
            return _TUPLE, tuple(self.expr(elt) for elt in node.elts)
        what = _NODE_NAMES.get(type(node), type(node).__name__)
        raise self.fail(node, f"{what} {'is' if what.endswith('access') else 'are'} not allowed: {self.piece(node)}")

    def word_or_expr(self, node: ast.AST) -> Any:
        """A bare name (not a local, not private) as its word; anything else as an expression."""
        if isinstance(node, ast.Name) and node.id not in self.local and not node.id.startswith("_"):
            return node.id
        return self.expr(node)

    def expr(self, node: ast.AST) -> sympy.Expr:
        kind, value = self.value(node, frozenset({_EXPR}))
        if kind != _EXPR:
            raise self.fail(node, f"expected an expression, got the {kind} {self.piece(node)}")
        return value

    def constant(self, node: ast.Constant) -> tuple[str, Any]:
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise self.fail(node, f"{value!r} is not allowed")
        if isinstance(value, int):
            if value.bit_length() > MAX_BITS:
                raise self.fail(node, f"number exceeds {MAX_BITS=}")
            return _EXPR, sympy.Integer(value)
        if isinstance(value, float):
            literal = (ast.get_source_segment(self.text, node) or "").replace("_", "")
            match = _DECIMAL.match(literal)
            if not literal or not match:
                raise self.fail(node, f"cannot read the number {self.piece(node)}")
            exponent = int(match.group(3)[1:]) if match.group(3) else 0
            if abs(exponent) > MAX_EXPONENT:
                raise self.fail(node, f"exponent of {self.piece(node)} exceeds {MAX_EXPONENT=}")
            return _EXPR, self.check_number(node, sympy.Rational(literal))
        if isinstance(value, complex):
            raise self.fail(node, f"complex numbers are not allowed: {self.piece(node)}")
        if isinstance(value, str):
            return _STR, value
        raise self.fail(node, f"constant {self.piece(node)} is not allowed")

    def name(self, node: ast.Name) -> tuple[str, Any]:
        name = node.id
        if name.startswith("_"):
            raise self.fail(node, f"names may not start with an underscore: {name!r}")
        if name in self.local:
            value = self.local[name]
            if isinstance(value, int) and not isinstance(value, bool):
                return _EXPR, sympy.Integer(value)
            return (_EXPR if isinstance(value, sympy.Basic) else _LAW), value
        if name in self.constants:
            return _EXPR, self.constants[name]
        if name in self.builtins:
            raise self.fail(node, f"function {name!r} must be called: {name}(...)")
        # a caller's function name (such as ``mu`` of the network claims) used bare is a symbol
        if name in self.laws:
            raise self.fail(node, f"law {name!r} must be called: {name}(...)")
        return _EXPR, symbol(name)

    def check_number(self, node: ast.AST, value: Any) -> Any:
        if isinstance(value, sympy.Rational) and _bits(value) > MAX_BITS:
            raise self.fail(node, f"number exceeds {MAX_BITS=}")
        if isinstance(value, sympy.Basic) and value.has(sympy.zoo, sympy.nan):
            raise self.fail(node, f"division by zero in {self.piece(node)}")
        return value

    def binop(self, node: ast.BinOp) -> sympy.Expr:
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise self.fail(node, f"operator {_OTHER_OPS.get(type(node.op), '?')!r} is not allowed")
        left, right = self.expr(node.left), self.expr(node.right)
        if op == "**":
            self.check_power(node, left, right)
        if op == "/":
            self.check_divisor(node, right)
        try:
            result = {
                "+": lambda: left + right,
                "-": lambda: left - right,
                "*": lambda: left * right,
                "/": lambda: left / right,
                "**": lambda: left**right,
            }[op]()
        except TpsymError:
            raise
        except (TypeError, ValueError, ArithmeticError, NotImplementedError) as exc:
            # sympy refuses an operation: report it on one line (anything else is a defect: it propagates)
            raise self.fail(node, f"cannot compute {self.piece(node)}: {_one_line(exc)}") from None
        return self.check_number(node, result)

    def check_divisor(self, node: ast.BinOp, divisor: Any) -> None:
        """Refuse a constant divisor that is 0 or cannot be told apart from 0 (before sympy cancels it)."""
        if not isinstance(divisor, sympy.Expr) or divisor.free_symbols or divisor.is_Rational:
            return
        from tpsym.proof.verify import zero_test

        zero = zero_test(divisor)
        if zero is not False:
            why = "is 0" if zero else "cannot be told apart from 0"
            raise self.fail(node, f"the divisor in {self.piece(node)} {why}: the quotient is undefined")

    def check_power(self, node: ast.BinOp, base: sympy.Expr, exponent: sympy.Expr) -> None:
        if isinstance(exponent, sympy.Rational):
            if abs(exponent.p) > MAX_EXPONENT or exponent.q > MAX_EXPONENT:
                raise self.fail(node, f"exponent {exponent} exceeds {MAX_EXPONENT=}")
            if isinstance(base, sympy.Rational) and _bits(base) * abs(int(exponent.p)) > MAX_BITS:
                raise self.fail(node, f"{self.piece(node)} exceeds {MAX_BITS=}")
        elif isinstance(exponent, sympy.Number):
            raise self.fail(node, f"exponent {exponent} is not allowed")

    # -- calls -------------------------------------------------------------

    def call(self, node: ast.Call, accept: frozenset[str]) -> tuple[str, Any]:
        if not isinstance(node.func, ast.Name):
            if type(node.func) in _NODE_NAMES:
                self.value(node.func, accept)  # raises: attribute access, subscripts, ...
            raise self.fail(node, f"only named functions may be called: {self.piece(node)}")
        name = node.func.id
        if name.startswith("_"):
            raise self.fail(node.func, f"names may not start with an underscore: {name!r}")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.fail(arg, f"starred arguments are not allowed: {self.piece(arg)}")
        for kw in node.keywords:
            if kw.arg is None:
                raise self.fail(kw.value, f"'**' arguments are not allowed: {self.piece(kw.value)}")
        function = self.extras.get(name) or self.builtins.get(name)
        role = "extra" if name in self.extras else "builtin"
        is_law = name in self.laws
        if function is not None and is_law and _LAW in accept:
            # e.g. fuss_catalan: the counting function or the law. Prefer the
            # law where only a law fits, or when the call does not fit the function.
            if accept == frozenset({_LAW}) or not self.fits(node, _signature(function, role, name)):
                function = None
        if function is not None:
            sig = _signature(function, role, name)
            result = self.invoke(node, name, function, sig)
            if isinstance(result, int) and not isinstance(result, bool):
                result = sympy.Integer(result)
            return _EXPR, self.check_number(node, result)
        if is_law:
            constructor = self.laws[name]
            sig = _signature(constructor, "law", name)
            return _LAW, self.invoke(node, name, constructor, sig)
        known = sorted(set(self.laws) | set(self.builtins) | set(self.extras))
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        if self.mode == "spec" and _EXPR not in accept:
            raise self.fail(node.func, f"unknown law {name!r}{hint}")
        what = "law or function" if self.mode == "formula" or _LAW in accept else "function"
        raise self.fail(node.func, f"unknown {what} {name!r}{hint}")

    @staticmethod
    def fits(node: ast.Call, sig: _Signature) -> bool:
        if len(node.args) > len(sig.positional) and sig.var_positional is None:
            return False
        given = set(sig.positional[: len(node.args)])
        for kw in node.keywords:
            if (kw.arg not in sig.keyword and sig.var_keyword is None) or kw.arg in given:
                return False
            given.add(kw.arg)
        return all(p in given for p in sig.required)

    def bind(self, node: ast.Call, name: str, sig: _Signature) -> list[tuple[str | None, str, ast.AST]]:
        """Match the arguments of ``node`` to parameters: ``(keyword, parameter, node)``."""
        bound: list[tuple[str | None, str, ast.AST]] = []
        given: set[str] = set()
        for i, arg in enumerate(node.args):
            if i < len(sig.positional):
                param = sig.positional[i]
            elif sig.var_positional is not None:
                param = sig.var_positional
            else:
                names = ", ".join(sig.positional) or "none"
                raise self.fail(
                    arg,
                    f"{name}() takes at most {len(sig.positional)} positional argument"
                    f"{'' if len(sig.positional) == 1 else 's'} ({names}), got {len(node.args)}",
                )
            given.add(param)
            bound.append((None, param, arg))
        for kw in node.keywords:
            if kw.arg is None:  # pragma: no cover - '**' is refused by the caller
                raise self.fail(kw.value, "'**' arguments are not allowed")
            param = kw.arg
            if kw.arg not in sig.keyword:
                if sig.var_keyword is None or kw.arg in sig.positional:
                    allowed = ", ".join(sig.keyword) or "none"
                    raise self.fail(kw.value, f"unknown parameter {kw.arg!r} of {name}(); allowed: {allowed}")
                param = sig.var_keyword
            if kw.arg in given:
                raise self.fail(kw.value, f"parameter {kw.arg!r} of {name}() given twice")
            given.add(kw.arg)
            bound.append((kw.arg, param, kw.value))
        missing = [p for p in sig.required if p not in given]
        if missing:
            raise self.fail(node, f"{name}() needs parameter {missing[0]!r}")
        return bound

    def invoke(self, node: ast.Call, name: str, fn: Callable[..., Any], sig: _Signature) -> Any:
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for position, (keyword, param, arg) in enumerate(self.bind(node, name, sig), 1):
            accept = sig.kinds.get(param, _ALL_KINDS)
            if _STR in accept and _EXPR not in accept and isinstance(arg, ast.Name) and arg.id not in self.local and not arg.id.startswith("_"):
                # a parameter that takes a word only: cumulant(law, k, boolean) means 'boolean'
                kind, value = _STR, arg.id
            else:
                kind, value = self.value(arg, accept)
            if kind not in accept:
                label = f"parameter {param!r}" if keyword or sig.var_positional != param else f"argument {position}"
                wanted = " or ".join(sorted(accept))
                if accept == frozenset({_LAW}):
                    wanted = "a law such as semicircle()"
                elif _EXPR in accept:
                    wanted = "an expression" if len(accept) == 1 else wanted
                raise self.fail(arg, f"{name}() {label} must be {wanted}, got the {kind} {self.piece(arg)}")
            if keyword is None:
                args.append(value)
            else:
                kwargs[keyword] = value
        try:
            return fn(*args, **kwargs)
        except TpsymError as exc:
            message = _one_line(f"{self.segment(node)}: {exc} ({self.where(node)})")
            try:
                error = type(exc)(message)
            except TypeError:  # an error class with its own constructor
                error = SpecError(message)
            raise error from None
        except RecursionError:
            raise self.fail(node, f"{self.piece(node)} is too deep to compute") from None
        except (TypeError, ValueError, ArithmeticError, NotImplementedError) as exc:
            # a constructor or sympy refuses the arguments: one line, no traceback; any other
            # exception is a defect of tpsym, not of the input, and propagates as such
            raise self.fail(node, f"{self.segment(node)}: {_one_line(exc) or type(exc).__name__}") from None


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


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
    parser = _Parser(text, mode="spec", laws=laws, functions=None, local=locals)
    root = parser.parse()
    kind, value = parser.value(root, frozenset({_LAW}))
    if kind != _LAW:
        raise parser.fail(root, f"expected a law such as semicircle(), got the {kind} {parser.piece(root)}")
    return value


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
        Same as ``functions`` (the name used in the team contract); both may
        be given.
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
    extras = {**(extra_functions or {}), **(functions or {})}
    parser = _Parser(text, mode="formula", laws=laws, functions=extras, local=locals)
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
    extras = {**(extra_functions or {}), **(functions or {})}
    parser = _Parser(text, mode="formula", laws=laws, functions=extras, local=locals)
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
