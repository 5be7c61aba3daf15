"""Gaussian pair expectations E[F(u)G(v)] without closed forms: certified and fast.

The kernels of :mod:`tpsym.nets.kernels` need E[φ(u)φ(v)] and E[φ'(u)φ'(v)]
for (u, v) ~ N(0, Σ). Where no closed form exists (tanh), two routes:

* :func:`certified_pair` — a ball (:class:`tpsym.certified.Ball`) that
  encloses the expectation rigorously, for Σ itself given as balls.
* :func:`pair_matrix` — double precision, vectorised over a batch of
  covariances (kernel matrices).

Both write u = α x, v = β y with α = √Σ11, β = ±√Σ22 and (x, y) standard
normals of correlation ρ ≥ 0 (the sign of β absorbs a negative ρ), and use
the tensor trapezoidal rule of step h on the lattice (hℤ)². The bivariate
density factors as

    p(x, y) = exp(−(x² + y²)/(2(1 + ρ))) · exp(−ρ(x − y)²/(2(1 − ρ²))) / (2π√(1 − ρ²)),

so the lattice sum is Σ_j Σ_k A_j K_(j−k) B_k with A_j = F(α jh) e^(−(jh)²/(2(1+ρ))),
B_k likewise with G(β kh), K_d = e^(−ρ h² d²/(2(1 − ρ²))): F and G are
evaluated on one line each, never on the plane.

**Error bound** (certified route). Nested, with Theorem 5.1 of Trefethen &
Weideman (SIAM Review 56 (2014) 385–458) in each variable, as
:func:`tpsym.nets._gauss.certified_expect` does in one. F, G are analytic
on the strip |Im w| < s with |F|, |G| ≤ B there
(:meth:`Activation.analytic_strip`). For fixed real x the inner integrand
y ↦ G(βy) p(x, y) = G(βy) ϕ(x) N(y; ρx, 1 − ρ²) is analytic on
|Im y| < a_y = s/|β| with L¹ norm ≤ B ϕ(x) e^(a_y²/(2(1 − ρ²))) on the edge
lines, so its trapezoidal error is ≤ ϕ(x) E_y, E_y = 2B e^(a_y²/(2V))/(e^(2π a_y/h) − 1),
V = 1 − ρ²; summed over the outer nodes with the weights |F(αx_j)| h ≤ B h this is
≤ B P E_y, P = h Σ_j ϕ(jh) ≤ 1 + 2q/(1 − q), q = e^(−2π²/h²) (Poisson summation).
The outer integrand F(αx) ϕ(x) E[G(β(ρx + √V Y))] is analytic on
|Im x| < a_x = min(s/α, s/(|β|ρ)) and bounded there by B² ϕ(Re x) e^(a_x²/2)... in L¹,
giving 2B² e^(a_x²/2)/(e^(2π a_x/h) − 1). Dropping the nodes outside
[−T, T]² costs at most 4B² Φ̄(T) P_V, Φ̄(T) ≤ ϕ(T)/T and
P_V = 1 + 2q_V/(1 − q_V), q_V = e^(−2π² V/h²) (the lattice sum of a Gaussian of
variance V). Every bound is evaluated in interval arithmetic with Σ as
intervals.

**Exact lattice sum.** The N² products are summed exactly in integers: each
A_j, B_k, K_d is enclosed in an interval, written as a midpoint m/2^p with an
integer radius r/2^p, the sum of the midpoint products is an exact integer,
and the radii add a bound (Σ r_A)(Σ |B| + r_B)K̄ + (Σ |A|)(Σ r_B)K̄ + (Σ |A|)(Σ |B|) r_K.
This is exact arithmetic with a rigorous remainder, about 100 times faster
than the same sum in interval arithmetic.

When ρ = ±1 exactly (one input a multiple of the other) or a variance is 0,
the expectation is one-dimensional, ∫ F(αz) G(βz) ϕ(z) dz, and the 1-D
trapezoidal bound applies.

>>> from tpsym.certified import Ball
>>> from tpsym.nets.activations import Tanh
>>> b = certified_pair(Tanh(), Ball.exact(1), Ball.exact(1), Ball.exact(Fraction(1, 2)), False, 30)
>>> mpmath.nstr(b.mid(), 20), b.digits() >= 30
('0.18632441320344808611', True)
"""

