"""Benchmark of the exact free-probability algebra (issue 3) against plain sympy.

Run:  python benchmarks/bench_algebra.py [--quick]

Three tasks, each timed in tpsym and beside a baseline done the obvious way
in plain sympy (``Expr`` arithmetic, ``sympy.series``, and series reversion
by Lagrange inversion with ``expand``), in the same process (the last baseline
in a subprocess, so that it can be stopped):

(a) the first 1000 moments of boxtimes(mp(ratio=1/2), mp(ratio=1/3)), exactly;
(b) the first 100 moments of mp(ratio=lam), as polynomials in lam;
(c) the first 8 moments of boxpower(boxtimes(mp(ratio=1), law(moments=mu)), L),
    symbolic in L and the mu_k.

The baselines of (a) and (b) are run at smaller orders; the time at the full
order is extrapolated from a power-law fit through two measured orders (and
said so in the table). The baseline of (c) runs with a 120 s timeout.
The baseline results of (a) and (b) are checked equal to tpsym's at the
order they reached; that of (c), if it finishes, is not compared.
"""

from __future__ import annotations

import math
import subprocess
import sys
import time

import sympy

z, w, lam, L = sympy.symbols("z w lam L")
TIMEOUT_C = 120


# ---------------------------------------------------------------------------
# plain-sympy baseline: truncated Expr polynomials
# ---------------------------------------------------------------------------
def trunc(e, n, x=z):
    """The terms of degree < n of the expanded expression."""
    e = sympy.expand(e)
    return sympy.Add(*[t for t in sympy.Add.make_args(e) if t.as_coeff_exponent(x)[1] < n])


def coeffs(e, n, x=z):
    e = sympy.expand(e)
    return [e.coeff(x, k) for k in range(n)]


def reversion(f, n):
    """Compositional inverse of f = c_1 z + ... to O(z^n) by Lagrange inversion:
    [z^k] f^{-1} = (1/k) [w^(k-1)] (w / f(w))^k, the powers built by truncated products."""
    h = trunc(sympy.series(w / f.subs(z, w), w, 0, n).removeO(), n, w)
    out, p = sympy.Integer(0), sympy.Integer(1)
    for k in range(1, n):
        p = trunc(p * h, n, w)
        out += sympy.expand(p.coeff(w, k - 1) / k) * z**k
    return out


def s_from_moments(moms, n):
    psi = sum(m * z**k for k, m in enumerate(moms[:n], 1))
    chi = reversion(psi, n + 1)
    return trunc(sympy.expand(chi * (1 + z) / z), n)


def moments_from_s(S, n):
    chi = trunc(sympy.series(z * S / (1 + z), z, 0, n + 1).removeO(), n + 1)
    return coeffs(reversion(chi, n + 1), n + 1)[1:]


def narayana_moments(c, n):
    return [sympy.expand(sum(sympy.Rational(math.comb(k, j) * math.comb(k, j - 1), k) * c ** (j - 1) for j in range(1, k + 1))) for k in range(1, n + 1)]


def baseline_a(n):
    ma, mb = narayana_moments(sympy.Rational(1, 2), n), narayana_moments(sympy.Rational(1, 3), n)
    S = trunc(s_from_moments(ma, n) * s_from_moments(mb, n), n)
    return moments_from_s(S, n)


def baseline_b(n):
    # m_k = (1/(k+1)) [w^k] C(w)^(k+1), C = 1 + sum kappa_j w^j, kappa_j = lam^(j-1)
    C = 1 + sum(lam ** (j - 1) * w**j for j in range(1, n + 1))
    out, p = [], sympy.Integer(1)
    for k in range(1, n + 1):
        p = trunc(p * C, n + 1, w)
        # [w^k] C^(k+1) needs C^(k+1): one more product, kept apart
        q = trunc(p * C, k + 1, w)
        out.append(sympy.expand(q.coeff(w, k) / (k + 1)))
    return out


