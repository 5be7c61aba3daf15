"""All-order proofs of claims about laws.

Two shapes of claim are proved for every index:

1. ``moment(LAW, a*k + b) == T(k)`` (or ``cumulant(LAW, k) == T(k)`` for
   free cumulants) for all ``k >= k0``, where ``T`` is a hypergeometric term
   and the law's generating function is algebraic
   (:func:`tpsym.laws.algebraic.algebraic_equation`). With ``a = 1`` the
   claim is proved against the P-recurrence of the moment series; with
   ``a = 2`` the equation must be even in ``z`` (a symmetric law) and the
   even part is used; ``moment(LAW, 2*k + 1) == 0`` follows from evenness
   alone. See :mod:`tpsym.proof.algebraic` for the argument.
2. ``same_law``: two laws whose moment series satisfy the same irreducible
   equation ``P(z, y) = 0`` with ``P(0, 1) = 0`` and ``P_y(0, 1) != 0``
   have the same moments: the power-series root with constant term 1 is
   unique (Hensel's lemma).

Everything else raises :class:`ProofFailure` with the reason, and the
verifier reports "verified for k <= K" instead.
"""

from __future__ import annotations

from typing import Any

import sympy

from tpsym.errors import CertificateError, DomainError, TpsymError
from tpsym.laws.algebraic import Y, Z, algebraic_equation, cumulant_equation
from tpsym.laws.base import Law
from tpsym.proof.claims import Claim, plain
from tpsym.proof.equation import recurrence_from_algebraic
from tpsym.proof.failures import ProofFailure
from tpsym.proof.functions import Recorder, claim_functions
from tpsym.proof.hypergeometric import prove_even_term, prove_term
from tpsym.proof.radical import prove_generating_function
from tpsym.proof.record import AllOrderProof
from tpsym.utils import expr_str

__all__ = ["prove_all_orders", "prove_same_law", "prove_law_generating_function", "recheck_proof", "ProofFailure"]


def _affine(index: sympy.Expr, k: sympy.Symbol) -> tuple[int, int]:
    try:
        poly = sympy.Poly(index, k)
    except sympy.PolynomialError:  # 2**k, Max(k, 1), ...
        raise ProofFailure(f"the index {index} is not of the form a*{k} + b with integers a, b") from None
    if poly.degree() != 1 or not all(c.is_Integer for c in poly.all_coeffs()):
        raise ProofFailure(f"the index {index} is not of the form a*{k} + b with integers a, b")
    a, b = (int(c) for c in poly.all_coeffs())
    return a, b


def _initial(coeffs_of: Any, count: int) -> list[sympy.Expr]:
    return [sympy.Integer(1), *(plain(c) for c in coeffs_of(count - 1))]


