"""Counting non-crossing partitions without enumerating them (exact integers).

References
----------
* Catalan numbers, OEIS A000108: ``|NC(n)| = binomial(2n, n) / (n + 1)``.
* Narayana numbers, OEIS A001263: NC(n) partitions with k blocks,
  ``N(n, k) = binomial(n, k) binomial(n, k - 1) / n``.
* G. Kreweras, "Sur les partitions non croisées d'un cycle", Discrete Math. 1
  (1972), Thm. 4: NC(n) partitions with m_i blocks of size i, b blocks in all,
  ``n! / ((n - b + 1)! prod_i m_i!)``.
* Fuss–Catalan numbers (OEIS A001764 for k = 2, A002293 for k = 3): the
  k-divisible NC(kn) partitions, ``binomial((k + 1) n, n) / (k n + 1)``
  (Edelman 1980; Arizmendi, arXiv:1012.5553).
"""

from __future__ import annotations

import numbers
from collections import Counter
from collections.abc import Iterable
from math import comb, factorial, prod

from tpsym.combinat._validate import check_positive, check_size
from tpsym.errors import InputError

__all__ = ["catalan", "narayana", "kreweras_count", "fuss_catalan"]


def catalan(n: int) -> int:
    """The Catalan number Cat(n) = |NC(n)| (OEIS A000108).

    Parameters
    ----------
    n : int
        ``n >= 0``.

    Returns
    -------
    int
        ``binomial(2n, n) // (n + 1)``; Cat(0) = 1.

    Raises
    ------
    InputError
        When ``n`` is not a non-negative integer.

    Examples
    --------
    >>> [catalan(n) for n in range(8)]
    [1, 1, 2, 5, 14, 42, 132, 429]
    >>> catalan(16)
    35357670
    """
    n = check_size(n)
    return comb(2 * n, n) // (n + 1)


def narayana(n: int, k: int) -> int:
    """The Narayana number N(n, k): the partitions in NC(n) with k blocks (OEIS A001263).

    Parameters
    ----------
    n : int
        ``n >= 0``.
    k : int
        The number of blocks, ``k >= 0``.

    Returns
    -------
    int
        ``binomial(n, k) binomial(n, k - 1) / n`` for 1 <= k <= n; N(0, 0) = 1;
        0 for every other (impossible) k.

    Raises
    ------
    InputError
        When ``n`` or ``k`` is not a non-negative integer.

    Examples
    --------
    >>> [narayana(4, k) for k in range(6)]
    [0, 1, 6, 6, 1, 0]
    >>> sum(narayana(7, k) for k in range(8)) == catalan(7)
    True
    """
    n = check_size(n)
    k = check_size(k, "k")
    if n == 0:
        return int(k == 0)
    if not 1 <= k <= n:
        return 0
    return comb(n, k) * comb(n, k - 1) // n


def kreweras_count(block_type: Iterable[int], *, n: int | None = None) -> int:
    """The number of partitions in NC(n) whose block sizes are ``block_type``.

    Kreweras' formula: with m_i blocks of size i and b blocks in all,
    ``n! / ((n - b + 1)! prod_i m_i!)``.

    Parameters
    ----------
    block_type : iterable of int
        The block sizes as a multiset, each >= 1; ``n`` is their sum.
    n : int, optional
        If given and not the sum of the sizes, the count is 0.

    Returns
    -------
    int
        The exact count; 1 for the empty type (the empty partition).

    Raises
    ------
    InputError
        When a block size is not a positive integer.

    Examples
    --------
    >>> kreweras_count([2, 1, 1])  # 1 2|3|4, 1|2 3|4, 1|2|3 4, 1 4|2|3, 1 3|2|4, 1|2 4|3
    6
    >>> kreweras_count([2, 2, 2]) == catalan(3)  # NC_2(6)
    True
    >>> kreweras_count([3, 1], n=5)
    0
    """
    if isinstance(block_type, (str, bytes)):
        raise InputError(f"a block type is a sequence of block sizes, got the string {block_type!r}")
    try:
        sizes = list(block_type)
    except TypeError:
        raise InputError(f"a block type is a sequence of block sizes, got {block_type!r}") from None
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
            raise InputError(f"block sizes must be positive integers, got {size!r} in {sizes!r}")
    total = sum(int(s) for s in sizes)
    if n is not None and check_size(n) != total:
        return 0
    b = len(sizes)
    denominator = factorial(total - b + 1) * prod(factorial(m) for m in Counter(map(int, sizes)).values())
    return factorial(total) // denominator


def fuss_catalan(n: int, k: int) -> int:
    """The Fuss–Catalan number: the k-divisible partitions in NC(k n).

    Parameters
    ----------
    n : int
        ``n >= 0``: the ground set is {1, ..., k n}.
    k : int
        ``k >= 1``; k = 1 gives the Catalan numbers.

    Returns
    -------
    int
        ``binomial((k + 1) n, n) // (k n + 1)`` (OEIS A001764 for k = 2,
        A002293 for k = 3). It is also the n-th moment of the free
        multiplicative power ``pi^{boxtimes k}`` of the free Poisson law.

    Examples
    --------
    >>> [fuss_catalan(n, 2) for n in range(6)]
    [1, 1, 3, 12, 55, 273]
    >>> fuss_catalan(5, 1) == catalan(5)
    True
    """
    n = check_size(n)
    k = check_positive(k, "k")
    return comb((k + 1) * n, n) // (k * n + 1)
