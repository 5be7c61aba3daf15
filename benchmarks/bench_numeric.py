"""Benchmark of the numeric layer (not a test).

1. One trial of a depth-10, N = 2048 ReLU network's J Jᵀ moments (m_1..m_4):
   tpsym dense (forward pass, J, J Jᵀ, eigvalsh), tpsym matrix-free
   (Hutchinson, 32 probes, weights regenerated from seeds), and a plain numpy
   baseline written inline (draw W, build J, eigvalsh).
2. The time to confirm m_1..m_4 of a depth-4 ReLU network's J Jᵀ
   (σ_w² = 2, expected MP(2)^⊠4 moments 1, 9, 113, 1649; Pennington et al.,
   arXiv 1711.04735) at 3σ (alpha = 0.0027), sizes 512, 1024, 2048, with
   the control variate (the default) and, as the baseline, plain trial means
   on the same trials: the relative standard errors show the gain.

Run: python benchmarks/bench_numeric.py [--quick]
"""

from __future__ import annotations

import sys
import time

import numpy as np

from tpsym.numeric.experiment import crosscheck
from tpsym.numeric.estimate import hutchinson_moments, spectral_moments
from tpsym.numeric.network import NetworkSampler


def baseline(n: int, depth: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.maximum(rng.standard_normal(n), 0)
    j = np.eye(n)
    for _ in range(depth):
        w = rng.standard_normal((n, n)) * np.sqrt(2.0 / n)
        h = w @ x
        j = (h > 0)[:, None] * (w @ j)
        x = np.maximum(h, 0)
    lam = np.linalg.eigvalsh(j @ j.T)
    return np.array([np.mean(lam**k) for k in range(1, 5)])


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> None:
    quick = "--quick" in sys.argv
    n, depth = (512, 10) if quick else (2048, 10)
    net = NetworkSampler.uniform(depth, "relu", sigma_w2=2.0)
    base, t_base = timed(lambda: baseline(n, depth, 0))
    dense, t_dense = timed(lambda: spectral_moments(net.sample(np.random.default_rng(0), n), 4)[0])
    rng = np.random.default_rng(0)
    free, t_free = timed(lambda: hutchinson_moments(net.operator(rng, n), n, 4, rng, probes=32)[0])
    print(f"one trial, depth {depth}, N={n}, moments m1..m4")
    print(f"  numpy baseline (W, J, eigvalsh)   {t_base:7.2f} s   m = {np.round(base, 2)}")
    print(f"  tpsym dense                        {t_dense:7.2f} s   m = {np.round(dense, 2)}")
    print(f"  tpsym matrix-free (32 probes)      {t_free:7.2f} s   m = {np.round(free, 2)}")

    sizes = (128, 256, 512) if quick else (512, 1024, 2048)
    exact = [1.0, 9.0, 113.0, 1649.0]
    for control in (True, False):
        r, t_conf = timed(
            lambda control=control: crosscheck(NetworkSampler.uniform(4, "relu", sigma_w2=2.0), 4, claims={"derived": exact},
                               sizes=sizes, trials=10, seed=0, alpha=0.0027, control_variate=control)
        )
        how = "control variate" if control else "plain means (baseline)"
        print(f"confirm m1..m4 of a depth-4 ReLU J Jᵀ at 3σ (alpha 0.0027, Holm), sizes {sizes}, 10 trials, {how}:")
        print(f"  {t_conf:7.2f} s   verdict {r.verdict}   (target < 60 s)")
        for t in r.decision.tests:
            print(f"  m{t.k}: {t.estimate:10.4g} ± {t.stderr:.3g} ({100 * t.stderr / t.expected:.2f}%)"
                  f"  expected {t.expected:g}  z = {t.z:+.2f}")


if __name__ == "__main__":
    main()
