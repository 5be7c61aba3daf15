"""Benchmark of ⊠ with a factor of mean 0: the series route against the Kreweras sum over NC(n).

Run:  python benchmarks/bench_boxtimes.py [--baseline-max 12]

A factor of mean 0 has no S-transform. tpsym solves three power-series
equations of the first-block decomposition (polynomial in the order); the
baseline, in the same process, is the Kreweras formula
phi((ab)^n) = sum_{pi in NC(n)} kappa_pi[a] m_{K(pi)}[b], which enumerates
NC(n) (its block-type pairs are computed once per n and cached, so the
baseline is timed on a fresh cache). Every value of the baseline is checked
equal to the series route's.

Laws: semicircle ⊠ Bernoulli(1/2) and semicircle ⊠ MP(1), exact rationals,
and semicircle(variance=s) ⊠ MP(ratio=c), symbolic in s and c.
"""

from __future__ import annotations

import argparse
import time

import sympy

from tpsym.free import convolution
from tpsym.series.encode import Encoder
from tpsym.spec import parse_spec

LAWS = [
    ("semicircle(), bernoulli(p=1/2)", (8, 10, 12, 20, 40)),
    ("semicircle(), mp(ratio=1)", (8, 10, 12, 20, 40)),
    ("semicircle(variance=s), mp(ratio=c)", (8, 10, 12, 20)),
]


def encoded(a, b, n):
    ma, mb = a.moments(n), b.moments(n)
    enc = Encoder.for_exprs([*ma, *mb])
    return enc, [enc.encode(x) for x in ma], [enc.encode(x) for x in mb]


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline-max", type=int, default=12, help="largest order of the Kreweras baseline (default 12)")
    args = ap.parse_args()
    print(f"{'factors':<40} {'order':>5} {'series route':>13} {'Kreweras sum':>13} {'speed-up':>9}")
    for factors, orders in LAWS:
        a, b = (parse_spec(f"boxtimes({factors})").factors)
        for n in orders:
            enc, ma, mb = encoded(a, b, n)
            t_series, got = timed(convolution._boxtimes_two_series, ma, mb, enc.field)
            if n <= min(args.baseline_max, convolution.KREWERAS_MAX_ORDER):
                convolution._kreweras_type_pairs.cache_clear()
                t_base, ref = timed(convolution._boxtimes_two_kreweras, ma, mb, enc.field)
                assert got == ref, f"the routes disagree at order {n} for {factors}"
                base, ratio = f"{t_base:12.3f}s", f"{t_base / t_series:8.0f}x"
            else:
                base, ratio = f"{'(not run)':>13}", ""
            print(f"{factors:<40} {n:>5} {t_series:12.4f}s {base} {ratio}")
            if n == orders[-1]:
                print(f"{'':<40} m_{n} = {sympy.sstr(enc.decode(got[-1]))[:60]}")


if __name__ == "__main__":
    main()
