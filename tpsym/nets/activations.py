"""Activation functions of a network, as frozen values.

An activation knows its function φ and its derivative φ' in three forms: as
numpy-vectorised callables (for samplers), as mpmath callables (for
high-precision quadrature) and as sympy expressions in one variable. It also
knows the closed forms of the Gaussian expectations that mean-field theory
needs, where they exist: the second moment E[φ(h)²] and the moments
μ_k = E[φ'(h)^(2k)] of the law of D², for h ~ N(0, q).

The built-in activations are :class:`Linear`, :class:`ReLU`,
:class:`LeakyReLU` (slope a), :class:`HardTanh`, :class:`Erf` and
:class:`Tanh`; :class:`Formula` is a user activation given as a sympy
expression in one variable. :func:`get_activation` finds a built-in one by
name.

>>> act = get_activation("relu")
>>> act.name, act.spec
('relu', 'relu')
>>> import sympy
>>> q = sympy.Symbol("q", positive=True)
>>> act.mu_closed_form(3, q), act.second_moment_closed_form(q)
(1/2, q/2)
>>> get_activation("hard_tanh").mu_closed_form(1, q)
erf(sqrt(2)/(2*sqrt(q)))

References
----------
Poole et al., "Exponential expressivity in deep neural networks through
transient chaos", arXiv 1606.05340, Eq. (3) (the length map).
Pennington, Schoenholz and Ganguli, "Resurrecting the sigmoid in deep
learning through dynamical isometry", arXiv 1711.04735, Sec. 2 and Table 1
(the moments μ_k of D² for linear, ReLU and hard tanh).
Williams, "Computing with infinite networks", NIPS 1997 (E[erf(u) erf(v)]).
"""

from __future__ import annotations

import math
from fractions import Fraction
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, cast

import mpmath
import numpy as np
import sympy

from tpsym.errors import DomainError, InputError, SpecError
from tpsym.utils import as_param, expr_str

__all__ = [
    "Activation",
    "Linear",
    "ReLU",
    "LeakyReLU",
    "HardTanh",
    "Erf",
    "Tanh",
    "Formula",
    "ACTIVATION_NAMES",
    "get_activation",
    "X",
]

#: The default variable of the sympy forms of an activation.
X = sympy.Symbol("x", real=True)


def _as_expr(value: Any, name: str) -> sympy.Expr:
    """A real parameter as a sympy expression (:func:`tpsym.utils.as_param`; floats read as decimals)."""
    return as_param(value, name, exact=False)


def _to_mp(expr: sympy.Expr, name: str, ctx: Any = mpmath.mp) -> mpmath.mpf:
    """A numeric sympy expression as a number of the mpmath context ``ctx`` (at its precision)."""
    if expr.free_symbols:
        raise InputError(
            f"{name}={expr} is symbolic; give a number for numerical evaluation"
        )
    value = sympy.N(expr, ctx.dps + 5)
    return ctx.mpf(sympy.Float(value, ctx.dps + 5)._mpf_)


def mp_namespace(ctx: Any) -> dict[str, Any]:
    """The public names of the mpmath context ``ctx`` (for :func:`sympy.lambdify`)."""
    return {name: getattr(ctx, name) for name in dir(ctx) if not name.startswith("_")}


