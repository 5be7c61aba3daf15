"""Benchmark: q*, χ and μ_1..μ_8 of a tanh layer at 30 digits.

tpsym (mpmath tanh-sinh quadrature with shared nodes, a certified root and
first-order error propagation, 30 significant digits) against a plain double
precision baseline in the same process: scipy.integrate.quad for each
expectation and the fixed-point iteration of the length map.

Run: python benchmarks/bench_meanfield.py [--repeat N]
"""

from __future__ import annotations

import argparse
import math
import time

import mpmath
import numpy as np
from scipy import integrate

from tpsym.nets import mean_field

SIGMA_W2, SIGMA_B2, MOMENTS, DIGITS = 1.5, 0.05, 8, 30


def _gauss(f, q):
    sd = math.sqrt(q)
    density = lambda h: math.exp(-h * h / (2 * q)) / (sd * math.sqrt(2 * math.pi))  # noqa: E731
    value, _ = integrate.quad(lambda h: f(h) * density(h), -np.inf, np.inf, epsabs=1e-14, epsrel=1e-13)
    return value


def baseline():
    """Plain iteration of the length map + scipy quad, double precision."""
    q = 1.0
    for _ in range(10_000):
        new = SIGMA_W2 * _gauss(lambda h: math.tanh(h) ** 2, q) + SIGMA_B2
        if abs(new - q) < 1e-14 * q:
            q = new
            break
        q = new
    mus = [_gauss(lambda h, k=k: (1 - math.tanh(h) ** 2) ** (2 * k), q) for k in range(1, MOMENTS + 1)]
    return q, SIGMA_W2 * mus[0], mus


def tpsym_run():
    return mean_field("tanh", sigma_w2=SIGMA_W2, sigma_b2=0.05, moments=MOMENTS, precision=DIGITS)


def _time(fn, repeat):
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    t_base, (q_b, chi_b, mus_b) = _time(baseline, args.repeat)
    t_tp, mf = _time(tpsym_run, args.repeat)
    with mpmath.workdps(DIGITS + 10):
        worst = max(abs(float(m.value) - b) for m, b in zip(mf.mu, mus_b))
    print(f"tanh layer, sigma_w2={SIGMA_W2}, sigma_b2={SIGMA_B2}: q*, chi, mu_1..mu_{MOMENTS}")
    print(f"  tpsym (mpmath, {DIGITS} digits, certified)   {t_tp * 1000:8.1f} ms   "
          f"q* = {mf.q.format(DIGITS)}")
    print(f"  baseline (scipy quad + iteration, double)  {t_base * 1000:8.1f} ms   q* = {q_b!r}")
    print(f"  ratio tpsym / baseline: {t_tp / t_base:.2f}")
    print(f"  agreement: |q*| {abs(float(mf.q.value) - q_b):.1e}, |chi| {abs(float(mf.chi.value) - chi_b):.1e}, "
          f"max |mu_k| {worst:.1e}")
    print(f"  tpsym error bounds: q* {mpmath.nstr(mf.q.error_bound, 2)}, "
          f"max mu_k {mpmath.nstr(max(m.error_bound for m in mf.mu), 2)}")


if __name__ == "__main__":
    main()
