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

The polynomial method's two routes, in the same process (and the first call
of each in a fresh process): the former one takes companion-matrix
eigenvalues at every level of the vertical descent and every step of the
arcs; the current one starts Newton's method on all roots from the previous
level's roots (tpsym.laws._roots). Targets (issue 17): semicircle ⊞ MP(1/2)
on 901 points in about 14 ms (rmtool measured 137-145 ms on this machine),
error at most 1e-12 against the 40-digit roots of its cubic; the depth-10 ReLU
J J^T density on 1000 points under 0.1 s.

Run: python benchmarks/bench_density.py [N]      (N: sampling width)
     python benchmarks/bench_density.py --routes  (only the route comparison)
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time

import numpy as np
import sympy

from tpsym.laws import bernoulli, boxplus, boxpower, boxtimes, generic_law, mp, scale, semicircle
from tpsym.laws import algebraic
from tpsym.laws import _roots
from tpsym.laws.density import _Curve, _equation_cached, _Follower, density

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
        P, t = timed(lambda law=law: algebraic.cauchy_equation(law))
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
        res, t = timed(lambda spec=spec: density(parse_spec(spec), "0:6:200"))
        print(f"{spec}: {t:6.2f} s  {res.method}; mass {res.mass:.6f}; max moment error {max(res.moment_errors):.1e}")


RMTOOL_SPEC = "boxplus(semicircle(), mp(ratio=1/2))"
RMTOOL_GRID = (-3.0, 6.0, 901)


@contextlib.contextmanager
def eigenvalue_route():
    """The former route: eigenvalues at every level of the descent and every arc step."""
    saved = _Curve._descend_step, _Curve.step_batch
    _Curve._descend_step = _Follower._descend_step
    _Curve.step_batch = lambda self, z, prev: _roots.choose_nearest(self.roots(z), prev)
    try:
        yield
    finally:
        _Curve._descend_step, _Curve.step_batch = saved


def _clear() -> None:
    _equation_cached.cache_clear()
    algebraic.algebraic_equation.cache_clear()
    algebraic.cauchy_equation.cache_clear()


def cubic_40_digits(x: np.ndarray) -> np.ndarray:
    """-Im G / pi at x + i0 from the 40-digit roots (mpmath) of the cubic P(x, G) of semicircle ⊞ MP(1/2)."""
    import mpmath

    from tpsym.spec import parse_spec

    P = algebraic.cauchy_equation(parse_spec(RMTOOL_SPEC))
    z, G = sympy.symbols("z G")
    coeffs = [[(int(c.p), int(c.q)) for c in sympy.Poly(cg, z).all_coeffs()] for cg in sympy.Poly(P.as_expr(), G).all_coeffs()]
    out = np.zeros(len(x))
    with mpmath.workdps(40):
        for k, xv in enumerate(x):
            zv = mpmath.mpf(float(xv))
            cs = [mpmath.polyval([mpmath.mpf(p) / q for p, q in cz], zv) for cz in coeffs]
            im = min(mpmath.im(r) for r in mpmath.polyroots(cs, maxsteps=200, extraprec=80))
            out[k] = float(-im / mpmath.pi) if im < 0 else 0.0
    return out


def _relu():
    return boxpower(boxtimes(bernoulli(sympy.Rational(1, 2)), scale(mp(ratio=1), 2)), DEPTH)


def first_call(route: str, which: str) -> None:
    """In a fresh process: the time of the first density call (imports done before)."""
    from tpsym.spec import parse_spec

    law = parse_spec(RMTOOL_SPEC) if which == "sc" else _relu()
    x = np.linspace(*RMTOOL_GRID) if which == "sc" else np.linspace(0, 60, POINTS)
    with eigenvalue_route() if route == "old" else contextlib.nullcontext():
        _, t = timed(lambda: density(law, x))
    print(f"{t:.4f}")


def routes() -> None:
    from tpsym.spec import parse_spec

    print("polynomial method: former route (eigenvalues per level) vs warm-started roots; times: min of 5 warm calls")
    for which, name in (("sc", f"{RMTOOL_SPEC}, {RMTOOL_GRID[2]} points"), ("relu", f"ReLU J J^T depth {DEPTH}, {POINTS} points")):
        law = parse_spec(RMTOOL_SPEC) if which == "sc" else _relu()
        x = np.linspace(*RMTOOL_GRID) if which == "sc" else np.linspace(0, 60, POINTS)
        print(f"  {name}")
        res = {}
        for route in ("old", "new"):
            cmd = [sys.executable, __file__, "--first", route, which]
            first = float(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split()[-1])
            with eigenvalue_route() if route == "old" else contextlib.nullcontext():
                _clear()
                r, t_cold = timed(lambda law=law, x=x: density(law, x))
                warm = min(timed(lambda law=law, x=x: density(law, x))[1] for _ in range(5))
            res[route] = r.density
            label = "eigenvalues" if route == "old" else "warm roots "
            print(f"    {label}  first call (fresh process) {first * 1e3:8.1f} ms   equation cleared {t_cold * 1e3:8.1f} ms   warm {warm * 1e3:8.1f} ms")
        diff = float(np.max(np.abs(res["old"] - res["new"])))
        print(f"    max |new - old| = {diff:.1e}")
        if which == "sc":
            ref, tref = timed(lambda x=x: cubic_40_digits(x))
            print(f"    max |density - 40-digit cubic root| = {float(np.max(np.abs(res['new'] - ref))):.1e} "
                  f"(old route {float(np.max(np.abs(res['old'] - ref))):.1e}; mpmath {tref:.1f} s)")
    print("  targets: 14 ms for the 901 points (1/10 of rmtool's 137-145 ms), 100 ms for ReLU depth 10")


def main(n: int = 1000) -> None:
    routes()
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
    if sys.argv[1:2] == ["--first"]:
        first_call(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["--routes"]:
        routes()
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
