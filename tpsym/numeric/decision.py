"""The statistical decision: does a simulation confirm the derived moments?

No hand-tuned tolerance decides (``docs/design.md``). A moment is tested by

1. **its estimate and standard error** at each size of a sweep
   (:class:`~tpsym.numeric.estimate.TrialStatistics` over independent trials);
2. **finite-size extrapolation** (:func:`extrapolate`): a weighted
   least-squares fit ``m(N) = a + b/N`` over the sizes, weights ``1/se²``;
   the extrapolated value is ``a`` with the standard error from the fit's
   parameter covariance ``(XᵀWX)⁻¹``, multiplied by the scale factor
   ``max(1, χ²/dof)`` when the fit has residual degrees of freedom (the
   Particle Data Group's rule for inconsistent data, Review of Particle
   Physics, "Introduction", Sec. 5.2.2; it only ever widens the error, so a
   finite-size bias that the 1/N model misses makes the test conservative,
   not false);
3. **a two-sided test** of ``a = expected`` with ``z = (a - expected)/se``
   and a Student-t p-value with ``T - 1`` degrees of freedom (T the trials
   per size; ``T - 2`` for a network's controlled means, which fit the
   control's coefficient too; conservative for the fit, whose error
   combines several independent variance estimates); the degrees of
   freedom are reported with each test;
4. **Holm's step-down procedure** (:func:`holm`) over every moment of every
   claim in the run, which keeps the family-wise false-alarm rate at most
   ``alpha`` under any dependence between the tests (Holm, Scand. J.
   Statist. 6 (1979) 65–70). Each test reports its own threshold: a test
   fails exactly when its p-value is at most that threshold;
5. **power** (:func:`detectable_shift`): each test reports the smallest
   deviation it would detect with probability ``power`` (80 %) at the
   strictest Holm threshold ``alpha/m`` (the one a single wrong moment among
   m tests meets first), from the noncentral t distribution with the test's
   degrees of freedom (the normal one when there are none), and the trials
   that would bring it down to a tolerance. With a ``tolerance`` the verdict
   is ``confirmed`` only when every moment's detectable relative error is at
   most the tolerance; otherwise ``inconclusive`` (unless a test rejects:
   ``contradicted``).

>>> import numpy as np
>>> rej, thr = holm([0.001, 0.04, 0.03], alpha=0.05)
>>> rej.tolist(), [round(float(t), 4) for t in thr]
([True, False, False], [0.0167, 0.025, 0.025])
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import scipy.optimize
import scipy.stats

from tpsym.errors import InputError, NumericError

__all__ = [
    "Extrapolation",
    "extrapolate",
    "holm",
    "MomentEstimate",
    "MomentTest",
    "Decision",
    "decide",
    "decide_family",
    "DEFAULT_ALPHA",
    "DEFAULT_TOLERANCE",
    "DEFAULT_POWER",
    "detectable_shift",
    "trials_for",
    "moment_scale",
]

#: The default family-wise false-alarm rate of a run.
DEFAULT_ALPHA = 0.01
#: The default largest relative error a ``confirmed`` verdict may leave undetected.
DEFAULT_TOLERANCE = 0.02
#: The probability with which a test must detect an error of the detectable size.
DEFAULT_POWER = 0.8


def detectable_shift(stderr: float, df: int | None, level: float, power: float = DEFAULT_POWER) -> float:
    """The smallest ``|estimate - expected|`` a two-sided t test at ``level`` detects with ``power``.

    The statistic ``(a - x)/se`` with a true shift ``d`` follows the
    noncentral t distribution with ``df`` degrees of freedom and
    noncentrality ``d/se``; the returned ``d`` solves
    ``P(|T| > t_crit) = power`` (``scipy.stats.nct``). Without degrees of
    freedom (``df`` None or < 1) the normal distribution is used.

    Examples
    --------
    >>> round(detectable_shift(1.0, None, 0.05), 3)   # 1.96 + 0.84
    2.802
    >>> detectable_shift(1.0, 4, 0.001) > detectable_shift(1.0, 40, 0.001) > detectable_shift(1.0, None, 0.001)
    True
    """
    if not 0 < level < 1 or not 0 < power < 1:
        raise InputError(f"{level=} and {power=} must lie in (0, 1)")
    if not np.isfinite(stderr) or stderr < 0:
        raise NumericError(f"{stderr=} must be finite and non-negative")
    if stderr == 0:
        return 0.0
    # the shift is stderr times a root that depends on (df, level, power) only: solved once per triple
    return _unit_shift(None if df is None or df < 1 else int(df), float(level), float(power)) * stderr


@functools.lru_cache(maxsize=4096)
def _unit_shift(df: int | None, level: float, power: float) -> float:
    """The noncentrality :func:`detectable_shift` solves for (its shift at unit standard error)."""
    if df is None:
        crit = float(scipy.stats.norm.isf(level / 2))

        def reach(nc: float) -> float:
            return float(scipy.stats.norm.sf(crit - nc) + scipy.stats.norm.cdf(-crit - nc)) - power
    else:
        crit = float(scipy.stats.t.isf(level / 2, df))

        def reach(nc: float) -> float:
            # the far tail P(T < -crit) is below 1e-300 once nc is large, where scipy returns nan
            lower = float(scipy.stats.nct.cdf(-crit, df, nc))
            return float(scipy.stats.nct.sf(crit, df, nc)) + (lower if np.isfinite(lower) else 0.0) - power
    hi = crit + float(scipy.stats.norm.isf(1 - power)) + 1.0
    while reach(hi) < 0:
        hi *= 2
    return float(scipy.optimize.brentq(reach, 0.0, hi, xtol=1e-10))


def trials_for(
    stderr: float, df: int | None, trials: int, level: float, target: float, power: float = DEFAULT_POWER,
    limit: int = 10_000,
) -> int | None:
    """The fewest trials at which the detectable shift is at most ``target`` (standard error ∝ 1/√trials).

    The degrees of freedom grow with the trials (``df + extra``). Returns
    ``None`` when more than ``limit`` trials would be needed.

    >>> trials_for(0.01, 9, 10, 0.01, 0.02)
    33
    """
    if detectable_shift(stderr, df, level, power) <= target:
        return int(trials)
    lo, hi = int(trials), int(trials)
    while True:
        hi = min(2 * hi, limit)
        d = None if df is None or df < 1 else df + hi - trials
        if detectable_shift(stderr * np.sqrt(trials / hi), d, level, power) <= target:
            break
        if hi >= limit:
            return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        d = None if df is None or df < 1 else df + mid - trials
        if detectable_shift(stderr * np.sqrt(trials / mid), d, level, power) <= target:
            hi = mid
        else:
            lo = mid
    return hi


def moment_scale(k: int, expected: Mapping[int, float]) -> float:
    """What a relative error of ``m_k`` is relative to.

    ``|m_k|`` when it is not 0; for a vanishing moment (an odd moment of a
    symmetric law) ``m_2^(k/2)``, the size of a moment of that order; 1
    when ``m_2`` is not known or is 0 too (then the error is absolute).

    >>> moment_scale(3, {1: 0.0, 2: 4.0, 3: 0.0}), moment_scale(2, {2: 4.0})
    (8.0, 4.0)
    """
    x = float(expected[k])
    if x != 0:
        return abs(x)
    m2 = float(expected.get(2, 0.0))
    return float(m2 ** (k / 2)) if m2 > 0 else 1.0


@dataclass(frozen=True, slots=True)
class Extrapolation:
    """The result of :func:`extrapolate`: the value at ``1/N = 0`` and its error."""

    value: float
    stderr: float
    slope: float
    chi2: float
    dof: int
    scale: float


def extrapolate(
    sizes: Sequence[int], means: Sequence[float] | np.ndarray, stderrs: Sequence[float] | np.ndarray
) -> Extrapolation:
    """Weighted least-squares fit ``m(N) = a + b/N``; ``a`` is the value at N = ∞.

    With a single size there is nothing to fit: the estimate is returned as
    it is (``dof = -1``: no extrapolation). With two sizes the line passes
    through both points (``dof = 0``). With more, the covariance is scaled
    by ``max(1, χ²/dof)``.

    Examples
    --------
    >>> e = extrapolate([100, 200, 400], [2.05, 2.025, 2.0125], [0.01, 0.005, 0.0025])
    >>> round(e.value, 10), round(e.slope, 8), e.dof
    (2.0, 5.0, 1)
    """
    n = np.asarray(sizes, dtype=np.float64)
    y = np.asarray(means, dtype=np.float64)
    s = np.asarray(stderrs, dtype=np.float64)
    if not (n.shape == y.shape == s.shape) or n.ndim != 1 or n.size == 0:
        raise InputError("sizes, means and stderrs must be 1-d of one length")
    if len(set(n.tolist())) != n.size:
        raise InputError(f"sizes={list(sizes)} must be distinct")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(s))):
        raise NumericError(f"means={list(means)} and stderrs={list(stderrs)} must be finite")
    if np.any(s <= 0):
        raise InputError(f"stderrs={list(stderrs)} must be positive and finite")
    if n.size == 1:
        return Extrapolation(float(y[0]), float(s[0]), 0.0, 0.0, -1, 1.0)
    # least squares on rows scaled by 1/s, through QR (the normal equations
    # lose half the digits when the weights span many orders of magnitude);
    # 1/N is measured in units of 1/min(N) so that both columns are O(1)
    unit = float(n.min())
    x = unit / n
    design = np.column_stack([np.ones_like(x), x])
    q, r = np.linalg.qr(design / s[:, None])
    if abs(np.linalg.det(r)) <= 1e-300:
        raise NumericError(f"the 1/N fit over sizes={list(sizes)} is singular (stderrs={list(stderrs)})")
    r_inv = np.linalg.inv(r)
    beta = r_inv @ (q.T @ (y / s))
    cov = r_inv @ r_inv.T
    resid = y - design @ beta
    chi2 = float(np.sum((resid / s) ** 2))
    dof = n.size - 2
    scale = max(1.0, chi2 / dof) if dof > 0 else 1.0
    return Extrapolation(
        value=float(beta[0]),
        stderr=float(np.sqrt(cov[0, 0] * scale)),
        slope=float(beta[1]) * unit,
        chi2=chi2,
        dof=dof,
        scale=scale,
    )


def holm(p_values: Sequence[float], alpha: float = DEFAULT_ALPHA) -> tuple[np.ndarray, np.ndarray]:
    """Holm's step-down procedure: which hypotheses to reject, and each threshold.

    Sort the m p-values increasingly; the i-th smallest (i = 0..m-1) is
    compared with ``alpha/(m - i)``; reject until the first comparison that
    fails, accept it and every later one. The family-wise error rate is at
    most ``alpha`` whatever the dependence between the tests.

    Returns
    -------
    (rejected, thresholds) : tuple of numpy arrays, in the order given.
        A hypothesis is rejected exactly when its p-value is at most its
        threshold: after the first failed comparison, every later hypothesis
        reports the threshold that failed.

    Examples
    --------
    >>> rej, thr = holm([0.02, 0.001], alpha=0.05)
    >>> rej.tolist(), thr.tolist()
    ([True, True], [0.05, 0.025])
    >>> rej, thr = holm([0.04, 0.03], alpha=0.05)  # 0.03 > 0.025: nothing is rejected
    >>> rej.tolist(), thr.tolist()
    ([False, False], [0.025, 0.025])
    """
    p = np.asarray(p_values, dtype=np.float64)
    if not 0 < alpha < 1:
        raise InputError(f"{alpha=} must lie in (0, 1)")
    m = p.size
    order = np.argsort(p, kind="stable")
    thresholds = np.empty(m)
    rejected = np.zeros(m, dtype=bool)
    stop: float | None = None
    for i, idx in enumerate(order):
        if stop is None and p[idx] <= alpha / (m - i):
            thresholds[idx] = alpha / (m - i)
            rejected[idx] = True
        else:
            # the first failed comparison accepts every later hypothesis: each keeps
            # that threshold, which its (larger) p-value exceeds
            stop = alpha / (m - i) if stop is None else stop
            thresholds[idx] = stop
    return rejected, thresholds


@dataclass(frozen=True, slots=True)
class MomentEstimate:
    """The estimate of one moment: value, standard error and how it was obtained.

    ``per_size`` holds ``(N, mean, stderr)`` for each size of the sweep;
    ``df`` the degrees of freedom of the standard errors (trials − 1);
    ``extrapolated`` whether the value is a 1/N extrapolation.
    """

    k: int
    estimate: float
    stderr: float
    df: int
    per_size: tuple[tuple[int, float, float], ...] = ()
    extrapolated: bool = False
    fit: Extrapolation | None = None

    @classmethod
    def from_sweep(
        cls, k: int, sizes: Sequence[int], means: Sequence[float] | np.ndarray, stderrs: Sequence[float] | np.ndarray, df: int
    ) -> MomentEstimate:
        """Fit the sweep with :func:`extrapolate` and keep every point.

        Examples
        --------
        >>> e = MomentEstimate.from_sweep(2, [256, 512], [1.01, 1.005], [0.002, 0.001], df=19)
        >>> round(e.estimate, 6), e.extrapolated
        (1.0, True)
        """
        fit = extrapolate(sizes, means, stderrs)
        return cls(
            k=int(k),
            estimate=fit.value,
            stderr=fit.stderr,
            df=int(df),
            per_size=tuple(
                (int(n), float(m), float(s)) for n, m, s in zip(sizes, means, stderrs, strict=True)
            ),
            extrapolated=len(sizes) > 1,
            fit=fit,
        )


@dataclass(frozen=True, slots=True)
class MomentTest:
    """One test of the family: a moment of a claim against its estimate."""

    claim: str
    k: int
    estimate: float
    stderr: float
    expected: float
    z: float
    p_value: float
    threshold: float
    z_threshold: float
    ok: bool
    df: int | None = None  # degrees of freedom of the Student-t test
    detectable: float | None = None  # smallest relative error detected with 80 % power
    scale: float | None = None  # what `detectable` is relative to (see moment_scale)
    trials_needed: int | None = None  # trials for detectable <= tolerance (None: over the limit)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``k, estimate, stderr, expected, z, ok`` and the test's details.

        Examples
        --------
        >>> t = MomentTest("c", 2, 1.0, 0.1, 1.0, 0.0, 1.0, 0.01, 2.58, True)
        >>> sorted(t.to_dict())[:4]
        ['claim', 'detectable', 'df', 'estimate']
        """
        return {
            "claim": self.claim,
            "k": self.k,
            "estimate": self.estimate,
            "stderr": self.stderr,
            "expected": self.expected,
            "z": self.z,
            "ok": self.ok,
            "p_value": self.p_value,
            "threshold": self.threshold,
            "z_threshold": self.z_threshold,
            "df": self.df,
            "detectable": self.detectable,
            "scale": self.scale,
            "trials_needed": self.trials_needed,
        }


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict of a run: every test, and the family-wise false-alarm rate kept."""

    tests: tuple[MomentTest, ...]
    alpha: float
    method: Literal["holm"] = "holm"
    notes: tuple[str, ...] = field(default=())
    tolerance: float | None = None
    power: float = DEFAULT_POWER

    @property
    def verdict(self) -> Literal["confirmed", "contradicted", "inconclusive"]:
        """``"contradicted"`` when any test rejects its claim; ``"inconclusive"`` when a
        tolerance is set and some test could miss an error of that size; else ``"confirmed"``."""
        if not all(t.ok for t in self.tests):
            return "contradicted"
        if self.tolerance is not None and not all(
            t.detectable is not None and t.detectable <= self.tolerance for t in self.tests
        ):
            return "inconclusive"
        return "confirmed"

    @property
    def detectable(self) -> list[float]:
        """The smallest relative error each test detects with the stated power, in test order."""
        return [float("nan") if t.detectable is None else t.detectable for t in self.tests]

    @property
    def failures(self) -> tuple[MomentTest, ...]:
        """Every rejected test (all of them are reported, not only the first)."""
        return tuple(t for t in self.tests if not t.ok)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the decision.

        Examples
        --------
        >>> d = decide([MomentEstimate(1, 1.0, 0.01, 9)], [1.0])
        >>> d.to_dict()["verdict"], d.to_dict()["family_wise_alarm_rate"]
        ('confirmed', 0.01)
        """
        return {
            "verdict": self.verdict,
            "family_wise_alarm_rate": self.alpha,
            "method": self.method,
            "tolerance": self.tolerance,
            "power": self.power,
            "detectable": self.detectable,
            "moments": [t.to_dict() for t in self.tests],
            "notes": list(self.notes),
        }


