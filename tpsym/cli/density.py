"""``tpsym density SPEC [--grid A:B:N] [--csv FILE] [--json]``: the spectral density of a law on a grid.

Text output is a short summary (method, support, atoms, mass, moment
checks) followed by the density at every grid point; ``--csv`` writes the
grid and the values to a file; ``--json`` prints one object with the grid,
the density values, the support, the atoms, the method and the total mass.
Without ``--grid`` the grid covers the support and the atoms (201 points).

>>> from tpsym.cli import main
>>> main(["density", "mp(ratio=2)", "--grid", "0:6:7"])
method    closed form
support   [0.171573, 5.82843]
atoms     0 (mass 0.5)
mass      1
m_1       quadrature 1, exact 1
m_2       quadrature 3, exact 3
m_3       quadrature 11, exact 11
m_4       quadrature 45, exact 45
<BLANKLINE>
           x       density
           0             0
           1      0.159155
           2      0.105271
           3     0.0750264
           4     0.0526355
           5      0.031831
           6             0
0
"""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path
from typing import Any

from tpsym.cli import emit_json
from tpsym.laws.density import DensityResult, density, parse_grid

__all__ = ["register", "handle", "format_text", "format_values"]


def register(subparsers: Any) -> None:
    """Add the ``density`` subcommand."""
    p = subparsers.add_parser("density", help="the spectral density of a law on a grid, with support and atoms")
    p.add_argument("spec", metavar="SPEC", help="a law spec, e.g. 'boxpower(mp(ratio=1), 3)'")
    p.add_argument("--grid", default=None, help="START:STOP:COUNT (default: 201 points over the support and the atoms)")
    p.add_argument(
        "--method",
        default="auto",
        choices=["auto", "closed form", "polynomial", "subordination"],
        help="the route: closed form, polynomial method (algebraic equation of the Cauchy transform), "
        "subordination (numerical); auto (default) tries them in this order",
    )
    p.add_argument("--csv", metavar="FILE", help="also write the grid and the density values to FILE (x,density)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    # let "--grid -3:3:601" read as a value, not as an option (argparse only knows plain negative numbers)
    p._negative_number_matcher = re.compile(r"^-\d[\d:.eE+-]*$")
    p.set_defaults(func=handle)


def _g(v: float) -> str:
    return "inf" if math.isinf(v) else f"{v:.6g}"


def format_text(r: DensityResult) -> str:
    """The human-readable summary of a :class:`~tpsym.laws.density.DensityResult`.

    >>> from tpsym.laws import semicircle
    >>> print(format_text(density(semicircle(), [0.0], check_moments=2)))
    method    closed form
    support   [-2, 2]
    atoms     none
    mass      1
    m_1       quadrature 0, exact 0
    m_2       quadrature 1, exact 1
    """
    lines = [f"{'method':<9} {r.method}"]
    supp = ", ".join(f"[{_g(a)}, {_g(b)}]" for a, b in r.support) or "none"
    lines.append(f"{'support':<9} {supp}")
    at = ", ".join(f"{_g(a)} (mass {_g(m)})" for a, m in r.atoms) or "none"
    lines.append(f"{'atoms':<9} {at}")
    lines.append(f"{'mass':<9} {_g(round(r.mass, 9))}")
    for k, (q, e) in enumerate(r.moments, 1):
        lines.append(f"{'m_' + str(k):<9} quadrature {_g(round(q, 9) + 0.0)}, exact {_g(e)}")
    return "\n".join(lines)


def format_values(r: DensityResult) -> str:
    """The density at each grid point, one ``x  value`` line each (6 significant digits).

    >>> from tpsym.laws import semicircle
    >>> print(format_values(density(semicircle(), [-2.0, 0.0, 1.0], check_moments=0)))
               x       density
              -2             0
               0       0.31831
               1      0.275664
    """
    lines = [f"{'x':>12}  {'density':>12}"]
    lines += [f"{_g(x):>12}  {_g(y):>12}" for x, y in zip(r.x.tolist(), r.density.tolist())]
    return "\n".join(lines)


def handle(args: argparse.Namespace) -> int:
    """Compute and print the density (text or JSON)."""
    from tpsym.spec import parse_spec  # imported where used

    grid = None if args.grid is None else parse_grid(args.grid)
    law = parse_spec(args.spec)
    result = density(law, grid, method=args.method)
    if args.csv:
        rows = "".join(f"{x!r},{'inf' if math.isinf(y) else repr(y)}\n" for x, y in zip(result.x.tolist(), result.density.tolist()))
        Path(args.csv).write_text("x,density\n" + rows, encoding="utf-8")
    if args.json:
        out = result.to_json()
        emit_json(
            {
                "x": out["x"],
                "density": out["density"],
                "support": out["support"],
                "atoms": out["atoms"],
                "method": out["method"],
                "mass": out["mass"],
                "moments": out["moments"],
            }
        )
    else:
        print(format_text(result))
        print()
        print(format_values(result))
    return 0
