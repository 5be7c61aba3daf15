"""The mean-field functions that claims of proof files may call.

:func:`network_claim_functions` returns ``q_star``, ``chi`` and ``mu``;
:mod:`tpsym.proof.functions` adds them to its table, so a proof file can
state ``chi(relu, 2, 0) == 1`` or ``mu(hard_tanh, k, q) == erf(1/sqrt(2*q))``.
The activation is a bare name (``relu``, ``leaky_relu`` with ``slope=a``,
``hard_tanh``, ``erf``, ``tanh``, ``linear``).

Values are exact wherever a closed form exists (linear, ReLU, leaky ReLU,
hard tanh through erf, erf; symbolic in q, the σ's and the slope when those
are symbols). Otherwise they are certified constants
(:class:`tpsym.certified.CertifiedConstant`): balls computed at the precision
the verifier asks for, so a claim about tanh's q*, χ or μ_k is ``certified``
to D digits or ``refuted``.

>>> f = network_claim_functions()
>>> f["chi"]("relu", 2, 0), f["q_star"]("relu", sympy.Rational(3, 2), sympy.Rational(1, 20))
(1, 1/5)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import mpmath  # noqa: F401 (used by the doctests)
import sympy

from tpsym.certified import CertifiedConstant, certified_constant, has_certified, to_ball
from tpsym.errors import DomainError, InputError

from tpsym.nets.activations import Activation, get_activation
from tpsym.nets.meanfield import Quantity, certified_fixed_point, certified_mean_field, fixed_point_condition
from tpsym.nets.meanfield import chi as _chi
from tpsym.nets.meanfield import fixed_point as _fixed_point
from tpsym.nets.meanfield import mu as _mu
from tpsym.utils import expr_str

__all__ = ["network_claim_functions", "CLAIM_PRECISION"]

#: Significant digits of numerical values returned to claims.
CLAIM_PRECISION = 30


def _value(qty: Quantity) -> sympy.Expr:
    if qty.exact:
        return sympy.S(qty.value)
    from tpsym.nets.jacobian import _float

    return _float(qty.value, CLAIM_PRECISION)


def q_star(activation: str | Activation, sigma_w2: Any = 1, sigma_b2: Any = 0, slope: Any = None) -> sympy.Expr:
    """The fixed point q* of the length map (exact where a closed form exists).

    Examples
    --------
    >>> q_star("linear", sympy.Rational(1, 2), 1)
    2
    >>> c = q_star("tanh", sympy.Rational(3, 2), sympy.Rational(1, 20))
    >>> c, mpmath.nstr(c.ball(30).mid(), 20), c.ball(30).digits() >= 30
    (q_star(tanh, 3/2, 1/20), '0.41803720053347785398', True)
    """
    act = get_activation(activation, slope=slope)
    _exact_args(act, sigma_w2, sigma_b2)
    _require_fixed_point(act, sigma_w2, sigma_b2)
    rough = _fixed_point(act, sigma_w2=sigma_w2, sigma_b2=sigma_b2, precision=6)
    if rough.exact:
        return sympy.S(rough.value)
    return _q_star_constant(act, sympy.S(sigma_w2), sympy.S(sigma_b2))


@functools.lru_cache(maxsize=256)
def _q_star_constant(act: Any, sw: sympy.Expr, sb: sympy.Expr) -> CertifiedConstant:
    """One constant per (activation, σ_w², σ_b²): equal calls give the same object, so that
    q1 = q_star(...) and q2 = q_star(...) are the same length (and its balls are computed once)."""
    return certified_constant(
        f"q_star({act.spec}, {expr_str(sw)}, {expr_str(sb)})",
        lambda digits: certified_fixed_point(act, sigma_w2=sw, sigma_b2=sb, digits=digits),
    )


def _exact_args(act: Any, *values: Any) -> None:
    if any(has_certified(sympy.S(v)) for v in values):
        raise InputError(f"the variances of {act.spec} must be exact numbers or symbols, not certified constants")


def _require_fixed_point(act: Any, sigma_w2: Any, sigma_b2: Any) -> None:
    """A closed-form q* with symbolic parameters holds only where the fixed point exists: say so."""
    condition = fixed_point_condition(act, sigma_w2, sigma_b2)
    if condition is not sympy.true:
        raise DomainError(
            f"the fixed point q* of {act.spec} exists only where {expr_str(condition)}, which the "
            "parameters' assumptions do not settle: in a proof file, write sigma_w2 so that "
            "they do (for ReLU, sigma_w2 = 2 - e with assume = { e = [\"positive\"] })"
        )


def chi(activation: str, sigma_w2: Any = 1, sigma_b2: Any = 0, slope: Any = None) -> sympy.Expr:
    """χ = σ_w² μ_1 at the fixed point q* (χ = 1 is criticality).

    Examples
    --------
    >>> chi("linear", 1, 0), chi("relu", 2, 0)
    (1, 1)
    """
    act = get_activation(activation, slope=slope)
    _exact_args(act, sigma_w2, sigma_b2)
    _require_fixed_point(act, sigma_w2, sigma_b2)
    rough = _chi(act, sigma_w2=sigma_w2, sigma_b2=sigma_b2, precision=6)
    if rough.exact:
        return sympy.S(rough.value)
    sw, sb = sympy.S(sigma_w2), sympy.S(sigma_b2)
    return certified_constant(
        f"chi({act.spec}, {expr_str(sw)}, {expr_str(sb)})",
        lambda digits: certified_mean_field(act, sigma_w2=sw, sigma_b2=sb, moments=1, digits=digits).chi,
    )


def mu(activation: str, k: Any, q: Any, slope: Any = None) -> sympy.Expr:
    """μ_k = E[φ'(h)^(2k)], h ~ N(0, q).

    Examples
    --------
    >>> q = sympy.Symbol("q", positive=True)
    >>> mu("hard_tanh", 3, q), mu("erf", 1, q)
    (erf(sqrt(2)/(2*sqrt(q))), 4/(pi*sqrt(4*q + 1)))
    """
    act = get_activation(activation, slope=slope)
    q_expr = sympy.S(q)
    if not has_certified(q_expr):
        rough = _mu(act, k, q_expr, precision=6)
        if rough.exact:
            return sympy.S(rough.value)
    k_expr = sympy.S(k)
    if not k_expr.is_Integer or k_expr < 1:
        raise InputError(f"mu({act.spec}, k, q) with a number that is not exact needs an integer k >= 1, got {k_expr}")
    if q_expr.free_symbols - {s for s in q_expr.free_symbols if isinstance(s, CertifiedConstant)}:
        raise InputError(f"mu({act.spec}, {k_expr}, q) has no closed form: give q a value")

    def compute(digits: int) -> Any:
        q_ball = to_ball(q_expr, digits + 5)
        return certified_mean_field(act, q=q_ball, moments=int(k_expr), digits=digits).mu[-1]

    return certified_constant(f"mu({act.spec}, {k_expr}, {expr_str(q_expr)})", compute)


def network_claim_functions() -> dict[str, Callable[..., Any]]:
    """The mean-field claim functions: ``q_star``, ``chi`` and ``mu``.

    Examples
    --------
    >>> sorted(network_claim_functions())
    ['c_star', 'chi', 'chi_c', 'correlation_map', 'depth_scale', 'mu', 'nngp', 'ntk', 'q_star']
    """
    from tpsym.nets import kernels

    return {
        "q_star": q_star, "chi": chi, "mu": mu,
        "nngp": kernels.nngp, "ntk": kernels.ntk, "correlation_map": kernels.correlation_map,
        "c_star": kernels.c_star, "chi_c": kernels.chi_c, "depth_scale": kernels.depth_scale,
    }

