"""The proof library proofs/*.toml: every claim reaches a non-failing verdict.

The numeric claims run at the fast setting of the numeric layer (the two smallest
sizes of their sweep, at most 8 trials): the same setting as `tpsym verify proofs/`.
Every claim is verified once per test session (a module fixture).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tpsym.proof.certificate import certificate, recheck
from tpsym.proof.claims import Claim
from tpsym.proof.fileformat import load_claims
from tpsym.proof.verify import verify_claim

PROOFS = Path(__file__).resolve().parent.parent.parent / "proofs"

#: The all-order claims that are proved today: they must stay proved.
PROVED = frozenset({
    "semicircle-catalan",
    "semicircle-odd",
    "semicircle-variance",
    "semicircle-free-cumulants",
    "free-poisson-cumulants",
    "mp-cumulants",
    "mp-ratio-one-catalan",
    "fuss-catalan-2",
    "fuss-catalan-3",
    "fuss-catalan-law",
    "semicircles-add",
    "free-poissons-add",
    "free-compression",
    "arcsine-central-binomial",
    "deep-linear-gaussian-fuss-catalan",
    "deep-linear-gaussian-fuss-catalan-depth-2",
    "collins-hayase-orthogonal-relu-depth-3",
    "ginibre-power-fuss-catalan-3",
    "ginibre-power-fuss-catalan-2",
    "single-step-rnn-is-one-layer",
    "mp-generating-function",
    "rectangular-linear-layer-is-mp",
    "semicircle-generating-function",
})

#: Claims that only numbers can support.
NUMERIC_ONLY = frozenset({"universality-rademacher", "universality-uniform-mp", "relu-network-numeric"})


def _library() -> list:
    items = load_claims([str(PROOFS)])
    errors = [c for c in items if not isinstance(c, Claim)]
    assert not errors, errors
    return items


#: The library, read at collection: one test per claim, so that parallel workers share the claims.
LIBRARY = _library()

#: Claims whose certificates are re-checked (one per all-order method).
RECHECKED = frozenset({"semicircle-odd", "fuss-catalan-2", "fuss-catalan-law"})


def test_library_size_and_sources():
    claims = LIBRARY
    assert len(claims) >= 20
    ids = [c.id for c in claims]
    assert len(set(ids)) == len(ids), "ids must be unique across the library (certificates are named by id)"
    for c in claims:
        # a source names an arXiv id, an OEIS entry, a book or a paper with its year
        assert re.search(r"arXiv \d{4}\.\d{4,5}|OEIS A\d{6}|Lecture|\(\d{4}\)|\d{4}\)|Prop\.|Sec\.", c.source), (c.id, c.source)
    assert PROVED | NUMERIC_ONLY | RECHECKED <= set(ids), (PROVED | NUMERIC_ONLY | RECHECKED) - set(ids)


@pytest.mark.parametrize("claim", LIBRARY, ids=lambda c: c.id)
def test_claim_holds(claim):
    v = verify_claim(claim, fast_numeric=True)
    assert v.ok, v.summary
    assert v.status != "skipped", v.summary
    if claim.id in PROVED:  # the all-order claims that are proved today stay proved
        assert v.status == "proved", v.summary
        assert v.proof and v.proof["method"]
    if claim.id in NUMERIC_ONLY:  # confirmed with power, or honestly inconclusive
        assert v.status in ("confirmed", "inconclusive"), v.summary
        detectable = v.numeric.get("detectable")
        tolerance = v.numeric.get("tolerance")
        if v.status == "confirmed" and detectable is not None and tolerance is not None:
            # confirmed only when every moment's detectable error is within the tolerance
            assert all(d is not None and d <= tolerance for d in detectable), (claim.id, detectable, tolerance)
        if v.status == "inconclusive":
            assert "undetected" in v.summary or "would be needed" in v.summary, v.summary
    if claim.id in RECHECKED:  # the all-order proofs re-check from their certificates
        result = recheck(certificate(v))
        assert result.holds, result.problems
