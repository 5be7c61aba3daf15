"""The ReLU / leaky ReLU weight-tied RNN: law(J Jᵀ) is the ⊠-power of one untied step.

Oracles independent of the ⊠-power route of :func:`tpsym.nets.rnn_law`:
the FIP engine (:mod:`tpsym.free.fip`) run on the *tied* word
(D_T W ··· D_1 W)(Wᵀ D_1 ··· Wᵀ D_T)... with ONE circular W and the D_t's
full cross-time Gaussian orthant law (:func:`tpsym.nets.rnn_kernel`), and
Monte Carlo of real tied networks.
"""

from __future__ import annotations

import dataclasses

import pytest
import sympy

from tpsym.errors import InputError
from tpsym.free.fip import Alphabet, DiagonalLetter, GaussianDiagonals, Step, WeightLetter, fip_moment
from tpsym.nets import jacobian_law, rnn_kernel, rnn_law
from tpsym.numeric import crosscheck
from tpsym.numeric.architectures import RecurrentSampler
from tpsym.spec import parse_spec


def _tied_word_moments(steps, sw, su, sb, order, *, slope=0, same_mask=False):
    """φ((J Jᵀ)^k) by the FIP engine: one W, D_t = φ'(h^t) with the cross-time kernel."""
    K = rnn_kernel("relu" if slope == 0 else "leaky_relu", sw, su, sb, steps, slope=None if slope == 0 else slope)
    names = ["D1"] * steps if same_mask else [f"D{t}" for t in range(1, steps + 1)]
    letters = sorted(set(names))
    ab = Alphabet(
        weights=[WeightLetter("W", variance=sw)],
        diagonals=[DiagonalLetter(n) for n in letters],
        law=GaussianDiagonals({n: (Step(slope, 1), int(n[1:]) - 1) for n in letters}, K),
    )
    J = " ".join(f"{names[t - 1]} W" for t in range(steps, 0, -1))
    Jt = " ".join(f"W' {names[t - 1]}" for t in range(1, steps + 1))
    return tuple(sympy.nsimplify(sympy.simplify(fip_moment(" ".join([J, Jt] * k), ab))) for k in range(1, order + 1))


def test_kernel_is_correlated_across_time():
    # the D_t are correlated across time (the test below is not vacuous)
    K = rnn_kernel("relu", 2, 1, 1, 3)
    assert K[1, 2] != 0 and K[0, 1] == 1
    assert sympy.N(K[1, 2] / sympy.sqrt(K[1, 1] * K[2, 2])) > 0.2
    assert rnn_kernel("relu", 2, 1, 0, 3, tied=False)[1, 2] == 0


@pytest.mark.parametrize("steps, order", [(2, 4), (3, 3), (4, 2)])
def test_tied_word_with_correlated_masks_is_the_boxpower(steps, order):
    law = rnn_law("relu", sigma_w2=2, sigma_u2=1, sigma_b2=1, steps=steps)
    assert _tied_word_moments(steps, 2, 1, 1, order) == law.moments(order)


def test_leaky_tied_word_is_the_boxpower():
    a = sympy.Rational(1, 3)
    law = rnn_law("leaky_relu", sigma_w2=3, sigma_u2=1, sigma_b2=2, steps=3, slope=a)
    assert _tied_word_moments(3, 3, 1, 2, 3, slope=a) == law.moments(3)


def test_the_masks_are_correlated_but_no_jacobian_block_mixes_steps():
    # the joint law the engine is given is not independent (P(h^2 > 0, h^3 > 0) != 1/4) ...
    K = rnn_kernel("relu", 2, 0, 0, 3)
    law = GaussianDiagonals({f"D{t}": (Step(), t - 1) for t in (1, 2, 3)}, K)
    assert sympy.N(law.moment({"D2": 1, "D3": 1})) > 0.26
    # ... and even one mask for every step (fully correlated) leaves the moments of J Jᵀ unchanged:
    # every Kreweras block of the tied word holds the D's of one height (one step)
    assert _tied_word_moments(3, 2, 0, 0, 3, same_mask=True) == rnn_law("relu", sigma_w2=2, steps=3).moments(3)


def test_tied_equals_the_untied_mlp_symbolic_steps():
    T = sympy.Symbol("T", positive=True, integer=True)
    s = sympy.Symbol("s", positive=True)
    tied = rnn_law("relu", sigma_w2=s, sigma_u2=1, steps=T).moments(4)
    mlp = jacobian_law("relu", sigma_w2=s, sigma_b2=0, depth=T, q=1).moments(4)
    assert all(sympy.simplify(x - y) == 0 for x, y in zip(tied, mlp))
    assert rnn_law("relu", sigma_w2=2, steps=1).moments(3) == jacobian_law("relu", sigma_w2=2, depth=1).moments(3)


def test_spec_round_trip_and_refusals():
    law = parse_spec("rnn(activation=leaky_relu, sigma_w2=2, sigma_u2=1, sigma_b2=0, steps=2, slope=1/2)")
    assert parse_spec(str(law)) == law
    with pytest.raises(InputError, match="relu and leaky_relu"):
        rnn_law("tanh", steps=2)
    with pytest.raises(InputError, match="not a positive integer"):
        rnn_law("relu", steps=0)


def test_real_tied_relu_networks_confirm():
    law = rnn_law("relu", sigma_w2=2, sigma_u2=1, sigma_b2=1, steps=3)
    assert crosscheck(law, 3, sizes=(96, 192), trials=6, workers=0, seed=3).verdict == "confirmed"


def test_a_wrong_law_for_the_tied_network_is_contradicted():
    # the real tied ReLU RNN against the linear (Fuss–Catalan) law of W^2 with the same mean: (1, 3) not (1, 5)
    sampler = RecurrentSampler(steps=2, activation="relu", sigma_w2=2.0, sigma_u2=1.0,
                               expected=tuple(float(m) for m in rnn_law("linear", sigma_w2=1, steps=2).moments(2)))
    assert crosscheck(sampler, 2, sizes=(256, 512), trials=10, workers=0, seed=3).verdict == "contradicted"


def test_real_untied_relu_networks_confirm_the_same_law():
    law = rnn_law("relu", sigma_w2=2, sigma_u2=1, sigma_b2=1, steps=3)
    untied = dataclasses.replace(RecurrentSampler.of(law, tied=False), expected=tuple(float(m) for m in law.moments(3)))
    assert not untied.tied
    assert crosscheck(untied, 3, sizes=(96, 192), trials=6, workers=0, seed=4).verdict == "confirmed"
