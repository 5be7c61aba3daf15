"""The numeric cross-check of a claim, through :mod:`tpsym.numeric`.

A claim's ``numeric`` table names a law (a spec), the entry law of the
random matrices (``gaussian`` by default; ``rademacher`` or ``uniform`` for
the universality claims of Pastur & Slavin, arXiv 2011.11439), the moments to
check, the size sweep, the trials and the seed. The verdict is the numeric
layer's: ``confirmed`` or ``contradicted`` at the stated family-wise
false-alarm rate (Holm over the moments), with every estimate, standard error
and z-score recorded in the certificate.

In the fast setting (``tpsym verify`` by default and CI) the sweep is cut to
its two smallest sizes and at most 8 trials, so that the whole library of
proofs runs in a few minutes; the statistics stay honest (the decision uses
the standard errors of what was actually run).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tpsym.errors import InputError
from tpsym.proof.claims import Claim

__all__ = ["run_numeric", "redecide", "numeric_summary", "EntrySampler"]


@dataclass(frozen=True)
class EntrySampler:
    """Wigner or sample-covariance matrices with i.i.d. non-Gaussian entries.

    Supports the laws whose classical random-matrix models have i.i.d.
    entries: ``semicircle(variance=s)`` (Wigner) and ``mp(ratio=c)``
    (sample covariance); universality says the limit law does not depend on
    the entry law (Pastur & Slavin, arXiv 2011.11439).
    """

    law: Any
    entries: str

    def __post_init__(self) -> None:
        from tpsym.laws import FreePoisson, Semicircle

        ok = (isinstance(self.law, Semicircle) and self.law.mean_ == 0 and self.law.variance.is_number) or (
            isinstance(self.law, FreePoisson) and self.law.is_marchenko_pastur and self.law.jump.is_number
        )
        if not ok:
            raise InputError(
                f"entries={self.entries!r} applies to semicircle(variance=...) and mp(ratio=...) with numeric "
                f"parameters, not to {self.law}"
            )

    @property
    def description(self) -> str:
        return f"{self.law} with {self.entries} entries"

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        from tpsym.laws import Semicircle
        from tpsym.numeric.samplers import wigner, wishart

        if isinstance(self.law, Semicircle):
            return wigner(rng, n, variance=float(self.law.variance), entries=self.entries)  # type: ignore[arg-type]
        m = max(1, round(n / float(self.law.jump)))
        return wishart(rng, n, m, entries=self.entries)  # type: ignore[arg-type]

    def operator(self, rng: np.random.Generator, n: int) -> Any:
        a = self.sample(rng, n)
        return lambda v: a @ v

    def dense_bytes(self, n: int) -> float:
        return 8.0 * n * n * 3

    def matrix_free_bytes(self, n: int) -> float:
        return 8.0 * n * n * 2

    def expected_moments(self, order: int) -> tuple[float, ...]:
        return tuple(float(m) for m in self.law.moments(order))


def run_numeric(claim: Claim, *, fast: bool = False) -> dict[str, Any]:
    """Run the numeric cross-check of a claim; return its JSON record.

    The record holds the settings, every moment's estimate, standard error,
    expected value and z-score, the family-wise rate, the verdict and a
    one-line summary.
    """
    from tpsym.numeric.experiment import crosscheck
    from tpsym.spec import parse_spec

    settings = claim.numeric
    if settings is None:
        raise InputError("the claim has no numeric settings")
    if settings.mixed:
        return _run_mixed(claim, fast=fast)
    if settings.law is None:
        raise InputError("the numeric check names no law: numeric = { law = \"...\" }")
    law = parse_spec(settings.law, locals=claim.symbols())
    if law.parameters:
        names = ", ".join(sorted(str(s) for s in law.parameters))
        raise InputError(f"the numeric check needs numeric parameters; {names} is symbolic in {law}")
    target: Any = law if settings.entries == "gaussian" else EntrySampler(law, settings.entries)
    sizes = tuple(sorted(settings.sizes))
    trials = settings.trials
    if fast:
        sizes = sizes[:2]
        trials = min(trials, 8)
    result = crosscheck(target, settings.order, sizes=sizes, trials=trials, seed=settings.seed, alpha=settings.alpha, workers=0)
    record = result.to_dict()
    df = {e.k: e.df for e in result.estimates}
    for m in record["moments"]:
        m["df"] = df.get(m["k"], 0)
    record["summary"] = numeric_summary(record)
    record["fast"] = fast
    record["entries"] = settings.entries
    return record


def _run_mixed(claim: Claim, *, fast: bool) -> dict[str, Any]:
    """Sample the ``mixed_moment`` words of the left side on real matrices; compare with the right side."""
    import sympy

    from tpsym.numeric.words import WordDraw, word_crosscheck
    from tpsym.proof.functions import claim_functions
    from tpsym.proof.verify import evaluate_sides
    from tpsym.spec import parse_claim

    settings = claim.numeric
    assert settings is not None
    if claim.kind != "identity" or claim.loops:
        raise InputError("numeric.mixed samples the words of an identity without loops")
    if "mixed_moment" not in claim.statement:
        raise InputError("numeric.mixed: the statement has no mixed_moment(...) to sample")
    symbols = claim.symbols()
    _, rhs = evaluate_sides(claim.statement, dict(symbols), "series")
    if not sympy.S(rhs).is_number:
        raise InputError(f"the numeric check needs a numeric right side, got {rhs}")
    expected = float(sympy.N(rhs, 30))
    from tpsym.nets.words import claim_inputs, network_words

    def formula(rng: np.random.Generator, n: int) -> float:
        draws: dict[Any, WordDraw] = {}

        def sampled(word: str, **letters: Any) -> sympy.Expr:
            networks, rho, wigner = claim_inputs(letters)
            key = tuple(sorted((k, str(v)) for k, v in letters.items()))
            if key not in draws:
                draws[key] = WordDraw(network_words(networks, rho=rho, wigner=wigner), rng, n)
            d = draws[key]
            return sympy.Float(d.trace(d.words.parse(word)), 17)

        functions = {**claim_functions("series"), "mixed_moment": sampled}
        c = parse_claim(claim.statement, functions=functions, locals=dict(symbols))
        return float(c.lhs)

    sizes = tuple(sorted(settings.sizes))
    trials = settings.trials
    if fast:
        sizes = sizes[:2]
        trials = min(trials, 8)
    record = word_crosscheck(formula, expected, sizes=sizes, trials=trials, seed=settings.seed, alpha=settings.alpha)
    record["summary"] = numeric_summary(record).replace("for k <= 1", "of the left side (words on real matrices)")
    record["fast"] = fast
    record["entries"] = settings.entries
    return record


def numeric_summary(record: dict[str, Any]) -> str:
    """The one-line summary of a numeric record (re-made from the record by :func:`tpsym.proof.certificate.recheck`).

    >>> rec = {"order": 1, "sizes": [64], "trials": 2, "family_wise_alarm_rate": 0.001, "moments": [
    ...     {"k": 1, "estimate": 1.0, "stderr": 0.01, "expected": 1.0, "z": 0.0, "ok": True}]}
    >>> numeric_summary(rec)
    'confirmed numerically for k <= 1 at sizes [64] with 2 trials (z_1=+0.00; family-wise rate 0.001)'
    """
    moments = record["moments"]
    bad = [m for m in moments if not m["ok"]]
    rate = record["family_wise_alarm_rate"]
    if bad:
        worst = max(bad, key=lambda m: abs(float(m["z"])))
        return (
            f"contradicted numerically: m_{worst['k']} estimated {float(worst['estimate']):.6g} ± {float(worst['stderr']):.2g}, "
            f"derived {float(worst['expected']):.6g} (family-wise rate {rate})"
        )
    zs = ", ".join(f"z_{m['k']}={float(m['z']):+.2f}" for m in moments)
    control = " and a control variate" if record.get("variance_reduction", "none") != "none" else ""
    return (
        f"confirmed numerically for k <= {record['order']} at sizes {list(record['sizes'])} with {record['trials']} trials"
        f"{control} ({zs}; family-wise rate {rate})"
    )


def redecide(record: dict[str, Any]) -> str:
    """The verdict that the recorded estimates imply (Holm at the recorded rate).

    >>> rec = {"family_wise_alarm_rate": 0.01, "moments": [
    ...     {"claim": "derived", "k": 1, "estimate": 1.0, "stderr": 0.01, "expected": 1.0, "z": 0.0, "ok": True}]}
    >>> redecide(rec)
    'confirmed'
    """
    from tpsym.numeric.decision import MomentEstimate, decide_family

    alpha = float(record["family_wise_alarm_rate"])
    by_claim: dict[str, list[dict[str, Any]]] = {}
    for m in record["moments"]:
        by_claim.setdefault(m.get("claim", "derived"), []).append(m)
    families = []
    for name, rows in by_claim.items():
        rows = sorted(rows, key=lambda r: r["k"])
        est = tuple(MomentEstimate(int(r["k"]), float(r["estimate"]), float(r["stderr"]), int(r.get("df", 0) or 0)) for r in rows)
        families.append((name, est, {int(r["k"]): float(r["expected"]) for r in rows}))
    decision = decide_family(iter(families), alpha=alpha)
    for t, r in zip(sorted(decision.tests, key=lambda t: (t.claim, t.k)), sorted(record["moments"], key=lambda r: (r.get("claim", "derived"), r["k"]))):
        if abs(float(t.z) - float(r["z"])) > 1e-6 * max(1.0, abs(float(r["z"]))):
            return f"inconsistent z-score for k={r['k']}: recorded {r['z']}, recomputed {t.z}"
        if bool(r.get("ok")) != bool(t.ok):
            return f"inconsistent decision for k={r['k']}: recorded ok={r.get('ok')}, recomputed ok={t.ok}"
    return decision.verdict
