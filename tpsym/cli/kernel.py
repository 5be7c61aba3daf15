"""``tpsym kernel``: the value of a kernel expression (``nngp``, ``ntk``, ``correlation_map``, ...).

The expression is read by the safe formula parser with the kernel functions
of :mod:`tpsym.nets.kernels`; exact values print as sympy strings, numerical
tanh's as certified digits with an enclosing bound, estimates (hard tanh,
formulas) marked as not certified.

>>> from tpsym.cli import main
>>> main(["kernel", "ntk(relu, sigma_w2=2, sigma_b2=0, depth=L, q1=q, q2=q, c=1)"])
L*q
0
>>> main(["kernel", "nngp(relu, sigma_w2=2, depth=2, q1=1, q2=1, c=0)", "--json"])
{"value": "1/pi", "exact": true, "float": 0.3183098861837907}
0
>>> main(["kernel", "nngp(tanh, sigma_w2=3/2, sigma_b2=0, depth=3, q1=1, q2=1, c=1/2)", "--digits", "15"])
nngp(tanh, sigma_w2=3/2, sigma_b2=0, depth=3, q1=1, q2=1, c=1/2) = 0.206363228941039 ± 1.8e-16
0
"""

from __future__ import annotations

import argparse
import math
import re
from typing import Any

import sympy

from tpsym.utils import expr_str
from tpsym.errors import InputError

__all__ = ["register", "handle", "KERNEL_FUNCTIONS"]

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


def _numbers(value: sympy.Expr, digits: int) -> dict[str, Any] | None:
    """The decimal value of a constant holding tpsym's computed constants, or None.

    Certified constants give digits and a bound that encloses the true value
    (the rounding of the printed digits included); estimated ones
    (:class:`NumericConstant`) give their value and error estimate, marked as
    not certified.
    """
    from tpsym.certified import NumericConstant, is_constant, shown_expr

    atoms = value.free_symbols if isinstance(value, sympy.Basic) else set()
    if not atoms or not is_constant(value):
        return None
    if any(isinstance(a, NumericConstant) for a in atoms):
        estimate = float(value)
        error = max(float(a.error) for a in atoms if isinstance(a, NumericConstant))
        text = expr_str(sympy.Float(estimate, max(1, min(15, digits))))
        return {"value": text, "error_estimate": f"{error:.1e}", "certified": False}
    text, bound = shown_expr(value, digits)
    return {"value": text, "error_bound": bound, "certified": True}


def handle(args: argparse.Namespace) -> int:
    """Run ``tpsym kernel``; print the value (text, ``--json`` or ``--latex``)."""
    from tpsym.cli import emit_json

    digits = args.digits
    if not 1 <= digits <= 1000:
        raise InputError(f"--digits {digits} must be between 1 and 1000")
    value = sympy.S(evaluate(args.expression))
    numbers = _numbers(value, digits)
    exact = numbers is None and not value.has(sympy.Float)
    if args.json:
        out: dict[str, Any] = {"value": expr_str(value), "exact": exact}
        if numbers is not None:
            out = {"value": numbers["value"], "exact": False, "expression": expr_str(value), **{k: v for k, v in numbers.items() if k != "value"}}
        approx = float(value) if value.is_number and value.is_finite else float(numbers["value"]) if numbers else None
        if approx is not None and math.isfinite(approx):  # a double only where one holds the value
            out["float"] = approx
        emit_json(out)
    elif args.latex:
        print(sympy.latex(value))
    elif numbers is None:
        print(expr_str(value))
    elif numbers["certified"]:
        print(f"{expr_str(value)} = {numbers['value']} ± {numbers['error_bound']}")
    else:
        print(f"{expr_str(value)} ≈ {numbers['value']} (estimated error {numbers['error_estimate']}, not certified)")
    return 0


def register(subparsers: Any) -> None:
    """Add the ``kernel`` subcommand."""
    p = subparsers.add_parser(
        "kernel",
        help="NNGP kernel, NTK, correlation map, c*, chi_c and depth scales of a wide network",
        description=(
            "Evaluate a kernel expression such as 'nngp(relu, sigma_w2=2, sigma_b2=0, depth=3, q1=1, q2=1, c=c)'. "
            "Exact and symbolic where closed forms exist (linear, relu, leaky_relu, erf); tanh values are "
            "certified (digits with a bound that encloses the true value); other activations give an estimate, "
            "marked as not certified. Names L and depth are positive integers."
        ),
    )
    p.add_argument("expression", metavar="EXPR", help=f"an expression using {', '.join(KERNEL_FUNCTIONS)}")
    p.add_argument(
        "--digits", type=int, default=20, metavar="D",
        help="significant digits of a certified value (tanh kernels, q*, c*); the bound printed encloses the truth",
    )
    g = p.add_mutually_exclusive_group()
    g.add_argument("--json", action="store_true", help='print {"value": "<sympy string>", ...}')
    g.add_argument("--latex", action="store_true", help="print the value as LaTeX")
    p.set_defaults(func=handle)
