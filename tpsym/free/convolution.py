"""Free additive and multiplicative convolution of moment sequences.

* ``boxplus``: free cumulants add (Voiculescu; Nica–Speicher, Lecture 12).
* ``boxtimes``: S-transforms multiply (Voiculescu 1987; Nica–Speicher,
  Lecture 18). Every factor is first rescaled to mean 1, so that
  ``S(0) = 1`` and powers ``S^t`` with a symbolic ``t`` stay exact; the means
  are put back at the end, ``m_n(a b) = (m_1(a) m_1(b))^n m_n(a' b')``. A
  factor of mean 0 has no S-transform: then the product is computed from
  three power-series equations of the first-block decomposition
  (:func:`_boxtimes_two_series`, polynomial in the order); the Kreweras
  formula ``phi((ab)^n) = sum_{pi in NC(n)} kappa_pi[a] m_{K(pi)}[b]``
  (Nica–Speicher, Theorem 14.4), which enumerates NC(n), is its witness.
* ``boxtimes_power``: the ⊠-power ``a^{⊠t}`` with ``S = S_a^t``; for a
  symbolic ``t`` the moments are ``m_1^(n t)`` times polynomials in ``t``.
* ``boxplus_power``: the ⊞-power (free compression) with ``kappa_n -> t kappa_n``.

Examples
--------
MP ⊠ MP with ratios 1 gives the Fuss–Catalan numbers binom(3n, n)/(2n+1)
(OEIS A001764):

>>> boxtimes([1, 2, 5, 14], [1, 2, 5, 14])
(1, 3, 12, 55)
>>> boxplus([0, 1, 0, 2], [0, 1, 0, 2])  # semicircles add variances
(0, 2, 0, 8)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, cast

import sympy

from tpsym.errors import DomainError, InputError
from tpsym.free.cumulants import cumulants_from_moments_series, moments_from_cumulants_series
from tpsym.free.transforms import _moments_from_s, s_transform_in
from tpsym.series import Series
from tpsym.series.encode import Encoder
from tpsym.series.ring import RationalFunctionField

__all__ = ["boxplus", "boxtimes", "boxtimes_power", "boxplus_power", "KREWERAS_MAX_ORDER"]

#: Largest order for which ⊠ with a mean-zero factor enumerates NC(n).
KREWERAS_MAX_ORDER = 14


# -- field-level kernels ------------------------------------------------------
def _boxplus(moment_lists: Sequence[Sequence[Any]], F: Any) -> list[Any]:
    n = min(len(m) for m in moment_lists)
    total = [F.zero] * n
    for mom in moment_lists:
        kap = cumulants_from_moments_series(list(mom[:n]), "free", F)
        total = [a + b for a, b in zip(total, kap)]
    return moments_from_cumulants_series(total, "free", F)


def _rescale(mom: Sequence[Any], factor: Any) -> list[Any]:
    out, p = [], None
    for m in mom:
        p = factor if p is None else p * factor
        out.append(m * p)
    return out


def _boxtimes_two_kreweras(a: Sequence[Any], b: Sequence[Any], F: Any) -> list[Any]:
    """``m_1..m_n`` of ``a ⊠ b`` by the Kreweras sum over NC(k) (the lattice witness; exponential in n)."""
    n = min(len(a), len(b))
    if n > KREWERAS_MAX_ORDER:
        raise DomainError(f"the Kreweras sum over NC(n) is limited to order {KREWERAS_MAX_ORDER}, {n} asked")
    return kreweras_sum(cumulants_from_moments_series(list(a[:n]), "free", F), b, n, F)


def _boxtimes_two_series(a: Sequence[Any], b: Sequence[Any], F: Any) -> list[Any]:
    """``m_1..m_n`` of ``a ⊠ b`` for any means (zero included), by three power-series equations.

    With ``C_x(w) = 1 + sum_s kappa_s(x) w^s`` and ``D_x(w) = (C_x(w) - 1)/w``,
    the first-block decomposition of the monochromatic non-crossing
    partitions of the word ``(ab)^k`` (Nica–Speicher, Lecture 11: mixed
    cumulants of free variables vanish) gives, for the generating functions
    ``M(z) = sum_k phi((ab)^k) z^k``, ``B(z) = sum_m phi(b (ab)^m) z^m`` and
    ``A(z) = sum_l phi(a (ba)^l) z^(l+1)``:

        M = 1 + z B D_a(z B),    A = z M D_a(z B),    B = M D_b(A).

    The first block of an ``a``-led word splits it into ``b``-led gaps and
    the block's ``a``'s, that of a ``b``-led word into ``a``-led gaps and a
    trailing ``(ab)^l``. No division occurs, so a factor of mean 0 needs no
    S-transform; each pass of the fixed-point iteration fixes one more
    coefficient, O(n) series compositions in all (polynomial in n, where
    the Kreweras sum over NC(n) is exponential). Eliminating ``A`` and ``B``
    gives back ``S_{ab} = S_a S_b`` when both means are non-zero
    (Voiculescu 1987), which the tests check.
    """
    n = min(len(a), len(b))
    prec = n + 1
    ka = cumulants_from_moments_series(list(a[:n]), "free", F)
    kb = cumulants_from_moments_series(list(b[:n]), "free", F)
    Da = Series(list(ka) + [F.zero], F, prec)  # D_a(w) = kappa_1 + kappa_2 w + ...
    Db = Series(list(kb) + [F.zero], F, prec)
    one = Series.constant(F.one, prec, F)
    B = Series([F.zero], F, prec)
    M = one
    for _ in range(prec):  # pass j fixes M, A, B to O(z^(j+1))
        zB = B.shift(1).truncate(prec)
        DzB = Da.compose(zB)
        M = one + (zB * DzB)
        A = (M * DzB).shift(1).truncate(prec)
        B = M * Db.compose(A)
    return list(M.coefficients[1:prec])


@lru_cache(maxsize=None)
def _kreweras_type_pairs(k: int) -> tuple[tuple[tuple[int, ...], tuple[int, ...], int], ...]:
    """The pairs (block sizes of π, block sizes of K(π)) over π ∈ NC(k), with multiplicities.

    A pure function of k: far fewer pairs than partitions (NC(10) has 16796
    partitions and 168 pairs), so the Kreweras sum multiplies in the field
    once per pair.

    >>> _kreweras_type_pairs(2)
    (((1, 1), (2,), 1), ((2,), (1, 1), 1))
    """
    from tpsym.combinat import kreweras, noncrossing_partitions

    counts: Counter[tuple[tuple[int, ...], tuple[int, ...]]] = Counter()
    for pi in noncrossing_partitions(k):
        counts[(pi.block_type(), kreweras(pi).block_type())] += 1
    return tuple((p, q, c) for (p, q), c in sorted(counts.items()))


def kreweras_sum(kap: Sequence[Any], b: Sequence[Any], n: int, F: Any) -> list[Any]:
    """``φ((ab)^k) = Σ_{π ∈ NC(k)} κ_π[a] m_{K(π)}[b]`` for k = 1..n, a and b free.

    With a a semicircle and b = 1 this is the semicircle's moments (Catalan numbers, OEIS A000108):

    >>> from tpsym.series import QQ
    >>> kreweras_sum([QQ.from_int(c) for c in (0, 1, 0, 0)], [QQ.one] * 4, 4, QQ)
    [0, 1, 0, 2]

    Nica–Speicher, Lecture 14 (Theorem 14.4); ``kap`` are the free cumulants
    of a, ``b`` the moments of b, each from order 1. The sum runs over the
    block-type pairs of :func:`_kreweras_type_pairs`.
    """
    out = []
    for k in range(1, n + 1):
        total = F.zero
        for p, q, count in _kreweras_type_pairs(k):
            term = F.from_int(count)
            for size in p:
                term = term * kap[size - 1]
            for size in q:
                term = term * b[size - 1]
            total = total + term
        out.append(total)
    return out


def boxtimes_kreweras(moment_lists: Sequence[Sequence[Any]], F: Any) -> list[Any]:
    """⊠ of laws given by moments, some of mean 0 (no S-transform): pairwise by :func:`_boxtimes_two_series`.

    A semicircle times the identity is the semicircle:

    >>> from tpsym.series import QQ
    >>> boxtimes_kreweras([[QQ.from_int(m) for m in (0, 1, 0, 2)], [QQ.one] * 4], QQ)
    [0, 1, 0, 2]
    """
    result = list(moment_lists[0])
    for mom in moment_lists[1:]:
        result = _boxtimes_two_series(result, mom, F)
    return result


def boxtimes_s(s_lists: Sequence[Sequence[Any]], F: Any) -> list[Any]:
    """⊠ of laws given by their S-transforms s_0..s_{n-1}: moments m_1..m_n.

    MP(1) ⊠ MP(1) (S = 1/(1 + z) each) has the Fuss–Catalan moments 1, 3, 12 (OEIS A001764):

    >>> from tpsym.series import QQ
    >>> s = [QQ.from_int(c) for c in (1, -1, 1)]
    >>> boxtimes_s([s, s], QQ)
    [1, 3, 12]
    """
    n = min(len(s) for s in s_lists)
    S = Series(list(s_lists[0][:n]), F, n)
    for s in s_lists[1:]:
        S = S * Series(list(s[:n]), F, n)
    return _moments_from_s(list(S.coefficients), F)


def _boxtimes(moment_lists: Sequence[Sequence[Any]], F: Any) -> list[Any]:
    n = min(len(m) for m in moment_lists)
    if any(F.is_zero(m[0]) for m in moment_lists):
        return boxtimes_kreweras([m[:n] for m in moment_lists], F)
    return boxtimes_s([s_transform_in(list(m[:n]), F, n) for m in moment_lists], F)


def boxtimes_power_in(s: Sequence[Any], t: Any, unit: Any, F: Any) -> list[Any]:
    """Moments of a^{⊠t} from the S-transform ``s`` of ``a``.

    ``unit`` is the field element standing for ``m_1^t``: the law is rescaled
    to mean 1 (``S(0) = 1``), so that ``S^t`` is exact, and rescaled back.

    MP(1)^⊠2 (Fuss–Catalan, OEIS A001764):

    >>> from tpsym.series import QQ
    >>> boxtimes_power_in([QQ.from_int(c) for c in (1, -1, 1)], 2, QQ.one, QQ)
    [1, 3, 12]
    """
    n = len(s)
    S = Series(list(s), F, n)
    S = S.scale(F.inv(s[0])).power(t)
    return _rescale(_moments_from_s(list(S.coefficients), F), unit)


def _boxplus_power(mom: Sequence[Any], t: Any, F: Any) -> list[Any]:
    kap = cumulants_from_moments_series(list(mom), "free", F)
    return moments_from_cumulants_series([k * t for k in kap], "free", F)


# -- public, expression-level -------------------------------------------------
def _encode_all(seqs: Sequence[Sequence[Any]], extra: Sequence[Any] = ()) -> tuple[Encoder, list[list[Any]]]:
    if len(seqs) < 1:
        raise InputError("give at least one moment sequence")
    lists = []
    for s in seqs:
        if isinstance(s, (str, bytes)) or not len(s):
            raise InputError("every law must be given as a non-empty sequence of moments")
        lists.append(list(s))
    enc = Encoder.for_exprs([x for s in lists for x in s] + list(extra))
    return enc, [[enc.encode(x) for x in s] for s in lists]


def boxplus(*moment_sequences: Sequence[Any]) -> tuple[sympy.Expr, ...]:
    """Moments of the free additive convolution of laws given by their moments.

    The result has as many moments as the shortest input.

    >>> a = sympy.Symbol("a")
    >>> boxplus([a, a**2], [1, 2])  # Dirac at a, then MP(1): a shift by a
    (a + 1, a**2 + 2*a + 2)
    """
    enc, lists = _encode_all(moment_sequences)
    return tuple(enc.decode(x) for x in _boxplus(lists, enc.field))


def boxtimes(*moment_sequences: Sequence[Any]) -> tuple[sympy.Expr, ...]:
    """Moments of the free multiplicative convolution of laws given by their moments.

    >>> boxtimes([0, 1, 0, 2], [1, 1, 1, 1])  # semicircle ⊠ Dirac(1)
    (0, 1, 0, 2)
    """
    enc, lists = _encode_all(moment_sequences)
    return tuple(enc.decode(x) for x in _boxtimes(lists, enc.field))


def boxtimes_power(moments: Sequence[Any], t: Any) -> tuple[sympy.Expr, ...]:
    """Moments of the ⊠-power ``a^{⊠t}``, ``t`` a number or a symbol.

    The k-th moment is ``m_1^(k t)`` times a polynomial in ``t``.

    Examples
    --------
    Products of ``L`` free MP(1) laws: the Fuss–Catalan numbers
    ``binom((L+1)k, k)/(L k + 1)`` (OEIS A001764 at L = 2):

    >>> L = sympy.Symbol("L")
    >>> boxtimes_power([1, 2, 5], L)
    (1, L + 1, 3*L**2/2 + 5*L/2 + 1)
    >>> boxtimes_power([1, 2, 5], 2)
    (1, 3, 12)
    """
    t = sympy.sympify(t) if not isinstance(t, sympy.Basic) else t
    if isinstance(moments, (str, bytes)) or not len(moments):
        raise InputError("give the moments as a non-empty sequence")
    mean = sympy.sympify(moments[0]) if not isinstance(moments[0], sympy.Basic) else moments[0]
    if t.is_Integer:
        if t < 1:
            raise DomainError(f"a ⊠-power needs an exponent ≥ 1, got {t}")
        return boxtimes(*([moments] * int(t)))
    unit = sympy.Symbol("_unit")  # stands for m_1**t, an atom outside QQ(parameters)
    enc = Encoder.for_exprs(list(moments) + [t], substitutions={unit: mean**t})
    F = cast(RationalFunctionField, enc.field)  # it has the generator _unit
    mom = [enc.encode(x) for x in moments]
    if F.is_zero(mom[0]):
        raise DomainError("a ⊠-power needs a law of non-zero mean (its S-transform)")
    out = boxtimes_power_in(s_transform_in(mom, F, len(mom)), enc.encode(t), F.gen(unit.name), F)
    return tuple(sympy.expand(enc.decode(x)) for x in out)


def boxplus_power(moments: Sequence[Any], t: Any) -> tuple[sympy.Expr, ...]:
    """Moments of the ⊞-power ``a^{⊞t}`` (``kappa_n -> t kappa_n``).

    >>> boxplus_power([0, 1, 0, 2], sympy.Symbol("t"))  # semicircle of variance t
    (0, t, 0, 2*t**2)
    """
    enc, (mom, tl) = _encode_all([moments, [t]])
    return tuple(enc.decode(x) for x in _boxplus_power(mom, tl[0], enc.field))
