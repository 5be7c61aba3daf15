"""The mean-field claim functions (tpsym.nets.claims) and the proof file proofs/networks.toml."""

from __future__ import annotations

from pathlib import Path

import mpmath
import pytest
import sympy

from tpsym.errors import DomainError, SpecError
from tpsym.nets import claim_functions
from tpsym.nets.claims import chi, mu, q_star
from tpsym.proof.claims import Claim, parse_loop
from tpsym.proof.fileformat import ClaimError, load_claims
from tpsym.proof.functions import claim_functions as proof_functions
from tpsym.proof.verify import verify_claim

from ._oracle import gauss_expect

ROOT = Path(__file__).resolve().parents[2]
q = sympy.Symbol("q", positive=True)


def test_table():
    assert set(claim_functions()) == {"q_star", "chi", "mu", "nngp", "ntk", "correlation_map", "c_star", "chi_c", "depth_scale"}
    assert {"q_star", "chi", "mu"} <= set(proof_functions("series")) & set(proof_functions("lattice"))


def test_exact_values():
    assert q_star("relu", sympy.Rational(3, 2), sympy.Rational(1, 20)) == sympy.Rational(1, 5)
    assert chi("relu", 2, 0) == 1 and chi("linear", 1, 0) == 1
    assert chi("leaky_relu", 1, 0, slope=sympy.Symbol("a")) == sympy.Symbol("a") ** 2 / 2 + sympy.Rational(1, 2)
    assert mu("hard_tanh", 2, sympy.Rational(1, 2)) == sympy.erf(1)
    assert mu("erf", 3, q) == (4 / sympy.pi) ** 3 / sympy.sqrt(12 * q + 1)


def test_numeric_values_are_certified_constants():
    from tpsym.certified import CertifiedConstant

    value = mu("tanh", 1, 1)
    assert isinstance(value, CertifiedConstant)
    ball = value.ball(30)
    with mpmath.workdps(40):
        oracle = gauss_expect(lambda h: mpmath.sech(h) ** 4, 1)
        assert abs(ball.mid() - oracle) < mpmath.mpf(10) ** -35
    assert ball.digits() >= 30


def test_errors():
    with pytest.raises(SpecError, match="unknown activation"):
        chi("swish")
    with pytest.raises(DomainError, match="no fixed point"):
        q_star("relu", 3, 1)


@pytest.mark.parametrize(
    ("statement", "loop", "status"),
    [
        ("mu(hard_tanh, k, q) == erf(1/sqrt(2*q))", "k = 1..4", "verified"),
        ("mu(erf, k, q) == (4/pi)**k/sqrt(1 + 4*k*q)", "k = 1..4", "verified"),
        ("mu(erf, k, q) == (4/pi)**k/sqrt(1 + 2*k*q)", "k = 1..4", "refuted"),
        ("chi(relu, 2, 0) == 1", None, "verified"),
        ("chi(relu, 3/2, 0) == 1", None, "refuted"),
    ],
)
def test_claims_through_the_verifier(statement, loop, status):
    claim = Claim("c", "t", "arXiv 1711.04735", "identity", statement=statement,
                  loops=(parse_loop(loop),) if loop else (), assumptions=(("q", ("positive",)),))
    assert verify_claim(claim).status == status


def test_proof_file_reads():
    claims = load_claims([ROOT / "proofs" / "networks.toml"])
    assert not [c for c in claims if isinstance(c, ClaimError)]
    assert len(claims) >= 8
    assert all("arXiv" in c.source or "OEIS" in c.source for c in claims)


FAST_IDS = [
    "deep-linear-orthogonal-isometry",
    "pennington-variance-gaussian",
    "pennington-variance-orthogonal",
    "relu-critical-mean",
    "relu-critical-second-moment-gaussian",
    "relu-critical-second-moment-orthogonal",
    "hard-tanh-mu",
    "erf-mu",
    "criticality-relu",
    "criticality-linear",
    "collins-hayase-orthogonal-relu",
    "hard-tanh-jacobian-mean",
]


@pytest.mark.parametrize("claim_id", FAST_IDS)
def test_proof_file_claims_hold(claim_id):
    (claim,) = [c for c in load_claims([ROOT / "proofs" / "networks.toml"]) if c.id == claim_id]
    verdict = verify_claim(claim, numeric=False)
    assert verdict.status in ("proved", "verified"), verdict.summary


@pytest.mark.slow
@pytest.mark.parametrize(
    "claim_id", ["deep-linear-gaussian-fuss-catalan", "collins-hayase-orthogonal-relu-depth-3", "relu-network-numeric"]
)
def test_proof_file_slow_claims(claim_id):
    (claim,) = [c for c in load_claims([ROOT / "proofs" / "networks.toml"]) if c.id == claim_id]
    verdict = verify_claim(claim)
    assert verdict.status in ("proved", "confirmed"), verdict.summary


def test_symbolic_fixed_point_needs_its_existence_settled():
    # q* = σ_b²/(1 − σ_w²/2) for ReLU exists only for σ_w² < 2: with w, b merely positive the
    # formula would be "verified" where there is no fixed point
    w, b, e = (sympy.Symbol(n, positive=True) for n in "wbe")
    with pytest.raises(DomainError, match="exists only where w/2 < 1"):
        q_star("relu", w, b)
    with pytest.raises(DomainError, match="exists only where"):
        chi("relu", w, b)
    assert q_star("relu", 2 - e, b) == 2 * b / e
    assert chi("relu", w, 0) == w / 2  # no bias: q* = 0 is a fixed point for every w
