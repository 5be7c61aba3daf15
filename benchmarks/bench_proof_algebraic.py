"""Benchmark: all-order proof of the Fuss–Catalan moments vs a finite series check.

For s = 1..5 the generating function of the Fuss–Catalan numbers
binomial((s+1)n, n)/(sn + 1) (OEIS A000108, A001764, A002293, A002294, A002295)
is the root of y = 1 + z y^(s+1). The proof route derives the ODE and the
P-recurrence from that equation and proves the closed form for every n
(tpsym.proof.algebraic). The baseline, in the same process, checks the same
claim only for n <= 200, by expanding the root as a power series with sympy
(fixed-point iteration y <- 1 + z y^(s+1), sympy.Poly products truncated
below z^201 after each multiplication) and comparing each coefficient with the closed form.

Run:  python benchmarks/bench_proof_algebraic.py
"""

from __future__ import annotations

import time

from sympy import Poly, binomial, symbols

from tpsym.proof.algebraic import prove_term, recurrence_from_algebraic, series_root

z, y, n = symbols("z y n")
N_BASELINE = 200


def proof_route(s: int) -> tuple[float, str]:
    t0 = time.perf_counter()
    P = z * y ** (s + 1) - y + 1
    rec = recurrence_from_algebraic(P, z, y, n)
    a = series_root(P, z, y, max(rec.initial_terms_needed, 2))
    proof = prove_term(rec, binomial((s + 1) * n, n) / (s * n + 1), n, initial_terms=a)
    elapsed = time.perf_counter() - t0
    assert proof.recheck()
    return elapsed, f"order {rec.order}, ODE order {len(proof.ode) - 1}"


def baseline(s: int, upto: int = N_BASELINE) -> float:
    t0 = time.perf_counter()
    prec = upto + 1
    zp = Poly(z**prec, z)
    Y = Poly(1, z)
    for _ in range(prec):  # each iteration fixes one more coefficient
        power = Poly(1, z)
        for _ in range(s + 1):  # truncated product: only coefficients below z^prec
            power = (power * Y).rem(zp)
        Yn = (Poly(1, z) + Poly(z, z) * power).rem(zp)
        if Yn == Y:
            break
        Y = Yn
    for m in range(prec):
        assert Y.coeff_monomial(z**m) == binomial((s + 1) * m, m) / (s * m + 1)
    return time.perf_counter() - t0


def main() -> None:
    print(f"{'s':>2}  {'proof, all n [s]':>17}  {'baseline, n<=' + str(N_BASELINE) + ' [s]':>22}  recurrence")
    for s in range(1, 6):
        tp, info = proof_route(s)
        tb = baseline(s)
        print(f"{s:>2}  {tp:>17.3f}  {tb:>22.3f}  {info}")


if __name__ == "__main__":
    main()