class Activation:
    """Base class of activation functions (frozen values).

    Subclasses define ``name``, :meth:`phi_sympy`, :meth:`dphi_sympy`, the
    numpy and mpmath callables and, where they exist, the closed forms of
    E[φ(h)²] and μ_k = E[φ'(h)^(2k)] for h ~ N(0, q).

    Examples
    --------
    >>> isinstance(get_activation("tanh"), Activation)
    True
    """

    __slots__ = ()

    name: ClassVar[str] = "activation"
    #: Points where φ or φ' is not smooth (quadrature splits there).
    breakpoints: ClassVar[tuple[float, ...]] = ()
    #: Whether |φ'(x)| ≤ 1 for every x (then μ_k is non-increasing in k).
    derivative_bounded_by_one: ClassVar[bool] = False

    @property
    def spec(self) -> str:
        """The activation as it is written in a spec."""
        return self.name

    def __str__(self) -> str:
        return self.spec

    # -- sympy forms ---------------------------------------------------------
    def phi_sympy(self, x: sympy.Symbol = X) -> sympy.Expr:
        """φ(x) as a sympy expression.

        Examples
        --------
        >>> HardTanh().phi_sympy()
        Max(-1, Min(1, x))
        """
        raise NotImplementedError

    def dphi_sympy(self, x: sympy.Symbol = X) -> sympy.Expr:
        """φ'(x) as a sympy expression."""
        raise NotImplementedError

    # -- numerical callables -------------------------------------------------
    def phi_numpy(self, x: np.ndarray) -> np.ndarray:
        """φ applied elementwise to a numpy array.

        Examples
        --------
        >>> ReLU().phi_numpy(np.array([-1.0, 2.0]))
        array([0., 2.])
        """
        raise NotImplementedError

    def dphi_numpy(self, x: np.ndarray) -> np.ndarray:
        """φ' applied elementwise to a numpy array."""
        raise NotImplementedError

    def phi_mpmath(self, x: mpmath.mpf, ctx: Any = mpmath.mp) -> mpmath.mpf:
        """φ(x) in the mpmath context ``ctx`` (at its precision; pass a private context)."""
        raise NotImplementedError

    def dphi_mpmath(self, x: mpmath.mpf, ctx: Any = mpmath.mp) -> mpmath.mpf:
        """φ'(x) in the mpmath context ``ctx`` (at its precision).

        Examples
        --------
        >>> Erf().dphi_mpmath(mpmath.mpf(0)) == 2 / mpmath.sqrt(mpmath.pi)
        True
        """
        raise NotImplementedError

    # -- closed forms of Gaussian expectations -------------------------------
    def second_moment_closed_form(self, q: sympy.Expr) -> sympy.Expr | None:
        """E[φ(h)²] for h ~ N(0, q) in closed form, or ``None`` if there is none.

        Examples
        --------
        >>> Erf().second_moment_closed_form(sympy.Rational(1, 2))
        1/3
        """
        return None

    def mu_closed_form(self, k: int | sympy.Expr, q: sympy.Expr) -> sympy.Expr | None:
        """μ_k = E[φ'(h)^(2k)] for h ~ N(0, q) in closed form, or ``None``.

        At q = 0 the value is the limit q → 0+, that is
        (φ'(0−)^(2k) + φ'(0+)^(2k)) / 2.

        Examples
        --------
        >>> LeakyReLU(sympy.Rational(1, 2)).mu_closed_form(1, sympy.Integer(0))
        5/8
        """
        return None

    @property
    def is_numeric(self) -> bool:
        """Whether the numerical callables can be evaluated (no free parameters)."""
        return True

    def derivative_limits_at_zero(self) -> tuple[sympy.Expr, sympy.Expr]:
        """(φ'(0−), φ'(0+)) as exact sympy numbers.

        Examples
        --------
        >>> ReLU().derivative_limits_at_zero()
        (0, 1)
        """
        d = self.dphi_sympy(X)
        return (_limit(d, X, "-"), _limit(d, X, "+"))

    def value_at_zero(self) -> sympy.Expr:
        """φ(0) as an exact sympy number."""
        return _limit(self.phi_sympy(X), X, "+-")

    # -- certified Gaussian expectations (rigorous interval quadrature) --------
    def analytic_strip(self, kind: str, power: int) -> tuple[Fraction, Fraction] | None:
        """(s, B): g is analytic on |Im w| < s with |g(w)| ≤ B there, or ``None``.

        g is φ² (``kind="phi2"``, ``power=1``) or (φ')^(2·power) (``kind="dphi"``);
        it must be even (certified quadrature sums over x ≥ 0 and doubles).
        Certified quadrature (:func:`tpsym.nets._gauss.certified_expect`)
        needs this bound; activations that return ``None`` are refused there.

        Examples
        --------
        >>> ReLU().analytic_strip("phi2", 1) is None
        True
        """
        return None

    def inner_interval(self, ctx: Any, x: Any, kind: str, power: int) -> Any:
        """g(x) (see :meth:`analytic_strip`) for an interval x ≥ 0 of the private context ``ctx``."""
        raise NotImplementedError(f"{self.spec} has no certified interval evaluation")

    def interval_value(self, ctx: Any, x: Any, derivative: bool) -> Any:
        """φ(x) (or φ'(x)) enclosed for an interval x of any sign, in the private context ``ctx``.

        Activations that give an :meth:`analytic_strip` bound implement it; the
        certified kernels (:mod:`tpsym.nets.kernel_quadrature`) need it.
        """
        raise NotImplementedError(f"{self.spec} has no certified interval evaluation")


def _is_zero_q(q: sympy.Expr) -> bool:
    return q.is_zero is True


def _gauss_tail_pieces(q: sympy.Expr) -> sympy.Expr:
    return sympy.erf(1 / sympy.sqrt(2 * q))


@dataclass(frozen=True, slots=True)
class Linear(Activation):
    """The identity φ(x) = x.

    Examples
    --------
    >>> Linear().mu_closed_form(5, sympy.Symbol("q"))
    1
    """

    name: ClassVar[str] = "linear"
    derivative_bounded_by_one: ClassVar[bool] = True

    def derivative_limits_at_zero(self) -> tuple[sympy.Expr, sympy.Expr]:
        return (sympy.Integer(1), sympy.Integer(1))

    def value_at_zero(self) -> sympy.Expr:
        return sympy.Integer(0)

    def phi_sympy(self, x: sympy.Symbol = X) -> sympy.Expr:
        return x

    def dphi_sympy(self, x: sympy.Symbol = X) -> sympy.Expr:
        return sympy.Integer(1)

    def phi_numpy(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x, dtype=float).copy()

    def dphi_numpy(self, x: np.ndarray) -> np.ndarray:
        return np.ones_like(np.asarray(x, dtype=float))

    def phi_mpmath(self, x: mpmath.mpf, ctx: Any = mpmath.mp) -> mpmath.mpf:
        return ctx.mpf(x)

    def dphi_mpmath(self, x: mpmath.mpf, ctx: Any = mpmath.mp) -> mpmath.mpf:
        return ctx.mpf(1)

    def second_moment_closed_form(self, q: sympy.Expr) -> sympy.Expr:
        return q

    def mu_closed_form(self, k: int | sympy.Expr, q: sympy.Expr) -> sympy.Expr:
        return sympy.Integer(1)


