"""From an algebraic equation ``P(z, y) = 0`` to a linear ODE, a P-recurrence and the series root.

A generating function ``y(z) = Σ a_n z^n`` that is a root of a polynomial
``P(z, y)`` (squarefree in ``y``) is D-finite: repeated differentiation of
``P(z, y(z)) = 0`` expresses every derivative ``y^(i)`` as a polynomial in
``y`` of degree ``< deg_y P`` with coefficients in ``QQ(z)`` (``y' = -P_z/P_y``
reduced modulo ``P``, with ``1/P_y`` the inverse modulo ``P`` from the
extended Euclidean algorithm), so ``y, y', …, y^(d)`` are linearly dependent
over ``QQ(z)`` and a nullspace vector is a linear ODE (:func:`ode_from_algebraic`).
Its coefficient extraction is a P-recurrence for ``a_n``
(:func:`recurrence_from_algebraic`, through
:func:`tpsym.proof.holonomic.recurrence_from_ode`). :func:`series_root`
expands the power-series root with a given constant term, which is unique
when that constant is a simple root of ``P(0, y)`` (Hensel's lemma).

With parameters (symbols other than the variables), every identity is one of
rational functions over ``QQ(parameters)``.

References
----------
R. P. Stanley, *Enumerative Combinatorics* vol. 2, Theorem 6.4.6 (algebraic
implies D-finite).

Examples
--------
>>> from sympy import symbols
>>> z, y, n = symbols("z y n")
>>> recurrence_from_algebraic(z*y**2 - y + 1, z, y, n).terms([1, 1], 6)   # OEIS A000108
(1, 1, 2, 5, 14, 42)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sympy import Basic, Expr, Poly, Symbol, cancel, fraction, together
from sympy.polys.domains import QQ
from sympy.polys.matrices import DomainMatrix
from sympy.polys.polyclasses import DMP

from tpsym.errors import InputError, TpsymError
from tpsym.proof._encoding import NOT_IN_DOMAIN
from tpsym.proof.holonomic import (
    LinearODE,
    Recurrence,
    _as_expr,
    _base_field,
    _primitive_family,
    recurrence_from_ode,
)

__all__ = ["ode_from_algebraic", "recurrence_from_algebraic", "series_root"]


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


def _y_poly_over(K: Any, poly: Poly, y: Symbol) -> Poly:
    """The Poly ``P`` as a univariate polynomial in ``y`` over the field ``K``."""
    return Poly(poly.as_expr(), y, domain=K)


def _diff_coeffs(p: Poly, zg: Any, K: Any) -> Poly:
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


def _z_coeffs(expr: Expr, z: Symbol, K0: Any) -> list:
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


def _initial_list(initial_terms: Sequence[Any], K0: Any) -> list:
    # a claim's parameters are named: the terms may carry the claim's symbols (with their
    # assumptions) where the equation carries plain ones of the same names
    gens = {g.name: g for g in getattr(K0, "symbols", ()) if isinstance(g, Symbol)}

    def by_name(e: Any) -> Any:
        if not isinstance(e, Basic):
            return e
        return e.xreplace({s: gens[s.name] for s in e.free_symbols if s.name in gens and s != gens[s.name]})

    try:
        return [K0.from_sympy(cancel(by_name(_as_expr(v)))) for v in initial_terms]
    except TpsymError:
        raise
    except NOT_IN_DOMAIN as exc:
        raise InputError(f"the initial terms {list(initial_terms)} are not exact elements of {K0}") from exc


def _check_against_equation(poly: Poly, z: Symbol, y: Symbol, params: tuple[Symbol, ...],
                            initial: list, K0: Any) -> bool:
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
