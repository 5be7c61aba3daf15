"""Estimators: eigenvalue moments against a naive oracle, Hutchinson unbiased, errors."""

from __future__ import annotations

import numpy as np
import pytest

from tpsym.errors import InputError
from tpsym.numeric.estimate import (
    GramOperator,
    hutchinson_moments,
    moments_from_eigenvalues,
    rounding_floor,
    spectral_moments,
    trial_statistics,
)


def _naive_moments(a, order):
    n = a.shape[0]
    out, p = [], np.eye(n)
    for _ in range(order):
        p = p @ a
        out.append(np.trace(p) / n)
    return np.array(out)


@pytest.mark.parametrize("seed", range(4))
def test_spectral_moments_equal_traces_of_powers(seed):
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((30, 30))
    a = (g + g.T) / np.sqrt(60)
    m, absolute = spectral_moments(a, 6)
    assert np.allclose(m, _naive_moments(a, 6), rtol=1e-10, atol=1e-12)
    assert np.all(absolute >= np.abs(m) - 1e-12)


def test_moments_from_eigenvalues_table():
    m, a = moments_from_eigenvalues(np.array([1.0, -2.0]), 3)
    assert m.tolist() == [-0.5, 2.5, -3.5]
    assert a.tolist() == [1.5, 2.5, 4.5]


class _Gram:
    def __init__(self, f):
        self.f = f
        self.n = f.shape[0]

    def matvec(self, v):
        return self.f @ v

    def rmatvec(self, v):
        return self.f.T @ v


def test_hutchinson_is_unbiased_symmetric_and_gram():
    rng = np.random.default_rng(0)
    n = 40
    f = rng.standard_normal((n, n)) / np.sqrt(n)
    a = f @ f.T
    exact = _naive_moments(a, 5)
    assert isinstance(_Gram(f), GramOperator)
    for op in (lambda v: a @ v, _Gram(f)):
        est = np.array([hutchinson_moments(op, n, 5, rng, probes=8)[0] for _ in range(400)])
        z = (est.mean(axis=0) - exact) / (est.std(axis=0, ddof=1) / np.sqrt(len(est)))
        assert np.all(np.abs(z) < 5.5), z  # two-sided false alarm 3.8e-8 per moment


def test_hutchinson_gram_equals_symmetric_route_for_same_probes():
    rng = np.random.default_rng(1)
    f = rng.standard_normal((25, 25))
    a = f @ f.T
    m1, _ = hutchinson_moments(lambda v: a @ v, 25, 4, np.random.default_rng(7), probes=5)
    m2, _ = hutchinson_moments(_Gram(f), 25, 4, np.random.default_rng(7), probes=5)
    assert np.allclose(m1, m2, rtol=1e-10)


def test_trial_statistics_and_floor():
    s = trial_statistics(np.array([[1.0, 2.0], [3.0, 2.0]]), floor=np.array([0.0, 1e-12]))
    assert s.mean.tolist() == [2.0, 2.0]
    assert s.stderr[0] == pytest.approx(1.0)
    assert s.stderr[1] == pytest.approx(1e-12)
    assert s.df == 1
    with pytest.raises(InputError, match="trials=1"):
        trial_statistics(np.ones((1, 3)))


def test_rounding_floor_scales_with_k_and_n():
    f = rounding_floor(np.array([2.0, 4.0]), 100)
    assert f[1] / f[0] == pytest.approx(4.0)


def test_bad_arguments():
    with pytest.raises(InputError, match="order=0"):
        spectral_moments(np.eye(2), 0)
    with pytest.raises(InputError, match="square"):
        spectral_moments(np.ones((2, 3)), 2)
    with pytest.raises(InputError, match="probes=0"):
        hutchinson_moments(lambda v: v, 3, 2, np.random.default_rng(0), probes=0)
