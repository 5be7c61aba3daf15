"""erf residual networks: E[φ'(h^l)^a] follows the length q^l of the residual stream; exact, against the plain word expansion and real networks."""

from __future__ import annotations

import pytest
import sympy

from tpsym.errors import InputError
from tpsym.nets import resnet_law
from tpsym.nets.resnet import _erf_lengths, _erf_mu
from tpsym.numeric import crosscheck
from tpsym.numeric.architectures import ResidualSampler
from tpsym.spec import parse_spec

from ._resnet_words import residual_moment

R = sympy.Rational


def test_lengths_follow_the_mean_field_recursion_of_the_sampler():
    # q^1 = σ_w² p^0 + σ_b² with p^0 = E[(x^0_i)²] = 1; p grows by α² E[erf(√q z)²] per block
    q = _erf_lengths(sympy.Integer(2), sympy.Integer(1), R(1, 4), 3)
    assert q[0] == 3
    assert sympy.simplify(q[1] - (2 * (1 + R(1, 4) * 2 / sympy.pi * sympy.asin(R(6, 7))) + 1)) == 0
    import numpy as np

    rng = np.random.default_rng(0)
    z = rng.standard_normal(400_000)
    from scipy.special import erf

    assert abs(np.mean(erf(np.sqrt(3.0) * z) ** 2) - float(2 / sympy.pi * sympy.asin(R(6, 7)))) < 3e-3
    mu = float(_erf_mu(("erf", sympy.Integer(2), sympy.Integer(1), R(1, 4)), 1, 2))
    assert abs(np.mean((2 / np.sqrt(np.pi) * np.exp(-3.0 * z**2)) ** 2) - mu) < 3e-3


@pytest.mark.parametrize(("depth", "k"), [(1, 3), (2, 3), (3, 2)])
def test_erf_recursion_against_plain_word_expansion(depth, k):
    kind = ("erf", sympy.Integer(1), R(1, 2), R(1, 4))
    law = resnet_law("erf", sigma_w2=1, sigma_b2=R(1, 2), depth=depth, alpha=R(1, 2))
    expected = residual_moment(depth, k, R(1, 4), lambda a, l: 1 if a == 0 else _erf_mu(kind, l, a), sympy.Integer(1), layered=True)
    assert abs(sympy.N(law.moment(k) - expected, 40)) < 1e-30


def test_real_erf_residual_networks_confirm():
    law = parse_spec("resnet(activation=erf, weights=gaussian, sigma_w2=2, sigma_b2=1, depth=3, alpha=1/2)")
    assert parse_spec(str(law)) == law
    assert crosscheck(law, 3, sizes=(128, 256), trials=6, workers=0, seed=2).verdict == "confirmed"


def test_a_length_blind_law_is_contradicted():
    # the erf residual network with the D's at the input's length q^1 in every block (ignoring the stream's growth)
    law = resnet_law("erf", sigma_w2=2, sigma_b2=1, depth=4, alpha=1)
    kind = ("erf", sympy.Integer(2), sympy.Integer(1), sympy.Integer(1))
    blind = residual_moment(4, 1, 2, lambda a, l: 1 if a == 0 else _erf_mu(kind, 1, a), sympy.Integer(1), layered=True)
    derived, blind = float(law.moment(1)), float(blind)  # each nested asin expression evaluated once
    assert abs(blind / derived - 1) > 0.2
    sampler = ResidualSampler(depth=4, activation="erf", sigma_w2=2.0, sigma_b2=1.0, alpha=1.0)
    r = crosscheck(sampler, 1, claims={"derived": [derived], "blind": [blind]}, sizes=(256, 512), trials=8, workers=0, seed=2)
    assert [t.claim for t in r.decision.failures] == ["blind"]


def test_symbolic_parameters_and_tanh_are_refused():
    with pytest.raises(InputError, match="symbolic"):
        resnet_law("erf", sigma_w2=sympy.Symbol("s"), depth=2)
    with pytest.raises(InputError, match="no\\s+closed form"):
        resnet_law("tanh", depth=2)
