"""Linear differential equations and P-recurrences with polynomial coefficients.

A power series ``y(z) = Σ a_n z^n`` that satisfies a linear differential
equation ``Σ_i c_i(z) y^(i)(z) = 0`` with polynomial coefficients has
coefficients that satisfy a linear recurrence with polynomial coefficients
(a *P-recurrence*) ``Σ_{j=0}^{r} p_j(n) a_{n+j} = 0``: the operator
``z^k D^i`` sends ``a_n`` to ``n(n-1)…(n-i+1) a_n`` at the power ``z^{n-i+k}``,
so the coefficient of ``z^m`` in the equation is a finite combination of
``a_{m+i-k}`` with falling-factorial weights. The recurrence holds for every
integer ``n`` when ``a_n = 0`` for ``n < 0``; this module states it for
``n ≥ 0``.

Coefficients may depend on parameters (symbols other than ``z`` and ``n``);
everything is then an identity over the field ``QQ(parameters)``.

References
----------
R. P. Stanley, *Differentiably finite power series*, European J. Combin. 1
(1980), Theorem 1.5; M. Kauers and P. Paule, *The Concrete Tetrahedron*
(Springer 2011), Section 7.1.

Examples
--------
>>> from sympy import symbols
>>> from tpsym.proof.algebraic import recurrence_from_algebraic
>>> z, y, n = symbols("z y n")
>>> rec = recurrence_from_algebraic(z*y**2 - y + 1, z, y, n)   # Catalan, OEIS A000108
>>> rec.terms([1, 1], 8)
(1, 1, 2, 5, 14, 42, 132, 429)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import reduce
from fractions import Fraction
from math import gcd, lcm
from typing import Any

from sympy import Expr, Integer, Poly, Rational, Symbol, factor_list
from sympy.polys.domains import QQ

from tpsym.errors import InputError

__all__ = [
    "LinearODE",
    "Recurrence",
    "recurrence_from_ode",
    "integer_roots",
]


def _base_field(params: Sequence[Symbol]) -> Any:
    """QQ, or the field QQ(params) of rational functions in the parameters."""
    return QQ.frac_field(*params) if params else QQ


def _primitive_family(polys: Sequence[Poly]) -> tuple[Poly, ...]:
    """Scale a family of polynomials over QQ by one rational so that together
    they have coprime integer coefficients and the last nonzero one has a
    positive leading coefficient (a canonical representative up to units)."""
    coeffs = [c for p in polys for c in p.coeffs() if c != 0]
    if not coeffs:
        return tuple(polys)
    den = reduce(lcm, (int(c.q) for c in coeffs), 1)
    num = reduce(gcd, (abs(int(c * den)) for c in coeffs), 0)
    lead = next(p for p in reversed(polys) if not p.is_zero).LC()
    scale = Integer(den) / num * (1 if lead > 0 else -1)
    return tuple(p * scale for p in polys)


def integer_roots(poly: Poly, var: Symbol) -> tuple[int, ...]:
    """The integers ``N`` with ``poly(N) = 0`` identically in the other variables.

    ``poly`` is a :class:`sympy.Poly` over QQ whose generators include ``var``;
    a root must make the polynomial vanish for every value of the remaining
    generators (the parameters), i.e. in ``QQ(parameters)``.

    Examples
    --------
    >>> from sympy import Poly, symbols
    >>> n, c = symbols("n c")
    >>> integer_roots(Poly((n - 3)*(2*n + 1)*(n + c)*(n + 2), n, c), n)
    (-2, 3)
    """
    if poly.is_zero:
        raise InputError(f"the zero polynomial has every integer as a root (in {var})")
    idx = poly.gens.index(var)
    roots = set()
    for fac, _mult in factor_list(poly)[1]:
        if fac.degree(var) != 1:
            continue
        # fac = A * var + B with A, B free of var; the root -B/A must be a constant.
        parts: dict[int, dict[tuple[int, ...], Any]] = {}
        for exps, coeff in fac.as_dict().items():
            key = exps[:idx] + exps[idx + 1 :]
            parts.setdefault(exps[idx], {})[key] = coeff
        a_part, b_part = parts.get(1, {}), parts.get(0, {})
        if set(a_part) != set(b_part) and b_part:
            continue
        if not b_part:
            roots.add(0)
            continue
        key0 = next(iter(a_part))
        ratio = b_part[key0] / a_part[key0]
        if all(b_part[k] == ratio * a_part[k] for k in a_part) and (-ratio).is_integer:
            roots.add(int(-ratio))
    return tuple(sorted(roots))


def _to_field_poly(poly: Poly, var: Symbol, params: Sequence[Symbol]) -> Any:
    """Coefficients (highest first) of ``poly`` as a polynomial in ``var`` over QQ(params)."""
    K0 = _base_field(params)
    return Poly(poly.as_expr(), var, domain=K0).rep.to_list(), K0


def _horner(coeffs: list, x: Any, K0: Any) -> Any:
    acc = K0.zero
    for c in coeffs:
        acc = acc * x + c
    return acc


@dataclass(frozen=True, slots=True)
class LinearODE:
    """A linear differential equation ``Σ_{i=0}^{d} c_i(z) y^(i)(z) = 0``.

    Attributes
    ----------
    coeffs : tuple of sympy.Poly
        ``c_0, …, c_d``, polynomials over QQ in ``(z, *params)``, canonical
        up to sign (coprime integer coefficients, ``c_d`` with positive
        leading coefficient); ``c_d`` is nonzero.
    z : sympy.Symbol
        The variable.
    params : tuple of sympy.Symbol
        The parameters the coefficients may depend on.
    equation : sympy.Poly or None
        The algebraic equation ``P(z, y)`` the ODE was derived from, if any
        (a Poly in ``(z, y, *params)``; not part of equality).

    Examples
    --------
    >>> from sympy import Poly, symbols
    >>> z = symbols("z")
    >>> ode = LinearODE((Poly(-1, z), Poly(1 - z, z)), z, ())   # (1 - z) y' = y
    >>> ode.order, str(ode)
    (1, '(1 - z)*D^1 y + (-1)*y = 0')
    >>> recurrence_from_ode(ode, symbols("n")).terms([1], 5)    # y = 1/(1 - z)
    (1, 1, 1, 1, 1)
    """

    coeffs: tuple[Poly, ...]
    z: Symbol
    params: tuple[Symbol, ...] = ()
    equation: Poly | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.coeffs or self.coeffs[-1].is_zero:
            raise InputError("a linear ODE needs a nonzero leading coefficient c_d")
        gens = (self.z, *self.params)
        for c in self.coeffs:
            if tuple(c.gens) != gens:
                object.__setattr__(
                    self, "coeffs", tuple(Poly(p.as_expr(), *gens, domain=QQ) for p in self.coeffs)
                )
                break

    @property
    def order(self) -> int:
        """The order ``d`` of the equation."""
        return len(self.coeffs) - 1

    def coefficient_strings(self) -> tuple[str, ...]:
        """``c_0, …, c_d`` as strings (for certificates and reports)."""
        return tuple(str(c.as_expr()) for c in self.coeffs)

    def __str__(self) -> str:
        parts = []
        for i in range(self.order, -1, -1):
            c = self.coeffs[i]
            if c.is_zero:
                continue
            op = "y" if i == 0 else f"D^{i} y"
            parts.append(f"({c.as_expr()})*{op}")
        return " + ".join(parts) + " = 0"


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A P-recurrence ``Σ_{j=0}^{r} p_j(n) a_{n+j} = 0`` valid for ``n ≥ valid_from``.

    Attributes
    ----------
    coeffs : tuple of sympy.Poly
        ``p_0, …, p_r``, polynomials over QQ in ``(n, *params)``; ``p_0`` and
        ``p_r`` are nonzero.
    n : sympy.Symbol
        The index variable.
    params : tuple of sympy.Symbol
        Parameters; the recurrence is an identity over ``QQ(params)``.
    valid_from : int
        The recurrence holds for every integer ``n ≥ valid_from``.
    source : LinearODE or None
        The differential equation it was derived from (not part of equality).

    Examples
    --------
    >>> from sympy import Poly, symbols
    >>> n = symbols("n")
    >>> rec = Recurrence((Poly(-2*(2*n + 1), n), Poly(n + 2, n)), n)   # Catalan
    >>> rec.order, rec.initial_terms_needed, str(rec)
    (1, 1, '(n + 2)*a(n+1) + (-4*n - 2)*a(n) = 0  (n >= 0)')
    >>> rec.terms([1], 6)
    (1, 1, 2, 5, 14, 42)
    """

    coeffs: tuple[Poly, ...]
    n: Symbol
    params: tuple[Symbol, ...] = ()
    valid_from: int = 0
    source: LinearODE | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if len(self.coeffs) < 1 or self.coeffs[-1].is_zero or self.coeffs[0].is_zero:
            raise InputError("a recurrence needs nonzero p_0 and p_r")
        gens = (self.n, *self.params)
        if any(tuple(c.gens) != gens for c in self.coeffs):
            object.__setattr__(
                self, "coeffs", tuple(Poly(p.as_expr(), *gens, domain=QQ) for p in self.coeffs)
            )

    @property
    def order(self) -> int:
        """The order ``r`` (the largest shift)."""
        return len(self.coeffs) - 1

    @property
    def leading(self) -> Poly:
        """The leading coefficient ``p_r(n)``."""
        return self.coeffs[-1]

    @property
    def singular_indices(self) -> tuple[int, ...]:
        """The integers ``N ≥ valid_from`` with ``p_r(N) = 0``.

        At such ``N`` the recurrence does not determine ``a_{N+r}``, which
        must be given explicitly.

        Examples
        --------
        >>> from sympy import Poly, symbols
        >>> n = symbols("n")
        >>> Recurrence((Poly(1, n), Poly(n - 2, n)), n).singular_indices
        (2,)
        """
        return tuple(N for N in integer_roots(self.leading, self.n) if N >= self.valid_from)

    @property
    def initial_terms_needed(self) -> int:
        """How many initial values ``a_0, a_1, …`` determine the sequence.

        ``a_0 … a_{valid_from + r - 1}``, and ``a_{N + r}`` for every
        singular index ``N`` (a nonnegative integer root of ``p_r``).

        Examples
        --------
        >>> from sympy import Poly, symbols
        >>> n = symbols("n")
        >>> Recurrence((Poly(1, n), Poly(n - 2, n)), n).initial_terms_needed
        4
        """
        need = self.valid_from + self.order
        for N in self.singular_indices:
            need = max(need, N + self.order + 1)
        return need

    def coefficient_strings(self) -> tuple[str, ...]:
        """``p_0, …, p_r`` as strings in ``n`` (for certificates and reports)."""
        return tuple(str(p.as_expr()) for p in self.coeffs)

    def __str__(self) -> str:
        parts = []
        for j in range(self.order, -1, -1):
            p = self.coeffs[j]
            if p.is_zero:
                continue
            shift = f"{self.n}+{j}" if j else f"{self.n}"
            parts.append(f"({p.as_expr()})*a({shift})")
        return " + ".join(parts) + f" = 0  ({self.n} >= {self.valid_from})"

    def residual(self, values: Sequence[Expr], index: int) -> Expr:
        """``Σ_j p_j(index) · values[index + j]`` (exact; zero when the recurrence holds).

        Examples
        --------
        >>> from sympy import Poly, symbols
        >>> n = symbols("n")
        >>> rec = Recurrence((Poly(-2*(2*n + 1), n), Poly(n + 2, n)), n)
        >>> rec.residual([1, 1, 2, 5, 14], 3), rec.residual([1, 1, 2, 5, 15], 3)
        (0, 5)
        """
        K0 = _base_field(self.params)
        total = K0.zero
        for j, p in enumerate(self.coeffs):
            cl, _ = _to_field_poly(p, self.n, self.params)
            total += _horner(cl, K0.convert(index), K0) * K0.from_sympy(_as_expr(values[index + j]))
        return K0.to_sympy(total)

    def terms(self, initial: Sequence[Any], count: int) -> tuple[Expr, ...]:
        """Unroll the recurrence: ``a_0, …, a_{count-1}`` from the initial values.

        Parameters
        ----------
        initial : sequence
            ``a_0, a_1, …`` (exact: integers, rationals or rational functions
            of the parameters); at least :attr:`initial_terms_needed` of them
            unless ``count`` is smaller.
        count : int
            How many terms to return.

        Raises
        ------
        InputError
            If too few initial values are given or ``count`` is negative.

        Examples
        --------
        >>> from sympy import Poly, symbols
        >>> n = symbols("n")
        >>> Recurrence((Poly(-(n + 1), n), Poly(1, n)), n).terms([1], 6)   # factorials
        (1, 1, 2, 6, 24, 120)
        """
        if count < 0:
            raise InputError(f"{count=} is negative")
        K0 = _base_field(self.params)
        vals = [K0.from_sympy(_as_expr(v)) for v in initial]
        if count <= len(vals):
            return tuple(K0.to_sympy(v) for v in vals[:count])
        if len(vals) < self.initial_terms_needed:
            raise InputError(
                f"the recurrence needs {self.initial_terms_needed} initial values, got {len(vals)}"
            )
        r = self.order
        lists = [_to_field_poly(p, self.n, self.params)[0] for p in self.coeffs]
        while len(vals) < count:
            m = len(vals)
            idx = m - r
            x = K0.convert(idx)
            lead = _horner(lists[r], x, K0)
            if not lead:  # pragma: no cover - excluded by initial_terms_needed
                raise InputError(f"p_r vanishes at n={idx}: a_{m} must be given")
            acc = K0.zero
            for j in range(r):
                acc += _horner(lists[j], x, K0) * vals[idx + j]
            vals.append(-acc / lead)
        return tuple(K0.to_sympy(v) for v in vals)


