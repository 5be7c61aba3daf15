"""Matrix-free residual and recurrent samplers: J as products of seeded layers, against J formed densely."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from tpsym.nets import resnet_law, rnn_law
from tpsym.numeric import crosscheck
from tpsym.numeric.architectures import RecurrentSampler, ResidualSampler
from tpsym.numeric.experiment import keeps_weights


def _dense_j(op):
    """J formed from the operator's own layers (dense matrices), step by step."""
    j = np.eye(op.n)
    for w, d, alpha in op.steps:
        wj = d[:, None] * (w.dense() @ j)
        j = wj if alpha is None else j + alpha * wj
    return j


@pytest.mark.parametrize(
    "sampler",
    [
        ResidualSampler(depth=3, activation="tanh", weights="gaussian", sigma_w2=1.5, sigma_b2=0.3, alpha=0.7),
        ResidualSampler(depth=2, activation="relu", weights="orthogonal", sigma_w2=2.0, alpha=0.5),
        RecurrentSampler(steps=3, activation="relu", sigma_w2=2.0, sigma_u2=1.0, sigma_b2=0.5),
        RecurrentSampler(steps=3, activation="erf", sigma_w2=1.0, tied=False),
    ],
)
def test_products_are_the_dense_jacobian(sampler):
    op = sampler.operator(np.random.default_rng(3), 40)
    j = _dense_j(op)
    v = np.random.default_rng(4).standard_normal((40, 5))
    assert np.allclose(op.matvec(v), j @ v) and np.allclose(op.rmatvec(v), j.T @ v)
    assert np.allclose(op(v), j @ (j.T @ v))
    kept = sampler.operator(np.random.default_rng(3), 40, keep=True)
    assert np.array_equal(kept(v), op(v))  # held weights: the same values, bit for bit


def test_tied_operator_shares_one_w():
    op = RecurrentSampler(steps=4, activation="relu", sigma_w2=2.0).operator(np.random.default_rng(0), 16)
    assert len({id(w) for w, _, _ in op.steps}) == 1
    untied = RecurrentSampler(steps=4, activation="relu", sigma_w2=2.0, tied=False).operator(np.random.default_rng(0), 16)
    assert len({id(w) for w, _, _ in untied.steps}) == 4


def test_the_operator_keeps_the_forward_pass_derivatives():
    s = ResidualSampler(depth=2, activation="tanh", sigma_w2=1.0, alpha=0.5)
    rng = np.random.default_rng(7)
    op = s.operator(rng, 30)
    for _w, d, _ in op.steps:
        assert d.shape == (30,) and np.all((d > 0) & (d <= 1))  # tanh' in (0, 1]


@pytest.mark.parametrize(
    "law",
    [
        rnn_law("relu", sigma_w2=2, sigma_u2=1, sigma_b2=0, steps=2),
        resnet_law("relu", "gaussian", sigma_w2=2, sigma_b2=1, depth=2, alpha=sympy.Rational(1, 2)),
    ],
)
def test_matrix_free_crosscheck_confirms(law):
    r = crosscheck(law, 2, sizes=(200, 400), trials=6, workers=0, seed=2, matrix_free=True, probes=8)
    assert r.verdict == "confirmed" and r.matrix_free


def test_memory_estimates_and_keeping():
    s = RecurrentSampler(steps=10, activation="relu", sigma_w2=2.0)
    assert s.matrix_free_bytes(8000) < 2**29
    assert s.matrix_free_bytes(8000, kept=True) - s.matrix_free_bytes(8000) == 8.0 * 8000**2  # one tied W
    u = RecurrentSampler(steps=10, activation="relu", sigma_w2=2.0, tied=False)
    assert u.matrix_free_bytes(8000, kept=True) - u.matrix_free_bytes(8000) == 10 * 8.0 * 8000**2
    assert keeps_weights(s, 2048, workers=1, memory=2.0**34) and not keeps_weights(u, 8000, workers=1, memory=2.0**30)
