"""``tpsym meanfield``: the fixed point q*, the slope χ and the moments μ_k of a layer.

Exact values print as sympy strings next to a float; numerical ones as
decimal strings with their error bound.

>>> from tpsym.cli import main
>>> main(["meanfield", "--activation", "relu", "--sigma-w2", "2", "--moments", "2"])
activation  relu
sigma_w2    2
sigma_b2    0
q*          0  (exact; marginal)
chi         1  (exact)
critical    yes
mu_1        1/2 = 0.5  (exact)
mu_2        1/2 = 0.5  (exact)
0
"""

from __future__ import annotations

import argparse
from typing import Any

import sympy

from tpsym.cli import check_range, parse_number
from tpsym.errors import InputError
from tpsym.nets.activations import ACTIVATION_NAMES, Activation, Formula, get_activation
from tpsym.nets.meanfield import DEFAULT_PRECISION, MeanField, Quantity, mean_field
from tpsym.utils import expr_str

__all__ = ["register", "handle", "format_text"]

#: The command line computes mu_k for k up to MAX_MOMENTS (the Python API has no bound).
MAX_MOMENTS = 200


def _number(text: str, option: str) -> sympy.Rational:
    """A decimal or fraction from the command line, exactly (no parser of expressions)."""
    value = parse_number(text, option)
    return sympy.Rational(value.numerator, value.denominator)


def _activation(args: argparse.Namespace) -> Activation:
    if args.formula is not None:
        if args.activation is not None:
            raise InputError("give either --activation or --formula, not both")
        from tpsym.spec import parse_formula  # imported where used

        x = sympy.Symbol("x")
        return Formula(parse_formula(args.formula, locals={"x": x}), x)
    if args.activation is None:
        raise InputError(f"give --activation ({', '.join(ACTIVATION_NAMES)}) or --formula")
    slope = None if args.slope is None else _number(args.slope, "--slope")
    return get_activation(args.activation, slope=slope)


def _line(label: str, qty: Quantity, digits: int, note: str = "") -> str:
    if qty.exact:
        text = expr_str(qty.value)
        value = sympy.S(qty.value)
        if not value.is_Integer:
            text += f" = {float(value)!r}"
        return f"{label:<11} {text}  (exact{note})"
    return f"{label:<11} {qty.format(digits)}{'  (' + note[2:] + ')' if note else ''}"


def format_text(mf: MeanField) -> str:
    """The human-readable report of :func:`handle`.

    Examples
    --------
    >>> print(format_text(mean_field("linear", sigma_w2=sympy.Rational(1, 2), sigma_b2=1, moments=0)))
    activation  linear
    sigma_w2    1/2
    sigma_b2    1
    q*          2  (exact; stable)
    chi         1/2 = 0.5  (exact)
    critical    no
    """
    stable = {True: "stable", False: "unstable", None: "marginal"}[mf.stable]
    critical = {True: "yes", False: "no", None: "undecided"}[mf.critical]
    lines = [
        f"{'activation':<11} {mf.activation.spec}",
        f"{'sigma_w2':<11} {expr_str(mf.sigma_w2)}",
        f"{'sigma_b2':<11} {expr_str(mf.sigma_b2)}",
    ]
    if mf.q_is_fixed_point:
        lines.append(_line("q*", mf.q, mf.precision, f"; {stable}"))
    else:
        lines.append(_line("q", mf.q, mf.precision, "; given"))
    lines.append(_line("chi", mf.chi, mf.precision))
    lines.append(f"{'critical':<11} {critical}")
    for k, m in enumerate(mf.mu, 1):
        lines.append(_line(f"mu_{k}", m, mf.precision))
    return "\n".join(lines)


def handle(args: argparse.Namespace) -> int:
    """Run ``tpsym meanfield``; return the exit status.

    Examples
    --------
    >>> ns = argparse.Namespace(activation="linear", slope=None, formula=None, sigma_w2="0.5",
    ...                         sigma_b2="1", q=None, moments=0, precision=30, json=True)
    >>> handle(ns)
    {"activation": "linear", "sigma_w2": "1/2", "sigma_b2": "1", "q": {"value": "2", "float": 2.0, "exact": true, "error_bound": "0"}, "q_is_fixed_point": true, "stable": true, "chi": {"value": "1/2", "float": 0.5, "exact": true, "error_bound": "0"}, "critical": false, "mu": [], "exact": true, "precision": 30}
    0
    """
    from tpsym.cli import emit_json

    act = _activation(args)
    q: Any = None if args.q is None else _number(args.q, "--q")
    mf = mean_field(
        act,
        sigma_w2=_number(args.sigma_w2, "--sigma-w2"),
        sigma_b2=_number(args.sigma_b2, "--sigma-b2"),
        q=q,
        moments=check_range(args.moments, "--moments", 0, MAX_MOMENTS),
        precision=args.precision,
    )
    if args.json:
        emit_json(mf.to_json())
    else:
        print(format_text(mf))
    return 0


def register(subparsers: Any) -> None:
    """Add the ``meanfield`` subcommand.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="tpsym")
    >>> register(parser.add_subparsers())
    >>> parser.parse_args(["meanfield", "--activation", "tanh"]).moments
    4
    """
    p = subparsers.add_parser(
        "meanfield",
        help="fixed point q*, slope chi and moments mu_k = E[phi'(h)^(2k)] of a layer",
        description=(
            "Mean-field statistics of a wide layer: the fixed point q* of the length map "
            "q -> sigma_w2 E[phi(sqrt(q) z)^2] + sigma_b2, the slope chi = sigma_w2 E[phi'(h)^2] "
            "(critical at 1) and mu_k = E[phi'(h)^(2k)], h ~ N(0, q*). Exact where a closed "
            "form exists, else certified numerics with an error bound."
        ),
    )
    p.add_argument("--activation", help=f"one of {', '.join(ACTIVATION_NAMES)}")
    p.add_argument("--slope", help="negative-side slope a of leaky_relu")
    p.add_argument("--formula", help="a user activation phi(x) written as a formula in x, e.g. 'x*tanh(x)'")
    p.add_argument("--sigma-w2", default="1", help="weight variance sigma_w^2 (default 1)")
    p.add_argument("--sigma-b2", default="0", help="bias variance sigma_b^2 (default 0)")
    p.add_argument("--q", help="use this q instead of the fixed point q*")
    p.add_argument("--moments", type=int, default=4, metavar="K", help="how many mu_k (default 4)")
    p.add_argument(
        "--precision", type=int, default=DEFAULT_PRECISION, metavar="DIGITS",
        help=f"significant digits of numerical values (default {DEFAULT_PRECISION})",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=handle)
