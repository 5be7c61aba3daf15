"""``tpsym kernel``: the value of a kernel expression (``nngp``, ``ntk``, ``correlation_map``, ...).

The expression is read by the safe formula parser with the kernel functions
of :mod:`tpsym.nets.kernels`; exact values print as sympy strings, numerical
ones as Floats with the digits their error estimate supports.

>>> from tpsym.cli import main
>>> main(["kernel", "ntk(relu, sigma_w2=2, sigma_b2=0, depth=L, q1=q, q2=q, c=1)"])
L*q
0
>>> main(["kernel", "nngp(relu, sigma_w2=2, depth=2, q1=1, q2=1, c=0)", "--json"])
{"value": "1/pi", "exact": true, "float": 0.3183098861837907}
0
"""

from __future__ import annotations

import argparse
import re
from typing import Any

import sympy

from tpsym.errors import InputError

__all__ = ["register", "handle", "kernel_call", "KERNEL_FUNCTIONS"]

#: The functions ``tpsym kernel`` and ``tpsym crosscheck`` understand.
KERNEL_FUNCTIONS = ("nngp", "ntk", "correlation_map", "c_star", "chi_c", "depth_scale")

_DEPTH_NAMES = ("L", "l", "depth")


def _functions() -> dict[str, Any]:
    from tpsym.nets import kernels

    return {name: getattr(kernels, name) for name in KERNEL_FUNCTIONS}


def _locals(text: str) -> dict[str, Any]:
    """Bare names used as depth are positive integers, other names positive (variances, lengths)."""
    names = set(re.findall(r"\b([A-Za-z_]\w*)\b", text))
    out: dict[str, Any] = {}
    for n in names:
        if n in _DEPTH_NAMES:
            out[n] = sympy.Symbol(n, positive=True, integer=True)
    return out


def evaluate(text: str) -> sympy.Expr:
    """The value of a kernel expression.

    >>> evaluate("correlation_map(relu, 2, 0, q=1, c=0)")
    1/pi
    """
    from tpsym.spec import parse_formula

    return parse_formula(text, functions=_functions(), locals=_locals(text))


def kernel_call(text: str) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
    """The function name and arguments of a single call ``nngp(...)`` or ``ntk(...)``.

    >>> kernel_call("ntk('tanh', sigma_w2=3/2, depth=2)")[0]
    'ntk'
    """
    from tpsym.spec import parse_formula

    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    import functools

    from tpsym.nets import kernels

    def capture(name: str) -> Any:
        @functools.wraps(getattr(kernels, name))  # the parser checks arguments against this signature
        def f(*args: Any, **kwargs: Any) -> sympy.Expr:
            calls.append((name, args, kwargs))
            return sympy.Symbol("kernel_value_")

        return f

    value = parse_formula(text, functions={n: capture(n) for n in ("nngp", "ntk")})
    if len(calls) != 1 or value != sympy.Symbol("kernel_value_"):
        raise InputError(f"{text!r}: give one call nngp(...) or ntk(...), nothing else")
    return calls[0]


def handle(args: argparse.Namespace) -> int:
    """Run ``tpsym kernel``; print the value (text, ``--json`` or ``--latex``)."""
    from tpsym.cli import emit_json

    value = sympy.S(evaluate(args.expression))
    exact = not value.has(sympy.Float)
    if args.json:
        out: dict[str, Any] = {"value": sympy.sstr(value), "exact": exact}
        if value.is_number and value.is_finite:
            out["float"] = float(value)
        emit_json(out)
    elif args.latex:
        print(sympy.latex(value))
    else:
        print(sympy.sstr(value))
    return 0


def register(subparsers: Any) -> None:
    """Add the ``kernel`` subcommand."""
    p = subparsers.add_parser(
        "kernel",
        help="NNGP kernel, NTK, correlation map, c*, chi_c and depth scales of a wide network",
        description=(
            "Evaluate a kernel expression such as 'nngp(relu, sigma_w2=2, sigma_b2=0, depth=3, q1=1, q2=1, c=c)'. "
            "Exact and symbolic where closed forms exist (linear, relu, leaky_relu, erf); otherwise a "
            "numerical value with the digits its error estimate supports. Names L and depth are positive "
            "integers."
        ),
    )
    p.add_argument("expression", metavar="EXPR", help=f"an expression using {', '.join(KERNEL_FUNCTIONS)}")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--json", action="store_true", help='print {"value": "<sympy string>", ...}')
    g.add_argument("--latex", action="store_true", help="print the value as LaTeX")
    p.set_defaults(func=handle)
