"""All-order proofs of a generating function with one square root, by substitution.

A claimed generating function ``F = A + B√D`` (``A, B, D`` rational in ``z``
and the parameters) is proved to be the series root of ``P``
(:func:`prove_generating_function`): ``P(z, A + B√D)`` reduces in
``QQ(z)[√D]`` to ``U + V√D`` with ``U, V ∈ QQ(z)``, both zero, and the
expansion of ``F`` at 0 starts like the series root, which is unique when
``P_y(0, a_0) ≠ 0``. :func:`generating_function_coefficients` expands such
an ``F`` exactly. The re-check of these proofs is registered here.

Examples
--------
>>> from sympy import symbols, sqrt
>>> z, y = symbols("z y")
>>> p = prove_generating_function(z*y**2 - y + 1, z, y, (1 - sqrt(1 - 4*z))/(2*z), [1, 1])
>>> p.method, p.recheck()
('substitution into algebraic equation', True)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sympy
from sympy import Add, Expr, Integer, Mul, Poly, Pow, Symbol, cancel, sqrt
from sympy.polys.domains import QQ

from tpsym.errors import InputError
from tpsym.proof._encoding import NOT_IN_DOMAIN, encode_poly, encode_value
from tpsym.proof.equation import _check_against_equation, _initial_list, _prepare_equation, _z_coeffs, ode_from_algebraic
from tpsym.proof.failures import ClaimRefuted, ProofFailure
from tpsym.proof.holonomic import _as_expr, _base_field
from tpsym.proof.record import (
    METHOD_SUBSTITUTION,
    AllOrderProof,
    ProofData,
    _decode_ratfunc,
    _encode_ratfunc,
    _require,
    register_recheck,
)

__all__ = ["prove_generating_function", "generating_function_coefficients"]


class _Quad:
    """Arithmetic in K[√D] = K[s]/(s² - D): elements are pairs (u, v) meaning u + v s."""

    def __init__(self, K: Any, D: Any) -> None:
        self.K, self.D = K, D

    def add(self, a: Any, b: Any) -> Any:
        return (a[0] + b[0], a[1] + b[1])

    def mul(self, a: Any, b: Any) -> Any:
        return (a[0] * b[0] + a[1] * b[1] * self.D, a[0] * b[1] + a[1] * b[0])

    def inv(self, a: Any) -> Any:
        norm = a[0] ** 2 - a[1] ** 2 * self.D
        if not norm:
            raise ProofFailure(f"division by zero in QQ(z)[√D] (D = {self.K.to_sympy(self.D)})")
        return (a[0] / norm, -a[1] / norm)

    def pow(self, a: Any, e: int) -> Any:
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


def _split_radical(F: Expr, K: Any, z: Symbol, params: tuple[Symbol, ...]) -> Any:
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

    def conv(expr: Expr) -> Any:
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


def _laurent(elem: Any, z: Symbol, K: Any, K0: Any, upto: int) -> tuple[int, list]:
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
    out: list[Any] = []
    for m in range(count):
        acc = num[m] if m < len(num) else K0.zero
        for i in range(1, min(m, len(den) - 1) + 1):
            acc -= den[i] * out[m - i]
        out.append(acc / den[0])
    return -v, out


def _sqrt_series(D: Any, z: Symbol, K: Any, K0: Any, count: int) -> Any:
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


def _gf_coefficients(A: Any, B: Any, D: Any, z: Symbol, K: Any, K0: Any, count: int) -> Any:
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
    tpsym.proof.failures.ClaimRefuted: the expansion of F has the nonzero coefficient 1 at z^-1
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


def _gf_core(
    poly: Any, z: Any, y: Any, params: Any, Q: Any, A: Any, B: Any, D: Any, initial: Any, K: Any, K0: Any, claim: str
) -> Any:
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


def _recheck_substitution(proof: AllOrderProof, pd: ProofData) -> None:
    poly, z, y, params, initial, K0, data = pd.poly, pd.z, pd.y, pd.params, pd.initial, pd.K0, pd.data
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


register_recheck(METHOD_SUBSTITUTION, _recheck_substitution)
