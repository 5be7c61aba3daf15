"""Random matrices whose spectra converge to the laws of free probability.

Every sampler takes a :class:`numpy.random.Generator` first and a size ``n``,
and returns a ``float64`` array; nothing here touches numpy's global state.
Each docstring states the law of what it returns: the limit law of the
spectrum as ``n → ∞`` under the conventions of ``docs/design.md`` (normalised trace
φ = tr/n, Marchenko–Pastur of ratio c is the limit of ``X Xᵀ/M`` with
``n/M → c``).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> w = wigner(rng, 200)
>>> w.shape, w.dtype, bool(np.allclose(w, w.T))
((200, 200), dtype('float64'), True)
>>> o = haar_orthogonal(rng, 50)
>>> bool(np.allclose(o @ o.T, np.eye(50)))
True
"""

from __future__ import annotations

import contextvars

from collections.abc import Callable
from typing import Literal

import numpy as np
import scipy.linalg

from tpsym.errors import DomainError, InputError

__all__ = [
    "EntryLaw",
    "ENTRY_LAWS",
    "wigner",
    "wishart",
    "free_poisson_matrix",
    "haar_orthogonal",
    "haar_orthogonal_uncorrected",
    "rotate",
    "diagonal_matrix",
    "quantile_spectrum",
    "arcsine_spectrum",
    "semicircle_spectrum",
    "bernoulli_spectrum",
    "randomised_round",
    "reset_rounded",
    "spectrum_matrix",
    "free_sum",
    "free_product",
    "psd_sqrt",
    "scale_shift",
]

#: A law of matrix entries: ``f(rng, shape)`` returns i.i.d. samples of a
#: law with mean 0 and variance 1 (and a finite fourth moment).
EntryLaw = Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]


