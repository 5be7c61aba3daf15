"""The samplers: exact Haar statistics, spectra with exact moments, limit laws.

Statistical tests here compare a sample mean with an *exact* expectation and
an *exact* variance (no estimated tolerance), at a z-threshold of 5.5
(two-sided false-alarm rate 3.8e-8 per assertion), with fixed seeds.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

import numpy as np
import pytest

from tpsym.errors import DomainError, InputError
from tpsym.numeric import ensembles as S
from tpsym.numeric.experiment import estimate_moments
from tpsym.numeric.decision import decide

from numeric import _oracle as O

Z = 5.5  # two-sided tail 3.8e-8


def _trace_stats(sampler, n, trials, seed):
    rng = np.random.default_rng(seed)
    tr = np.empty(trials)
    det = np.empty(trials)
    for i in range(trials):
        o = sampler(rng, n)
        tr[i] = np.trace(o)
        det[i] = np.linalg.det(o)
    return tr, det


# Haar measure on O(n): tr O has the moments of a standard normal up to order n
# (Diaconis & Shahshahani, J. Appl. Probab. 31A (1994) 49, Thm. 4), so for n ≥ 4:
# E[tr O] = 0, Var(tr O) = 1, E[(tr O)²] = 1, Var((tr O)²) = E[(tr O)⁴] - 1 = 2;
# det O = ±1 with probability 1/2 each.
HAAR_N, HAAR_T = 6, 4000


def test_haar_is_orthogonal():
    o = S.haar_orthogonal(np.random.default_rng(0), 50)
    assert np.allclose(o.T @ o, np.eye(50), atol=1e-12)


def test_haar_exact_trace_and_determinant_statistics():
    tr, det = _trace_stats(S.haar_orthogonal, HAAR_N, HAAR_T, seed=11)
    assert abs(tr.mean() / np.sqrt(1 / HAAR_T)) < Z
    assert abs((np.mean(tr**2) - 1) / np.sqrt(2 / HAAR_T)) < Z
    plus = np.mean(det > 0)
    assert abs((plus - 0.5) / np.sqrt(0.25 / HAAR_T)) < Z
    assert np.allclose(np.abs(det), 1)


def test_uncorrected_qr_fails_the_haar_test():
    """Negative control: orthogonal, but E[(tr Q)²] ≠ 1 (no sign correction)."""
    q = S.haar_orthogonal_uncorrected(np.random.default_rng(0), 20)
    assert np.allclose(q.T @ q, np.eye(20), atol=1e-12)
    tr, det = _trace_stats(S.haar_orthogonal_uncorrected, HAAR_N, HAAR_T, seed=11)
    z = (np.mean(tr**2) - 1) / np.sqrt(2 / HAAR_T)
    assert abs(z) > Z


def test_rotate_keeps_the_spectrum():
    d = np.array([3.0, -1.0, 0.5, 2.0])
    b = S.rotate(np.random.default_rng(1), d, diagonal=True)
    assert np.allclose(np.linalg.eigvalsh(b), np.sort(d))
    assert np.allclose(b, b.T)


def test_arcsine_spectrum_moments_are_exact():
    # central binomial coefficients binom(2j, j), OEIS A000984
    s = S.arcsine_spectrum(32)
    for k in range(1, 20):
        exact = 0.0 if k % 2 else float(comb(k, k // 2))
        assert np.mean(s**k) == pytest.approx(exact, abs=1e-9 * max(1.0, exact))


def test_arcsine_spectrum_shifted_interval():
    s = S.arcsine_spectrum(64, 0.0, 2.0)  # = Bernoulli(1/2) ⊞ Bernoulli(1/2)
    assert np.mean(s) == pytest.approx(1.0)
    assert np.mean(s**4) == pytest.approx(35 / 8)


def test_semicircle_spectrum_converges():
    s = S.semicircle_spectrum(4000, variance=2.0, mean=1.0)
    assert np.mean(s) == pytest.approx(1.0, abs=1e-12)
    assert np.mean((s - 1) ** 2) == pytest.approx(2.0, rel=1e-4)
    assert np.mean((s - 1) ** 4) == pytest.approx(8.0, rel=1e-3)  # C_2 σ⁴


def test_randomised_round_is_unbiased():
    rng = np.random.default_rng(3)
    x = np.array([S.randomised_round(rng, 10.3) for _ in range(20000)])
    assert set(np.unique(x)) == {10, 11}
    assert abs((x.mean() - 10.3) / np.sqrt(0.3 * 0.7 / x.size)) < Z


def test_bernoulli_spectrum_counts():
    d = S.bernoulli_spectrum(np.random.default_rng(0), 10, 0.3, a=-1, b=2)
    assert sorted(d.tolist()) == [-1.0] * 7 + [2.0] * 3
    with pytest.raises(DomainError, match="p=1.5"):
        S.bernoulli_spectrum(np.random.default_rng(0), 10, 1.5)


def test_bad_sizes_and_entries():
    with pytest.raises(InputError, match="n=0"):
        S.wigner(np.random.default_rng(0), 0)
    with pytest.raises(InputError, match="entries='cauchy'"):
        S.wigner(np.random.default_rng(0), 4, entries="cauchy")
    with pytest.raises(DomainError, match="rate=0"):
        S.free_poisson_matrix(np.random.default_rng(0), 4, rate=0)


def test_wigner_normalisation_goe():
    n = 400
    rng = np.random.default_rng(5)
    w = np.array([S.wigner(rng, n, variance=3.0) for _ in range(4)])
    off = w[:, np.triu_indices(n, 1)[0], np.triu_indices(n, 1)[1]]
    diag = np.array([np.diagonal(x) for x in w])
    # variances 3/n off the diagonal and 6/n on it; exact sd of a sample variance of
    # m Gaussians is σ²·sqrt(2/m)
    assert abs(off.var() / (3 / n) - 1) < Z * np.sqrt(2 / off.size)
    assert abs(diag.var() / (6 / n) - 1) < Z * np.sqrt(2 / diag.size)


def _student(rng, shape):
    # Student t with 7 degrees of freedom, standardised (variance 7/5): finite 4th moment
    return rng.standard_t(7, size=shape) / np.sqrt(7 / 5)


def _wigner_rademacher(rng, n):
    return S.wigner(rng, n, entries="rademacher")


def _wigner_uniform(rng, n):
    return S.wigner(rng, n, entries="uniform")


def _wigner_student(rng, n):
    return S.wigner(rng, n, entries=_student)


def _wigner_goe(rng, n):
    return S.wigner(rng, n)


def _wishart_half(rng, n):
    return S.wishart(rng, n, 2 * n)  # n/m = 1/2


def _wishart_two(rng, n):
    return S.wishart(rng, n, n // 2)  # n/m = 2


def _free_sum_sc(rng, n):
    return S.free_sum(rng, S.wigner(rng, n), S.spectrum_matrix(rng, S.arcsine_spectrum(n)))


def _free_product_mp(rng, n):
    return S.free_product(rng, S.wishart(rng, n, 2 * n), S.wishart(rng, n, 2 * n))


CASES = [
    # (sampler, exact moments m1..m4, source)
    (_wigner_goe, O.semicircle_moments(4), "Catalan, OEIS A000108"),
    (_wigner_rademacher, O.semicircle_moments(4), "universality, arXiv 2011.11439"),
    (_wigner_uniform, O.semicircle_moments(4), "universality, arXiv 2011.11439"),
    (_wigner_student, O.semicircle_moments(4), "universality, arXiv 2011.11439"),
    (_wishart_half, O.narayana_mp(Fraction(1, 2), 4), "Narayana, OEIS A001263"),
    (_wishart_two, O.narayana_mp(2, 4), "Narayana, OEIS A001263"),
    # semicircle ⊞ arcsine[-2,2]: free cumulants add, κ2 = 1 + 2, κ4 = 0 + (6 - 2·2²);
    # m4 = κ4 + 2κ2² (moment-cumulant formula, NC(4)) = -2 + 18
    (_free_sum_sc, [0, 3, 0, 16], "κ add (Nica-Speicher Lecture 12)"),
    (_free_product_mp, O.mp_product([Fraction(1, 2)] * 2, 4), "S-transform product"),
]


@pytest.mark.parametrize(("fn", "expected", "source"), CASES, ids=[c[0].__name__ for c in CASES])
def test_samplers_converge_to_their_laws(fn, expected, source):
    est = estimate_moments(O.FnTarget(fn, expected), 4, sizes=(64, 128), trials=12, seed=2, workers=0)
    d = decide(est, [float(x) for x in expected], alpha=1e-3)
    assert d.verdict == "confirmed", [t.to_dict() for t in d.failures]
