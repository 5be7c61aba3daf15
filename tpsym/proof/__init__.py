"""Claims, proofs and certificates.

So far: exact proofs for all orders from an algebraic equation of the
generating function (:mod:`tpsym.proof.algebraic`), built on linear ODEs and
P-recurrences (:mod:`tpsym.proof.holonomic`).

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
    ode_from_algebraic,
    prove_even_term,
    prove_generating_function,
    prove_term,
    recurrence_from_algebraic,
    series_root,
)
from tpsym.proof.holonomic import LinearODE, Recurrence, integer_roots, recurrence_from_ode

__all__ = [
    "AllOrderProof",
    "ClaimRefuted",
    "LinearODE",
    "METHOD_SUBSTITUTION",
    "METHOD_TERM",
    "ProofFailure",
    "Recurrence",
    "integer_roots",
    "ode_from_algebraic",
    "prove_even_term",
    "prove_generating_function",
    "prove_term",
    "recurrence_from_algebraic",
    "recurrence_from_ode",
    "series_root",
]
