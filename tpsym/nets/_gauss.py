"""Private kernel: Gaussian expectations E[F(√q z)^p], z ~ N(0, 1), by mpmath quadrature.

The values F(√q z) and the Gaussian weight are cached at the quadrature nodes,
so that E[F^p] for several powers p (μ_1, ..., μ_K) costs one evaluation of
F per node: mpmath's tanh-sinh rule uses the same nodes for the same
intervals, degree and precision. The caller sets mpmath's working precision.

>>> import mpmath
>>> with mpmath.workdps(30):
...     nodes = GaussNodes(lambda x: x * x, mpmath.mpf(2), ())
...     value, error = nodes.expect(1)
>>> mpmath.nstr(value, 20), error < mpmath.mpf(10) ** -25
('2.0', True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import mpmath

__all__ = ["GaussNodes", "double_expect"]


class GaussNodes:
    """E[F(h)^p] for h = √q·z, z ~ N(0, 1), at mpmath's working precision.

    F may return a tuple (several integrands sharing the nodes; pick one with
    ``component``). ``breakpoints`` are points in h where F is not smooth; the integral over z
    is split at 0 and at each breakpoint / √q. Each call of :meth:`expect`
    returns ``(value, error)`` where ``error`` is mpmath's error estimate plus
    a rounding allowance of a few units in the last place.
    """

    __slots__ = ("_f", "_sq", "_cache", "_intervals", "_norm")

    def __init__(self, f: Callable[[mpmath.mpf], mpmath.mpf], q: mpmath.mpf, breakpoints: Iterable[float]) -> None:
        if q <= 0:
            raise ValueError(f"{q=} must be positive for quadrature")
        self._f = f
        self._sq = mpmath.sqrt(q)
        self._cache: dict[mpmath.mpf, tuple[mpmath.mpf, mpmath.mpf]] = {}
        cuts = {mpmath.mpf(0)} | {mpmath.mpf(b) / self._sq for b in breakpoints}
        self._intervals = [mpmath.ninf, *sorted(cuts), mpmath.inf]
        self._norm = 1 / mpmath.sqrt(2 * mpmath.pi)

    def _node(self, z: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        hit = self._cache.get(z)
        if hit is None:
            weight = self._norm * mpmath.exp(-z * z / 2)
            value = self._f(self._sq * z) if weight else mpmath.mpf(0)
            if isinstance(value, tuple):
                value = tuple(self._real(v, z) for v in value)
            else:
                value = self._real(value, z)
            hit = (value, weight)
            self._cache[z] = hit
        return hit

    def _real(self, value: object, z: mpmath.mpf) -> mpmath.mpf:
        value = mpmath.mpmathify(value)
        if isinstance(value, mpmath.mpc):
            if value.imag:
                raise ArithmeticError(f"the integrand is complex at h={self._sq * z}")
            value = value.real
        return value

    def expect(
        self, power: int, maxdegree: int | None = None, component: int | None = None
    ) -> tuple[mpmath.mpf, mpmath.mpf]:
        """(E[F(h)^power], error estimate); ``component`` picks one entry of a tuple-valued F."""

        def integrand(z: mpmath.mpf) -> mpmath.mpf:
            value, weight = self._node(z)
            if component is not None:
                value = value[component]
            return value**power * weight

        kwargs = {"error": True}
        if maxdegree is not None:
            kwargs["maxdegree"] = maxdegree
        value, error = mpmath.quad(integrand, self._intervals, **kwargs)
        ulp = abs(value) * mpmath.mpf(2) ** (-mpmath.mp.prec + 4)
        return mpmath.mpf(value), mpmath.mpf(error) + ulp


def double_expect(f: Callable[[float], float], q: float, breakpoints: Iterable[float]) -> tuple[float, float]:
    """(E[f(√q z)], error estimate) in double precision with scipy.integrate.quad.

    Used for cheap work only (bracketing a root, estimating a derivative for
    error propagation); certified values come from :class:`GaussNodes`.

    >>> value, error = double_expect(lambda x: x * x, 3.0, ())
    >>> abs(value - 3.0) < 1e-12, error < 1e-10
    (True, True)
    """
    import math
    import warnings

    from scipy import integrate

    sq = math.sqrt(q)
    norm = 1.0 / math.sqrt(2.0 * math.pi)

    def integrand(z: float) -> float:
        return f(sq * z) * math.exp(-0.5 * z * z) * norm

    cuts = sorted({0.0, *(float(b) / sq for b in breakpoints)})
    edges = [-math.inf, *cuts, math.inf]
    total = err = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for a, b in zip(edges, edges[1:]):
            value, error = integrate.quad(integrand, a, b, epsabs=1e-15, epsrel=1e-13, limit=200)
            total += value
            err += error
    if not (math.isfinite(total) and math.isfinite(err)):
        raise ArithmeticError(f"double-precision quadrature at {q=} is not finite")
    return total, err + 4e-16 * abs(total)