@dataclass(frozen=True, slots=True)
class ReLU(Activation):
    """The rectifier φ(x) = max(0, x).

    μ_k = 1/2 for every k ≥ 1 (Pennington et al., arXiv 1711.04735, Table 1).

    Examples
    --------
    >>> ReLU().mu_closed_form(0, sympy.Integer(1)), ReLU().mu_closed_form(4, sympy.Integer(1))
    (1, 1/2)
    """

    name: ClassVar[str] = "relu"
    breakpoints: ClassVar[tuple[int, ...]] = (0,)
    derivative_bounded_by_one: ClassVar[bool] = True

    def derivative_limits_at_zero(self) -> tuple[sympy.Expr, sympy.Expr]:
        return (sympy.Integer(0), sympy.Integer(1))

    def value_at_zero(self) -> sympy.Expr:
        return sympy.Integer(0)

    def phi_sympy(self, x: sympy.Symbol = X) -> sympy.Expr:
        return sympy.Max(0, x)

    def dphi_sympy(self, x: sympy.Symbol = X) -> sympy.Expr:
        return sympy.Piecewise((1, x > 0), (0, True))

    def phi_numpy(self, x: np.ndarray) -> np.ndarray:
        return np.maximum(np.asarray(x, dtype=float), 0.0)

    def dphi_numpy(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=float) > 0).astype(float)

    def phi_mpmath(self, x: mpmath.mpf, ctx: Any = mpmath.mp) -> mpmath.mpf:
        return ctx.mpf(x) if x > 0 else ctx.mpf(0)

    def dphi_mpmath(self, x: mpmath.mpf, ctx: Any = mpmath.mp) -> mpmath.mpf:
        return ctx.mpf(1) if x > 0 else ctx.mpf(0)

    def second_moment_closed_form(self, q: sympy.Expr) -> sympy.Expr:
        return q / 2

    def mu_closed_form(self, k: int | sympy.Expr, q: sympy.Expr) -> sympy.Expr:
        if sympy.S(k).is_zero:
            return sympy.Integer(1)
        return sympy.Rational(1, 2)