def prove_all_orders(claim: Claim) -> dict[str, Any]:
    """Prove an identity claim for every index of its unbounded loop.

    Returns a JSON-ready dict: the method, the law, the index, the term, the
    algebraic equation, and the proof of :mod:`tpsym.proof.algebraic`
    (``"proof"``, re-checkable with ``AllOrderProof.from_dict(...).recheck()``).

    Raises
    ------
    ProofFailure
        When the claim does not have a shape that can be proved for all orders.

    Examples
    --------
    >>> from tpsym.proof.claims import Claim, parse_loop
    >>> c = Claim("fc", "Fuss–Catalan", "OEIS A001764", "identity",
    ...           statement="moment(boxpower(mp(ratio=1), 2), k) == binomial(3*k, k)/(2*k + 1)",
    ...           loops=(parse_loop("k >= 1"),))
    >>> prove_all_orders(c)["method"]
    'hypergeometric term satisfies P-recurrence'
    """
    from tpsym.spec import parse_claim

    if len(claim.loops) != 1 or not claim.loops[0].unbounded:
        raise ProofFailure("all-order proofs take exactly one loop variable, unbounded ('k >= 1')")
    loop = claim.loops[0]
    k = sympy.Symbol(loop.var)
    start_k = int(sympy.Integer(loop.start)) if loop.start.lstrip("-").isdigit() else None
    if start_k is None:
        raise ProofFailure(f"the loop start {loop.start!r} must be an integer")
    recorder = Recorder()
    sides = parse_claim(claim.statement, functions=claim_functions("series", recorder), locals={**claim.symbols(), loop.var: k})
    lhs, rhs = sides.lhs, sides.rhs
    placeholders = {c.placeholder for c in recorder.calls}
    if lhs not in placeholders and rhs in placeholders:
        lhs, rhs = rhs, lhs
    if lhs not in placeholders or (rhs.free_symbols & placeholders) or len(recorder.calls) != 1:
        raise ProofFailure("all-order proofs need the shape moment(LAW, index) == term (one call, on one side)")
    call = recorder.calls[0]
    law: Law = call.law
    rhs = plain(rhs if isinstance(rhs, sympy.Basic) else sympy.sympify(rhs, strict=True))
    a, b = _affine(call.index, k)
    if rhs.has(sympy.Sum, sympy.Product):
        raise ProofFailure(f"the term {expr_str(rhs)} is a definite sum, not a hypergeometric term")
    try:
        if call.function == "cumulant":
            if call.kind != "free":
                raise ProofFailure(f"all-order proofs of {call.kind} cumulants are not implemented")
            eq = cumulant_equation(law)
            coeffs_of = lambda n: list(law.cumulants(n, "free"))  # noqa: E731
            what = "free cumulant series C(w) = 1 + sum kappa_n w^n"
        else:
            eq = algebraic_equation(law)
            coeffs_of = lambda n: list(law.moments(n))  # noqa: E731
            what = "moment series M(z) = sum m_n z^n"
    except DomainError as exc:
        raise ProofFailure(str(exc)) from exc
    P = plain(eq.expr)
    params = sorted(P.free_symbols - {Z, Y}, key=lambda s: s.name)
    n = sympy.Symbol("n")
    out: dict[str, Any] = {
        "law": str(law),
        "function": call.function,
        "index": expr_str(call.index),
        "term": expr_str(rhs),
        "equation": expr_str(P) + " = 0",
        "series": what,
        "derivation": list(eq.derivation),
    }
    if a == 1:
        rec = recurrence_from_algebraic(P, Z, Y, n, params=params)
        count = max(rec.initial_terms_needed + abs(b) + start_k + 2, 8)
        term = rhs.xreplace({k: n - b})
        proof = prove_term(rec, term, n, initial_terms=_initial(coeffs_of, count), start=start_k + b)
    elif a == 2:
        if not eq.is_even():
            raise ProofFailure(f"{law}: the index {call.index} needs an equation even in z (a symmetric law)")
        if b % 2:
            if rhs != 0:
                raise ProofFailure("odd-index claims other than 'moment(LAW, 2*k + 1) == 0' are not covered")
            return {**out, **_odd_vanish(P, law)}
        term = rhs.xreplace({k: k - b // 2})
        rec = recurrence_from_algebraic(sympy.expand(P.subs(Z, sympy.sqrt(Z))), Z, Y, n, params=params)
        count = 2 * max(rec.initial_terms_needed + abs(b) + start_k + 2, 8)
        proof = prove_even_term(P, Z, Y, term, k, initial_terms=_initial(coeffs_of, count), start=start_k + b // 2, params=params)
    else:
        raise ProofFailure(f"the index {call.index} has slope {a}; slopes 1 and 2 are covered")
    d = proof.to_dict()
    out["method"] = d["method"]
    out["statement"] = d["statement"]
    out["proof"] = d
    return out


def _odd_vanish(P: sympy.Expr, law: Law) -> dict[str, Any]:
    at0 = sympy.expand(P.subs({Z: 0, Y: 1}))
    slope = sympy.expand(sympy.diff(P, Y).subs({Z: 0, Y: 1}))
    if at0 != 0 or slope == 0:
        raise ProofFailure("the root with constant term 1 is not a simple root of P(0, y)")
    return {
        "method": "the equation is even in z",
        "statement": (
            f"P(-z, y) = P(z, y) for P = {expr_str(P)}, and P_y(0, 1) = {expr_str(slope)} != 0: the series "
            "root with constant term 1 is unique, and M(-z) is also such a root, so M is even and every odd moment "
            f"of {law} vanishes"
        ),
    }


def prove_same_law(laws: list[Law]) -> dict[str, Any]:
    """Prove that laws have the same moments for every order (see the module doc).

    >>> from tpsym.laws import boxtimes, fuss_catalan, mp
    >>> prove_same_law([boxtimes(mp(ratio=1), mp(ratio=1)), fuss_catalan(2)])["method"]
    'same irreducible algebraic equation with a simple root at (0, 1)'
    """
    try:
        eqs = [algebraic_equation(law) for law in laws]
    except DomainError as exc:
        raise ProofFailure(str(exc)) from exc
    for law, eq in zip(laws, eqs):
        if not eq.irreducible:  # a parameter such as sqrt(2): irreducible only with the number as a generic generator
            raise ProofFailure(f"the equation of {law} is not known to be irreducible over the field of its parameters (a number such as sqrt(2) among them)")
    P = eqs[0].expr
    for law, eq in zip(laws[1:], eqs[1:]):
        if sympy.expand(eq.expr - P) != 0 and sympy.expand(eq.expr + P) != 0:
            raise ProofFailure(f"the equations of {laws[0]} and {law} differ: {P} = 0 and {eq.expr} = 0")
    at0 = sympy.expand(P.subs({Z: 0, Y: 1}))
    slope = sympy.expand(sympy.diff(P, Y).subs({Z: 0, Y: 1}))
    if at0 != 0:
        raise ProofFailure(f"P(0, 1) = {at0} != 0")
    if slope == 0:
        raise ProofFailure("P_y(0, 1) = 0: the root with constant term 1 is not unique")
    return {
        "method": "same irreducible algebraic equation with a simple root at (0, 1)",
        "laws": [str(law) for law in laws],
        "equation": expr_str(P) + " = 0",
        "statement": (
            f"every moment series satisfies {expr_str(P)} = 0; P(0, 1) = 0 and P_y(0, 1) = {expr_str(slope)} != 0, "
            "so the power-series root with constant term 1 is unique and the moments agree for all k"
        ),
        "derivation": [s for eq in eqs for s in eq.derivation],
    }


def prove_law_generating_function(law: Law, F: sympy.Expr, initial: list[Any]) -> dict[str, Any]:
    """Prove ``Σ_k m_k z^k = F(z)`` for every k by substitution into the law's algebraic equation.

    ``F`` is in the variable ``z`` of :mod:`tpsym.laws.algebraic`; ``initial``
    are the exact moments ``m_0, m_1, …`` used to fix the branch.

    >>> from sympy import sqrt, symbols
    >>> from tpsym.laws import mp
    >>> z = symbols("z")
    >>> F = (1 - sqrt(1 - 4*z))/(2*z)
    >>> prove_law_generating_function(mp(ratio=1), F, [1, 1, 2, 5])["method"]
    'substitution into algebraic equation'
    """
    try:
        eq = algebraic_equation(law)
    except DomainError as exc:
        raise ProofFailure(str(exc)) from exc
    P = plain(eq.expr)
    params = sorted((P.free_symbols | F.free_symbols) - {Z, Y}, key=lambda s: s.name)
    proof = prove_generating_function(P, Z, Y, plain(F), initial, params=params)
    d = proof.to_dict()
    return {
        "law": str(law),
        "function": "moment generating function",
        "term": expr_str(F),
        "equation": expr_str(P) + " = 0",
        "series": "moment series M(z) = sum m_n z^n",
        "derivation": list(eq.derivation),
        "method": d["method"],
        "statement": d["statement"],
        "proof": d,
    }


def recheck_proof(record: dict[str, Any]) -> None:
    """Re-check a stored all-order proof; raise :class:`~tpsym.errors.CertificateError` if it fails."""
    if not isinstance(record, dict):
        raise CertificateError(f"the proof record is not a table: {record!r}")
    if "proof" in record:
        if not isinstance(record["proof"], dict):
            raise CertificateError(f"the stored proof is not a table: {record['proof']!r}")
        proof = AllOrderProof.from_dict(record["proof"])
        try:
            ok = proof.recheck()
        except TpsymError as exc:
            raise CertificateError(f"the stored proof does not re-check: {exc}") from exc
        if not ok:
            raise CertificateError("the stored proof does not re-check")
