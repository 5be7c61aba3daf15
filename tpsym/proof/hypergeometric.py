"""All-order proofs of a hypergeometric closed form ``t(n) = a_n`` against a P-recurrence.

A claimed closed form ``t(n)`` is *proved for all n* (:func:`prove_term`)
by showing, exactly,

1. ``t(n) = a_n`` for the initial indices (enough of them: the order of the
   recurrence plus every index where its leading coefficient vanishes), and
2. ``Σ_j p_j(n) t(n+j) = 0`` for every larger ``n``: for a hypergeometric
   ``t`` the quotients ``t(n+j)/t(n)`` are rational functions, built factor
   by factor from the structure of ``t``, and the sum is a rational function
   whose canonical form (a reduced fraction of polynomials) is zero.

Induction on ``n`` then gives ``t(n) = a_n`` for every ``n``.
:func:`prove_even_term` proves ``t(k) = a_{2k}`` for an equation even in
``z`` through ``P(z, y) = Q(z², y)``. A claim that fails the recurrence is
refuted (:class:`~tpsym.proof.failures.ClaimRefuted`) at the first index
where it differs from the series, when that index is found.

The re-check of these proofs (:meth:`tpsym.proof.record.AllOrderProof.recheck`)
is registered here, beside the proof it repeats.

References
----------
M. Petkovšek, H. Wilf, D. Zeilberger, *A = B* (1996), Chapter 4 (proof of an
identity by a recurrence and initial values).

Examples
--------
>>> from sympy import symbols, binomial
>>> from tpsym.proof.equation import recurrence_from_algebraic
>>> z, y, n = symbols("z y n")
>>> rec = recurrence_from_algebraic(z*y**2 - y + 1, z, y, n)       # y = 1 + z y^2
>>> proof = prove_term(rec, binomial(2*n, n)/(n + 1), n,
...                    initial_terms=rec.terms([1, 1], 4))           # OEIS A000108
>>> proof.method, proof.recheck()
('hypergeometric term satisfies P-recurrence', True)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import floor
from typing import Any

from sympy import (
    Expr,
    FallingFactorial,
    Integer,
    Mul,
    Poly,
    Pow,
    Rational,
    RisingFactorial,
    Sum,
    Symbol,
    binomial,
    cancel,
    catalan,
    factorial,
    fraction,
    gamma,
    nan,
    together,
    zoo,
)
from sympy.polys.domains import QQ

from tpsym.errors import CertificateError, InputError
from tpsym.proof._encoding import (
    NOT_IN_DOMAIN,
    decode_poly,
    decode_rational,
    decode_symbols,
    decode_value,
    encode_poly,
    encode_rational,
    encode_value,
)
from tpsym.proof.equation import (
    _check_against_equation,
    _check_symbol,
    _even_reduction,
    _initial_list,
    _prepare_equation,
    _root_coefficients,
    ode_from_algebraic,
    recurrence_from_algebraic,
)
from tpsym.proof.failures import ClaimRefuted, ProofFailure
from tpsym.proof.holonomic import Recurrence, _as_expr, _base_field, integer_roots, recurrence_from_ode
from tpsym.proof.record import (
    METHOD_TERM,
    AllOrderProof,
    ProofData,
    _decode_ratfunc,
    _encode_equation,
    _encode_ratfunc,
    _encode_recurrence,
    _equation_string,
    _require,
    register_recheck,
)

__all__ = ["prove_term", "prove_even_term", "REFUTATION_SEARCH"]

#: How far past the checked window :func:`prove_term` looks for the first
#: index where a claim that fails the recurrence disagrees with the series.
REFUTATION_SEARCH = 30


@dataclass(frozen=True, slots=True)
class _HyperTerm:
    """t(n) = rational(n) · Π gamma(a n + b)^e · Π base^(a n + b)."""

    rational: Expr
    gammas: tuple[tuple[int, Rational, int], ...]
    powers: tuple[tuple[Expr, int, int], ...]
    #: Smallest n from which every gamma argument of the term *as written* is positive:
    #: factors that cancel (binomial(n - 20, n - 20)) still bound where the gamma form
    #: is the term's value (sympy's binomial is 0 at n < 20, the cancelled form is 1).
    defined_from: int = -(10**9)

    def expr(self, n: Symbol) -> Expr:
        out = self.rational
        for a, b, e in self.gammas:
            out *= gamma(a * n + b) ** e
        for base, a, b in self.powers:
            out *= base ** (a * n + b)
        return out

    def safe_from(self) -> int:
        """Smallest integer n from which every gamma argument is positive (−∞ → very small)."""
        low = self.defined_from
        for a, b, _e in self.gammas:
            low = max(low, floor(-b / a) + 1)
        return low


def _linear(arg: Expr, n: Symbol, what: str) -> tuple[int, Rational]:
    try:
        p = Poly(arg, n, domain=QQ)
    except NOT_IN_DOMAIN as exc:
        raise ProofFailure(f"the argument {arg} of {what} is not linear in {n} over QQ") from exc
    if p.degree() > 1:
        raise ProofFailure(f"the argument {arg} of {what} is not linear in {n}")
    a, b = p.coeff_monomial(n), p.coeff_monomial(1)
    if not a.is_integer:
        raise ProofFailure(f"the argument {arg} of {what} has a non-integer slope in {n}")
    return int(a), Rational(b)


def _decompose(term: Expr, n: Symbol,
               params: tuple[Symbol, ...]) -> tuple[_HyperTerm, tuple[int, ...]]:
    """Split a hypergeometric term into its rational, gamma and exponential factors.

    Also returns the integers where a rational factor of ``term`` (as written,
    before cancellation) has a pole."""
    field = QQ.frac_field(n, *params)
    K0 = _base_field(params)
    rational: list[Expr] = []
    gammas: dict[tuple[int, Rational], int] = {}
    powers: list[tuple[Expr, int, int]] = []
    poles: set[int] = set()
    defined_from = -(10**9)

    def add_rational(expr: Expr) -> None:
        den = fraction(together(expr))[1]
        if den.has(n):
            try:
                poles.update(integer_roots(Poly(den, n, *params, domain=QQ), n))
            except NOT_IN_DOMAIN:  # not a polynomial: caught by the caller
                pass
        rational.append(expr)

    def add_gamma(arg: Expr, e: int, what: str) -> None:
        nonlocal defined_from
        a, b = _linear(arg, n, what)
        if a > 0:
            defined_from = max(defined_from, floor(-b / a) + 1)
        if a < 0:
            raise ProofFailure(f"{what} has an argument {arg} decreasing in {n}: "
                               "the term is eventually zero or undefined")
        if a == 0:
            rational.append(gamma(b) ** e)
            return
        gammas[(a, b)] = gammas.get((a, b), 0) + e

    def visit(expr: Expr, e: int) -> None:
        if not expr.has(n):
            rational.append(expr**e)
            return
        if isinstance(expr, Sum):
            raise ProofFailure(
                f"{expr} is a definite sum, not a hypergeometric term: prove its generating "
                "function with prove_generating_function, or give a closed form")
        if isinstance(expr, Mul):
            for arg in expr.args:
                visit(arg, e)
            return
        if isinstance(expr, Pow):
            base, exp = expr.args
            if not exp.has(n):
                if exp.is_integer:
                    visit(base, e * int(exp))
                    return
                raise ProofFailure(f"{expr} is not a hypergeometric term in {n} (non-integer power)")
            if base.has(n):
                raise ProofFailure(f"{expr} is not a hypergeometric term in {n}")
            a, b = _linear(exp, n, f"the exponent of {expr}")
            if not b.is_integer:
                raise ProofFailure(f"the exponent of {expr} has a non-integer constant term")
            try:
                base_value = K0.from_sympy(cancel(base))
            except NOT_IN_DOMAIN as exc:
                raise ProofFailure(f"the base {base} of {expr} is not in QQ{list(params) or ''}") from exc
            if not base_value:
                raise ProofFailure(f"the base of {expr} is zero")
            powers.append((K0.to_sympy(base_value), a * e, int(b) * e))
            return
        if isinstance(expr, factorial):
            add_gamma(expr.args[0] + 1, e, str(expr))
            return
        if isinstance(expr, gamma):
            add_gamma(expr.args[0], e, str(expr))
            return
        if isinstance(expr, binomial):
            top, bot = expr.args
            for arg in (top, bot, top - bot):
                if _linear(arg, n, str(expr))[0] < 0:
                    raise ProofFailure(f"{expr} is eventually zero in {n}: natural boundaries "
                                       "are not supported")
            add_gamma(top + 1, e, str(expr))
            add_gamma(bot + 1, -e, str(expr))
            add_gamma(top - bot + 1, -e, str(expr))
            return
        if isinstance(expr, catalan):
            x = expr.args[0]
            add_gamma(2 * x + 1, e, str(expr))
            add_gamma(x + 1, -e, str(expr))
            add_gamma(x + 2, -e, str(expr))
            return
        if isinstance(expr, RisingFactorial):
            x, k = expr.args
            add_gamma(x + k, e, str(expr))
            add_gamma(x, -e, str(expr))
            return
        if isinstance(expr, FallingFactorial):
            x, k = expr.args
            add_gamma(x + 1, e, str(expr))
            add_gamma(x - k + 1, -e, str(expr))
            return
        try:
            field.from_sympy(expr)
        except NOT_IN_DOMAIN as exc:
            raise ProofFailure(f"{expr} is not a hypergeometric term in {n} "
                               f"(not a rational function, factorial, binomial, gamma or power)") from exc
        add_rational(expr**e)

    visit(term, 1)
    try:
        rat = field.to_sympy(field.from_sympy(Mul(*rational))) if rational else Integer(1)
    except NOT_IN_DOMAIN as exc:
        raise ProofFailure(f"the constant factors of {term} are not in QQ{list(params) or ''}") from exc
    return _HyperTerm(
        rat,
        tuple(sorted((a, b, e) for (a, b), e in gammas.items() if e)),
        tuple(powers),
        int(defined_from),
    ), tuple(sorted(poles))


def _shift_ratio(h: _HyperTerm, n: Symbol, j: int, field: Any) -> Any:
    """(gamma and power part of t)(n + j) / (same)(n), an element of QQ(n, params)."""
    nF = field.from_sympy(n)
    out = field.one
    for a, b, e in h.gammas:
        prod = field.one
        for i in range(a * j):
            prod *= a * nF + field.from_sympy(b + i)
        out *= prod**e
    for base, a, _b in h.powers:
        out *= field.from_sympy(base) ** (a * j)
    return out


def _evaluate(term: Expr, n: Symbol, m: int, K0: Any) -> Any:
    value = term.subs(n, m)
    if value.has(Sum):
        value = value.doit()
    if value.has(zoo, nan) or value.is_finite is False:
        raise InputError(f"the claimed term {term} is undefined at {n}={m}")
    try:
        return K0.from_sympy(cancel(value))
    except NOT_IN_DOMAIN as exc:
        raise ProofFailure(f"the claimed term at {n}={m} is {value}, not an exact "
                           f"element of {K0}") from exc


def _hyper_residual(rec: Recurrence, h: _HyperTerm, n: Symbol) -> Any:
    """Σ_j p_j(n) · t(n+j)/(gamma-and-power part of t)(n), in QQ(n, params)."""
    field = QQ.frac_field(n, *rec.params)
    total = field.zero
    for j, p in enumerate(rec.coeffs):
        if p.is_zero:
            continue
        pj = field.from_sympy(p.as_expr().subs(rec.n, n))
        tj = field.from_sympy(h.rational.subs(n, n + j))
        total += pj * tj * _shift_ratio(h, n, j, field)
    return field, total


def _check_window(rec: Recurrence, K: int, start: int) -> None:
    r = rec.order
    if K < start + r or K - r < rec.valid_from:
        raise InputError(f"{K} initial terms are too few: the recurrence of order {r} needs "
                         f"a_{start} … a_{max(start, rec.valid_from) + r - 1}")
    for N in integer_roots(rec.leading, rec.n):
        if N >= start and N + r >= K:
            raise InputError(f"the leading coefficient of the recurrence vanishes at n={N}: "
                             f"a_{N + r} must be among the initial terms (got {K})")


def _first_disagreement(rec: Recurrence, initial: list, claimed: Mapping[int, Any], start: int,
                        K0: Any) -> tuple[int, Any, Any] | None:
    top = max(claimed) + 1
    derived = rec.terms([K0.to_sympy(v) for v in initial], top)
    for m in range(start, top):
        if K0.from_sympy(derived[m]) != claimed[m]:
            return m, claimed[m], K0.from_sympy(derived[m])
    return None


def _search_refutation(rec: Recurrence, initial: list, claimed: Mapping[int, Any], term: Expr,
                       n: Symbol, start: int, K0: Any) -> tuple[int, Any, Any] | None:
    """Unroll the recurrence REFUTATION_SEARCH steps past the claimed values; the first disagreement."""
    more = dict(claimed)
    top = max(claimed, default=start - 1) + 1
    for m in range(top, top + REFUTATION_SEARCH):
        more[m] = _evaluate(term, n, m, K0)
    try:
        return _first_disagreement(rec, initial, more, start, K0)
    except InputError:
        return None


def _prove_hyper_core(rec: Recurrence, h: _HyperTerm, n: Symbol, initial: list,
                      claimed: Mapping[int, Any], start: int, term_for_search: Expr | None,
                      ) -> tuple[int, tuple[int, ...]]:
    """The checks shared by prove_term and recheck. Returns (n_safe, directly checked indices)."""
    K0 = _base_field(rec.params)
    K, r = len(initial), rec.order
    _check_window(rec, K, start)
    for m in range(start, K):
        if claimed[m] != initial[m]:
            raise ClaimRefuted(
                f"the claim fails at {n}={m}: claimed {K0.to_sympy(claimed[m])}, "
                f"derived {K0.to_sympy(initial[m])}",
                index=m, claimed=K0.to_sympy(claimed[m]), expected=K0.to_sympy(initial[m]))
    n_safe = max(h.safe_from(), start, K - r)
    field, residual = _hyper_residual(rec, h, n)
    direct = tuple(range(K - r, n_safe))
    bad_direct = [m for m in direct
                  if rec.residual([K0.to_sympy(claimed.get(i, K0.zero)) for i in range(m + r + 1)], m) != 0]
    if residual or bad_direct:
        res_expr = field.to_sympy(residual)
        found = None
        if term_for_search is not None:
            found = _search_refutation(rec, initial, claimed, term_for_search, n, start, K0)
        if found is not None:
            m, c, d = found
            raise ClaimRefuted(
                f"the claim fails at {n}={m}: claimed {K0.to_sympy(c)}, derived {K0.to_sympy(d)} "
                f"(recurrence residual of the claim: {res_expr})",
                index=m, claimed=K0.to_sympy(c), expected=K0.to_sympy(d), residual=res_expr)
        raise ProofFailure(
            f"the claim does not satisfy the recurrence: residual {res_expr}"
            + (f", nonzero at n in {bad_direct}" if bad_direct else ""))
    return n_safe, direct



def prove_term(recurrence: Recurrence, term: Expr, n: Symbol, *, initial_terms: Sequence[Any],
               start: int = 0) -> AllOrderProof:
    """Prove ``term(n) = a_n`` for every ``n ≥ start``, where ``a`` satisfies ``recurrence``.

    ``initial_terms`` are the exact first coefficients ``a_0, …, a_{K-1}`` of
    the series (computed by the caller). The proof checks ``term(m) = a_m``
    for ``start ≤ m < K`` and that the hypergeometric ``term`` satisfies the
    recurrence for every ``n ≥ K - r``: exactly at the finitely many ``n``
    below the point where every gamma argument of the term is positive, and
    as an identity of rational functions in ``n`` (zero canonical form)
    beyond. Zeros of the term are no obstacle: the quotients are taken with
    respect to its gamma and exponential factors only, which never vanish.

    Parameters
    ----------
    recurrence : Recurrence
        A recurrence satisfied by ``a_n`` for ``n ≥ recurrence.valid_from``.
        When it comes from :func:`recurrence_from_algebraic`, the initial
        terms are also checked to be the coefficients of the series root.
    term : sympy.Expr
        The claimed ``a_n``: a product of rational functions of ``n``
        (coefficients in ``QQ(params)``), powers ``c^(a n + b)``, and
        factorials, gamma functions, binomials, Catalan numbers and
        rising/falling factorials whose arguments are linear in ``n`` with
        nonnegative integer slopes.
    n : sympy.Symbol
        The index variable of ``term``.
    initial_terms : sequence
        ``a_0, a_1, …, a_{K-1}``; at least ``start + r`` of them and past
        every singular index of the recurrence.
    start : int, optional
        The first index of the claim (default 0).

    Returns
    -------
    AllOrderProof

    Raises
    ------
    ClaimRefuted
        If the claim is false: the first index where it differs from the
        series, with both values and the residual.
    ProofFailure
        If the term is not of the supported hypergeometric form.
    InputError
        If too few initial terms are given, the term is undefined at some
        index, or the initial terms are not the coefficients of the root.

    Examples
    --------
    >>> from sympy import symbols, binomial, catalan
    >>> from tpsym.proof.equation import series_root
    >>> z, y, n = symbols("z y n")
    >>> P = z*y**3 - y + 1                          # y = 1 + z y^3, OEIS A001764
    >>> rec = recurrence_from_algebraic(P, z, y, n)
    >>> a = series_root(P, z, y, rec.initial_terms_needed)
    >>> prove_term(rec, binomial(3*n, n)/(2*n + 1), n, initial_terms=a).statement
    'a_n = binomial(3*n, n)/(2*n + 1) for all n >= 0...'
    >>> rec2 = recurrence_from_algebraic(z*y**2 - y + 1, z, y, n)
    >>> prove_term(rec2, catalan(n + 1), n, initial_terms=[1, 1])
    Traceback (most recent call last):
    ...
    tpsym.proof.failures.ClaimRefuted: the claim fails at n=1: claimed 2, derived 1
    """
    if not isinstance(recurrence, Recurrence):
        raise InputError(f"{recurrence!r} is not a Recurrence")
    _check_symbol("n", n)
    if isinstance(start, bool) or not isinstance(start, int) or start < 0:
        raise InputError(f"{start=} must be a nonnegative integer")
    term = _as_expr(term)
    rec = recurrence
    if n != rec.n:
        rec = Recurrence(tuple(Poly(p.as_expr().subs(rec.n, n), n, *rec.params, domain=QQ)
                               for p in rec.coeffs), n, rec.params, rec.valid_from, rec.source)
    params = rec.params
    extra = term.free_symbols - {n} - set(params)
    if extra:
        raise InputError(f"the term {term} involves {sorted(map(str, extra))}, which are not "
                         f"parameters of the recurrence {list(map(str, params))}")
    K0 = _base_field(params)
    initial = _initial_list(initial_terms, K0)
    _check_window(rec, len(initial), start)
    K, r = len(initial), rec.order
    claimed = {}
    for m in range(start, K):
        claimed[m] = _evaluate(term, n, m, K0)
        if claimed[m] != initial[m]:
            raise ClaimRefuted(
                f"the claim fails at {n}={m}: claimed {K0.to_sympy(claimed[m])}, "
                f"derived {K0.to_sympy(initial[m])}",
                index=m, claimed=K0.to_sympy(claimed[m]), expected=K0.to_sympy(initial[m]))
    try:
        h, poles = _decompose(term, n, params)
    except ProofFailure as exc:
        # not provable here; it may still be refutable by unrolling the recurrence
        found = _search_refutation(rec, initial, claimed, term, n, start, K0)
        if found is not None:
            m, c, d = found
            raise ClaimRefuted(
                f"the claim fails at {n}={m}: claimed {K0.to_sympy(c)}, derived {K0.to_sympy(d)}",
                index=m, claimed=K0.to_sympy(c), expected=K0.to_sympy(d)) from exc
        raise ProofFailure(f"{exc} (the claim agrees with the series for "
                           f"{n} = {start}..{K + REFUTATION_SEARCH - 1})") from exc
    for pole in poles:
        if pole >= start:
            raise InputError(f"the claimed term {term} is undefined at {n}={pole}")
    # the claimed values the proof looks at: the initial window and the direct window
    top = max(K, max(h.safe_from(), start, K - r) + r)
    for m in range(K, top):
        claimed[m] = _evaluate(term, n, m, K0)
    equation, branch = None, ""
    if rec.source is not None and rec.source.equation is not None:
        equation = rec.source.equation
        zz, yy = equation.gens[:2]
        if _check_against_equation(equation, zz, yy, params, initial, K0):
            branch = "the initial terms are the coefficients of the unique power-series root of P"
        else:
            branch = ("the initial terms were taken as given (a_0 is a multiple root of P(0, y), "
                      "so the branch is not determined by a_0)")
    n_safe, direct = _prove_hyper_core(rec, h, n, initial, claimed, start, term)
    return _make_term_proof(rec, h, n, term, initial, claimed, start, n_safe, direct, equation,
                            branch, even=False)


def _make_term_proof(rec: Any, h: Any, n: Any, term: Any, initial: Any, claimed: Any, start: Any, n_safe: Any, direct: Any,
                     equation: Any, branch: Any, *, even: bool) -> AllOrderProof:
    K0 = _base_field(rec.params)
    params = rec.params
    K, r = len(initial), rec.order
    idx = "2k" if even else str(n)
    exact = f"exactly at {n} in {list(direct)} and " if direct else ""
    pieces = [
        f"a_{idx} = {term} for all {n} >= {start}",
        f"{term} equals a_{idx} at {n} = {start}..{K - 1}",
        f"{term} satisfies the order-{r} recurrence for {n} >= {K - r}: {exact}as an identity of "
        f"rational functions in {n} (zero canonical form) for {n} >= {n_safe}",
        f"its leading coefficient vanishes at no {n} >= {K - r}, so induction on {n} applies",
    ]
    if branch:
        pieces.append(branch)
    if params:
        pieces.append(f"identities hold over QQ({', '.join(map(str, params))})")
    statement = "; ".join(p for p in pieces if p)
    ode = rec.source
    data: dict[str, Any] = {
        "format": 1,
        "method": METHOD_TERM,
        "params": [str(p) for p in params],
        "even": even,
        "start": start,
        "initial": [encode_value(K0.to_sympy(v), params) for v in initial],
        "recurrence": _encode_recurrence(rec),
        "equation": _encode_equation(ode) if ode is not None and ode.equation is not None else None,
        "claim": {
            "n": str(n),
            "rational": _encode_ratfunc(h.rational, (n, *params)),
            "gammas": [[a, encode_rational(b), e] for a, b, e in h.gammas],
            "powers": [[encode_value(base, params), a, b] for base, a, b in h.powers],
            "values": [[m, encode_value(K0.to_sympy(v), params)] for m, v in sorted(claimed.items())],
            "defined_from": h.defined_from,
        },
    }
    return AllOrderProof(
        method=METHOD_TERM,
        claim=str(term),
        statement=statement,
        equation=_equation_string(ode, even),
        parameters=tuple(map(str, params)),
        ode=ode.coefficient_strings() if ode is not None else (),
        recurrence=rec.coefficient_strings(),
        order=r,
        valid_from=start,
        initial_values=tuple(str(K0.to_sympy(v)) for v in initial),
        checked_directly=direct,
        even=even,
        data=json.dumps(data, sort_keys=True, separators=(",", ":")),
    )



def prove_even_term(P: Any, z: Symbol, y: Symbol, term: Expr, k: Symbol, *,
                    initial_terms: Sequence[Any], start: int = 0,
                    params: Sequence[Symbol] | None = None) -> AllOrderProof:
    """Prove ``a_{2k} = term(k)`` for all ``k ≥ start`` and ``a_{2k+1} = 0`` for an even equation.

    For ``P(z, y) = Q(z², y)`` (a symmetric law: ``M(z) = 1 + z² M(z)²`` for
    the semicircle), the series root ``y(z)`` with ``P_y(0, a_0) ≠ 0`` is
    even: ``y(-z)`` is a root with the same constant term, and the root is
    unique. Its even part ``Σ a_{2k} w^k`` is the root of ``Q(w, y)``, and
    :func:`prove_term` proves the claim against the recurrence of ``Q``.

    Parameters
    ----------
    P : sympy.Expr or sympy.Poly
        The algebraic equation, even in ``z``.
    z, y : sympy.Symbol
        The variable and the unknown.
    term : sympy.Expr
        The claimed ``a_{2k}`` as a hypergeometric term in ``k``.
    k : sympy.Symbol
        The index of ``term``.
    initial_terms : sequence
        The first coefficients ``a_0, a_1, a_2, …`` of the series (odd ones included).
    start : int, optional
        First ``k`` of the claim.
    params : sequence of sympy.Symbol, optional
        Parameters of ``P``.

    Examples
    --------
    >>> from sympy import symbols, catalan
    >>> from tpsym.proof.equation import series_root
    >>> z, y, k = symbols("z y k")
    >>> P = z**2*y**2 - y + 1                      # semicircle moments, OEIS A126120
    >>> proof = prove_even_term(P, z, y, catalan(k), k, initial_terms=series_root(P, z, y, 4))
    >>> proof.statement.split(";")[0]
    'a_2k = catalan(k) for all k >= 0 and a_(2k+1) = 0 for all k >= 0 (P is even in z)'
    """
    poly, params = _prepare_equation(P, z, y, params)
    _check_symbol("k", k)
    K0 = _base_field(params)
    initial = _initial_list(initial_terms, K0)
    if not initial:
        raise InputError("at least a_0 is needed")
    coeffs = _root_coefficients(poly, z, y, params, K0.to_sympy(initial[0]), len(initial))
    if coeffs is None:
        raise ProofFailure("a_0 is a multiple root of P(0, y): evenness of the root is not certain")
    w = Symbol("w")
    while w in (z, y, k, *params):
        w = Symbol(w.name + "_")
    Q = _even_reduction(poly, z, y, w)
    for m, (a, b) in enumerate(zip(initial, coeffs)):
        if a != b:
            raise InputError(f"initial term a_{m} = {K0.to_sympy(a)} is not the coefficient "
                             f"{K0.to_sympy(b)} of the series root of P")
    rec = recurrence_from_algebraic(Q, w, y, k, params=params)
    even_initial = [K0.to_sympy(v) for v in initial[::2]]
    inner = prove_term(rec, term, k, initial_terms=even_initial, start=start)
    data = json.loads(inner.data)
    data["even"] = True
    data["equation"] = {"vars": [str(z), str(y)], "terms": encode_poly(poly)}
    data["odd"] = [encode_value(K0.to_sympy(v), params) for v in initial[1::2]]
    head, _, rest = inner.statement.partition("; ")
    statement = (f"a_2k = {term} for all {k} >= {start} and a_(2k+1) = 0 for all {k} >= 0 "
                 f"(P is even in {z}); P(z, y) = Q(z^2, y) with Q = {Q.as_expr()}; "
                 f"even part b_{k} = a_(2{k}), the root of Q: " + rest.replace(f"a_{k} ", f"b_{k} "))
    return AllOrderProof(
        method=METHOD_TERM, claim=str(term), statement=statement,
        equation=f"{poly.as_expr()} = 0", parameters=inner.parameters, ode=inner.ode,
        recurrence=inner.recurrence, order=inner.order, valid_from=start,
        initial_values=inner.initial_values, checked_directly=inner.checked_directly,
        even=True, data=json.dumps(data, sort_keys=True, separators=(",", ":")))


def _decode_defined_from(claim: Mapping[str, Any]) -> int:
    value = claim.get("defined_from", -(10**9))
    _require(type(value) is int, "malformed defined_from")
    return value


def _recheck_term(proof: AllOrderProof, pd: ProofData) -> None:
    data, params, K0, initial, even, start = pd.data, pd.params, pd.K0, pd.initial, pd.even, pd.start
    poly, z, y = pd.poly, pd.z, pd.y
    rec_data = data["recurrence"]
    n = decode_symbols([rec_data["n"]])[0]
    stored = Recurrence(tuple(decode_poly(c, (n, *params)) for c in rec_data["coeffs"]), n, params,
                        rec_data["valid_from"])
    _require(stored.coefficient_strings() == proof.recurrence, "the recurrence differs from the data")
    _require(stored.order == proof.order, "the order differs from the recurrence")
    rec = stored
    if poly is not None:
        base = poly
        if even:
            w = Symbol("w")
            while w in (z, y, n, *params):
                w = Symbol(w.name + "_")
            all_initial = [K0.from_sympy(decode_value(v, params)) for v in data["odd"]]
            full = [None] * (len(initial) + len(all_initial))
            full[::2], full[1::2] = initial, all_initial
            _require(all(v is not None for v in full), "odd coefficients missing")
            _require(all(not v for v in all_initial), "an odd coefficient is not zero")
            _require(_check_against_equation(poly, z, y, params, full, K0),
                     "a_0 is a multiple root of P(0, y)")
            base, z = _even_reduction(poly, z, y, w), w
        else:
            _check_against_equation(base, z, y, params, initial, K0)
        ode = ode_from_algebraic(base, z, y, params=params)
        _require(ode.coefficient_strings() == proof.ode, "the ODE differs from the re-derived one")
        derived = recurrence_from_ode(ode, n)
        _require(derived == stored, "the recurrence differs from the one derived from the ODE")
        rec = derived
    claim = data["claim"]
    _require(claim["n"] == rec_data["n"], "the index variable differs")
    h = _HyperTerm(
        _decode_ratfunc(claim["rational"], (n, *params)),
        tuple((int(a), decode_rational(b), int(e)) for a, b, e in claim["gammas"]),
        tuple((decode_value(base_, params), int(a), int(b)) for base_, a, b in claim["powers"]),
        _decode_defined_from(claim),
    )
    _require(all(a >= 1 for a, _b, _e in h.gammas), "a gamma factor is not increasing in n")
    claimed = {}
    for m, v in claim["values"]:
        _require(type(m) is int and m not in claimed, "malformed claimed values")
        claimed[m] = K0.from_sympy(decode_value(v, params))
    _require(set(claimed) >= set(range(start, len(initial))), "claimed values missing")
    safe = h.safe_from()
    term = h.expr(n)
    for m, v in claimed.items():
        if m >= safe and _evaluate(term, n, m, K0) != v:
            raise CertificateError(f"the stored claimed value at {n}={m} is not the term's value")
    n_safe, direct = _prove_hyper_core(rec, h, n, initial, claimed, start, None)
    _require(direct == proof.checked_directly, "the directly checked indices differ")


register_recheck(METHOD_TERM, _recheck_term)