@dataclass(frozen=True, slots=True)
class LeakyReLU(Activation):
    """The leaky rectifier φ(x) = x for x > 0 and a·x otherwise.

    μ_k = (1 + a^(2k)) / 2 and E[φ(h)²] = (1 + a²) q / 2. The slope may be a
    sympy symbol; the numerical callables then need a number.

    Examples
    --------
    >>> a = sympy.Symbol("a", real=True)
    >>> LeakyReLU(a).mu_closed_form(2, sympy.Symbol("q"))
    a**4/2 + 1/2
    >>> LeakyReLU(0.1).spec
    'leaky_relu(1/10)'
    """

    slope: sympy.Expr
    name: ClassVar[str] = "leaky_relu"
    breakpoints: ClassVar[tuple[int, ...]] = (0,)

    def __post_init__(self) -> None:
        object.__setattr__(self, "slope", _as_expr(self.slope, "slope"))

    @property
    def spec(self) -> str:
        return f"leaky_relu({expr_str(self.slope)})"

    @property
    def is_numeric(self) -> bool:
        return not self.slope.free_symbols

    @property
    def derivative_bounded_by_one(self) -> bool:  # type: ignore[override]
        return bool(self.is_numeric and abs(self.slope) <= 1)

    def _a(self) -> float:
        if not self.is_numeric:
            raise InputError(f"slope={self.slope} is symbolic; give a number to evaluate leaky_relu")
        return float(self.slope)

    def derivative_limits_at_zero(self) -> tuple[sympy.Expr, sympy.Expr]:
        return (self.slope, sympy.Integer(1))

    def value_at_zero(self) -> sympy.Expr:
        return sympy.Integer(0)

    def phi_sympy(self, x: sympy.Symbol = X) -> sympy.Expr:
        return sympy.Piecewise((x, x > 0), (self.slope * x, True))

    def dphi_sympy(self, x: sympy.Symbol = X) -> sympy.Expr:
        return sympy.Piecewise((1, x > 0), (self.slope, True))

    def phi_numpy(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.where(x > 0, x, self._a() * x)

    def dphi_numpy(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.where(x > 0, 1.0, self._a())

    def phi_mpmath(self, x: mpmath.mpf, ctx: Any = mpmath.mp) -> mpmath.mpf:
        return ctx.mpf(x) if x > 0 else _to_mp(self.slope, "slope", ctx) * x

    def dphi_mpmath(self, x: mpmath.mpf, ctx: Any = mpmath.mp) -> mpmath.mpf:
        return ctx.mpf(1) if x > 0 else _to_mp(self.slope, "slope", ctx)

    def second_moment_closed_form(self, q: sympy.Expr) -> sympy.Expr:
        return (1 + self.slope**2) * q / 2

    def mu_closed_form(self, k: int | sympy.Expr, q: sympy.Expr) -> sympy.Expr:
        return (1 + self.slope ** (2 * sympy.S(k))) / 2


@dataclass(frozen=True, slots=True)
class HardTanh(Activation):
    """The hard tanh φ(x) = max(−1, min(1, x)).

    φ'(h) = 1 if |h| < 1 else 0, so μ_k = P(|h| < 1) = erf(1/√(2q)) for
    k ≥ 1 (Pennington et al., arXiv 1711.04735, Table 1), and
    E[φ(h)²] = q·erf(1/√(2q)) − √(2q/π)·e^(−1/(2q)) + erfc(1/√(2q)).

    Examples
    --------
    >>> HardTanh().mu_closed_form(2, sympy.Rational(1, 2))
    erf(1)
    >>> HardTanh().mu_closed_form(2, sympy.Integer(0))
    1
    """

    name: ClassVar[str] = "hard_tanh"
    breakpoints: ClassVar[tuple[int, ...]] = (-1, 1)
    derivative_bounded_by_one: ClassVar[bool] = True

    def derivative_limits_at_zero(self) -> tuple[sympy.Expr, sympy.Expr]:
        return (sympy.Integer(1), sympy.Integer(1))

    def value_at_zero(self) -> sympy.Expr:
        return sympy.Integer(0)

    def phi_sympy(self, x: sympy.Symbol = X) -> sympy.Expr:
        return sympy.Max(-1, sympy.Min(1, x))

    def dphi_sympy(self, x: sympy.Symbol = X) -> sympy.Expr:
        return sympy.Piecewise((1, sympy.Abs(x) < 1), (0, True))

    def phi_numpy(self, x: np.ndarray) -> np.ndarray:
        return np.clip(np.asarray(x, dtype=float), -1.0, 1.0)

    def dphi_numpy(self, x: np.ndarray) -> np.ndarray:
        return (np.abs(np.asarray(x, dtype=float)) < 1).astype(float)

    def phi_mpmath(self, x: mpmath.mpf, ctx: Any = mpmath.mp) -> mpmath.mpf:
        return max(ctx.mpf(-1), min(ctx.mpf(1), ctx.mpf(x)))

    def dphi_mpmath(self, x: mpmath.mpf, ctx: Any = mpmath.mp) -> mpmath.mpf:
        return ctx.mpf(1) if abs(x) < 1 else ctx.mpf(0)

    def second_moment_closed_form(self, q: sympy.Expr) -> sympy.Expr:
        if _is_zero_q(q):
            return sympy.Integer(0)
        t = _gauss_tail_pieces(q)
        return q * t - sympy.sqrt(2 * q / sympy.pi) * sympy.exp(-1 / (2 * q)) + (1 - t)

    def mu_closed_form(self, k: int | sympy.Expr, q: sympy.Expr) -> sympy.Expr:
        if sympy.S(k).is_zero or _is_zero_q(q):
            return sympy.Integer(1)
        return _gauss_tail_pieces(q)


@dataclass(frozen=True, slots=True)
class Erf(Activation):
    """The error function φ(x) = erf(x), φ'(x) = (2/√π)·e^(−x²).

    μ_k = (4/π)^k / √(1 + 4kq) and E[φ(h)²] = (2/π)·arcsin(2q/(1 + 2q))
    (Williams 1997). Note |φ'| ≤ 2/√π, which exceeds 1.

    Examples
    --------
    >>> Erf().mu_closed_form(1, sympy.Rational(3, 4))
    2/pi
    """

    name: ClassVar[str] = "erf"

    def derivative_limits_at_zero(self) -> tuple[sympy.Expr, sympy.Expr]:
        return (2 / sympy.sqrt(sympy.pi), 2 / sympy.sqrt(sympy.pi))

    def value_at_zero(self) -> sympy.Expr:
        return sympy.Integer(0)

    def phi_sympy(self, x: sympy.Symbol = X) -> sympy.Expr:
        return sympy.erf(x)

    def dphi_sympy(self, x: sympy.Symbol = X) -> sympy.Expr:
        return 2 / sympy.sqrt(sympy.pi) * sympy.exp(-(x**2))

    def phi_numpy(self, x: np.ndarray) -> np.ndarray:
        from scipy.special import erf

        return erf(np.asarray(x, dtype=float))

    def dphi_numpy(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return 2.0 / math.sqrt(math.pi) * np.exp(-x * x)

    def phi_mpmath(self, x: mpmath.mpf, ctx: Any = mpmath.mp) -> mpmath.mpf:
        return ctx.erf(x)

    def dphi_mpmath(self, x: mpmath.mpf, ctx: Any = mpmath.mp) -> mpmath.mpf:
        return 2 / ctx.sqrt(ctx.pi) * ctx.exp(-x * x)

    def second_moment_closed_form(self, q: sympy.Expr) -> sympy.Expr:
        return 2 / sympy.pi * sympy.asin(2 * q / (1 + 2 * q))

    def mu_closed_form(self, k: int | sympy.Expr, q: sympy.Expr) -> sympy.Expr:
        k = sympy.S(k)
        return (4 / sympy.pi) ** k / sympy.sqrt(1 + 4 * k * q)


@dataclass(frozen=True, slots=True)
class Tanh(Activation):
    """The hyperbolic tangent; its μ_k and E[φ(h)²] need quadrature.

    Examples
    --------
    >>> Tanh().dphi_sympy()
    1 - tanh(x)**2
    >>> Tanh().mu_closed_form(1, sympy.Integer(1)) is None
    True
    """

    name: ClassVar[str] = "tanh"
    derivative_bounded_by_one: ClassVar[bool] = True

    def phi_sympy(self, x: sympy.Symbol = X) -> sympy.Expr:
        return sympy.tanh(x)

    def dphi_sympy(self, x: sympy.Symbol = X) -> sympy.Expr:
        return 1 - sympy.tanh(x) ** 2

    def phi_numpy(self, x: np.ndarray) -> np.ndarray:
        return np.tanh(np.asarray(x, dtype=float))

    def dphi_numpy(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / np.cosh(np.asarray(x, dtype=float)) ** 2

    def phi_mpmath(self, x: mpmath.mpf, ctx: Any = mpmath.mp) -> mpmath.mpf:
        return ctx.tanh(x)

    def dphi_mpmath(self, x: mpmath.mpf, ctx: Any = mpmath.mp) -> mpmath.mpf:
        return ctx.sech(x) ** 2

    def derivative_limits_at_zero(self) -> tuple[sympy.Expr, sympy.Expr]:
        return (sympy.Integer(1), sympy.Integer(1))

    def value_at_zero(self) -> sympy.Expr:
        return sympy.Integer(0)

    def analytic_strip(self, kind: str, power: int) -> tuple[Fraction, Fraction] | None:
        # poles of tanh at iπ/2; for w = x + iy: |cosh w|² = sinh²x + cos²y, |sinh w|² = sinh²x + sin²y,
        # so |tanh w|² ≤ 1/cos²y and |sech w|² ≤ 1/cos²y; with |y| ≤ 3/4, cos y > 0.7316 > 73/100
        inv_cos = Fraction(100, 73)
        if kind == "phi2":
            return Fraction(3, 4), inv_cos**2
        return Fraction(3, 4), inv_cos ** (4 * power)

    def inner_interval(self, ctx: Any, x: Any, kind: str, power: int) -> Any:
        e = ctx.exp(-2 * x)
        # with e = e^(−2x) ∈ (0, 1] for x ≥ 0: tanh² = ((1 − e)/(1 + e))², sech² = 4e/(1 + e)²
        if kind == "phi2":
            return ((1 - e) / (1 + e)) ** 2
        return (4 * e / (1 + e) ** 2) ** (2 * power)

    def interval_value(self, ctx: Any, x: Any, derivative: bool) -> Any:
        # tanh is increasing and odd, sech² even and decreasing in |x|: evaluate at the ends of x
        lo, hi = x.a, x.b

        def at(point: Any, deriv: bool) -> Any:
            negative = point.b < 0
            e = ctx.exp(-2 * (-point if negative else point))
            if deriv:
                return 4 * e / (1 + e) ** 2
            t = (1 - e) / (1 + e)
            return -t if negative else t

        if not derivative:
            return ctx.mpf([at(lo, False).a, at(hi, False).b])
        a, b = at(lo, True), at(hi, True)
        if lo.a >= 0:
            return ctx.mpf([b.a, a.b])
        if hi.b <= 0:
            return ctx.mpf([a.a, b.b])
        return ctx.mpf([min(a.a, b.a), 1])


_NONSMOOTH = (sympy.Abs, sympy.sign, sympy.Heaviside, sympy.Max, sympy.Min, sympy.floor, sympy.ceiling)


def _kinks(expr: sympy.Expr, x: sympy.Symbol) -> tuple[float, ...]:
    """Real points where a formula may fail to be smooth (best effort).

    The zeros of the arguments of Abs, sign, Heaviside, floor and ceiling, of
    the differences of the arguments of Max and Min, and of the sides of the
    conditions of a Piecewise, when those are polynomials of degree ≤ 4 in x.
    """
    candidates: list[sympy.Expr] = []
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, (sympy.Max, sympy.Min)):
            args = node.args
            candidates.extend(a - b for i, a in enumerate(args) for b in args[i + 1 :])
        elif isinstance(node, _NONSMOOTH):
            candidates.extend(node.args[:1])
        elif isinstance(node, sympy.Piecewise):
            for _, cond in node.args:
                for rel in cond.atoms(sympy.core.relational.Relational):
                    candidates.append(rel.lhs - rel.rhs)
    points: set[float] = set()
    for cand in candidates:
        if x not in cand.free_symbols:
            continue
        try:
            poly = sympy.Poly(cand, x)
        except sympy.PolynomialError:
            continue
        if poly.degree() > 4 or poly.free_symbols - {x}:
            continue
        for root in poly.real_roots():
            points.add(float(root))
    return tuple(sorted(points))


@dataclass(frozen=True, slots=True)
class Formula(Activation):
    """A user activation φ given as a sympy expression in one variable.

    φ' is its sympy derivative; the numerical callables are compiled from the
    expression with :func:`sympy.lambdify` (the expression is already a sympy
    object, built by :func:`tpsym.spec.parse_formula` from user text; no string
    is evaluated here). μ_k and E[φ(h)²] go through quadrature, split at the
    points where the formula is visibly not smooth (Abs, Max, Piecewise, ...).

    Parameters
    ----------
    expr : sympy.Expr
        φ(x); its only free symbol must be ``variable``.
    variable : sympy.Symbol, default ``x``
        The variable of ``expr``.

    Examples
    --------
    >>> x = sympy.Symbol("x")
    >>> act = Formula(x * sympy.tanh(x), x)
    >>> act.spec, act.dphi_sympy()
    ('formula(x*tanh(x))', x*(1 - tanh(x)**2) + tanh(x))
    >>> float(act.phi_numpy(np.array([1.0]))[0]) == math.tanh(1.0)
    True
    >>> Formula(sympy.Abs(x), x).breakpoints
    (0.0,)
    """

    expr: sympy.Expr
    variable: sympy.Symbol = X
    name: ClassVar[str] = "formula"
    _compiled: dict[str, Any] = field(  # compiled callables, (context, callable) pairs, the pieces
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )
    # an instance field where the base class has a ClassVar (computed from expr): mypy refuses the override
    breakpoints: tuple[float, ...] = field(init=False, repr=False, compare=False, hash=False)  # type: ignore[misc]

    def __post_init__(self) -> None:
        if not isinstance(self.variable, sympy.Symbol):
            raise InputError(f"variable={self.variable!r} is not a sympy Symbol")
        if not isinstance(self.expr, sympy.Basic):
            if isinstance(self.expr, (int, float)) and not isinstance(self.expr, bool):
                object.__setattr__(self, "expr", _as_expr(self.expr, "expr"))
            else:
                raise InputError(
                    f"expr={self.expr!r} is not a sympy expression; "
                    "parse user text with tpsym.spec.parse_formula first"
                )
        extra = cast(sympy.Basic, self.expr).free_symbols - {self.variable}  # a sympy expression by now
        if extra:
            names = ", ".join(sorted(str(s) for s in extra))
            raise InputError(
                f"activation formula {self.expr} has free symbols other than "
                f"{self.variable}: {names}; substitute numbers for them"
            )
        exact = _exact_kinks(self.expr, self.variable)  # nested Max/Min too (hard tanh's -1)
        points = _kinks(self.expr, self.variable) if exact is None else tuple(float(k) for k in exact)
        object.__setattr__(self, "breakpoints", points)

    @property
    def spec(self) -> str:
        return f"formula({expr_str(self.expr)})"

    def _fn(self, key: str) -> Callable[..., Any]:
        fn = self._compiled.get(key)
        if fn is None:
            target = self.expr if key.startswith("phi") else sympy.diff(self.expr, self.variable)
            module = "numpy" if key.endswith("numpy") else "mpmath"
            modules: Any = [module] if module == "mpmath" else ["scipy", "numpy"]
            fn = sympy.lambdify(self.variable, target, modules=modules)
            self._compiled[key] = fn
        return fn

    def phi_sympy(self, x: sympy.Symbol = X) -> sympy.Expr:
        return self.expr.subs(self.variable, x)

    def dphi_sympy(self, x: sympy.Symbol = X) -> sympy.Expr:
        return sympy.diff(self.expr, self.variable).subs(self.variable, x)

    def phi_numpy(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.broadcast_to(np.asarray(self._fn("phi_numpy")(x), dtype=float), x.shape).copy()

    def dphi_numpy(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.broadcast_to(np.asarray(self._fn("dphi_numpy")(x), dtype=float), x.shape).copy()

    def phi_mpmath(self, x: mpmath.mpf, ctx: Any = mpmath.mp) -> mpmath.mpf:
        return self._mp_fn("phi", ctx)(x)

    def dphi_mpmath(self, x: mpmath.mpf, ctx: Any = mpmath.mp) -> mpmath.mpf:
        return self._mp_fn("dphi", ctx)(x)

    def _mp_fn(self, key: str, ctx: Any) -> Callable[..., Any]:
        """φ or φ' compiled against the functions of the mpmath context ``ctx`` (cached per context)."""
        cache_key = f"{key}_mpmath_{id(ctx)}"
        hit = self._compiled.get(cache_key)
        if hit is None or hit[0] is not ctx:
            target = self.expr if key == "phi" else sympy.diff(self.expr, self.variable)
            fn = sympy.lambdify(self.variable, target, modules=[mp_namespace(ctx), "mpmath"])
            hit = (ctx, fn)
            self._compiled[cache_key] = hit
        return hit[1]

    def derivative_limits_at_zero(self) -> tuple[sympy.Expr, sympy.Expr]:
        d = sympy.diff(self.expr, self.variable)
        return (_limit(d, self.variable, "-"), _limit(d, self.variable, "+"))

    def _polynomial_pieces(self) -> list[tuple[sympy.Expr, sympy.Expr, sympy.Poly]] | None:
        hit = self._compiled.get("pieces", False)
        if hit is False:
            hit = _pieces(self.expr, self.variable)
            self._compiled["pieces"] = hit
        return hit

    def second_moment_closed_form(self, q: sympy.Expr) -> sympy.Expr | None:
        """E[φ(h)²] exactly when φ is a polynomial piece by piece (Max, Min, Abs, Piecewise of
        polynomials with kinks in radicals): sums of incomplete Gaussian moments, in erf and exp.

        >>> x = sympy.Symbol("x")
        >>> Formula(sympy.Max(-1, sympy.Min(1, x)), x).second_moment_closed_form(sympy.Rational(1, 2)) == HardTanh().second_moment_closed_form(sympy.Rational(1, 2))
        True
        """
        pieces = self._polynomial_pieces()
        if pieces is None or sympy.S(q).is_zero:
            return None
        return sympy.expand(_piecewise_gauss([(a, b, p**2) for a, b, p in pieces], q))

    def mu_closed_form(self, k: int | sympy.Expr, q: sympy.Expr) -> sympy.Expr | None:
        """μ_k exactly for a formula that is a polynomial piece by piece (integer k).

        >>> x = sympy.Symbol("x")
        >>> Formula(sympy.Abs(x) + x, x).mu_closed_form(2, sympy.Symbol("q", positive=True))
        8
        """
        k = sympy.S(k)
        pieces = self._polynomial_pieces()
        if pieces is None or not k.is_Integer or k < 0 or sympy.S(q).is_zero:
            return None
        if k == 0:
            return sympy.Integer(1)
        return sympy.expand(_piecewise_gauss([(a, b, p.diff(self.variable) ** (2 * int(k))) for a, b, p in pieces], q))

    def value_at_zero(self) -> sympy.Expr:
        return _limit(self.expr, self.variable, "+-")


def _exact_kinks(expr: sympy.Expr, x: sympy.Symbol) -> list[sympy.Expr] | None:
    """The exact real points where a piecewise formula may switch pieces, sorted; None when a
    switching condition is not a polynomial in x or has a root not expressible in radicals."""
    candidates: list[sympy.Expr] = []
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, (sympy.Max, sympy.Min)):
            args = node.args
            candidates.extend(a - b for i, a in enumerate(args) for b in args[i + 1 :])
        elif isinstance(node, (sympy.Abs, sympy.sign, sympy.Heaviside)):
            candidates.append(node.args[0])
        elif isinstance(node, sympy.Piecewise):
            for _, cond in node.args:
                if cond in (sympy.true, sympy.false):
                    continue
                rels = cond.atoms(sympy.core.relational.Relational)
                if not rels:
                    return None
                candidates.extend(rel.lhs - rel.rhs for rel in rels)
        elif isinstance(node, (sympy.floor, sympy.ceiling)):
            return None
    points: set[sympy.Expr] = set()
    for cand in candidates:
        if x not in cand.free_symbols:
            continue
        zeros = _zeros(cand, x)
        if zeros is None:
            return None
        points |= zeros
    return sorted(points, key=lambda r: sympy.N(r, 50))


def _zeros(cand: sympy.Expr, x: sympy.Symbol) -> set[sympy.Expr] | None:
    """Real points where ``cand`` (a polynomial, or a polynomial piece by piece) may change sign."""
    try:
        poly = sympy.Poly(cand, x)
    except sympy.PolynomialError:
        poly = None
    if poly is not None and not poly.free_symbols - {x}:
        if poly.is_zero or poly.degree() > 4:
            return set() if poly.is_zero else None
        roots = set()
        for root in poly.real_roots():
            if root.has(sympy.CRootOf):  # not in radicals: no closed form here
                return None
            roots.add(root)
        return roots
    pieces = _pieces(cand, x)  # nested Max/Min/Abs: the zeros of each piece inside it, and its ends
    if pieces is None:
        return None
    out: set[sympy.Expr] = set()
    for a, b, p in pieces:
        out |= {e for e in (a, b) if e.is_finite}
        if p.is_zero:
            continue
        sub = _zeros(p.as_expr(), x)
        if sub is None:
            return None
        out |= {r for r in sub if (a is sympy.S.NegativeInfinity or r > a) and (b is sympy.S.Infinity or r < b)}
    return out


def _piece_poly(expr: sympy.Expr, x: sympy.Symbol, at: sympy.Rational) -> sympy.Poly | None:
    """The polynomial that a piecewise formula equals on the open piece containing ``at``, or None."""
    if not expr.has(x):
        return sympy.Poly(expr, x) if expr.is_number and expr.is_real else None
    if expr == x:
        return sympy.Poly(x, x)
    if isinstance(expr, (sympy.Max, sympy.Min)):
        values = [(a.subs(x, at), a) for a in expr.args]
        pick = (max if isinstance(expr, sympy.Max) else min)(values, key=lambda v: v[0])[1]
        return _piece_poly(pick, x, at)
    if isinstance(expr, sympy.Abs):
        inner = _piece_poly(expr.args[0], x, at)
        if inner is None:
            return None
        return inner if expr.args[0].subs(x, at) >= 0 else -inner
    if isinstance(expr, (sympy.sign, sympy.Heaviside)):
        v = expr.args[0].subs(x, at)
        if isinstance(expr, sympy.sign):
            return sympy.Poly(1 if v > 0 else -1, x)
        return sympy.Poly(1 if v > 0 else 0, x)
    if isinstance(expr, sympy.Piecewise):
        for piece, cond in expr.args:
            if cond.subs(x, at) is sympy.true:
                return _piece_poly(piece, x, at)
        return None
    if isinstance(expr, (sympy.Add, sympy.Mul)):
        parts = [_piece_poly(a, x, at) for a in expr.args]
        polys = [p for p in parts if p is not None]
        if len(polys) != len(parts):
            return None
        out = polys[0]
        for p in polys[1:]:
            out = out + p if isinstance(expr, sympy.Add) else out * p
        return out
    if isinstance(expr, sympy.Pow) and expr.exp.is_Integer and expr.exp >= 0:
        base = _piece_poly(expr.base, x, at)
        return None if base is None else base ** int(expr.exp)
    return None


def _pieces(expr: sympy.Expr, x: sympy.Symbol) -> list[tuple[sympy.Expr, sympy.Expr, sympy.Poly]] | None:
    """[(a, b, p)]: the formula equals the polynomial p on (a, b), the pieces covering ℝ; or None."""
    kinks = _exact_kinks(expr, x)
    if kinks is None:
        return None
    edges = [sympy.S.NegativeInfinity, *kinks, sympy.S.Infinity]
    out = []
    for a, b in zip(edges, edges[1:]):
        if a is sympy.S.NegativeInfinity:
            at = sympy.floor(b) - 1 if b is not sympy.S.Infinity else sympy.Integer(0)
        elif b is sympy.S.Infinity:
            at = sympy.ceiling(a) + 1
        else:
            at = sympy.nsimplify(sympy.N((a + b) / 2, 30), rational=True)
            if not (a < at < b):
                return None
        poly = _piece_poly(expr, x, sympy.Rational(at))
        if poly is None:
            return None
        out.append((a, b, poly))
    return out


def _partial_moments(n_max: int, t: sympy.Expr, q: sympy.Expr) -> list[sympy.Expr]:
    """I_n(t) = E[h^n; h < t] for h ~ N(0, q), n = 0..n_max, in closed form.

    I_0 = (1 + erf(t/√(2q)))/2, I_1 = −q·f(t), I_n = (n − 1) q I_(n−2) − q t^(n−1) f(t)
    with f the N(0, q) density (integration by parts); at t = ±∞ the full or no moments.
    """
    if t is sympy.S.NegativeInfinity:
        return [sympy.Integer(0)] * (n_max + 1)
    if t is sympy.S.Infinity:
        return [sympy.Integer(0) if n % 2 else q ** (n // 2) * sympy.factorial2(n - 1) for n in range(n_max + 1)]
    dens = sympy.exp(-(t**2) / (2 * q)) / sympy.sqrt(2 * sympy.pi * q)
    out = [(1 + sympy.erf(t / sympy.sqrt(2 * q))) / 2, -q * dens]
    for n in range(2, n_max + 1):
        out.append((n - 1) * q * out[n - 2] - q * t ** (n - 1) * dens)
    return out[: n_max + 1]


def _piecewise_gauss(pieces: list[tuple[sympy.Expr, sympy.Expr, sympy.Poly]], q: sympy.Expr) -> sympy.Expr:
    """E[p(h)] for h ~ N(0, q) and p given piece by piece (exact)."""
    total = sympy.Integer(0)
    for a, b, poly in pieces:
        n_max = max(poly.degree(), 0)
        hi, lo = _partial_moments(n_max, b, q), _partial_moments(n_max, a, q)
        for (n,), c in poly.terms():
            total += c * (hi[n] - lo[n])
    return total


def _limit(expr: sympy.Expr, x: sympy.Symbol, direction: str) -> sympy.Expr:
    """lim_{x→0} expr from one side (or both, "+-"), for a formula activation."""
    if 0 not in _kinks(expr, x):
        value = expr.subs(x, 0)
        if value.is_finite and value.is_real:
            return value
    try:
        value = sympy.limit(expr, x, 0, direction)
    except (ValueError, TypeError, NotImplementedError, sympy.PoleError) as exc:
        raise InputError(f"cannot find the limit of {expr} at {x}=0 ({exc})") from exc
    if not (value.is_finite and value.is_real):
        raise DomainError(f"the activation formula has {expr} -> {value} at {x}=0")
    return value


_BUILTIN: dict[str, type[Activation]] = {
    "linear": Linear,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "hard_tanh": HardTanh,
    "erf": Erf,
    "tanh": Tanh,
}
_ALIASES = {"identity": "linear", "hardtanh": "hard_tanh", "leakyrelu": "leaky_relu"}

#: The names :func:`get_activation` knows, sorted.
ACTIVATION_NAMES: tuple[str, ...] = tuple(sorted(_BUILTIN))


def get_activation(name: str | Activation, *, slope: Any = None) -> Activation:
    """The built-in activation called ``name``.

    Parameters
    ----------
    name : str or Activation
        One of :data:`ACTIVATION_NAMES` (case-insensitive; ``identity``,
        ``hardtanh`` and ``leakyrelu`` are accepted as aliases). An
        :class:`Activation` is returned unchanged.
    slope : number or sympy expression, optional
        The negative-side slope a of ``leaky_relu`` (required there, refused
        elsewhere).

    Raises
    ------
    SpecError
        If the name is unknown (the message lists the known ones).
    InputError
        If ``slope`` is missing for leaky_relu or given for another activation.

    Examples
    --------
    >>> get_activation("leaky_relu", slope=sympy.Rational(1, 5))
    LeakyReLU(slope=1/5)
    >>> get_activation("swish")
    Traceback (most recent call last):
    ...
    tpsym.errors.SpecError: unknown activation 'swish'; known activations: erf, hard_tanh, leaky_relu, linear, relu, tanh
    """
    if isinstance(name, Activation):
        if slope is not None:
            raise InputError(f"slope={slope!r} given with an activation object {name}")
        return name
    if not isinstance(name, str):
        raise InputError(f"activation name {name!r} is not a string")
    key = name.strip().lower().replace("-", "_")
    key = _ALIASES.get(key, key)
    cls = _BUILTIN.get(key)
    if cls is None:
        raise SpecError(
            f"unknown activation {name!r}; known activations: {', '.join(ACTIVATION_NAMES)}"
        )
    if cls is LeakyReLU:
        if slope is None:
            raise InputError("activation 'leaky_relu' needs a slope (slope=a)")
        return LeakyReLU(slope)
    if slope is not None:
        raise InputError(f"activation {key!r} takes no slope (got slope={slope!r})")
    return cls()
