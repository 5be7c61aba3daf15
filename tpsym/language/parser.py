"""The walker of the language: a syntax tree checked node by node against a whitelist.

Text is parsed by :func:`ast.parse` and the tree is *walked*, never compiled
or run. :class:`Parser` knows no law: the caller gives the table of law
constructors (:mod:`tpsym.spec` gives the catalogue's), so the layers below
the laws can read formulas with it too.
"""

from __future__ import annotations

import ast
import difflib
import io
import re
import sys
import tokenize
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

import flint
import sympy

from tpsym.certified import zero_test
from tpsym.errors import SpecError, TpsymError
from tpsym.language.functions import CONSTANTS, FORMULA_CONSTANTS, FORMULA_FUNCTIONS, symbol
from tpsym.language.signatures import ALL_KINDS, EXPR, LAW, STR, TUPLE, Signature, signature

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

_FILENAME = "<spec>"

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


class Parser:
    """Walk one syntax tree; ``mode`` is ``"spec"`` or ``"formula"``; ``laws`` is the table of law constructors."""

    def __init__(
        self,
        text: str,
        *,
        mode: str,
        laws: Mapping[str, Callable[..., Any]],
        law_positions: Mapping[str, str | int] | None = None,
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
        self.laws = dict(laws)  # one lookup per parse
        self.law_positions = dict(law_positions or {})
        self.builtins = dict(FORMULA_FUNCTIONS)
        self.extras = dict(functions or {})
        self.constants = CONSTANTS if mode == "spec" else FORMULA_CONSTANTS
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
            return EXPR, self.binop(node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return EXPR, self.check_number(node, -self.expr(node.operand))
            if isinstance(node.op, ast.UAdd):
                return EXPR, self.expr(node.operand)
            raise self.fail(node, f"operator {_OTHER_OPS.get(type(node.op), '?')!r} is not allowed")
        if isinstance(node, ast.Call):
            return self.call(node, accept)
        if isinstance(node, ast.Tuple):
            if TUPLE not in accept:
                raise self.fail(node, f"a tuple is not allowed here: {self.piece(node)}")
            if STR in accept:
                # a parameter that takes words: activation=(erf, tanh) names activations, also
                # where erf and tanh are functions (a bare name is read as the word, as it is alone)
                return TUPLE, tuple(self.word_or_expr(elt) for elt in node.elts)
            return TUPLE, tuple(self.expr(elt) for elt in node.elts)
        what = _NODE_NAMES.get(type(node), type(node).__name__)
        raise self.fail(node, f"{what} {'is' if what.endswith('access') else 'are'} not allowed: {self.piece(node)}")

    def word_or_expr(self, node: ast.AST) -> Any:
        """A bare name (not a local, not private) as its word; anything else as an expression."""
        if isinstance(node, ast.Name) and node.id not in self.local and not node.id.startswith("_"):
            return node.id
        return self.expr(node)

    def expr(self, node: ast.AST) -> sympy.Expr:
        kind, value = self.value(node, frozenset({EXPR}))
        if kind != EXPR:
            raise self.fail(node, f"expected an expression, got the {kind} {self.piece(node)}")
        return value

    def constant(self, node: ast.Constant) -> tuple[str, Any]:
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise self.fail(node, f"{value!r} is not allowed")
        if isinstance(value, int):
            if value.bit_length() > MAX_BITS:
                raise self.fail(node, f"number exceeds {MAX_BITS=}")
            return EXPR, sympy.Integer(value)
        if isinstance(value, float):
            literal = (ast.get_source_segment(self.text, node) or "").replace("_", "")
            match = _DECIMAL.match(literal)
            if not literal or not match:
                raise self.fail(node, f"cannot read the number {self.piece(node)}")
            exponent = int(match.group(3)[1:]) if match.group(3) else 0
            if abs(exponent) > MAX_EXPONENT:
                raise self.fail(node, f"exponent of {self.piece(node)} exceeds {MAX_EXPONENT=}")
            return EXPR, self.check_number(node, sympy.Rational(literal))
        if isinstance(value, complex):
            raise self.fail(node, f"complex numbers are not allowed: {self.piece(node)}")
        if isinstance(value, str):
            return STR, value
        raise self.fail(node, f"constant {self.piece(node)} is not allowed")

    def name(self, node: ast.Name) -> tuple[str, Any]:
        name = node.id
        if name.startswith("_"):
            raise self.fail(node, f"names may not start with an underscore: {name!r}")
        if name in self.local:
            value = self.local[name]
            if isinstance(value, int) and not isinstance(value, bool):
                return EXPR, sympy.Integer(value)
            return (EXPR if isinstance(value, sympy.Basic) else LAW), value
        if name in self.constants:
            return EXPR, self.constants[name]
        if name in self.builtins:
            raise self.fail(node, f"function {name!r} must be called: {name}(...)")
        # a caller's function name (such as ``mu`` of the network claims) used bare is a symbol
        if name in self.laws:
            raise self.fail(node, f"law {name!r} must be called: {name}(...)")
        return EXPR, symbol(name)

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
        if function is not None and is_law and LAW in accept:
            # e.g. fuss_catalan: the counting function or the law. Prefer the
            # law where only a law fits, or when the call does not fit the function.
            if accept == frozenset({LAW}) or not self.fits(node, signature(function, role, name)):
                function = None
        if function is not None:
            sig = signature(function, role, name)
            result = self.invoke(node, name, function, sig)
            if isinstance(result, int) and not isinstance(result, bool):
                result = sympy.Integer(result)
            return EXPR, self.check_number(node, result)
        if is_law:
            constructor = self.laws[name]
            sig = signature(constructor, "law", name, self.law_positions.get(name))
            return LAW, self.invoke(node, name, constructor, sig)
        known = sorted(set(self.laws) | set(self.builtins) | set(self.extras))
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        if self.mode == "spec" and EXPR not in accept:
            raise self.fail(node.func, f"unknown law {name!r}{hint}")
        what = "law or function" if self.mode == "formula" or LAW in accept else "function"
        raise self.fail(node.func, f"unknown {what} {name!r}{hint}")

    @staticmethod
    def fits(node: ast.Call, sig: Signature) -> bool:
        if len(node.args) > len(sig.positional) and sig.var_positional is None:
            return False
        given = set(sig.positional[: len(node.args)])
        for kw in node.keywords:
            if kw.arg is None or (kw.arg not in sig.keyword and sig.var_keyword is None) or kw.arg in given:
                return False
            given.add(kw.arg)
        return all(p in given for p in sig.required)

    def bind(self, node: ast.Call, name: str, sig: Signature) -> list[tuple[str | None, str, ast.AST]]:
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

    def invoke(self, node: ast.Call, name: str, fn: Callable[..., Any], sig: Signature) -> Any:
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for position, (keyword, param, arg) in enumerate(self.bind(node, name, sig), 1):
            accept = sig.kinds.get(param, ALL_KINDS)
            if STR in accept and EXPR not in accept and isinstance(arg, ast.Name) and arg.id not in self.local and not arg.id.startswith("_"):
                # a parameter that takes a word only: cumulant(law, k, boolean) means 'boolean'
                kind, value = STR, arg.id
            else:
                kind, value = self.value(arg, accept)
            if kind not in accept:
                label = f"parameter {param!r}" if keyword or sig.var_positional != param else f"argument {position}"
                wanted = " or ".join(sorted(accept))
                if accept == frozenset({LAW}):
                    wanted = "a law such as semicircle()"
                elif EXPR in accept:
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

