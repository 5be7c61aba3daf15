"""Certified tanh kernels (tpsym.nets.kernels): balls checked against independent quadrature,
exact values where the mathematics gives them, wrong claims refuted, estimates never decided on,
and numeric kernel claims in proof files (sampled networks, certificates, recheck)."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy
from scipy import integrate

from tpsym.certified import CertifiedConstant, NumericConstant, to_ball
from tpsym.nets import kernels
from tpsym.proof.claims import Claim, NumericSettings
from tpsym.proof.verify import verify_claim

R = sympy.Rational


def _tanh_pair_dblquad(s11: float, s22: float, s12: float, derivative: bool) -> float:
    """E[F(u)F(v)] by scipy's adaptive 2-D quadrature over the Gaussian density (the independent oracle)."""
    det = s11 * s22 - s12 * s12
    f = (lambda x: 1 / math.cosh(x) ** 2) if derivative else math.tanh

    def integrand(v: float, u: float) -> float:
        return f(u) * f(v) * math.exp(-(s22 * u * u - 2 * s12 * u * v + s11 * v * v) / (2 * det)) / (2 * math.pi * math.sqrt(det))

    lim = 12 * math.sqrt(max(s11, s22))
    return integrate.dblquad(integrand, -lim, lim, -lim, lim, epsabs=1e-13, epsrel=1e-12)[0]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("derivative", [False, True])
def test_pair_ball_holds_the_quadrature_value(seed, derivative):
    rng = np.random.default_rng(seed)
    s11, s22 = (R(int(x), 20) for x in rng.integers(4, 60, 2))
    rho = R(int(rng.integers(-18, 19)), 20)
    s12 = rho * sympy.sqrt(s11 * s22)
    value = kernels.pair_expectation("tanh", s11, s22, s12, derivative=derivative)
    # ρ = 0 with odd φ is exactly 0 (u, v independent, E[tanh u] = 0); otherwise a certified constant
    assert value == 0 if (rho == 0 and not derivative) else isinstance(value, CertifiedConstant)
    ball = to_ball(value, 30)
    assert ball.radius() < 1e-29
    oracle = _tanh_pair_dblquad(float(s11), float(s22), float(s12), derivative)
    assert abs(float(ball.mid()) - oracle) < 1e-10


def _double_recursion(sw: float, sb: float, q1: float, q2: float, c: float, depth: int) -> tuple[float, float]:
    """The NNGP/NTK recursion in doubles with scipy quadrature (independent of tpsym's rules)."""
    s11, s22, s12 = q1, q2, c * math.sqrt(q1 * q2)
    theta = s12
    for _ in range(depth - 1):
        e12 = _tanh_pair_dblquad(s11, s22, s12, False)
        dot = sw * _tanh_pair_dblquad(s11, s22, s12, True)
        e11 = integrate.quad(lambda z, s11=s11: math.tanh(math.sqrt(s11) * z) ** 2 * math.exp(-z * z / 2), -12, 12)[0] / math.sqrt(2 * math.pi)
        e22 = integrate.quad(lambda z, s22=s22: math.tanh(math.sqrt(s22) * z) ** 2 * math.exp(-z * z / 2), -12, 12)[0] / math.sqrt(2 * math.pi)
        s11, s22, s12 = sw * e11 + sb, sw * e22 + sb, sw * e12 + sb
        theta = s12 + dot * theta
    return s12, theta


def test_depth_three_recursion_against_scipy():
    sw, sb, q1, q2, c = R(3, 2), R(1, 10), R(1), R(2), R(1, 3)
    k = kernels.nngp("tanh", sw, sb, 3, q1, q2, c)
    t = kernels.ntk("tanh", sw, sb, 3, q1, q2, c)
    assert str(k) == "nngp(tanh, sigma_w2=3/2, sigma_b2=1/10, depth=3, q1=1, q2=2, c=1/3)"
    kb, tb = to_ball(k, 30), to_ball(t, 30)
    assert kb.digits() >= 30 and tb.digits() >= 30
    want_k, want_t = _double_recursion(1.5, 0.1, 1.0, 2.0, 1 / 3, 3)
    assert float(kb.mid()) == pytest.approx(want_k, abs=1e-9)
    assert float(tb.mid()) == pytest.approx(want_t, abs=1e-9)


def test_digits_grow_on_request():
    k = kernels.nngp("tanh", R(3, 2), R(1, 10), 3, 1, 1, R(1, 2))
    b30, b60 = to_ball(k, 30), to_ball(k, 60)
    assert b60.radius() < 1e-59 and b30.contains(b60.mid())


