"""Test oracles: plain Gaussian expectations by mpmath quadrature in h-space.

Independent of tpsym.nets._gauss (which integrates in z = h/√q with cached
nodes): here E[F(h)] = ∫ F(h) N(h; 0, q) dh with mpmath.npdf, split at 0 and at
the kinks of the activation.
"""

from __future__ import annotations

import mpmath


def gauss_expect(f, q, kinks=(), dps=30):
    """E[f(h)], h ~ N(0, q), at dps + 10 working digits."""
    with mpmath.workdps(dps + 10):
        q = mpmath.mpf(q)
        sd = mpmath.sqrt(q)
        pts = sorted({mpmath.mpf(0), *(mpmath.mpf(k) for k in kinks)})
        return mpmath.quad(lambda h: f(h) * mpmath.npdf(h, 0, sd), [mpmath.ninf, *pts, mpmath.inf])


def iterate_length_map(act, sigma_w2, sigma_b2, q0=1.0, steps=4000, tol=1e-14):
    """The plain iteration q <- sigma_w2 E[phi(h)^2] + sigma_b2 at 20 digits, from q0."""
    q = mpmath.mpf(q0)
    with mpmath.workdps(20):
        for _ in range(steps):
            new = sigma_w2 * gauss_expect(lambda h: act.phi_mpmath(h) ** 2, q, act.breakpoints, dps=10) + sigma_b2
            if abs(new - q) <= tol * max(abs(q), 1e-30):
                return new
            q = new
    return q
