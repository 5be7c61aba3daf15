"""The batched branch following of the polynomial method makes the same choices as the point-by-point rule."""

from __future__ import annotations

import numpy as np
import pytest

from tpsym.laws.algebraic import cauchy_equation
from tpsym.laws.density import _Curve, _equation_cached, _Follower, _horizontal_path
from tpsym.spec import parse_spec


@pytest.mark.parametrize(
    "spec",
    ["boxplus(semicircle(), mp(ratio=1/2))", "boxplus(semicircle(), arcsine())", "boxpower(mp(ratio=1/2), 3)"],
)
def test_batched_follow_equals_the_point_by_point_rule(spec):
    curve = _Curve(_equation_cached(parse_spec(spec)), 4.0)
    path, _ = _horizontal_path(np.linspace(-3, 6, 301))
    zs = path / curve.S + 0.05j
    g0 = 1 / zs[0]  # the branch of G ~ 1/z at height 0.05 far left is followed from its first root
    g0 = curve.roots(zs[:1])[0][np.argmin(np.abs(curve.roots(zs[:1])[0] - g0))]
    batched = curve.follow(zs, g0)
    plain = _Follower.follow(curve, zs, g0)
    assert np.array_equal(batched, plain)
    assert cauchy_equation(parse_spec(spec)) is not None