def _gaussian(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.standard_normal(shape)


def _rademacher(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.integers(0, 2, size=shape).astype(np.float64) * 2.0 - 1.0


def _uniform(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    # uniform on [-√3, √3]: mean 0, variance 1
    return rng.uniform(-np.sqrt(3.0), np.sqrt(3.0), size=shape)


#: The named entry laws of :func:`wigner` and :func:`wishart` (all standardised:
#: mean 0, variance 1).
ENTRY_LAWS: dict[str, EntryLaw] = {
    "gaussian": _gaussian,
    "rademacher": _rademacher,
    "uniform": _uniform,
}


def _check_size(n: int, name: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise InputError(f"{name}={n!r} must be an int")
    if n < 1:
        raise InputError(f"{name}={n} must be at least 1")
    return int(n)


def _entry_law(entries: str | EntryLaw) -> EntryLaw:
    if callable(entries):
        return entries
    try:
        return ENTRY_LAWS[entries]
    except KeyError:
        raise InputError(
            f"entries={entries!r} is not one of {sorted(ENTRY_LAWS)} nor a callable"
        ) from None


def wigner(
    rng: np.random.Generator,
    n: int,
    *,
    variance: float = 1.0,
    entries: Literal["gaussian", "rademacher", "uniform"] | EntryLaw = "gaussian",
) -> np.ndarray:
    """A Wigner matrix whose spectrum converges to the semicircle of that variance.

    With ``entries="gaussian"`` this is the GOE normalised so that the
    off-diagonal entries have variance ``variance/n`` and the diagonal ones
    ``2·variance/n``. With any other entry law (a name of :data:`ENTRY_LAWS`
    or a callable ``f(rng, shape)`` giving i.i.d. samples of mean 0, variance
    1 and finite fourth moment) the upper triangle holds i.i.d. entries of
    variance ``variance/n``; its spectrum converges to the same semicircle
    (universality: Pastur & Slavin, arXiv 2011.11439), with different
    finite-``n`` corrections.

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int
        The size.
    variance : float
        The variance σ² of the limit semicircle.
    entries : str or callable
        The law of the entries.

    Returns
    -------
    numpy.ndarray
        A symmetric ``n × n`` float64 array.

    Examples
    --------
    >>> import numpy as np
    >>> w = wigner(np.random.default_rng(1), 400, entries="rademacher")
    >>> round(float(np.trace(w @ w)) / 400, 1)  # m_2 → σ² = 1
    1.0
    """
    n = _check_size(n)
    if not variance >= 0:
        raise DomainError(f"{variance=} must be non-negative")
    sigma = np.sqrt(variance)
    if entries == "gaussian":
        g = rng.standard_normal((n, n))
        w = g + g.T
        w *= sigma / np.sqrt(2.0 * n)
        return w
    x = np.asarray(_entry_law(entries)(rng, (n, n)), dtype=np.float64)
    if x.shape != (n, n):
        raise InputError(f"the entry law returned shape {x.shape}, expected {(n, n)}")
    w = np.triu(x)
    w += np.triu(x, 1).T
    w *= sigma / np.sqrt(n)
    return w


def wishart(
    rng: np.random.Generator,
    n: int,
    m: int,
    *,
    entries: Literal["gaussian", "rademacher", "uniform"] | EntryLaw = "gaussian",
) -> np.ndarray:
    """The sample covariance ``X Xᵀ / m`` of an ``n × m`` matrix of i.i.d. entries.

    As ``n, m → ∞`` with ``n/m → c`` its spectrum converges to the
    Marchenko–Pastur law of ratio ``c`` (mean 1, free cumulants ``c^(k-1)``),
    the free Poisson law of rate ``1/c`` and jump ``c`` (``docs/design.md``).

    Parameters
    ----------
    rng : numpy.random.Generator
    n, m : int
        The shape of ``X``.
    entries : str or callable
        The law of the entries of ``X`` (mean 0, variance 1).

    Examples
    --------
    >>> import numpy as np
    >>> s = wishart(np.random.default_rng(2), 300, 600)
    >>> round(float(np.trace(s)) / 300, 2)  # m_1 = 1
    1.0
    """
    n = _check_size(n)
    m = _check_size(m, "m")
    x = np.asarray(_entry_law(entries)(rng, (n, m)), dtype=np.float64)
    s = x @ x.T
    s /= m
    return s


def randomised_round(rng: np.random.Generator, x: float) -> int:
    """``floor(x)`` or ``floor(x) + 1``, with mean exactly ``x``.

    Used where a size must be an integer (``λ·n`` columns, ``p·n`` atoms):
    a quantity linear in the size is then unbiased, and a smooth one has a
    bias of order (1/n)² instead of 1/n.

    Examples
    --------
    >>> import numpy as np
    >>> randomised_round(np.random.default_rng(0), 7.0)
    7
    >>> rng = np.random.default_rng(0)
    >>> float(np.mean([randomised_round(rng, 2.25) for _ in range(4000)]))  # ≈ 2.25
    2.2...
    """
    lo = int(np.floor(x))
    frac = x - lo
    if frac == 0.0:
        return lo
    _ROUNDED.set(True)
    return lo + int(rng.random() < frac)


# Whether a draw since the last reset_rounded() rounded a non-integer size: then
# trials differ by chance, and T trials that all agree do not mean zero variance.
_ROUNDED: contextvars.ContextVar[bool] = contextvars.ContextVar("tpsym_rounded", default=False)


def reset_rounded() -> bool:
    """Whether :func:`randomised_round` rounded a non-integer since the last call; resets the record.

    Examples
    --------
    >>> import numpy as np
    >>> _ = reset_rounded(); _ = randomised_round(np.random.default_rng(0), 2.5); reset_rounded()
    True
    >>> reset_rounded()
    False
    """
    value = _ROUNDED.get()
    _ROUNDED.set(False)
    return value


def free_poisson_matrix(
    rng: np.random.Generator, n: int, *, rate: float = 1.0, jump: float = 1.0
) -> np.ndarray:
    """A matrix whose spectrum converges to the free Poisson law (rate λ, jump α).

    Derivation: ``s·MP(c)`` has free cumulants ``sⁿ·c^(n-1) = (1/c)(sc)ⁿ``, so
    it is the free Poisson law of rate ``1/c`` and jump ``s·c``. Hence
    free Poisson(λ, α) = ``αλ · MP(1/λ)``, the limit of
    ``αλ·X Xᵀ/M = α·X Xᵀ/n`` for ``X`` of size ``n × M`` with ``M = λn``.
    ``M`` is :func:`randomised_round` of ``λn`` (exact when ``λn`` is an integer).
    For ``λ < 1`` the matrix has rank ``M < n``: the atom ``(1-λ)·δ₀``.

    Examples
    --------
    >>> import numpy as np
    >>> a = free_poisson_matrix(np.random.default_rng(3), 400, rate=2, jump=0.5)
    >>> round(float(np.trace(a)) / 400, 2)  # m_1 = λα = 1
    1.0
    """
    n = _check_size(n)
    if not rate > 0:
        raise DomainError(f"{rate=} must be positive")
    m = randomised_round(rng, rate * n)  # may be 0 (a zero matrix) when λn < 1
    x = rng.standard_normal((n, m))
    s = x @ x.T
    s *= jump / n
    return s


def haar_orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    """A Haar-distributed orthogonal matrix.

    QR decomposition of an ``n × n`` standard Gaussian matrix ``G = QR``
    followed by the sign correction ``Q·diag(sign(diag R))``, which makes the
    factorisation unique and the law of the result the Haar measure on O(n)
    (Mezzadri, arXiv math-ph/0609050, Section 5). Without the correction
    the law depends on the LAPACK convention and is not Haar
    (:func:`haar_orthogonal_uncorrected`).

    Examples
    --------
    >>> import numpy as np
    >>> o = haar_orthogonal(np.random.default_rng(4), 30)
    >>> bool(np.allclose(o.T @ o, np.eye(30)))
    True
    """
    n = _check_size(n)
    g = rng.standard_normal((n, n))
    q, r = scipy.linalg.qr(g, mode="economic", overwrite_a=True, check_finite=False)
    d = np.sign(np.diagonal(r))
    d[d == 0] = 1.0
    q *= d  # scales column j by d_j
    return q


def haar_orthogonal_uncorrected(rng: np.random.Generator, n: int) -> np.ndarray:
    """The Q factor of a Gaussian matrix *without* the sign correction: not Haar.

    Kept as the negative control of the Haar tests: it is orthogonal, but with
    LAPACK's convention (``diag R`` has a fixed sign pattern) its trace
    statistics differ from Haar's (``E[(tr Q)²] ≠ 1``).

    Examples
    --------
    >>> import numpy as np
    >>> q = haar_orthogonal_uncorrected(np.random.default_rng(4), 30)
    >>> bool(np.allclose(q.T @ q, np.eye(30)))
    True
    """
    n = _check_size(n)
    g = rng.standard_normal((n, n))
    q, _ = scipy.linalg.qr(g, mode="economic", overwrite_a=True, check_finite=False)
    return q


def rotate(rng: np.random.Generator, a: np.ndarray, *, diagonal: bool = False) -> np.ndarray:
    """``O A Oᵀ`` for an independent Haar orthogonal ``O``.

    With ``diagonal=True``, ``a`` may be the vector of the diagonal of ``A``
    (or the diagonal matrix itself): one matrix product instead of two.

    Examples
    --------
    >>> import numpy as np
    >>> b = rotate(np.random.default_rng(5), np.array([1.0, 2.0, 3.0]), diagonal=True)
    >>> np.round(np.linalg.eigvalsh(b), 12)
    array([1., 2., 3.])
    """
    a = np.asarray(a, dtype=np.float64)
    n = a.shape[0]
    o = haar_orthogonal(rng, n)
    if diagonal:
        d = a if a.ndim == 1 else np.diagonal(a)
        out = (o * d) @ o.T
    else:
        out = o @ a @ o.T
    # symmetrise the rounding errors away: the result is symmetric in exact arithmetic
    out += out.T
    out *= 0.5
    return out


def diagonal_matrix(values: np.ndarray) -> np.ndarray:
    """The diagonal matrix of ``values`` as a dense float64 array.

    Examples
    --------
    >>> diagonal_matrix([1, 2])
    array([[1., 0.],
           [0., 2.]])
    """
    return np.diag(np.asarray(values, dtype=np.float64))


def quantile_spectrum(inverse_cdf: Callable[[np.ndarray], np.ndarray], n: int) -> np.ndarray:
    """The ``n`` midpoint quantiles ``F⁻¹((i - 1/2)/n)``, i = 1..n (increasing).

    A deterministic spectrum whose empirical law converges to the law with
    inverse CDF ``F⁻¹``; its moments are midpoint-rule sums of ``F⁻¹(u)^k``
    over [0, 1].

    Examples
    --------
    >>> quantile_spectrum(lambda u: u, 4)
    array([0.125, 0.375, 0.625, 0.875])
    """
    n = _check_size(n)
    u = (np.arange(n, dtype=np.float64) + 0.5) / n
    return np.asarray(inverse_cdf(u), dtype=np.float64)


def arcsine_spectrum(n: int, a: float = -2.0, b: float = 2.0) -> np.ndarray:
    """Midpoint quantiles of the arcsine law on ``[a, b]``.

    The inverse CDF is ``F⁻¹(u) = (a+b)/2 - (b-a)/2·cos(πu)``; its k-th power
    is a trigonometric polynomial of degree k in ``πu``, which the midpoint
    rule with n nodes integrates exactly for ``k < 2n``: the moments of this
    spectrum are the exact arcsine moments.

    Examples
    --------
    >>> import numpy as np
    >>> s = arcsine_spectrum(64)
    >>> round(float(np.mean(s**2)), 12), round(float(np.mean(s**4)), 12)  # binom(2k,k)
    (2.0, 6.0)
    """
    c, r = (a + b) / 2.0, (b - a) / 2.0
    return quantile_spectrum(lambda u: c - r * np.cos(np.pi * u), n)


def _semicircle_inverse_cdf(u: np.ndarray) -> np.ndarray:
    # F(2 sin θ) = 1/2 + (θ + sin θ cos θ)/π is increasing on θ ∈ [-π/2, π/2]:
    # invert by bisection (64 halvings reach the float64 resolution of θ).
    u = np.asarray(u, dtype=np.float64)
    lo = np.full(u.shape, -np.pi / 2)
    hi = np.full(u.shape, np.pi / 2)
    for _ in range(64):
        mid = 0.5 * (lo + hi)
        below = 0.5 + (mid + np.sin(mid) * np.cos(mid)) / np.pi < u
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return 2.0 * np.sin(0.5 * (lo + hi))


def semicircle_spectrum(n: int, variance: float = 1.0, mean: float = 0.0) -> np.ndarray:
    """Midpoint quantiles of the semicircle law (inverse CDF by Newton's method).

    Examples
    --------
    >>> import numpy as np
    >>> s = semicircle_spectrum(2000)
    >>> round(float(np.mean(s**2)), 4), round(float(np.mean(s**4)), 3)  # Catalan 1, 2
    (1.0, 2.0)
    """
    return mean + np.sqrt(variance) * quantile_spectrum(_semicircle_inverse_cdf, n)


def bernoulli_spectrum(
    rng: np.random.Generator, n: int, p: float, a: float = 0.0, b: float = 1.0
) -> np.ndarray:
    """A spectrum of ``k`` values ``b`` and ``n-k`` values ``a``, ``k = round(p·n)``.

    ``k`` is :func:`randomised_round` of ``p·n``, so every moment
    ``p·bᵏ + (1-p)·aᵏ`` is estimated without bias at every n.

    Examples
    --------
    >>> import numpy as np
    >>> bernoulli_spectrum(np.random.default_rng(0), 4, 0.5, -1, 1)
    array([ 1.,  1., -1., -1.])
    """
    n = _check_size(n)
    if not 0 <= p <= 1:
        raise DomainError(f"{p=} must lie in [0, 1]")
    k = min(n, randomised_round(rng, p * n))
    out = np.full(n, float(a))
    out[:k] = b
    return out


def spectrum_matrix(rng: np.random.Generator, spectrum: np.ndarray) -> np.ndarray:
    """``O diag(spectrum) Oᵀ`` for a Haar orthogonal ``O``: an orthogonally invariant
    matrix with that spectrum.

    Examples
    --------
    >>> import numpy as np
    >>> m = spectrum_matrix(np.random.default_rng(0), arcsine_spectrum(40))
    >>> round(float(np.trace(m @ m)) / 40, 10)
    2.0
    """
    return rotate(rng, np.asarray(spectrum, dtype=np.float64), diagonal=True)


def psd_sqrt(a: np.ndarray) -> np.ndarray:
    """The positive square root of a symmetric positive semi-definite matrix.

    Eigenvalues that rounding made slightly negative are set to 0.

    Examples
    --------
    >>> import numpy as np
    >>> s = psd_sqrt(np.array([[4.0, 0.0], [0.0, 9.0]]))
    >>> s
    array([[2., 0.],
           [0., 3.]])
    """
    w, v = np.linalg.eigh(a)
    np.maximum(w, 0.0, out=w)
    out = (v * np.sqrt(w)) @ v.T
    out += out.T
    out *= 0.5
    return out


def free_sum(rng: np.random.Generator, *matrices: np.ndarray) -> np.ndarray:
    """``A₁ + O₂ A₂ O₂ᵀ + ... + O_k A_k O_kᵀ`` with independent Haar ``O_i``.

    The summands are asymptotically free (Voiculescu), so the spectrum
    converges to ``μ₁ ⊞ ... ⊞ μ_k`` where ``μ_i`` is the limit law of ``A_i``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(6)
    >>> s = free_sum(rng, wigner(rng, 300), wigner(rng, 300))
    >>> round(float(np.trace(s @ s)) / 300, 1)  # variances add: 2
    2.0
    """
    if not matrices:
        raise InputError("free_sum needs at least one matrix")
    out = np.array(matrices[0], dtype=np.float64, copy=True)
    for a in matrices[1:]:
        out += rotate(rng, a)
    return out


def free_product(rng: np.random.Generator, a: np.ndarray, *others: np.ndarray) -> np.ndarray:
    """``S B' S`` with ``S = A^{1/2}`` and ``B' = O B Oᵀ``, iterated over the factors.

    ``A`` must be positive semi-definite. The spectrum is that of ``A·O B Oᵀ``
    and converges to ``μ_A ⊠ μ_B``; with more factors, the running product
    takes the place of ``A`` (it stays PSD when all factors are).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(7)
    >>> p = free_product(rng, wishart(rng, 300, 600), wishart(rng, 300, 600))
    >>> round(float(np.trace(p)) / 300, 1)  # means multiply: 1
    1.0
    """
    out = np.asarray(a, dtype=np.float64)
    for b in others:
        s = psd_sqrt(out)
        out = s @ rotate(rng, b) @ s
        out += out.T
        out *= 0.5
    return out


def scale_shift(a: np.ndarray, factor: float = 1.0, shift: float = 0.0) -> np.ndarray:
    """``factor·A + shift·I`` (a new array).

    Examples
    --------
    >>> import numpy as np
    >>> scale_shift(np.eye(2), 3.0, 1.0)
    array([[4., 0.],
           [0., 4.]])
    """
    out = np.asarray(a, dtype=np.float64) * factor
    if shift:
        out[np.diag_indices_from(out)] += shift
    return out
