"""A cross-check: sample, estimate every moment over a size sweep, decide.

:func:`estimate_moments` runs ``trials`` independent trials at each size of
``sizes`` through one executor (:mod:`tpsym.numeric.executor`), and turns
them into one :class:`~tpsym.numeric.decision.MomentEstimate` per moment
(1/N extrapolation over the sweep). :func:`crosscheck` adds the claims and
the decision (Holm over all moments and claims, family-wise false-alarm rate
``alpha``).

A target is a law of :mod:`tpsym.laws` (sampled by
:func:`~tpsym.numeric.law_samplers.sample_matrix`), a
:class:`~tpsym.numeric.network.NetworkSampler`, or any object with the same
methods (``sample(rng, n)``, ``operator(rng, n)``, ``dense_bytes(n)``,
``matrix_free_bytes(n)``, ``expected_moments(order)``, ``description``).

>>> from tpsym.laws import semicircle
>>> r = crosscheck(semicircle(), 4, sizes=(64, 128), trials=8, seed=1, workers=0)
>>> r.verdict, [t.k for t in r.decision.tests]
('confirmed', [1, 2, 3, 4])
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tpsym.errors import InputError, NumericError
from tpsym.numeric.decision import DEFAULT_ALPHA, Decision, MomentEstimate, decide_family
from tpsym.numeric.ensembles import reset_rounded
from tpsym.numeric.estimate import (
    controlled_statistics,
    hutchinson_moments,
    rounding_floor,
    spectral_moments,
    trial_statistics,
)
from tpsym.numeric.executor import get_executor, job_seed

__all__ = [
    "DEFAULT_SIZES",
    "DEFAULT_TRIALS",
    "DEFAULT_PROBES",
    "min_size",
    "as_target",
    "available_memory",
    "check_memory",
    "keeps_weights",
    "estimate_moments",
    "uses_control",
    "CrossCheck",
    "crosscheck",
]

#: The default size sweep.
DEFAULT_SIZES: tuple[int, ...] = (256, 512, 1024)
#: The default number of independent trials per size.
DEFAULT_TRIALS = 20
#: The default number of Rademacher probes of the matrix-free estimator.
DEFAULT_PROBES = 32


def min_size(order: int) -> int:
    """The smallest matrix size accepted for moments up to ``order``: ``max(16, 4·order²)``.

    The 1/N fit neglects the next term of the finite-size expansion, whose
    relative size grows like ``k³/N²`` (for GUE moments, Harer & Zagier,
    Invent. Math. 85 (1986) 457, the genus-1 coefficient of ``m_2k`` is
    ``C_k·(k+1)k(k-1)/12``); at ``N ≥ 4k²`` it is below ``1/(48k)`` of the
    leading term's 1/N correction.

    Examples
    --------
    >>> min_size(2), min_size(8)
    (16, 256)
    """
    return max(16, 4 * order * order)


def as_target(target: Any) -> Any:
    """A law of :mod:`tpsym.laws` wrapped in a :class:`~tpsym.numeric.law_samplers.LawSampler`,
    a network law or MLP as a :class:`~tpsym.numeric.network.NetworkSampler`, or the
    target itself when it already samples.

    Examples
    --------
    >>> from tpsym.laws import mp
    >>> as_target(mp(1)).description
    'mp(ratio=1)'
    """
    if hasattr(target, "sample") and hasattr(target, "operator"):
        return target
    from tpsym.nets import MLP  # part of the package: a broken import is a bug to show, not a missing route
    from tpsym.numeric.network import NetworkSampler

    if isinstance(target, MLP):
        return NetworkSampler.from_mlp(target)
    from tpsym.laws import Law
    from tpsym.numeric.law_samplers import LawSampler

    if isinstance(target, Law):
        # the law of a residual or recurrent network's Jacobian: sample the real network
        from tpsym.nets import ResNetLaw, RNNLaw
        from tpsym.numeric.architectures import RecurrentSampler, ResidualSampler

        if isinstance(target, ResNetLaw):
            return _LawOfNetwork(ResidualSampler.of(target), target)
        if isinstance(target, RNNLaw):
            return _LawOfNetwork(RecurrentSampler.of(target), target)
        # a law of a network's Jacobian: sample the real network
        for name in ("mlp", "network", "net", "model"):
            net = getattr(target, name, None)
            if isinstance(net, MLP):
                d2 = getattr(target, "d2", None)
                if d2 is not None:
                    from tpsym.errors import NoSamplerError

                    raise NoSamplerError(
                        f"the law of D² is given as d2={d2.spec}, not by the network's "
                        "activation: no network realises it (leave d2 out to sample the network)"
                    )
                sampler = NetworkSampler.from_mlp(
                    net, q=getattr(target, "q", None), precision=getattr(target, "precision", None)
                )
                gram = getattr(target, "gram", "output")
                if gram != "output":
                    import dataclasses

                    sampler = dataclasses.replace(sampler, gram=gram)
                return _LawOfNetwork(sampler, target)
        return LawSampler(target)
    raise InputError(f"{target!r} is not a law, a network or a sampler")


@dataclass(frozen=True, slots=True)
class _LawOfNetwork:
    """A Jacobian law sampled by its real network; expected moments from the law."""

    network: Any
    law: Any

    @property
    def description(self) -> str:
        return str(self.law)

    def __getattr__(self, name: str) -> Any:
        # sampling, memory and the control variate are the network's
        if name in ("network", "law") or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.network, name)

    def expected_moments(self, order: int) -> tuple[float, ...]:
        return tuple(float(m) for m in self.law.moments(order))


def available_memory() -> float:
    """Bytes of memory available to new allocations (``MemAvailable``), or +inf if unknown.

    Examples
    --------
    >>> available_memory() > 0
    True
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024.0
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return float("inf")