def _two_sided_p(z: float, df: int) -> float:
    if not np.isfinite(z):
        return 0.0
    if df is None or df < 1:
        return float(2.0 * scipy.stats.norm.sf(abs(z)))
    return float(2.0 * scipy.stats.t.sf(abs(z), df))


def _z_of(p: float, df: int) -> float:
    if df is None or df < 1:
        return float(scipy.stats.norm.isf(p / 2.0))
    return float(scipy.stats.t.isf(p / 2.0, df))


def decide_family(
    claims: Iterable[tuple[str, Sequence[MomentEstimate], Sequence[float] | Mapping[int, float]]],
    *,
    alpha: float = DEFAULT_ALPHA,
    tolerance: float | None = None,
    power: float = DEFAULT_POWER,
    trials: int | None = None,
) -> Decision:
    """Test several claims at once, Holm over all their moments.

    Parameters
    ----------
    claims : iterable of (name, estimates, expected)
        ``expected`` is a sequence aligned with ``estimates`` or a mapping
        ``k → value`` (moments missing from the mapping are not tested).
    alpha : float
        The family-wise false-alarm rate of the whole run.
    tolerance : float, optional
        The largest relative error a ``confirmed`` verdict may leave
        undetected (with probability ``1 - power``); without one the verdict
        is only ``confirmed`` or ``contradicted`` and the detectable errors
        are reported.
    power : float
        The probability of detecting an error of the detectable size.
    trials : int, optional
        The trials per size behind the estimates: each test then reports
        the trials that would bring its detectable error to ``tolerance``.

    Examples
    --------
    >>> est = [MomentEstimate(1, 1.0, 0.01, 19), MomentEstimate(2, 2.0, 0.01, 19)]
    >>> d = decide_family([("a", est, [1.0, 2.0]), ("b", est, [1.0, 2.1])])
    >>> d.verdict, [(t.claim, t.k) for t in d.failures]
    ('contradicted', [('b', 2)])
    """
    if tolerance is not None and not (0 < tolerance < np.inf):
        raise InputError(f"{tolerance=} must be a positive number")
    rows: list[tuple[str, MomentEstimate, float, float]] = []
    for name, estimates, expected in claims:
        if isinstance(expected, Mapping):
            known = {e.k for e in estimates}
            extra = sorted(k for k in expected if k not in known)
            if extra:
                raise InputError(
                    f"claim {name!r} gives m_{extra[0]}, which is not estimated "
                    f"(moments {min(known)}..{max(known)}): raise the order"
                )
            pairs = [(e, expected[e.k]) for e in estimates if e.k in expected]
        else:
            expected = list(expected)
            if len(expected) != len(estimates):
                raise InputError(
                    f"claim {name!r}: {len(expected)} expected values for {len(estimates)} estimates"
                )
            pairs = list(zip(estimates, expected, strict=True))
        by_k = {e.k: float(x) for e, x in pairs}
        for e, x in pairs:
            xf = float(x)
            if not np.isfinite(xf):
                raise InputError(f"claim {name!r}: expected m_{e.k}={x!r} is not a finite number")
            rows.append((name, e, xf, moment_scale(e.k, by_k)))
    if not rows:
        raise InputError("nothing to test: no claim has an expected moment")
    zs, ps = [], []
    for _, e, x, _ in rows:
        if e.stderr > 0:
            z = (e.estimate - x) / e.stderr
        else:
            z = 0.0 if e.estimate == x else float(np.copysign(np.inf, e.estimate - x))
        zs.append(float(z))
        ps.append(_two_sided_p(z, e.df))
    rejected, thresholds = holm(ps, alpha)
    level = alpha / len(rows)  # Holm's first (strictest) threshold: what a lone wrong moment meets
    detect = [detectable_shift(e.stderr, e.df, level, power) / sc for _, e, _, sc in rows]
    needed: list[int | None] = [None] * len(rows)
    if tolerance is not None and trials is not None:
        needed = [trials_for(e.stderr, e.df, trials, level, tolerance * sc, power) for _, e, _, sc in rows]
    tests = tuple(
        MomentTest(
            claim=name,
            k=e.k,
            estimate=e.estimate,
            stderr=e.stderr,
            expected=x,
            z=z,
            p_value=p,
            threshold=float(thr),
            z_threshold=_z_of(float(thr), e.df),
            ok=not bool(rej),
            df=e.df,
            detectable=d,
            scale=sc,
            trials_needed=nt,
        )
        for (name, e, x, sc), z, p, thr, rej, d, nt in zip(rows, zs, ps, thresholds, rejected, detect, needed, strict=True)
    )
    return Decision(tests=tests, alpha=float(alpha), tolerance=tolerance, power=float(power))


def decide(
    estimates: Sequence[MomentEstimate],
    expected: Sequence[float] | Mapping[int, float],
    *,
    alpha: float = DEFAULT_ALPHA,
    claim: str = "claim",
    tolerance: float | None = None,
    power: float = DEFAULT_POWER,
    trials: int | None = None,
) -> Decision:
    """Test one claim: :func:`decide_family` with a single member.

    Examples
    --------
    >>> d = decide([MomentEstimate(2, 2.003, 0.002, 19)], {2: 2.0})
    >>> d.verdict, round(d.tests[0].z, 2)
    ('confirmed', 1.5)
    """
    return decide_family([(claim, estimates, expected)], alpha=alpha, tolerance=tolerance, power=power, trials=trials)
