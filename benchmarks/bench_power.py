"""Benchmark of the power statement of numeric verdicts and of re-sampling re-checks.

Two figures, each against a baseline in the same run:

1. deciding a family of 4 moments with the power statement (detectable error
   from the noncentral t, trials needed for the tolerance) against Holm alone
   (what the decision cost before), and against the sampling it accompanies;
2. ``recheck`` of a numeric certificate that re-samples from the seed against
   one that only re-decides (the previous behaviour).

Run: ``python benchmarks/bench_power.py``.
"""

from __future__ import annotations

import time

from tpsym.numeric.decision import MomentEstimate, decide_family
from tpsym.proof.certificate import certificate, recheck
from tpsym.proof.claims import Claim, NumericSettings
from tpsym.proof.verify import verify_claim


def best_of(fn, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    est = [MomentEstimate(k, 1.0 + 0.001 * k, 0.004 * k, 9) for k in range(1, 5)]
    family = [("derived", est, [1.0, 1.0, 1.0, 1.0])]
    holm_only = best_of(lambda: decide_family(family, alpha=1e-3), 20)
    with_power = best_of(lambda: decide_family(family, alpha=1e-3, tolerance=0.02, trials=10), 20)
    claim = Claim("rw", "Rademacher Wigner", "arXiv 2011.11439", "numeric",
                  numeric=NumericSettings(law="semicircle()", entries="rademacher", order=4, sizes=(256, 512, 1024), trials=10, seed=11))
    sampling = best_of(lambda: verify_claim(claim), 3)
    print(f"{'decision of 4 moments':<44} {'seconds':>9}")
    print(f"{'  Holm alone (baseline)':<44} {holm_only:9.4f}")
    print(f"{'  Holm + detectable + trials needed':<44} {with_power:9.4f}")
    print(f"{'  the verify run it belongs to (sampling)':<44} {sampling:9.4f}")
    cert = certificate(verify_claim(claim))
    redecide = best_of(lambda: recheck(cert, resample=False), 3)
    resample = best_of(lambda: recheck(cert), 3)
    print(f"{'recheck of universality-rademacher':<44} {'seconds':>9}")
    print(f"{'  re-decide only (baseline)':<44} {redecide:9.4f}")
    print(f"{'  re-sample from the seed':<44} {resample:9.4f}")


if __name__ == "__main__":
    main()