from __future__ import annotations

import math
import operator
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
from mpmath.libmp import from_int, from_man_exp

from tpsym.certified import Ball, ball_of, interval_context
from tpsym.errors import DomainError, NumericError

__all__ = ["certified_pair", "pair_matrix", "MAX_NODES"]

#: The largest lattice half-width N of a certified 2-D rule (cost grows like N²).
MAX_NODES = 6000


def _strip(act: Any, derivative: bool) -> tuple[Fraction, Fraction]:
    strip = act.analytic_strip("dphi" if derivative else "phi2", 1)
    if strip is None:
        raise NumericError(
            f"no certified kernel for {act.spec}: it gives no analytic-strip bound "
            "(certified kernels exist for tanh; hard_tanh and formulas are numerical only)"
        )
    return strip  # (s, bound of F²)


def _exact(x: Any) -> mpmath.mpf:
    return mpmath.mp.make_mpf(x)


def _iv_int(ctx: Any, n: int) -> Any:
    return ctx.mpf(_exact(from_int(n)))


def _pow2(ctx: Any, e: int) -> Any:
    return ctx.mpf(_exact(from_man_exp(1, e)))


def _floor_scaled(t: tuple, p: int, up: bool) -> int:
    """floor (or ceil, ``up``) of the mpf tuple ``t`` times 2^p, exactly."""
    sign, man, exp, _ = t
    e = exp + p
    if e >= 0:
        n = man << e
        return -n if sign else n
    q = man >> -e
    inexact = (q << -e) != man
    if sign:
        return -(q + (inexact and not up))  # floor(−x) = −ceil(x); ceil(−x) = −floor(x)
    return q + (inexact and up)


def _fixed(iv: Any, p: int) -> tuple[int, int]:
    """(m, r): every point of the interval iv lies in [(m − r)/2^p, (m + r)/2^p]."""
    lo, hi = iv._mpi_
    a, b = _floor_scaled(lo, p, False), _floor_scaled(hi, p, True)
    m = (a + b) // 2
    return m, b - m


def _upper(iv: Any) -> float:
    return float(_exact(iv._mpi_[1]))


def _lower(iv: Any) -> float:
    return float(_exact(iv._mpi_[0]))


def _rule(target: float, a: float, variance: float) -> float:
    """A step h with 2 e^(a²/(2V)) / (e^(2πa/h) − 1) ≈ e^(−target)."""
    return 2 * math.pi * a / (a * a / (2 * variance) + target + math.log(2))


def _tail(target: float) -> float:
    t = math.sqrt(2 * target)
    while math.exp(-t * t / 2) / (t * math.sqrt(2 * math.pi)) > math.exp(-target):
        t += 0.25
    return t


def _line(act: Any, ctx: Any, alpha: Any, beta: Any, derivative: bool, s: Any, bound: Any, target: float) -> Any:
    """∫ F(αz) F(βz) ϕ(z) dz as an interval (α, β intervals of one sign each; F = φ or φ')."""
    mags = [max(abs(_lower(x)), abs(_upper(x))) for x in (alpha, beta)]
    reach = max(mags)
    sf = float(s)
    a = math.sqrt(2 * target) if reach == 0 else min(0.999 * sf / reach, math.sqrt(2 * target))
    h_float = _rule(target + math.log(float(_upper(bound)) ** 2 + 1), a, 1.0)
    t = _tail(target + math.log(float(_upper(bound)) ** 2 + 1))
    n = math.ceil(t / h_float)
    h = ctx.mpf(mpmath.mpf(h_float))
    norm = 1 / ctx.sqrt(2 * ctx.pi)
    total = ctx.mpf(0)
    for j in range(n, -n - 1, -1):
        z = h * j
        total = total + act.interval_value(ctx, alpha * z, derivative) * act.interval_value(ctx, beta * z, derivative) * ctx.exp(-z * z / 2)
    a_iv = ctx.mpf(mpmath.mpf(a))
    s_iv = ctx.mpf(s.numerator) / s.denominator
    for x in (alpha, beta):
        if reach and not (a_iv * abs(x)).b <= s_iv:
            raise NumericError("internal: strip half-width exceeds the activation's bound")
    b2 = bound * bound
    disc = 2 * b2 * ctx.exp(a_iv * a_iv / 2) / (ctx.exp(2 * ctx.pi * a_iv / h) - 1)
    tt = h * n
    trunc = 2 * b2 * norm * ctx.exp(-tt * tt / 2) / tt
    err = (disc + trunc).b
    return h * norm * total + ctx.mpf([-err, err])


