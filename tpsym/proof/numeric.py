"""The numeric cross-check of a claim, through :mod:`tpsym.numeric`.

A claim's ``numeric`` table names a law (a spec), the entry law of the
random matrices (``gaussian`` by default; ``rademacher`` or ``uniform`` for
the universality claims of Pastur & Slavin, arXiv 2011.11439), the moments to
check, the size sweep, the trials and the seed. The verdict is the numeric
layer's: ``contradicted`` when a moment differs at the stated family-wise
false-alarm rate (Holm over the moments); ``confirmed`` only when, in
addition, every moment would have shown a relative error of the claim's
``tolerance`` (default 2 %) with 80 % power; ``inconclusive`` otherwise,
with the error that could have gone unnoticed and the trials that would
settle it. Every estimate, standard error, z-score and detectable error is
recorded in the certificate, and ``recheck`` re-samples from the seed.

The fast setting (``tpsym verify`` by default and CI) runs the claim's trials
and sizes, except sizes above :data:`FAST_MAX_SIZE`, which it drops and names
in the record and the summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tpsym.errors import InputError
from tpsym.proof.claims import Claim, NumericSettings

__all__ = ["run_numeric", "redecide", "numeric_summary", "kernel_summary", "numeric_plan", "EntrySampler", "FAST_MAX_SIZE"]


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
        from tpsym.numeric.ensembles import wigner, wishart

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


#: The largest size the fast setting (``tpsym verify`` without ``--full-numeric``) samples.
FAST_MAX_SIZE = 1024


def numeric_plan(settings: NumericSettings, *, fast: bool) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """The sizes run, the sizes dropped and the trials, from a claim's settings.

    Every listed size is used, except in the fast setting those above
    :data:`FAST_MAX_SIZE` (which are dropped and named in the record), as
    long as two sizes remain for the 1/N extrapolation.

    >>> numeric_plan(NumericSettings(law="mp(1)", sizes=(256, 4096, 512), trials=9), fast=True)
    ((256, 512), (4096,), 9)
    """
    sizes = tuple(sorted(set(settings.sizes)))
    if not fast:
        return sizes, (), settings.trials
    kept = tuple(n for n in sizes if n <= FAST_MAX_SIZE)
    if len(kept) < 2:
        kept = sizes[:2]
    return kept, tuple(n for n in sizes if n not in kept), settings.trials


def run_numeric(claim: Claim, *, fast: bool = False, tolerance: float | None = None) -> dict[str, Any]:
    """Run the numeric cross-check of a claim; return its JSON record.

    The record holds the settings, every moment's estimate, standard error,
    expected value, z-score and detectable relative error (80 % power at the
    family-wise rate), the family-wise rate, the tolerance, the verdict and a
    one-line summary. ``tolerance`` overrides the claim's.

    Sampling runs with BLAS limited to one thread (``threadpoolctl``), so
    that the same seed gives the same floats on the same machine and library
    build (a multi-threaded BLAS may sum in another order from run to run);
    :func:`tpsym.proof.certificate.recheck` re-samples and compares exactly.
    """
    from threadpoolctl import threadpool_limits

    from tpsym.numeric.decision import decide_family
    from tpsym.spec import parse_spec

    settings = claim.numeric
    if settings is None:
        raise InputError("the claim has no numeric settings")
    tol = settings.tolerance if tolerance is None else float(tolerance)
    if not 0 < tol < 1:
        raise InputError(f"tolerance={tol!r} must be a relative error in (0, 1)")
    if settings.mixed:
        return _run_mixed(claim, fast=fast, tolerance=tol)
    if settings.kernel is not None:
        return _run_kernel(claim, fast=fast, tolerance=tol)
    if settings.law is None:
        raise InputError("the numeric check names no law: numeric = { law = \"...\" }")
    law = parse_spec(settings.law, locals=claim.symbols())
    if law.parameters:
        names = ", ".join(sorted(str(s) for s in law.parameters))
        raise InputError(f"the numeric check needs numeric parameters; {names} is symbolic in {law}")
    target: Any = law if settings.entries == "gaussian" else EntrySampler(law, settings.entries)
    sizes, dropped, trials = numeric_plan(settings, fast=fast)
    with threadpool_limits(limits=1):
        result = crosscheck_target(target, settings.order, sizes, trials, settings.seed, settings.alpha)
    # the power-aware decision, at the claim's tolerance
    decision = decide_family(
        [("derived", result.estimates, result.expected)], alpha=settings.alpha, tolerance=tol, trials=trials
    )
    record = result.record
    record.update(decision.to_dict())
    by_k = {e.k: e for e in result.estimates}
    for m in record["moments"]:
        e = by_k[m["k"]]
        m["df"] = e.df
        m["per_size"] = [{"n": n, "mean": mu, "stderr": se} for n, mu, se in e.per_size]
    _plan_record(record, settings, fast, dropped)
    record["summary"] = numeric_summary(record)
    return record


def _plan_record(record: dict[str, Any], settings: NumericSettings, fast: bool, dropped: tuple[int, ...]) -> None:
    """Record the setting run and the sizes it dropped (and why)."""
    record["fast"] = fast
    record["entries"] = settings.entries
    record["dropped_sizes"] = list(dropped)
    if dropped:
        record["dropped_because"] = (
            f"the fast setting samples sizes up to {FAST_MAX_SIZE} only; --full-numeric runs them all"
        )


@dataclass(frozen=True)
class _Sampled:
    estimates: tuple[Any, ...]
    expected: tuple[float, ...]
    record: dict[str, Any]


def crosscheck_target(target: Any, order: int, sizes: tuple[int, ...], trials: int, seed: int, alpha: float) -> _Sampled:
    """Sample ``target`` in-process (deterministic for a seed) and return the estimates and settings."""
    from tpsym.numeric.experiment import crosscheck

    result = crosscheck(target, order, sizes=sizes, trials=trials, seed=seed, alpha=alpha, workers=0)
    expected = tuple(float(t.expected) for t in sorted(result.decision.tests, key=lambda t: t.k))
    record = result.to_dict()
    for key in ("moments", "verdict", "method"):
        record.pop(key, None)
    return _Sampled(result.estimates, expected, record)


def _pct(x: float) -> str:
    return f"{100 * x:.3g} %"


def _run_mixed(claim: Claim, *, fast: bool, tolerance: float) -> dict[str, Any]:
    """Sample the ``mixed_moment`` words of the left side on real matrices; compare with the right side.

    The one estimated quantity (the left side, reported as ``m_1``) gets the
    power statement of the other numeric claims: its ``detectable`` relative
    error at the family-wise rate with 80 % power, ``confirmed`` only when
    that is at most ``tolerance``, else ``inconclusive`` with the trials that
    would settle it. The claim's sizes are used as :func:`numeric_plan` says.
    """
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

    sizes, dropped, trials = numeric_plan(settings, fast=fast)
    record = word_crosscheck(
        formula, expected, sizes=sizes, trials=trials, seed=settings.seed, alpha=settings.alpha, tolerance=tolerance
    )
    for m in record["moments"]:
        m["per_size"] = [{"n": n, "mean": mu, "stderr": se} for n, mu, se in record["per_size"]]
    _plan_record(record, settings, fast, dropped)
    record["summary"] = (
        numeric_summary(record).replace("for k <= 1", "of the left side (words on real matrices)").replace("m_1", "the left side")
    )
    return record


def _run_kernel(claim: Claim, *, fast: bool, tolerance: float) -> dict[str, Any]:
    """Sample finite-width networks (real forward and backward passes) against a derived NNGP kernel or NTK.

    The one estimated quantity (the kernel, recorded as ``m_1`` so that
    :func:`redecide` and ``recheck`` treat it as the other numeric records) is
    extrapolated in 1/N over the sizes and tested at the claim's rate, with
    the power statement at the claim's tolerance.
    """
    from threadpoolctl import threadpool_limits

    from tpsym.numeric.kernels import kernel_target

    settings = claim.numeric
    assert settings is not None and settings.kernel is not None
    target = kernel_target(settings.kernel, locals=claim.symbols())
    sizes, dropped, trials = numeric_plan(settings, fast=fast)
    with threadpool_limits(limits=1):
        result = target.crosscheck(sizes=sizes, trials=trials, seed=settings.seed, alpha=settings.alpha, tolerance=tolerance)
    record: dict[str, Any] = {"kernel": settings.kernel, "order": 1, "sizes": list(sizes), "trials": trials,
                              "seed": settings.seed}
    record.update(result.decision.to_dict())
    for m in record["moments"]:
        m["claim"] = "derived"
        m["per_size"] = [{"n": n, "mean": mu, "stderr": se} for n, mu, se in result.estimate.per_size]
    _plan_record(record, settings, fast, dropped)
    record["summary"] = kernel_summary(record)
    return record


def kernel_summary(record: dict[str, Any]) -> str:
    """The one-line summary of a kernel record (the moment summary, worded for one kernel).

    >>> rec = {"kernel": "ntk(tanh)", "order": 1, "sizes": [64, 128], "trials": 30, "family_wise_alarm_rate": 0.001,
    ...     "tolerance": 0.1, "moments": [{"k": 1, "estimate": 0.83, "stderr": 0.01, "expected": 0.832, "z": -0.2,
    ...     "ok": True, "detectable": 0.05, "trials_needed": 30}]}
    >>> kernel_summary(rec)
    'confirmed numerically for the NTK of finite-width networks at sizes [64, 128] with 30 trials (z_1=-0.20; detects 5 % with 80 % power, tolerance 10 %; family-wise rate 0.001)'
    """
    what = "the NTK" if str(record.get("kernel", "")).lstrip().startswith("ntk") else "the NNGP kernel"
    text = numeric_summary(record).replace("for k <= 1 ", f"for {what} of finite-width networks ")
    return text.replace(" in every moment", "").replace("m_1", what)


def numeric_summary(record: dict[str, Any]) -> str:
    """The one-line summary of a numeric record (re-made from the record by :func:`tpsym.proof.certificate.recheck`).

    >>> rec = {"order": 1, "sizes": [64, 128], "trials": 2, "family_wise_alarm_rate": 0.001, "tolerance": 0.02,
    ...     "moments": [{"k": 1, "estimate": 1.0, "stderr": 0.001, "expected": 1.0, "z": 0.0, "ok": True,
    ...     "detectable": 0.015, "trials_needed": 2}]}
    >>> numeric_summary(rec)
    'confirmed numerically for k <= 1 at sizes [64, 128] with 2 trials (z_1=+0.00; detects 1.5 % in every moment with 80 % power, tolerance 2 %; family-wise rate 0.001)'
    >>> rec["moments"][0].update(detectable=0.05, trials_needed=13)
    >>> numeric_summary(rec)
    'inconclusive numerically: no moment differs at family-wise rate 0.001, but m_1 could be off by 5 % undetected (tolerance 2 %); 13 trials per size would settle it'
    """
    moments = record["moments"]
    bad = [m for m in moments if not m["ok"]]
    rate = record["family_wise_alarm_rate"]
    dropped = record.get("dropped_sizes") or []
    tail = f"; sizes {list(dropped)} dropped: {record.get('dropped_because', '')}" if dropped else ""
    if bad:
        worst = max(bad, key=lambda m: abs(float(m["z"])))
        return (
            f"contradicted numerically: m_{worst['k']} estimated {float(worst['estimate']):.6g} ± {float(worst['stderr']):.2g}, "
            f"derived {float(worst['expected']):.6g} (family-wise rate {rate}){tail}"
        )
    tol = record.get("tolerance")
    detect = [float(m["detectable"]) for m in moments if m.get("detectable") is not None]
    if tol is not None and (len(detect) < len(moments) or any(d > float(tol) for d in detect)):
        weak = max(moments, key=lambda m: float("inf") if m.get("detectable") is None else float(m["detectable"]))
        needed = max((m.get("trials_needed") for m in moments), key=lambda t: float("inf") if t is None else t)
        settle = (
            f"{needed} trials per size would settle it" if needed is not None
            else "more than 10000 trials per size would be needed (larger sizes help only where the spread shrinks with N)"
        )
        return (
            f"inconclusive numerically: no moment differs at family-wise rate {rate}, but m_{weak['k']} could be off by "
            f"{_pct(float(weak['detectable']))} undetected (tolerance {_pct(float(tol))}); {settle}{tail}"
        )
    zs = ", ".join(f"z_{m['k']}={float(m['z']):+.2f}" for m in moments)
    control = " and a control variate" if record.get("variance_reduction", "none") != "none" else ""
    power = f"detects {_pct(max(detect))} in every moment with 80 % power, tolerance {_pct(float(tol))}; " if tol is not None and detect else ""
    return (
        f"confirmed numerically for k <= {record['order']} at sizes {list(record['sizes'])} with {record['trials']} trials"
        f"{control} ({zs}; {power}family-wise rate {rate}){tail}"
    )


def redecide(record: dict[str, Any], *, tolerance: float | None = None, alpha: float | None = None) -> str:
    """The verdict that the recorded estimates imply (Holm at the given rate, power at the given tolerance).

    ``alpha`` and ``tolerance`` come from the claim (the record's own are
    compared with them by the caller); when not given, the record's are used.

    >>> rec = {"family_wise_alarm_rate": 0.01, "trials": 10, "moments": [
    ...     {"claim": "derived", "k": 1, "estimate": 1.0, "stderr": 0.001, "expected": 1.0, "z": 0.0, "ok": True, "df": 9}]}
    >>> redecide(rec, tolerance=0.02), redecide(rec, tolerance=0.001)
    ('confirmed', 'inconclusive')
    """
    from tpsym.numeric.decision import MomentEstimate, decide_family

    alpha = float(record["family_wise_alarm_rate"]) if alpha is None else float(alpha)
    if tolerance is None and record.get("tolerance") is not None:
        tolerance = float(record["tolerance"])
    by_claim: dict[str, list[dict[str, Any]]] = {}
    for m in record["moments"]:
        by_claim.setdefault(m.get("claim", "derived"), []).append(m)
    families = []
    for name, rows in by_claim.items():
        rows = sorted(rows, key=lambda r: r["k"])
        est = tuple(MomentEstimate(int(r["k"]), float(r["estimate"]), float(r["stderr"]), int(r.get("df", 0) or 0)) for r in rows)
        families.append((name, est, {int(r["k"]): float(r["expected"]) for r in rows}))
    trials = record.get("trials")
    decision = decide_family(iter(families), alpha=alpha, tolerance=tolerance, trials=int(trials) if trials else None)
    for t, r in zip(sorted(decision.tests, key=lambda t: (t.claim, t.k)), sorted(record["moments"], key=lambda r: (r.get("claim", "derived"), r["k"]))):
        if abs(float(t.z) - float(r["z"])) > 1e-6 * max(1.0, abs(float(r["z"]))):
            return f"inconsistent z-score for k={r['k']}: recorded {r['z']}, recomputed {t.z}"
        if bool(r.get("ok")) != bool(t.ok):
            return f"inconsistent decision for k={r['k']}: recorded ok={r.get('ok')}, recomputed ok={t.ok}"
        if "detectable" in r and (r["detectable"] is None or t.detectable is None
                                  or abs(float(r["detectable"]) - t.detectable) > 1e-6 * t.detectable):
            return f"inconsistent detectable error for k={r['k']}: recorded {r['detectable']}, recomputed {t.detectable}"
        if "trials_needed" in r and r["trials_needed"] != t.trials_needed:
            return f"inconsistent trials needed for k={r['k']}: recorded {r['trials_needed']}, recomputed {t.trials_needed}"
    return decision.verdict
