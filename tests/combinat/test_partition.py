"""The partition values: canonical form, constructors, errors, protocol."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from tpsym.combinat import IntervalPartition, NCPartition, SetPartition
from tpsym.errors import CrossingError, InputError

CLASSES = [SetPartition, NCPartition, IntervalPartition]


@pytest.mark.parametrize("cls", CLASSES)
def test_three_constructors_agree(cls):
    text = "1 2|3|4 5"
    a = cls.from_string(text)
    b = cls.from_blocks([[5, 4], [3], [2, 1]])
    c = cls.from_labels([9, 9, 0, "x", "x"])
    d = cls(text)
    assert a == b == c == d
    assert str(a) == text and a.n == 5 and len(a) == 3
    assert a.labels() == (0, 0, 1, 2, 2)
    assert type(a) is cls and type(c) is cls


def test_canonical_form():
    p = NCPartition([[5, 4], [2], [3, 1]])
    assert p.blocks == ((1, 3), (2,), (4, 5))
    assert str(p) == "1 3|2|4 5"
    assert repr(p) == "NCPartition('1 3|2|4 5')"
    assert p.block_type() == (2, 2, 1)
    assert list(p) == [(1, 3), (2,), (4, 5)]
    assert p.block_of(4) == (4, 5)


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_partition(text):
    p = NCPartition.from_string(text)
    assert p.n == 0 and p.blocks == () and str(p) == "" and len(p) == 0 and p.labels() == ()
    assert p == NCPartition.finest(0) == NCPartition.coarsest(0) == NCPartition.from_labels([])


def test_explicit_n():
    assert SetPartition.from_string("1 2|3", n=3).n == 3
    with pytest.raises(InputError, match="element 4 of 1..4 is in no block"):
        SetPartition.from_string("1 2|3", n=4)
    with pytest.raises(InputError, match="element 3 exceeds n=2"):
        SetPartition.from_string("1 2|3", n=2)
    with pytest.raises(InputError, match="element 1 of 1..2 is in no block"):
        SetPartition.from_string("", n=2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 2|2", "element 2 is in two blocks"),
        ("1 3", "element 2 of 1..3 is in no block"),
        ("0 1", "element 0 is not a positive integer"),
        ("1||2", "empty block in '1||2'"),
        ("1|2|", "empty block"),
        ("1 a|2", "'a' in '1 a|2' is not a positive integer"),
        ("1 -2", "'-2' in '1 -2' is not a positive integer"),
        ("1.5", "'1.5' in '1.5' is not a positive integer"),
    ],
)
def test_bad_strings(text, message):
    with pytest.raises(InputError, match=message):
        SetPartition.from_string(text)


@pytest.mark.parametrize(
    ("blocks", "message"),
    [
        ([[1, True]], "element True is not an integer"),
        ([[1, 2.0]], "element 2.0 is not an integer"),
        ([[1], []], "block 2 of .* is empty"),
        ("1 2", None),  # a string given to from_blocks
        (5, "iterable"),
    ],
)
def test_bad_blocks(blocks, message):
    with pytest.raises(InputError, match=message or "string"):
        SetPartition.from_blocks(blocks)


def test_crossing_error_names_the_blocks():
    with pytest.raises(CrossingError, match=r"^blocks \{1, 3\} and \{2, 4\} cross$"):
        NCPartition("1 3|2 4")
    with pytest.raises(CrossingError, match=r"blocks \{1, 4, 6\} and \{2, 5\} cross"):
        NCPartition("1 4 6|2 5|3")
    assert SetPartition("1 3|2 4").is_noncrossing() is False  # a set partition may cross


def test_interval_partition_checks():
    with pytest.raises(InputError, match=r"block \{1, 3\} is not an interval"):
        IntervalPartition("1 3|2")
    with pytest.raises(CrossingError):
        IntervalPartition("1 3|2 4")
    assert IntervalPartition("1 2 3|4").is_interval()


def test_equality_hash_order_across_classes():
    a, b, c = SetPartition("1|2 3"), NCPartition("1|2 3"), IntervalPartition("1|2 3")
    assert a == b == c and len({a, b, c}) == 1
    assert NCPartition("1 2|3") < NCPartition("1 3|2") < NCPartition("1|2 3")
    assert NCPartition("1 2") < NCPartition("1 2 3")  # by n first
    assert sorted([NCPartition("1|2"), NCPartition("1 2")]) == [NCPartition("1 2"), NCPartition("1|2")]
    assert NCPartition("1|2") != "1|2"


def test_immutable_and_picklable():
    p = NCPartition("1 4|2 3")
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.n = 5  # type: ignore[misc]
    with pytest.raises((AttributeError, TypeError)):
        p.extra = 1  # type: ignore[attr-defined]
    q = pickle.loads(pickle.dumps(p))
    assert q == p and type(q) is NCPartition and q.labels() == p.labels()
    assert copy.deepcopy(p) == p


def test_block_of_rejects_bad_element():
    with pytest.raises(InputError, match=r"element 4 is not in 1..3"):
        NCPartition("1 2 3").block_of(4)


@pytest.mark.parametrize("n", [-1, 2.0, True, "3", None])
def test_finest_rejects_bad_n(n):
    with pytest.raises(InputError):
        NCPartition.finest(n)
