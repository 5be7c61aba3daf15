"""Leaky ReLU residual networks (``slope=``): the transfer recursion against the plain word expansion and real networks."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from tpsym.errors import InputError
from tpsym.nets import resnet_law
from tpsym.numeric import crosscheck
from tpsym.numeric.architectures import ResidualSampler
from tpsym.spec import parse_spec

from ._resnet_words import residual_moment

R = sympy.Rational


@pytest.mark.parametrize(("depth", "k"), [(1, 4), (2, 3), (3, 2)])
def test_leaky_recursion_against_plain_word_expansion(depth, k):
    slope = Fraction(1, 4)
    mu = lambda a: Fraction(1) if a == 0 else (1 + slope**a) / 2  # noqa: E731 - E[d^a], d ∈ {slope, 1}
    expected = residual_moment(depth, k, Fraction(1, 3), mu)
    got = resnet_law("leaky_relu", sigma_w2=R(2, 3), depth=depth, alpha=sympy.sqrt(R(1, 2)), slope=R(1, 4)).moment(k)
    assert got == R(expected.numerator, expected.denominator)


def test_slope_one_is_the_linear_network_and_zero_is_relu():
    a = sympy.Symbol("a", positive=True)
    lin = resnet_law("linear", sigma_w2=2, depth=2, alpha=a).moments(3)
    assert all(sympy.expand(x - y) == 0 for x, y in zip(resnet_law("leaky_relu", sigma_w2=2, depth=2, alpha=a, slope=1).moments(3), lin))
    assert resnet_law("leaky_relu", sigma_w2=2, depth=2, alpha=a, slope=0).moments(3) == resnet_law("relu", sigma_w2=2, depth=2, alpha=a).moments(3)


def test_spec_round_trip_symbolic_slope_and_sampling():
    law = parse_spec("resnet(activation=leaky_relu, weights=gaussian, sigma_w2=2, sigma_b2=1, depth=3, alpha=1/2, slope=1/4)")
    assert parse_spec(str(law)) == law and "slope=1/4" in str(law)
    assert crosscheck(law, 3, sizes=(128, 256), trials=6, workers=0, seed=2).verdict == "confirmed"
    c = sympy.Symbol("c")
    sym = resnet_law("leaky_relu", sigma_w2=1, depth=1, alpha=1, slope=c)
    assert sympy.expand(sym.moment(1) - (1 + (1 + c**2) / 2)) == 0
    with pytest.raises(InputError, match="symbolic"):
        ResidualSampler.of(sym)
