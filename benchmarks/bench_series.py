"""QQ series without a process-wide flint cap (tpsym.series._qq) against the old route.

Baseline (same process): python-flint's ``fmpq_series`` with ``flint.ctx.cap``
raised for the call, as tpsym.series did before. Run: python benchmarks/bench_series.py
"""

import random
import time
from contextlib import contextmanager

import flint

from tpsym.series import _qq


@contextmanager
def _flint_cap(n):
    old = flint.ctx.cap
    flint.ctx.cap = max(old, n)
    try:
        yield
    finally:
        flint.ctx.cap = old


def _t(fn, reps):
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _cases(f1, g0, s1, t0, n):
    """Each operation as (tpsym's _qq kernel, flint's fmpq_series) on the same inputs."""
    return {
        "inverse": (lambda: _qq.inverse(f1, n), lambda: 1 / s1),
        "log": (lambda: _qq.log(f1, n), lambda: s1.log()),
        "exp": (lambda: _qq.exp(g0, n), lambda: t0.exp()),
        "compose": (lambda: _qq.compose(f1, g0, n), lambda: s1(t0)),
        "reversion": (lambda: _qq.reversion(g0, n), lambda: t0.reversion()),
    }


def main():
    rnd = random.Random(1)
    for n in (50, 200, 800):
        c = [flint.fmpq(rnd.randint(-9, 9), rnd.randint(1, 9)) for _ in range(n)]
        f1 = flint.fmpq_poly([1] + c[1:])
        g0 = flint.fmpq_poly([0, 1] + c[2:])
        reps = 5 if n <= 200 else 1
        with _flint_cap(n):
            s1, t0 = flint.fmpq_series(f1.coeffs(), prec=n), flint.fmpq_series(g0.coeffs(), prec=n)
        cases = _cases(f1, g0, s1, t0, n)
        for name, (new, old) in cases.items():
            if name == "compose" and n > 200 or name in ("exp", "reversion") and n > 200:
                continue  # rational coefficient growth makes these minutes long at 800
            tn = _t(new, reps)
            with _flint_cap(n):
                to = _t(old, reps)
            print(f"n={n:4d} {name:10s} new {tn * 1e3:9.2f} ms  old(cap) {to * 1e3:9.2f} ms  ratio {tn / to:6.2f}")


if __name__ == "__main__":
    main()
