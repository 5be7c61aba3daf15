"""The algebra subcommands: ``moments``, ``cumulants``, ``mixed`` and ``table``.

Each reads law specs with :func:`tpsym.spec.parse_spec`, asks the law for
exact values and prints them: one line per value, a JSON object with
``--json`` (every value a string in sympy syntax), or a table.

>>> from tpsym.cli import main
>>> main(["moments", "semicircle()", "--order", "4", "--json"])
{"law": "semicircle()", "moments": ["0", "1", "0", "2"]}
0
>>> main(["mixed", "a a b b", "--law", "a=semicircle()", "--law", "b=semicircle()"])
phi(a a b b) = 1
0
>>> main(["mixed", "J Jt K Kt J Jt K Kt", "--net", "J=jacobian(activation=relu, sigma_w2=2)",
...       "--net", "K=jacobian(activation=relu, sigma_w2=2)"])
phi(J Jt K Kt J Jt K Kt) = 6
0
>>> main(["mixed", "p a p a", "--law", "p=bernoulli(1/2, 0, 1)", "--law", "a=semicircle()", "--diagonal", "p"])
phi(p a p a) = 1/4
0
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from tpsym.cli import check_range
from tpsym.errors import InputError
from tpsym.render import (
    QUANTITY_NAMES,
    expr_str,
    exprs_str,
    latex_table,
    markdown_table,
    moment_table,
    table_json,
    text_table,
)
from tpsym.render.table import DEFAULT_DIGITS
from tpsym.spec import parse_spec

__all__ = ["register", "parse_order", "parse_law_option", "parse_word"]

_KINDS = ("free", "boolean", "classical")
#: The largest ``--order`` of ``moments``, ``cumulants`` and ``table``.
MAX_ORDER = 5000


def parse_order(order: int) -> int:
    """Check the value of ``--order``.

    Raises
    ------
    UsageError
        If ``order`` is below 1 or above ``MAX_ORDER`` (5000 moments of the
        semicircle take about 20 s and 2 MB of output; the Python API has no
        bound).

    Examples
    --------
    >>> parse_order(3)
    3
    >>> parse_order(0)
    Traceback (most recent call last):
    ...
    tpsym.cli.UsageError: --order must be at least 1, got 0
    >>> parse_order(10**8)
    Traceback (most recent call last):
    ...
    tpsym.cli.UsageError: --order must be at most 5000, got 100000000
    """
    return check_range(order, "--order", 1, MAX_ORDER)


def parse_law_option(items: Sequence[str]) -> dict[str, Any]:
    """Read the ``--law LABEL=SPEC`` options into ``{label: Law}``.

    Raises
    ------
    InputError
        If an item has no ``=``, a label is not a name or appears twice.
    SpecError, DomainError
        If a spec is malformed or a parameter out of its domain (the message
        names the label).

    Examples
    --------
    >>> laws = parse_law_option(["a=semicircle()", "b = mp(ratio=1)"])
    >>> {label: law.spec for label, law in laws.items()}
    {'a': 'semicircle()', 'b': 'mp(ratio=1)'}
    """
    laws: dict[str, Any] = {}
    for item in items:
        label, sep, spec = item.partition("=")
        label = label.strip()
        if not sep or not label.isidentifier():
            raise InputError(f"--law takes LABEL=SPEC such as a=semicircle(), got {item!r}")
        if label in laws:
            raise InputError(f"--law {label}=... given twice")
        try:
            laws[label] = parse_spec(spec)
        except InputError as exc:  # SpecError, DomainError
            raise type(exc)(f"--law {label}: {exc}") from None
    return laws


def parse_word(word: str, labels: Sequence[str]) -> list[str]:
    """Split a word such as ``"a b a b"`` into labels, each of which must be known.

    Raises
    ------
    InputError
        If the word is empty or has a label not in ``labels`` (named in the
        message).

    Examples
    --------
    >>> parse_word("a b  a b", ["a", "b"])
    ['a', 'b', 'a', 'b']
    >>> parse_word("a c", ["a", "b"])
    Traceback (most recent call last):
    ...
    tpsym.errors.InputError: unknown label 'c' in the word 'a c'; labels given by --law: a, b
    """
    letters = word.split()
    if not letters:
        raise InputError("the word is empty; write its letters separated by spaces, such as 'a b a b'")
    for letter in letters:
        if letter not in labels:
            known = ", ".join(labels) or "none"
            hint = " (separate the letters by spaces)" if all(ch in labels for ch in letter) else ""
            raise InputError(
                f"unknown label {letter!r} in the word {' '.join(letters)!r}; labels given by --law: {known}{hint}"
            )
    return letters


#: Significant digits of the value printed beside an expression in certified constants.
_VALUE_DIGITS = 15


def _certified_value(value: Any) -> tuple[str, str] | None:
    """``(digits, bound)`` of an expression in tpsym's certified constants (no free symbols), else None.

    The bound encloses the true value, the rounding of the printed digits
    included (:func:`tpsym.certified.shown`).
    """
    import sympy

    from tpsym.certified import CertifiedConstant, shown_expr

    if not isinstance(value, sympy.Basic) or not value.atoms(CertifiedConstant):
        return None
    if any(not isinstance(s, CertifiedConstant) for s in value.free_symbols):
        return None
    return shown_expr(value, _VALUE_DIGITS)


def _print_values(name: str, values: Sequence[Any]) -> None:
    for k, value in enumerate(values, 1):
        certified = _certified_value(value)
        tail = f" = {certified[0]} ± {certified[1]}" if certified else ""
        print(f"{name}_{k} = {expr_str(value)}{tail}")


def _json_values(values: Sequence[Any]) -> list[dict[str, str] | None]:
    """The certified value of each expression, for JSON (None where it is exact or symbolic)."""
    out: list[dict[str, str] | None] = []
    for value in values:
        certified = _certified_value(value)
        out.append({"value": certified[0], "error_bound": certified[1]} if certified else None)
    return out


def _moments(args: argparse.Namespace) -> int:
    order = parse_order(args.order)
    law = parse_spec(args.spec)
    values = law.moments(order)
    if args.json:
        from tpsym.cli import emit_json

        doc: dict[str, Any] = {"law": law.spec, "moments": exprs_str(values)}
        if any(_json_values(values)):
            doc["values"] = _json_values(values)
        emit_json(doc)
    else:
        _print_values("m", values)
    return 0


def _cumulants(args: argparse.Namespace) -> int:
    order = parse_order(args.order)
    law = parse_spec(args.spec)
    values = law.cumulants(order, kind=args.kind)
    if args.json:
        from tpsym.cli import emit_json

        doc: dict[str, Any] = {"law": law.spec, "kind": args.kind, "cumulants": exprs_str(values)}
        if any(_json_values(values)):
            doc["values"] = _json_values(values)
        emit_json(doc)
    else:
        _print_values(QUANTITY_NAMES[args.kind], values)
    return 0


def _mixed_fip(args: argparse.Namespace, laws: dict[str, Any]) -> int:
    """Network factors (--net) and commuting letters (--diagonal): the FIP engine of tpsym.nets.words."""
    from tpsym.nets.words import network_words
    from tpsym.free.fip import fip_cumulant, fip_moment

    nets: dict[str, Any] = {}
    for text in args.net or []:
        name, sep, spec = text.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--net {text!r}: write NAME=jacobian(...)")
        net = parse_spec(spec)
        if not hasattr(net, "mlp"):
            raise InputError(f"--net {name.strip()}: {spec} is not a network; write jacobian(...)")
        nets[name.strip()] = net
    diagonal = [d.strip() for d in (args.diagonal or "").split(",") if d.strip()]
    for d in diagonal:
        if d not in laws:
            raise InputError(f"--diagonal {d}: give its law with --law {d}=SPEC")
    free_laws = {k: v for k, v in laws.items() if k not in diagonal}
    networks_in_laws = [k for k, v in free_laws.items() if hasattr(v, "mlp")]
    if networks_in_laws:
        raise InputError(
            f"--law {networks_in_laws[0]}=jacobian(...) with network factors: give the network with --net "
            f"{networks_in_laws[0]}=jacobian(...) and write its Gram as {networks_in_laws[0]} {networks_in_laws[0]}t"
        )
    nw = network_words(nets, free_laws=free_laws, diagonal_laws={d: laws[d] for d in diagonal})
    tokens = nw.parse(args.word)
    word = args.word.split()
    if args.cumulant:
        single = [w for w in word if len(nw.macros.get(w.partition("^")[0], ())) > 1]
        if single:
            raise InputError(f"{single[0]!r} is a product of factors, not one argument of a cumulant: write its factors")
        value, key, name = fip_cumulant(tokens, nw.alphabet), "cumulant", "kappa"
    else:
        value, key, name = fip_moment(tokens, nw.alphabet), "moment", "phi"
    if args.json:
        from tpsym.cli import emit_json

        emit_json({"word": " ".join(word), key: expr_str(value)})
    else:
        print(f"{name}({' '.join(word)}) = {expr_str(value)}")
    return 0


def _mixed(args: argparse.Namespace) -> int:
    laws = parse_law_option(args.law or [])
    if args.net or args.diagonal:
        return _mixed_fip(args, laws)
    if not laws:
        raise InputError("give the law of each letter with --law LABEL=SPEC, such as --law a=semicircle()")
    word = parse_word(args.word, list(laws))
    import tpsym.free as free

    if args.cumulant:
        value, key, name = free.mixed_cumulant(word, laws), "cumulant", "kappa"
    else:
        value, key, name = free.mixed_moment(word, laws), "moment", "phi"
    if args.json:
        from tpsym.cli import emit_json

        emit_json({"word": " ".join(word), key: expr_str(value)})
    else:
        print(f"{name}({' '.join(word)}) = {expr_str(value)}")
    return 0


def _table(args: argparse.Namespace) -> int:
    order = parse_order(args.order)
    laws = [parse_spec(spec) for spec in args.specs]
    fmt = "latex" if args.latex else (args.format or "text")
    if args.title is not None and len(args.title) != len(laws):
        raise InputError(f"{len(args.title)} --title given for {len(laws)} laws")
    if fmt != "latex" and (args.caption is not None or args.label is not None):
        raise InputError("--caption and --label go with --format latex")
    table = moment_table(laws, order, kind=args.kind)
    if fmt != "json":  # JSON keeps every digit tpsym has
        table = table.rounded(None if args.digits == 0 else check_range(args.digits, "--digits", 0, 1000))
    if fmt == "latex":
        out = latex_table(table, caption=args.caption, label=args.label, titles=args.title)
    elif fmt == "markdown":
        out = markdown_table(table, titles=args.title)
    elif fmt == "json":
        from tpsym.cli import emit_json

        emit_json(table_json(table))
        return 0
    else:
        out = text_table(table, titles=args.title)
    print(out, end="")
    return 0


def register(subparsers: Any) -> None:
    """Add the ``moments``, ``cumulants``, ``mixed`` and ``table`` subcommands."""
    p = subparsers.add_parser("moments", help="exact moments m_1..m_K of a law spec")
    p.add_argument("spec", metavar="SPEC", help='a law spec, such as "mp(ratio=lam)"')
    p.add_argument("--order", "-k", type=int, required=True, metavar="K", help="the number of moments")
    p.add_argument("--json", action="store_true", help='print {"law": ..., "moments": [...]}')
    p.set_defaults(func=_moments)

    p = subparsers.add_parser("cumulants", help="exact cumulants of a law spec")
    p.add_argument("spec", metavar="SPEC", help='a law spec, such as "semicircle(variance=s)"')
    p.add_argument("--order", "-k", type=int, required=True, metavar="K", help="the number of cumulants")
    p.add_argument("--kind", choices=_KINDS, default="free", help="free (default), boolean or classical")
    p.add_argument("--json", action="store_true", help='print {"law": ..., "kind": ..., "cumulants": [...]}')
    p.set_defaults(func=_cumulants)

    p = subparsers.add_parser("mixed", help="mixed moment (or free cumulant) of a word in free variables")
    p.add_argument("word", metavar="WORD", help='letters separated by spaces, such as "a b a b"')
    p.add_argument(
        "--law", action="append", metavar="LABEL=SPEC", help="the law of a letter, such as a=semicircle() (repeat)"
    )
    p.add_argument(
        "--net", action="append", metavar="NAME=SPEC",
        help="a network jacobian(...) whose factors are letters: NAME, NAMEt, D1, W1, W1t (NAME.D1 with several; repeat)",
    )
    p.add_argument(
        "--diagonal", metavar="A,B", help="letters (given by --law) that commute: independent diagonal matrices, free from the rest",
    )
    p.add_argument("--cumulant", action="store_true", help="the mixed free cumulant instead of the moment")
    p.add_argument("--json", action="store_true", help='print {"word": ..., "moment": ...}')
    p.set_defaults(func=_mixed)

    p = subparsers.add_parser("table", help="a table of moments of several laws (text, Markdown, LaTeX, JSON)")
    p.add_argument("specs", nargs="+", metavar="SPEC", help="law specs, one column each")
    p.add_argument("--order", "-k", type=int, required=True, metavar="K", help="the number of rows")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--latex", action="store_true", help="same as --format latex")
    fmt.add_argument("--format", choices=("text", "markdown", "latex", "json"), help="text (default), markdown, latex or json")
    p.add_argument("--kind", choices=("moments", *_KINDS), default="moments", help="moments or a kind of cumulants")
    p.add_argument("--caption", help="LaTeX caption")
    p.add_argument("--label", help="LaTeX label")
    p.add_argument("--title", action="append", metavar="TITLE", help="column title (repeat, one per law)")
    p.add_argument(
        "--digits",
        type=int,
        default=DEFAULT_DIGITS,
        metavar="D",
        help=f"significant digits of non-exact entries (default {DEFAULT_DIGITS}; 0 = all tpsym has; exact entries are kept)",
    )
    p.set_defaults(func=_table)
