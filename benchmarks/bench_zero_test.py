"""Benchmark of the exact zero test behind ``exact_equal``'s fallback.

Each case is a constant difference that the canonical form cannot decide.
``zero_test`` (rationals exactly, algebraic numbers by their minimal
polynomial, the rest by error-tracked ``evalf``) is timed beside the
baseline it replaced in the same run: one 60-digit ``sympy.N`` and a
threshold of 1e-40, whose answer is printed too (it refuted the true
identities, whose cancelled float has a zero mantissa, and could not see
a difference of 1e-45).

Times are best of 3 cold calls (sympy's cache cleared before each).

Run: ``python benchmarks/bench_zero_test.py``.
"""

from __future__ import annotations

import time

import sympy
from sympy.core.cache import clear_cache

from tpsym.proof.verify import zero_test

s2, s3 = sympy.sqrt(2), sympy.sqrt(3)
CASES = {
    "(1000+√2)^60 - (1000002+2000√2)^30": (1000 + s2) ** 60 - (1000002 + 2000 * s2) ** 30,
    "(1+√2)^400 - (3+2√2)^200": (1 + s2) ** 400 - (3 + 2 * s2) ** 200,
    "(2+√3)^300 - 1/(2-√3)^300": (2 + s3) ** 300 - 1 / (2 - s3) ** 300,
    "(2+√3)^300 - 1/(2-√3)^300 - 1e-40": (2 + s3) ** 300 - 1 / (2 - s3) ** 300 - sympy.Rational(1, 10**40),
    "erf(1) - erf(1)(1 + e^-100)": sympy.erf(1) - sympy.erf(1) * (1 + sympy.exp(-100)),
    "log(4) - 2 log(2)": sympy.log(4) - 2 * sympy.log(2),
}


def baseline(e: sympy.Expr) -> bool:
    value = sympy.N(e, 60)
    return not (value.is_number and abs(value) > sympy.Rational(1, 10**40))


def best_of(f, e, repeats: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        clear_cache()  # sympy caches minimal polynomials and evaluations: time a cold call
        t = time.perf_counter()
        out = f(e)
        times.append(time.perf_counter() - t)
    return min(times), out


def main() -> None:
    print(f"{'difference':<40} {'zero_test':>10} {'is 0?':>7} {'60-digit N':>11} {'is 0?':>7}")
    for name, e in CASES.items():
        t1, a1 = best_of(zero_test, e)
        t0, a0 = best_of(baseline, e)
        print(f"{name:<40} {t1:>9.3f}s {a1!s:>7} {t0:>10.3f}s {a0!s:>7}")


if __name__ == "__main__":
    main()