def certified_pair(act: Any, s11: Ball, s22: Ball, s12: Ball, derivative: bool, digits: int, correlation: int = 0) -> Ball:
    """A ball enclosing E[F(u)F(v)], (u, v) ~ N(0, [[s11, s12], [s12, s22]]), F = φ or φ' (``derivative``).

    The ball holds the expectation for every covariance in the balls; its
    radius is about 10^-digits (relative to the bound of |F|²) plus the
    spread the balls s11, s22, s12 cause. ``correlation=±1`` states that
    u and v are exactly (anti-)proportional (then s12 is not read): the
    expectation is one-dimensional. Raises ``NumericError`` when the
    activation has no analytic-strip bound, and when ρ is so close to ±1
    (but not exactly ±1) that the rule would need more than
    :data:`MAX_NODES` nodes a side.

    >>> from tpsym.nets.activations import Tanh
    >>> one = Ball.exact(1)
    >>> d = certified_pair(Tanh(), one, one, one, True, 30, correlation=1)  # μ_1 of tanh at q = 1
    >>> mpmath.nstr(d.mid(), 20)
    '0.46440290244826824197'
    """
    s, b2 = _strip(act, derivative)
    prec = int((digits + 12) * 3.33) + 64
    ctx = interval_context(prec)
    target = (digits + 6) * math.log(10)
    S11, S22 = s11.interval(ctx), s22.interval(ctx)
    if S11.a < 0 or S22.a < 0:
        raise DomainError(f"a variance ball reaches below 0: {s11}, {s22}")
    bound = ctx.sqrt(ctx.mpf(b2.numerator) / b2.denominator)
    bound = ctx.mpf([bound.b, bound.b])
    alpha, beta = ctx.sqrt(S11), ctx.sqrt(S22)
    if correlation in (1, -1) or S11.b == 0 or S22.b == 0:
        if correlation == -1:
            beta = -beta
        return ball_of(_line(act, ctx, alpha, beta, derivative, s, bound, target), prec)
    if correlation != 0:
        raise DomainError(f"correlation={correlation!r} must be -1, 0 (not known) or 1")
    S12 = s12.interval(ctx)
    rho = S12 / ctx.sqrt(S11 * S22)
    flipped = rho.a + rho.b < 0
    if flipped:
        rho, beta = -rho, -beta
    same_length = S11.a == S22.a and S11.b == S22.b  # then B is A (or A mirrored, when β was negated)
    if rho.b >= 1:
        raise NumericError(
            f"the correlation {mpmath.nstr(_exact(rho._mpi_[0]), 8)} is too close to ±1 for the certified 2-D rule "
            "(or its ball reaches ±1); state exact correlation ±1 where the inputs are proportional"
        )
    V = 1 - rho * rho
    v_lo = _lower(V)
    sf = float(s)
    bnd = _upper(bound)
    target2 = target + 2 * math.log(bnd + 1) + math.log(4)
    # outer strip: F(αx) needs |Im αx| < s, the inner expectation |Im βρx| < s
    a_x = min(0.999 * sf / math.sqrt(_upper(S11)), math.sqrt(2 * target2))
    if _upper(rho) > 0:
        a_x = min(a_x, 0.999 * sf / (math.sqrt(_upper(S22)) * _upper(rho)))
    a_y = min(0.999 * sf / math.sqrt(_upper(S22)), math.sqrt(2 * v_lo * target2))
    h_float = min(_rule(target2, a_x, 1.0), _rule(target2 + math.log(2 * bnd + 2), a_y, v_lo))
    q_v = math.exp(-2 * math.pi**2 * v_lo / h_float**2)
    t = _tail(target2 + math.log(1 + 2 / (1 - q_v)))
    n = math.ceil(t / h_float)
    if n > MAX_NODES:
        raise NumericError(
            f"the correlation {mpmath.nstr(_exact(rho._mpi_[1]), 8)} is too close to 1: the certified 2-D rule "
            f"would need {2 * n + 1} nodes a side (at most {2 * MAX_NODES + 1})"
        )
    h = ctx.mpf(mpmath.mpf(h_float))
    damp = 1 / (2 * (1 + rho))
    A: list[int] = []
    B: list[int] = []
    rA = rB = 0
    p = prec
    for j in range(-n, n + 1):
        x = h * j
        w = ctx.exp(-x * x * damp)
        ma, ra = _fixed(act.interval_value(ctx, alpha * x, derivative) * w, p)
        A.append(ma)
        rA += ra
        if not same_length:
            mb, rb = _fixed(act.interval_value(ctx, beta * x, derivative) * w, p)
            B.append(mb)
            rB += rb
    if same_length:  # F(βx) = F(±αx) on the symmetric lattice: the same numbers, in mirrored order if β = −α
        B, rB = (A[::-1] if flipped else list(A)), rA
    gain = rho * h * h / (2 * V)
    K: list[int] = []
    rK = 0
    kbar = 0
    for d in range(0, 2 * n + 1):
        mk, rk = _fixed(ctx.exp(-gain * (d * d)), p)
        K.append(mk)
        rK = max(rK, rk)
        kbar = max(kbar, abs(mk) + rk)
    m = 2 * n + 1
    full = K[:0:-1] + K  # full[m - 1 + e] = K_|e|, e = −(m − 1) … m − 1
    total = 0
    mul = operator.mul
    for j in range(m):
        total += A[j] * sum(map(mul, B, full[m - 1 + j : j - 1 if j else None : -1]))
    sum_a = sum(map(abs, A))
    sum_b = sum(map(abs, B))
    slack = rA * (sum_b + rB) * kbar + sum_a * rB * kbar + sum_a * sum_b * rK
    scale = _pow2(ctx, -3 * p)
    lattice = ctx.mpf([_exact(from_int(total - slack)), _exact(from_int(total + slack))]) * scale
    value = h * h / (2 * ctx.pi * ctx.sqrt(V)) * lattice
    # -- the error of the rule (see the module docstring) -------------------------------------
    s_iv = ctx.mpf(s.numerator) / s.denominator
    ax, ay = ctx.mpf(mpmath.mpf(a_x)), ctx.mpf(mpmath.mpf(a_y))
    if not ((ax * alpha).b <= s_iv and (ax * beta * rho).b <= s_iv and (ay * beta).b <= s_iv):
        raise NumericError("internal: strip half-width exceeds the activation's bound")
    two_pi = 2 * ctx.pi

    def poisson(var: Any) -> Any:
        qq = ctx.exp(-two_pi * ctx.pi * var / (h * h))
        return 1 + 2 * qq / (1 - qq)

    e_y = 2 * bound * ctx.exp(ay * ay / (2 * V)) / (ctx.exp(two_pi * ay / h) - 1)
    inner = bound * poisson(ctx.mpf(1)) * e_y
    outer = 2 * bound * bound * ctx.exp(ax * ax / 2) / (ctx.exp(two_pi * ax / h) - 1)
    tt = h * n
    trunc = 4 * bound * bound * poisson(V) * ctx.exp(-tt * tt / 2) / (tt * ctx.sqrt(two_pi))
    err = (inner + outer + trunc).b
    return ball_of(value + ctx.mpf([-err, err]), prec)