def _as_expr(v: Any) -> Expr:
    """An exact number (int, Fraction) or a sympy expression as a sympy expression."""
    if isinstance(v, Expr):
        return v
    if isinstance(v, bool):
        raise InputError(f"value {v!r} is not an exact number or sympy expression")
    if isinstance(v, int):
        return Integer(v)
    if isinstance(v, Fraction):
        return Rational(v.numerator, v.denominator)
    raise InputError(f"value {v!r} is not an exact number or sympy expression")


def _falling(x: Poly, i: int) -> Poly:
    """The falling factorial ``x (x-1) … (x-i+1)`` of a polynomial ``x``."""
    out = x ** 0
    for t in range(i):
        out = out * (x - t)
    return out


def recurrence_from_ode(ode: LinearODE, n: Symbol) -> Recurrence:
    """The P-recurrence for the coefficients of every power-series solution of ``ode``.

    From ``Σ_{i,k} c_{ik} z^k y^(i) = 0`` the coefficient of ``z^m`` gives
    ``Σ_{i,k} c_{ik} (m+i-k)(m+i-k-1)…(m-k+1) a_{m+i-k} = 0`` for every
    integer ``m``; with ``s = i - k`` ranging over ``[s_min, s_max]`` and
    ``n = m + s_min`` this is ``Σ_{j=0}^{r} p_j(n) a_{n+j} = 0``,
    ``r = s_max - s_min``. Common factors of the ``p_j`` without a
    nonnegative integer root are divided out; the recurrence holds for
    ``n ≥ 0``.

    Parameters
    ----------
    ode : LinearODE
        The differential equation.
    n : sympy.Symbol
        The index variable of the recurrence (distinct from the ODE's
        variable and parameters).

    Returns
    -------
    Recurrence

    Examples
    --------
    >>> from sympy import Poly, symbols
    >>> z, n = symbols("z n")
    >>> ode = LinearODE((Poly(-1, z), Poly(1, z)), z)    # y' = y, y = exp(z)
    >>> rec = recurrence_from_ode(ode, n)
    >>> str(rec)
    '(n + 1)*a(n+1) + (-1)*a(n) = 0  (n >= 0)'
    >>> rec.terms([1], 5)
    (1, 1, 1/2, 1/6, 1/24)
    """
    if not isinstance(n, Symbol) or n == ode.z or n in ode.params:
        raise InputError(f"{n=} must be a new symbol, not the ODE's variable or a parameter")
    params = ode.params
    gens = (n, *params)
    table: dict[tuple[int, int], dict[tuple[int, ...], Any]] = {}
    for i, c in enumerate(ode.coeffs):
        for exps, coeff in c.as_dict().items():
            table.setdefault((i, exps[0]), {})[exps[1:]] = coeff
    shifts = [i - k for (i, k) in table]
    s_min, s_max = min(shifts), max(shifts)
    n_poly = Poly(n, *gens, domain=QQ)
    coeffs = []
    for j in range(s_max - s_min + 1):
        p = Poly(0, *gens, domain=QQ)
        for (i, k), pc in table.items():
            if i - k != j + s_min:
                continue
            cpoly = Poly.from_dict({(0, *e): v for e, v in pc.items()}, *gens, domain=QQ)
            p = p + cpoly * _falling(n_poly + j, i)
        coeffs.append(p)
    coeffs = _remove_common_factor(coeffs, n)
    return Recurrence(_primitive_family(coeffs), n, params, 0, ode)


def _remove_common_factor(polys: list[Poly], n: Symbol) -> list[Poly]:
    """Divide the p_j by the factors of their gcd that vanish at no integer n ≥ 0."""
    g = reduce(lambda a, b: a.gcd(b), polys)
    if g.is_zero or g.total_degree() == 0:
        return polys
    removable = g.one
    for fac, mult in factor_list(g)[1]:
        fac = Poly(fac.as_expr(), *g.gens, domain=QQ)
        if fac.degree(n) == 0 or not any(N >= 0 for N in integer_roots(fac, n)):
            removable = removable * fac**mult
    if removable.total_degree() == 0:
        return polys
    return [p.exquo(removable) for p in polys]
