"""Claims, their verdicts, certificates and all-order proofs.

The public API: read claims (:func:`load_claims` from proof files,
:func:`parse_claims` from text, :class:`Claim` in code), verify them
(:func:`verify_claim`, :func:`verify_files`: a :class:`Verdict`), write a
:func:`certificate` and :func:`recheck` it. Beneath the verifier, exact
proofs for all orders from an algebraic equation of the generating function
(:mod:`tpsym.proof.algebraic`), built on linear ODEs and P-recurrences
(:mod:`tpsym.proof.holonomic`).

>>> from tpsym.proof import Claim, certificate, parse_loop, recheck, verify_claim
>>> c = Claim("cat", "Catalan", "OEIS A000108", "identity",
...           statement="moment(semicircle(), 2*k) == catalan(k)", loops=(parse_loop("k >= 1"),))
>>> v = verify_claim(c)
>>> v.status, recheck(certificate(v)).holds
('proved', True)

>>> from sympy import symbols
>>> from tpsym.proof import recurrence_from_algebraic
>>> z, y, n = symbols("z y n")
>>> recurrence_from_algebraic(z*y**2 - y + 1, z, y, n).order
1
"""

from __future__ import annotations

from tpsym.proof.algebraic import (
    METHOD_SUBSTITUTION,
    METHOD_TERM,
    AllOrderProof,
    ClaimRefuted,
    ProofFailure,
    generating_function_coefficients,
    ode_from_algebraic,
    prove_even_term,
    prove_generating_function,
    prove_term,
    recurrence_from_algebraic,
    series_root,
)
from tpsym.proof.certificate import RecheckResult, certificate, digest, recheck
from tpsym.proof.claims import Claim, Loop, NumericSettings, parse_loop
from tpsym.proof.fileformat import ClaimError, claim_from_table, find_proof_files, load_claims, parse_claims
from tpsym.proof.holonomic import LinearODE, Recurrence, integer_roots, recurrence_from_ode
from tpsym.proof.library import bundled_library, library_names
from tpsym.proof.verify import VERDICTS, Verdict, error_verdict, verify_claim, verify_files

__all__ = [
    # claims and proof files
    "Claim",
    "ClaimError",
    "Loop",
    "NumericSettings",
    "claim_from_table",
    "find_proof_files",
    "load_claims",
    "parse_claims",
    "parse_loop",
    "bundled_library",
    "library_names",
    # verdicts
    "VERDICTS",
    "Verdict",
    "error_verdict",
    "verify_claim",
    "verify_files",
    # certificates
    "RecheckResult",
    "certificate",
    "digest",
    "recheck",
    # all-order proofs
    "AllOrderProof",
    "ClaimRefuted",
    "LinearODE",
    "METHOD_SUBSTITUTION",
    "METHOD_TERM",
    "ProofFailure",
    "Recurrence",
    "generating_function_coefficients",
    "integer_roots",
    "ode_from_algebraic",
    "prove_even_term",
    "prove_generating_function",
    "prove_term",
    "recurrence_from_algebraic",
    "recurrence_from_ode",
    "series_root",
]
