"""Benchmark of tpsym.free.fip: the A-valued recursion against the plain NC sum, in one process.

Run:  python benchmarks/bench_fip.py            (about a minute)
      python benchmarks/bench_fip.py --quick    (fewer words, baseline up to 8 weight letters)

It prints
  * the worst and median time of ``fip_moment`` (recursive route) over random
    *-words of length 4..12 in two Gaussian weight families (or one Gaussian
    and one Haar orthogonal) and four diagonal letters, against the plain sum
    over NC(m) (``method="lattice"``, the baseline) on the same words, where
    the baseline finishes (m <= --baseline-max weight letters);
  * the 24-weight word (J Jt)^4 of m_4 of a depth-3 ReLU network (48
    letters), recursive route only (the NC sum has Catalan(24) ~ 1.3e12 terms).
Targets (issue 12): every word of length <= 12 under 1 s; the m_4 word under 2 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import sympy

from tpsym.free.fip import Alphabet, DiagonalLetter, IndependentDiagonals, WeightLetter, fip_moment
from tpsym.laws import bernoulli


def alphabet(second: str) -> Alphabet:
    half = bernoulli(sympy.Rational(1, 2), 0, 1)
    third = bernoulli(sympy.Rational(1, 3), 1, 2)
    return Alphabet(
        weights=[WeightLetter("A", variance=2), WeightLetter("B", ensemble=second, variance=sympy.Symbol("s"))],
        diagonals=[DiagonalLetter(f"D{i}") for i in range(4)],
        law=IndependentDiagonals({f"D{i}": half if i % 2 else third for i in range(4)}),
    )


def words(rng: random.Random, count: int) -> list[list[tuple[str, bool]]]:
    out = []
    for _ in range(count):
        n = rng.randint(4, 12)
        out.append([(rng.choice(["D0", "D1", "D2", "D3"]), False) if rng.random() < 0.35 else (rng.choice("AB"), rng.random() < 0.5) for _ in range(n)])
    # the worst case: 12 weight letters in alternating transposes of one family, diagonals between
    out.append([("A", i % 2 == 1) for i in range(12)])
    out.append([x for i in range(6) for x in (("A", i % 2 == 1), (f"D{i % 4}", False))])
    return out


def timed(f, *args, **kw):
    start = time.perf_counter()
    value = f(*args, **kw)
    return time.perf_counter() - start, value


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--baseline-max", type=int, default=10, help="largest number of weight letters for the NC-sum baseline")
    args = ap.parse_args()
    rng = random.Random(2026)
    count = 20 if args.quick else 60
    bmax = min(args.baseline_max, 8) if args.quick else args.baseline_max
    for second in ("gaussian", "orthogonal"):
        ab = alphabet(second)
        fast, slow, speedups = [], [], []
        for w in words(rng, count):
            t, v = timed(fip_moment, w, ab)
            fast.append(t)
            m = sum(1 for x in w if x[0] in "AB")
            if m <= bmax:
                tb, vb = timed(fip_moment, w, ab, method="lattice")
                assert sympy.simplify(v - vb) == 0, w
                slow.append(tb)
                speedups.append(tb / t)
        print(f"A gaussian, B {second}, 4 diagonal letters, {len(fast)} words of length 4..12:")
        print(f"  recursive:  worst {max(fast):.3f} s, median {statistics.median(fast) * 1e3:.1f} ms   (target < 1 s)")
        if slow:
            print(f"  NC sum (baseline, words with <= {bmax} weights): worst {max(slow):.3f} s, median {statistics.median(slow) * 1e3:.1f} ms; "
                  f"speed-up median {statistics.median(speedups):.1f}x, max {max(speedups):.1f}x")
    from tpsym.nets import jacobian_law
    from tpsym.nets.words import network_mixed_moment

    law = jacobian_law("relu", sigma_w2=2, depth=3)
    t, v = timed(network_mixed_moment, " ".join(["J Jt"] * 4), {"J": law})
    print(f"m_4 of a depth-3 ReLU network as the word (J Jt)^4 (24 weights, 48 letters): {v} in {t:.3f} s (target < 2 s; law: {law.moment(4)})")
    law = jacobian_law("relu", sigma_w2=2, depth=3, widths=(1, 2, 3, 2))
    t, v = timed(network_mixed_moment, " ".join(["J Jt"] * 4), {"J": law})
    print(f"  the same, widths (1, 2, 3, 2): {v} in {t:.3f} s (law: {law.moment(4)})")


if __name__ == "__main__":
    main()
