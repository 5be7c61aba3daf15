"""Benchmark: exact moments of J Jᵀ for residual and recurrent networks.

tpsym computes m_1..m_4 of a linear residual network J = Π_l (I + α W_l)
(Gaussian weights, α = 1/2) as the ⊠-power of one block's law: O(k²) for the
block, then the S-transform route, whatever the depth (and with the depth a
symbol). The baseline, in the same process, is plain word expansion: every
factor I + αW_l of the 2k copies of J, Jᵀ in tr((J Jᵀ)^k) is 1 or αW_l, and
each of the 2^(2kL) words is evaluated by Wick's formula for free circular
elements (non-crossing pairings of W_l with W_lᵀ of the same layer). Both
give the same numbers where the baseline finishes (checked); it stops once
2^(2kL) exceeds 2^22 words (depth 10 is far beyond: 2^80 words for m_4).

The same for a ReLU residual network (σ_w² = 2, α = 1/2): tpsym's transfer
recursion over the diagonal algebra (one step per block) against the plain
expansion of the whole word with every layer's D's
(``tests/nets/_resnet_words.py``, the test oracle), which stops at the same
place.

The linear RNN (one W over T steps) is the ⊠-power of σ_w² MP(1): m_1..m_4
at T = 10 and at a symbolic T.

The ReLU RNN (one W, σ_w² = 2, σ_u² = σ_b² = 1): tpsym's ⊠-power of one
untied step against the FIP engine (tpsym.free.fip, its polynomial
operator-valued recursion) run on the tied word (D_T W ··· D_1 W Wᵀ D_1 ···)^k
with the cross-time orthant law of the D's, up to a time budget; and the
large-depth law resnet_limit (moments, density).

Run from the repository root: ``PYTHONPATH=. python benchmarks/bench_architectures.py``.
"""

from __future__ import annotations

import itertools
import time
from fractions import Fraction
from functools import lru_cache

import sympy

from tpsym.laws.base import _law_moments
from tpsym.nets import resnet_law, rnn_law

ALPHA = Fraction(1, 2)
MAX_WORDS = 1 << 22


@lru_cache(maxsize=None)
def _pairings(word: tuple[tuple[int, int], ...]) -> int:
    """NC pairings of letters (layer, 1 for W / 0 for Wᵀ), each pair one W_l with one W_lᵀ."""
    if not word:
        return 1
    if len(word) % 2:
        return 0
    total = 0
    for j in range(1, len(word), 2):
        if word[0][0] == word[j][0] and word[0][1] != word[j][1]:
            total += _pairings(word[1:j]) * _pairings(word[j + 1:])
    return total


def word_expansion(depth: int, k: int) -> Fraction | None:
    """m_k by expanding every factor (None when there are more than MAX_WORDS words)."""
    if 2 ** (2 * k * depth) > MAX_WORDS:
        return None
    # tr((J Jᵀ)^k), J = A_L ··· A_1: the letters of one copy of J Jᵀ, left to right
    copy = [(layer, 1) for layer in range(depth, 0, -1)] + [(layer, 0) for layer in range(1, depth + 1)]
    letters = copy * k
    total = Fraction(0)
    for mask in itertools.product((0, 1), repeat=len(letters)):
        word = tuple(x for x, m in zip(letters, mask) if m)
        if len(word) % 2 == 0:
            count = _pairings(word)
            if count:
                total += count * ALPHA ** len(word)
    return total


def main() -> None:
    print("linear residual network, Gaussian weights, alpha = 1/2, sigma_w^2 = 1: m_1..m_4 of J Jᵀ")
    print(f"{'depth':>5}  {'tpsym (s)':>10}  {'word expansion (s)':>19}  agree")
    for depth in (1, 2, 3, 10):
        _law_moments.cache_clear()
        start = time.perf_counter()
        ours = resnet_law("linear", "gaussian", sigma_w2=1, depth=depth, alpha=sympy.Rational(1, 2)).moments(4)
        t_ours = time.perf_counter() - start
        start = time.perf_counter()
        base = [word_expansion(depth, k) for k in range(1, 5)]
        t_base = time.perf_counter() - start
        if any(b is None for b in base):
            done = [k for k, b in enumerate(base, 1) if b is not None]
            note = f"stops after m_{max(done)}" if done else "does not start"
            print(f"{depth:>5}  {t_ours:>10.3f}  {'(' + note + ')':>19}  -")
        else:
            agree = all(sympy.Rational(b.numerator, b.denominator) == m for b, m in zip(base, ours))
            print(f"{depth:>5}  {t_ours:>10.3f}  {t_base:>19.3f}  {agree}")
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.nets._resnet_words import residual_moment

    relu = lambda a: Fraction(1) if a == 0 else Fraction(1, 2)  # noqa: E731
    print("ReLU residual network, Gaussian weights, sigma_w^2 = 2, alpha = 1/2: m_1..m_4 of J Jᵀ")
    print(f"{'depth':>5}  {'tpsym (s)':>10}  {'word expansion (s)':>19}  agree")
    for depth in (1, 2, 3, 10):
        _law_moments.cache_clear()
        start = time.perf_counter()
        ours = resnet_law("relu", "gaussian", sigma_w2=2, depth=depth, alpha=sympy.Rational(1, 2)).moments(4)
        t_ours = time.perf_counter() - start
        start = time.perf_counter()
        base = [
            residual_moment(depth, k, Fraction(1, 2), relu) if 2 ** (2 * k * depth) <= MAX_WORDS else None
            for k in range(1, 5)
        ]
        t_base = time.perf_counter() - start
        if any(b is None for b in base):
            done = [k for k, b in enumerate(base, 1) if b is not None]
            note = f"stops after m_{max(done)}" if done else "does not start"
            print(f"{depth:>5}  {t_ours:>10.3f}  {'(' + note + ')':>19}  -")
        else:
            agree = all(sympy.Rational(b.numerator, b.denominator) == m for b, m in zip(base, ours))
            print(f"{depth:>5}  {t_ours:>10.3f}  {t_base:>19.3f}  {agree}")
    L = sympy.Symbol("L", positive=True, integer=True)
    _law_moments.cache_clear()
    start = time.perf_counter()
    resnet_law("linear", "gaussian", sigma_w2=1, depth=L, alpha=sympy.Symbol("a")).moments(4)
    print(f"symbolic depth L and alpha: m_1..m_4 in {time.perf_counter() - start:.3f} s")
    for steps in (10, sympy.Symbol("T", positive=True, integer=True)):
        _law_moments.cache_clear()
        start = time.perf_counter()
        m = rnn_law("linear", sigma_w2=1, steps=steps).moments(4)
        print(f"linear RNN, steps={steps}: m_1..m_4 = {m if steps == 10 else '(polynomials in T)'} in {time.perf_counter() - start:.3f} s")

    relu_rnn()
    matrix_free()