def test_exact_values_stay_exact():
    # odd φ, no bias, orthogonal inputs: Σ12 = Θ = 0 at every depth
    assert kernels.nngp("tanh", 3, 0, 5, 1, 2, 0) == 0
    assert kernels.ntk("tanh", 3, 0, 5, 1, 2, 0) == 0
    # zero variances: φ(0)² = 0, φ'(0)² = 1
    assert kernels.pair_expectation("tanh", 0, 0, 0) == 0
    assert kernels.pair_expectation("tanh", 0, 0, 0, derivative=True) == 1
    # q* = 0 at (1, 0): χ_c = φ'(0)² = 1, the edge of chaos; c* = 1 there, c* = 0 in the chaotic phase without bias
    assert kernels.chi_c("tanh", 1, 0) == 1
    assert kernels.c_star("tanh", 1, 0) == 1 and kernels.c_star("tanh", 2, 0) == 0
    assert kernels.depth_scale("tanh", 1, 0, kind="c") == sympy.oo
    assert kernels.depth_scale("tanh", R(1, 2), 0, kind="c") == 1 / sympy.log(2)


def test_anti_correlated_inputs_use_the_exact_flip():
    a = kernels.nngp("tanh", 2, 0, 3, 1, 1, -1)
    b = kernels.nngp("tanh", 2, 0, 3, 1, 1, 1)
    assert abs(float(to_ball(a + b, 30).mid())) < 1e-30


def test_c_star_is_a_certified_attracting_fixed_point():
    # c* is the stable fixed point of the correlation map at q* (Poole et al., arXiv 1606.05340, eq. (5));
    # ξ_c = −1/log χ_c at c* (Schoenholz et al., arXiv 1611.01232, eq. (9))
    sw, sb = 2, R(1, 10)
    cs = kernels.c_star("tanh", sw, sb)
    assert isinstance(cs, CertifiedConstant) and str(cs) == "c_star(tanh, 2, 1/10)"
    ball = to_ball(cs, 13)  # the digits the double-precision oracle below can check
    assert ball.radius() < 1e-12
    c = float(ball.mid())
    # independent: the map in doubles (Gauss–Hermite) at q* from the mean-field code
    q = float(to_ball(kernels._q_star(kernels._activation("tanh", None), sympy.Integer(sw), sb), 16).mid())
    x, w = np.polynomial.hermite_e.hermegauss(200)
    w = w / math.sqrt(2 * math.pi)
    u = math.sqrt(q) * x[:, None]
    v = math.sqrt(q) * (c * x[:, None] + math.sqrt(1 - c * c) * x[None, :])
    e12 = float(np.einsum("ij,i,j->", np.tanh(u) * np.tanh(v), w, w))
    assert (sw * e12 + float(sb)) / q == pytest.approx(c, abs=1e-11)
    slope = sw * float(np.einsum("ij,i,j->", (1 / np.cosh(u) ** 2) * (1 / np.cosh(v) ** 2), w, w))
    assert slope < 1  # attracting
    # the depth scale at c* uses that slope
    xi = kernels.depth_scale("tanh", sw, sb, kind="c")
    assert float(to_ball(xi, 10).mid()) == pytest.approx(-1 / math.log(slope), rel=1e-8)


def test_xi_q_of_tanh_is_the_slope_of_the_length_map():
    # ξ_q = −1/log χ_q with χ_q the slope of the length map at q* (Schoenholz et al., arXiv 1611.01232, eqs. (4), (7))
    sw, sb = R(1, 2), R(1, 10)
    xi = kernels.depth_scale("tanh", sw, sb, kind="q")
    chi_q = math.exp(-1 / float(to_ball(xi, 20).mid()))
    # slope of q ↦ σ_w² E[tanh(√q z)²] + σ_b² at q*, by a central difference of 1-D quadrature
    act = kernels._activation("tanh", None)
    q = float(to_ball(kernels._q_star(act, sw, sb), 20).mid())

    def length(qq: float) -> float:
        return float(sw) * integrate.quad(lambda z: math.tanh(math.sqrt(qq) * z) ** 2 * math.exp(-z * z / 2), -14, 14,
                                          epsabs=1e-14)[0] / math.sqrt(2 * math.pi)

    h = 1e-5
    assert chi_q == pytest.approx((length(q + h) - length(q - h)) / (2 * h), rel=1e-6)


def _claim(statement: str) -> Claim:
    return Claim("t", "tanh kernel claim", "test", "identity", statement=statement)


