"""Benchmark: the first moments of the Jacobian law with symbolic depth L and symbolic μ_k.

tpsym computes ``jacobian(activation=linear, weights=W, sigma_w2=1, depth=L,
d2=law(moments=mu))`` — the law of J Jᵀ with a generic law of D² — in
QQ(L, μ_1, ..., μ_n) through S-transforms and exp(L log S) series
(:mod:`tpsym.laws.operations`). The baseline does the same computation the
plain way, on sympy ``Expr`` trees: series reversion of the moment series of
D² by undetermined coefficients, S = exp(L log(S_D S_W)) with
``sympy.series``, and a second reversion for the moments of J Jᵀ. It runs in
a subprocess capped by ``--timeout`` seconds (">T s" when it does not
finish); the child checks its first three moments against tpsym's.

Run::

    python benchmarks/bench_jacobian.py                   # order 8, baseline order 6, 150 s cap
    python benchmarks/bench_jacobian.py --baseline-order 4 --timeout 60
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import sympy

from tpsym.laws import generic_law
from tpsym.laws.base import _law_moments
from tpsym.nets import jacobian_law

L = sympy.Symbol("L")
WEIGHTS = ("gaussian", "orthogonal")


def tpsym_moments(weights: str, order: int) -> tuple[tuple[sympy.Expr, ...], float]:
    """The first ``order`` moments by tpsym and the seconds it took (caches cleared)."""
    _law_moments.cache_clear()
    law = jacobian_law("linear", weights, sigma_w2=1, depth=L, d2=generic_law("mu"))
    start = time.perf_counter()
    moments = law.moments(order)
    return moments, time.perf_counter() - start


def _revert(coeffs: list[sympy.Expr], w: sympy.Symbol, n: int) -> sympy.Expr:
    """The compositional inverse of sum_{k>=1} coeffs[k-1] x^k to O(w^(n+1)), by undetermined coefficients."""
    x = sympy.Symbol("x")
    f = sum(c * x**k for k, c in enumerate(coeffs[:n], 1))
    inv = w / coeffs[0]
    for k in range(2, n + 1):
        c = sympy.Symbol("c")
        trial = inv + c * w**k
        lhs = sympy.expand(sympy.series(f.subs(x, trial), w, 0, k + 1).removeO())
        sol = sympy.solve(sympy.Eq(lhs.coeff(w, k), 0), c)[0]
        inv = inv + sympy.simplify(sol) * w**k
    return inv


def baseline_moments(weights: str, order: int) -> list[sympy.Expr]:
    """The plain sympy Expr computation (see the module doc)."""
    w = sympy.Symbol("w")
    mu = [sympy.Symbol(f"mu_{k}") for k in range(1, order + 1)]
    chi = _revert(mu, w, order)  # psi_D^{-1}
    s_d = sympy.series(chi * (1 + w) / w, w, 0, order).removeO()
    s_w = 1 / (1 + w) if weights == "gaussian" else sympy.Integer(1)
    s_j = sympy.series(sympy.exp(L * sympy.log(s_d * s_w)), w, 0, order).removeO()
    chi_j = sympy.expand(sympy.series(s_j * w / (1 + w), w, 0, order + 1).removeO())
    coeffs = [chi_j.coeff(w, k) for k in range(1, order + 1)]
    psi_j = _revert(coeffs, w, order)
    return [sympy.simplify(psi_j.coeff(w, k)) for k in range(1, order + 1)]


def _child(weights: str, order: int) -> None:
    start = time.perf_counter()
    ms = baseline_moments(weights, order)
    seconds = time.perf_counter() - start
    ours, _ = tpsym_moments(weights, min(3, order))
    # the baseline writes mu_1^L as exp(-L log(1/mu_1)): compare at a point with mu_k > 0
    point = {L: sympy.Rational(37, 10), **{sympy.Symbol(f"mu_{k}"): sympy.Rational(k + 2, k + 5) for k in range(1, order + 1)}}
    agree = all(abs(sympy.N((a - b).xreplace(point), 30)) < 1e-20 for a, b in zip(ms, ours))
    print(json.dumps({"seconds": seconds, "agree": agree}))


def run_baseline(weights: str, order: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, "--child", weights, "--baseline-order", str(order)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--order", type=int, default=8, help="moments computed by tpsym (default 8)")
    parser.add_argument("--baseline-order", type=int, default=6, help="moments computed by the sympy baseline (default 6)")
    parser.add_argument("--timeout", type=float, default=150.0, help="cap of each baseline run, seconds (default 150)")
    parser.add_argument("--child", choices=WEIGHTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.baseline_order)
        return
    # the baselines run in parallel subprocesses while tpsym runs here
    procs = {wt: run_baseline(wt, args.baseline_order) for wt in WEIGHTS}
    started = time.perf_counter()
    rows = []
    for wt in WEIGHTS:
        _, seconds = tpsym_moments(wt, args.order)
        rows.append((f"tpsym, {wt}", args.order, f"{seconds:.2f} s", "—"))
    for wt, proc in procs.items():
        remaining = max(1.0, args.timeout - (time.perf_counter() - started))
        try:
            out, _ = proc.communicate(timeout=remaining)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            rows.append((f"sympy Expr baseline, {wt}", args.baseline_order, f">{args.timeout:.0f} s", "—"))
            continue
        data = json.loads(out.strip().splitlines()[-1])
        agree = "agree" if data["agree"] else "DISAGREE"
        rows.append((f"sympy Expr baseline, {wt}", args.baseline_order, f"{data['seconds']:.2f} s", agree))
    print("Jacobian law, symbolic depth L and symbolic mu_k (d2=law(moments=mu)), sigma_w2=1")
    print(f"{'method':<34} {'moments':>7}  {'time':>9}  m_1..m_3 vs tpsym")
    for name, order, t, agree in rows:
        print(f"{name:<34} {order:>7}  {t:>9}  {agree}")


if __name__ == "__main__":
    main()
