"""Set, non-crossing and interval partitions of {1, ..., n} as immutable values.

A partition is stored in one canonical form, made in the constructor: its
blocks are tuples of 1-based integers, each ascending, the blocks sorted by
their least element. Equality, hashing and order come from that form, so two
partitions are equal exactly when they have the same ``n`` and the same blocks,
whatever their class (``NCPartition("1|2") == SetPartition("1|2")``).

The string form lists the blocks separated by ``|``, the elements of a block
separated by spaces: ``"1 3|2|4 5"``. The partition of the empty set (``n = 0``,
no block) has the empty string as its form. Restricted-growth labels are
0-based: element ``i`` gets the index of its block in the canonical order, so
``labels[0] == 0`` and each label is at most one more than every label before
it.

The order of partitions is by ``n``, then lexicographic on the labels; it is
the order in which :func:`tpsym.combinat.noncrossing_partitions` generates
NC(n).

>>> p = NCPartition.from_string("1 3|2|4 5")
>>> p.blocks, p.n, len(p)
(((1, 3), (2,), (4, 5)), 5, 3)
>>> str(NCPartition.from_labels(p.labels())) == str(p) == "1 3|2|4 5"
True
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Self

from tpsym.combinat._validate import check_size
from tpsym.errors import CrossingError, InputError

__all__ = ["SetPartition", "NCPartition", "IntervalPartition"]

_TOKEN = re.compile(r"[0-9]+")
_SEPARATORS = re.compile(r"[\s,]+")


def _format_block(block: Sequence[int]) -> str:
    return "{" + ", ".join(map(str, block)) + "}"


def _blocks_from_labels(labels: Sequence[Hashable]) -> tuple[tuple[tuple[int, ...], ...], tuple[int, ...]]:
    """Canonical blocks and 0-based restricted-growth labels from any labels."""
    index: dict[Hashable, int] = {}
    rg: list[int] = []
    groups: list[list[int]] = []
    for i, label in enumerate(labels, 1):
        j = index.get(label)
        if j is None:
            j = index[label] = len(groups)
            groups.append([])
        groups[j].append(i)
        rg.append(j)
    return tuple(map(tuple, groups)), tuple(rg)


def _canonical_from_blocks(blocks: Iterable[Iterable[int]], n: int | None) -> tuple[int, tuple[int, ...]]:
    """Validate blocks of 1-based integers; return ``(n, labels)``."""
    if isinstance(blocks, (str, bytes)):
        raise InputError(f"blocks must be an iterable of iterables of integers, got the string {blocks!r}")
    owner: dict[int, int] = {}
    try:
        block_list = [list(block) for block in blocks]
    except TypeError:
        raise InputError(f"blocks must be an iterable of iterables of integers, got {blocks!r}") from None
    for b, block in enumerate(block_list):
        if not block:
            raise InputError(f"block {b + 1} of {block_list!r} is empty")
        for raw in block:
            if isinstance(raw, bool) or not isinstance(raw, numbers.Integral):
                raise InputError(f"element {raw!r} is not an integer")
            element = int(raw)
            if element < 1:
                raise InputError(f"element {element} is not a positive integer (elements are 1-based)")
            if element in owner:
                raise InputError(f"element {element} is in two blocks")
            owner[element] = b
    top = max(owner, default=0)
    if n is None:
        n = top
    else:
        n = check_size(n)
        if top > n:
            raise InputError(f"element {top} exceeds {n=}")
    for i in range(1, n + 1):
        if i not in owner:
            raise InputError(f"element {i} of 1..{n} is in no block")
    return n, tuple(owner[i] for i in range(1, n + 1))


def _parse(text: str) -> list[list[int]]:
    if not isinstance(text, str):
        raise InputError(f"a partition string must be a str, got {text!r}")
    if not text.strip():
        return []
    blocks: list[list[int]] = []
    for part in text.split("|"):
        tokens = [t for t in _SEPARATORS.split(part.strip()) if t]
        if not tokens:
            raise InputError(f"empty block in {text!r}")
        block = []
        for token in tokens:
            if not _TOKEN.fullmatch(token):
                raise InputError(f"{token!r} in {text!r} is not a positive integer")
            block.append(int(token))
        blocks.append(block)
    return blocks


def _first_crossing(blocks: Sequence[Sequence[int]], labels: Sequence[int]) -> tuple[int, int] | None:
    """Indices ``(a, b)`` of two crossing blocks (``min a < min b``), or None.

    One pass with a stack of the open blocks (opened, not yet at their last
    element). Invariant: the stack holds the open blocks by increasing least
    element, and no two blocks seen so far cross. At element i of a block
    already open, that block must be on top; a block T above it is open with
    min(block) < min(T) < i < max(T): the two cross.
    """
    stack: list[int] = []
    for i, label in enumerate(labels, 1):
        block = blocks[label]
        if block[0] == i:
            if block[-1] > i:
                stack.append(label)
            continue
        top = stack[-1]
        if top != label:
            return label, top
        if block[-1] == i:
            stack.pop()
    return None


@dataclass(frozen=True, slots=True, init=False, eq=False, repr=False)
class SetPartition:
    """A partition of {1, ..., n} into non-empty blocks.

    Parameters
    ----------
    blocks : str or iterable of iterables of int
        The blocks, each an iterable of 1-based integers, in any order; or the
        string form ``"1 3|2|4 5"`` (then the same as :meth:`from_string`).
    n : int, optional
        The size of the ground set. By default the largest element (0 when
        there is no block). Every element of 1..n must lie in exactly one block.

    Attributes
    ----------
    n : int
        The size of the ground set.
    blocks : tuple of tuple of int
        The blocks, each ascending, sorted by their least element.

    Raises
    ------
    InputError
        When an element is not a positive integer, lies in two blocks, exceeds
        ``n``, or an element of 1..n lies in no block, or a block is empty.

    Examples
    --------
    >>> p = SetPartition([[4, 2], [3, 1]])
    >>> p
    SetPartition('1 3|2 4')
    >>> p.n, p.blocks, len(p), p.block_type()
    (4, ((1, 3), (2, 4)), 2, (2, 2))
    >>> SetPartition("") == SetPartition([], n=0)
    True
    """

    n: int
    blocks: tuple[tuple[int, ...], ...]
    _labels: tuple[int, ...]

    def __init__(self, blocks: str | Iterable[Iterable[int]] = (), n: int | None = None) -> None:
        if isinstance(blocks, str):
            blocks = _parse(blocks)
        size, labels = _canonical_from_blocks(blocks, n)
        canonical, rg = _blocks_from_labels(labels)
        object.__setattr__(self, "n", size)
        object.__setattr__(self, "blocks", canonical)
        object.__setattr__(self, "_labels", rg)
        self._validate()

    # -- construction -------------------------------------------------------

    def _validate(self) -> None:
        """Check the class invariant (none for a set partition)."""

    @classmethod
    def _trusted(cls, n: int, labels: Sequence[int]) -> Self:
        """Build from 0-based restricted-growth labels without any check."""
        groups: list[list[int]] = [[] for _ in range(max(labels, default=-1) + 1)]
        for i, label in enumerate(labels, 1):
            groups[label].append(i)
        obj = object.__new__(cls)
        object.__setattr__(obj, "n", n)
        object.__setattr__(obj, "blocks", tuple(map(tuple, groups)))
        object.__setattr__(obj, "_labels", tuple(labels))
        return obj

    @classmethod
    def from_blocks(cls, blocks: Iterable[Iterable[int]], n: int | None = None) -> Self:
        """Build a partition from its blocks.

        Parameters
        ----------
        blocks : iterable of iterables of int
            1-based elements; blocks and elements in any order.
        n : int, optional
            The size of the ground set; by default the largest element.

        Returns
        -------
        SetPartition
            A value of the class the method is called on.

        Examples
        --------
        >>> NCPartition.from_blocks([(5, 4), (2,), (3, 1)])
        NCPartition('1 3|2|4 5')
        """
        if isinstance(blocks, str):
            raise InputError(f"from_blocks takes blocks, not the string {blocks!r}; use from_string")
        return cls(blocks, n)

    @classmethod
    def from_string(cls, text: str, n: int | None = None) -> Self:
        """Build a partition from its string form ``"1 3|2|4 5"``.

        Blocks are separated by ``|``, elements by spaces (or commas). The
        empty string is the partition of the empty set.

        Parameters
        ----------
        text : str
            The string form.
        n : int, optional
            The size of the ground set; by default the largest element.

        Returns
        -------
        SetPartition
            A value of the class the method is called on.

        Raises
        ------
        InputError
            When ``text`` is not a partition of 1..n.

        Examples
        --------
        >>> str(SetPartition.from_string(" 3 1 | 2 "))
        '1 3|2'
        >>> SetPartition.from_string("").n
        0
        """
        return cls(_parse(text), n)

    @classmethod
    def from_labels(cls, labels: Iterable[Hashable]) -> Self:
        """Build a partition from labels: elements with equal labels share a block.

        Element ``i`` (1-based) gets ``labels[i - 1]``; any hashable labels
        work, restricted-growth or not.

        Parameters
        ----------
        labels : iterable of hashable
            One label per element; ``n`` is the number of labels.

        Returns
        -------
        SetPartition
            A value of the class the method is called on.

        Examples
        --------
        >>> SetPartition.from_labels("abab")
        SetPartition('1 3|2 4')
        >>> SetPartition.from_labels([7, 7, 2]).labels()
        (0, 0, 1)
        """
        seq = list(labels)
        blocks, rg = _blocks_from_labels(seq)
        return cls(blocks, len(seq))

    @classmethod
    def finest(cls, n: int) -> Self:
        """The partition of 1..n into singletons, the least element of the lattice.

        Examples
        --------
        >>> NCPartition.finest(3)
        NCPartition('1|2|3')
        """
        n = check_size(n)
        return cls._trusted(n, tuple(range(n)))

    @classmethod
    def coarsest(cls, n: int) -> Self:
        """The partition of 1..n with one block (none if n = 0), the greatest element.

        Examples
        --------
        >>> NCPartition.coarsest(3), NCPartition.coarsest(0)
        (NCPartition('1 2 3'), NCPartition(''))
        """
        n = check_size(n)
        return cls._trusted(n, (0,) * n)

    # -- views ----------------------------------------------------------------

    def labels(self) -> tuple[int, ...]:
        """The 0-based restricted-growth labels: ``labels()[i - 1]`` is the block of i.

        Examples
        --------
        >>> NCPartition("1 3|2|4 5").labels()
        (0, 1, 0, 2, 2)
        """
        return self._labels

    def block_type(self) -> tuple[int, ...]:
        """The block sizes, largest first.

        Examples
        --------
        >>> NCPartition("1 3|2|4 5").block_type()
        (2, 2, 1)
        """
        return tuple(sorted(map(len, self.blocks), reverse=True))

    def block_of(self, element: int) -> tuple[int, ...]:
        """The block that holds ``element`` (1-based).

        Examples
        --------
        >>> NCPartition("1 3|2|4 5").block_of(3)
        (1, 3)
        """
        if isinstance(element, bool) or not isinstance(element, int) or not 1 <= element <= self.n:
            raise InputError(f"element {element!r} is not in 1..{self.n}")
        return self.blocks[self._labels[element - 1]]

    def is_noncrossing(self) -> bool:
        """Whether no two blocks cross.

        Examples
        --------
        >>> SetPartition("1 3|2 4").is_noncrossing(), SetPartition("1 4|2 3").is_noncrossing()
        (False, True)
        """
        return _first_crossing(self.blocks, self._labels) is None

    def is_interval(self) -> bool:
        """Whether every block is a run of consecutive integers.

        Examples
        --------
        >>> SetPartition("1 2|3").is_interval(), SetPartition("1 3|2").is_interval()
        (True, False)
        """
        return all(b[-1] - b[0] + 1 == len(b) for b in self.blocks)

    # -- protocol ---------------------------------------------------------------

    def __str__(self) -> str:
        return "|".join(" ".join(map(str, block)) for block in self.blocks)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __len__(self) -> int:
        return len(self.blocks)

    def __iter__(self) -> Iterator[tuple[int, ...]]:
        return iter(self.blocks)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SetPartition):
            return NotImplemented
        return self.n == other.n and self.blocks == other.blocks

    def __hash__(self) -> int:
        return hash((self.n, self.blocks))

    def _key(self) -> tuple[int, tuple[int, ...]]:
        return self.n, self._labels

    def __lt__(self, other: Any) -> bool:
        if not isinstance(other, SetPartition):
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: Any) -> bool:
        if not isinstance(other, SetPartition):
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: Any) -> bool:
        if not isinstance(other, SetPartition):
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: Any) -> bool:
        if not isinstance(other, SetPartition):
            return NotImplemented
        return self._key() >= other._key()


@dataclass(frozen=True, slots=True, init=False, eq=False, repr=False)
class NCPartition(SetPartition):
    """A non-crossing partition of {1, ..., n}: an element of the lattice NC(n).

    Two blocks A, B cross when a < b < c < d for some a, c in A and b, d in B.
    Built like :class:`SetPartition` (from blocks, a string or labels).

    Raises
    ------
    CrossingError
        When two blocks cross; the message names them.

    Examples
    --------
    >>> NCPartition("1 4|2 3|5")
    NCPartition('1 4|2 3|5')
    >>> NCPartition("1 3|2 4")
    Traceback (most recent call last):
    ...
    tpsym.errors.CrossingError: blocks {1, 3} and {2, 4} cross
    """

    def _validate(self) -> None:
        pair = _first_crossing(self.blocks, self._labels)
        if pair is not None:
            a, b = (self.blocks[j] for j in pair)
            raise CrossingError(f"blocks {_format_block(a)} and {_format_block(b)} cross")


@dataclass(frozen=True, slots=True, init=False, eq=False, repr=False)
class IntervalPartition(NCPartition):
    """A partition of {1, ..., n} into runs of consecutive integers.

    Interval partitions are the partitions of boolean cumulants; they are
    non-crossing.

    Raises
    ------
    InputError
        When a block is not a run of consecutive integers (a
        :class:`~tpsym.errors.CrossingError` if it also crosses another).

    Examples
    --------
    >>> IntervalPartition("1 2|3|4 5").block_type()
    (2, 2, 1)
    >>> IntervalPartition("1 3|2")
    Traceback (most recent call last):
    ...
    tpsym.errors.InputError: block {1, 3} is not an interval of consecutive integers
    """

    def _validate(self) -> None:
        NCPartition._validate(self)
        for block in self.blocks:
            if block[-1] - block[0] + 1 != len(block):
                raise InputError(f"block {_format_block(block)} is not an interval of consecutive integers")
