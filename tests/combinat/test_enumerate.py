"""Enumeration: against the filtering oracle, order, batch form, degenerate cases."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from tpsym.combinat import (
    IntervalPartition,
    NCPartition,
    SetPartition,
    catalan,
    interval_partitions,
    k_divisible_partitions,
    noncrossing_array,
    noncrossing_labels,
    noncrossing_pairings,
    noncrossing_partitions,
    noncrossing_partitions_of_type,
    set_partitions,
)
from tpsym.combinat.enumerate import _chunks, _completion_table
from tpsym.errors import InputError

from .oracle import all_nc_partitions, all_set_partitions, canonical

# OEIS A000110: Bell numbers
A000110 = [1, 1, 2, 5, 15, 52, 203, 877, 4140, 21147]

ORACLE_N = range(0, 10)


def blocks_set(partitions):
    return sorted(canonical(p.blocks) for p in partitions)


@pytest.mark.parametrize("n", ORACLE_N)
def test_noncrossing_equals_filtering_oracle(n):
    produced = list(noncrossing_partitions(n))
    assert blocks_set(produced) == sorted(all_nc_partitions(n))
    assert len(set(produced)) == len(produced) == catalan(n)
    assert produced == sorted(produced)  # the documented order
    assert all(type(p) is NCPartition for p in produced)


@pytest.mark.parametrize("n", ORACLE_N)
def test_families_equal_filtered_oracle(n):
    nc = all_nc_partitions(n)
    for k in range(n + 2):
        assert blocks_set(noncrossing_partitions(n, blocks=k)) == sorted(p for p in nc if len(p) == k)
    assert blocks_set(noncrossing_pairings(n)) == sorted(p for p in nc if all(len(b) == 2 for b in p))
    for k in (1, 2, 3):
        assert blocks_set(k_divisible_partitions(n, k)) == sorted(p for p in nc if all(len(b) % k == 0 for b in p))
    if n <= 7:
        by_type = {}
        for p in nc:
            by_type.setdefault(tuple(sorted(map(len, p), reverse=True)), []).append(p)
        for block_type, members in by_type.items():
            assert blocks_set(noncrossing_partitions_of_type(block_type)) == sorted(members)


@pytest.mark.parametrize("n", ORACLE_N)
def test_set_and_interval_partitions(n):
    everything = all_set_partitions(n)
    produced = list(set_partitions(n))
    assert blocks_set(produced) == everything and len(produced) == A000110[n]
    assert produced == sorted(produced)
    intervals = [p for p in everything if all(max(b) - min(b) + 1 == len(b) for b in p)]
    produced_i = list(interval_partitions(n))
    assert blocks_set(produced_i) == intervals and produced_i == sorted(produced_i)
    assert all(type(p) is IntervalPartition for p in produced_i)
    for k in range(n + 2):
        assert blocks_set(set_partitions(n, blocks=k)) == [p for p in everything if len(p) == k]
        assert blocks_set(interval_partitions(n, blocks=k)) == [p for p in intervals if len(p) == k]


def test_constrained_families_keep_the_order():
    for family in (
        list(noncrossing_partitions_of_type([3, 2, 2, 1])),
        list(k_divisible_partitions(9, 3)),
        list(noncrossing_pairings(10)),
        list(noncrossing_partitions(9, blocks=4)),
    ):
        assert family == sorted(family) and len(set(family)) == len(family)


@pytest.mark.parametrize("n", range(0, 11))
def test_array_labels_and_partitions_agree(n):
    array = noncrossing_array(n)
    assert array.dtype == np.int8 and array.shape == (catalan(n), n)
    labels = list(noncrossing_labels(n))
    assert [tuple(row) for row in array.tolist()] == labels
    assert [p.labels() for p in noncrossing_partitions(n)] == labels
    for k in range(n + 2):
        sub = noncrossing_array(n, blocks=k)
        assert [tuple(r) for r in sub.tolist()] == list(noncrossing_labels(n, blocks=k))
        assert [tuple(r) for r in sub.tolist()] == [t for t in labels if len(set(t)) == k]


@pytest.mark.parametrize(("n", "cap"), [(n, cap) for n in (6, 9) for cap in (1, 3, 17, 200)])
def test_chunking_does_not_change_the_sequence(n, cap):
    whole = noncrossing_array(n)
    pieces = np.concatenate(list(_chunks(n, None, cap)))
    assert np.array_equal(whole, pieces)
    blocks = n // 2
    pieces_k = np.concatenate(list(_chunks(n, blocks, cap)))
    assert np.array_equal(noncrossing_array(n, blocks=blocks), pieces_k)


def test_no_shared_buffer():
    labels = list(noncrossing_labels(7))
    assert len(set(labels)) == len(labels) == catalan(7)
    assert all(isinstance(t, tuple) for t in labels)


def test_iterators_are_lazy_for_large_n():
    first = next(noncrossing_labels(400))
    assert first == (0,) * 400
    assert next(noncrossing_partitions(300, blocks=300)) == NCPartition.finest(300)
    head = list(itertools.islice(noncrossing_partitions(60), 5))
    assert head == sorted(head) and head[0] == NCPartition.coarsest(60)
    assert str(next(noncrossing_partitions_of_type([2] * 100))).startswith("1 2|3 4|")


def test_array_refuses_huge_n():
    with pytest.raises(InputError, match=r"NC\(18\) has 477638700 partitions"):
        noncrossing_array(18)


# One convention for degenerate cases, across every family:
# n = 0 has exactly one (empty) partition; an impossible shape is empty;
# a negative or non-integer size raises InputError when the function is called.
FAMILIES = {
    "noncrossing_partitions": lambda n: noncrossing_partitions(n),
    "noncrossing_labels": lambda n: noncrossing_labels(n),
    "noncrossing_array": lambda n: [tuple(r) for r in noncrossing_array(n).tolist()],
    "noncrossing_partitions(blocks=0)": lambda n: noncrossing_partitions(n, blocks=0),
    "noncrossing_partitions_of_type": lambda n: noncrossing_partitions_of_type([], n=n),
    "noncrossing_pairings": lambda n: noncrossing_pairings(n),
    "k_divisible_partitions": lambda n: k_divisible_partitions(n, 2),
    "set_partitions": lambda n: set_partitions(n),
    "interval_partitions": lambda n: interval_partitions(n),
}

IMPOSSIBLE = {
    "noncrossing_partitions(blocks=5 of 4)": lambda: noncrossing_partitions(4, blocks=5),
    "noncrossing_partitions(blocks=0 of 3)": lambda: noncrossing_partitions(3, blocks=0),
    "noncrossing_labels(blocks=4 of 3)": lambda: noncrossing_labels(3, blocks=4),
    "noncrossing_array(blocks=4 of 3)": lambda: [tuple(r) for r in noncrossing_array(3, blocks=4)],
    "noncrossing_partitions_of_type(n mismatch)": lambda: noncrossing_partitions_of_type([2, 1], n=4),
    "noncrossing_pairings(odd)": lambda: noncrossing_pairings(5),
    "k_divisible_partitions(3 does not divide 4)": lambda: k_divisible_partitions(4, 3),
    "set_partitions(blocks=4 of 3)": lambda: set_partitions(3, blocks=4),
    "interval_partitions(blocks=0 of 2)": lambda: interval_partitions(2, blocks=0),
}


@pytest.mark.parametrize("family", FAMILIES)
def test_n_zero_has_one_empty_partition(family):
    items = list(FAMILIES[family](0))
    assert len(items) == 1
    item = items[0]
    assert item == () or (isinstance(item, SetPartition) and item.n == 0 and str(item) == "")


@pytest.mark.parametrize("case", IMPOSSIBLE)
def test_impossible_shape_is_empty(case):
    assert list(IMPOSSIBLE[case]()) == []


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("bad", [-1, 2.5, True, "3", 3.0])
def test_bad_size_raises_on_call(family, bad):
    with pytest.raises(InputError, match="n"):
        FAMILIES[family](bad)  # no next(): the call itself validates


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: noncrossing_partitions(3, blocks=-1), "blocks=-1 is negative"),
        (lambda: noncrossing_labels(3, blocks=1.5), "blocks must be a non-negative integer"),
        (lambda: k_divisible_partitions(4, 0), "k must be a positive integer, got 0"),
        (lambda: noncrossing_partitions_of_type([2, -1]), "block sizes must be positive integers"),
        (lambda: noncrossing_partitions_of_type([1], n=-2), "n=-2 is negative"),
    ],
)
def test_bad_options_raise_on_call(call, message):
    with pytest.raises(InputError, match=message):
        call()


def test_counts_grow_like_catalan():
    # a cheap consistency check on a size beyond the oracle
    assert sum(1 for _ in noncrossing_labels(12)) == catalan(12) == math.comb(24, 12) // 13


def test_completion_table_counts_catalan():
    f = _completion_table(16, 10**12)
    assert [f(0, k) for k in range(17)] == [catalan(k) for k in range(17)]
    assert _completion_table(16, 100)(0, 16) == 101  # saturates at cap + 1
