"""Laws known only numerically: the Gauss quadrature rule of a law's moments."""


from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import sympy

from tpsym.errors import NumericError, TpsymError
from tpsym.laws.base import Law

from tpsym.laws._density.values import _Unsupported, _Values

#: Most Gauss nodes used to stand for a law known by its moments.
MAX_GAUSS_NODES = 16


# =============================================================================
# Laws known only numerically: Gauss rules from moments
# =============================================================================
@dataclass(frozen=True)
class _Discrete:
    """A finite law: nodes and weights (the Gauss rule of a law's moments)."""

    nodes: np.ndarray
    weights: np.ndarray
    exact: bool  # True when the law *is* this discrete law


@lru_cache(maxsize=None)
def _mp40() -> Any:
    """A private mpmath context at 40 digits (mpmath.mp's precision is process-global)."""
    import mpmath

    ctx = mpmath.MPContext()
    ctx.dps = 40
    return ctx


def _gauss_rule(moments: Sequence[Any], kmax: int = MAX_GAUSS_NODES) -> _Discrete:
    """The Gauss quadrature rule of a law from its moments ``m_1..m_{2K}`` (Golub–Welsch).

    The Hankel matrix of the moments is factored by Cholesky in 40-digit
    arithmetic; the number of nodes is the largest ``K`` for which the
    factorisation stays positive (limited by the accuracy of the moments).
    """
    mp = _mp40()
    m = [mp.mpf(1)] + [mp.mpf(v) for v in moments]
    K = min(kmax, (len(m) - 1) // 2)
    while K >= 1:
        # Hankel matrix H_ij = m_{i+j}, 0 <= i, j <= K, and its Cholesky factor H = R^T R
        H = mp.matrix([[m[i + j] for j in range(K + 1)] for i in range(K + 1)])
        try:
            R = mp.cholesky(H).T
        except (ZeroDivisionError, ValueError):
            K -= 1
            continue
        if not all(R[j, j] ** 2 > mp.mpf(10) ** -24 * H[j, j] for j in range(K + 1)):
            K -= 1
            continue
        # Golub & Welsch (1969): the Jacobi matrix from the Cholesky factor
        alpha = [R[j, j + 1] / R[j, j] - (R[j - 1, j] / R[j - 1, j - 1] if j else 0) for j in range(K)]
        beta = [R[j + 1, j + 1] / R[j, j] for j in range(K - 1)]
        J = mp.matrix(K, K)
        for j in range(K):
            J[j, j] = alpha[j]
            if j < K - 1:
                J[j, j + 1] = J[j + 1, j] = beta[j]
        E, Q = mp.eigsy(J)
        nodes = np.array([float(E[i]) for i in range(K)])
        weights = np.array([float(Q[0, i] ** 2) for i in range(K)])
        order = np.argsort(nodes)
        return _Discrete(nodes[order], weights[order] / weights.sum(), exact=False)
    raise NumericError("the moments do not define a law (their Hankel matrix is not positive definite)")


def _numeric_leaf(law: Law, vals: _Values, *, need: bool = True) -> _Discrete | None:
    """A law known by numbers only (not an exact catalogue node): its Gauss rule, or None."""
    if not law._density_by_moments:  # an exact node of the catalogue or an operation
        return None
    return _numeric_leaf_cached(law, tuple(sorted((k, tuple(v)) for k, v in vals.sequences.items())), tuple(sorted(vals.numeric.items())), need)


@lru_cache(maxsize=64)
def _numeric_leaf_cached(law: Law, seqs: tuple[Any, ...], nums: tuple[Any, ...], need: bool) -> _Discrete | None:
    moments = law._moments_in_values(dict(seqs))
    if moments is None:
        fn = getattr(law, "numeric_moments", None)
        if callable(fn):
            moments = list(fn(2 * MAX_GAUSS_NODES))
        else:
            try:
                exact = law.moments(2 * MAX_GAUSS_NODES)
                if all(sympy.S(e).is_number for e in exact):
                    moments = [sympy.N(e, 40) for e in exact]
            except (TpsymError, NotImplementedError):  # no exact moments: "not numeric"
                moments = None
    if moments is None:
        if need:
            raise _Unsupported(
                f"{law} has no numeric moments: a generic law needs its moments in values= "
                f"(values={{'{getattr(law, 'name', 'mu')}': [m1, m2, ...]}})"
            )
        return None
    import mpmath

    return _gauss_rule([mpmath.mpf(str(v)) if isinstance(v, sympy.Basic) else v for v in moments])


def _exact_moments(law: Law, order: int, vals: _Values) -> list[float]:
    """m_1..m_order as floats (nan when not available in numbers)."""
    try:
        ms = law.moments(order)
    except (TpsymError, NotImplementedError):  # no exact moments to compare with
        return [math.nan] * order
    subs = vals.all_numbers()
    exprs = [sympy.S(e).xreplace(subs) if subs else sympy.S(e) for e in ms]
    # numbers that stand in the moments as symbols and evaluate themselves (certified or computed
    # constants, tpsym.certified): each once at one precision, instead of once per moment at the
    # precisions sympy's N tries; the highest-numbered first (a table of mu_k fills the lower ones)
    consts = {a for e in exprs for a in e.free_symbols if type(a)._eval_evalf is not sympy.Symbol._eval_evalf}
    if consts:
        values = {c: c.evalf(30) for c in sorted(consts, key=_label_key, reverse=True)}
        exprs = [e.xreplace(values) for e in exprs]
    out = []
    for e in exprs:
        try:
            out.append(float(sympy.N(e, 20)))
        except TypeError:
            out.append(math.nan)
    return out


def _label_key(c: sympy.Symbol) -> tuple[Any, ...]:
    """Sort key of a name with its numbers compared as numbers (``mu_10`` after ``mu_9``)."""
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", c.name))
