"""Residual and weight-tied recurrent networks: resnet(...) and rnn(...).

Oracles independent of the ⊠-power route: Wick's formula for a circular
element expanded word by word (Nica & Speicher, Lecture 8) for one Gaussian
block; the arcsine law of u + u* for one orthogonal block; the Fuss–Catalan
numbers (Alexeev, Götze & Tikhomirov, arXiv 1008.2447; OEIS A001764,
A002293) for powers of one Ginibre matrix; Monte Carlo of real networks;
and the MLP as the large-α limit (the leading α-coefficient) and the
single-step RNN.
"""

from __future__ import annotations

import itertools
from math import comb

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from tpsym.cli import main
from tpsym.errors import DomainError, InputError
from tpsym.nets import jacobian_law, residual_block_moments, resnet_law, rnn_law
from tpsym.numeric import crosscheck
from tpsym.numeric.architectures import RecurrentSampler, ResidualSampler
from tpsym.spec import parse_spec

R = sympy.Rational
t, a, s = sympy.symbols("t a s")


def _nc_pairings(word: tuple[int, ...]) -> int:
    """Non-crossing pairings of a word in c (1) and c* (0), every pair {c, c*} (brute force)."""
    n = len(word)
    if n == 0:
        return 1
    if n % 2:
        return 0
    total = 0
    for j in range(1, n, 2):  # pair the first letter with letter j: both sides must pair inside
        if word[0] != word[j]:
            total += _nc_pairings(word[1:j]) * _nc_pairings(word[j + 1:])
    return total


