"""The mean-field functions that claims of proof files may call.

:func:`claim_functions` returns ``q_star``, ``chi`` and ``mu``;
:mod:`tpsym.proof.functions` adds them to its table, so a proof file can
state ``chi(relu, 2, 0) == 1`` or ``mu(hard_tanh, k, q) == erf(1/sqrt(2*q))``.
The activation is a bare name (``relu``, ``leaky_relu`` with ``slope=a``,
``hard_tanh``, ``erf``, ``tanh``, ``linear``).

Values are exact wherever a closed form exists (linear, ReLU, leaky ReLU,
hard tanh through erf, erf; symbolic in q, the σ's and the slope when those
are symbols). Otherwise they are sympy Floats with 30 significant digits
(:data:`CLAIM_PRECISION`), good to about 1e-25 relative: the verifier
compares exactly and refuses to decide on a Float, so numerical quantities
(tanh, a numerical q*) belong in numeric claims, not in identities.

>>> f = claim_functions()
>>> f["chi"]("relu", 2, 0), f["q_star"]("relu", sympy.Rational(3, 2), sympy.Rational(1, 20))
(1, 1/5)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy

from tpsym.errors import DomainError

from tpsym.nets.activations import get_activation
from tpsym.nets.meanfield import Quantity, fixed_point_condition
from tpsym.nets.meanfield import chi as _chi
from tpsym.nets.meanfield import fixed_point as _fixed_point
from tpsym.nets.meanfield import mu as _mu

__all__ = ["claim_functions", "CLAIM_PRECISION"]

#: Significant digits of numerical values returned to claims.
CLAIM_PRECISION = 30


def _value(qty: Quantity) -> sympy.Expr:
    if qty.exact:
        return sympy.S(qty.value)
    from tpsym.nets.jacobian import _float

    return _float(qty.value, CLAIM_PRECISION)


def q_star(activation: str, sigma_w2: Any = 1, sigma_b2: Any = 0, slope: Any = None) -> sympy.Expr:
    """The fixed point q* of the length map (exact where a closed form exists).

    Examples
    --------
    >>> q_star("linear", sympy.Rational(1, 2), 1)
    2
    >>> q_star("tanh", sympy.Rational(3, 2), sympy.Rational(1, 20))
    0.418037200533477853978712997182
    """
    act = get_activation(activation, slope=slope)
    _require_fixed_point(act, sigma_w2, sigma_b2)
    return _value(_fixed_point(act, sigma_w2=sigma_w2, sigma_b2=sigma_b2, precision=CLAIM_PRECISION))


def _require_fixed_point(act: Any, sigma_w2: Any, sigma_b2: Any) -> None:
    """A closed-form q* with symbolic parameters holds only where the fixed point exists: say so."""
    condition = fixed_point_condition(act, sigma_w2, sigma_b2)
    if condition is not sympy.true:
        raise DomainError(
            f"the fixed point q* of {act.spec} exists only where {sympy.sstr(condition)}, which the "
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
    _require_fixed_point(act, sigma_w2, sigma_b2)
    return _value(_chi(act, sigma_w2=sigma_w2, sigma_b2=sigma_b2, precision=CLAIM_PRECISION))


def mu(activation: str, k: Any, q: Any, slope: Any = None) -> sympy.Expr:
    """μ_k = E[φ'(h)^(2k)], h ~ N(0, q).

    Examples
    --------
    >>> q = sympy.Symbol("q", positive=True)
    >>> mu("hard_tanh", 3, q), mu("erf", 1, q)
    (erf(sqrt(2)/(2*sqrt(q))), 4/(pi*sqrt(4*q + 1)))
    """
    act = get_activation(activation, slope=slope)
    return _value(_mu(act, k, q, precision=CLAIM_PRECISION))


def claim_functions() -> dict[str, Callable[..., Any]]:
    """The mean-field claim functions: ``q_star``, ``chi`` and ``mu``.

    Examples
    --------
    >>> sorted(claim_functions())
    ['c_star', 'chi', 'chi_c', 'correlation_map', 'depth_scale', 'mu', 'nngp', 'ntk', 'q_star']
    """
    from tpsym.nets import kernels

    return {
        "q_star": q_star, "chi": chi, "mu": mu,
        "nngp": kernels.nngp, "ntk": kernels.ntk, "correlation_map": kernels.correlation_map,
        "c_star": kernels.c_star, "chi_c": kernels.chi_c, "depth_scale": kernels.depth_scale,
    }
