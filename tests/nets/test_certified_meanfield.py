"""Certified Gaussian expectations, fixed points and Jacobian moments of tanh networks."""

from __future__ import annotations

import json
from fractions import Fraction

import mpmath
import pytest
import sympy

from tpsym.certified import Ball
from tpsym.nets._gauss import certified_expect
from tpsym.nets.activations import ReLU, Tanh
from tpsym.nets.meanfield import certified_fixed_point, certified_mean_field, fixed_point
from tpsym.errors import NumericError
from tpsym.proof.certificate import _digest, certificate, recheck
from tpsym.proof.claims import Claim
from tpsym.proof.verify import verify_claim

R = sympy.Rational


def exact(x):
    sign, man, exp, _ = x._mpf_
    value = Fraction(man) * Fraction(2) ** exp
    return -value if sign else value


def reference(f, q, dps=60):
    """An independent route: mpmath's tanh-sinh quadrature in a private context at 60 digits."""
    ctx = mpmath.MPContext()
    ctx.dps = dps
    sq = ctx.sqrt(ctx.mpf(q))
    return ctx.quad(lambda z: f(ctx, sq * z) * ctx.exp(-z * z / 2) / ctx.sqrt(2 * ctx.pi), [-ctx.inf, 0, ctx.inf])


@pytest.mark.parametrize("q", [R(1, 10), R(1), R(7, 2)])
def test_tanh_expectations_enclose_the_quadrature_reference(q):
    balls = certified_expect(Tanh(), Ball.exact(q), [("phi2", 1), ("dphi", 1), ("dphi", 3)], 40)
    refs = [
        reference(lambda c, x: c.tanh(x) ** 2, q),
        reference(lambda c, x: c.sech(x) ** 4, q),
        reference(lambda c, x: c.sech(x) ** 12, q),
    ]
    for ball, ref in zip(balls, refs):
        assert ball.digits() >= 40
        r = Fraction(str(ref))
        slack = Fraction(1, 10**55)
        assert exact(ball.lower) - slack <= r <= exact(ball.upper) + slack


def test_certified_expect_refuses_activations_without_a_strip_bound():
    with pytest.raises(NumericError, match="relu"):
        certified_expect(ReLU(), Ball.exact(1), [("phi2", 1)], 30)


def test_fixed_point_ball_agrees_with_the_quadrature_route():
    sw, sb = R(3, 2), R(1, 20)
    ball = certified_fixed_point("tanh", sigma_w2=sw, sigma_b2=sb, digits=30)
    old = fixed_point("tanh", sigma_w2=sw, sigma_b2=sb, precision=30)
    assert abs(ball.mid() - old.value) < 1e-28
    assert ball.digits() >= 30


def test_critical_erf_network_has_q_star_one():
    # issue 14: sigma_b2 = 1 - sqrt(5) asin(2/3)/2 makes q = 1 a fixed point of
    # q -> sigma_w2 (2/pi) asin(2q/(1 + 2q)) + sigma_b2 (Williams 1997 for E[erf^2])
    sw = sympy.sqrt(5) * sympy.pi / 4
    sb = 1 - sympy.sqrt(5) * sympy.asin(R(2, 3)) / 2
    ball = certified_fixed_point("erf", sigma_w2=sw, sigma_b2=sb, digits=40)
    assert ball.contains(1) and ball.digits() >= 40


def test_mean_field_balls_and_chi_is_sigma_w2_mu1():
    mf = certified_mean_field("tanh", sigma_w2=R(3, 2), sigma_b2=R(1, 20), moments=3, digits=30)
    assert [b.digits() >= 30 for b in (mf.q, mf.chi, *mf.mu)] == [True] * 5
    assert (mf.chi - mf.mu[0] * Fraction(3, 2)).contains_zero()
    # |tanh'| <= 1: mu_k is decreasing in k
    assert mf.mu[0].lower > mf.mu[1].upper > mf.mu[1].lower > mf.mu[2].upper


def identity(statement: str) -> Claim:
    return Claim("t", statement, "-", "identity", statement=statement)


NET = "jacobian(activation=tanh, sigma_w2=3/2, sigma_b2=1/20, depth=5)"
Q = "q_star(tanh, 3/2, 1/20)"


def test_chi_claim_certified_and_off_by_1e_20_refuted():
    right = verify_claim(identity(f"chi(tanh, 3/2, 1/20) == 3*mu(tanh, 1, {Q})/2"), numeric=False)
    assert right.status == "certified" and right.digits == 30, right.summary
    assert right.summary.startswith("certified to 30 digits")
    wrong = verify_claim(identity(f"chi(tanh, 3/2, 1/20) == 3*mu(tanh, 1, {Q})/2*(1 + 10**-20)"), numeric=False)
    assert wrong.status == "refuted", wrong.summary
    assert "excludes 0" in wrong.summary


def test_pennington_variance_formula_for_a_tanh_network():
    # Pennington, Schoenholz & Ganguli 2017 (arXiv:1711.04735), Sec. 3: for Gaussian weights
    # (s_1 = -1) the variance of the spectrum of J J^T is m_1^2 L (mu_2 / mu_1^2 - 1 - s_1)
    m1, m2 = f"moment({NET}, 1)", f"moment({NET}, 2)"
    formula = f"{m1}**2 * 5 * mu(tanh, 2, {Q}) / mu(tanh, 1, {Q})**2"
    right = verify_claim(identity(f"{m2} - {m1}**2 == {formula}"), numeric=False)
    assert right.status == "certified", right.summary
    m1_claim = verify_claim(identity(f"{m1} == (3*mu(tanh, 1, {Q})/2)**5"), numeric=False)
    assert m1_claim.status == "certified", m1_claim.summary
    wrong = verify_claim(identity(f"{m2} - {m1}**2 == {formula} * 6 / 5"), numeric=False)  # L + 1 layers
    assert wrong.status == "refuted", wrong.summary


def test_certified_verdicts_at_more_digits_and_recheck():
    v = verify_claim(identity(f"moment({NET}, 1) == (3*mu(tanh, 1, {Q})/2)**5"), numeric=False, digits=60)
    assert (v.status, v.digits) == ("certified", 60)
    cert = json.loads(json.dumps(certificate(v)))
    assert cert["digits"] == 60 and "enclosure" in cert["steps"][0]
    assert recheck(cert).holds, recheck(cert).problems
    # tamper with the enclosure and re-sign the digest: the re-derivation still catches it
    man, exp = cert["steps"][0]["enclosure"]["upper"].split("*2^")
    cert["steps"][0]["enclosure"]["upper"] = f"{int(man) + 1}*2^{exp}"
    cert["digest"] = _digest({k: v for k, v in cert.items() if k != "digest"})
    result = recheck(cert)
    assert not result.holds and any("enclosure.upper" in p for p in result.problems)
