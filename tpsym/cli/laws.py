"""``tpsym laws``: the laws a spec may name, with their parameters.

>>> from tpsym.cli import main
>>> main(["laws"])  # doctest: +ELLIPSIS
arcsine(a=-2, b=2)
    The arcsine law on [a, b] ...
semicircle(variance=1, mean=0)
    The semicircle law with the given variance (default 1) and mean (default 0).
...
0
"""

from __future__ import annotations

import argparse
import inspect
import re
import textwrap
from typing import Any

from tpsym.cli import EXIT_OK, emit_json

__all__ = ["register", "law_signatures"]


def _summary(fn: Any) -> str:
    doc = inspect.getdoc(fn) or ""
    first = doc.split("\n\n", 1)[0].replace("\n", " ")
    return re.sub(r"``([^`]*)``", r"\1", first)


def law_signatures() -> list[dict[str, Any]]:
    """One record per spec name: ``{"name", "signature", "parameters", "summary"}``, sorted by name."""
    from tpsym.spec import LAW_CONSTRUCTORS

    out = []
    for name in sorted(LAW_CONSTRUCTORS):
        fn = LAW_CONSTRUCTORS[name]
        params: list[dict[str, Any]] = []
        for p in inspect.signature(fn).parameters.values():
            if p.kind is p.VAR_POSITIONAL:
                params.append({"name": f"*{p.name}", "default": None})
            elif p.kind is not p.VAR_KEYWORD:
                params.append({"name": p.name, "default": None if p.default is p.empty else repr(p.default)})
        text = ", ".join(p["name"] if p["default"] is None else f"{p['name']}={p['default']}" for p in params)
        out.append({"name": name, "signature": f"{name}({text})", "parameters": params, "summary": _summary(fn)})
    return out


def _laws(args: argparse.Namespace) -> int:
    records = law_signatures()
    if args.json:
        emit_json({"laws": records})
        return EXIT_OK
    for r in records:
        print(r["signature"])
        print(textwrap.fill(r["summary"], width=78, initial_indent="    ", subsequent_indent="    "))
    return EXIT_OK


def register(subparsers: Any) -> None:
    """Add ``laws``."""
    p = subparsers.add_parser("laws", help="list the laws a SPEC may name, with their parameters")
    p.add_argument("--json", action="store_true", help='print {"laws": [{"name", "signature", "parameters", "summary"}]}')
    p.set_defaults(func=_laws)