# --------------------------------------------------------------------------- double precision, vectorised
_DOUBLE_TARGET = 30.0  # e^-30 ≈ 1e-13: each rule error below about 1e-13 (times the bound)


def pair_matrix(act: Any, s11: np.ndarray, s22: np.ndarray, s12: np.ndarray, derivative: bool) -> np.ndarray:
    """E[F(u)F(v)] for arrays of covariances at once (double precision, F = φ or φ').

    The same trapezoidal lattice as :func:`certified_pair`, with the lattice
    sum Σ_j Σ_k A_j K_(j−k) B_k = Σ_d K_d C_d, C the cross-correlation of A
    and B computed by FFT for all pairs at once. Pairs with ρ within 10⁻¹² of
    1, or a zero variance, take the one-dimensional rule. Activations without
    an analytic-strip bound use the strip of tanh's width for the step (a
    heuristic for them; their values are estimates, as the docs say).
    Accuracy about 1e-12 absolute for |F| ≤ 1.

    >>> from tpsym.nets.activations import Tanh
    >>> v = pair_matrix(Tanh(), np.array([1.0, 1.0]), np.array([1.0, 1.0]), np.array([0.5, 1.0]), False)
    >>> np.round(v, 12).tolist()
    [0.186324413203, 0.394294490398]
    """
    f = act.dphi_numpy if derivative else act.phi_numpy
    s11, s22, s12 = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (s11, s22, s12)))
    shape = s11.shape
    s11, s22, s12 = s11.ravel(), s22.ravel(), s12.ravel()
    out = np.empty(s11.shape)
    strip = act.analytic_strip("dphi" if derivative else "phi2", 1)
    sw = float(strip[0]) if strip is not None else 0.75
    alpha, beta = np.sqrt(np.maximum(s11, 0)), np.sqrt(np.maximum(s22, 0))
    denom = alpha * beta
    rho = np.where(denom > 0, s12 / np.where(denom > 0, denom, 1.0), 1.0)
    rho = np.clip(rho, -1.0, 1.0)
    beta = np.where(rho < 0, -beta, beta)
    rho = np.abs(rho)
    line = (rho > 1 - 1e-12) | (denom == 0)
    target = _DOUBLE_TARGET
    if line.any():
        idx = np.flatnonzero(line)
        reach = np.maximum(alpha[idx], np.abs(beta[idx])).max()
        a = min(0.999 * sw / reach, math.sqrt(2 * target)) if reach > 0 else math.sqrt(2 * target)
        h = _rule(target, a, 1.0)
        z = np.arange(-math.ceil(_tail(target) / h), math.ceil(_tail(target) / h) + 1) * h
        w = np.exp(-z * z / 2) * h / math.sqrt(2 * math.pi)
        out[idx] = (f(alpha[idx, None] * z) * f(beta[idx, None] * z)) @ w
    rest = np.flatnonzero(~line)
    if rest.size:
        r = rho[rest]
        V = 1 - r * r
        reach_x = np.maximum(alpha[rest], np.abs(beta[rest]) * r).max()
        a_x = min(0.999 * sw / reach_x, math.sqrt(2 * target))
        h = _rule(target, a_x, 1.0)
        # the inner rule needs h ≤ _rule(target, a_y, V): pairs whose V asks for a finer step are grouped
        a_y = np.minimum(0.999 * sw / np.maximum(np.abs(beta[rest]), 1e-300), np.sqrt(2 * V * target))
        need = 2 * math.pi * a_y / (a_y * a_y / (2 * V) + target + math.log(2))
        levels = np.maximum(0, np.ceil(np.log2(h / need))).astype(int)
        for level in np.unique(levels):
            sel = rest[levels == level]
            out[sel] = _lattice_fft(f, alpha[sel], beta[sel], rho[sel], h / 2.0**level, _tail(target))
    return out.reshape(shape)


