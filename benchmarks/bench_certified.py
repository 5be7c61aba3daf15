"""Benchmark: a claim about m_1..m_4 of a depth-5 tanh network with bias, certified.

tpsym: ``verify_claim`` on ``moment(jacobian(...), k) == <closed form in mu_k>``
for k = 1..4 (m_k of the Jacobian law of a depth-5 tanh network,
sigma_w2 = 3/2, sigma_b2 = 1/20, at its fixed point q*), decided by ball
arithmetic: q* enclosed by a certified sign change, mu_1..mu_4 by the
trapezoidal rule with a rigorous strip bound, the difference of the sides
enclosed within 10^-D of 0. Baseline in the same process: plain mpmath
tanh-sinh quadrature at the same precision (private context) for q* (secant
iteration) and mu_1..mu_4, then m_1..m_4 from the same polynomials — no
certificate, no error bound that is a proof.

Run: python benchmarks/bench_certified.py [--digits 30 100]
"""

from __future__ import annotations

import argparse
import time

import mpmath

from tpsym.proof.claims import Claim
from tpsym.proof.verify import verify_claim

SW, SB, DEPTH = "3/2", "1/20", 5
NET = f"jacobian(activation=tanh, sigma_w2={SW}, sigma_b2={SB}, depth={DEPTH})"
Q = f"q_star(tanh, {SW}, {SB})"


def _mu(k: int) -> str:
    return f"mu(tanh, {k}, {Q})"


def claims() -> list[Claim]:
    """m_k of the tanh network == the polynomial in mu_1..mu_k that the generic D^2 law gives.

    The right side is derived once with ``d2=generic_law("mu")`` (an independent route: a
    generic law of D^2, no activation) and its mu_j are replaced by the claim function
    ``mu(tanh, j, q_star(...))``; m_1 and m_2 are Pennington et al.'s forms (1711.04735, Sec. 3).
    """
    import sympy

    from tpsym.laws import generic_law
    from tpsym.nets import jacobian_law

    generic = jacobian_law("linear", "gaussian", sigma_w2=sympy.Rational(3, 2), depth=DEPTH, d2=generic_law("mu")).moments(4)
    out = []
    for k, poly in enumerate(generic, 1):
        text = sympy.sstr(poly)
        for j in range(4, 0, -1):
            text = text.replace(f"mu_{j}", _mu(j))
        out.append(Claim(f"m{k}", f"m_{k}", "-", "identity", statement=f"moment({NET}, {k}) == {text}"))
    return out


def baseline(digits: int) -> list[mpmath.mpf]:
    """q* and mu_1..mu_4 by mpmath tanh-sinh quadrature at the same precision (no certificate)."""
    ctx = mpmath.MPContext()
    ctx.dps = digits + 10
    sw, sb = ctx.mpf(3) / 2, ctx.mpf(1) / 20

    def expect(f, q):
        sq = ctx.sqrt(q)
        return ctx.quad(lambda z: f(sq * z) * ctx.exp(-z * z / 2), [-ctx.inf, 0, ctx.inf]) / ctx.sqrt(2 * ctx.pi)

    def gap(q):
        return sw * expect(lambda x: ctx.tanh(x) ** 2, q) + sb - q

    q0, q1 = ctx.mpf("0.41"), ctx.mpf("0.42")
    g0, g1 = gap(q0), gap(q1)
    for _ in range(60):
        q0, q1, g0 = q1, q1 - g1 * (q1 - q0) / (g1 - g0), g1
        g1 = gap(q1)
        if abs(q1 - q0) < ctx.mpf(10) ** -(digits + 5):
            break
    return [q1] + [expect(lambda x, k=k: ctx.sech(x) ** (4 * k), q1) for k in range(1, 5)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--digits", type=int, nargs="+", default=[30, 100])
    args = parser.parse_args()
    for digits in args.digits:
        from tpsym.certified import CertifiedConstant  # noqa: F401  (import cost outside the timing)
        import tpsym.nets.jacobian  # noqa: F401

        t0 = time.perf_counter()
        verdicts = [verify_claim(c, numeric=False, digits=digits) for c in claims()]
        t_cert = time.perf_counter() - t0
        t0 = time.perf_counter()
        base = baseline(digits)
        t_base = time.perf_counter() - t0
        status = ", ".join(f"{v.claim.id}: {v.status}" for v in verdicts)
        print(f"digits={digits:4d}  certified claims m1..m4: {t_cert:6.2f} s ({status})")
        print(f"             mpmath quadrature q*, mu_1..mu_4 (no certificate): {t_base:6.2f} s  q*={mpmath.nstr(base[0], 20)}")


if __name__ == "__main__":
    main()
