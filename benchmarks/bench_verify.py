"""Benchmark of the verifier: ``tpsym verify proofs/``, claim by claim, beside a baseline.

For every claim of the library it times :func:`tpsym.proof.verify.verify_claim`
without numerics (the exact part: both routes and the all-order proof) and
with the fast numeric setting. The baseline, computed in the same process, is
what one would write by hand with plain sympy: expand the closed-form
generating function of the law with ``sympy.series`` and compare each
coefficient with the claimed term by ``simplify`` — for the moment claims
whose law has a textbook generating function (semicircle, free Poisson /
Marchenko–Pastur, arcsine); other claims have no baseline ("-"). The baseline
only checks up to the same order; it proves nothing for all k.

The numeric cross-checks are timed apart (fast setting). Then the whole
command, ``tpsym verify proofs/ --no-numeric`` and ``tpsym verify proofs/``
(fast numerics), is timed in a fresh process each, imports included.

Run: ``python benchmarks/bench_verify.py [PATH ...]`` (default ``proofs/``).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import sympy

from tpsym.laws import Arcsine, FreePoisson, Semicircle
from tpsym.laws.operations import BoxPlusPower
from tpsym.proof.claims import Claim
from tpsym.proof.fileformat import load_claims
from tpsym.proof.functions import Recorder, claim_functions
from tpsym.proof.numeric import run_numeric
from tpsym.proof.verify import iterate_loops, verify_claim
from tpsym.spec import parse_claim

ROOT = Path(__file__).resolve().parent.parent
Z = sympy.Symbol("z")


def generating_function(law):
    """The closed-form moment series M(z) = sum_n m_n z^n of a law, or None (plain sympy)."""
    if isinstance(law, Semicircle) and law.mean_ == 0:
        s = law.variance
        return (1 - sympy.sqrt(1 - 4 * s * Z**2)) / (2 * s * Z**2)
    if isinstance(law, BoxPlusPower) and isinstance(law.base, Semicircle) and law.base.mean_ == 0:
        s = law.base.variance * law.exponent
        return (1 - sympy.sqrt(1 - 4 * s * Z**2)) / (2 * s * Z**2)
    if isinstance(law, FreePoisson):
        lam, a = law.rate, law.jump
        b = 1 + a * Z - lam * a * Z  # a z M^2 - b M + 1 = 0 (R(w) = lam a/(1 - a w))
        return (b - sympy.sqrt(b**2 - 4 * a * Z)) / (2 * a * Z)
    if isinstance(law, Arcsine) and law.a == -law.b:
        r = law.b**2 / 4
        return 1 / sympy.sqrt(1 - 4 * r * Z**2)
    return None


def baseline(claim: Claim) -> float | None:
    """Seconds to check the claim by sympy.series and simplify, or None when there is no baseline."""
    if claim.kind != "identity" or "moment(" not in claim.statement or len(claim.loops) != 1:
        return None
    loop = claim.loops[0]
    k = sympy.Symbol(loop.var)
    rec = Recorder()
    try:
        sides = parse_claim(claim.statement, functions=claim_functions("series", rec), locals={**claim.symbols(), loop.var: k})
    except Exception:  # noqa: BLE001 - a claim outside the baseline's reach
        return None
    if len(rec.calls) != 1 or rec.calls[0].function != "moment" or sides.lhs != rec.calls[0].placeholder:
        return None
    gf = generating_function(rec.calls[0].law)
    if gf is None:
        return None
    envs = list(iterate_loops(claim.loops, claim.symbols(), unbounded_terms=claim.order))
    start = time.perf_counter()
    indices = [int(rec.calls[0].index.xreplace({k: env[loop.var]})) for env in envs]
    expansion = sympy.series(gf, Z, 0, max(indices) + 1).removeO()
    for env, n in zip(envs, indices):
        coefficient = expansion.coeff(Z, n)
        claimed = sympy.sympify(sides.rhs).xreplace({k: env[loop.var]}).doit()
        if sympy.simplify(coefficient - claimed) != 0:
            raise AssertionError(f"baseline disagrees on {claim.id} at {n}")
    return time.perf_counter() - start


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def cold_command(argv: list[str]) -> tuple[int, float]:
    """Exit status and wall time of ``tpsym ARGV`` in a fresh process (imports and caches cold)."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "tpsym", *argv], capture_output=True, text=True, cwd=ROOT)
    return proc.returncode, time.perf_counter() - start


def main_bench(paths: list[str]) -> None:
    claims = [c for c in load_claims(paths) if isinstance(c, Claim)]
    print("per claim, in one process, in file order (later claims may reuse cached series of earlier ones)")
    print(f"{'claim':<42} {'verdict':<10} {'exact s':>8} {'numeric s':>9} {'sympy s':>8}  {'sympy/exact':>11}")
    print("-" * 96)
    totals = {"exact": 0.0, "numeric": 0.0, "base": 0.0, "exact_with_base": 0.0}
    for c in claims:
        v, exact = timed(verify_claim, c, numeric=False)
        status, numeric = v.status, 0.0
        if c.numeric is not None and v.status != "refuted":
            record, numeric = timed(run_numeric, c, fast=True)
            status = record["verdict"] if c.kind == "numeric" else status
        base = baseline(c)
        ratio = f"{base / exact:11.1f}" if base is not None and exact > 0 else "          -"
        base_s = f"{base:8.3f}" if base is not None else "       -"
        num_s = f"{numeric:9.3f}" if c.numeric is not None else "        -"
        print(f"{c.id:<42} {status:<10} {exact:8.3f} {num_s} {base_s}  {ratio}")
        totals["exact"] += exact
        totals["numeric"] += numeric
        if base is not None:
            totals["base"] += base
            totals["exact_with_base"] += exact
    print("-" * 96)
    print(f"{'total (' + str(len(claims)) + ' claims)':<42} {'':<10} {totals['exact']:8.3f} {totals['numeric']:9.3f}")
    ratio = totals["base"] / max(totals["exact_with_base"], 1e-9)
    print(f"{'  of which claims with a sympy baseline':<42} {'':<10} {totals['exact_with_base']:8.3f} {'':>9} {totals['base']:8.3f}  {ratio:11.1f}")
    print()
    print("the whole command, each in a fresh process (imports included)")
    rel = [str(Path(p).resolve().relative_to(ROOT)) if Path(p).resolve().is_relative_to(ROOT) else p for p in paths]
    for argv in (["verify", *rel, "--no-numeric"], ["verify", *rel]):
        status, seconds = cold_command(argv)
        print(f"$ tpsym {' '.join(argv):<40} {seconds:7.2f} s  (exit {status})")


if __name__ == "__main__":
    main_bench(sys.argv[1:] or [str(ROOT / "proofs")])
