"""Signatures of the callables of the language: which kinds of value each parameter takes.

A parameter takes expressions, laws, strings or tuples; the kinds come from
the callable's annotations (``Law``, ``str``, ``tuple``, ``Expr``), from the
caller's table of law positions, or from the role's default.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from tpsym.language.functions import TUPLE_PARAMETERS

# Kinds of parsed values.
EXPR, LAW, STR, TUPLE = "expression", "law", "string", "tuple"
ALL_KINDS = frozenset({EXPR, LAW, STR, TUPLE})


class Signature(NamedTuple):
    positional: tuple[str, ...]  # parameters that may be given by position
    keyword: tuple[str, ...]  # parameters that may be given by keyword
    required: tuple[str, ...]
    var_positional: str | None
    kinds: dict[str, frozenset[str]]  # accepted kinds per parameter
    var_keyword: str | None = None  # a **kwargs parameter: any other keyword (e.g. mixed_moment's networks)


def annotation_kinds(annotation: Any) -> frozenset[str] | None:
    """Kinds of values an annotation accepts, or None when it says nothing."""
    if annotation is inspect.Parameter.empty:
        return None
    text = annotation if isinstance(annotation, str) else repr(annotation)
    if isinstance(annotation, type):
        text = annotation.__name__
    kinds = set()
    if re.search(r"Law\b", text):
        kinds.add(LAW)
    if re.search(r"\b(str|Literal)\b", text):
        kinds.add(STR)
    if re.search(r"\b(tuple|Tuple|Sequence|Iterable|list)\b", text):
        kinds.add(TUPLE)
    if re.search(r"\b(Expr|Basic|int|float|Rational|Integer|Symbol|Number|Real)\b", text):
        kinds.add(EXPR)
    return frozenset(kinds) or None


@functools.lru_cache(maxsize=256)
def signature(fn: Callable[..., Any], role: str, name: str, law_positions: str | int | None = None) -> Signature:
    """The parameters of ``fn`` and the kinds of value each accepts.

    ``role`` is ``"law"`` (default kind: expression; ``law_positions`` names
    the positional parameters that take a law: an index, or ``"*"`` for
    every one), ``"builtin"`` (expressions, tuples where listed) or
    ``"extra"`` (anything, unless annotated).
    """
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):  # builtins without a signature
        params = [inspect.Parameter("args", inspect.Parameter.VAR_POSITIONAL)]
    positional, keyword, required, kinds = [], [], [], {}
    var_positional = None
    var_keyword = None
    default = {"law": frozenset({EXPR}), "builtin": frozenset({EXPR})}.get(role, ALL_KINDS)
    law_positions = law_positions if role == "law" else None
    index = 0
    for p in params:
        accepted = annotation_kinds(p.annotation) if role != "builtin" else None
        if p.kind is p.VAR_KEYWORD:
            if role == "extra":  # only claim functions that ask for it take free keywords
                var_keyword = p.name
                kinds[p.name] = accepted or default
            continue
        if role == "builtin" and p.name in TUPLE_PARAMETERS.get(name, ()):
            accepted = frozenset({TUPLE})
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL):
            if law_positions == "*" or law_positions == index:
                accepted = frozenset({LAW})
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
    return Signature(tuple(positional), tuple(keyword), tuple(required), var_positional, kinds, var_keyword)
