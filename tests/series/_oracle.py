"""Slow, obvious power-series arithmetic on lists of sympy expressions: the test oracle.

Nothing here shares code with :mod:`tpsym.series`: products are plain
convolutions, the reciprocal is long division, the compositional inverse is
found by undetermined coefficients, and exp / log / powers are the defining
sums ``sum f^k / k!``, ``sum (-1)^(k+1) (f-1)^k / k`` and
``sum binom(alpha, k) (f-1)^k``.
"""

from __future__ import annotations

import sympy


def _clean(e):
    return sympy.cancel(sympy.expand(e))


def mul(a, b, n):
    return [_clean(sum((a[i] * b[k - i] for i in range(k + 1)), sympy.Integer(0))) for k in range(n)]


def inverse(a, n):
    g = [1 / sympy.sympify(a[0])]
    for k in range(1, n):
        g.append(_clean(-sum((a[i] * g[k - i] for i in range(1, k + 1)), sympy.Integer(0)) / a[0]))
    return g


def compose(f, g, n):
    """f(g) by summing f_k g^k (g_0 = 0)."""
    out = [sympy.Integer(0)] * n
    power = [sympy.Integer(1)] + [sympy.Integer(0)] * (n - 1)
    for k in range(n):
        out = [_clean(o + f[k] * p) for o, p in zip(out, power)]
        power = mul(power, g, n)
    return out


def reversion(f, n):
    """g with f(g(x)) = x, coefficient by coefficient."""
    g = [sympy.Integer(0), 1 / sympy.sympify(f[1])] + [sympy.Integer(0)] * (n - 2)
    for k in range(2, n):
        c = compose(f, g, k + 1)[k]
        g[k] = _clean(-c / f[1])
    return g[:n]


def exp(f, n):
    out = [sympy.Integer(0)] * n
    power = [sympy.Integer(1)] + [sympy.Integer(0)] * (n - 1)
    for k in range(n):
        out = [_clean(o + p / sympy.factorial(k)) for o, p in zip(out, power)]
        power = mul(power, f, n)
    return out


def log(f, n):
    h = [sympy.Integer(0)] + list(f[1:n])
    out = [sympy.Integer(0)] * n
    power = list(h)
    for k in range(1, n):
        out = [_clean(o + sympy.Integer(-1) ** (k + 1) * p / k) for o, p in zip(out, power)]
        power = mul(power, h, n)
    return out


def power(f, alpha, n):
    h = [sympy.Integer(0)] + list(f[1:n])
    out = [sympy.Integer(0)] * n
    p = [sympy.Integer(1)] + [sympy.Integer(0)] * (n - 1)
    for k in range(n):
        out = [_clean(o + sympy.binomial(alpha, k).expand(func=True) * q) for o, q in zip(out, p)]
        p = mul(p, h, n)
    return out


def sympy_coefficients(expr, x, n):
    """The first n Taylor coefficients of expr at 0 by sympy.series."""
    s = sympy.series(expr, x, 0, n).removeO()
    return [_clean(s.coeff(x, k)) for k in range(n)]


def same(a, b):
    """Coefficient lists equal as rational functions (canonical form through cancel)."""
    return len(a) == len(b) and all(sympy.cancel(sympy.sympify(x) - sympy.sympify(y)) == 0 for x, y in zip(a, b))


def composed_by_sympy(fc, gc, n):
    """The first n coefficients of f(g(x)) for f = sum fc[k] x^k and g = sum gc[k] x^(k+1) (Fractions), by sympy."""
    x = sympy.Symbol("x")
    fe = sum(sympy.Rational(c.numerator, c.denominator) * x**k for k, c in enumerate(fc))
    ge = sum(sympy.Rational(c.numerator, c.denominator) * x ** (k + 1) for k, c in enumerate(gc))
    return (sympy.Poly(sympy.expand(fe.subs(x, ge)), x).all_coeffs()[::-1] + [0] * n)[:n]
