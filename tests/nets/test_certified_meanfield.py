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


def _hard_tanh_reference(sw, sb, dps=60):
    """An independent route: the closed form E[hardtanh(h)^2] (Pennington et al. 1711.04735, Table 1
    integrated) and mpmath's findroot in a private context."""
    ctx = mpmath.MPContext()
    ctx.dps = dps

    def second(q):
        t = ctx.erf(1 / ctx.sqrt(2 * q))
        return q * t - ctx.sqrt(2 * q / ctx.pi) * ctx.exp(-1 / (2 * q)) + 1 - t

    q = ctx.findroot(lambda q: ctx.mpf(sw.p) / sw.q * second(q) + ctx.mpf(sb.p) / sb.q - q, 0.7)
    return q, ctx.mpf(sw.p) / sw.q * ctx.erf(1 / ctx.sqrt(2 * q))


def test_hard_tanh_fixed_point_and_chi_enclose_the_reference():
    q_ref, chi_ref = _hard_tanh_reference(R(3, 2), R(1, 20))
    mf = certified_mean_field("hard_tanh", sigma_w2=R(3, 2), sigma_b2=R(1, 20), moments=2, digits=40)
    slack = Fraction(1, 10**55)
    for ball, ref in ((mf.q, q_ref), (mf.chi, chi_ref)):
        assert ball.digits() >= 40
        assert exact(ball.lower) - slack <= Fraction(str(ref)) <= exact(ball.upper) + slack


HT_Q = "q_star(hard_tanh, 3/2, 1/20)"


def test_hard_tanh_and_biased_erf_claims_certified_and_off_by_1e_20_refuted():
    q_ref, _ = _hard_tanh_reference(R(3, 2), R(1, 20))
    q_text = mpmath.nstr(q_ref, 50)
    right = verify_claim(identity(f"{HT_Q} == {q_text}"), numeric=False)
    assert right.status == "certified" and right.digits == 30, right.summary
    wrong = verify_claim(identity(f"{HT_Q} == {q_text} * (1 + 10**-20)"), numeric=False)
    assert wrong.status == "refuted", wrong.summary
    net = "jacobian(activation=hard_tanh, sigma_w2=3/2, sigma_b2=1/20, depth=3)"
    m1 = verify_claim(identity(f"moment({net}, 1) == (3*mu(hard_tanh, 1, {HT_Q})/2)**3"), numeric=False)
    assert m1.status == "certified", m1.summary
    # erf with a bias: q* numerical, chi and mu_k through the closed forms at the certified q*
    erf_q = "q_star(erf, 3/2, 1/20)"
    chi = verify_claim(identity(f"chi(erf, 3/2, 1/20) == 3*mu(erf, 1, {erf_q})/2"), numeric=False)
    assert chi.status == "certified", chi.summary
    off = verify_claim(identity(f"chi(erf, 3/2, 1/20) == 3*mu(erf, 1, {erf_q})/2 * (1 + 10**-20)"), numeric=False)
    assert off.status == "refuted", off.summary


def test_non_uniform_network_moments_are_certified_constants():
    from tpsym.certified import CertifiedConstant, to_ball
    from tpsym.nets.jacobian import JacobianLaw
    from tpsym.nets.model import MLP, Layer

    net = MLP(3, "tanh", sigma_w2=R(3, 2), sigma_b2=R(1, 20),
              layers=(Layer(sigma_w2=1), Layer(activation="hard_tanh"), Layer(activation="erf")))
    (m1,) = JacobianLaw.of(net).moments(1)
    assert m1.atoms(CertifiedConstant) and not m1.atoms(sympy.Float)
    # independent route: iterate the length map and take mu_1 per layer by quadrature at 50 digits
    ctx = mpmath.MPContext()
    ctx.dps = 50

    def gauss(f, q):
        sq = ctx.sqrt(q)
        return ctx.quad(lambda z: f(sq * z) * ctx.exp(-z * z / 2) / ctx.sqrt(2 * ctx.pi), [-ctx.inf, -1 / sq, 0, 1 / sq, ctx.inf])

    tanh2 = lambda x: ctx.tanh(x) ** 2  # noqa: E731
    q1 = ctx.findroot(lambda q: gauss(tanh2, q) + ctx.mpf(1) / 20 - q, 0.3)
    q2 = ctx.mpf(3) / 2 * gauss(tanh2, q1) + ctx.mpf(1) / 20
    q3 = ctx.mpf(3) / 2 * gauss(lambda x: min(max(x, -1), 1) ** 2, q2) + ctx.mpf(1) / 20
    mu1 = [gauss(lambda x: ctx.sech(x) ** 4, q1), ctx.erf(1 / ctx.sqrt(2 * q2)), 4 / (ctx.pi * ctx.sqrt(1 + 4 * q3))]
    ref = 1 * mu1[0] * ctx.mpf(3) / 2 * mu1[1] * ctx.mpf(3) / 2 * mu1[2]
    ball = to_ball(m1, 30)
    assert abs(Fraction(str(ref)) - exact(ball.mid())) < Fraction(1, 10**30)


def test_uncertifiable_numbers_are_tpsym_constants_not_user_floats():
    from tpsym.certified import NumericConstant
    from tpsym.spec import parse_spec

    law = parse_spec('jacobian(activation="formula(tanh(x) + x/10)", sigma_w2=1, sigma_b2=1/20, depth=2)')
    m1, m2 = law.moments(2)
    assert m1.atoms(NumericConstant) and not m2.atoms(sympy.Float)
    assert abs(float(m1) - float(m1.atoms(NumericConstant).pop()) ** 2) < 1e-12
    claim = 'moment(jacobian(activation="formula(tanh(x) + x/10)", sigma_w2=1, sigma_b2=1/20, depth=2), 1) == 1'
    v = verify_claim(identity(claim), numeric=False)
    assert v.status == "error" and "computed by tpsym" in v.summary and "write it as a fraction" not in v.summary


def test_piecewise_linear_formula_network_is_certified_like_hard_tanh():
    # formula(Max(-1, Min(1, x))) is hard tanh: its exact Gaussian integrals make the claim certified
    net = 'jacobian(activation="formula(Max(-1, Min(1, x)))", sigma_w2=3/2, sigma_b2=1/20, depth=2)'
    right = verify_claim(identity(f"moment({net}, 1) == (3*mu(hard_tanh, 1, {HT_Q})/2)**2"), numeric=False)
    assert right.status == "certified", right.summary
    wrong = verify_claim(identity(f"moment({net}, 1) == (3*mu(hard_tanh, 1, {HT_Q})/2)**2 * (1 + 10**-20)"), numeric=False)
    assert wrong.status == "refuted", wrong.summary
