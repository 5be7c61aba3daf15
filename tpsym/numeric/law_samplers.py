"""From a law of :mod:`tpsym.laws` to a random matrix whose spectrum converges to it.

:func:`sample_matrix` dispatches on the class of the law (a type table over
the classes of :mod:`tpsym.laws`, following the MRO):

============== ==========================================================
law            realisation (size n)
============== ==========================================================
Semicircle     GOE (:func:`~tpsym.numeric.ensembles.wigner`) ·σ + mean·I
FreePoisson    ``α·X Xᵀ/n``, X of size n × λn (derivation in
               :func:`~tpsym.numeric.ensembles.free_poisson_matrix`)
Bernoulli      diagonal, ``round(p·n)`` entries b, the rest a (randomised rounding)
Arcsine        diagonal of midpoint quantiles (moments exact for k < 2n)
Dirac          a·I
BoxPlus        sum of the factors, all but one rotated by independent Haar
               matrices (none when a factor is already orthogonally invariant)
BoxTimes       ``S B S`` with ``S = A^{1/2}`` (A the running product),
               B rotated when needed; one of each pair must be supported on
               [0, ∞), which is read off the laws (interval arithmetic on
               their supports)
BoxPower       ⊠ of L independent copies, L a non-negative integer
BoxPlusPower   t a non-negative integer: ⊞ of t copies; t > 1 rational:
               free compression (Nica & Speicher, Lectures on the
               Combinatorics of Free Probability, Thm. 14.10): the top-left
               n × n corner of a rotated sample of size ``t·n`` (randomised
               rounding), times ``t``; t < 1 has no sampler (μ^{⊞t} need not
               be a law)
Scaled         c·A
Shifted        A + c·I
Dilated        a sample of size ``c·n`` (randomised rounding) padded with
               zeros to ``n × n``
GenericLaw     none: its moments are symbols
============== ==========================================================

Every parameter must be a number; a symbolic one raises
:class:`~tpsym.errors.NoSamplerError` naming it.

>>> import numpy as np
>>> from tpsym.laws import boxplus, semicircle, mp
>>> a = sample_matrix(boxplus(semicircle(), mp(1)), 300, np.random.default_rng(0))
>>> a.shape
(300, 300)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg
import sympy

from tpsym.errors import NoSamplerError
from tpsym.numeric import ensembles as S
from tpsym.numeric.estimate import GramOperator

__all__ = [
    "sample_matrix",
    "check_samplable",
    "law_bounds",
    "dense_matrix_count",
    "LawSampler",
]


@dataclass(slots=True)
class _Sample:
    """A sampled matrix and what is known of its law."""

    matrix: np.ndarray
    invariant: bool  # its law is invariant under orthogonal conjugation
    diagonal: bool  # it is a diagonal matrix

    @property
    def scalar(self) -> bool:
        return self.invariant and self.diagonal


# -- parameters ---------------------------------------------------------------


def _num(law: Any, value: sympy.Expr, name: str) -> float:
    expr = sympy.sympify(value) if not isinstance(value, sympy.Basic) else value
    if expr.free_symbols:
        sym = sorted(expr.free_symbols, key=str)[0]
        raise NoSamplerError(f"parameter {sym} is symbolic: give it a value (in {law})")
    out = float(expr)
    if not math.isfinite(out):
        raise NoSamplerError(f"parameter {name}={expr} of {law} is not finite")
    return out


def _integer_exponent(law: Any, value: sympy.Expr) -> int | None:
    expr = sympy.sympify(value)
    if expr.free_symbols:
        _num(law, expr, "exponent")
    if expr.is_integer and expr >= 0:
        return int(expr)
    return None


def _laws() -> Any:
    import tpsym.laws as laws

    return laws


def check_samplable(law: Any) -> None:
    """Raise :class:`~tpsym.errors.NoSamplerError` naming the part of ``law`` that
    cannot be sampled; return ``None`` when every part can.

    Examples
    --------
    >>> import sympy
    >>> from tpsym.laws import boxplus, generic_law, semicircle
    >>> check_samplable(boxplus(semicircle(), semicircle(variance=2)))
    >>> check_samplable(boxplus(semicircle(), generic_law("mu")))
    Traceback (most recent call last):
    ...
    tpsym.errors.NoSamplerError: law(moments=mu) has no sampler: its moments are symbols
    >>> check_samplable(semicircle(variance=sympy.Symbol("lam")))
    Traceback (most recent call last):
    ...
    tpsym.errors.NoSamplerError: parameter lam is symbolic: give it a value (in semicircle(variance=lam))
    """
    laws = _laws()
    for node in law.walk():
        if isinstance(node, laws.GenericLaw):
            raise NoSamplerError(f"{node} has no sampler: its moments are symbols")
    for node in law.walk():
        for p in node._params():
            _num(node, p, "parameter")
    for node in law.walk():
        if _lookup(type(node)) is None:
            raise NoSamplerError(f"{node} has no sampler (no sampler for {type(node).__name__})")
        if isinstance(node, laws.BoxPower) and _integer_exponent(node, node.exponent) is None:
            raise NoSamplerError(
                f"{node} has no sampler: the ⊠-power exponent {node.exponent} "
                "is not a non-negative integer"
            )
        if isinstance(node, laws.BoxPlusPower):
            t = _num(node, node.exponent, "exponent")
            if t < 1 and t != 0:
                raise NoSamplerError(
                    f"{node} has no sampler: the ⊞-power exponent {node.exponent} lies in (0, 1), "
                    "where μ^⊞t need not be a law"
                )
        if isinstance(node, laws.BoxTimes) or isinstance(node, laws.BoxPower):
            _product_plan(node)


# -- bounds of supports (interval arithmetic) --------------------------------


def law_bounds(law: Any) -> tuple[float, float]:
    """An interval ``(lo, hi)`` that holds the support of ``law`` (possibly infinite).

    Used to decide which factor of a free product is positive semi-definite.

    Examples
    --------
    >>> from tpsym.laws import mp, semicircle, boxtimes
    >>> law_bounds(semicircle(variance=4, mean=1))
    (-3.0, 5.0)
    >>> law_bounds(mp(1))
    (0.0, 4.0)
    >>> law_bounds(boxtimes(mp(1), mp(1)))
    (0.0, 16.0)
    """
    laws = _laws()
    if isinstance(law, laws.Semicircle):
        m, r = _num(law, law.mean_, "mean"), 2 * math.sqrt(_num(law, law.variance, "variance"))
        return (m - r, m + r)
    if isinstance(law, laws.FreePoisson):
        lam, a = _num(law, law.rate, "rate"), _num(law, law.jump, "jump")
        edge = a * (1 + math.sqrt(lam)) ** 2
        return (min(0.0, edge), max(0.0, edge))
    if isinstance(law, laws.Bernoulli):
        a, b = _num(law, law.a, "a"), _num(law, law.b, "b")
        return (min(a, b), max(a, b))
    if isinstance(law, laws.Arcsine):
        return (_num(law, law.a, "a"), _num(law, law.b, "b"))
    if isinstance(law, laws.Dirac):
        a = _num(law, law.a, "a")
        return (a, a)
    if isinstance(law, laws.BoxPlus):
        bs = [law_bounds(f) for f in law.factors]
        return (sum(b[0] for b in bs), sum(b[1] for b in bs))
    if isinstance(law, (laws.BoxTimes, laws.BoxPower)):
        if isinstance(law, laws.BoxTimes):
            bs = [law_bounds(f) for f in law.factors]
        else:
            L = _integer_exponent(law, law.exponent)
            if L is None:
                return (-math.inf, math.inf)
            if L == 0:
                return (1.0, 1.0)
            bs = [law_bounds(law.base)] * L
        if all(lo >= 0 for lo, _ in bs):
            return (math.prod(lo for lo, _ in bs), math.prod(hi for _, hi in bs))
        r = math.prod(max(abs(lo), abs(hi)) for lo, hi in bs)
        return (-r, r)
    if isinstance(law, laws.BoxPlusPower):
        t = _num(law, law.exponent, "exponent")
        lo, hi = law_bounds(law.base)
        return (t * lo, t * hi)
    if isinstance(law, laws.Scaled):
        c = _num(law, law.factor, "factor")
        lo, hi = law_bounds(law.base)
        return (min(c * lo, c * hi), max(c * lo, c * hi)) if c != 0 else (0.0, 0.0)
    if isinstance(law, laws.Shifted):
        c = _num(law, law.shift, "shift")
        lo, hi = law_bounds(law.base)
        return (lo + c, hi + c)
    if isinstance(law, laws.Dilated):
        lo, hi = law_bounds(law.base)
        return (min(lo, 0.0), max(hi, 0.0))
    return (-math.inf, math.inf)


def _product_plan(law: Any) -> None:
    """Check that a chain of free products has a PSD factor at each step."""
    laws = _laws()
    if isinstance(law, laws.BoxTimes):
        factors = list(law.factors)
    else:
        L = _integer_exponent(law, law.exponent) or 0
        factors = [law.base] * L
    if not factors:
        return
    run = law_bounds(factors[0])
    run_spec = str(factors[0])
    for f in factors[1:]:
        fb = law_bounds(f)
        point_mass = run[0] == run[1] or fb[0] == fb[1]  # a scalar factor: c·B
        if run[0] < 0 and fb[0] < 0 and not point_mass:
            raise NoSamplerError(
                f"{law} has no sampler: neither {run_spec} nor {f} is known to be "
                "supported on [0, ∞), and a free product is realised as S·B·S with S = A^(1/2)"
            )
        if run[0] >= 0 and fb[0] >= 0:
            run = (run[0] * fb[0], run[1] * fb[1])
        else:
            r = max(abs(run[0]), abs(run[1])) * max(abs(fb[0]), abs(fb[1]))
            run = (-r, r)
        run_spec = f"{run_spec} ⊠ {f}"


# -- the samplers of each node ------------------------------------------------


def _semicircle(law: Any, n: int, rng: np.random.Generator) -> _Sample:
    v, m = _num(law, law.variance, "variance"), _num(law, law.mean_, "mean")
    a = S.wigner(rng, n, variance=v)
    if m:
        a[np.diag_indices(n)] += m
    return _Sample(a, True, False)


def _free_poisson(law: Any, n: int, rng: np.random.Generator) -> _Sample:
    lam, jump = _num(law, law.rate, "rate"), _num(law, law.jump, "jump")
    return _Sample(S.free_poisson_matrix(rng, n, rate=lam, jump=jump), True, False)


def _bernoulli(law: Any, n: int, rng: np.random.Generator) -> _Sample:
    p, a, b = _num(law, law.p, "p"), _num(law, law.a, "a"), _num(law, law.b, "b")
    d = S.bernoulli_spectrum(rng, n, p, a, b)
    scalar = bool(np.all(d == d[0]))
    return _Sample(np.diag(d), scalar, True)


def _arcsine(law: Any, n: int, rng: np.random.Generator) -> _Sample:
    a, b = _num(law, law.a, "a"), _num(law, law.b, "b")
    return _Sample(np.diag(S.arcsine_spectrum(n, a, b)), a == b, True)


def _dirac(law: Any, n: int, rng: np.random.Generator) -> _Sample:
    return _Sample(np.eye(n) * _num(law, law.a, "a"), True, True)


def _rotated(rng: np.random.Generator, s: _Sample) -> np.ndarray:
    return S.rotate(rng, s.matrix, diagonal=s.diagonal)


def _sum(samples: list[_Sample], rng: np.random.Generator) -> _Sample:
    noninvariant = [i for i, s in enumerate(samples) if not s.invariant]
    keep = noninvariant[0] if noninvariant else -1
    total = np.zeros_like(samples[0].matrix)
    for i, s in enumerate(samples):
        total += s.matrix if (s.invariant or i == keep) else _rotated(rng, s)
    return _Sample(
        total,
        invariant=not noninvariant,
        diagonal=all(s.diagonal for s in samples) and len(noninvariant) <= 1,
    )


def _sqrt(s: _Sample) -> np.ndarray:
    if s.diagonal:
        return np.sqrt(np.maximum(np.diagonal(s.matrix), 0.0))
    return S.psd_sqrt(s.matrix)


def _sandwich(root: np.ndarray, b: np.ndarray) -> np.ndarray:
    if root.ndim == 1:
        out = root[:, None] * b * root[None, :]
    else:
        out = root @ b @ root
    out += out.T
    out *= 0.5
    return out


def _psd_product(a: _Sample, b: np.ndarray) -> tuple[np.ndarray, bool]:
    """A symmetric matrix with the spectrum of ``A·B`` (A PSD): ``A^½ B A^½``, or
    ``Lᵀ B L`` with the Cholesky factor ``A = L Lᵀ`` (6 times cheaper than a square
    root) when A is positive definite. The flag says whether the exact root was used."""
    if a.diagonal:
        return _sandwich(_sqrt(a), b), True
    try:
        chol = scipy.linalg.cholesky(a.matrix, lower=True, check_finite=False)
    except np.linalg.LinAlgError:
        return _sandwich(_sqrt(a), b), True
    out = chol.T @ b @ chol
    out += out.T
    out *= 0.5
    return out, False


def _factor(law: Any, n: int, rng: np.random.Generator) -> _Sample:
    # a factor whose law is a point mass c (say semicircle(variance=0, mean=c)) is the scalar c·I
    lo, hi = law_bounds(law)
    if lo == hi:
        return _Sample(np.eye(n) * lo, True, True)
    return _sample(law, n, rng)


def _product(factors: list[Any], n: int, rng: np.random.Generator) -> _Sample:
    run = _factor(factors[0], n, rng)
    run_law_lo = law_bounds(factors[0])[0]
    for f in factors[1:]:
        nxt = _factor(f, n, rng)
        f_lo = law_bounds(f)[0]
        if run.scalar or nxt.scalar:
            c, other = (run, nxt) if run.scalar else (nxt, run)
            run = _Sample(other.matrix * c.matrix[0, 0], other.invariant, other.diagonal)
        else:
            both_invariant = run.invariant and nxt.invariant
            b = nxt.matrix if (nxt.invariant or run.invariant) else _rotated(rng, nxt)
            b_sample = _Sample(b, nxt.invariant, nxt.diagonal and b is nxt.matrix)
            if run_law_lo >= 0:
                out, exact_root = _psd_product(run, b)
            else:  # checked beforehand: the other factor is PSD
                out, exact_root = _psd_product(b_sample, run.matrix)
            # with a Cholesky factor the result is Qᵀ(A^½ B A^½)Q for a Q that depends
            # on A: same spectrum, but its law is no longer known to be invariant
            run = _Sample(out, both_invariant and exact_root, False)
        run_law_lo = 0.0 if (run_law_lo >= 0 and f_lo >= 0) else -math.inf
    return run


def _boxplus(law: Any, n: int, rng: np.random.Generator) -> _Sample:
    return _sum([_sample(f, n, rng) for f in law.factors], rng)


def _boxtimes(law: Any, n: int, rng: np.random.Generator) -> _Sample:
    return _product(list(law.factors), n, rng)


def _boxpower(law: Any, n: int, rng: np.random.Generator) -> _Sample:
    L = _integer_exponent(law, law.exponent)
    if L is None:  # pragma: no cover - check_samplable rejects it first
        raise NoSamplerError(f"{law} has no sampler: exponent {law.exponent} is not an integer")
    if L == 0:
        return _Sample(np.eye(n), True, True)
    return _product([law.base] * L, n, rng)


def _boxplus_power(law: Any, n: int, rng: np.random.Generator) -> _Sample:
    t = _num(law, law.exponent, "exponent")
    if t == 0:
        return _Sample(np.zeros((n, n)), True, True)
    if float(t).is_integer():
        return _sum([_sample(law.base, n, rng) for _ in range(int(t))], rng)
    if t < 1:  # pragma: no cover - check_samplable rejects it first
        raise NoSamplerError(f"{law} has no sampler: exponent {t} < 1")
    big = max(n, S.randomised_round(rng, t * n))
    s = _sample(law.base, big, rng)
    m = s.matrix if s.invariant else _rotated(rng, s)
    corner = np.array(m[:n, :n], copy=True)
    corner *= big / n
    return _Sample(corner, True, False)


def _scaled(law: Any, n: int, rng: np.random.Generator) -> _Sample:
    s = _sample(law.base, n, rng)
    s.matrix *= _num(law, law.factor, "factor")
    return s


def _shifted(law: Any, n: int, rng: np.random.Generator) -> _Sample:
    s = _sample(law.base, n, rng)
    s.matrix[np.diag_indices(n)] += _num(law, law.shift, "shift")
    return s


def _dilated(law: Any, n: int, rng: np.random.Generator) -> _Sample:
    # a sample of the base of size round(c n) (randomised: E = c n) padded with zeros
    m = min(n, S.randomised_round(rng, _num(law, law.fraction, "fraction") * n))
    out = np.zeros((n, n))
    if m == 0:
        return _Sample(out, True, True)
    s = _sample(law.base, m, rng)
    out[:m, :m] = s.matrix
    return _Sample(out, False, s.diagonal)


_TABLE: dict[type, Callable[[Any, int, np.random.Generator], _Sample]] = {}


def _table() -> dict[type, Callable[[Any, int, np.random.Generator], _Sample]]:
    if not _TABLE:
        laws = _laws()
        _TABLE.update(
            {
                laws.Semicircle: _semicircle,
                laws.FreePoisson: _free_poisson,
                laws.Bernoulli: _bernoulli,
                laws.Arcsine: _arcsine,
                laws.Dirac: _dirac,
                laws.BoxPlus: _boxplus,
                laws.BoxTimes: _boxtimes,
                laws.BoxPower: _boxpower,
                laws.BoxPlusPower: _boxplus_power,
                laws.Scaled: _scaled,
                laws.Shifted: _shifted,
                laws.Dilated: _dilated,
            }
        )
    return _TABLE


def _lookup(cls: type) -> Callable[[Any, int, np.random.Generator], _Sample] | None:
    table = _table()
    for klass in cls.__mro__:
        if klass in table:
            return table[klass]
    return None


def _sample(law: Any, n: int, rng: np.random.Generator) -> _Sample:
    fn = _lookup(type(law))
    if fn is None:
        raise NoSamplerError(f"{law} has no sampler (no sampler for {type(law).__name__})")
    return fn(law, n, rng)


def sample_matrix(law: Any, n: int, rng: np.random.Generator) -> np.ndarray:
    """A symmetric ``n × n`` random matrix whose spectrum converges to ``law``.

    Parameters
    ----------
    law : tpsym.laws.Law
        Every parameter must be a number (see the table of the module).
    n : int
        The size.
    rng : numpy.random.Generator

    Raises
    ------
    tpsym.errors.NoSamplerError
        Naming the part of the law that cannot be sampled.

    Examples
    --------
    >>> import numpy as np
    >>> from tpsym.laws import mp
    >>> a = sample_matrix(mp(1), 400, np.random.default_rng(1))
    >>> round(float(np.trace(a)) / 400, 2)  # m_1 of MP(1) is 1
    1.0
    """
    check_samplable(law)
    S._check_size(n)
    return _sample(law, int(n), rng).matrix


def dense_matrix_count(law: Any) -> float:
    """A conservative count of the ``n × n`` float64 arrays alive while sampling ``law``
    and computing its eigenvalues.

    Examples
    --------
    >>> from tpsym.laws import semicircle
    >>> dense_matrix_count(semicircle())
    4.0
    """
    laws = _laws()

    def count(node: Any) -> float:
        if isinstance(node, laws.FreePoisson):
            return 1.0 + max(1.0, _num(node, node.rate, "rate"))
        if isinstance(node, (laws.Semicircle,)):
            return 2.0
        kids = node.children()
        if not kids:
            return 1.0
        if isinstance(node, laws.BoxPower):
            return count(node.base) + 4.0
        if isinstance(node, laws.BoxPlusPower):
            t = max(1.0, _num(node, node.exponent, "exponent"))
            return (count(node.base) + 3.0) * (t * t if not t.is_integer() else 1.0)
        return max(count(k) for k in kids) + len(kids) + 3.0

    return count(law) + 2.0


@dataclass(frozen=True, slots=True)
class LawSampler:
    """A law of :mod:`tpsym.laws`, checked to be samplable: the target of a cross-check.

    Examples
    --------
    >>> import numpy as np
    >>> from tpsym.laws import semicircle
    >>> s = LawSampler(semicircle())
    >>> s.sample(np.random.default_rng(0), 10).shape, s.expected_moments(4)
    ((10, 10), (0.0, 1.0, 0.0, 2.0))
    """

    law: Any

    def __post_init__(self) -> None:
        check_samplable(self.law)

    @property
    def description(self) -> str:
        """The law's spec."""
        return str(self.law)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """A dense sample of size ``n``."""
        return _sample(self.law, n, rng).matrix

    def operator(self, rng: np.random.Generator, n: int) -> Callable[[np.ndarray], np.ndarray] | GramOperator:
        """``V ↦ A V`` for a dense sample ``A`` (laws are sampled densely)."""
        a = self.sample(rng, n)
        return lambda v: a @ v

    def dense_bytes(self, n: int) -> float:
        """The memory one dense trial needs, in bytes."""
        return 8.0 * n * n * dense_matrix_count(self.law)

    def matrix_free_bytes(self, n: int) -> float:
        """The memory one matrix-free trial needs (laws are sampled densely)."""
        return 8.0 * n * n * (dense_matrix_count(self.law) - 1.0)

    def expected_moments(self, order: int) -> tuple[float, ...]:
        """The derived moments ``m_1..m_order`` of the law, as floats."""
        return tuple(float(m) for m in self.law.moments(order))
