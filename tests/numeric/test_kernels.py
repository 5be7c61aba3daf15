"""Monte Carlo of real finite-width networks against the kernel recursions, and the mix-ups refuted."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from tpsym.errors import DomainError
from tpsym.nets import kernels
from tpsym.numeric.kernels import crosscheck_kernel, empirical_kernels

R = sympy.Rational
SETTING = dict(sigma_w2=1.5, sigma_b2=0.1, depth=3, q1=1.0, q2=0.5, c=0.3)
EXACT = dict(sigma_w2=R(3, 2), sigma_b2=R(1, 10), depth=3, q1=1, q2=R(1, 2), c=R(3, 10))


def _check(kind, expected, act="relu", sizes=(64, 128), trials=16, **kw):
    setting = {**SETTING, **kw}
    return crosscheck_kernel(kind, float(expected), activation=act, sizes=sizes, trials=trials, seed=7, **setting)


@pytest.mark.parametrize("act", ["relu", "tanh"])
@pytest.mark.parametrize("kind", ["nngp", "ntk"])
def test_recursion_confirmed_by_sampled_networks(act, kind):
    expected = getattr(kernels, kind)(act, **EXACT)
    assert _check(kind, expected, act).verdict == "confirmed"


def test_standard_parameterization_confirmed_and_ntk_mixup_contradicted():
    std = kernels.ntk("relu", **EXACT, parameterization="standard")
    ntk = kernels.ntk("relu", **EXACT)
    assert _check("ntk", std, parameterization="standard").verdict == "confirmed"
    assert _check("ntk", ntk, parameterization="standard").verdict == "contradicted"


def test_wrong_bias_variance_contradicted():
    wrong = kernels.nngp("relu", **{**EXACT, "sigma_b2": R(1)})
    assert _check("nngp", wrong).verdict == "contradicted"


def test_derivative_kernel_of_the_wrong_activation_contradicted():
    # the depth-2 NTK of a tanh network, Σ² + Σ̇² Θ¹, with ReLU's derivative kernel in place of tanh's
    two = {**EXACT, "depth": 2}
    right = kernels.ntk("tanh", **two)
    wrong = kernels.nngp("tanh", **two) + (kernels.ntk("relu", **two) - kernels.nngp("relu", **two))
    assert abs(float(wrong - right)) > 0.04
    assert _check("ntk", right, "tanh", depth=2).verdict == "confirmed"
    assert _check("ntk", wrong, "tanh", depth=2, sizes=(256, 512), trials=40).verdict == "contradicted"


def test_depth_one_ntk_is_exact_for_every_draw():
    _, t = empirical_kernels(np.random.default_rng(0), 16, activation="tanh", **{**SETTING, "depth": 1})
    assert t == pytest.approx(0.3 * np.sqrt(0.5))


def test_inputs_that_no_network_realises_are_refused():
    with pytest.raises(DomainError, match="positive semi-definite"):
        empirical_kernels(np.random.default_rng(0), 8, activation="relu", **{**SETTING, "sigma_b2": 2.0})
    with pytest.raises(DomainError, match="outside"):
        empirical_kernels(np.random.default_rng(0), 8, activation="relu", **{**SETTING, "c": 1.5})
