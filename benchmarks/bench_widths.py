"""Benchmark: the law of J Jᵀ for rectangular layers, symbolic in the width ratios.

tpsym builds ``jacobian(activation=linear, depth=3, widths=(1, a, b, c))`` as a
tree of dilutions and ⊠-products (:func:`tpsym.laws.dilute`) and computes its
moments in QQ(a, b, c). The baseline, in the same process, is the closed form
of products of rectangular Gaussian matrices (Burda et al., arXiv 1007.3594):
S(z) = Π_l 1/(1 + z N_L/N_(l−1)), turned into moments the plain way on sympy
``Expr`` trees (χ(z) = z S(z)/(1 + z), ψ = χ⁻¹ by undetermined coefficients,
m_k the coefficients of ψ). Both give the same moments (checked).

Then one dense trial of a depth-4 ReLU network with widths (N, 2N, N/2, 2N, N)
against the square network of the same output width N.

Run: ``python benchmarks/bench_widths.py [ORDER]`` (default 4; the baseline takes minutes at 6).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import sympy

from tpsym.laws.base import _law_moments
from tpsym.nets import MLP, jacobian_law
from tpsym.numeric.network import NetworkSampler

a, b, c, z, w = sympy.symbols("a b c z w")


def tpsym_moments(order: int) -> tuple[tuple[sympy.Expr, ...], float]:
    _law_moments.cache_clear()
    start = time.perf_counter()
    moments = jacobian_law("linear", depth=3, widths=(1, a, b, c)).moments(order)
    return moments, time.perf_counter() - start


def baseline_moments(order: int) -> tuple[list[sympy.Expr], float]:
    start = time.perf_counter()
    widths = (1, a, b, c)
    S = sympy.Integer(1)
    for l in range(1, 4):
        S *= 1 / (1 + z * widths[3] / widths[l - 1])
    chi = sympy.series(z * S / (1 + z), z, 0, order + 1).removeO()
    # ψ = χ^{-1}: ψ(w) = Σ m_k w^k with χ(ψ(w)) = w, by undetermined coefficients
    psi = sympy.Integer(0)
    for k in range(1, order + 1):
        m = sympy.Symbol("m")
        trial = psi + m * w**k
        lhs = sympy.expand(sympy.series(chi.subs(z, trial), w, 0, k + 1).removeO())
        target = 1 if k == 1 else 0
        sol = sympy.solve(sympy.Eq(lhs.coeff(w, k), target), m)[0]
        psi += sympy.simplify(sol) * w**k
    moments = [sympy.cancel(psi.coeff(w, k)) for k in range(1, order + 1)]
    return moments, time.perf_counter() - start


def trial_seconds(sampler: NetworkSampler, n: int, repeats: int = 3) -> float:
    best = float("inf")
    for seed in range(repeats):
        start = time.perf_counter()
        np.linalg.eigvalsh(sampler.sample(np.random.default_rng(seed), n))
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    order = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    ours, t_ours = tpsym_moments(order)
    base, t_base = baseline_moments(order)
    agree = all(sympy.cancel(x - y) == 0 for x, y in zip(ours, base))
    print(f"moments m_1..m_{order} of a depth-3 linear network, widths (1, a, b, c), symbolic")
    print(f"  tpsym (dilutions and ⊠ in QQ(a, b, c))   {t_ours:8.3f} s")
    print(f"  baseline (sympy Expr, closed-form S)      {t_base:8.3f} s   agree: {agree}")
    n = 512
    rect = NetworkSampler.from_mlp(MLP(4, "relu", sigma_w2=2, widths=(2, 4, 1, 4, 2)))
    square = NetworkSampler.from_mlp(MLP(4, "relu", sigma_w2=2))
    print(f"one dense trial (J Jᵀ and eigvalsh), depth-4 ReLU, output width N = {n}")
    print(f"  widths (N, 2N, N/2, 2N, N)   {trial_seconds(rect, n):8.3f} s")
    print(f"  square (baseline)            {trial_seconds(square, n):8.3f} s")


if __name__ == "__main__":
    main()
