"""Benchmark of matrix-free network moments: Gaussian weights kept in memory vs regenerated vs dense.

Run:  python benchmarks/bench_matrix_free.py [--n 2048] [--depth 10] [--probes 32] [--order 8]

One trial of a depth-L ReLU network at criticality (sigma_w2 = 2), in the same
process: (a) the dense route (J Jᵀ formed, eigvalsh), the baseline;
(b) Hutchinson estimates with the weights regenerated block by block for every
product (constant memory); (c) the same with the weights generated once and
held (what crosscheck --matrix-free does when they fit in memory). (b) and (c)
are checked identical, bit for bit.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from tpsym.numeric.estimate import hutchinson_moments
from tpsym.numeric.network import NetworkSampler


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2048)
    ap.add_argument("--depth", type=int, default=10)
    ap.add_argument("--probes", type=int, default=32)
    ap.add_argument("--order", type=int, default=8)
    args = ap.parse_args()
    s = NetworkSampler.uniform(args.depth, "relu", sigma_w2=2.0)
    n = args.n
    t = time.perf_counter()
    ev = np.linalg.eigvalsh(s.sample(np.random.default_rng(0), n))
    t_dense = time.perf_counter() - t
    runs = {}
    for keep in (False, True):
        t = time.perf_counter()
        op = s.operator(np.random.default_rng(0), n, keep=keep)
        m, _ = hutchinson_moments(op, n, args.order, np.random.default_rng(5), probes=args.probes)
        runs[keep] = (time.perf_counter() - t, m)
    assert np.array_equal(runs[False][1], runs[True][1]), "kept and regenerated weights gave different estimates"
    print(f"depth {args.depth}, N = {n}, {args.probes} probes, m_1..m_{args.order}")
    print(f"dense (J Jᵀ, eigvalsh)          {t_dense:8.2f} s   m_2 = {np.mean(ev**2):.4f}")
    print(f"matrix-free, weights regenerated {runs[False][0]:8.2f} s   ({runs[False][0] / t_dense:.2f} of dense)")
    print(f"matrix-free, weights kept       {runs[True][0]:8.2f} s   ({runs[True][0] / t_dense:.2f} of dense)   m_2 = {runs[True][1][1]:.4f}")


if __name__ == "__main__":
    main()
