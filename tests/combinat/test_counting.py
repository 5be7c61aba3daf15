"""Closed-form counts against OEIS and against enumeration."""

from __future__ import annotations

import pytest

from tpsym.combinat import (
    catalan,
    fuss_catalan,
    k_divisible_partitions,
    kreweras_count,
    narayana,
    noncrossing_pairings,
    noncrossing_partitions,
    noncrossing_partitions_of_type,
)
from tpsym.errors import InputError

# OEIS A000108: Catalan numbers Cat(0), Cat(1), ...
A000108 = [1, 1, 2, 5, 14, 42, 132, 429, 1430, 4862, 16796, 58786, 208012, 742900, 2674440, 9694845, 35357670]
# OEIS A001263: Narayana triangle, rows n = 1..8, k = 1..n
A001263 = [
    [1],
    [1, 1],
    [1, 3, 1],
    [1, 6, 6, 1],
    [1, 10, 20, 10, 1],
    [1, 15, 50, 50, 15, 1],
    [1, 21, 105, 175, 105, 21, 1],
    [1, 28, 196, 490, 490, 196, 28, 1],
]
# OEIS A001764: binomial(3n, n)/(2n + 1), the 2-divisible NC(2n)
A001764 = [1, 1, 3, 12, 55, 273, 1428, 7752, 43263]
# OEIS A002293: binomial(4n, n)/(3n + 1), the 3-divisible NC(3n)
A002293 = [1, 1, 4, 22, 140, 969, 7084, 53820]


def integer_partitions(n, largest=None):
    """All multisets of positive integers summing to n, largest part first."""
    largest = n if largest is None else largest
    if n == 0:
        yield ()
        return
    for part in range(min(n, largest), 0, -1):
        for rest in integer_partitions(n - part, part):
            yield (part, *rest)


@pytest.mark.parametrize(("n", "expected"), list(enumerate(A000108)))
def test_catalan_oeis(n, expected):
    assert catalan(n) == expected


@pytest.mark.parametrize("n", range(1, len(A001263) + 1))
def test_narayana_oeis(n):
    assert [narayana(n, k) for k in range(1, n + 1)] == A001263[n - 1]
    assert narayana(n, 0) == 0 and narayana(n, n + 1) == 0
    assert sum(A001263[n - 1]) == catalan(n)


@pytest.mark.parametrize(("table", "k"), [(A001764, 2), (A002293, 3), (A000108[:9], 1)])
def test_fuss_catalan_oeis(table, k):
    assert [fuss_catalan(n, k) for n in range(len(table))] == table


@pytest.mark.parametrize("n", range(0, 10))
def test_narayana_equals_enumeration(n):
    for k in range(0, n + 2):
        assert narayana(n, k) == sum(1 for _ in noncrossing_partitions(n, blocks=k))


@pytest.mark.parametrize("n", range(0, 9))
def test_kreweras_count_equals_enumeration_for_every_type(n):
    total = 0
    for block_type in integer_partitions(n):
        count = sum(1 for _ in noncrossing_partitions_of_type(block_type))
        assert count == kreweras_count(block_type), block_type
        total += count
    assert total == catalan(n)


def test_kreweras_count_from_enumeration_by_type():
    from collections import Counter

    seen = Counter(p.block_type() for p in noncrossing_partitions(8))
    assert all(kreweras_count(t) == c for t, c in seen.items())


@pytest.mark.parametrize(("n", "k"), [(n, k) for k in (1, 2, 3, 4) for n in range(0, 4)])
def test_fuss_catalan_equals_enumeration(n, k):
    assert fuss_catalan(n, k) == sum(1 for _ in k_divisible_partitions(k * n, k))


@pytest.mark.parametrize("n", range(0, 13))
def test_pairings_are_catalan(n):
    expected = catalan(n // 2) if n % 2 == 0 else 0
    assert sum(1 for _ in noncrossing_pairings(n)) == expected == kreweras_count([2] * (n // 2), n=n)


def test_exact_for_large_n():
    assert catalan(200) == catalan(200) // 1 and isinstance(catalan(200), int)
    assert sum(narayana(60, k) for k in range(61)) == catalan(60)
    assert kreweras_count([1] * 50) == 1 and kreweras_count([50]) == 1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: catalan(-1), "n=-1 is negative"),
        (lambda: catalan(2.5), "n must be a non-negative integer, got 2.5"),
        (lambda: catalan(True), "got True"),
        (lambda: narayana(3, -1), "k=-1 is negative"),
        (lambda: kreweras_count([2, 0]), r"block sizes must be positive integers, got 0 in \[2, 0\]"),
        (lambda: kreweras_count("21"), "string"),
        (lambda: kreweras_count([2, 1.0]), "got 1.0"),
        (lambda: fuss_catalan(3, 0), "k must be a positive integer, got 0"),
    ],
)
def test_bad_arguments(call, message):
    with pytest.raises(InputError, match=message):
        call()
