"""Benchmark: the density of a depth-10 network's JJ^T on 1000 points (target < 5 s).

Two laws: ReLU at criticality with Gaussian weights (sigma_w^2 = 2, exact:
polynomial method for support and atoms, subordination for values), and tanh
(sigma_w^2 = 3/2, sigma_b^2 = 1/20; D^2 known by its moments mu_k from
tpsym.nets, replaced by their Gauss rule). Baselines computed in the same
process:

* naive: the same algebraic equation solved at every grid point x + 1e-9 i,
  taking the root with the most negative imaginary part (no continuation);
* sampling: eigenvalues of J J^T for one N x N network (J = D_L W_L ... D_1 W_1)
  histogrammed on the grid's bins.

Also: the algebraic equation of the ReLU laws for L = 1..10 and of
semicircle ⊞ MP(1) by :func:`tpsym.laws.algebraic.cauchy_equation` (the one
derivation shared with the proofs; the python-flint elimination it replaced
took 0.004-0.006 s for these, without an exact factor selection); and tanh networks through the
``jacobian(...)`` spec (D^2 a DerivativeLaw): orthogonal depth 1 by the change of variables,
Gaussian depth 2 and orthogonal depth 4 by subordination.

Run: python benchmarks/bench_density.py [N]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import sympy

from tpsym.laws import bernoulli, boxplus, boxpower, boxtimes, generic_law, mp, scale, semicircle
from tpsym.laws import algebraic
from tpsym.laws.density import _Curve, _equation_cached, density

DEPTH = 10
POINTS = 1000


def timed(f):
    t = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t


def naive(law, x):
    P = _equation_cached(law)
    curve = _Curve(P, 1.0)
    roots = curve.roots(x + 1e-9j)
    g = roots[np.arange(len(x)), np.argmin(np.where(np.isfinite(roots), roots.imag, np.inf), axis=1)]
    return np.maximum(-g.imag, 0) / np.pi


def sample(dphi2, sigma_w2, q, n, rng):
    """Eigenvalues of J J^T for one width-n network started at the fixed point."""
    J = np.eye(n)
    for _ in range(DEPTH):
        W = rng.standard_normal((n, n)) * np.sqrt(sigma_w2 / n)
        h = rng.standard_normal(n) * np.sqrt(q)
        J = (dphi2(h) ** 0.5)[:, None] * (W @ J)
    return np.linalg.eigvalsh(J @ J.T)


def compare(name, law, x, res, eigs, extra=""):
    edges = np.concatenate([[x[0] - (x[1] - x[0]) / 2], (x[1:] + x[:-1]) / 2, [x[-1] + (x[1] - x[0]) / 2]])
    hist, _ = np.histogram(eigs, bins=edges)
    width = np.diff(edges)
    dens = np.where(np.isfinite(res.density), res.density, 0.0)
    # compare the distributions from the right (the density has an integrable singularity at 0):
    # P(X > edge_k) by the density (midpoint rule) and by the sample, for the bins right of the first
    tail_exact = np.cumsum((dens * width)[::-1])[::-1][1:]
    tail_emp = np.cumsum(hist[::-1])[::-1][1:] / len(eigs)
    return float(np.max(np.abs(tail_exact - tail_emp)))


def equations() -> None:
    print("algebraic equation P(z, G) (tpsym.laws.algebraic.cauchy_equation, exact factor selection)")
    for L in range(1, 11):
        law = boxpower(boxtimes(bernoulli(sympy.Rational(1, 2)), scale(mp(ratio=1), 2)), L)
        algebraic.algebraic_equation.cache_clear()
        algebraic.cauchy_equation.cache_clear()
        P, t = timed(lambda: algebraic.cauchy_equation(law))
        print(f"  ReLU L={L:2d}   {t:7.3f} s  degree {P.degree(sympy.Symbol('G'))}")
    P, t = timed(lambda: algebraic.cauchy_equation(boxplus(semicircle(), mp(ratio=1))))
    print(f"  semicircle ⊞ MP(1) {t:7.3f} s  degree {P.degree(sympy.Symbol('G'))}")
    c = sympy.Symbol("c")
    P, t = timed(lambda: algebraic.cauchy_equation(boxtimes(mp(ratio=c), mp(ratio=c))))
    print(f"  MP(c) ⊠ MP(c)      {t:7.3f} s  degree {P.degree(sympy.Symbol('G'))} over QQ(c)")


def jacobians() -> None:
    from tpsym.spec import parse_spec

    for w, depth in (("orthogonal", 1), ("gaussian", 2), ("orthogonal", 4)):
        spec = f"jacobian(activation=tanh, weights={w}, sigma_w2=3/2, sigma_b2=1/20, depth={depth})"
        res, t = timed(lambda: density(parse_spec(spec), "0:6:200"))
        print(f"{spec}: {t:6.2f} s  {res.method}; mass {res.mass:.6f}; max moment error {max(res.moment_errors):.1e}")


def main(n: int = 1000) -> None:
    equations()
    jacobians()
    rng = np.random.default_rng(20240601)
    print(f"depth {DEPTH}, {POINTS} points")

    relu = boxpower(boxtimes(bernoulli(sympy.Rational(1, 2)), scale(mp(ratio=1), 2)), DEPTH)
    x = np.linspace(0, 60, POINTS)
    _equation_cached.cache_clear()
    res, t = timed(lambda: density(relu, x))
    print(f"ReLU  tpsym   {t:7.3f} s  {res.method}; mass {res.mass:.8f}; max moment error {max(res.moment_errors):.1e}")
    nv, tn = timed(lambda: naive(relu, x))
    inside = (res.density > 0) & np.isfinite(res.density)
    bad = np.abs(nv - res.density) > 1e-6 * (1 + res.density)
    print(f"ReLU  naive   {tn:7.3f} s  most-negative-Im root, no continuation: wrong at {int(bad.sum())} of {POINTS} points"
          f" ({int((bad & inside).sum())} of {int(inside.sum())} inside the support)")
    eigs, ts = timed(lambda: sample(lambda h: (h > 0).astype(float), 2.0, 1.0, n, rng))
    print(f"ReLU  sample  {ts:7.3f} s  N={n}: sup |P_tpsym(X > x) - P_sample(X > x)| = {compare('relu', relu, x, res, eigs):.3f}")

    from tpsym.nets import mean_field, mus

    (mf, mu), tmu = timed(lambda: (lambda m: (m, mus("tanh", 32, m.q, precision=30)))(
        mean_field("tanh", sigma_w2=sympy.Rational(3, 2), sigma_b2=sympy.Rational(1, 20), moments=0)))
    tanh = boxpower(boxtimes(generic_law("mu"), scale(mp(ratio=1), sympy.Rational(3, 2))), DEPTH)
    x = np.linspace(0, 20, POINTS)
    res, t = timed(lambda: density(tanh, x, values={"mu": [m.value for m in mu]}))
    print(f"tanh  mu_k    {tmu:7.3f} s  32 moments of D^2 at q* = {float(mf.q):.6f} (tpsym.nets)")
    print(f"tanh  tpsym   {t:7.3f} s  {res.method}; mass {res.mass:.8f}; max moment error {max(res.moment_errors):.1e}")
    q = float(mf.q)
    eigs, ts = timed(lambda: sample(lambda h: np.cosh(h) ** -4, 1.5, q, n, rng))
    print(f"tanh  sample  {ts:7.3f} s  N={n}: sup |P_tpsym(X > x) - P_sample(X > x)| = {compare('tanh', tanh, x, res, eigs):.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
