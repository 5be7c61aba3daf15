"""Tests of tpsym.nets.model: the MLP value type, its validation and per-layer mean field."""

from __future__ import annotations

import dataclasses

import mpmath
import pytest
import sympy

from tpsym.errors import DomainError, InputError, SpecError
from tpsym.nets import MLP, Layer, ReLU, Tanh, length_map, mean_field

R = sympy.Rational


@pytest.mark.parametrize(
    ("depth", "match"),
    [
        (0, "depth=0 is not a positive integer"),
        (-2, "depth=-2 is not a positive integer"),
        (2.5, "depth=2.5 is not a positive integer or a sympy symbol"),
        (3.0, "depth=3.0 is not a positive integer or a sympy symbol"),
        (True, "depth=True is not a positive integer"),
        ("3", "depth='3' is not a positive integer"),
        (sympy.Rational(3, 2), "depth=3/2 is not a positive integer"),
        (sympy.Symbol("L", negative=True), "depth=L is not a positive integer symbol"),
        (sympy.Symbol("L", integer=False), "depth=L is not a positive integer symbol"),
    ],
)
def test_bad_depth(depth, match):
    with pytest.raises(InputError, match=match):
        MLP(depth, "relu")


def test_good_depths():
    L = sympy.Symbol("L")
    assert MLP(sympy.Integer(4), "relu").depth == 4 and isinstance(MLP(sympy.Integer(4), "relu").depth, int)
    assert MLP(L, "relu").depth == L
    assert MLP(2 * L, "relu").depth == 2 * L


def test_other_validation():
    with pytest.raises(InputError, match="weights='uniform' is not one of gaussian, orthogonal"):
        MLP(2, "relu", weights="uniform")
    with pytest.raises(SpecError, match="unknown activation 'sigmoid'"):
        MLP(2, "sigmoid")
    with pytest.raises(DomainError, match="sigma_w2=-2 is negative"):
        MLP(2, "relu", sigma_w2=-2)
    with pytest.raises(InputError, match="depth=L must be an int when layer overrides are given"):
        MLP(sympy.Symbol("L"), "relu", layers=(Layer(),))
    with pytest.raises(InputError, match=r"layers\[2\]=3 is not a Layer"):
        MLP(2, "relu", layers=(Layer(), 3))
    with pytest.raises(InputError, match="not a tuple of Layer"):
        MLP(1, "relu", layers=Layer())
    with pytest.raises(InputError, match="weights='x' is not one of"):
        Layer(weights="x")


def test_canonical_and_frozen():
    a = MLP(2, "relu", sigma_w2=2.0)
    b = MLP(2, ReLU(), sigma_w2=2)
    assert a == b and hash(a) == hash(b)
    assert MLP(2, "relu", layers=[Layer(activation="tanh"), Layer(activation="tanh")]) == MLP(2, "tanh")
    mixed = MLP(2, "relu", layers=(Layer(), Layer(weights="orthogonal")))
    assert not mixed.is_uniform
    assert mixed.layer(1).weights == "gaussian" and mixed.layer(2).weights == "orthogonal"
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.depth = 3  # type: ignore[misc]
    with pytest.raises(InputError, match="layer index=3 exceeds depth=2"):
        a.layer(3)


def test_uniform_layers_share_fixed_point():
    net = MLP(3, "tanh", sigma_w2=R(3, 2), sigma_b2=R(1, 20))
    records = net.mean_fields(moments=2, precision=15)
    assert len(records) == 3 and records[0] is records[1] is records[2]
    assert records[0] == net.mean_field(moments=2, precision=15)
    assert records[0].q_is_fixed_point


def test_symbolic_depth():
    net = MLP(sympy.Symbol("L"), "relu", sigma_w2=2)
    assert net.mean_field().critical is True
    with pytest.raises(InputError, match="depth=L is symbolic"):
        net.mean_fields()


def test_per_layer_propagation_exact():
    net = MLP(3, "relu", sigma_w2=2, sigma_b2=1,
              layers=(Layer(sigma_w2=1), Layer(), Layer(activation="linear")))
    records = net.mean_fields(moments=1)
    # q^0 = q*_1 = 1/(1 − 1/2) = 2; q^2 = 2·2/2 + 1 = 3; q^3 = 2·3/2 + 1 = 4
    assert [r.q.value for r in records] == [2, 3, 4]
    assert [r.chi.value for r in records] == [R(1, 2), 1, 2]
    assert records[0].q_is_fixed_point and not records[1].q_is_fixed_point
    with pytest.raises(InputError, match="use mean_fields"):
        net.mean_field()


def test_per_layer_propagation_numeric():
    net = MLP(2, "tanh", sigma_w2=R(3, 2), sigma_b2=R(1, 20), layers=(Layer(), Layer(activation="erf")))
    first, second = net.mean_fields(moments=2, precision=15)
    q2 = length_map("tanh", first.q, sigma_w2=R(3, 2), sigma_b2=R(1, 20), precision=15)
    with mpmath.workdps(40):
        assert abs(second.q.value - q2.value) <= q2.error_bound
        # q* is a fixed point of layer 1, so the erf layer sees q* too
        assert abs(second.q.value - first.q.value) <= 1e-14
        expected_mu1 = (4 / mpmath.pi) / mpmath.sqrt(1 + 4 * second.q.value)
        # mu_1 is enclosed at the true q (certified), expected_mu1 is taken at q's midpoint:
        # they differ by at most |d mu_1/dq| <= 8/pi times q's error bound
        assert abs(second.mu[0].value - expected_mu1) <= second.mu[0].error_bound + 3 * second.q.error_bound + 1e-25
    assert second.activation == mean_field("erf", q=1).activation


def test_given_q0_propagates():
    net = MLP(3, "tanh", sigma_w2=R(3, 2), sigma_b2=R(1, 20))
    records = net.mean_fields(q0=1, moments=1, precision=12)
    qs = [float(r.q.value) for r in records]
    # the iteration moves towards q* ≈ 0.418 monotonically
    assert qs[0] > qs[1] > qs[2] > 0.418 and all(not r.q_is_fixed_point for r in records)
    assert Tanh() == records[0].activation
