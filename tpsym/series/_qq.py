"""Truncated power-series algorithms over QQ on ``flint.fmpq_poly`` with explicit lengths.

python-flint 0.9's ``fmpq_series`` truncates every result to the process-wide
``flint.ctx.cap`` (``prec=`` above it is ignored), so raising the cap for one
computation changes it for every thread. These routines never touch it: each
product is ``fmpq_poly.mul_low(other, n)`` (the first ``n`` coefficients), and
the series operations are Newton iterations that double the working length
(inverse, exp, reversion) or reduce to them (log), with composition by Horner's
scheme. Every function returns an ``fmpq_poly`` of length at most ``n``.

References
----------
R. P. Brent and H. T. Kung, *Fast algorithms for manipulating formal power
series*, J. ACM 25 (1978) 581-595 (Newton iteration for 1/f, exp, reversion).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import flint

__all__ = ["poly", "mul", "inverse", "log", "exp", "compose", "reversion"]


def poly(c: Sequence[Any], n: int) -> flint.fmpq_poly:
    """The polynomial of the first ``n`` coefficients of ``c``."""
    return flint.fmpq_poly(list(c)[:n])


def mul(a: flint.fmpq_poly, b: flint.fmpq_poly, n: int) -> flint.fmpq_poly:
    """``a b mod x^n``."""
    return a.mul_low(b, n)


def inverse(f: flint.fmpq_poly, n: int) -> flint.fmpq_poly:
    """``1/f mod x^n`` (``f(0) != 0``) by Newton's ``g <- g + g (1 - f g)``."""
    g = flint.fmpq_poly([1 / flint.fmpq(f[0])])
    k = 1
    while k < n:
        k = min(2 * k, n)
        fk = f.truncate(k)
        e = 1 - fk.mul_low(g, k)
        g = g + g.mul_low(e, k)
    return g.truncate(n)


def log(f: flint.fmpq_poly, n: int) -> flint.fmpq_poly:
    """``log f mod x^n`` (``f(0) = 1``): the integral of ``f'/f``."""
    if n <= 1:
        return flint.fmpq_poly()
    d = f.truncate(n).derivative().mul_low(inverse(f, n - 1), n - 1)
    return d.integral().truncate(n)


def exp(f: flint.fmpq_poly, n: int) -> flint.fmpq_poly:
    """``exp f mod x^n`` (``f(0) = 0``) by Newton's ``g <- g (1 + f - log g)``.

    With ``g`` right mod ``x^k``, ``(f - log g)' = (g f' - g') / g`` and
    ``g f' - g'`` vanishes mod ``x^(k-1)``, so ``1/g`` is needed only mod
    ``x^k``: it is carried along and refined by one Newton step per doubling
    instead of recomputed (Hanrot and Zimmermann's simultaneous iteration).
    """
    df = f.truncate(n).derivative()
    g = flint.fmpq_poly([1])
    ginv = flint.fmpq_poly([1])  # 1/g mod x^k
    k = 1
    while k < n:
        k2 = min(2 * k, n)
        w = g.mul_low(df, k2 - 1) - g.derivative()
        g = g + g.mul_low(ginv.mul_low(w, k2 - 1).integral(), k2)
        if k2 < n:
            ginv = ginv + ginv.mul_low(1 - g.mul_low(ginv, k2), k2)
        k = k2
    return g.truncate(n)


def compose(f: flint.fmpq_poly, g: flint.fmpq_poly, n: int) -> flint.fmpq_poly:
    """``f(g) mod x^n`` (``g(0) = 0``) by baby steps / giant steps.

    With ``m ~ sqrt(len f)`` the powers ``g^0..g^m`` are formed once, each block
    of ``m`` coefficients of ``f`` becomes a linear combination of them (scalar
    products only), and the blocks are joined by Horner's scheme in ``g^m``:
    about ``2 sqrt(len f)`` truncated products instead of ``len f``
    (Brent and Kung 1978, section 2).
    """
    c = f.truncate(n).coeffs()
    g = g.truncate(n)
    if len(c) <= 16:  # below this Horner is as fast
        out = flint.fmpq_poly()
        for a in reversed(c):
            out = out.mul_low(g, n) + a
        return out.truncate(n)
    m = max(1, math.isqrt(len(c)))
    pw = [flint.fmpq_poly([1]), g]
    while len(pw) <= m:
        pw.append(pw[-1].mul_low(g, n))
    gm = pw[m]
    out = flint.fmpq_poly()
    for start in range(((len(c) - 1) // m) * m, -1, -m):
        block = flint.fmpq_poly()
        for i, a in enumerate(c[start:start + m]):
            if a:
                block += pw[i] * a
        out = out.mul_low(gm, n) + block
    return out.truncate(n)


def reversion(f: flint.fmpq_poly, n: int) -> flint.fmpq_poly:
    """The compositional inverse ``h`` of ``f`` mod ``x^n`` (``f(0) = 0``, ``f'(0) != 0``).

    Newton on ``f(h) = x``: ``h <- h - (f(h) - x) / f'(h)``, the length doubling.
    One composition per step: ``f'(h) = (f(h))' / h'`` (chain rule), so
    ``1/f'(h) = h' / (f(h))'`` with ``f(h)`` taken to one more coefficient.
    """
    if n <= 1:
        return flint.fmpq_poly()
    h = flint.fmpq_poly([0, 1 / flint.fmpq(f[1])])
    x = flint.fmpq_poly([0, 1])
    k = 2
    while k < n:
        k = min(2 * k, n)
        fh = compose(f, h, k + 1)
        r = fh.truncate(k) - x
        h = h - r.mul_low(h.derivative().mul_low(inverse(fh.derivative(), k), k), k)
    return h.truncate(n)