def _gib(x: float) -> str:
    return f"{x / 2**30:.1f} GiB"


def check_memory(
    target: Any,
    n: int,
    *,
    matrix_free: bool,
    workers: int,
    memory: float | None = None,
    suggest_matrix_free: bool = True,
) -> None:
    """Raise :class:`~tpsym.errors.InputError` when ``workers`` trials of size ``n``
    would not fit in memory; the message says how much they need and, when
    ``suggest_matrix_free``, whether ``--matrix-free`` would fit.

    Examples
    --------
    >>> from tpsym.laws import semicircle
    >>> from tpsym.numeric.law_samplers import LawSampler
    >>> check_memory(LawSampler(semicircle()), 100, matrix_free=False, workers=2)
    >>> check_memory(LawSampler(semicircle()), 10**6, matrix_free=False, workers=1, memory=2.0**34)
    Traceback (most recent call last):
    ...
    tpsym.errors.InputError: dense matrices of size N=1000000 need about 29802.3 GiB per trial (1 at a time); 16.0 GiB is available: use a smaller --size
    """
    mem = available_memory() if memory is None else memory
    concurrent = max(1, workers)
    need = (target.matrix_free_bytes(n) if matrix_free else target.dense_bytes(n)) * concurrent
    if need <= mem:
        return
    kind = "matrix-free trials" if matrix_free else "dense matrices"
    msg = (
        f"{kind} of size N={n} need about {_gib(need / concurrent)} per trial "
        f"({concurrent} at a time); {_gib(mem)} is available"
    )
    if not matrix_free and suggest_matrix_free:
        free_need = target.matrix_free_bytes(n) * concurrent
        if free_need <= mem:
            raise InputError(msg + f": use --matrix-free (about {_gib(free_need)}) or a smaller --size")
    raise InputError(msg + ": use a smaller --size")


@dataclass(frozen=True, slots=True)
class _Job:
    target: Any
    n: int
    order: int
    seed: int
    trial: int
    matrix_free: bool
    probes: int
    control: bool = False
    #: matrix-free only: hold the Gaussian weights in memory (they fit) instead of regenerating them
    keep_weights: bool = False


