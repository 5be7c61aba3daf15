"""Benchmark: NNGP and NTK matrices of deep networks, and a symbolic NNGP.

1. ReLU, depth 10, a batch of 100 inputs: vectorised arc-cosine closed forms
   (target < 0.1 s); baseline in the same process: the same recursion entry by
   entry with scipy dblquad on a few entries, scaled to the batch.
2. tanh, depth 10, the same batch: the trapezoidal lattice summed by FFT over
   the batch (tpsym.nets.kernel_quadrature.pair_matrix, target < 2 s);
   baselines: scipy dblquad per entry (a few entries timed and scaled to the
   batch) and the previous route (tensor Gauss–Hermite, one layer timed).
3. A symbolic NNGP of a depth-3 erf network (symbols σ_w², σ_b², q, c; target < 2 s).

Run: python benchmarks/bench_kernels.py
"""

from __future__ import annotations

import math
import time

import numpy as np
import sympy
from scipy import integrate

from tpsym.nets.activations import get_activation
from tpsym.nets.kernels import kernel_matrices, nngp

BATCH, DEPTH, SW, SB = 100, 10, 2.0, 0.1
SAMPLED_ENTRIES = 3


def _dblquad_entry(act, s1, sw, sb, depth):
    """One off-diagonal entry of the NNGP and NTK by scipy dblquad at every layer."""
    f, df = act.phi_numpy, act.dphi_numpy
    s11, s22, s12 = s1
    theta = s12

    def expect(g, a, b, c):
        cov = np.array([[a, c], [c, b]])
        inv, det = np.linalg.inv(cov), np.linalg.det(cov)
        lim = 8 * math.sqrt(max(a, b))
        dens = lambda v, u: float(g(np.array(u)) * g(np.array(v))) * math.exp(  # noqa: E731
            -0.5 * np.array([u, v]) @ inv @ np.array([u, v])) / (2 * math.pi * math.sqrt(det))
        return integrate.dblquad(dens, -lim, lim, -lim, lim, epsabs=1e-9, epsrel=1e-9)[0]

    def diag(g, a):
        return integrate.quad(lambda u: float(g(np.array(u))) ** 2 * math.exp(-u * u / (2 * a)) / math.sqrt(2 * math.pi * a),
                              -np.inf, np.inf)[0]

    for _ in range(depth - 1):
        e12, d12 = expect(f, s11, s22, s12), expect(df, s11, s22, s12)
        s11, s22, s12 = sw * diag(f, s11) + sb, sw * diag(f, s22) + sb, sw * e12 + sb
        theta = s12 + sw * d12 * theta
    return s12, theta


def _case(name, s1, baseline_depth):
    start = time.perf_counter()
    K, T = kernel_matrices(name, s1, DEPTH, SW, SB)
    t_tp = time.perf_counter() - start
    act = get_activation(name)
    start = time.perf_counter()
    for i in range(SAMPLED_ENTRIES):
        _dblquad_entry(act, (s1[i, i], s1[i + 1, i + 1], s1[i, i + 1]), SW, SB, baseline_depth)
    per_entry = (time.perf_counter() - start) / SAMPLED_ENTRIES * (DEPTH - 1) / (baseline_depth - 1)
    entries = BATCH * (BATCH - 1) // 2
    print(f"{name:<5} depth {DEPTH}, batch {BATCH}: tpsym {t_tp:8.3f} s   "
          f"baseline dblquad per entry {per_entry:.2f} s x {entries} entries = {per_entry * entries:,.0f} s (scaled)")
    return K, T


def _old_tanh_route(s1):
    """The previous numeric route (tensor Gauss–Hermite, orders 60 and 120, all entries): one layer, timed."""
    from tpsym.nets.kernels import _numeric_pair

    act = get_activation("tanh")
    d = np.diag(s1)
    s11, s22 = d[:, None] * np.ones_like(s1), d[None, :] * np.ones_like(s1)
    start = time.perf_counter()
    e = _numeric_pair(act, s11, s22, s1, False)[0]
    _numeric_pair(act, s11, s22, s1, True)
    return (time.perf_counter() - start) * (DEPTH - 1), e


def main() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, 20))
    s1 = SW * x @ x.T / 20 + SB
    _case("relu", s1, 2)
    K, _ = _case("tanh", s1, 2)
    old, _ = _old_tanh_route(s1)
    print(f"tanh  previous route (Gauss-Hermite 60/120 on every entry): one layer timed x {DEPTH - 1} layers = {old:.1f} s")
    s, b, q, c = sympy.symbols("s b q c", positive=True)
    start = time.perf_counter()
    value = nngp("erf", sigma_w2=s, sigma_b2=b, depth=3, q1=q, q2=q, c=c)
    t = time.perf_counter() - start
    print(f"erf   depth 3, symbolic in sigma_w2, sigma_b2, q, c: {t:.3f} s ({sympy.count_ops(value)} operations)")


def certified_scalars() -> None:
    """Certified tanh kernels (balls, 30 digits) against one scipy dblquad evaluation of the same depth (doubles)."""
    from scipy import integrate

    from tpsym.certified import to_ball
    from tpsym.nets.kernels import c_star, ntk

    def dblquad_pair(s11, s22, s12, deriv):
        det = s11 * s22 - s12 * s12
        f = (lambda z: 1 / np.cosh(z) ** 2) if deriv else np.tanh
        def g(v, u):
            return f(u) * f(v) * np.exp(-(s22 * u * u - 2 * s12 * u * v + s11 * v * v) / (2 * det)) / (2 * np.pi * np.sqrt(det))

        return integrate.dblquad(g, -12, 12, -12, 12, epsabs=1e-13)[0]

    sw, sb = 1.5, 0.1
    for depth in (3, 6):
        start = time.perf_counter()
        s11 = s22 = 1.0
        s12, theta = 0.5, 0.5
        for _ in range(depth - 1):
            e12, dot = dblquad_pair(s11, s22, s12, False), sw * dblquad_pair(s11, s22, s12, True)
            root = np.sqrt(s11)
            e11 = integrate.quad(lambda z, root=root: np.tanh(root * z) ** 2 * np.exp(-z * z / 2), -12, 12)[0] / np.sqrt(2 * np.pi)
            s11 = s22 = sw * e11 + sb
            s12 = sw * e12 + sb
            theta = s12 + dot * theta
        base = time.perf_counter() - start
        start = time.perf_counter()
        value = ntk("tanh", sympy.Rational(3, 2), sympy.Rational(1, 10), depth, 1, 1, sympy.Rational(1, 2))
        ball = to_ball(value, 30)
        t = time.perf_counter() - start
        print(f"tanh  certified NTK, depth {depth}, 30 digits: {t:.2f} s ({ball.format(12)}); "
              f"scipy dblquad recursion in doubles, same depth: {base:.2f} s ({theta:.12f})")
    start = time.perf_counter()
    cs = to_ball(c_star("tanh", 2, sympy.Rational(1, 10)), 30)
    print(f"tanh  certified c* at (2, 1/10), 30 digits: {time.perf_counter() - start:.2f} s ({cs.format(15)})")


if __name__ == "__main__":
    main()
    certified_scalars()
