"""The large-depth law of linear residual networks, resnet_limit (Tarnowski et al., arXiv 1809.08848).

Routes independent of the Lagrange-inversion moments of :class:`tpsym.nets.ResNetLimit`:
the S-transform series exp(−τ(1 + 2w)) (through tpsym's moment → S-transform
conversion), the exact moments of the finite-depth ⊠-power at large L
(converging at rate 1/L, Gaussian and orthogonal weights alike), the density
integrated by quadrature, and a deep real network.
"""

from __future__ import annotations

import pytest
import sympy

from tpsym.errors import DomainError
from tpsym.laws.density import density
from tpsym.nets import resnet_law, resnet_limit
from tpsym.numeric import crosscheck
from tpsym.spec import parse_spec

R = sympy.Rational


def test_s_transform_is_the_exponential():
    tau = R(3, 4)
    law = resnet_limit(sigma_w2=3, a=R(1, 2))
    w = sympy.Symbol("w")
    series = sympy.series(sympy.exp(-tau * (1 + 2 * w)), w, 0, 7).removeO()
    assert all(sympy.simplify(c - series.coeff(w, j)) == 0 for j, c in enumerate(law.s_transform(7)))


@pytest.mark.parametrize("weights", ["gaussian", "orthogonal"])
def test_finite_depth_moments_converge_at_rate_one_over_depth(weights):
    # the moments at a symbolic depth L (polynomials in L times powers of (1 + τ/L)), evaluated at large L
    limit = [sympy.N(m, 40) for m in resnet_limit(sigma_w2=2, a=R(1, 2)).moments(4)]
    L = sympy.Symbol("L", positive=True, integer=True)
    moments = resnet_law("linear", weights, sigma_w2=2, depth=L, alpha=R(1, 2) / sympy.sqrt(L)).moments(4)
    errs = []
    for depth in (100, 1000, 10000):
        at = lambda f, depth=depth: f.subs({v: depth for v in f.free_symbols if v.name == "L"})  # noqa: E731
        errs.append([abs(float(sympy.N(at(f), 40) / m - 1)) for f, m in zip(moments, limit)])
    for k in range(4):
        assert errs[2][k] < 1e-3 * max(1, k)
        assert 8 < errs[0][k] / errs[1][k] < 12 and 8 < errs[1][k] / errs[2][k] < 12  # O(1/L)


def test_density_integrates_to_the_moments():
    r = density(resnet_limit(sigma_w2=1, a=1), check_moments=6)
    assert r.method == "closed form" and abs(r.mass - 1) < 1e-9
    assert max(r.moment_errors) < 1e-9 and len(r.moments) == 6
    (lo, hi), = r.support
    assert 0 < lo < 1 < hi


def test_spec_round_trip_and_refusals():
    law = parse_spec("resnet_limit(sigma_w2=2, a=1/3)")
    assert parse_spec(str(law)) == law
    assert law.moment(1) == sympy.exp(R(2, 9))
    with pytest.raises(DomainError):
        resnet_limit(sigma_w2=-1)
    with pytest.raises(DomainError):
        density(resnet_limit(sigma_w2=1, a=0))


def test_a_deep_real_network_is_near_the_limit():
    # depth 24: the exact finite-depth moments are within 2 % of the limit at tau = 1/4; the samples confirm
    limit = tuple(float(m) for m in resnet_limit(sigma_w2=1, a=R(1, 2)).moments(2))
    law = resnet_law("linear", "gaussian", sigma_w2=1, depth=24, alpha=R(1, 2) / sympy.sqrt(24))
    assert all(abs(float(f) / m - 1) < 0.02 for f, m in zip(law.moments(2), limit))
    r = crosscheck(law, 2, claims={"limit": limit}, sizes=(64, 128), trials=6, workers=0, seed=1)
    assert r.verdict == "confirmed"
    wrong = crosscheck(law, 2, claims={"untied-free MLP": (limit[0], 1.5 * limit[1])}, sizes=(64, 128), trials=6, workers=0, seed=1)
    assert wrong.verdict == "contradicted"
