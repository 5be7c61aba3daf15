"""Benchmark of the bounds on a claim's work (tpsym.proof.limits).

Two figures:

1. The time to *refuse* each input of the soundness review that used to hang
   or exhaust memory, beside a baseline in the same process: the time sympy
   alone needs for a small instance of the same input (the work the limit
   saves grows from there: the full inputs never finished in 60 s).
2. Large integer ⊠-exponents and depths through the series power S^t, beside
   the baseline of t - 1 products of S-transforms (the route that was taken
   before, at the largest exponent it finishes quickly) and beside the
   symbolic exponent L.

Run: ``python benchmarks/bench_limits.py``.
"""

from __future__ import annotations

import time

import sympy

from tpsym.free.convolution import boxtimes_s
from tpsym.laws import boxpower, mp
from tpsym.laws.base import Context
from tpsym.nets import jacobian_law
from tpsym.proof.claims import Claim, parse_loop
from tpsym.proof.verify import exact_equal, verify_claim
from tpsym.spec import parse_formula

EIGHT = ", ".join(f"semicircle(variance={v})" for v in "abcdefgh")


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def claim(statement: str, *loops: str) -> Claim:
    return Claim("b", statement, "-", "identity", statement=statement, loops=tuple(map(parse_loop, loops)))


def refusals() -> None:
    rows = [
        ("(a+b+c)**10000 == (a+b+c)**10000 + 1", (), lambda: exact_equal(parse_formula("(a+b+c)**45"), parse_formula("(a+b+c)**45 + 1"))),
        ("(a+b+c+d+e)**200 == 1", (), lambda: exact_equal(parse_formula("(a+b+c+d+e)**12"), 1)),
        ("rf(c, 10000) == 1", (), lambda: exact_equal(sympy.rf(sympy.Symbol("c"), 100), 1)),
        ("1 == 1", ("n = 1..10000", "m = 1..10000", "k = m..1"), None),
        ("Sum(Sum(j, (j, 0, 10000)), (i, 0, 10000)) == 1", (),
         lambda: sympy.Sum(sympy.Sum(sympy.Symbol("j"), (sympy.Symbol("j"), 0, 100)), (sympy.Symbol("i"), 0, 100)).doit()),
        (f"moment(boxplus({EIGHT}), 100) == 1", (), None),
    ]
    print(f"{'input':60} {'refused in':>11}  {'baseline (small instance, sympy)':>34}")
    for statement, loops, base in rows:
        t, v = timed(lambda statement=statement, loops=loops: verify_claim(claim(statement, *loops), numeric=False))
        assert v.status == "error", v.summary
        tb = f"{timed(base)[0]:.3f} s" if base else "-"
        print(f"{statement[:58] + ' ' + ' '.join(loops):60.60} {t:>9.3f} s  {tb:>34}")
        print(f"{'':60}   {v.summary.split(': ', 1)[1][:100]}")


def powers() -> None:
    print()
    print(f"{'law':48} {'m_1..m_8':>10}  {'baseline: t - 1 products':>26}")
    base = mp(ratio=1)
    for t in (65, 1000, 10**8):
        tp, _ = timed(lambda t=t: boxpower(base, t).moments(8))
        if t <= 1000:
            ctx = Context(base, order=8)
            s = ctx.s_transform(base, 8)
            tb = f"{timed(lambda s=s, t=t, ctx=ctx: boxtimes_s([s] * t, ctx.field))[0]:.3f} s"
        else:
            tb = "(10^8 products: not run)"
        print(f"{'boxpower(mp(ratio=1), ' + str(t) + ')':48} {tp:>8.3f} s  {tb:>26}")
    L = sympy.Symbol("L")
    tl, _ = timed(lambda: boxpower(base, L).moments(8))
    print(f"{'boxpower(mp(ratio=1), L) (symbolic)':48} {tl:>8.3f} s")
    tj, m = timed(lambda: jacobian_law("relu", "gaussian", sigma_w2=2, depth=10**9).moments(3))
    print(f"{'jacobian(relu, gaussian, sigma_w2=2, depth=10^9)':48} {tj:>8.3f} s  m_3 = {m[2]}")


if __name__ == "__main__":
    refusals()
    powers()
