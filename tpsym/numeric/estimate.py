"""Moments of empirical spectral laws, and their standard errors over trials.

Two estimators of ``m_k = tr(A^k)/n``, k = 1..K, for one symmetric matrix:

* :func:`spectral_moments`: from the eigenvalues (``numpy.linalg.eigvalsh``);
  exact up to rounding, needs the dense matrix.
* :func:`hutchinson_moments`: matrix-free, ``vᵀ A^k v / n`` averaged over
  Rademacher probe vectors ``v`` (Hutchinson's estimator, unbiased:
  ``E[vᵀ B v] = tr B``); needs only products ``V ↦ A V`` on blocks of probes,
  or, for a Gram matrix ``A = F Fᵀ``, the half steps ``V ↦ Fᵀ V`` and
  ``V ↦ F V``.

Both also return the matching *absolute* moments (``tr|A|^k/n`` or a bound of
it), from which :func:`rounding_floor` bounds the floating-point error of an
estimate: the standard error of a moment is never reported below it (a
deterministic spectrum has no sampling noise, but does have rounding).

:func:`trial_statistics` turns independent trials into a mean and a standard
error (sample standard deviation / √T); :func:`controlled_statistics` does
the same with a control variate: a scalar ``c`` measured in each trial whose
expectation ``E[c]`` is known, so that the intercept of the least-squares fit
``y = a + b (c − E[c])`` estimates ``E[y]`` with the part of the noise that
``c`` explains removed (Glasserman, *Monte Carlo Methods in Financial
Engineering*, §4.1; for a network, ``c`` is the sum over layers of the mean of
``φ'(h)²``, whose O(1/√N) fluctuation carries most of the spread of the
Jacobian's moments).

>>> import numpy as np
>>> a = np.diag([1.0, 2.0, 3.0])
>>> spectral_moments(a, 3)[0]
array([ 2.        ,  4.66666667, 12.        ])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from tpsym.errors import InputError

__all__ = [
    "GramOperator",
    "moments_from_eigenvalues",
    "spectral_moments",
    "hutchinson_moments",
    "rounding_floor",
    "TrialStatistics",
    "trial_statistics",
    "controlled_statistics",
]

_EPS = float(np.finfo(np.float64).eps)


@runtime_checkable
class GramOperator(Protocol):
    """A matrix ``A = F Fᵀ`` given by ``F`` (``n × m``) as products on blocks.

    ``matvec(V)`` returns ``F V`` for ``V`` of shape ``(m, p)``;
    ``rmatvec(V)`` returns ``Fᵀ V`` for ``V`` of shape ``(n, p)``.
    """

    n: int

    def matvec(self, v: np.ndarray) -> np.ndarray: ...

    def rmatvec(self, v: np.ndarray) -> np.ndarray: ...


def _check_order(order: int) -> int:
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
        raise InputError(f"{order=} must be a positive int")
    return int(order)


def moments_from_eigenvalues(
    eigenvalues: np.ndarray, order: int
) -> tuple[np.ndarray, np.ndarray]:
    """The moments ``m_k = mean(λ^k)`` and absolute moments ``mean(|λ|^k)``, k = 1..order.

    Examples
    --------
    >>> m, a = moments_from_eigenvalues(np.array([-1.0, 1.0]), 3)
    >>> m, a
    (array([0., 1., 0.]), array([1., 1., 1.]))
    """
    order = _check_order(order)
    lam = np.asarray(eigenvalues, dtype=np.float64).ravel()
    if lam.size == 0:
        raise InputError("no eigenvalues given")
    powers = np.cumprod(np.broadcast_to(lam, (order, lam.size)), axis=0)
    return powers.mean(axis=1), np.abs(powers).mean(axis=1)


def spectral_moments(a: np.ndarray, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Moments of the empirical spectral law of a symmetric matrix, from ``eigvalsh``.

    Returns ``(moments, absolute_moments)``, each of length ``order``.

    Examples
    --------
    >>> import numpy as np
    >>> m, _ = spectral_moments(np.array([[0.0, 1.0], [1.0, 0.0]]), 4)
    >>> np.round(m, 12)
    array([0., 1., 0., 1.])
    """
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise InputError(f"expected a square matrix, got shape {a.shape}")
    return moments_from_eigenvalues(np.linalg.eigvalsh(a), order)