def _gaussian_block_by_words(tv: sympy.Expr, k: int) -> sympy.Expr:
    """φ(((1 + αc)*(1 + αc))^k) expanded over the 4^k words (t = α²σ²)."""
    letters = [0, 1] * k  # c*, c, c*, c, ...
    total = sympy.Integer(0)
    for mask in itertools.product((0, 1), repeat=2 * k):
        word = tuple(letters[i] for i in range(2 * k) if mask[i])
        if len(word) % 2 == 0:
            total += _nc_pairings(word) * tv ** (len(word) // 2)
    return sympy.expand(total)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_gaussian_block_against_wick_word_expansion(k):
    assert sympy.expand(residual_block_moments("gaussian", t, k)[-1] - _gaussian_block_by_words(t, k)) == 0


@given(st.integers(1, 7), st.fractions(0, 5))
@settings(max_examples=20, deadline=None)
def test_orthogonal_block_is_shifted_arcsine(k, tv):
    tv = R(tv.numerator, tv.denominator)
    # (1 + t) + √t (u + u*): φ((u + u*)^(2j)) = binomial(2j, j), odd moments 0
    expected = sum(comb(k, 2 * j) * (1 + tv) ** (k - 2 * j) * tv**j * comb(2 * j, j) for j in range(k // 2 + 1))
    assert residual_block_moments("orthogonal", tv, k)[-1] == expected


def test_linear_rnn_is_fuss_catalan():
    for steps in (1, 2, 3, 4):
        fc = tuple(comb((steps + 1) * k, k) // (steps * k + 1) for k in range(1, 7))
        assert rnn_law("linear", sigma_w2=1, steps=steps).moments(6) == fc  # OEIS A000108, A001764, A002293, A002294


def test_single_step_rnn_is_one_layer_mlp():
    assert rnn_law("linear", sigma_w2=s, steps=1).moments(5) == jacobian_law("linear", sigma_w2=s, depth=1).moments(5)


@pytest.mark.parametrize("weights", ["gaussian", "orthogonal"])
@pytest.mark.parametrize("depth", [1, 2, 3])
def test_large_alpha_limit_is_the_linear_mlp(weights, depth):
    # J = Π (I + α W_l) = α^L W_L ··· W_1 + lower powers of α: the top coefficient of m_k is the MLP's
    law = resnet_law("linear", weights, sigma_w2=s, depth=depth, alpha=a)
    mlp = jacobian_law("linear", weights, sigma_w2=s, depth=depth)
    for k, (m, m_mlp) in enumerate(zip(law.moments(4), mlp.moments(4)), 1):
        poly = sympy.Poly(sympy.expand(m), a)
        assert poly.degree() == 2 * k * depth
        assert sympy.expand(poly.LC() - m_mlp) == 0


def test_symbolic_depth_agrees_with_integer_depth():
    L = sympy.Symbol("L", positive=True, integer=True)
    sym = resnet_law("linear", "gaussian", sigma_w2=s, depth=L, alpha=a).moments(3)
    for depth in (1, 2, 4):
        num = resnet_law("linear", "gaussian", sigma_w2=s, depth=depth, alpha=a).moments(3)
        for x, y in zip(sym, num, strict=True):
            named = {v: depth for v in x.free_symbols if v.name == "L"}  # the field's L may drop assumptions
            assert sympy.simplify(x.subs(named) - y) == 0


def test_spec_round_trip():
    for spec in (
        "resnet(activation=linear, weights=orthogonal, sigma_w2=2, sigma_b2=0, depth=3, alpha=1/2)",
        "rnn(activation=linear, sigma_w2=2, sigma_u2=1, sigma_b2=0, steps=4)",
    ):
        law = parse_spec(spec)
        assert str(law) == spec
        assert parse_spec(str(law)) == law


@pytest.mark.parametrize(
    "spec",
    [
        "resnet(activation=linear, weights=gaussian, sigma_w2=1, sigma_b2=0, depth=3, alpha=1/2)",
        "resnet(activation=linear, weights=orthogonal, sigma_w2=2, sigma_b2=0, depth=2, alpha=1/2)",
        "rnn(activation=linear, sigma_w2=1, sigma_u2=1, sigma_b2=1, steps=3)",
    ],
)
def test_monte_carlo_of_real_networks_confirms(spec):
    r = crosscheck(parse_spec(spec), 3, sizes=(64, 128), trials=6, workers=0, seed=7)
    assert r.verdict == "confirmed"


def test_a_wrong_block_law_is_contradicted():
    # the one-block Gaussian law with m_2 = 1 + 4t + t^2 (a tempting slip: the orthogonal value) is rejected
    law = parse_spec("resnet(activation=linear, weights=gaussian, sigma_w2=1, sigma_b2=0, depth=1, alpha=1)")
    r = crosscheck(law, 2, claims={"wrong": [2, 6]}, sizes=(128, 256), trials=6, workers=0, seed=1)
    assert r.verdict == "contradicted"


def test_samplers_compute_the_jacobian_exactly():
    # central finite differences of the same forward pass (same draws: x^0, then W^l, b^l per block)
    n, depth, alpha, sw, sb = 6, 2, 0.7, 1.5, 0.3
    sampler = ResidualSampler(depth=depth, activation="tanh", sigma_w2=sw, sigma_b2=sb, alpha=alpha)
    j = sampler.jacobian(np.random.default_rng(3), n)
    rng = np.random.default_rng(3)
    x0 = rng.standard_normal(n)
    blocks = [(rng.standard_normal((n, n)) * np.sqrt(sw / n), rng.standard_normal(n) * np.sqrt(sb)) for _ in range(depth)]

    def forward(x):
        for w, b in blocks:
            x = x + alpha * np.tanh(w @ x + b)
        return x

    eps = 1e-6
    fd = np.column_stack([(forward(x0 + eps * e) - forward(x0 - eps * e)) / (2 * eps) for e in np.eye(n)])
    assert np.allclose(j, fd, atol=1e-7)
    rnn = RecurrentSampler(steps=2, activation="linear", sigma_w2=1.0)
    jr = rnn.jacobian(np.random.default_rng(4), 5)
    w = np.random.default_rng(4).standard_normal((5, 5)) * np.sqrt(1.0 / 5)
    assert np.allclose(jr, w @ w)  # tied: the same W at both steps
    untied = RecurrentSampler(steps=2, activation="linear", sigma_w2=1.0, tied=False).jacobian(np.random.default_rng(4), 5)
    assert not np.allclose(untied, w @ w)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("rnn(activation=linear, steps=0)", "steps=0 is not a positive integer"),
        ("rnn(activation=linear, steps=3/2)", "steps=3/2 is not a positive integer"),
        ("resnet(activation=linear, depth=2, alpha=sqrt(-2))", "is not real"),
        ("resnet(activation=linear, depth=2, widths=(2, 3, 2))", "needs a square W"),
        ("resnet(activation=tanh, depth=2)", "derived for linear, relu, leaky_relu and erf"),
        ("resnet(activation=relu, weights=orthogonal, depth=2)", "Gaussian weights only"),
        ("rnn(activation=erf, steps=2)", "derived for linear, relu and leaky_relu steps"),
    ],
)
def test_bad_input_one_line_exit_2(capsys, spec, message):
    assert main(["moments", spec, "-k", "2"]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err


def test_bad_input_api():
    with pytest.raises(DomainError, match="not real"):
        resnet_law("linear", depth=2, alpha=sympy.sqrt(-3))
    with pytest.raises(InputError, match="steps=-1"):
        rnn_law("linear", steps=-1)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_diagonal_recursion_with_d_equal_one_is_the_boxpower_route(depth):
    # the transfer recursion over the diagonal algebra, run with every d = 1, against the ⊠-power of the block
    from tpsym.nets.resnet import _DiagonalResidual

    law = _DiagonalResidual(R(1, 3), depth, ("leaky_relu", sympy.Integer(1)))  # slope 1: φ' = 1
    assert law.moments(4) == resnet_law("linear", "gaussian", sigma_w2=1, depth=depth, alpha=R(1, 3) ** R(1, 2)).moments(4)


def test_relu_first_moment_is_the_length_gain():
    # m_1 = φ(J Jᵀ) = (1 + α² σ_w² μ_1)^L, μ_1 = E[φ'(h)²] = 1/2 (cross terms have one W: zero)
    for depth in (1, 2, 5):
        assert resnet_law("relu", sigma_w2=s, depth=depth, alpha=a).moment(1).expand() == ((1 + a**2 * s / 2) ** depth).expand()


def test_relu_residual_network_against_monte_carlo():
    law = parse_spec("resnet(activation=relu, weights=gaussian, sigma_w2=2, sigma_b2=1, depth=3, alpha=1/2)")
    r = crosscheck(law, 3, sizes=(64, 128), trials=6, workers=0, seed=2)
    assert r.verdict == "confirmed"


def test_relu_depth_10_is_fast():
    import time

    start = time.process_time()  # CPU time, not wall time: the machine may be shared
    resnet_law("relu", sigma_w2=2, depth=10, alpha=R(1, 2)).moments(4)
    assert time.process_time() - start < 10


@pytest.mark.parametrize(("depth", "k"), [(1, 4), (2, 3), (2, 4), (3, 2)])
def test_relu_recursion_against_plain_word_expansion(depth, k):
    # the whole word tr((J Jᵀ)^k) expanded over every layer at once (tests/nets/_resnet_words.py)
    from fractions import Fraction

    from ._resnet_words import residual_moment

    relu = lambda a: Fraction(1) if a == 0 else Fraction(1, 2)  # noqa: E731 - E[d^a], d ∈ {0, 1}
    tv = Fraction(1, 3)
    expected = residual_moment(depth, k, tv, relu)
    got = resnet_law("relu", sigma_w2=R(2, 3), depth=depth, alpha=sympy.sqrt(R(1, 2))).moment(k)
    assert got == R(expected.numerator, expected.denominator)


def test_free_factor_product_differs_at_m4():
    # Tarnowski et al.'s free-factor product is exact to m_3 at depth 2, not at m_4 (184761/256 against 184833/256)
    from tpsym.laws import boxpower

    exact = resnet_law("relu", sigma_w2=1, depth=2, alpha=1).moments(4)
    free = boxpower(resnet_law("relu", sigma_w2=1, depth=1, alpha=1), 2).moments(4)
    assert exact[:3] == free[:3] and exact[3] - free[3] == R(72, 256)
