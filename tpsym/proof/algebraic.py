"""Proofs for all orders from an algebraic equation of the generating function.

A generating function ``y(z) = Σ a_n z^n`` that is a root of a polynomial
``P(z, y)`` (squarefree in ``y``) is D-finite: repeated differentiation of
``P(z, y(z)) = 0`` expresses every derivative ``y^(i)`` as a polynomial in
``y`` of degree ``< deg_y P`` with coefficients in ``QQ(z)`` (``y' = -P_z/P_y``
reduced modulo ``P``, with ``1/P_y`` the inverse modulo ``P`` from the
extended Euclidean algorithm), so ``y, y', …, y^(d)`` are linearly dependent
over ``QQ(z)`` and a nullspace vector is a linear ODE (:func:`ode_from_algebraic`).
Its coefficient extraction is a P-recurrence for ``a_n``
(:func:`tpsym.proof.holonomic.recurrence_from_ode`).

A claimed closed form ``t(n)`` is then *proved for all n* (:func:`prove_term`)
by showing, exactly,

1. ``t(n) = a_n`` for the initial indices (enough of them: the order of the
   recurrence plus every index where its leading coefficient vanishes), and
2. ``Σ_j p_j(n) t(n+j) = 0`` for every larger ``n``: for a hypergeometric
   ``t`` the quotients ``t(n+j)/t(n)`` are rational functions, built factor
   by factor from the structure of ``t``, and the sum is a rational function
   whose canonical form (a reduced fraction of polynomials) is zero.

Induction on ``n`` then gives ``t(n) = a_n`` for every ``n``. A claimed
generating function ``F(z)`` with one square root ``√D`` is proved by
substitution (:func:`prove_generating_function`): ``P(z, A + B√D)`` reduces
to ``U + V√D`` with ``U, V ∈ QQ(z)``, both zero, and the expansion of ``F``
at 0 starts like the series root, which is unique when ``P_y(0, a_0) ≠ 0``.

With parameters (symbols other than the variables), every identity is one of
rational functions over ``QQ(parameters)``, so it holds for every value of
the parameters where both sides are defined.

References
----------
R. P. Stanley, *Enumerative Combinatorics* vol. 2, Theorem 6.4.6 (algebraic
implies D-finite); M. Petkovšek, H. Wilf, D. Zeilberger, *A = B* (1996),
Chapter 4 (proof of an identity by a recurrence and initial values).

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

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from math import floor
from typing import Any, Literal

import sympy
from sympy import (
    Add,
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
    sqrt,
    together,
    zoo,
)
from sympy.polys.domains import QQ
from sympy.polys.matrices import DomainMatrix
from sympy.polys.polyclasses import DMP

from tpsym.errors import CertificateError, InputError, TpsymError
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
from tpsym.proof.holonomic import (
    LinearODE,
    Recurrence,
    _as_expr,
    _base_field,
    _primitive_family,
    integer_roots,
    recurrence_from_ode,
)

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

METHOD_TERM = "hypergeometric term satisfies P-recurrence"
METHOD_SUBSTITUTION = "substitution into algebraic equation"
Method = Literal["hypergeometric term satisfies P-recurrence", "substitution into algebraic equation"]

#: How far past the checked window :func:`prove_term` looks for the first
#: index where a claim that fails the recurrence disagrees with the series.
REFUTATION_SEARCH = 30


class ProofFailure(TpsymError):
    """The claim could not be proved for all orders (the reason is the message).

    This is not a refutation: the claim may still hold (for example a term
    that is not hypergeometric). :class:`ClaimRefuted` is the subclass for a
    claim shown to be false.
    """


class ClaimRefuted(ProofFailure):
    """The claim is false: it differs from the series at :attr:`index`.

    Attributes
    ----------
    index : int or None
        The first index where the claimed and the derived value differ (None
        when only the residual is known to be nonzero).
    claimed, expected : sympy.Expr or None
        The claimed and the derived value at ``index``.
    residual : sympy.Expr or None
        The nonzero residual of the recurrence or of the algebraic equation.
    """

    def __init__(self, message: str, *, index: int | None = None, claimed: Expr | None = None,
                 expected: Expr | None = None, residual: Expr | None = None) -> None:
        super().__init__(message)
        self.index = index
        self.claimed = claimed
        self.expected = expected
        self.residual = residual


# --------------------------------------------------------------------------
# The algebraic equation
# --------------------------------------------------------------------------


def _check_symbol(name: str, s: Any) -> Symbol:
    if not isinstance(s, Symbol):
        raise InputError(f"{name}={s!r} is not a sympy Symbol")
    return s


def _prepare_equation(P: Any, z: Symbol, y: Symbol,
                      params: Sequence[Symbol] | None) -> tuple[Poly, tuple[Symbol, ...]]:
    """P as a Poly over QQ in (z, y, *params), with denominators cleared."""
    _check_symbol("z", z)
    _check_symbol("y", y)
    if z == y:
        raise InputError(f"z and y must differ, both are {z}")
    expr = P.as_expr() if isinstance(P, Poly) else P
    if not isinstance(expr, Expr):
        expr = _as_expr(expr)
    num = fraction(together(expr))[0]
    free = num.free_symbols - {z, y}
    if params is None:
        params = tuple(sorted(free, key=str))
    else:
        params = tuple(_check_symbol("parameter", p) for p in params)
        missing = free - set(params)
        if missing:
            raise InputError(f"P involves {sorted(map(str, missing))}, not listed in params")
    try:
        poly = Poly(num, z, y, *params, domain=QQ)
    except NOT_IN_DOMAIN as exc:
        raise InputError(f"P = {expr} is not a polynomial in {z}, {y} over QQ{list(params) or ''}") from exc
    if poly.degree(y) < 1:
        raise InputError(f"P = {expr} does not involve {y}")
    return poly, params


def _y_poly_over(K, poly: Poly, y: Symbol) -> Poly:
    """The Poly ``P`` as a univariate polynomial in ``y`` over the field ``K``."""
    return Poly(poly.as_expr(), y, domain=K)


def _diff_coeffs(p: Poly, zg, K) -> Poly:
    """Differentiate every coefficient of ``p`` (a Poly in y over QQ(z, …)) in z."""
    lst = [c.diff(zg) for c in p.rep.to_list()]
    return Poly.new(DMP.from_list(lst, 0, K), *p.gens)


def ode_from_algebraic(P: Any, z: Symbol, y: Symbol, *,
                       params: Sequence[Symbol] | None = None) -> LinearODE:
    """A homogeneous linear ODE with polynomial coefficients satisfied by every root of ``P``.

    The derivatives ``y^(i)`` are reduced to polynomials of degree ``< deg_y P``
    in ``y`` over ``QQ(params)(z)``; the first ``k`` with ``y, y', …, y^(k)``
    linearly dependent gives the ODE (a nullspace vector over that field,
    with denominators cleared and common factors removed).

    Parameters
    ----------
    P : sympy.Expr or sympy.Poly
        The algebraic equation ``P(z, y) = 0``; polynomial in ``z`` and ``y``
        with coefficients in ``QQ[params]`` (denominators are cleared),
        squarefree in ``y``.
    z, y : sympy.Symbol
        The variable and the unknown.
    params : sequence of sympy.Symbol, optional
        The parameters; by default every other symbol of ``P``, sorted by name.

    Returns
    -------
    LinearODE
        With ``equation`` set to ``P``.

    Raises
    ------
    InputError
        If ``P`` is not a polynomial over QQ, does not involve ``y`` or is
        not squarefree in ``y``.

    Examples
    --------
    >>> from sympy import symbols
    >>> z, y = symbols("z y")
    >>> ode = ode_from_algebraic(y**2*(1 - 4*z) - 1, z, y)     # y = 1/sqrt(1 - 4z)
    >>> str(ode)
    '(4*z - 1)*D^1 y + (2)*y = 0'
    """
    poly, params = _prepare_equation(P, z, y, params)
    K = QQ.frac_field(z, *params)
    zg = K.field.gens[0]
    Py = _y_poly_over(K, poly, y)
    d = Py.degree()
    dPy = Py.diff(y)
    if Py.gcd(dPy).degree() > 0:
        raise InputError(f"P = {poly.as_expr()} is not squarefree in {y}")
    Pm = Py.monic()
    inv = dPy.invert(Pm)
    y_prime = (-_diff_coeffs(Py, zg, K) * inv).rem(Pm)

    def derive(A: Poly) -> Poly:
        return (_diff_coeffs(A, zg, K) + A.diff(y) * y_prime).rem(Pm)

    def vector(A: Poly) -> list:
        lst = A.rep.to_list()[::-1]
        return lst + [K.zero] * (d - len(lst))

    current = Poly(y, y, domain=K).rem(Pm)
    columns = [vector(current)]
    for k in range(1, d + 1):
        current = derive(current)
        columns.append(vector(current))
        M = DomainMatrix([[col[i] for col in columns] for i in range(d)], (d, k + 1), K)
        null = M.nullspace()
        if null.shape[0]:
            row = null.to_Matrix().row(0)
            break
    else:  # pragma: no cover - d + 1 vectors in dimension d are dependent
        raise AssertionError("no dependency among y, ..., y^(d)")
    vec = [K.from_sympy(e) for e in row]
    dens = [v.denom for v in vec]
    L = dens[0]
    for den in dens[1:]:
        L = L.lcm(den)
    nums = [v.numer * L.exquo(v.denom) for v in vec]
    g = nums[0]
    for num in nums[1:]:
        g = g.gcd(num)
    nums = [num.exquo(g) for num in nums]
    gens = (z, *params)
    coeffs = [Poly(num.as_expr(), *gens, domain=QQ) for num in nums]
    while coeffs and coeffs[-1].is_zero:
        coeffs.pop()
    return LinearODE(_primitive_family(coeffs), z, params, poly)


def recurrence_from_algebraic(P: Any, z: Symbol, y: Symbol, n: Symbol, *,
                              params: Sequence[Symbol] | None = None) -> Recurrence:
    """The P-recurrence of the coefficients of every power-series root of ``P``.

    ``recurrence_from_ode(ode_from_algebraic(P, z, y), n)``.

    Examples
    --------
    >>> from sympy import symbols
    >>> z, y, n = symbols("z y n")
    >>> rec = recurrence_from_algebraic(y**2*(1 - 4*z) - 1, z, y, n)   # OEIS A000984
    >>> str(rec), rec.terms([1], 6)
    ('(n + 1)*a(n+1) + (-4*n - 2)*a(n) = 0  (n >= 0)', (1, 2, 6, 20, 70, 252))
    """
    return recurrence_from_ode(ode_from_algebraic(P, z, y, params=params), n)


def _z_coeffs(expr: Expr, z: Symbol, K0) -> list:
    """Coefficients (lowest degree first) of a polynomial in z over K0."""
    return Poly(expr, z, domain=K0).rep.to_list()[::-1]


def _root_coefficients(poly: Poly, z: Symbol, y: Symbol, params: tuple[Symbol, ...],
                       a0: Expr, count: int) -> list | None:
    """Hensel lifting of the root with constant term a0; None if the root is not simple."""
    K0 = _base_field(params)
    Py = Poly(poly.as_expr(), y, domain=QQ.frac_field(z, *params) if params else QQ.frac_field(z))
    # P_i(z) as coefficient lists over K0, highest y-power first
    rows = [_z_coeffs(Poly(poly.as_expr(), y).coeff_monomial(y**i), z, K0)
            for i in range(Py.degree(), -1, -1)]
    a = [K0.from_sympy(_as_expr(a0))]

    def evaluate(series: list, m: int, deriv: bool = False) -> list:
        """P(z, series) (or P_y) modulo z^(m+1)."""
        acc = [K0.zero] * (m + 1)
        deg = len(rows) - 1
        for idx, row in enumerate(rows):
            power = deg - idx
            coef = [c * power for c in row] if deriv else row
            if deriv and power == 0:
                continue
            # acc = acc * series + coef
            new = [K0.zero] * (m + 1)
            for i, ai in enumerate(acc):
                if ai:
                    for j in range(0, m + 1 - i):
                        if j < len(series) and series[j]:
                            new[i + j] += ai * series[j]
            for i in range(min(len(coef), m + 1)):
                new[i] += coef[i]
            acc = new
        return acc

    if evaluate(a, 0)[0]:
        raise InputError(f"a_0 = {a0} is not a root of P(0, y)")
    slope = evaluate(a, 0, deriv=True)[0]
    if not slope:
        return None
    for m in range(1, count):
        e = evaluate(a + [K0.zero], m)[m]
        a.append(-e / slope)
    return a[:count]


def series_root(P: Any, z: Symbol, y: Symbol, count: int, *, constant: Any = 1,
                params: Sequence[Symbol] | None = None) -> tuple[Expr, ...]:
    """The first ``count`` coefficients of the power-series root of ``P`` with ``y(0) = constant``.

    Newton–Hensel lifting: when ``P_y(0, a_0) ≠ 0`` the root is unique and
    ``a_m = -[z^m] P(z, a_0 + … + a_{m-1} z^{m-1}) / P_y(0, a_0)``.

    Raises
    ------
    InputError
        If ``constant`` is not a root of ``P(0, y)`` or is a multiple root.

    Examples
    --------
    >>> from sympy import symbols
    >>> z, y = symbols("z y")
    >>> series_root(z*y**3 - y + 1, z, y, 7)        # ternary trees, OEIS A001764
    (1, 1, 3, 12, 55, 273, 1428)
    """
    poly, params = _prepare_equation(P, z, y, params)
    if count < 0:
        raise InputError(f"{count=} is negative")
    coeffs = _root_coefficients(poly, z, y, params, constant, max(count, 1))
    if coeffs is None:
        raise InputError(f"y(0) = {constant} is a multiple root of P(0, {y}): the branch is not unique")
    K0 = _base_field(params)
    return tuple(K0.to_sympy(c) for c in coeffs[:count])


def _even_reduction(poly: Poly, z: Symbol, y: Symbol, w: Symbol) -> Poly:
    """Q with P(z, y) = Q(z^2, y), as a Poly in (w, y, *params)."""
    table = {}
    for exps, coeff in poly.as_dict().items():
        if exps[0] % 2:
            raise InputError(f"P = {poly.as_expr()} is not even in {z}")
        table[(exps[0] // 2, *exps[1:])] = coeff
    return Poly.from_dict(table, w, *poly.gens[1:], domain=QQ)


# --------------------------------------------------------------------------
# Hypergeometric terms
# --------------------------------------------------------------------------


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


def _shift_ratio(h: _HyperTerm, n: Symbol, j: int, field) -> Any:
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


def _evaluate(term: Expr, n: Symbol, m: int, K0) -> Any:
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
                        K0) -> tuple[int, Any, Any] | None:
    top = max(claimed) + 1
    derived = rec.terms([K0.to_sympy(v) for v in initial], top)
    for m in range(start, top):
        if K0.from_sympy(derived[m]) != claimed[m]:
            return m, claimed[m], K0.from_sympy(derived[m])
    return None


def _search_refutation(rec: Recurrence, initial: list, claimed: Mapping[int, Any], term: Expr,
                       n: Symbol, start: int, K0) -> tuple[int, Any, Any] | None:
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


def _initial_list(initial_terms: Sequence[Any], K0) -> list:
    try:
        return [K0.from_sympy(cancel(_as_expr(v))) for v in initial_terms]
    except TpsymError:
        raise
    except NOT_IN_DOMAIN as exc:
        raise InputError(f"the initial terms {list(initial_terms)} are not exact elements of {K0}") from exc


def _check_against_equation(poly: Poly, z: Symbol, y: Symbol, params: tuple[Symbol, ...],
                            initial: list, K0) -> bool:
    """True if the initial values are the coefficients of the (unique) series root; False if
    a_0 is a multiple root (branch not determined by a_0); raises on a mismatch."""
    coeffs = _root_coefficients(poly, z, y, params, K0.to_sympy(initial[0]), len(initial))
    if coeffs is None:
        return False
    for m, (a, b) in enumerate(zip(initial, coeffs)):
        if a != b:
            raise InputError(f"initial term a_{m} = {K0.to_sympy(a)} is not the coefficient "
                             f"{K0.to_sympy(b)} of the series root of P")
    return True


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
    tpsym.proof.algebraic.ClaimRefuted: the claim fails at n=1: claimed 2, derived 1
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


def _make_term_proof(rec, h, n, term, initial, claimed, start, n_safe, direct, equation, branch,
                     *, even: bool) -> AllOrderProof:
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


def _equation_string(ode: LinearODE | None, even: bool) -> str:
    if ode is None or ode.equation is None:
        return ""
    return f"{ode.equation.as_expr()} = 0"


def _encode_equation(ode: LinearODE) -> dict[str, Any]:
    eq = ode.equation
    return {"vars": [str(g) for g in eq.gens[:2]], "terms": encode_poly(eq)}


def _encode_recurrence(rec: Recurrence) -> dict[str, Any]:
    return {"n": str(rec.n), "valid_from": rec.valid_from,
            "coeffs": [encode_poly(p) for p in rec.coeffs]}


def _encode_ratfunc(expr: Expr, gens: tuple[Symbol, ...]) -> dict[str, Any]:
    num, den = fraction(cancel(expr))
    return {"num": encode_poly(Poly(num, *gens, domain=QQ)),
            "den": encode_poly(Poly(den, *gens, domain=QQ))}


def _decode_ratfunc(data: Any, gens: tuple[Symbol, ...]) -> Expr:
    if not (isinstance(data, dict) and set(data) == {"num", "den"}):
        raise CertificateError(f"rational function data {data!r} is not {{'num', 'den'}}")
    den = decode_poly(data["den"], gens)
    if den.is_zero:
        raise CertificateError("a rational function has a zero denominator")
    return decode_poly(data["num"], gens).as_expr() / den.as_expr()


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


# --------------------------------------------------------------------------
# Substitution of a generating function with one square root
# --------------------------------------------------------------------------


class _Quad:
    """Arithmetic in K[√D] = K[s]/(s² - D): elements are pairs (u, v) meaning u + v s."""

    def __init__(self, K, D) -> None:
        self.K, self.D = K, D

    def add(self, a, b):
        return (a[0] + b[0], a[1] + b[1])

    def mul(self, a, b):
        return (a[0] * b[0] + a[1] * b[1] * self.D, a[0] * b[1] + a[1] * b[0])

    def inv(self, a):
        norm = a[0] ** 2 - a[1] ** 2 * self.D
        if not norm:
            raise ProofFailure(f"division by zero in QQ(z)[√D] (D = {self.K.to_sympy(self.D)})")
        return (a[0] / norm, -a[1] / norm)

    def pow(self, a, e: int):
        if e < 0:
            a, e = self.inv(a), -e
        out = (self.K.one, self.K.zero)
        for _ in range(e):
            out = self.mul(out, a)
        return out


def _square_root_of_square(expr: Expr) -> Expr | None:
    """``r`` with ``r**2 == expr`` for a rational function that is a square (up to sign), else None."""
    num, den = sympy.fraction(cancel(expr))
    root = Integer(1)
    for part, power in ((num, 1), (den, -1)):
        if part.is_number:
            r = sympy.sqrt(part)
            if not r.is_Rational:
                return None
            root *= r**power
            continue
        c, factors = sympy.sqf_list(part)
        r = sympy.sqrt(c)
        if not r.is_Rational or any(m % 2 for _, m in factors):
            return None
        root *= (r * sympy.Mul(*(f ** (m // 2) for f, m in factors))) ** power
    return root


def _unsquare(F: Expr, z: Symbol) -> Expr:
    """Replace each ``√D`` whose radicand is a square ``r²`` by ``±r``, the sign of the branch at 0.

    ``√(1 - 4z + 4z²)`` is ``1 - 2z`` near 0 (sympy's ``sqrt`` of ``D(0) = 1``):
    computing in ``QQ(z)[√D]`` with such a ``D`` would treat ``√D`` as if it
    were not rational.
    """
    table = {}
    for p in F.atoms(Pow):
        if not (p.exp.is_Rational and p.exp.q == 2):
            continue
        root = _square_root_of_square(p.base)
        if root is None:
            continue
        at0, root0 = cancel(p.base).subs(z, 0), root.subs(z, 0)
        if root0 == 0:
            continue  # a branch point at 0 is refused later
        sign = sympy.simplify(sympy.sqrt(at0) / root0)
        if sign not in (1, -1):
            raise ProofFailure(f"the radicand {p.base} is the square of {root}, whose sign at {z} = 0 "
                               "depends on the parameters: write the generating function without the root")
        table[p] = (sign * root) ** (2 * p.exp)
    return F.xreplace(table) if table else F


def _split_radical(F: Expr, K, z: Symbol, params: tuple[Symbol, ...]):
    """Write F = A + B √D with A, B, D in K = QQ(z, params)."""
    F = _unsquare(F, z)
    radicals = [p for p in F.atoms(Pow) if p.exp.is_Rational and p.exp.q == 2]
    bases = []
    for p in radicals:
        try:
            b = K.from_sympy(cancel(p.base))
        except NOT_IN_DOMAIN as exc:
            raise ProofFailure(f"the radicand {p.base} is not a rational function of "
                               f"{[z, *params]}") from exc
        if b not in bases:
            bases.append(b)
    if len(bases) > 1:
        raise ProofFailure(f"{F} has more than one square root "
                           f"({', '.join(str(K.to_sympy(b)) for b in bases)}): not supported")
    D = bases[0] if bases else K.one
    Q = _Quad(K, D)

    def conv(expr: Expr):
        if isinstance(expr, Pow) and expr.exp.is_Rational and expr.exp.q == 2:
            e = int(expr.exp.p)
            return Q.mul(Q.pow((D, K.zero), (e - 1) // 2), (K.zero, K.one))
        if isinstance(expr, Add):
            out = (K.zero, K.zero)
            for arg in expr.args:
                out = Q.add(out, conv(arg))
            return out
        if isinstance(expr, Mul):
            out = (K.one, K.zero)
            for arg in expr.args:
                out = Q.mul(out, conv(arg))
            return out
        if isinstance(expr, Pow) and expr.exp.is_Integer:
            return Q.pow(conv(expr.base), int(expr.exp))
        if expr.is_Rational or (isinstance(expr, Symbol) and expr in (z, *params)):
            return (K.from_sympy(expr), K.zero)
        raise ProofFailure(f"{expr} (in the claimed generating function) is not a rational "
                           f"function of {[z, *params]} and one square root")

    A, B = conv(F)
    return Q, A, B, D


def _laurent(elem, z: Symbol, K, K0, upto: int) -> tuple[int, list]:
    """Laurent expansion at z = 0 of an element of QQ(params)(z): (valuation v, [c_v, …, c_upto])."""
    num = _z_coeffs(elem.numer.as_expr(), z, K0) if elem else [K0.zero]
    den = _z_coeffs(elem.denom.as_expr(), z, K0)
    v = 0
    while not den[v]:
        v += 1
    den = den[v:]
    count = upto + v + 1
    if count <= 0:
        return -v, []
    out = []
    for m in range(count):
        acc = num[m] if m < len(num) else K0.zero
        for i in range(1, min(m, len(den) - 1) + 1):
            acc -= den[i] * out[m - i]
        out.append(acc / den[0])
    return -v, out


def _sqrt_series(D, z: Symbol, K, K0, count: int):
    v, d = _laurent(D, z, K, K0, count)
    if v != 0 or not d or not d[0]:
        raise ProofFailure(f"√D with D = {K.to_sympy(D)} has a branch point at z = 0")
    s0_expr = sqrt(K0.to_sympy(d[0]))
    try:
        s0 = K0.from_sympy(s0_expr)
    except NOT_IN_DOMAIN as exc:
        raise ProofFailure(f"√D(0) = {s0_expr} is not in {K0}") from exc
    s = [s0]
    for m in range(1, count):
        acc = d[m] if m < len(d) else K0.zero
        for i in range(1, m):
            acc -= s[i] * s[m - i]
        s.append(acc / (2 * s0))
    return s0, s


def _gf_coefficients(A, B, D, z: Symbol, K, K0, count: int):
    """Coefficients of A + B·√D at z^j for j from the lowest valuation to count - 1."""
    vA, a = _laurent(A, z, K, K0, count - 1)
    vB, b = _laurent(B, z, K, K0, count - 1) if B else (0, [])
    s0, s = _sqrt_series(D, z, K, K0, max(count - min(vB, 0), 1)) if B else (None, [])
    low = min(vA, vB if B else vA, 0)
    coeffs = {}
    for j in range(low, count):
        acc = a[j - vA] if 0 <= j - vA < len(a) else K0.zero
        if B:
            for i, bi in enumerate(b):
                e = vB + i
                if 0 <= j - e < len(s):
                    acc += bi * s[j - e]
        coeffs[j] = acc
    return low, coeffs, s0


def generating_function_coefficients(F: Expr, z: Symbol, count: int,
                                     *, params: Sequence[Symbol] | None = None) -> list[Expr]:
    """The coefficients of ``z^0, …, z^(count-1)`` in ``F = A + B·√D``, exactly.

    ``A, B, D`` rational in ``z`` and the parameters, one radicand at most,
    the branch of :func:`prove_generating_function` (``√D(0)`` as sympy's
    ``sqrt``). Exact arithmetic in ``QQ(params)``: no ``sympy.series``.

    Raises
    ------
    ClaimRefuted
        If ``F`` has a pole at 0 (a nonzero coefficient of a negative power).
    ProofFailure
        If ``F`` is not of that form.

    Examples
    --------
    >>> from sympy import symbols, sqrt
    >>> z, c = symbols("z c")
    >>> generating_function_coefficients((1 - sqrt(1 - 4*z))/(2*z), z, 6)   # Catalan
    [1, 1, 2, 5, 14, 42]
    >>> generating_function_coefficients(1/(1 - c*z), z, 3)
    [1, c, c**2]
    """
    F = _as_expr(F)
    if params is None:
        params = tuple(sorted(F.free_symbols - {z}, key=lambda s: s.name))
    params = tuple(params)
    extra = F.free_symbols - {z} - set(params)
    if extra:
        raise InputError(f"F = {F} involves {sorted(map(str, extra))}, not {z} or a parameter")
    if not isinstance(count, int) or count < 1:
        raise InputError(f"count={count!r} must be a positive int")
    K0 = _base_field(params)
    K = QQ.frac_field(z, *params)
    _, A, B, D = _split_radical(F, K, z, params)
    low, coeffs, _ = _gf_coefficients(A, B, D, z, K, K0, count)
    for j in range(low, 0):
        if coeffs[j]:
            raise ClaimRefuted(f"the expansion of F has the nonzero coefficient {K0.to_sympy(coeffs[j])} at {z}^{j}",
                               index=j, claimed=K0.to_sympy(coeffs[j]), expected=Integer(0))
    return [K0.to_sympy(coeffs[m]) for m in range(count)]


def prove_generating_function(P: Any, z: Symbol, y: Symbol, F: Expr, initial_terms: Sequence[Any],
                              *, params: Sequence[Symbol] | None = None) -> AllOrderProof:
    """Prove that ``F(z)`` is the generating function ``Σ a_n z^n`` of the series root of ``P``.

    ``F = A + B·√D`` with ``A, B, D`` rational in ``z`` (and the parameters)
    and at most one radicand ``D``. Then ``P(z, F)`` is computed exactly in
    ``QQ(params)(z)[√D]`` as ``U + V·√D`` and both must be zero; the
    expansion of ``F`` at 0 (principal branch: ``√D(0)`` as sympy's ``sqrt``
    of ``D(0)``) must be a power series whose first coefficients are the
    given ``initial_terms``; and ``a_0`` must be a simple root of ``P(0, y)``,
    so that the power-series root is unique and equals ``F``.

    Parameters
    ----------
    P : sympy.Expr or sympy.Poly
        The algebraic equation, squarefree in ``y``.
    z, y : sympy.Symbol
        The variable and the unknown.
    F : sympy.Expr
        The claimed generating function.
    initial_terms : sequence
        ``a_0, …, a_{K-1}`` (at least one), exact.
    params : sequence of sympy.Symbol, optional
        Parameters of ``P`` and ``F``.

    Returns
    -------
    AllOrderProof

    Raises
    ------
    ClaimRefuted
        If ``F``'s expansion differs from the initial terms (first index
        given), or ``F`` is not a root of ``P`` (nonzero residual).
    ProofFailure
        If ``F`` is not of the supported form or the branch is not unique.

    Examples
    --------
    >>> from sympy import symbols, sqrt
    >>> z, y = symbols("z y")
    >>> P = z*y**2 - y + 1
    >>> F = (1 - sqrt(1 - 4*z))/(2*z)                    # Catalan, OEIS A000108
    >>> prove_generating_function(P, z, y, F, [1, 1, 2]).method
    'substitution into algebraic equation'
    >>> prove_generating_function(P, z, y, (1 + sqrt(1 - 4*z))/(2*z), [1, 1, 2])
    Traceback (most recent call last):
    ...
    tpsym.proof.algebraic.ClaimRefuted: the expansion of F has the nonzero coefficient 1 at z^-1
    """
    poly, params = _prepare_equation(P, z, y, params)
    F = _as_expr(F)
    extra = F.free_symbols - {z} - set(params)
    if extra:
        raise InputError(f"F = {F} involves {sorted(map(str, extra))}, not z or a parameter")
    K0 = _base_field(params)
    initial = _initial_list(initial_terms, K0)
    if not initial:
        raise InputError("at least a_0 is needed")
    if not _check_against_equation(poly, z, y, params, initial, K0):
        raise ProofFailure("a_0 is a multiple root of P(0, y): the power-series root is not "
                           "determined by a_0")
    K = QQ.frac_field(z, *params)
    Q, A, B, D = _split_radical(F, K, z, params)
    data, statement = _gf_core(poly, z, y, params, Q, A, B, D, initial, K, K0, str(F))
    ode = ode_from_algebraic(poly, z, y, params=params)
    return AllOrderProof(
        method=METHOD_SUBSTITUTION, claim=str(F), statement=statement,
        equation=f"{poly.as_expr()} = 0", parameters=tuple(map(str, params)),
        ode=ode.coefficient_strings(), recurrence=(), order=ode.order, valid_from=0,
        initial_values=tuple(str(K0.to_sympy(v)) for v in initial), checked_directly=(),
        even=False, data=json.dumps(data, sort_keys=True, separators=(",", ":")))


def _gf_core(poly, z, y, params, Q, A, B, D, initial, K, K0, claim: str):
    count = len(initial)
    low, coeffs, s0 = _gf_coefficients(A, B, D, z, K, K0, count)
    for j in range(low, 0):
        if coeffs[j]:
            raise ClaimRefuted(f"the expansion of F has the nonzero coefficient "
                               f"{K0.to_sympy(coeffs[j])} at {z}^{j}", index=j,
                               claimed=K0.to_sympy(coeffs[j]), expected=Integer(0))
    for m in range(count):
        if coeffs[m] != initial[m]:
            raise ClaimRefuted(f"the claim fails at n={m}: [z^{m}] F = {K0.to_sympy(coeffs[m])}, "
                               f"derived {K0.to_sympy(initial[m])}", index=m,
                               claimed=K0.to_sympy(coeffs[m]), expected=K0.to_sympy(initial[m]))
    Py = Poly(poly.as_expr(), y, domain=K)
    acc = (K.zero, K.zero)
    for c in Py.rep.to_list():
        acc = Q.add(Q.mul(acc, (A, B)), (c, K.zero))
    U, V = acc
    if U or V:
        residual = K.to_sympy(U) + K.to_sympy(V) * sqrt(K.to_sympy(D))
        raise ClaimRefuted(f"F is not a root of P: P(z, F) = {residual}", residual=residual)
    gens = (z, *params)
    data = {
        "format": 1, "method": METHOD_SUBSTITUTION, "params": [str(p) for p in params],
        "even": False, "start": 0,
        "initial": [encode_value(K0.to_sympy(v), params) for v in initial],
        "equation": {"vars": [str(z), str(y)], "terms": encode_poly(poly)},
        "recurrence": None,
        "claim": {"A": _encode_ratfunc(K.to_sympy(A), gens), "B": _encode_ratfunc(K.to_sympy(B), gens),
                  "D": _encode_ratfunc(K.to_sympy(D), gens)},
    }
    root = f"√({K.to_sympy(D)})"
    statement = (f"Σ a_n z^n = {claim}: P(z, A + B·{root}) = U + V·{root} with U = V = 0 "
                 f"exactly in QQ({', '.join(map(str, gens))})[{root}]; the expansion of F at "
                 f"z = 0 (branch {root} -> {K0.to_sympy(s0) if s0 is not None else 1}) is a power "
                 f"series with coefficients a_0..a_{count - 1}; a_0 is a simple root of P(0, y), "
                 f"so the power-series root is unique")
    return data, statement


# --------------------------------------------------------------------------
# The certificate
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AllOrderProof:
    """A proof that a claim holds for every index, with what is needed to re-check it.

    Attributes
    ----------
    method : {"hypergeometric term satisfies P-recurrence", "substitution into algebraic equation"}
        How the claim was proved.
    claim : str
        The claimed term ``t(n)`` or generating function ``F(z)`` (display only).
    statement : str
        Exactly what was shown, in words.
    equation : str
        The algebraic equation ``P(z, y) = 0`` (empty if the recurrence was given directly).
    parameters : tuple of str
        The parameters; identities hold over ``QQ(parameters)``.
    ode : tuple of str
        Coefficients ``c_0(z), …, c_d(z)`` of the linear ODE.
    recurrence : tuple of str
        Coefficients ``p_0(n), …, p_r(n)`` of the recurrence (empty for substitution).
    order : int
        The order of the recurrence (of the ODE for substitution).
    valid_from : int
        The claim holds for every index ``≥ valid_from``.
    initial_values : tuple of str
        The initial values ``a_0, …`` that were checked exactly.
    checked_directly : tuple of int
        Indices where the recurrence was checked by exact evaluation.
    even : bool
        True if the claim is about ``a_{2k}`` of an equation even in ``z``
        (then also ``a_{2k+1} = 0``).
    data : str
        Canonical JSON with every polynomial as exact rational coefficients;
        :meth:`recheck` rebuilds everything from it without parsing code.

    Examples
    --------
    >>> from sympy import symbols, binomial
    >>> z, y, n = symbols("z y n")
    >>> rec = recurrence_from_algebraic(z*y**2 - y + 1, z, y, n)
    >>> proof = prove_term(rec, binomial(2*n, n)/(n + 1), n, initial_terms=[1, 1])
    >>> proof.recurrence, proof.order
    (('-4*n - 2', 'n + 2'), 1)
    >>> AllOrderProof.from_dict(proof.to_dict()) == proof
    True
    """

    method: Method
    claim: str
    statement: str
    equation: str
    parameters: tuple[str, ...]
    ode: tuple[str, ...]
    recurrence: tuple[str, ...]
    order: int
    valid_from: int
    initial_values: tuple[str, ...]
    checked_directly: tuple[int, ...]
    even: bool
    data: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field (tuples become lists).

        Examples
        --------
        >>> from sympy import symbols, sqrt
        >>> z, y = symbols("z y")
        >>> p = prove_generating_function(y**2*(1 - 4*z) - 1, z, y, 1/sqrt(1 - 4*z), [1, 2])
        >>> sorted(p.to_dict())[:3]
        ['checked_directly', 'claim', 'data']
        """
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, tuple):
                out[key] = list(value)
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> AllOrderProof:
        """Rebuild from :meth:`to_dict` output, checking the field names and types.

        Raises
        ------
        CertificateError
            If a field is missing, unknown or of the wrong type.

        Examples
        --------
        >>> AllOrderProof.from_dict({"method": "x"})
        Traceback (most recent call last):
        ...
        tpsym.errors.CertificateError: proof data lacks fields ['checked_directly', ...]
        """
        names = list(cls.__dataclass_fields__)
        missing = sorted(set(names) - set(d))
        unknown = sorted(set(d) - set(names))
        if missing:
            raise CertificateError(f"proof data lacks fields {missing}")
        if unknown:
            raise CertificateError(f"proof data has unknown fields {unknown}")
        kinds = {"order": int, "valid_from": int, "even": bool}
        values: dict[str, Any] = {}
        for name in names:
            v = d[name]
            if name in ("parameters", "ode", "recurrence", "initial_values"):
                if not isinstance(v, (list, tuple)) or not all(isinstance(s, str) for s in v):
                    raise CertificateError(f"field {name!r} must be a list of strings")
                v = tuple(v)
            elif name == "checked_directly":
                if not isinstance(v, (list, tuple)) or not all(type(i) is int for i in v):
                    raise CertificateError(f"field {name!r} must be a list of integers")
                v = tuple(v)
            elif name in kinds:
                if type(v) is not kinds[name]:
                    raise CertificateError(f"field {name!r} must be {kinds[name].__name__}")
            elif not isinstance(v, str):
                raise CertificateError(f"field {name!r} must be a string")
            values[name] = v
        if values["method"] not in (METHOD_TERM, METHOD_SUBSTITUTION):
            raise CertificateError(f"unknown method {values['method']!r}")
        return cls(**values)

    def recheck(self) -> bool:
        """Re-derive every step from :attr:`data` and check it against the stored fields.

        Rebuilds ``P`` (and ``Q`` with ``P(z, y) = Q(z², y)`` for an even
        claim), derives the ODE and the recurrence again and compares them
        with the stored strings, checks the initial values against the series
        root of ``P``, and repeats the proof: the claimed values against the
        initial values, the exact checks at :attr:`checked_directly`, and the
        rational-function identity (or, for substitution, ``U = V = 0`` and
        the expansion of ``F``). The claimed term is rebuilt from its stored
        factors (rational part, gamma factors, powers); its values at small
        indices are stored and re-checked against the factors where those
        are defined.

        Returns
        -------
        bool
            True when everything holds.

        Raises
        ------
        CertificateError
            Naming the first step that does not hold.

        Examples
        --------
        >>> import dataclasses
        >>> from sympy import symbols, binomial
        >>> z, y, n = symbols("z y n")
        >>> rec = recurrence_from_algebraic(z*y**2 - y + 1, z, y, n)
        >>> proof = prove_term(rec, binomial(2*n, n)/(n + 1), n, initial_terms=[1, 1])
        >>> proof.recheck()
        True
        >>> bad = dataclasses.replace(proof, data=proof.data.replace('"-4"', '"-5"'))
        >>> bad.recheck()
        Traceback (most recent call last):
        ...
        tpsym.errors.CertificateError: ...
        """
        try:
            return _recheck(self)
        except CertificateError:
            raise
        except TpsymError as exc:
            raise CertificateError(f"the proof does not hold: {exc}") from exc
        except (ValueError, TypeError, KeyError, IndexError, ArithmeticError) as exc:
            raise CertificateError(f"malformed proof data: {exc!r}") from exc


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise CertificateError(message)