def baseline_c(n=8):
    mu = sympy.symbols(f"mu_1:{n + 1}")
    S_mu = s_from_moments(list(mu), n)
    S = trunc(sympy.series(S_mu / (1 + z), z, 0, n).removeO(), n)  # S_mp(1) = 1/(1+z)
    S1 = trunc(S * mu[0], n)  # mean 1: S(0) = 1
    SL = trunc(sympy.series(S1**L, z, 0, n).removeO(), n)
    moms = moments_from_s(SL, n)
    return [sympy.expand(mu[0] ** (k * L) * m) for k, m in enumerate(moms, 1)]


# ---------------------------------------------------------------------------
# tpsym
# ---------------------------------------------------------------------------
def tpsym_a(n):
    from tpsym.laws import boxtimes, mp

    return boxtimes(mp(ratio=sympy.Rational(1, 2)), mp(ratio=sympy.Rational(1, 3))).moments(n)


def tpsym_b(n):
    from tpsym.laws import mp

    return mp(ratio=lam).moments(n)


def tpsym_b_series(n):
    from tpsym.free import moments_from_cumulants

    return moments_from_cumulants([lam ** (j - 1) for j in range(1, n + 1)])


def tpsym_c(n=8):
    from tpsym.laws import boxpower, boxtimes, generic_law, mp

    return boxpower(boxtimes(mp(ratio=1), generic_law("mu")), L).moments(n)


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def same(xs, ys):
    return all(sympy.cancel(sympy.sympify(x) - sympy.sympify(y)) == 0 for x, y in zip(xs, ys))


def extrapolated(fn, orders, target, check):
    """Time fn at two orders, check it, fit t = C n^p, extrapolate to target."""
    (n1, n2) = orders
    t1, r1 = timed(fn, n1)
    t2, r2 = timed(fn, n2)
    assert same(r2, check(n2)), f"baseline disagrees with tpsym at order {n2}"
    p = math.log(t2 / t1) / math.log(n2 / n1)
    return t2 * (target / n2) ** p, f"measured {t2:.2f} s at n={n2}, {t1:.2f} s at n={n1}; extrapolated as n^{p:.1f}"


def main(argv):
    if argv[1:2] == ["--baseline-c"]:
        t, out = timed(baseline_c)
        print(f"{t:.3f}")
        return 0
    quick = "--quick" in argv
    rows = []

    # (a)
    n_a = 1000
    t_a, m_a = timed(tpsym_a, n_a)
    base_a, note_a = extrapolated(baseline_a, (10, 20) if quick else (16, 32), n_a, lambda n: m_a[:n])
    rows.append(("(a) 1000 moments of boxtimes(mp(1/2), mp(1/3))", t_a, 2.0, f"~{base_a:.3g} s", note_a))

    # (b)
    n_b = 100
    t_b, m_b = timed(tpsym_b, n_b)
    t_b2, m_b2 = timed(tpsym_b_series, n_b)
    assert m_b == m_b2
    base_b, note_b = extrapolated(baseline_b, (6, 12) if quick else (10, 20), n_b, lambda n: m_b[:n])
    rows.append(("(b) 100 moments of mp(ratio=lam)", t_b, 2.0, f"~{base_b:.3g} s", note_b))
    rows.append(("    same, generic series route from kappa_n", t_b2, 2.0, "", "moments_from_cumulants, no closed form"))

    # (c)
    t_c, m_c = timed(tpsym_c, 8)
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--baseline-c"], capture_output=True, text=True, timeout=TIMEOUT_C
        )
        lines = proc.stdout.splitlines()
        base_c = f"{float(lines[0]):.3g} s"
        note_c = "plain sympy in a subprocess, finished (result not compared)"
    except subprocess.TimeoutExpired:
        base_c, note_c = f">{TIMEOUT_C} s", "plain sympy in a subprocess, stopped at the timeout"
    rows.append(("(c) 8 moments of boxpower(boxtimes(mp(1), law(mu)), L)", t_c, 5.0, base_c, note_c))

    print(f"{'task':58s} {'tpsym':>9s} {'target':>7s} {'plain sympy':>13s}  note")
    print("-" * 130)
    for name, t, target, base, note in rows:
        ok = "ok" if t < target else "SLOW"
        print(f"{name:58s} {t:8.3f}s {target:6.1f}s {base:>13s}  {ok}; {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