def matrix_free(sizes: tuple[int, ...] = (1024, 2048)) -> None:
    """One trial of a depth-10 ReLU residual network and a 10-step tied ReLU RNN: dense J against products."""
    import numpy as np

    from tpsym.numeric.architectures import RecurrentSampler, ResidualSampler
    from tpsym.numeric.estimate import hutchinson_moments, spectral_moments

    print("one trial, m_1..m_4: dense (form J, eigvalsh) against matrix-free (8 probes, weights regenerated / held)")
    print(f"{'network':>22}  {'n':>5}  {'dense (s)':>9}  {'regenerated (s)':>15}  {'held (s)':>8}")
    for name, s in (
        ("ReLU resnet, depth 10", ResidualSampler(depth=10, activation="relu", sigma_w2=2.0, alpha=0.5)),
        ("ReLU RNN, 10 steps", RecurrentSampler(steps=10, activation="relu", sigma_w2=2.0, sigma_u2=1.0)),
    ):
        for n in sizes:
            t = []
            start = time.perf_counter()
            spectral_moments(s.sample(np.random.default_rng(0), n), 4)
            t.append(time.perf_counter() - start)
            for keep in (False, True):
                start = time.perf_counter()
                rng = np.random.default_rng(0)
                hutchinson_moments(s.operator(rng, n, keep=keep), n, 4, rng, probes=8)
                t.append(time.perf_counter() - start)
            print(f"{name:>22}  {n:>5}  {t[0]:>9.3f}  {t[1]:>15.3f}  {t[2]:>8.3f}")


def relu_rnn(budget: float = 20.0) -> None:
    """The ReLU RNN: ⊠-power against the FIP engine on the tied word."""
    from tpsym.free.fip import Alphabet, DiagonalLetter, GaussianDiagonals, Step, WeightLetter, fip_moment
    from tpsym.laws.density import density
    from tpsym.nets import resnet_limit, rnn_kernel

    print("ReLU RNN, one W, sigma_w^2 = 2, sigma_u^2 = sigma_b^2 = 1: m_1..m_4 of J Jᵀ")
    print(f"{'steps':>5}  {'tpsym (s)':>10}  {'FIP engine on the tied word (s)':>32}  agree")
    spent = 0.0
    for steps in (2, 3, 4, 10):  # T = 6 on the FIP engine: 116 s (measured once)
        _law_moments.cache_clear()
        start = time.perf_counter()
        ours = rnn_law("relu", sigma_w2=2, sigma_u2=1, sigma_b2=1, steps=steps).moments(4)
        t_ours = time.perf_counter() - start
        if spent > budget:
            print(f"{steps:>5}  {t_ours:>10.3f}  {'(not run: budget ' + str(budget) + ' s spent)':>32}  -")
            continue
        start = time.perf_counter()
        K = rnn_kernel("relu", 2, 1, 1, steps)
        ab = Alphabet(
            weights=[WeightLetter("W", variance=2)],
            diagonals=[DiagonalLetter(f"D{t}") for t in range(1, steps + 1)],
            law=GaussianDiagonals({f"D{t}": (Step(), t - 1) for t in range(1, steps + 1)}, K),
        )
        J = " ".join(f"D{t} W" for t in range(steps, 0, -1))
        Jt = " ".join(f"W' D{t}" for t in range(1, steps + 1))
        base = [sympy.nsimplify(sympy.simplify(fip_moment(" ".join([J, Jt] * k), ab))) for k in range(1, 5)]
        t_base = time.perf_counter() - start
        spent += t_base
        print(f"{steps:>5}  {t_ours:>10.3f}  {t_base:>32.3f}  {tuple(base) == ours}")
    start = time.perf_counter()
    rnn_law("relu", sigma_w2=2, steps=sympy.Symbol("T", positive=True, integer=True)).moments(4)
    print(f"ReLU RNN, symbolic T: m_1..m_4 in {time.perf_counter() - start:.3f} s")
    start = time.perf_counter()
    resnet_limit(sigma_w2=1, a=1).moments(10)
    t_m = time.perf_counter() - start
    start = time.perf_counter()
    r = density(resnet_limit(sigma_w2=1, a=1), check_moments=6)
    print(f"resnet_limit(sigma_w2=1, a=1): m_1..m_10 in {t_m:.3f} s; density on {len(r.x)} points with 6 moment checks "
          f"in {time.perf_counter() - start:.3f} s (largest moment error {max(r.moment_errors):.1e})")


if __name__ == "__main__":
    main()