def keeps_weights(target: Any, n: int, *, workers: int, memory: float | None = None) -> bool:
    """Whether matrix-free trials of size ``n`` keep their Gaussian weights in memory.

    They do when ``workers`` trials with stored weights fit in half the
    available memory; otherwise every product regenerates the weights block
    by block (slower, in constant memory). The values are the same either way.

    >>> from tpsym.numeric.network import NetworkSampler
    >>> s = NetworkSampler.uniform(10, "relu", sigma_w2=2.0)
    >>> keeps_weights(s, 2048, workers=1, memory=2.0**34), keeps_weights(s, 2048, workers=1, memory=2.0**28)
    (True, False)
    """
    need = getattr(target, "matrix_free_bytes", None)
    if need is None:
        return False
    try:
        kept = need(n, kept=True)
    except TypeError:  # a target without weights to keep
        return False
    mem = available_memory() if memory is None else memory
    return kept * max(1, workers) <= mem / 2


def _run_trial(job: _Job) -> tuple[np.ndarray, np.ndarray, float, bool]:
    """Moments, absolute moments, the control variate (with ``job.control``) of one trial,
    and whether its draw rounded a non-integer size (:func:`~tpsym.numeric.ensembles.randomised_round`)."""
    rng = np.random.default_rng(job_seed(job.seed, job.n, job.trial))
    control = float("nan")
    reset_rounded()
    if job.matrix_free:
        extra = {"keep": True} if job.keep_weights else {}
        if job.control:
            op, control = job.target.operator_controlled(rng, job.n, **extra)
        else:
            op = job.target.operator(rng, job.n, **extra)
        size = int(getattr(op, "n", job.n))  # Jᵀ J of a rectangular network lives on its N_0 inputs
        return (*hutchinson_moments(op, size, job.order, rng, probes=job.probes), control, reset_rounded())
    if job.control:
        a, control = job.target.sample_controlled(rng, job.n)
    else:
        a = job.target.sample(rng, job.n)
    return (*spectral_moments(a, job.order), control, reset_rounded())


def uses_control(target: Any, trials: int, control_variate: bool = True) -> bool:
    """Whether a cross-check of ``target`` with ``trials`` trials uses a control variate.

    It does for a network whose activations :mod:`tpsym.nets` knows (the
    control's mean-field expectation exists) with at least 4 trials, unless
    ``control_variate`` is false.

    Examples
    --------
    >>> from tpsym.numeric.network import NetworkSampler
    >>> net = NetworkSampler.uniform(2, "relu", sigma_w2=2.0)
    >>> uses_control(net, 10), uses_control(net, 3), uses_control(net, 10, control_variate=False)
    (True, False, False)
    """
    return bool(control_variate) and trials >= 4 and getattr(target, "control_mean", None) is not None


def _check_sizes(sizes: Sequence[int], order: int) -> tuple[int, ...]:
    if isinstance(sizes, (int, np.integer)):
        sizes = (int(sizes),)
    out = []
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise InputError(f"size {n!r} is not an int")
        out.append(int(n))
    if not out:
        raise InputError("no size given")
    if len(set(out)) != len(out):
        raise InputError(f"sizes={out} must be distinct")
    low = min_size(order)
    small = [n for n in out if n < low]
    if small:
        raise InputError(
            f"size {small[0]} is too small for order={order}: the sizes must be at least {low} "
            "(4·order², at least 16)"
        )
    return tuple(sorted(out))


