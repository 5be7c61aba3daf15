"""Slow, obvious reference values for the numeric tests (exact rationals).

Moments from an S-transform by series reversion (Voiculescu's S-transform:
``χ(z) = z·S(z)/(1+z)`` is the compositional inverse of ``ψ(x) = Σ_{k≥1} m_k x^k``;
Nica & Speicher, Lectures on the Combinatorics of Free Probability, Lecture 18),
and targets that wrap a plain sampler function for :func:`estimate_moments`.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb


def _mul(a, b, n):
    return [sum(a[i] * b[k - i] for i in range(k + 1)) for k in range(n)]


def moments_from_s(s, order):
    """m_1..m_order of the law whose S-transform has coefficients ``s`` (s_0 ≠ 0)."""
    n = order + 1
    s = [Fraction(x) for x in s] + [Fraction(0)] * n
    inv1pz = [Fraction((-1) ** k) for k in range(n)]
    chi = [Fraction(0)] + _mul(s[:n], inv1pz, n)[: n - 1]
    psi = [Fraction(0)] * n
    psi[1] = 1 / chi[1]
    for k in range(2, n):
        comp = [Fraction(0)] * n
        power = [Fraction(1)] + [Fraction(0)] * (n - 1)
        for j in range(1, n):
            power = _mul(power, psi, n)
            comp = [comp[i] + chi[j] * power[i] for i in range(n)]
        psi[k] = -comp[k] / chi[1]
    return psi[1 : order + 1]


def mp_product(ratios, order):
    """Moments of MP(c_1) ⊠ ... ⊠ MP(c_r): S(z) = Π 1/(1 + c_i z)."""
    n = order + 1
    s = [Fraction(1)] + [Fraction(0)] * (n - 1)
    for c in ratios:
        s = _mul(s, [Fraction(-Fraction(c)) ** k for k in range(n)], n)
    return moments_from_s(s, order)


def catalan(k):
    """OEIS A000108."""
    return comb(2 * k, k) // (k + 1)


def semicircle_moments(order, variance=1):
    """m_2j = C_j σ^(2j), odd moments 0 (OEIS A000108)."""
    return [0 if k % 2 else catalan(k // 2) * Fraction(variance) ** (k // 2) for k in range(1, order + 1)]


def narayana_mp(c, order):
    """Marchenko–Pastur ratio c: m_n = Σ_k N(n,k) c^(k-1) (Narayana numbers, OEIS A001263)."""
    c = Fraction(c)
    return [
        sum(Fraction(comb(n, k) * comb(n, k - 1), n) * c ** (k - 1) for k in range(1, n + 1))
        for n in range(1, order + 1)
    ]


def fuss_catalan(s, order):
    """Moments of MP(1)^⊠s: binom((s+1)k, k)/(s k + 1) (OEIS A001764 for s = 2)."""
    return [Fraction(comb((s + 1) * k, k), s * k + 1) for k in range(1, order + 1)]


class FnTarget:
    """A cross-check target made of a module-level sampler function ``fn(rng, n)``."""

    def __init__(self, fn, expected, description="fn"):
        self.fn = fn
        self.expected = tuple(float(x) for x in expected)
        self.description = description

    def sample(self, rng, n):
        return self.fn(rng, n)

    def operator(self, rng, n):
        a = self.fn(rng, n)
        return lambda v: a @ v

    def dense_bytes(self, n):
        return 8.0 * n * n * 6

    def matrix_free_bytes(self, n):
        return self.dense_bytes(n)

    def expected_moments(self, order):
        return self.expected[:order]


def relu_depth4_moments(order):
    """JJᵀ of a critical ReLU network (σ_w² = 2, σ_b² = 0), depth 4.

    S_{JJᵀ} = Π_l S_{σ_w² MP(1)} S_{Bernoulli(1/2)} = (1/(2(1+z)) · (1+z)/(1/2+z))^4
    = (1 + 2z)^(-4): MP(2)^⊠4 (Pennington, Schoenholz & Ganguli, arXiv 1711.04735,
    Sec. 2.3, S-transform of JJᵀ as the product over layers).
    """
    return mp_product([2, 2, 2, 2], order)


def linear_depth4_moments(order):
    """JJᵀ of a depth-4 linear network with σ_w² = 1: Fuss–Catalan, s = 4."""
    return fuss_catalan(4, order)
