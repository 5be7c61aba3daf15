"""Proofs for all orders from an algebraic equation of the generating function.

One import for the pieces, which live in their own modules:

* :mod:`tpsym.proof.equation` — ``P(z, y) = 0`` → linear ODE → P-recurrence,
  and the series root (:func:`ode_from_algebraic`,
  :func:`recurrence_from_algebraic`, :func:`series_root`);
* :mod:`tpsym.proof.hypergeometric` — a hypergeometric closed form proved
  against the recurrence (:func:`prove_term`, :func:`prove_even_term`);
* :mod:`tpsym.proof.radical` — a generating function with one square root
  proved by substitution (:func:`prove_generating_function`,
  :func:`generating_function_coefficients`);
* :mod:`tpsym.proof.record` — :class:`AllOrderProof`, the record of a proof,
  and its re-check;
* :mod:`tpsym.proof.failures` — :class:`ProofFailure` (no proof found) and
  :class:`ClaimRefuted` (the claim is false).

The argument: a root ``y(z) = Σ a_n z^n`` of a polynomial ``P(z, y)`` is
D-finite (Stanley, *Enumerative Combinatorics* vol. 2, Theorem 6.4.6), so
``a_n`` satisfies a P-recurrence; a closed form that satisfies the same
recurrence and agrees on enough initial values equals ``a_n`` for every ``n``
(Petkovšek–Wilf–Zeilberger, *A = B*, Chapter 4).

Examples
--------
>>> from sympy import symbols, binomial
>>> z, y, n = symbols("z y n")
>>> rec = recurrence_from_algebraic(z*y**2 - y + 1, z, y, n)       # y = 1 + z y^2
>>> proof = prove_term(rec, binomial(2*n, n)/(n + 1), n,
...                    initial_terms=rec.terms([1, 1], 4))           # OEIS A000108
>>> proof.method
'hypergeometric term satisfies P-recurrence'
>>> proof.recheck()
True
"""

from __future__ import annotations

from tpsym.proof.equation import ode_from_algebraic, recurrence_from_algebraic, series_root
from tpsym.proof.failures import ClaimRefuted, ProofFailure
from tpsym.proof.hypergeometric import prove_even_term, prove_term
from tpsym.proof.radical import generating_function_coefficients, prove_generating_function
from tpsym.proof.record import METHOD_SUBSTITUTION, METHOD_TERM, AllOrderProof

__all__ = [
    "ProofFailure",
    "ClaimRefuted",
    "AllOrderProof",
    "ode_from_algebraic",
    "recurrence_from_algebraic",
    "series_root",
    "prove_term",
    "prove_even_term",
    "prove_generating_function",
    "generating_function_coefficients",
    "METHOD_TERM",
    "METHOD_SUBSTITUTION",
]
