"""Mean-field theory of a wide network at initialisation.

For Gaussian weights W_ij ~ N(0, σ_w²/N) and biases b_i ~ N(0, σ_b²), the
length q^l of the pre-activations follows the length map

    q^l = L(q^(l-1)) = σ_w² E[φ(√q^(l-1) z)²] + σ_b²,   z ~ N(0, 1)

(Poole et al., arXiv 1606.05340, Eq. (3)); its fixed point q* is the length
deep in the network. The slope χ = σ_w² E[φ'(h)²], h ~ N(0, q*), governs the
growth of gradients and of the mean of JJᵀ; χ = 1 is criticality (Schoenholz
et al., arXiv 1611.01232, Eq. (5)). The moments μ_k = E[φ'(h)^(2k)] are the
moments of the law of D² (Pennington, Schoenholz and Ganguli, arXiv
1711.04735, Sec. 2).

Every number is a :class:`Quantity`: an exact sympy expression where a closed
form exists (symbolic in q, σ's and the slope when those are symbols), else a
numerical value with an error bound at a requested number of significant
digits, or a :class:`~tpsym.errors.NumericError`.

>>> mf = mean_field("relu", sigma_w2=2, sigma_b2=0, moments=3)
>>> mf.q.value, mf.chi.value, mf.critical, [m.value for m in mf.mu]
(0, 1, True, [1/2, 1/2, 1/2])
>>> mf = mean_field("tanh", sigma_w2=1.5, sigma_b2=0.05, precision=20)
>>> mf.q.exact, mf.q.error_bound < 1e-20 * mf.q.value
(False, True)
>>> print(mf.q)  # an enclosure: the fixed point lies within the bound, printed digits' rounding included
0.4180372005334778539787 ± 5.5e-23
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace
from typing import Any

import mpmath
import numpy as np
import sympy

from tpsym.errors import DomainError, InputError, NumericError
from tpsym.certified import Ball, certified_constant, real_context, shown, to_ball
from tpsym.nets._gauss import GaussNodes, certified_expect, double_expect
from tpsym.nets.activations import Activation, _as_expr, _to_mp, get_activation, mp_namespace
from tpsym.utils import expr_str

__all__ = [
    "Quantity",
    "MeanField",
    "length_map",
    "fixed_point",
    "mu",
    "mus",
    "chi",
    "mean_field",
    "CertifiedMeanField",
    "certified_fixed_point",
    "certified_mean_field",
    "certifiable",
    "DEFAULT_PRECISION",
]

#: Default number of significant decimal digits of numerical results.
DEFAULT_PRECISION = 30
_GUARD = 10  # extra working digits
_SCAN_DPS = 15  # digits of the bracketing scan
_Q = sympy.Symbol("q", positive=True)
_MAX_SCAN_Q = mpmath.mpf(10) ** 12


# ---------------------------------------------------------------- values ----
@dataclass(frozen=True, slots=True)
class Quantity:
    """A mean-field number: exact, or numerical with an error bound.

    Attributes
    ----------
    value : sympy.Expr or mpmath.mpf
        The exact value (a sympy expression, possibly symbolic) or the
        numerical one.
    exact : bool
        Whether ``value`` is exact.
    error_bound : sympy.Expr or mpmath.mpf
        0 for exact values; otherwise a bound on |value − true value|.
    certify : callable or None
        For a numerical value that can be certified: ``certify(digits)``
        returns a :class:`~tpsym.certified.Ball` enclosing the true value
        (not part of equality or hash).

    Examples
    --------
    >>> half = Quantity(sympy.Rational(1, 2), True, sympy.Integer(0))
    >>> float(half), str(half), half.to_json()
    (0.5, '1/2', {'value': '1/2', 'float': 0.5, 'exact': True, 'error_bound': '0'})
    """

    value: Any
    exact: bool
    error_bound: Any
    certify: Any = field(default=None, compare=False, hash=False, repr=False)

    @property
    def is_symbolic(self) -> bool:
        """Whether the value has free symbols.

        Examples
        --------
        >>> Quantity(sympy.Symbol("q") / 2, True, sympy.Integer(0)).is_symbolic
        True
        """
        return self.exact and bool(sympy.S(self.value).free_symbols)

    def __float__(self) -> float:
        return float(self.value)

    def __str__(self) -> str:
        return self.format()

    def format(self, digits: int | None = None) -> str:
        """The value as text: a sympy string if exact, else ``"v ± err"``.

        At most ``digits`` significant digits, and no more than the error
        bound supports.

        Examples
        --------
        >>> Quantity(mpmath.mpf(2) / 3, False, mpmath.mpf("1e-12")).format(6)
        '0.666667 ± 3.4e-7'
        """
        if self.exact:
            return expr_str(self.value)
        digits = min(digits or _digits_of(self), _digits_of(self))
        text, bound = shown(self.value, self.error_bound, digits)
        return f"{text} ± {bound}"

    def to_json(self, digits: int | None = None) -> dict[str, Any]:
        """A JSON-ready dict: value (string), float, exact, error_bound (string).

        Examples
        --------
        >>> Quantity(mpmath.mpf(2) / 3, False, mpmath.mpf("1e-12")).to_json(4)["value"]
        '0.6667'
        """
        if self.exact:
            value = sympy.S(self.value)
            as_float = None if value.free_symbols else float(value)
            return {"value": expr_str(value), "float": as_float, "exact": True, "error_bound": "0"}
        digits = min(digits or _digits_of(self), _digits_of(self))
        text, bound = shown(self.value, self.error_bound, digits)
        return {"value": text, "float": float(self.value), "exact": False, "error_bound": bound}


def _digits_of(qty: Quantity) -> int:
    """Significant digits that the error bound of a numerical quantity supports."""
    if not qty.error_bound or not qty.value:
        return 30
    # in doubles: the answer must not depend on the global mpmath precision of the caller
    rel = abs(float(qty.error_bound) / float(qty.value))
    if rel == 0.0 or not math.isfinite(rel):
        return 30
    return max(1, int(-math.log10(rel)))


def _exact(expr: Any) -> Quantity:
    return Quantity(sympy.S(expr), True, sympy.Integer(0))


@dataclass(frozen=True, slots=True)
class MeanField:
    """The mean-field statistics of one (kind of) layer.

    Attributes
    ----------
    activation : Activation
    sigma_w2, sigma_b2 : sympy.Expr
    q : Quantity
        The length q of the pre-activations: q* or the given q.
    q_is_fixed_point : bool
        Whether ``q`` is the fixed point of the length map (else it was given).
    stable : bool or None
        Whether the fixed point attracts (L'(q*) < 1); None if marginal,
        symbolic or not a fixed point.
    chi : Quantity
        χ = σ_w² μ_1.
    critical : bool or None
        χ = 1: exactly for exact χ; within the error bound for a numerical χ;
        None if χ is symbolic.
    mu : tuple of Quantity
        μ_1, ..., μ_K.
    precision : int
        The requested significant digits of numerical values.

    Examples
    --------
    >>> mean_field("linear", sigma_w2=sympy.Rational(1, 2), sigma_b2=1).q.value
    2
    """

    activation: Activation
    sigma_w2: sympy.Expr
    sigma_b2: sympy.Expr
    q: Quantity
    q_is_fixed_point: bool
    stable: bool | None
    chi: Quantity
    critical: bool | None
    mu: tuple[Quantity, ...]
    precision: int

    @property
    def exact(self) -> bool:
        """Whether q, χ and every μ_k are exact.

        Examples
        --------
        >>> mean_field("relu", sigma_w2=1, sigma_b2=1).exact
        True
        """
        return self.q.exact and self.chi.exact and all(m.exact for m in self.mu)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of every statistic.

        Examples
        --------
        >>> d = mean_field("relu", sigma_w2=1, sigma_b2=1, moments=1).to_json()
        >>> d["q"]["value"], d["chi"]["value"], d["critical"], d["exact"]
        ('2', '1/2', False, True)
        """
        return {
            "activation": self.activation.spec,
            "sigma_w2": expr_str(self.sigma_w2),
            "sigma_b2": expr_str(self.sigma_b2),
            "q": self.q.to_json(self.precision),  # the fixed point q* unless q was given: see q_is_fixed_point
            "q_is_fixed_point": self.q_is_fixed_point,
            "stable": self.stable,
            "chi": self.chi.to_json(self.precision),
            "critical": self.critical,
            "mu": [m.to_json(self.precision) for m in self.mu],
            "exact": self.exact,
            "precision": self.precision,
        }


# ------------------------------------------------------------ validation ----
def _check_precision(precision: Any) -> int:
    if isinstance(precision, bool) or not isinstance(precision, int):
        raise InputError(f"precision={precision!r} is not an int (significant digits)")
    if not 1 <= precision <= 1000:
        raise InputError(f"precision={precision} is outside 1..1000 digits")
    return precision


def _nonneg(value: Any, name: str) -> sympy.Expr:
    expr = _as_expr(value, name)
    if expr.is_negative:
        raise DomainError(f"{name}={expr_str(expr)} is negative; a variance must be ≥ 0")
    return expr


def _as_q(q: Any) -> Quantity:
    if isinstance(q, Quantity):
        if q.exact and sympy.S(q.value).is_negative:
            raise DomainError(f"q={q} is negative; a variance must be ≥ 0")
        if not q.exact and q.value < 0:
            raise DomainError(f"q={q} is negative; a variance must be ≥ 0")
        return q
    return _exact(_nonneg(q, "q"))


def _check_k(k: Any) -> sympy.Expr:
    if isinstance(k, bool):
        raise InputError(f"k={k!r} is not an integer")
    if isinstance(k, int):
        if k < 0:
            raise DomainError(f"k={k} is negative; μ_k needs k ≥ 0")
        return sympy.Integer(k)
    if isinstance(k, sympy.Expr):
        if k.is_integer is False or k.is_negative:
            raise DomainError(f"k={k} is not a non-negative integer")
        return k
    raise InputError(f"k={k!r} is not an integer")


# --------------------------------------------------------------- kernels ----
def _mp(expr: sympy.Expr, name: str, ctx: Any) -> mpmath.mpf:
    return _to_mp(sympy.S(expr), name, ctx)


def _out(value: Any) -> mpmath.mpf:
    """A number of a private context as a plain mpmath number (same binary value, no rounding)."""
    return mpmath.mp.make_mpf(value._mpf_)


@functools.lru_cache(maxsize=256, typed=True)  # Float(1.5) == Rational(3, 2) must not share a result
def _closed(act: Activation, kind: str, k: sympy.Expr) -> sympy.Expr | None:
    """Closed form in the positive symbol _Q, or None."""
    if kind == "phi2":
        return act.second_moment_closed_form(_Q)
    return act.mu_closed_form(k, _Q)


@functools.lru_cache(maxsize=256, typed=True)  # Float(1.5) == Rational(3, 2) must not share a result
def _closed_mp(act: Activation, kind: str, k: sympy.Expr, ctx: Any) -> Any:
    """The closed form compiled against the functions of the private context ``ctx``, or None."""
    expr = _closed(act, kind, k)
    if expr is None or expr.free_symbols - {_Q}:
        return None
    return sympy.lambdify(_Q, expr, modules=[mp_namespace(ctx), "mpmath"])


def _has_closed(act: Activation, kind: str, k: sympy.Expr) -> bool:
    expr = _closed(act, kind, k)
    return expr is not None and not expr.free_symbols - {_Q}


def _at_zero(act: Activation, kind: str, k: sympy.Expr) -> sympy.Expr:
    """The value at q = 0 (the limit q → 0+ for μ_k)."""
    if kind == "phi2":
        return act.value_at_zero() ** 2
    left, right = act.derivative_limits_at_zero()
    if left == right:
        return sympy.expand(left ** (2 * k))
    return (left ** (2 * k) + right ** (2 * k)) / 2


def _inner(act: Activation, kind: str, ctx: Any) -> Any:
    if kind == "phi2":
        return lambda x: act.phi_mpmath(x, ctx) ** 2
    return lambda x: act.dphi_mpmath(x, ctx) ** 2


def _numeric_at(
    act: Activation, kind: str, ks: list[sympy.Expr], q: mpmath.mpf, ctx: Any
) -> list[tuple[mpmath.mpf, mpmath.mpf]]:
    """(value, error) of each requested expectation at a numerical q ≥ 0, in the private context ``ctx``."""
    q = ctx.mpf(q)
    if q == 0:
        return [(_mp(_at_zero(act, kind, k), "value", ctx), ctx.mpf(0)) for k in ks]
    out: list[tuple[mpmath.mpf, mpmath.mpf] | None] = [None] * len(ks)
    missing = []
    for i, k in enumerate(ks):
        fn = _closed_mp(act, kind, k, ctx)
        if fn is None:
            missing.append(i)
        else:
            value = ctx.mpf(fn(q))
            # a closed form may cancel (hard tanh at small q: q·erf(…) + 1 − erf(…) − …), so its
            # error is measured against the same form at 64 more bits (about 20 more digits), not assumed relative
            fine = real_context(ctx.dps + 20)
            finer = ctx.mpf(fine.mpf(_closed_mp(act, kind, k, fine)(fine.mpf(q))))
            out[i] = (value, abs(finer - value) + abs(value) * ctx.mpf(2) ** (-ctx.prec + 8))
    if missing:
        if not act.is_numeric:
            raise InputError(f"activation {act.spec} has symbolic parameters; give numbers")
        nodes = GaussNodes(_inner(act, kind, ctx), q, act.breakpoints, ctx=ctx)
        try:
            for i in missing:
                power = 1 if kind == "phi2" else int(ks[i])
                out[i] = nodes.expect(power)
        except (ArithmeticError, ValueError, TypeError) as exc:
            raise NumericError(f"quadrature of {act.spec} at q={mpmath.nstr(q, 8)} failed: {exc}") from exc
    return out  # type: ignore[return-value]


def _check_error(value: mpmath.mpf, error: mpmath.mpf, precision: int, what: str) -> None:
    ctx = real_context(precision + _GUARD)
    tol = ctx.mpf(10) ** (-precision) * (abs(ctx.mpf(value)) if value else 1)
    if not error <= tol:
        raise NumericError(
            f"{what} could not reach {precision} significant digits: "
            f"value {mpmath.nstr(value, 10)} with error estimate {mpmath.nstr(error, 3)}"
        )


def _expectations(
    act: Activation, kind: str, ks: list[sympy.Expr], q: Quantity, precision: int, what: str
) -> list[Quantity]:
    """E[φ(h)²] (kind "phi2") or μ_k (kind "dphi") for each k, h ~ N(0, q)."""
    if q.exact:
        qv = sympy.S(q.value)
        results: list[Quantity | None] = [None] * len(ks)
        pending = []
        for i, k in enumerate(ks):
            if qv.is_zero:
                results[i] = _exact(_at_zero(act, kind, k))
                continue
            expr = _closed(act, kind, k)
            if expr is not None:
                results[i] = _exact(expr.subs(_Q, qv))
            else:
                pending.append(i)
        if pending:
            if qv.free_symbols or not act.is_numeric:
                raise InputError(
                    f"{what} of {act.spec} has no closed form; "
                    f"give numbers (q={expr_str(qv)}) for quadrature"
                )
            if qv.is_positive and all(k.is_Integer for k in ks) and certifiable(act, kind):
                # enclosed rigorously (and faster than adaptive quadrature): midpoint ± radius
                balls = _certified_expectations(act, kind, [int(ks[i]) for i in pending], to_ball(qv, precision + 5), precision + 2)
                for i, ball in zip(pending, balls):
                    results[i] = _from_ball(ball, precision, what)
                return results  # type: ignore[return-value]
            ctx = real_context(precision + _GUARD)
            qmp = _mp(qv, "q", ctx)
            values = _numeric_at(act, kind, [ks[i] for i in pending], qmp, ctx)
            for i, (value, error) in zip(pending, values):
                _check_error(value, error, precision, what)
                results[i] = Quantity(_out(value), False, _out(error))
        return results  # type: ignore[return-value]
    if q.certify is not None and all(k.is_Integer for k in ks) and certifiable(act, kind):
        # q is certifiable: enclose the expectations for every q in q's ball
        balls = _certified_expectations(act, kind, [int(k) for k in ks], q.certify(precision + 5), precision + 2)
        return [_from_ball(b, precision, what) for b in balls]
    # numerical q with an error bound: evaluate at q and q ± δ (first-order propagation)
    ctx = real_context(precision + _GUARD)
    qmp, delta = ctx.mpf(q.value), ctx.mpf(q.error_bound)
    center = _numeric_at(act, kind, ks, qmp, ctx)
    slopes = _sensitivity(act, kind, ks, qmp) if delta > 0 and qmp > 0 else [0] * len(ks)
    out = []
    for (value, error), slope in zip(center, slopes):
        # the quadrature must reach the precision; the part of the error that q's own error
        # carries (large for high k: mu_k moves like q^k) is reported in the bound, not refused
        _check_error(value, error, precision, what)
        total = error + 2 * ctx.mpf(slope) * delta  # first order in q's error, ×2 margin
        out.append(Quantity(_out(value), False, _out(total)))
    return out


def _from_ball(ball: Ball, precision: int, what: str) -> Quantity:
    """A numerical Quantity from a certified ball: its midpoint, and its radius as a (rigorous) error bound."""
    value, error = ball.mid(), ball.radius()
    _check_error(value, error, precision, what)
    return Quantity(value, False, error)


def _sensitivity(act: Activation, kind: str, ks: list[sympy.Expr], q: mpmath.mpf) -> list[float]:
    """|d/dq E[...]| for each k, by a central difference (double precision; an estimate)."""
    h = 1e-4
    qf = float(q)
    up, down = qf * (1 + h), qf * (1 - h)
    out: list[float] = []
    ctx = real_context(20)
    for k in ks:
        fn = _closed_mp(act, kind, k, ctx)
        try:
            if fn is not None:
                diff = float(fn(ctx.mpf(up)) - fn(ctx.mpf(down)))
            else:
                power = 1 if kind == "phi2" else int(k)
                base = act.phi_numpy if kind == "phi2" else act.dphi_numpy

                def f(x: float, base: Any = base, power: int = power) -> float:
                    return float(base(x)) ** (2 * power)

                diff = double_expect(f, up, act.breakpoints)[0] - double_expect(f, down, act.breakpoints)[0]
        except (ArithmeticError, ValueError, TypeError):
            scan = real_context(_SCAN_DPS)
            a = _numeric_at(act, kind, [k], scan.mpf(up), scan)[0][0]
            b = _numeric_at(act, kind, [k], scan.mpf(down), scan)[0][0]
            diff = float(a - b)
        out.append(abs(diff) / (up - down) + 1e-9)
    return out


def _times(
    factor: sympy.Expr, qty: Quantity, precision: int, plus: sympy.Expr = sympy.Integer(0)
) -> Quantity:
    """factor · qty + plus, for exact factor and plus."""
    if qty.exact:
        return _exact(sympy.expand(factor * qty.value + plus))
    ctx = real_context(precision + _GUARD)
    f = _mp(factor, "factor", ctx)
    value = f * ctx.mpf(qty.value) + _mp(plus, "plus", ctx)
    error = abs(f) * ctx.mpf(qty.error_bound) + abs(value) * ctx.mpf(2) ** (-ctx.prec + 4)
    return Quantity(_out(value), False, _out(error))


# ----------------------------------------------------------- public API ----
def length_map(
    activation: str | Activation,
    q: Any,
    *,
    sigma_w2: Any = 1,
    sigma_b2: Any = 0,
    precision: int = DEFAULT_PRECISION,
) -> Quantity:
    """The length map L(q) = σ_w² E[φ(√q z)²] + σ_b², z ~ N(0, 1).

    Parameters
    ----------
    activation : str or Activation
    q : number, sympy expression or Quantity
        The length of the previous layer's pre-activations (≥ 0).
    sigma_w2, sigma_b2 : number or sympy expression
        Weight and bias variances (≥ 0).
    precision : int
        Significant digits of a numerical result.

    Raises
    ------
    DomainError
        If q or a variance is negative.
    NumericError
        If quadrature cannot reach the requested precision.

    Examples
    --------
    >>> q = sympy.Symbol("q", positive=True)
    >>> length_map("relu", q, sigma_w2=2, sigma_b2=sympy.Symbol("b")).value
    b + q
    >>> length_map("erf", sympy.Rational(1, 2), sigma_w2=1).value
    1/3
    """
    act = get_activation(activation)
    precision = _check_precision(precision)
    sw, sb = _nonneg(sigma_w2, "sigma_w2"), _nonneg(sigma_b2, "sigma_b2")
    qq = _as_q(q)
    (second,) = _expectations(act, "phi2", [sympy.Integer(1)], qq, precision, "E[phi(h)^2]")
    out = _times(sw, second, precision, sb)
    q_certify = _certifier(qq)
    if not out.exact and q_certify is not None and certifiable(act, "phi2") and not (sw.free_symbols or sb.free_symbols):
        out = replace(out, certify=_LengthMapCertifier(act, sw, sb, q_certify))
    return out


def certifiable(act: Activation, kind: str = "dphi") -> bool:
    """Whether E[φ(h)²] (``"phi2"``) or μ_k (``"dphi"``) of ``act`` can be enclosed in balls.

    It can when the activation has numeric parameters and either a closed
    form (evaluated in interval arithmetic) or an analytic-strip bound for
    certified quadrature (:meth:`Activation.analytic_strip`).

    Examples
    --------
    >>> [certifiable(get_activation(n)) for n in ("tanh", "hard_tanh", "erf", "relu")]
    [True, True, True, True]
    >>> from tpsym.nets.activations import Formula, X
    >>> certifiable(Formula(sympy.sin(X) + X, X))
    False
    """
    if not act.is_numeric:
        return False
    return _has_closed(act, kind, sympy.Integer(1)) or act.analytic_strip(kind, 1) is not None


def _certifier(q: Quantity) -> Any:
    """``digits -> Ball`` enclosing q (exact and numeric, or certifiable), else None."""
    if q.exact:
        value = sympy.S(q.value)
        if value.free_symbols or not value.is_nonnegative:
            return None
        return _ExactCertifier(value)
    return q.certify


@dataclass(frozen=True, slots=True)
class _ExactCertifier:
    value: sympy.Expr

    def __call__(self, digits: int) -> Ball:
        return to_ball(self.value, digits)


@dataclass(frozen=True, slots=True)
class _LengthMapCertifier:
    """``certify(digits)`` of L(q) = σ_w² E[φ(√q z)²] + σ_b² for a certifiable q."""

    act: Activation
    sw: sympy.Expr
    sb: sympy.Expr
    q: Any

    def __call__(self, digits: int) -> Ball:
        work = digits + 5
        (second,) = _certified_expectations(self.act, "phi2", [1], self.q(work + 5), work)
        return to_ball(self.sw, work) * second + to_ball(self.sb, work)


def fixed_point_condition(act: Activation, sw: Any, sb: Any) -> sympy.Basic:
    """Where the closed-form fixed point ``σ_b²/(1 − slope)`` of a length map linear in q exists.

    ``sympy.true`` when the values decide it (when they decide against it,
    or the map is not linear in q, computing q* says why), else the condition ``slope < 1`` or ``offset = 0`` on the
    symbolic parameters, which the caller must establish.

    Examples
    --------
    >>> from tpsym.nets import get_activation
    >>> w, b = sympy.symbols("w b", positive=True)
    >>> fixed_point_condition(get_activation("relu"), w, b)
    w/2 < 1
    >>> fixed_point_condition(get_activation("relu"), 2 - b, 1)
    True
    """
    second = _closed(act, "phi2", sympy.Integer(1))
    if second is None or sympy.diff(second, _Q, 2) != 0:
        return sympy.true
    c = sympy.diff(second, _Q)
    slope = sympy.expand(sympy.S(sw) * c)
    offset = sympy.expand(sympy.S(sw) * second.subs(_Q, 0) + sympy.S(sb))
    below = sympy.Lt(slope, 1)
    if below is sympy.true or below is sympy.false or offset.is_zero:
        return sympy.true  # decided: q* exists, or computing it raises why not
    return below if offset.is_zero is False else sympy.Or(below, sympy.Eq(offset, 0))


@functools.lru_cache(maxsize=128, typed=True)  # Float(1.5) == Rational(3, 2) must not share a result
def _fixed_point(act: Activation, sw: sympy.Expr, sb: sympy.Expr, precision: int) -> tuple[Quantity, bool | None]:
    second = _closed(act, "phi2", sympy.Integer(1))
    # closed form linear in q: q = sw (c q + e0) + sb
    if second is not None and sympy.diff(second, _Q, 2) == 0:
        c = sympy.diff(second, _Q)
        e0 = second.subs(_Q, 0)
        slope = sympy.expand(sw * c)
        offset = sympy.expand(sw * e0 + sb)
        below = sympy.Lt(slope, 1)
        if below is sympy.true:
            return _exact(sympy.cancel(offset / (1 - slope))), True
        if below is sympy.false:
            if offset.is_zero:
                return _exact(0), (None if slope == 1 else False)
            why = (
                f"the length map of {act.spec} is q -> {expr_str(slope * sympy.Symbol('q') + offset)}"
                f" with slope sigma_w2*{expr_str(c)} = {expr_str(slope)} >= 1"
            )
            if offset.is_positive:
                raise DomainError(f"no fixed point q*: {why} and offset > 0, so q^l grows without bound")
            raise DomainError(f"no fixed point q* unless {expr_str(offset)} = 0: {why}")
        # symbolic: valid where slope < 1
        return _exact(sympy.cancel(offset / (1 - slope))), None
    if sw.free_symbols or sb.free_symbols or not act.is_numeric:
        raise InputError(
            f"the fixed point q* of {act.spec} has no closed form; give numbers for "
            f"sigma_w2={expr_str(sw)}, sigma_b2={expr_str(sb)}"
        )
    offset0 = sympy.expand(sw * act.value_at_zero() ** 2 + sb)
    start = None
    if offset0.is_zero:
        # q = 0 is a fixed point; is there an attracting positive one?
        left, right = act.derivative_limits_at_zero()
        slope0 = sympy.expand(sw * (left**2 + right**2) / 2)  # L'(0+)
        if slope0 < 1:
            return _exact(0), True
        scan = real_context(_SCAN_DPS)
        g = _scan_factory(act, sw, sb, scan)
        q = scan.mpf("1e-6")
        if slope0 == 1 and g(q)[0] <= 0:
            return _exact(0), True
        while g(q)[0] <= 0:
            q /= 16
            if q < scan.mpf("1e-60"):
                raise NumericError(f"cannot find q > 0 with L(q) > q for {act.spec} near 0")
        start = q
    if start is None and precision > _SCAN_DPS and certifiable(act, "phi2"):
        # the certified route: a ball from a certified sign change (its own rough start uses the
        # low-precision route below); the ball's radius is the error bound
        ball = _certified_fixed_point(act, sw, sb, precision)
        qty = _from_ball(ball, precision, "q*")
        return replace(qty, certify=_FixedPointCertifier(act, sw, sb)), True
    qty, stable = _positive_root(act, sw, sb, precision, start)
    return replace(qty, certify=_FixedPointCertifier(act, sw, sb)), stable


@dataclass(frozen=True, slots=True)
class _FixedPointCertifier:
    """``certify(digits)`` of a numerical q*: :func:`certified_fixed_point`."""

    act: Activation
    sw: sympy.Expr
    sb: sympy.Expr

    def __call__(self, digits: int) -> Ball:
        return _certified_fixed_point(self.act, self.sw, self.sb, digits)


def _scan_factory(act: Activation, sw: sympy.Expr, sb: sympy.Expr, ctx: Any) -> Any:
    """g(q) = L(q) − q as (value, error) for the scan: double precision where possible.

    Only guides the search (bracket and first guess); the root is certified at
    full precision afterwards. Falls back to mpmath at _SCAN_DPS digits.
    """
    slow = _g_factory(act, sw, sb, ctx)
    if _has_closed(act, "phi2", sympy.Integer(1)):
        return slow
    swf, sbf = float(sw), float(sb)

    def f(x: float) -> float:
        return float(act.phi_numpy(np.asarray(x))) ** 2

    def g(q: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        try:
            value, error = double_expect(f, float(q), act.breakpoints)
        except (ArithmeticError, ValueError, TypeError):
            return slow(q)
        return ctx.mpf(swf * value + sbf) - q, ctx.mpf(swf * error + 1e-15 * float(q))

    return g


def _g_factory(act: Activation, sw: sympy.Expr, sb: sympy.Expr, ctx: Any) -> Any:
    """g(q) = L(q) − q as (value, error) in the private context ``ctx``."""
    swm, sbm = _mp(sw, "sigma_w2", ctx), _mp(sb, "sigma_b2", ctx)

    def g(q: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        q = ctx.mpf(q)
        ((value, error),) = _numeric_at(act, "phi2", [sympy.Integer(1)], q, ctx)
        # the rounding of σ_w² E + σ_b² − q counts too: near a tangency L(q) ≈ q and the
        # difference cancels (hard tanh at σ_w² = 1: L(q) − q ≈ −e^(−1/2q) is below any precision)
        rounding = 4 * ctx.eps * (abs(swm * value) + abs(sbm) + abs(q))
        return swm * value + sbm - q, swm * error + rounding

    return g


def _positive_root(
    act: Activation, sw: sympy.Expr, sb: sympy.Expr, precision: int, start: mpmath.mpf | None
) -> tuple[Quantity, bool | None]:
    """The smallest q > 0 where g = L − q changes sign from + to −, certified."""
    scan = real_context(_SCAN_DPS)
    g = _scan_factory(act, sw, sb, scan)
    zero_offset = start is not None
    if start is None:
        start = g(scan.mpf(0))[0]  # L(0) > 0
    start = scan.mpf(start)
    lo, hi = scan.mpf(0) if not zero_offset else start / 2, start
    g_hi, e_hi = g(hi)
    while g_hi + e_hi >= 0:  # not certainly negative yet
        lo, hi = hi, 2 * hi
        if hi > _MAX_SCAN_Q * max(1, start):
            if zero_offset:
                # q = 0 is a fixed point, unstable, and no positive one exists
                return _exact(0), False
            raise DomainError(
                f"no fixed point q* of the length map of {act.spec} with "
                f"sigma_w2={expr_str(sw)}, sigma_b2={expr_str(sb)}: "
                f"L(q) > q for every q up to {mpmath.nstr(hi, 3)}, so q^l grows without bound"
            )
        g_hi, e_hi = g(hi)
    # low-precision bisection / regula falsi to ~12 digits
    g_lo = g(lo)[0]
    for _ in range(200):
        if hi - lo <= scan.mpf("1e-12") * hi:
            break
        mid = (lo * g_hi - hi * g_lo) / (g_hi - g_lo) if g_lo > 0 > g_hi else (lo + hi) / 2
        if not lo < mid < hi or (hi - lo) > scan.mpf("0.1") * hi:
            mid = (lo + hi) / 2
        g_mid = g(mid)[0]
        if g_mid > 0:
            lo, g_lo = mid, g_mid
        else:
            hi, g_hi = mid, g_mid
    guess = (lo + hi) / 2
    wp = precision + _GUARD
    ctx = real_context(wp)
    g = _g_factory(act, sw, sb, ctx)
    if not _has_closed(act, "phi2", sympy.Integer(1)):
        root = _newton(act, sw, sb, ctx.mpf(guess), ctx)
    else:
        root = _secant(act, g, ctx.mpf(guess), ctx)
    # certify: a sign change of g across [root − δ, root + δ], beyond the errors
    for extra in (3, 2, 1, 0):
        delta = ctx.mpf(10) ** (-(precision + extra)) * root
        (a, ea), (b, eb) = g(root - delta), g(root + delta)
        if a - ea > 0 and b + eb < 0:
            return Quantity(_out(root), False, _out(delta)), True
        if a + ea < 0 and b - eb > 0:
            return Quantity(_out(root), False, _out(delta)), False
    raise NumericError(
        f"cannot certify the fixed point q* ≈ {mpmath.nstr(root, 12)} of {act.spec} to "
        f"{precision} digits: no certified sign change of L(q) − q around it "
        "(the length map is nearly tangent there)"
    )


def _secant(act: Activation, g: Any, x0: mpmath.mpf, ctx: Any) -> mpmath.mpf:
    """Secant iteration for g(q) = 0 from a double-precision guess, in the private context ``ctx``."""
    x1 = x0 * (1 + ctx.mpf("1e-9"))
    f0, f1 = g(x0)[0], g(x1)[0]
    for _ in range(60):
        if f1 == f0:
            break
        x2 = x1 - f1 * (x1 - x0) / (f1 - f0)
        if not x2 > 0:
            raise NumericError(f"the secant iteration for q* of {act.spec} left q > 0")
        x0, f0, x1 = x1, f1, x2
        if abs(x1 - x0) <= ctx.mpf(10) ** (-(ctx.dps - 3)) * abs(x1):
            break
        f1 = g(x1)[0]
    return x1


def _newton(act: Activation, sw: sympy.Expr, sb: sympy.Expr, x: mpmath.mpf, ctx: Any) -> mpmath.mpf:
    """Newton iteration for g(q) = σ_w² E[φ(√q z)²] + σ_b² − q = 0.

    g'(q) = σ_w² E[φ(h) φ'(h) h] / q − 1 (differentiate under the integral,
    h = √q z), from the same quadrature nodes as g. Stops when the step is
    below 10^-(wp/2 + 2) relative: quadratic convergence makes the iterate
    good to about wp digits (the precision of the private context ``ctx``),
    which the certification then checks.
    """
    swm, sbm = _mp(sw, "sigma_w2", ctx), _mp(sb, "sigma_b2", ctx)

    def both(h: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        p = act.phi_mpmath(h, ctx)
        return p * p, p * act.dphi_mpmath(h, ctx) * h

    stop = ctx.mpf(10) ** (-(ctx.dps // 2 + 2))
    for _ in range(30):
        nodes = GaussNodes(both, x, act.breakpoints, ctx=ctx)
        try:
            value = nodes.expect(1, component=0)[0]
            slope = nodes.expect(1, component=1)[0]
        except (ArithmeticError, ValueError, TypeError) as exc:
            raise NumericError(f"quadrature of {act.spec} at q={mpmath.nstr(x, 8)} failed: {exc}") from exc
        gv, dg = swm * value + sbm - x, swm * slope / x - 1
        if not dg:
            raise NumericError(f"the length map of {act.spec} has slope 1 at q={mpmath.nstr(x, 12)}")
        step = gv / dg
        x -= step
        if not x > 0:
            raise NumericError(f"the Newton iteration for q* of {act.spec} left q > 0")
        if abs(step) <= stop * x:
            return x
    raise NumericError(f"the Newton iteration for q* of {act.spec} did not converge")


def fixed_point(
    activation: str | Activation,
    *,
    sigma_w2: Any = 1,
    sigma_b2: Any = 0,
    precision: int = DEFAULT_PRECISION,
) -> Quantity:
    """The fixed point q* of the length map q ↦ σ_w² E[φ(√q z)²] + σ_b².

    q* is the fixed point reached by iterating the length map from q^0 = 0
    (for an increasing length map, the smallest one where L(q) − q changes
    sign from + to −). It is exact where the length map is linear in q
    (linear: σ_b²/(1 − σ_w²); ReLU: σ_b²/(1 − σ_w²/2); leaky ReLU:
    σ_b²/(1 − σ_w²(1 + a²)/2), symbolic in the σ's and a, valid where the
    denominator is positive) and where q* = 0. Otherwise it is a root found
    by a bracketing scan and a secant iteration with mpmath, certified by a
    sign change of L(q) − q across [q* − δ, q* + δ] that exceeds the
    quadrature error; δ is the error bound. When σ_b² = 0 and φ(0) = 0,
    q = 0 is always a fixed point; it is returned when it is attracting, or
    when every q is fixed (linear σ_w² = 1, ReLU σ_w² = 2: the network keeps
    the input's length, and q* = 0 by convention). A repelling q = 0 with no
    positive fixed point (ReLU σ_w² > 2, σ_b² = 0) is no q* the network
    reaches: refused, as for σ_b² > 0. (:func:`mean_field` reports it with
    ``stable=False``.)

    Raises
    ------
    DomainError
        If a variance is negative, or no stable fixed point exists (for
        example ReLU with σ_w² ≥ 2 and σ_b² > 0, or σ_w² > 2 and σ_b² = 0:
        q^l grows without bound).
    NumericError
        If the root cannot be certified to ``precision`` digits.

    Examples
    --------
    >>> fixed_point("relu", sigma_w2=sympy.Rational(3, 2), sigma_b2=sympy.Rational(1, 20))
    Quantity(value=1/5, exact=True, error_bound=0)
    >>> w, b = sympy.symbols("sigma_w2 sigma_b2", positive=True)
    >>> fixed_point("linear", sigma_w2=w, sigma_b2=b).value
    -sigma_b2/(sigma_w2 - 1)
    >>> fixed_point("relu", sigma_w2=3, sigma_b2=1)
    Traceback (most recent call last):
    ...
    tpsym.errors.DomainError: no fixed point q*: the length map of relu is q -> 3*q/2 + 1 with slope sigma_w2*1/2 = 3/2 >= 1 and offset > 0, so q^l grows without bound
    """
    act = get_activation(activation)
    precision = _check_precision(precision)
    sw, sb = _nonneg(sigma_w2, "sigma_w2"), _nonneg(sigma_b2, "sigma_b2")
    q, stable = _fixed_point(act, sw, sb, precision)
    if stable is False:
        raise _unstable(act, sw, sb)
    return q


def _unstable(act: Activation, sw: Any, sb: Any) -> DomainError:
    """q = 0 is fixed but repelling: from any input with q^0 > 0 the length grows without bound."""
    return DomainError(
        f"no finite stable fixed point q* of the length map of {act.spec} with "
        f"sigma_w2={expr_str(sw)}, sigma_b2={expr_str(sb)}: q = 0 is fixed but unstable, "
        "and from any input with q > 0 the length q^l grows without bound"
    )


def mus(
    activation: str | Activation,
    order: int,
    q: Any,
    *,
    precision: int = DEFAULT_PRECISION,
) -> tuple[Quantity, ...]:
    """μ_1, ..., μ_order with μ_k = E[φ'(h)^(2k)], h ~ N(0, q).

    Exact where the activation has a closed form (symbolic in q and the
    slope when those are symbols); otherwise by tanh-sinh quadrature with
    mpmath, all orders sharing the quadrature nodes. At q = 0 the value is
    the limit q → 0+. A numerical q (a :class:`Quantity` with an error
    bound) adds its first-order effect to the error bound.

    Raises
    ------
    NumericError
        If quadrature cannot reach ``precision`` significant digits.

    Examples
    --------
    >>> q = sympy.Symbol("q", positive=True)
    >>> mus("erf", 2, q)
    (Quantity(value=4/(pi*sqrt(4*q + 1)), exact=True, error_bound=0), Quantity(value=16/(pi**2*sqrt(8*q + 1)), exact=True, error_bound=0))
    >>> [m.format(12) for m in mus("tanh", 2, 1, precision=15)]
    ['0.464402902448 ± 2.7e-13', '0.341509207317 ± 3.4e-13']
    """
    act = get_activation(activation)
    precision = _check_precision(precision)
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise InputError(f"order={order!r} is not a non-negative int")
    ks = [sympy.Integer(k) for k in range(1, order + 1)]
    return tuple(_expectations(act, "dphi", ks, _as_q(q), precision, "mu_k"))


def mu(
    activation: str | Activation,
    k: int | sympy.Expr,
    q: Any,
    *,
    precision: int = DEFAULT_PRECISION,
) -> Quantity:
    """μ_k = E[φ'(h)^(2k)] for h ~ N(0, q) (see :func:`mus`).

    ``k`` may be a non-negative integer symbol for activations with a closed
    form.

    Examples
    --------
    >>> k = sympy.Symbol("k", integer=True, positive=True)
    >>> mu(get_activation("leaky_relu", slope=sympy.Symbol("a")), k, 1).value
    a**(2*k)/2 + 1/2
    >>> mu("hard_tanh", 3, sympy.Rational(1, 8)).value
    erf(2)
    """
    act = get_activation(activation)
    precision = _check_precision(precision)
    kk = _check_k(k)
    return _expectations(act, "dphi", [kk], _as_q(q), precision, f"mu_{expr_str(kk)}")[0]


def _is_one(qty: Quantity) -> bool | None:
    if qty.exact:
        diff = sympy.S(qty.value) - 1
        if diff.free_symbols:
            return None
        if diff.is_zero is not None:
            return bool(diff.is_zero)
        return abs(sympy.N(diff, 60)) < sympy.Float("1e-50")
    # exact binary arithmetic: no rounding, no global precision
    return bool(abs(mpmath.fsub(qty.value, 1, exact=True)) <= qty.error_bound)


def chi(
    activation: str | Activation,
    *,
    sigma_w2: Any = 1,
    sigma_b2: Any = 0,
    q: Any = None,
    precision: int = DEFAULT_PRECISION,
) -> Quantity:
    """χ = σ_w² E[φ'(h)²], h ~ N(0, q*) (or N(0, q) for a given q).

    Examples
    --------
    >>> chi("relu", sigma_w2=2, sigma_b2=0)
    Quantity(value=1, exact=True, error_bound=0)
    >>> chi("tanh", sigma_w2=1, sigma_b2=0)
    Quantity(value=1, exact=True, error_bound=0)
    """
    mf = mean_field(activation, sigma_w2=sigma_w2, sigma_b2=sigma_b2, q=q, moments=1, precision=precision)
    if mf.stable is False:  # at q* = 0 that the network does not reach: refused as fixed_point refuses it
        raise _unstable(get_activation(activation), mf.sigma_w2, mf.sigma_b2)
    return mf.chi


def mean_field(
    activation: str | Activation,
    *,
    sigma_w2: Any = 1,
    sigma_b2: Any = 0,
    q: Any = None,
    moments: int = 2,
    precision: int = DEFAULT_PRECISION,
) -> MeanField:
    """q*, its stability, χ, criticality and μ_1, ..., μ_moments of a layer.

    Parameters
    ----------
    activation : str or Activation
    sigma_w2, sigma_b2 : number or sympy expression
        Weight and bias variances (≥ 0).
    q : number, sympy expression or Quantity, optional
        Replaces the fixed point q*.
    moments : int
        How many μ_k to return (χ uses μ_1 in any case).
    precision : int
        Significant digits of numerical values.

    Raises
    ------
    DomainError
        Negative variance or q; no fixed point.
    NumericError
        A numerical value cannot reach ``precision`` digits.

    Examples
    --------
    >>> mf = mean_field("tanh", sigma_w2=1, sigma_b2=0, moments=2)
    >>> mf.q.value, mf.chi.value, mf.critical, mf.stable
    (0, 1, True, True)
    >>> mf = mean_field("erf", sigma_w2=sympy.pi / 4, q=sympy.Rational(3, 4), moments=1)
    >>> mf.chi.value, mf.critical
    (1/2, False)
    """
    act = get_activation(activation)
    precision = _check_precision(precision)
    if isinstance(moments, bool) or not isinstance(moments, int) or moments < 0:
        raise InputError(f"moments={moments!r} is not a non-negative int")
    sw, sb = _nonneg(sigma_w2, "sigma_w2"), _nonneg(sigma_b2, "sigma_b2")
    if q is None:
        qq, stable = _fixed_point(act, sw, sb, precision)
        is_fixed = True
    else:
        qq, stable, is_fixed = _as_q(q), None, False
    ks = [sympy.Integer(k) for k in range(1, max(moments, 1) + 1)]
    values = _expectations(act, "dphi", ks, qq, precision, "mu_k")
    chi_q = _times(sw, values[0], precision)
    if not chi_q.exact:
        _check_error(chi_q.value, chi_q.error_bound, precision, "chi")
    return MeanField(
        activation=act,
        sigma_w2=sw,
        sigma_b2=sb,
        q=qq,
        q_is_fixed_point=is_fixed,
        stable=stable,
        chi=chi_q,
        critical=_is_one(chi_q),
        mu=tuple(values[:moments]),
        precision=precision,
    )



# ------------------------------------------------------- certified numbers ----
@dataclass(frozen=True, slots=True)
class CertifiedMeanField:
    """q (or q*), χ and μ_1..μ_K of a layer as certified balls.

    Every ball encloses the true value (interval arithmetic throughout; see
    :func:`certified_mean_field`); ``digits`` is the accuracy asked for.
    """

    activation: Activation
    q: Ball
    chi: Ball
    mu: tuple[Ball, ...]
    digits: int


def _certified_expectations(act: Activation, kind: str, ks: list[int], q: Ball, digits: int) -> list[Ball]:
    """Balls for E[φ(h)²] ("phi2") or μ_k ("dphi"), h ~ N(0, q), for every q in the ball ``q``."""
    return list(_certified_expectations_cached(act, kind, tuple(ks), q, digits))


@functools.lru_cache(maxsize=256, typed=True)  # Float(1.5) == Rational(3, 2) must not share a result
def _certified_expectations_cached(act: Activation, kind: str, ks: tuple[int, ...], q: Ball, digits: int) -> tuple[Ball, ...]:
    """_certified_expectations (a pure function of hashable arguments: cached)."""
    out: list[Ball | None] = [None] * len(ks)
    pending = []
    exact_zero = q.lower == 0 and q.upper == 0
    q_const = certified_constant("q", lambda d: q)
    for i, k in enumerate(ks):
        if exact_zero:
            out[i] = to_ball(_at_zero(act, kind, sympy.Integer(k)), digits)
            continue
        expr = _closed(act, kind, sympy.Integer(k))
        if expr is not None and not expr.free_symbols - {_Q}:
            if q.lower <= 0:
                raise NumericError(f"q's enclosure {q} reaches 0: cannot enclose {act.spec}'s closed form")
            out[i] = to_ball(expr.xreplace({_Q: q_const}), digits)
        else:
            pending.append(i)
    if pending:
        if not act.is_numeric:
            raise InputError(f"activation {act.spec} has symbolic parameters; give numbers")
        if q.lower <= 0:
            raise NumericError(f"q's enclosure {q} reaches 0: no certified quadrature for {act.spec}")
        requests = [(kind, 1 if kind == "phi2" else ks[i]) for i in pending]
        for i, ball in zip(pending, certified_expect(act, q, requests, digits)):
            out[i] = ball
    return tuple(out)  # type: ignore[arg-type]


def _length_gap(act: Activation, sw: Ball, sb: Ball, q: Ball, digits: int) -> Ball:
    """L(q) − q = σ_w² E[φ(√q z)²] + σ_b² − q as a ball."""
    (second,) = _certified_expectations(act, "phi2", [1], q, digits)
    return sw * second + sb - q


def certified_fixed_point(
    activation: str | Activation, *, sigma_w2: Any = 1, sigma_b2: Any = 0, digits: int = DEFAULT_PRECISION
) -> Ball:
    """A ball of relative radius below 10^-digits around the fixed point q*.

    The root that :func:`fixed_point` locates (its scan picks the fixed point
    reached from q⁰ = 0) is refined by secant steps on certified values of
    L(q) − q, then enclosed: L(q) − q is certified positive at the lower end
    and negative at the upper end of the ball, so a root lies inside
    (intermediate value theorem). Exact fixed points become tight balls.

    Examples
    --------
    >>> b = certified_fixed_point("tanh", sigma_w2=sympy.Rational(3, 2), sigma_b2=sympy.Rational(1, 20), digits=30)
    >>> mpmath.nstr(b.mid(), 25), b.digits() >= 30
    ('0.418037200533477853978713', True)
    >>> w = sympy.sqrt(5) * sympy.pi / 4
    >>> certified_fixed_point("erf", sigma_w2=w, sigma_b2=1 - sympy.sqrt(5) * sympy.asin(sympy.Rational(2, 3)) / 2).contains(1)
    True
    """
    act = get_activation(activation)
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise InputError(f"digits={digits!r} must be an int >= 1")
    return _certified_fixed_point(act, _nonneg(sigma_w2, "sigma_w2"), _nonneg(sigma_b2, "sigma_b2"), digits)


@functools.lru_cache(maxsize=64, typed=True)  # Float(1.5) == Rational(3, 2) must not share a result
def _certified_fixed_point(act: Activation, sw_e: sympy.Expr, sb_e: sympy.Expr, digits: int) -> Ball:
    """certified_fixed_point on validated arguments (a pure function: cached)."""
    rough, _ = _fixed_point(act, sw_e, sb_e, 12)
    if rough.exact:
        return to_ball(rough.value, digits + 5)
    work = digits + 8
    sw, sb = to_ball(sw_e, work), to_ball(sb_e, work)
    prec = int(work * 3.33) + 64

    def gap_mid(x: mpmath.mpf) -> mpmath.mpf:
        return _length_gap(act, sw, sb, Ball(x, x, prec), work).mid()

    ctx = mpmath.MPContext()  # private: secant steps at an explicit precision
    ctx.prec = prec
    x0 = ctx.mpf(rough.value)
    x1 = x0 * (1 + ctx.mpf(10) ** -10)
    g0, g1 = gap_mid(mpmath.mp.make_mpf(x0._mpf_)), gap_mid(mpmath.mp.make_mpf(x1._mpf_))
    for _ in range(40):
        if g1 == g0:
            break
        x2 = x1 - ctx.mpf(g1) * (x1 - x0) / (ctx.mpf(g1) - ctx.mpf(g0))
        done = abs(x2 - x1) <= abs(x2) * ctx.mpf(10) ** -(digits + 6)
        x0, g0, x1 = x1, g1, x2
        g1 = gap_mid(mpmath.mp.make_mpf(x1._mpf_))
        if done:
            break
    delta = abs(x1) * ctx.mpf(10) ** -(digits + 2)
    lo, hi = mpmath.mp.make_mpf((x1 - delta)._mpf_), mpmath.mp.make_mpf((x1 + delta)._mpf_)
    at_lo = _length_gap(act, sw, sb, Ball(lo, lo, prec), work)
    at_hi = _length_gap(act, sw, sb, Ball(hi, hi, prec), work)
    if not (at_lo.lower > 0 and at_hi.upper < 0):
        raise NumericError(
            f"cannot certify the fixed point q* ~ {mpmath.nstr(x1, 12)} of {act.spec} to {digits} digits: "
            f"L(q) - q is {at_lo} at the lower end and {at_hi} at the upper end"
        )
    return Ball(lo, hi, prec)


def certified_mean_field(
    activation: str | Activation,
    *,
    sigma_w2: Any = 1,
    sigma_b2: Any = 0,
    q: Any = None,
    moments: int = 2,
    digits: int = DEFAULT_PRECISION,
) -> CertifiedMeanField:
    """q* (or the given q), χ = σ_w² μ_1 and μ_1..μ_moments as certified balls.

    μ_k is enclosed for every q in q*'s ball (closed forms evaluated in
    interval arithmetic, otherwise :func:`tpsym.nets._gauss.certified_expect`).

    Examples
    --------
    >>> mf = certified_mean_field("tanh", sigma_w2=sympy.Rational(3, 2), sigma_b2=sympy.Rational(1, 20), moments=2)
    >>> [b.digits() >= 30 for b in (mf.q, mf.chi, *mf.mu)]
    [True, True, True, True]
    >>> mpmath.nstr(mf.chi.mid(), 20)
    '0.93863626819885115533'
    """
    act = get_activation(activation)
    if isinstance(moments, bool) or not isinstance(moments, int) or moments < 0:
        raise InputError(f"moments={moments!r} is not a non-negative int")
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise InputError(f"digits={digits!r} must be an int >= 1")
    work = digits + 5
    if q is None:
        qb = certified_fixed_point(act, sigma_w2=sigma_w2, sigma_b2=sigma_b2, digits=work)
    elif isinstance(q, Ball):
        qb = q
    else:
        qb = to_ball(_nonneg(q, "q"), work)
    ks = list(range(1, max(moments, 1) + 1))
    mu_balls = _certified_expectations(act, "dphi", ks, qb, work)
    chi_b = to_ball(_nonneg(sigma_w2, "sigma_w2"), work) * mu_balls[0]
    return CertifiedMeanField(act, qb, chi_b, tuple(mu_balls[:moments]), digits)
