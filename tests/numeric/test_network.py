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


def test_law_with_a_given_q_is_sampled_at_that_q():
    # depth 1: the input is rescaled so that h^1 ~ N(0, q); the derived law is that of
    # D² at q = 1/2, not at the fixed point q* ≈ 0.6180 (tanh, σ_w² = 2), and the two differ
    from tpsym.numeric import crosscheck
    from tpsym.spec import parse_spec

    law = parse_spec("jacobian(activation=tanh, sigma_w2=2, depth=1, q=1/2)")
    at_fixed_point = parse_spec("jacobian(activation=tanh, sigma_w2=2, depth=1)")
    result = crosscheck(law, 2, sizes=(256, 512), trials=6, seed=1, workers=1)
    assert result.verdict == "confirmed"
    m1, fixed_m1 = float(law.moments(1)[0]), float(at_fixed_point.moments(1)[0])
    estimate = result.estimates[0]
    assert abs(estimate.estimate - m1) < 4 * estimate.stderr < abs(fixed_m1 - m1)


def test_first_q_gives_layer_one_its_variance():
    rng = np.random.default_rng(3)
    spec = LayerSpec("tanh", 2.0, 0.25)
    pre = []
    for _ in range(20):
        f = forward_layers(rng, 500, (spec,), first_q=0.75)
        pre.append(np.arctanh(np.clip(np.sqrt(1 - f.derivatives[0]), 0, 1 - 1e-16)))  # |h^1|
    h2 = np.mean(np.concatenate(pre) ** 2)
    assert abs(h2 - 0.75) < 0.02
    with pytest.raises(InputError, match="at least sigma_b2=0.25"):
        forward_layers(rng, 10, (spec,), first_q=0.1)


def test_zero_fixed_point_is_sampled_at_its_limit():
    # tanh with σ_w² = 1/2, no bias: q* = 0, D = 1, J = W_3 W_2 W_1; starting at variance 1
    # would drift and bias m_1 below 1/8
    import sympy

    from tpsym.nets import MLP

    s = NetworkSampler.from_mlp(MLP(3, "tanh", sigma_w2=sympy.Rational(1, 2)))
    assert 0 < s.q_star < 1e-20  # the limit q -> 0+
    f = s.forward(np.random.default_rng(0), 64)
    assert all(np.all(d == 1.0) for d in f.derivatives)
    assert NetworkSampler.from_mlp(MLP(3, "relu", sigma_w2=1)).q_star == 1.0  # ReLU: the scale does not matter


SAMPLED = [
    # (spec, what the sampler must do)
    "jacobian(activation=tanh, sigma_w2=2, depth=1, q=1/2)",  # depth 1: input rescaled to q
    "jacobian(activation=relu, sigma_w2=1, sigma_b2=1, depth=3, q=2)",  # q = q* = σ_b²/(1 − σ_w²/2)
    "jacobian(activation=relu, sigma_w2=2, depth=2, q=1/2)",  # the law depends on no q
    "jacobian(activation=linear, sigma_w2=1, depth=2, q=1)",
    "jacobian(activation=relu, sigma_w2=1, depth=3, q=2)",
    "jacobian(activation=leaky_relu, slope=1/2, sigma_w2=1, depth=1, q=0)",
    "jacobian(activation=(relu, tanh), sigma_w2=(1, 1), depth=2)",  # layer 1 q* = 0, so tanh sits at 0
    "jacobian(activation=(tanh, relu), sigma_w2=(2, 2), sigma_b2=(1/10, 0), depth=2, q=1/2)",  # q^0
    "jacobian(activation=tanh, sigma_w2=1/2, depth=2, q=0)",  # 0 is the fixed point
]


@pytest.mark.parametrize("spec", SAMPLED)
def test_jacobian_laws_are_confirmed_by_their_networks(spec):
    # without the control variate, so that a control whose mean-field value is not that of
    # the sampled network cannot pull a wrong estimate toward the law
    from tpsym.numeric import crosscheck
    from tpsym.spec import parse_spec

    law = parse_spec(spec)
    for control in (False, True):
        result = crosscheck(law, 2, sizes=(128, 256), trials=8, seed=1, workers=0, control_variate=control)
        assert result.verdict == "confirmed", (control, [(e.estimate, e.stderr) for e in result.estimates])


def test_laws_no_network_realises_have_no_sampler():
    from tpsym.numeric.experiment import as_target
    from tpsym.spec import parse_spec

    with pytest.raises(NoSamplerError, match=r"q=0.5 is not a fixed point of the length map \(it maps q to 0.5473"):
        as_target(parse_spec("jacobian(activation=tanh, sigma_w2=2, depth=2, q=1/2)"))
    with pytest.raises(NoSamplerError, match="d2=law"):
        as_target(parse_spec("jacobian(activation=linear, sigma_w2=1, depth=2, d2=law(moments=mu))"))
    with pytest.raises(NoSamplerError, match="q=0.5 is below sigma_b2=1.0"):
        as_target(parse_spec("jacobian(activation=tanh, sigma_w2=1, sigma_b2=1, depth=1, q=1/2)"))
    target = as_target(parse_spec("jacobian(activation=relu, sigma_w2=1, sigma_b2=1, depth=3, q=2)"))
    assert target.q_star == 2.0
    from tpsym.nets import MLP

    with pytest.raises(InputError, match="is not a real number"):
        NetworkSampler.from_mlp(MLP(1, "tanh"), q=1j)
