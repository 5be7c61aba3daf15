"""Private kernel: Gaussian expectations E[F(√q z)^p], z ~ N(0, 1), by mpmath quadrature.

The values F(√q z) and the Gaussian weight are cached at the quadrature nodes,
so that E[F^p] for several powers p (μ_1, ..., μ_K) costs one evaluation of
F per node: mpmath's tanh-sinh rule uses the same nodes for the same
intervals, degree and precision. The precision is that of the mpmath context
the caller passes (a private one: no global precision is read or changed).

>>> import mpmath
>>> ctx = mpmath.MPContext()
>>> ctx.dps = 30
>>> nodes = GaussNodes(lambda x: x * x, ctx.mpf(2), (), ctx=ctx)
>>> value, error = nodes.expect(1)
>>> mpmath.nstr(value, 20), error < mpmath.mpf(10) ** -25
('2.0', True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import mpmath

from tpsym.certified import Ball, ball_of, interval_context
from tpsym.errors import NumericError

__all__ = ["GaussNodes", "certified_expect", "double_expect"]


class GaussNodes:
    """E[F(h)^p] for h = √q·z, z ~ N(0, 1), in the mpmath context ``ctx`` (at its precision).

    F may return a tuple (several integrands sharing the nodes; pick one with
    ``component``). ``breakpoints`` are points in h where F is not smooth; the integral over z
    is split at 0 and at each breakpoint / √q. Each call of :meth:`expect`
    returns ``(value, error)`` where ``error`` is mpmath's error estimate plus
    a rounding allowance of a few units in the last place.
    """

    __slots__ = ("_f", "_sq", "_cache", "_intervals", "_norm", "_ctx")

    def __init__(
        self, f: Callable[[mpmath.mpf], mpmath.mpf], q: mpmath.mpf, breakpoints: Iterable[float], *, ctx: Any = mpmath.mp
    ) -> None:
        if q <= 0:
            raise ValueError(f"{q=} must be positive for quadrature")
        self._ctx = ctx
        self._f = f
        self._sq = ctx.sqrt(ctx.mpf(q))
        self._cache: dict[mpmath.mpf, tuple[mpmath.mpf, mpmath.mpf]] = {}
        cuts = {ctx.mpf(0)} | {ctx.mpf(b) / self._sq for b in breakpoints}
        self._intervals = [ctx.ninf, *sorted(cuts), ctx.inf]
        self._norm = 1 / ctx.sqrt(2 * ctx.pi)

    def _node(self, z: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        hit = self._cache.get(z)
        if hit is None:
            weight = self._norm * self._ctx.exp(-z * z / 2)
            value = self._f(self._sq * z) if weight else self._ctx.mpf(0)
            if isinstance(value, tuple):
                value = tuple(self._real(v, z) for v in value)
            else:
                value = self._real(value, z)
            hit = (value, weight)
            self._cache[z] = hit
        return hit

    def _real(self, value: object, z: mpmath.mpf) -> mpmath.mpf:
        value = self._ctx.convert(value)
        if isinstance(value, self._ctx.mpc):
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

        kwargs: dict[str, Any] = {"error": True}
        if maxdegree is not None:
            kwargs["maxdegree"] = maxdegree
        ctx = self._ctx
        value, error = ctx.quad(integrand, self._intervals, **kwargs)
        ulp = abs(value) * ctx.mpf(2) ** (-ctx.prec + 4)
        return ctx.mpf(value), ctx.mpf(error) + ulp


def double_expect(f: Callable[[float], float], q: float, breakpoints: Iterable[float]) -> tuple[float, float]:
    """(E[f(√q z)], error estimate) in double precision with scipy.integrate.quad.

    Used for cheap work only (bracketing a root, estimating a derivative for
    error propagation); certified values come from :class:`GaussNodes`.

    >>> value, error = double_expect(lambda x: x * x, 3.0, ())
    >>> abs(value - 3.0) < 1e-12, error < 1e-10
    (True, True)
    """
    import math

    from scipy import integrate

    sq = math.sqrt(q)
    norm = 1.0 / math.sqrt(2.0 * math.pi)

    def integrand(z: float) -> float:
        return f(sq * z) * math.exp(-0.5 * z * z) * norm

    cuts = sorted({0.0, *(float(b) / sq for b in breakpoints)})
    edges = [-math.inf, *cuts, math.inf]
    total = err = 0.0
    for a, b in zip(edges, edges[1:]):
        # full_output: quad reports a hard interval in its result instead of warning, so no
        # process-global warnings filter is touched (catch_warnings is not thread-safe);
        # the error estimate it returns is what the caller propagates either way
        value, error, *_ = integrate.quad(integrand, a, b, epsabs=1e-15, epsrel=1e-13, limit=200, full_output=1)
        total += value
        err += error
    if not (math.isfinite(total) and math.isfinite(err)):
        raise ArithmeticError(f"double-precision quadrature at {q=} is not finite")
    return total, err + 4e-16 * abs(total)


def certified_expect(act: Any, q: Ball, requests: Sequence[tuple[str, int]], digits: int) -> list[Ball]:
    """Balls enclosing E[g(√q z)], z ~ N(0, 1), for each (kind, power) in ``requests``.

    g is φ² (``"phi2"``) or (φ')^(2·power) (``"dphi"``) of ``act``, which
    must give a strip bound (:meth:`Activation.analytic_strip`): g analytic
    on |Im w| < s with |g| ≤ B there. Then f(z) = g(√q z)·e^(−z²/2)/√(2π) is
    analytic on |Im z| < a = s/√q_max with ∫|f(x + iy)| dx ≤ B·e^(a²/2) = M,
    and the trapezoidal rule of step h over ℤh is within 2M/(e^(2πa/h) − 1)
    of the integral (Trefethen & Weideman, SIAM Review 56 (2014) 385–458,
    Theorem 5.1). Dropping the nodes |z| > T = N·h costs at most
    2B·φ(T)/T (φ decreasing, Mills' ratio). Sum and bounds are evaluated in
    interval arithmetic (a private mpmath context), with q as an interval,
    so the balls enclose the expectation for every q in the ball ``q``. The
    result has radius below about 10^-(digits + 5) times B.

    >>> from tpsym.nets.activations import Tanh
    >>> mu1, = certified_expect(Tanh(), Ball.exact(1), [("dphi", 1)], 30)  # μ_1 of tanh at q = 1
    >>> mpmath.nstr(mu1.mid(), 20), mu1.digits() >= 30
    ('0.46440290244826824197', True)
    """
    if q.lower <= 0:
        raise ValueError(f"q must be positive for certified quadrature, got the ball {q}")
    strips = []
    for kind, power in requests:
        strip = act.analytic_strip(kind, power)
        if strip is None:
            raise NumericError(f"no certified quadrature for {act.spec}: it gives no analytic-strip bound")
        strips.append(strip)
    bound = max(b for _, b in strips)
    s = min(st for st, _ in strips)
    prec = max(q.prec, int((digits + 10) * 3.33) + 32)
    ctx = interval_context(prec)
    # parameters in floats (any choice is sound: the error bounds below are computed rigorously)
    target = (digits + 5) * math.log(10) + math.log(2 * float(bound))
    a = min(0.999 * float(s) / math.sqrt(float(q.upper)), math.sqrt(2 * target))  # margin for float rounding
    h_float = 2 * math.pi * a / (a * a / 2 + target + math.log(2))
    tail = math.sqrt(2 * target)
    while math.exp(-tail * tail / 2) / (tail * math.sqrt(2 * math.pi)) * 2 * float(bound) > 10.0 ** -(digits + 5):
        tail += 0.5
    n_nodes = math.ceil(tail / h_float)
    h = ctx.mpf(mpmath.mpf(h_float))  # an exact binary step
    sq = ctx.sqrt(q.interval(ctx))
    norm = 1 / ctx.sqrt(2 * ctx.pi)
    sums = [ctx.mpf(0)] * len(requests)
    for j in range(n_nodes, -1, -1):  # small terms first
        z = h * j
        weight = norm * ctx.exp(-z * z / 2)
        x = sq * z
        for i, (kind, power) in enumerate(requests):
            term = act.inner_interval(ctx, x, kind, power) * weight
            sums[i] = sums[i] + (term if j == 0 else 2 * term)
    out = []
    a_iv = ctx.mpf(mpmath.mpf(a))
    for _request, (_, b_k), total in zip(requests, strips, sums):
        b_iv = ctx.mpf(b_k.numerator) / b_k.denominator
        # a ≤ s/√q for every q in the ball: check with the interval √q
        if not (a_iv * sq).b <= ctx.mpf(s.numerator) / s.denominator:
            raise NumericError("internal: strip half-width exceeds the activation's bound")
        m = b_iv * ctx.exp(a_iv * a_iv / 2)
        discretisation = 2 * m / (ctx.exp(2 * ctx.pi * a_iv / h) - 1)
        t = h * n_nodes
        truncation = 2 * b_iv * norm * ctx.exp(-t * t / 2) / t
        err = (discretisation + truncation).b
        value = h * total + ctx.mpf([-err, err])
        out.append(ball_of(value, prec))
    return out