def estimate_moments(
    target: Any,
    order: int,
    *,
    sizes: Sequence[int] = DEFAULT_SIZES,
    trials: int = DEFAULT_TRIALS,
    seed: int = 0,
    matrix_free: bool = False,
    probes: int = DEFAULT_PROBES,
    scheduler: str | None = None,
    workers: int = 2,
    executor: Any = None,
    progress: bool = False,
    control_variate: bool = True,
) -> tuple[MomentEstimate, ...]:
    """Estimate ``m_1..m_order`` of ``target``'s spectral law, extrapolated over ``sizes``.

    Each trial has its own seed ``job_seed(seed, n, trial)``; the result does
    not depend on the executor. The standard error of each size is the
    trial standard error combined with :func:`~tpsym.numeric.estimate.rounding_floor`.
    For a network (see :func:`uses_control`) each size's mean and standard
    error come from :func:`~tpsym.numeric.estimate.controlled_statistics`
    with the control ``Σ_l mean(φ'(h^l)²)`` of mean-field mean ``Σ_l μ_1^(l)``;
    its O(1/N) bias joins the finite-size bias the sweep extrapolates away.

    Examples
    --------
    >>> from tpsym.laws import dirac
    >>> est = estimate_moments(dirac(2), 2, sizes=(16, 32), trials=2, workers=0)
    >>> [round(e.estimate, 10) for e in est]
    [2.0, 4.0]
    """
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
        raise InputError(f"{order=} must be a positive int")
    order = int(order)
    if isinstance(trials, bool) or not isinstance(trials, (int, np.integer)) or trials < 2:
        raise InputError(f"{trials=} must be an int ≥ 2 (a standard error needs two trials)")
    sizes = _check_sizes(sizes, order)
    target = as_target(target)
    check_size = getattr(target, "check_size", None)
    if check_size is not None:  # e.g. a network whose widths must be integers at every size
        for n in sizes:
            check_size(n)
    ex = executor if executor is not None else get_executor(scheduler, workers=workers)
    concurrent = getattr(ex, "workers", 1)
    for n in sorted(sizes, reverse=True):
        check_memory(target, n, matrix_free=matrix_free, workers=concurrent)
    control = uses_control(target, trials, control_variate)
    keep = {n: bool(matrix_free) and keeps_weights(target, n, workers=concurrent) for n in sizes}
    jobs = [
        _Job(target, n, order, int(seed), t, bool(matrix_free), int(probes), control, keep[n])
        for n in sizes
        for t in range(int(trials))
    ]
    results = ex.map(_run_trial, jobs, progress=progress)
    means, ses, dfs = [], [], []
    for i, n in enumerate(sizes):
        chunk = results[i * trials : (i + 1) * trials]
        values = np.array([r[0] for r in chunk])
        if any(r[3] for r in chunk) and not matrix_free:
            same = [k + 1 for k in range(order) if np.ptp(values[:, k]) == 0.0]
            if same:
                raise NumericError(
                    f"all {trials} trials at size {n} gave the same m_{same[0]}, although the sampler "
                    "rounds a non-integer count at random (atoms p·n, columns λ·n): every trial "
                    "rounded the same way by chance, so their spread says nothing of the variance. "
                    "Use more trials, or sizes at which these counts are integers"
                )
        floor = rounding_floor(np.array([r[1] for r in chunk]).mean(axis=0), n)
        if control:
            controls = np.array([r[2] for r in chunk])
            stats = controlled_statistics(values, controls, target.control_mean, floor=floor)
        else:
            stats = trial_statistics(values, floor=floor)
        means.append(stats.mean)
        ses.append(stats.stderr)
        dfs.append(stats.df)
    means_a, ses_a = np.array(means), np.array(ses)
    return tuple(
        MomentEstimate.from_sweep(k, sizes, means_a[:, k - 1], ses_a[:, k - 1], df=min(dfs))
        for k in range(1, order + 1)
    )