def _decode_defined_from(claim: Mapping[str, Any]) -> int:
    value = claim.get("defined_from", -(10**9))
    _require(type(value) is int, "malformed defined_from")
    return value


def _recheck(proof: AllOrderProof) -> bool:
    data = json.loads(proof.data)
    _require(isinstance(data, dict) and data.get("format") == 1, "unknown proof data format")
    _require(data.get("method") == proof.method, "the method differs from the data")
    params = decode_symbols(data["params"])
    _require(tuple(map(str, params)) == proof.parameters, "the parameters differ from the data")
    K0 = _base_field(params)
    initial = [K0.from_sympy(decode_value(v, params)) for v in data["initial"]]
    _require(tuple(str(K0.to_sympy(v)) for v in initial) == proof.initial_values,
             "the initial values differ from the data")
    even = data["even"]
    _require(even is proof.even, "the parity flag differs from the data")
    start = data["start"]
    _require(type(start) is int and start == proof.valid_from, "the range differs from the data")
    eq_data = data["equation"]
    poly = None
    if eq_data is not None:
        z, y = decode_symbols(eq_data["vars"])
        _require(not ({z, y} & set(params)), "variables and parameters overlap")
        poly = decode_poly(eq_data["terms"], (z, y, *params))
        _require(f"{poly.as_expr()} = 0" == proof.equation, "the equation differs from the data")
    else:
        _require(proof.equation == "", "the equation differs from the data")

    if proof.method == METHOD_SUBSTITUTION:
        _require(poly is not None, "a substitution proof needs its equation")
        _require(_check_against_equation(poly, z, y, params, initial, K0),
                 "a_0 is a multiple root of P(0, y)")
        ode = ode_from_algebraic(poly, z, y, params=params)
        _require(ode.coefficient_strings() == proof.ode, "the ODE differs from the re-derived one")
        _require(ode.order == proof.order, "the order differs")
        gens = (z, *params)
        K = QQ.frac_field(*gens)
        A = K.from_sympy(_decode_ratfunc(data["claim"]["A"], gens))
        B = K.from_sympy(_decode_ratfunc(data["claim"]["B"], gens))
        D = K.from_sympy(_decode_ratfunc(data["claim"]["D"], gens))
        _gf_core(poly, z, y, params, _Quad(K, D), A, B, D, initial, K, K0, proof.claim)
        return True

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
    return True
