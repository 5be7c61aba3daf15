"""Law → sampler dispatch: every class samples its law; what cannot is named."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from tpsym.errors import NoSamplerError
from tpsym.laws import (
    arcsine,
    bernoulli,
    boxplus,
    boxplus_power,
    boxpower,
    boxtimes,
    dirac,
    free_poisson,
    generic_law,
    mp,
    scale,
    semicircle,
    shift,
    symmetric_bernoulli,
)
from tpsym.numeric.experiment import crosscheck
from tpsym.numeric.sampling import LawSampler, check_samplable, law_bounds, sample_matrix

R = sympy.Rational

LAWS = [
    semicircle(variance=2, mean=1),
    mp(R(1, 2)),
    free_poisson(rate=R(1, 3), jump=3),
    free_poisson(rate=2, jump=R(1, 2)),
    bernoulli(R(1, 3), -1, 2),
    arcsine(0, 4),
    dirac(3),
    boxplus(semicircle(), mp(1)),
    boxplus(symmetric_bernoulli(), arcsine()),
    boxtimes(mp(R(1, 2)), mp(R(1, 2))),
    boxtimes(bernoulli(R(1, 2)), semicircle()),
    boxtimes(semicircle(), bernoulli(R(1, 2))),
    boxpower(mp(1), 2),
    boxplus_power(symmetric_bernoulli(), 2),
    boxplus_power(symmetric_bernoulli(), R(3, 2)),
    scale(shift(mp(1), -1), 2),
    shift(scale(arcsine(), R(1, 2)), 1),
]


@pytest.mark.parametrize("law", LAWS, ids=[str(x) for x in LAWS])
def test_every_law_class_samples_its_law(law):
    # small version of the catalogue check: 4 moments, sizes 64 and 128, 8 trials,
    # family-wise false-alarm rate 1e-3 per law (Holm over its 4 moments)
    r = crosscheck(law, 4, sizes=(64, 128), trials=8, seed=4, alpha=1e-3, workers=0)
    assert r.verdict == "confirmed", [t.to_dict() for t in r.decision.failures]


def test_sample_matrix_is_symmetric_float64():
    a = sample_matrix(boxtimes(mp(1), arcsine(0, 2)), 50, np.random.default_rng(0))
    assert a.dtype == np.float64 and a.shape == (50, 50) and np.allclose(a, a.T)


@pytest.mark.parametrize(
    ("law", "message"),
    [
        (generic_law("mu"), r"law\(moments=mu\) has no sampler: its moments are symbols"),
        (boxplus(semicircle(), generic_law("nu")), r"law\(moments=nu\) has no sampler"),
        (free_poisson(rate=sympy.Symbol("lam")), "parameter lam is symbolic: give it a value"),
        (boxpower(mp(1), sympy.Symbol("L")), "parameter L is symbolic"),
        (boxpower(mp(1), R(3, 2)), "exponent 3/2 is not a non-negative integer"),
        (boxtimes(semicircle(), semicircle()), "neither semicircle"),
    ],
)
def test_no_sampler_names_the_part(law, message):
    with pytest.raises(NoSamplerError, match=message):
        check_samplable(law)
    with pytest.raises(NoSamplerError, match=message):
        LawSampler(law)


def test_law_bounds_interval_arithmetic():
    assert law_bounds(boxplus(mp(1), dirac(-1))) == (-1.0, 3.0)
    assert law_bounds(scale(arcsine(), -2)) == (-4.0, 4.0)
    lo, hi = law_bounds(boxtimes(semicircle(), bernoulli(R(1, 2))))
    assert lo < 0 < hi and math.isfinite(hi)
