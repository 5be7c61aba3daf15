"""Benchmark: the algebraic equation of a law by python-flint's fmpz_mpoly against sympy (issue 17).

:func:`tpsym.laws.algebraic.algebraic_equation` eliminates with resultants
and factorisations in python-flint's multivariate polynomials
(:mod:`tpsym.laws._resultant`); the baseline, in the same process, is the
sympy elimination it replaced, now the tests' independent oracle
(``tests/laws/_sympy_oracle.py``, imported from there). Both give the same
polynomial; the script checks that for every case. The last two cases have a
parameter that is not a rational function of symbols (``sqrt(2)``, ``pi``),
a generic generator in the flint route.

Two figures per route:

* warm: the derivation of ``P(z, y)`` (moment form) with tpsym's caches
  cleared, the minimum of 5 calls in this process (sympy's own caches warm);
* first: :func:`tpsym.laws.algebraic.cauchy_equation` (the equation the
  density solves) as the first call in a fresh process, imports done before.

Run:  python benchmarks/bench_algebraic.py
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import time

import sympy

from tpsym.laws import algebraic as alg
from tpsym.laws import bernoulli, boxplus, boxpower, boxtimes, mp, scale, semicircle, symmetric_bernoulli
from tpsym.spec import parse_spec

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests" / "laws"))
from _sympy_oracle import sympy_equation  # noqa: E402  (the former route, kept as the tests' oracle)

HALF = sympy.Rational(1, 2)
c = sympy.Symbol("c")


def cases() -> dict[str, object]:
    b = symmetric_bernoulli()
    return {
        "semicircle ⊞ MP(1/2)": boxplus(semicircle(), mp(ratio=HALF)),
        "MP(1) ⊠ MP(1/2)": boxtimes(mp(ratio=1), mp(ratio=HALF)),
        "b ⊞ b ⊞ b (symmetric Bernoulli)": boxplus(b, b, b),
        "MP(1)^⊠3": boxpower(mp(ratio=1), 3),
        "jacobian relu depth 3": parse_spec("jacobian(activation=relu, weights=gaussian, sigma_w2=2, depth=3)"),
        "ReLU J J^T depth 10": boxpower(boxtimes(bernoulli(HALF), scale(mp(ratio=1), 2)), 10),
        "MP(c), c symbolic": mp(ratio=c),
        "MP(c) ⊠ MP(c), c symbolic": boxtimes(mp(ratio=c), mp(ratio=c)),
        "MP(sqrt 2) ⊠ MP(1)": boxtimes(mp(ratio=sympy.sqrt(2)), mp(ratio=1)),
        "semicircle(pi) ⊞ MP(1)": boxplus(semicircle(variance=sympy.pi), mp(ratio=1)),
    }


def _clear() -> None:
    alg.algebraic_equation.cache_clear()
    alg.cumulant_equation.cache_clear()
    alg.cauchy_equation.cache_clear()


def warm(route: str, law: object, reps: int = 5) -> float:
    best = float("inf")
    for _ in range(reps):
        _clear()
        t = time.perf_counter()
        if route == "flint":
            alg._equation(law, "moment")
        else:
            sympy_equation(law, "moment")
        best = min(best, time.perf_counter() - t)
    return best


def first_call(route: str, name: str) -> None:
    """In a fresh process: the first cauchy_equation call of one case."""
    law = cases()[name]
    if route == "sympy":
        alg._derive = lambda law, form: (None, *sympy_equation(law, form))  # the former route
    t = time.perf_counter()
    alg.cauchy_equation(law)
    print(f"{time.perf_counter() - t:.6f}")


def main() -> None:
    print("algebraic equation P(z, y): python-flint fmpz_mpoly vs sympy (the former route), same process")
    print(f"  {'law':34s} {'deg':>3s} {'flint warm':>11s} {'sympy warm':>11s} {'ratio':>6s}   {'flint first':>11s} {'sympy first':>11s} {'ratio':>6s}")
    tot = {"flint": 0.0, "sympy": 0.0}
    for name, law in cases().items():
        _clear()
        got, want = alg._equation(law, "moment"), sympy_equation(law, "moment")
        if got != want:
            raise SystemExit(f"{name}: the routes disagree:\n  {got}\n  {want}")
        tw = {r: warm(r, law) for r in ("flint", "sympy")}
        first = {}
        for r in ("flint", "sympy"):
            cmd = [sys.executable, __file__, "--first", r, name]
            first[r] = float(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split()[-1])
        for r in tot:
            tot[r] += tw[r]
        deg = int(sympy.degree(got[0], alg.Y))
        print(
            f"  {name:34s} {deg:3d} {tw['flint'] * 1e3:8.2f} ms {tw['sympy'] * 1e3:8.2f} ms {tw['sympy'] / tw['flint']:5.1f}x"
            f"   {first['flint'] * 1e3:8.2f} ms {first['sympy'] * 1e3:8.2f} ms {first['sympy'] / first['flint']:5.1f}x"
        )
    print(f"  {'total (warm)':34s}     {tot['flint'] * 1e3:8.2f} ms {tot['sympy'] * 1e3:8.2f} ms {tot['sympy'] / tot['flint']:5.1f}x")
    print("  (the same polynomial from both routes in every case; warm: min of 5 with tpsym's caches cleared;")
    print("   first: cauchy_equation as the first call in a fresh process)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--first"]:
        first_call(sys.argv[2], sys.argv[3])
    else:
        main()
