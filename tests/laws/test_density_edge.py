"""The batched horizontal continuation and the hard edge of the subordination route (issue 17)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from tpsym.laws import bernoulli, boxpower, boxtimes, mp, scale
from tpsym.laws._density.branch import _H, _Curve, _Follower, _horizontal_path, _vertical_levels
from tpsym.laws._density.polynomial import _Algebraic, _equation_cached
from tpsym.laws._density.subordination import _Product
from tpsym.laws._density.values import _Values
from tpsym.laws.density import density
from tpsym.spec import parse_spec


def _relu(depth: int):
    return boxpower(boxtimes(bernoulli(sympy.Rational(1, 2)), scale(mp(ratio=1), 2)), depth)


def _through_every_point(fol: _Follower, starts: np.ndarray, top) -> np.ndarray:
    """The former rule: one path through every point, followed point by point."""
    path, idx = _horizontal_path(starts)
    gv = _Follower.follow(fol, path[0] + 1j * _vertical_levels(1e4, _H, 1.25), top(float(path[0])))
    gh = _Follower.follow(fol, path + 1j * _H, complex(gv[-1]))
    return gh[idx]


def test_batched_points_on_the_path_equal_the_point_by_point_path_for_a_curve():
    law = parse_spec("boxplus(semicircle(), mp(ratio=1/2))")
    alg = _Algebraic(law, _Values(None))
    starts = np.linspace(-3, 6, 181) / alg.curve.S
    new = alg.curve.at_height(starts, alg._g_top)
    old = _through_every_point(_Curve(alg.curve.P, alg.curve.S), starts, alg._g_top)
    assert np.max(np.abs(new - old) / np.abs(old)) < 1e-12
    # a second call reuses the kept path (and extends it to the right)
    again = alg.curve.at_height(np.linspace(-2, 8, 51) / alg.curve.S, alg._g_top)
    fresh = _Curve(alg.curve.P, alg.curve.S).at_height(np.linspace(-2, 8, 51) / alg.curve.S, alg._g_top)
    assert np.max(np.abs(again - fresh) / np.abs(fresh)) < 1e-12


def test_batched_points_on_the_path_equal_the_point_by_point_path_for_subordination():
    prod = _Product(_relu(3), _Values(None))
    prod.xi_scale = 4.0
    top = lambda x0: prod._u_top(complex(x0, 1e4) * prod.xi_scale)  # noqa: E731
    starts = np.linspace(0, 12, 241) / prod.xi_scale
    new = prod.at_height(starts, top)
    other = _Product(_relu(3), _Values(None))
    other.xi_scale = prod.xi_scale
    old = _through_every_point(other, starts, top)
    assert np.max(np.abs(new - old) / np.abs(old)) < 1e-9  # Newton's tolerance 1e-11


@pytest.mark.parametrize("depth", [2, 3])
def test_the_hard_edge_of_a_relu_network_is_an_integrable_singularity(depth):
    # (B ⊠ 2 MP(1))^{⊠ L}, L >= 2: atom 1/2 at 0 and a density that diverges there (L = 1: support
    # away from 0): at x = 0 the result says inf, not the value at height eps
    r = density(_relu(depth), [0.0, 1e-6, 0.5])
    assert r.atoms[0][0] == 0.0 and abs(r.atoms[0][1] - 0.5) < 1e-12
    assert r.density[0] == math.inf
    assert math.isfinite(r.density[1]) and r.density[1] > r.density[2] > 0
    assert r.to_json()["density"][0] is None


def test_a_point_at_zero_outside_the_support_stays_zero():
    r = density(boxtimes(mp(ratio=sympy.Rational(1, 2)), mp(ratio=sympy.Rational(1, 2))), [0.0, 1.0])
    assert r.density[0] == 0.0 and r.support[0][0] > 0


def test_the_curve_probe_is_skipped_when_subordination_and_the_structure_give_it():
    alg = _Algebraic(_relu(4), _Values(None))
    assert alg.values_by is not None and alg.atoms == ((0.0, 0.5),)
    assert alg.values_by._height_path is not None  # the midpoints' path is kept for the values
    r = density(_relu(4), "0:20:41")
    assert abs(r.mass - 1) < 1e-6 and max(r.moment_errors) < 1e-6  # support and values still agree with the moments
    assert r.support == alg.support and _equation_cached(_relu(4)) is not None


@pytest.mark.parametrize("law,values", [
    (_relu(3), None),  # free Poisson factors and an exact two-point law
    (boxtimes(mp(ratio=1), parse_spec("law(moments=mu)")), {"mu": [1, 2, 5, 14, 42, 132, 429, 1430]}),  # a Gauss rule
])
def test_the_one_point_step_is_the_vectorised_one(law, values):
    prod = _Product(law, _Values(values))
    rng = np.random.default_rng(7)
    u = rng.normal(size=40) + 1j * rng.normal(size=40)
    xi = rng.normal(size=40) + 1j * np.abs(rng.normal(size=40))
    with np.errstate(all="ignore"):
        vec = prod._F(u, xi)
    one = np.array([prod._F1(a, b) for a, b in zip(u.tolist(), xi.tolist())])
    assert np.max(np.abs(one - vec) / np.maximum(1, np.abs(vec))) < 1e-12
    # a step of a few points point by point equals the vectorised step
    z = np.linspace(0.2, 3.0, 5) + 0.05j
    start, _ = prod._newton(np.full(5, 0.3 - 0.1j), z)
    prod.scalar_steps = False
    v_vec, a_vec = prod.step_batch(z, start * (1 + 1e-3))
    prod.scalar_steps = True
    v_one, a_one = prod.step_batch(z, start * (1 + 1e-3))
    assert np.array_equal(a_vec, a_one) and np.max(np.abs(v_vec - v_one)) < 1e-10


@pytest.mark.parametrize(
    "spec,grid",
    [
        ("boxplus(semicircle(), mp(ratio=1/2))", np.linspace(-3, 6, 301)),
        ("boxplus(semicircle(), arcsine())", np.linspace(-5, 5, 201)),
        ("boxpower(mp(ratio=1/2), 3)", np.linspace(-0.5, 8, 171)),
        # two intervals of support, an atom, points at and next to the edges, a coarse stretch
        ("boxplus(bernoulli(p=1/3, a=-2, b=2), semicircle(variance=1/16))", np.concatenate([np.linspace(-4, 4, 41), [-2.5, -1.5, 1.5, 2.5]])),
        ("mp(ratio=2)", np.array([0.0, 1e-9, 0.1715728752538099, 0.17157287525381, 0.2, 1.0, 5.8284271247461, 6.0] + list(np.linspace(0.3, 5, 20)))),
    ],
)
def test_the_continuation_along_the_axis_equals_the_descent_at_every_point(spec, grid, monkeypatch):
    # the anchors of the continuation come from the probes' descent; every other point from its
    # neighbour on the axis: the same values as descending at every point (the former route)
    law = parse_spec(spec)
    fast = density(law, grid, method="polynomial")
    from tpsym.laws._density import polynomial

    monkeypatch.setattr(polynomial, "_AXIS_MIN_POINTS", 10**9)
    slow = density(law, grid, method="polynomial")
    assert np.array_equal(np.isinf(fast.density), np.isinf(slow.density))
    fin = np.isfinite(slow.density)
    assert np.max(np.abs(fast.density[fin] - slow.density[fin])) < 1e-10
    assert fast.support == slow.support and fast.atoms == slow.atoms


def test_the_walk_toward_a_critical_point_keeps_every_step_within_half_the_distance():
    crit = [0.0, 1.0]
    pts = _Algebraic._walk(0.5, 0.5, 1.0 - 1e-6, 1e-6, crit)
    chain = [0.5] + pts + [1.0 - 1e-6]
    for a, b in zip(chain, chain[1:]):
        h = abs(b - a)
        assert h <= _H / 4 and h <= 0.5 * min(1.0 - a, 1.0 - b) + 1e-15
    assert len(pts) < 80  # steps of _H / 4, then shrinking geometrically: 40 + 30 here