@dataclass(frozen=True, slots=True)
class CrossCheck:
    """The result of :func:`crosscheck`: the estimates, the decision and the settings."""

    target: str
    order: int
    sizes: tuple[int, ...]
    trials: int
    seed: int
    matrix_free: bool
    estimates: tuple[MomentEstimate, ...]
    decision: Decision
    seconds: float
    control_mean: float | None = None

    @property
    def variance_reduction(self) -> str:
        """How the trials' spread was reduced (the control variate and its mean), or ``"none"``."""
        if self.control_mean is None:
            return "none"
        return f"control variate sum_l mean(phi'(h^l)^2), mean-field mean {self.control_mean:.6g}"

    @property
    def verdict(self) -> str:
        """``"confirmed"`` or ``"contradicted"``."""
        return self.decision.verdict

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (what ``tpsym crosscheck --json`` prints).

        Examples
        --------
        >>> from tpsym.laws import dirac
        >>> d = crosscheck(dirac(1), 1, sizes=(16, 32), trials=2, workers=0).to_dict()
        >>> d["verdict"], d["moments"][0]["k"], d["moments"][0]["ok"]
        ('confirmed', 1, True)
        """
        by_k = {e.k: e for e in self.estimates}
        moments = []
        for t in self.decision.tests:
            row = t.to_dict()
            e = by_k.get(t.k)
            if e is not None:
                row["per_size"] = [{"n": n, "mean": m, "stderr": s} for n, m, s in e.per_size]
            moments.append(row)
        return {
            "target": self.target,
            "order": self.order,
            "sizes": list(self.sizes),
            "trials": self.trials,
            "seed": self.seed,
            "estimator": "hutchinson" if self.matrix_free else "eigvalsh",
            "variance_reduction": self.variance_reduction,
            "extrapolation": "weighted least squares in 1/N" if len(self.sizes) > 1 else "none (one size)",
            "family_wise_alarm_rate": self.decision.alpha,
            "method": self.decision.method,
            "moments": moments,
            "verdict": self.verdict,
            "seconds": round(self.seconds, 3),
        }


def crosscheck(
    target: Any,
    order: int,
    *,
    claims: Mapping[str, Sequence[float] | Mapping[int, float] | None] | None = None,
    alpha: float = DEFAULT_ALPHA,
    sizes: Sequence[int] = DEFAULT_SIZES,
    trials: int = DEFAULT_TRIALS,
    seed: int = 0,
    matrix_free: bool = False,
    probes: int = DEFAULT_PROBES,
    scheduler: str | None = None,
    workers: int = 2,
    executor: Any = None,
    progress: bool = False,
    control_variate: bool = True,
) -> CrossCheck:
    """Confirm or contradict claimed moments of ``target`` by simulation.

    Parameters
    ----------
    target : Law, NetworkSampler or sampler
    order : int
        Moments ``m_1..m_order`` are estimated.
    claims : mapping name → moments, optional
        Each claim is a sequence ``(m_1, ..., m_order)`` or a mapping
        ``k → m_k``; ``None`` as a value means the target's derived moments.
        Default: ``{"derived": None}``.
    alpha : float
        Family-wise false-alarm rate over all moments and claims (Holm).
    sizes, trials, seed, matrix_free, probes, scheduler, workers, executor, progress, control_variate
        See :func:`estimate_moments`.

    Examples
    --------
    >>> from tpsym.laws import mp
    >>> r = crosscheck(mp(1), 2, claims={"right": [1, 2], "wrong": [1, 2.5]},
    ...                sizes=(64, 128), trials=8, workers=0)
    >>> r.verdict, [(t.claim, t.k) for t in r.decision.failures]
    ('contradicted', [('wrong', 2)])
    """
    start = time.perf_counter()
    sizes = (int(sizes),) if isinstance(sizes, (int, np.integer)) else tuple(sizes)
    if len(set(sizes)) < 2:
        raise InputError(
            f"sizes={list(sizes)}: a decision needs at least two sizes, since one size cannot tell "
            "the O(1/N) finite-size bias from a wrong claim (the sweep extrapolates it away)"
        )
    tgt = as_target(target)
    claims = dict(claims) if claims is not None else {"derived": None}
    resolved: list[tuple[str, Any]] = []
    for name, values in claims.items():
        if values is None:
            values = tgt.expected_moments(order)
            if values is None:
                raise InputError(f"claim {name!r}: {tgt.description} has no derived moments; give them")
        resolved.append((str(name), values))
    estimates = estimate_moments(
        tgt, order, sizes=sizes, trials=trials, seed=seed, matrix_free=matrix_free,
        probes=probes, scheduler=scheduler, workers=workers, executor=executor, progress=progress,
        control_variate=control_variate,
    )
    decision = decide_family(((name, estimates, values) for name, values in resolved), alpha=alpha)
    return CrossCheck(
        target=tgt.description,
        order=int(order),
        sizes=tuple(sorted(int(n) for n in sizes)),
        trials=int(trials),
        seed=int(seed),
        matrix_free=bool(matrix_free),
        estimates=estimates,
        decision=decision,
        seconds=time.perf_counter() - start,
        control_mean=tgt.control_mean if uses_control(tgt, int(trials), control_variate) else None,
    )