def _lattice_fft(f: Any, alpha: np.ndarray, beta: np.ndarray, rho: np.ndarray, h: float, tail: float) -> np.ndarray:
    n = math.ceil(tail / h)
    x = np.arange(-n, n + 1) * h
    m = x.size
    damp = np.exp(-x[None, :] ** 2 / (2 * (1 + rho[:, None])))
    out = np.empty(rho.size)
    size = 1 << (2 * m - 1).bit_length()
    chunk = max(1, int(4e6 // size))
    d = np.arange(-(m - 1), m)
    for lo in range(0, rho.size, chunk):
        sl = slice(lo, lo + chunk)
        A = f(alpha[sl, None] * x) * damp[sl]
        B = f(beta[sl, None] * x) * damp[sl]
        # C_e = Σ_j A_j B_(j−e) for e = −(m−1) … m−1 (cross-correlation by FFT)
        C = np.fft.irfft(np.fft.rfft(A, size) * np.conj(np.fft.rfft(B, size)), size)
        C = np.concatenate([C[:, size - (m - 1):], C[:, :m]], axis=1)
        r = rho[sl, None]
        V = 1 - r * r
        K = np.exp(-r * h * h * d[None, :] ** 2 / (2 * V))
        out[sl] = np.einsum("pd,pd->p", K, C) * h * h / (2 * math.pi * np.sqrt(V[:, 0]))
    return out