def _probes(rng: np.random.Generator, n: int, probes: int) -> np.ndarray:
    return rng.integers(0, 2, size=(n, probes)).astype(np.float64) * 2.0 - 1.0


def hutchinson_moments(
    operator: Callable[[np.ndarray], np.ndarray] | GramOperator,
    n: int,
    order: int,
    rng: np.random.Generator,
    *,
    probes: int = 32,
) -> tuple[np.ndarray, np.ndarray]:
    """Matrix-free moments ``tr(A^k)/n`` from Rademacher probe vectors.

    With ``u_j = A^j v`` (A symmetric), ``vᵀA^{2j}v = u_jᵀu_j`` and
    ``vᵀA^{2j+1}v = u_jᵀu_{j+1}``: the first K moments cost ``⌈K/2⌉`` block
    products. For a :class:`GramOperator` ``A = F Fᵀ`` the half steps
    ``w_0 = v, w_1 = Fᵀv, w_2 = F w_1, ...`` give ``vᵀA^k v = ‖w_k‖²``:
    K half steps. Each probe gives an unbiased estimate; the mean over the
    probes is returned, with a bound of the absolute moments
    (``‖u_j‖·‖u_{j+1}‖`` for odd k, Cauchy–Schwarz).

    Parameters
    ----------
    operator : callable or GramOperator
        ``V ↦ A V`` for blocks ``V`` of shape ``(n, p)``, or a Gram operator.
    n : int
        The size of ``A``.
    order : int
        The largest k.
    rng : numpy.random.Generator
        Draws the probes.
    probes : int
        The number of probe vectors.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.diag(np.arange(1.0, 5.0))  # v_i² = 1: Hutchinson is exact on diagonals
    >>> m, _ = hutchinson_moments(lambda v: a @ v, 4, 2, np.random.default_rng(0), probes=3)
    >>> m
    array([2.5, 7.5])
    """
    order = _check_order(order)
    if isinstance(probes, bool) or not isinstance(probes, (int, np.integer)) or probes < 1:
        raise InputError(f"{probes=} must be a positive int")
    v = _probes(rng, n, int(probes))
    moments = np.empty(order)
    absolute = np.empty(order)
    if isinstance(operator, GramOperator):
        w = v
        for k in range(1, order + 1):
            w = operator.rmatvec(w) if k % 2 == 1 else operator.matvec(w)
            q = np.einsum("ij,ij->j", w, w) / n
            moments[k - 1] = absolute[k - 1] = q.mean()
        return moments, absolute
    u = [v]
    norms = [np.einsum("ij,ij->j", v, v) / n]
    for k in range(1, order + 1):
        j = k // 2
        need = j + (k % 2)
        while len(u) <= need:
            nxt = np.asarray(operator(u[-1]), dtype=np.float64)
            u.append(nxt)
            norms.append(np.einsum("ij,ij->j", nxt, nxt) / n)
        if k % 2 == 0:
            q = norms[j]
            moments[k - 1] = absolute[k - 1] = q.mean()
        else:
            q = np.einsum("ij,ij->j", u[j], u[j + 1]) / n
            moments[k - 1] = q.mean()
            absolute[k - 1] = np.sqrt(norms[j] * norms[j + 1]).mean()
    return moments, absolute


def rounding_floor(absolute_moments: np.ndarray, n: int) -> np.ndarray:
    """A bound of the floating-point error of the moments of an ``n × n`` matrix.

    ``k·n·ε·mean|λ|^k`` for the k-th moment (ε the float64 unit roundoff),
    and at least ``n·ε``:
    a perturbation ``|δλ| ≤ n·ε·|λ|`` of each eigenvalue (backward stability
    of the symmetric eigensolver, with the usual pessimistic factor n) moves
    ``λ^k`` by at most ``k·n·ε·|λ|^k`` to first order. Used as the smallest
    standard error a moment is reported with, so that an exactly
    reproducible (deterministic) spectrum gives a finite z-score.

    Examples
    --------
    >>> rounding_floor(np.array([1.0, 1.0]), 1000)
    array([2.22044605e-13, 4.44089210e-13])
    """
    a = np.asarray(absolute_moments, dtype=np.float64)
    k = np.arange(1, a.size + 1)
    # at least n·ε absolutely, so that the zero matrix (all moments 0) has a finite z-score
    return np.maximum(k * n * _EPS * np.abs(a), n * _EPS)