@pytest.mark.parametrize(
    "statement",
    [
        "nngp(tanh, sigma_w2=3/2, sigma_b2=1/20, depth=3, q1=1, q2=1, c=1/2) == 1.000001*nngp(tanh, sigma_w2=3/2, sigma_b2=1/20, depth=3, q1=1, q2=1, c=1/2)",
        "chi_c(tanh, 3/2, 1/20) == chi(tanh, 3/2, 1/10)",  # a wrong σ_b²
        "ntk(tanh, sigma_w2=3/2, sigma_b2=0, depth=3, q1=1, q2=1, c=1/2) == ntk(tanh, sigma_w2=3/2, sigma_b2=0, depth=3, q1=1, q2=1, c=1/2, parameterization=standard)",
        "nngp(tanh, sigma_w2=2, sigma_b2=0, depth=3, q1=1, q2=1, c=1/3) == nngp(tanh, sigma_w2=2, sigma_b2=0, depth=3, q1=1, q2=1, c=-1/3)",
        "correlation_map(tanh, 2, 1/10, q=q_star(tanh, 2, 1/10), c=c_star(tanh, 2, 1/10)) == 1.00000000001*c_star(tanh, 2, 1/10)",
    ],
)
def test_wrong_tanh_claims_are_refuted(statement):
    v = verify_claim(_claim(statement))
    assert v.status == "refuted", v.summary


def test_right_tanh_claims_are_certified():
    v = verify_claim(_claim("chi_c(tanh, 3/2, 1/20) == chi(tanh, 3/2, 1/20)"))
    assert v.status == "certified", v.summary


def test_estimated_kernels_are_not_decided_on():
    value = kernels.nngp("hard_tanh", R(3, 2), 0, 3, 1, 1, R(1, 2))
    assert isinstance(value, NumericConstant) and 0.2 < float(value) < 0.4
    v = verify_claim(_claim("nngp(hard_tanh, sigma_w2=3/2, sigma_b2=0, depth=3, q1=1, q2=1, c=1/2) == 3/10"))
    assert v.status not in ("proved", "verified", "certified", "refuted"), v.summary
    assert "cannot be certified" in v.summary


# -- numeric kernel claims in proof files -------------------------------------------------

KERNEL_CLAIM = Claim(
    "k", "finite-width tanh NTK", "arXiv 1806.07572", "numeric",
    numeric=NumericSettings(kernel="ntk(tanh, sigma_w2=3/2, sigma_b2=1/10, depth=2, q1=1, q2=1, c=1/2)",
                            sizes=(64, 256), trials=12, seed=1, tolerance=0.2),
)


@pytest.fixture(scope="module")
def kernel_certificate():
    from tpsym.proof.certificate import certificate

    return json.loads(json.dumps(certificate(verify_claim(KERNEL_CLAIM))))


def test_kernel_claim_is_confirmed_and_rechecked(kernel_certificate):
    from tpsym.proof.certificate import recheck

    cert = kernel_certificate
    assert cert["verdict"] == "confirmed", cert["summary"]
    assert "for the NTK of finite-width networks" in cert["summary"]
    result = recheck(cert)
    assert result.holds, result.problems
    assert any("re-sampled from seed 1" in n for n in result.notes)


def test_forged_kernel_record_fails_recheck(kernel_certificate):
    from tpsym.proof.certificate import digest, recheck

    cert = json.loads(json.dumps(kernel_certificate))
    cert["numeric"]["moments"][0]["expected"] *= 1.1
    cert["digest"] = digest(cert)
    result = recheck(cert, resample=False)
    assert not result.holds and any("expected" in p for p in result.problems)


def test_wrong_derived_kernel_is_contradicted(monkeypatch):
    from tpsym.numeric import kernels as numeric_kernels
    from tpsym.proof.numeric import run_numeric

    monkeypatch.setattr(numeric_kernels.KernelTarget, "expected", property(lambda self: 1.3 * float(self.value)))
    claim = Claim("k", "t", "s", "numeric", numeric=NumericSettings(
        kernel="nngp(tanh, sigma_w2=3/2, sigma_b2=1/10, depth=3, q1=1, q2=1, c=1/2)", sizes=(256, 512), trials=20, seed=0))
    assert run_numeric(claim)["verdict"] == "contradicted"


def test_kernel_table_is_read_from_proof_files(tmp_path):
    from tpsym.proof.fileformat import load_claims

    f = tmp_path / "k.toml"
    f.write_text(
        '[[claim]]\nid = "k"\ntitle = "t"\nsource = "s"\n'
        'numeric = { kernel = "nngp(tanh, sigma_w2=3/2, depth=2, q1=1, q2=1, c=1/2)", sizes = [64, 128], trials = 4 }\n'
    )
    (claim,) = load_claims([str(f)])
    assert claim.kind == "numeric" and claim.numeric.kernel.startswith("nngp(tanh")
    f.write_text(
        '[[claim]]\nid = "k"\ntitle = "t"\nsource = "s"\n'
        'numeric = { kernel = "nngp(tanh, depth=2)", law = "semicircle()" }\n'
    )
    (error,) = load_claims([str(f)])
    assert "'numeric.kernel' samples one kernel" in str(error.message)


