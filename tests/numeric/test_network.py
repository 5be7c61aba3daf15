"""Real network Jacobians: J is the derivative of the forward map, D depends on W."""

from __future__ import annotations

import numpy as np
import pytest

from tpsym.errors import InputError, NoSamplerError
from tpsym.numeric.estimate import hutchinson_moments, spectral_moments
from tpsym.numeric.network import (
    GaussianLayer,
    JacobianOperator,
    LayerSpec,
    NetworkSampler,
    forward_layers,
    forward_pass,
    jacobian,
    jacobian_gram,
    resolve_activation,
)


@pytest.mark.parametrize("activation", ["tanh", "erf", "linear"])
@pytest.mark.parametrize("weights", ["gaussian", "orthogonal"])
def test_jacobian_is_the_derivative_of_the_forward_map(activation, weights):
    rng = np.random.default_rng(0)
    f = forward_pass(rng, 12, depth=3, activation=activation, sigma_w2=1.7, sigma_b2=0.3,
                     q_star=0.8, weights=weights)
    j = jacobian(f)
    h = 1e-6
    fd = np.column_stack([(f.output(f.x0 + h * e) - f.output(f.x0 - h * e)) / (2 * h) for e in np.eye(12)])
    assert np.allclose(fd, j, atol=1e-7)


def test_derivatives_come_from_the_forward_pass():
    """D_l = diag(φ'(h^l)) with h^l computed from W_l: recompute it by hand."""
    f = forward_pass(np.random.default_rng(1), 20, depth=2, activation="relu", sigma_w2=2.0, sigma_b2=0.5)
    x = f.x0
    for w, b, d in zip(f.weights, f.biases, f.derivatives, strict=True):
        h = w @ x + b
        assert np.array_equal(d, (h > 0).astype(float))
        x = np.maximum(h, 0)


def test_gaussian_layer_blocks_equal_dense(monkeypatch):
    import tpsym.numeric.network as net

    monkeypatch.setattr(net, "_CHUNK_ELEMENTS", 64)  # several row blocks
    layer = GaussianLayer(entropy=5, n=30, scale=0.2)
    w = layer.dense()
    v = np.random.default_rng(0).standard_normal((30, 3))
    assert np.allclose(layer.matmul(v), w @ v)
    assert np.allclose(layer.rmatmul(v), w.T @ v)
    assert w.std() == pytest.approx(0.2, rel=0.1)


def test_orthogonal_weights_are_scaled_haar():
    f = forward_pass(np.random.default_rng(2), 16, depth=2, activation="linear", sigma_w2=3.0,
                     weights="orthogonal")
    for w in f.weights:
        assert np.allclose(w.T @ w, 3.0 * np.eye(16))


def test_dense_and_matrix_free_agree_on_one_network():
    rng = np.random.default_rng(3)
    f = forward_pass(rng, 60, depth=3, activation="tanh", sigma_w2=1.5)
    op = JacobianOperator(f)
    g = jacobian(f) @ jacobian(f).T
    v = np.random.default_rng(4).standard_normal((60, 4))
    assert np.allclose(op(v), g @ v)
    exact, _ = spectral_moments(g, 3)
    est = np.array([hutchinson_moments(op, 60, 3, np.random.default_rng(s), probes=16)[0] for s in range(200)])
    z = (est.mean(0) - exact) / (est.std(0, ddof=1) / np.sqrt(200))
    assert np.all(np.abs(z) < 5.5)


def test_jacobian_gram_linear_depth_one_is_wishart_mean():
    g = jacobian_gram(np.random.default_rng(5), 200, depth=1, activation="linear", sigma_w2=2.0)
    assert np.allclose(g, g.T)
    assert np.trace(g) / 200 == pytest.approx(2.0, rel=0.05)


def test_network_sampler_from_mlp_and_uniform():
    from tpsym.nets import MLP, Layer

    s = NetworkSampler.from_mlp(MLP(2, "tanh", sigma_w2=2, sigma_b2=1))
    assert len(s.layers) == 2 and s.q_star > 0
    mixed = NetworkSampler.from_mlp(MLP(2, "relu", sigma_w2=2, layers=(Layer(), Layer(activation="tanh"))))
    assert [spec.activation.name for spec in mixed.layers] == ["relu", "tanh"]
    import sympy

    with pytest.raises(NoSamplerError, match="depth L is symbolic"):
        NetworkSampler.from_mlp(MLP(sympy.Symbol("L", positive=True, integer=True), "relu"))
    assert NetworkSampler.uniform(3, "relu", sigma_w2=2.0).sample(np.random.default_rng(0), 8).shape == (8, 8)


def test_bad_network_input():
    with pytest.raises(InputError, match="depth=0"):
        forward_pass(np.random.default_rng(0), 4, depth=0, activation="relu", sigma_w2=1.0)
    with pytest.raises(InputError, match="sigma_w2=-1"):
        LayerSpec("relu", -1.0)
    with pytest.raises(InputError, match="weights='sparse'"):
        LayerSpec("relu", 1.0, 0.0, "sparse")
    with pytest.raises(InputError, match="not a name"):
        resolve_activation(3)
    with pytest.raises(InputError, match="at least one layer"):
        forward_layers(np.random.default_rng(0), 4, ())