@dataclass(frozen=True, slots=True)
class TrialStatistics:
    """Mean and standard error of each moment over ``trials`` independent trials."""

    mean: np.ndarray
    stderr: np.ndarray
    trials: int

    #: Parameters fitted besides the mean (1 with a control variate).
    fitted: int = 0

    @property
    def df(self) -> int:
        """Degrees of freedom of the standard errors (``trials - 1 - fitted``)."""
        return self.trials - 1 - self.fitted


def trial_statistics(
    values: np.ndarray, *, floor: np.ndarray | None = None
) -> TrialStatistics:
    """Mean and standard error (sample std / √T) of T independent trials.

    ``values`` has shape ``(T, K)``: one row of K moment estimates per trial.
    With ``floor`` (e.g. :func:`rounding_floor`), the standard error is
    ``sqrt(se² + floor²)``.

    Examples
    --------
    >>> s = trial_statistics(np.array([[1.0], [2.0], [3.0]]))
    >>> s.mean, s.stderr, s.df
    (array([2.]), array([0.57735027]), 2)
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 2:
        raise InputError(f"expected values of shape (trials, moments), got {x.shape}")
    t = x.shape[0]
    if t < 2:
        raise InputError(f"trials={t}: a standard error needs at least 2 trials")
    mean = x.mean(axis=0)
    se = x.std(axis=0, ddof=1) / np.sqrt(t)
    if floor is not None:
        se = np.hypot(se, np.asarray(floor, dtype=np.float64))
    return TrialStatistics(mean=mean, stderr=se, trials=t)


def controlled_statistics(
    values: np.ndarray, controls: np.ndarray, control_mean: float, *, floor: np.ndarray | None = None
) -> TrialStatistics:
    """Mean and standard error of T trials with one control variate of known mean.

    ``values`` has shape ``(T, K)``, ``controls`` shape ``(T,)``. For each
    moment, ordinary least squares of ``y = a + b (c − control_mean)`` over the
    trials; ``a`` is the estimate, its standard error the usual one of an
    intercept (residual variance over ``T − 2`` degrees of freedom). The
    coefficient is fitted from the same trials, which biases the estimate by
    O(1/T) only. With ``floor``, the standard error is ``sqrt(se² + floor²)``.
    A control that does not vary (a linear network) gives
    :func:`trial_statistics`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> c = rng.standard_normal(50)
    >>> y = (3.0 + 2.0 * c + 0.01 * rng.standard_normal(50))[:, None]
    >>> plain, controlled = trial_statistics(y), controlled_statistics(y, c, 0.0)
    >>> bool(controlled.stderr[0] < plain.stderr[0] / 50), round(float(controlled.mean[0]), 2)
    (True, 3.0)
    """
    x = np.asarray(values, dtype=np.float64)
    c = np.asarray(controls, dtype=np.float64).ravel()
    if x.ndim != 2 or c.shape != (x.shape[0],):
        raise InputError(f"expected values (trials, moments) and one control per trial, got {x.shape} and {c.shape}")
    t = x.shape[0]
    if t < 4:
        raise InputError(f"trials={t}: a control variate needs at least 4 trials")
    if not (np.all(np.isfinite(c)) and np.isfinite(control_mean)):
        raise InputError("the controls and their mean must be finite")
    dc = c - float(control_mean)
    spread = dc - dc.mean()
    if not np.any(np.abs(spread) > 1e-12 * max(1.0, float(np.abs(c).max()))):
        return trial_statistics(x, floor=floor)
    design = np.column_stack([np.ones(t), dc])
    coef, _, _, _ = np.linalg.lstsq(design, x, rcond=None)
    resid = x - design @ coef
    sigma2 = np.sum(resid**2, axis=0) / (t - 2)
    cov00 = np.linalg.inv(design.T @ design)[0, 0]
    se = np.sqrt(sigma2 * cov00)
    if floor is not None:
        se = np.hypot(se, np.asarray(floor, dtype=np.float64))
    return TrialStatistics(mean=coef[0], stderr=se, trials=t, fitted=1)