# -- the command line -----------------------------------------------------------------------


def test_cli_prints_certified_digits_and_marks_estimates(capsys):
    from tpsym.cli import main

    assert main(["kernel", "chi_c(tanh, 3/2, 1/20)", "--json", "--digits", "25"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["certified"] is True and out["exact"] is False and out["expression"] == "chi_c(tanh, 3/2, 1/20)"
    truth = Fraction(mpmath.nstr(to_ball(kernels.chi_c("tanh", R(3, 2), R(1, 20)), 40).mid(), 40))
    assert abs(Fraction(out["value"]) - truth) <= Fraction(out["error_bound"])
    assert main(["kernel", "nngp(hard_tanh, sigma_w2=3/2, depth=3, q1=1, q2=1, c=1/2)"]) == 0
    assert "not certified" in capsys.readouterr().out
    assert main(["kernel", "chi_c(tanh, 1, 0)", "--digits", "0"]) == 2


def test_certificate_enclosures_do_not_depend_on_what_was_computed_before():
    """A certified step records its enclosure exactly; recheck re-derives it in a fresh state. Balls
    computed earlier at other precisions (shared q* constants) must not change it."""
    from tpsym.nets.claims import q_star
    from tpsym.proof.certificate import certificate, recheck

    statement = "nngp(tanh, sigma_w2=3/2, sigma_b2=1/20, depth=2, q1=q_star(tanh, 3/2, 1/20), q2=q_star(tanh, 3/2, 1/20), c=1) == q_star(tanh, 3/2, 1/20)"
    to_ball(q_star("tanh", R(3, 2), R(1, 20)), 70)  # a more precise ball of the shared constant, computed first
    cert = json.loads(json.dumps(certificate(verify_claim(_claim(statement)))))
    assert cert["verdict"] == "certified"
    result = recheck(cert)
    assert result.holds, result.problems


def test_skipped_numeric_certificate_claims_nothing_and_holds():
    from tpsym.proof.certificate import certificate, recheck

    cert = json.loads(json.dumps(certificate(verify_claim(KERNEL_CLAIM, numeric=False))))
    assert cert["verdict"] == "skipped"
    result = recheck(cert)
    assert result.holds, result.problems
    assert any("skipped" in n for n in result.notes)
    cert["verdict"] = "confirmed"
    from tpsym.proof.certificate import digest

    cert["digest"] = digest(cert)
    assert not recheck(cert).holds


@pytest.mark.parametrize("derivative", [False, True])
def test_hard_tanh_estimate_against_two_dimensional_quadrature(derivative):
    """Hard tanh off the diagonal: a one-dimensional integral of the closed conditional expectation,
    against scipy's dblquad of the kinked integrand (which resolves it to about 1e-9)."""
    s11, s22, s12 = 2.0, 0.5, -0.6
    value = kernels.pair_expectation("hard_tanh", R(2), R(1, 2), R(-3, 5), derivative=derivative)
    assert isinstance(value, NumericConstant) and float(value.error) < 1e-12
    f = (lambda x: 1.0 * (abs(x) < 1)) if derivative else (lambda x: max(-1.0, min(1.0, x)))
    det = s11 * s22 - s12 * s12

    def g(y: float, x: float) -> float:
        return f(x) * f(y) * math.exp(-(s22 * x * x - 2 * s12 * x * y + s11 * y * y) / (2 * det)) / (2 * math.pi * math.sqrt(det))

    ref = integrate.dblquad(g, -15, 15, -15, 15, epsabs=1e-11)[0]
    assert float(value) == pytest.approx(ref, abs=1e-8)
    # on the diagonal it meets the closed form of the length map (Pennington et al., arXiv 1711.04735, Table 1,
    # integrated): E[φ²] = q erf(1/√(2q)) − √(2q/π) e^(−1/(2q)) + erfc(1/√(2q))
    q = 1.0
    diag = kernels._hard_tanh_pair(q, q, q * (1 - 1e-12), False)[0]
    closed = q * math.erf(1 / math.sqrt(2 * q)) - math.sqrt(2 * q / math.pi) * math.exp(-1 / (2 * q)) + math.erfc(1 / math.sqrt(2 * q))
    assert diag == pytest.approx(closed, abs=1e-9)
