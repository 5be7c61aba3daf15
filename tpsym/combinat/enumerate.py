"""Enumeration of non-crossing, set and interval partitions, generated directly.

Order
-----
Every enumerator yields its partitions in **lexicographic order of their
restricted-growth labels** (see :meth:`SetPartition.labels`), which is also
the order of the partition values: ``list(noncrossing_partitions(n))`` is
sorted. For NC(3): ``1 2 3``, ``1 2|3``, ``1 3|2``, ``1|2 3``, ``1|2|3``.

Algorithm (NC(n))
-----------------
A prefix of labels is extended one element at a time. The state of a prefix is
the stack of its *open* blocks: the blocks that the next element may join
without a crossing. Element ``i + 1`` either joins the block at stack position
``c`` (the blocks above it are closed for good: the stack is cut to ``c + 1``
entries) or opens a new block (pushed on top). The open blocks' labels grow
from the bottom to the top of the stack, so taking the choices ``c = 0, 1,
..., s`` (``s`` the stack size, ``c = s`` the new block) in turn gives the
lexicographic order. Every prefix extends to a partition, so nothing is ever
generated and thrown away.

The batch form runs this step on many prefixes at once with numpy (a row per
prefix; ``np.repeat`` copies each prefix once per child), in chunks of a
bounded number of rows reached by a depth-first walk over the prefix tree; the
lazy iterators walk the same chunks and turn their rows into tuples. With a
prescribed number of blocks ``k`` a child is kept only if ``k`` blocks stay
reachable (``k - blocks so far <= elements left``), which again leaves no dead
end. Fixed block types and k-divisible partitions use a depth-first walk in
pure Python over the same states, pruned by an exact test of completability.
"""

from __future__ import annotations

import numbers
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import cast

import numpy as np

from tpsym.combinat._validate import check_positive, check_size
from tpsym.combinat.counting import catalan, fuss_catalan, kreweras_count, narayana  # noqa: F401 (used by the doctests)
from tpsym.combinat.partition import IntervalPartition, NCPartition, SetPartition
from tpsym.errors import InputError

__all__ = [
    "noncrossing_partitions",
    "noncrossing_labels",
    "noncrossing_array",
    "noncrossing_partitions_of_type",
    "noncrossing_pairings",
    "k_divisible_partitions",
    "set_partitions",
    "interval_partitions",
]

#: rows per chunk of the batch builder and of the lazy iterators
_ARRAY_CHUNK = 1 << 17
_ITER_CHUNK = 1 << 13
#: largest array that noncrossing_array builds (bytes): NC(17) fits, NC(18) does not
_MAX_BYTES = 1 << 32


def _check_blocks(blocks: object) -> int | None:
    if blocks is None:
        return None
    return check_size(blocks, "blocks")


def _dtype(n: int) -> type[np.signedinteger]:
    return np.int8 if n <= 127 else np.int16 if n <= 32767 else np.int32


# --------------------------------------------------------------------------
# the vectorised kernel
# --------------------------------------------------------------------------


def _completion_table(n: int, cap: int) -> Callable[[int, int], int]:
    """``f(s, k)``: completions of a prefix with ``s`` open blocks and ``k`` elements left.

    ``f(s, 0) = 1`` and ``f(s, k) = sum_{j=1}^{s+1} f(j, k-1)`` (join stack
    position ``j - 1`` or, for ``j = s + 1``, open a block). Values saturate at
    ``cap + 1``: only the comparison with ``cap`` is needed. ``f(0, k)`` is
    Catalan(k), above any cap for k >= 20.
    """
    kmax = min(n, 20)
    rows = n + 3
    big = cap + 1
    table = [[1] * rows]
    for _ in range(kmax):
        prev = table[-1]
        row, acc = [], 0
        for s in range(rows):
            acc = min(acc + prev[min(s + 1, rows - 1)], big)  # running sum of prev[1..s+1]
            row.append(acc)
        table.append(row)

    def f(s: int, k: int) -> int:
        if k > kmax:
            return big
        return table[k][min(s, rows - 1)]

    return f


def _children(
    state: tuple[tuple[int, ...], tuple[int, ...], int], n: int, blocks: int | None
) -> Iterator[tuple[tuple[int, ...], tuple[int, ...], int]]:
    """The one-element extensions of a prefix state, in lexicographic order."""
    labels, stack, nb = state
    left = n - len(labels) - 1  # elements after the new one
    s = len(stack)
    join_ok = s > 0 and (blocks is None or blocks - nb <= left)
    for c in range(s if join_ok else 0):
        yield labels + (stack[c],), stack[: c + 1], nb
    if blocks is None or (nb + 1 <= blocks and blocks - nb - 1 <= left):
        yield labels + (nb,), stack + (nb,), nb + 1


def _extend(states: Sequence[tuple[tuple[int, ...], tuple[int, ...], int]], n: int, blocks: int | None) -> np.ndarray:
    """All completions of prefix states of one length, as rows in lexicographic order."""
    dtype = _dtype(n)
    depth = len(states[0][0])
    width = n + 1
    m = len(states)
    lab = np.empty((m, n), dtype)
    stack = np.zeros((m, width), dtype)
    size = np.empty(m, dtype)
    nb = np.empty(m, dtype)
    for r, (labels, stk, count) in enumerate(states):
        lab[r, :depth] = labels
        stack[r, : len(stk)] = stk
        size[r] = len(stk)
        nb[r] = count
    cols = np.arange(width)
    upto = cols[None, :] <= cols[:, None]  # upto[s, j]: j <= s (children of a stack of size s)
    below = cols[None, :] < cols[:, None]  # below[s, j]: j < s (the joins)
    at = cols[None, :] == cols[:, None]  # at[s, j]: j == s (the new block)
    child_size = np.ascontiguousarray(np.broadcast_to(cols.astype(dtype) + 1, (width, width)))
    for i in range(depth, n):
        rows = stack.shape[0]
        sz = size.astype(np.intp)
        # slot `size` of each stack row holds the label a new block would get
        stack.reshape(-1)[np.arange(0, rows * width, width) + sz] = nb
        # np.take and np.compress are several times faster than fancy indexing here
        if blocks is None:
            mask = np.take(upto, sz, axis=0).reshape(-1)
            cnt = sz + 1
        else:
            left = n - i - 1
            nb_int = nb.astype(np.intp)
            join_ok = blocks - nb_int <= left
            new_ok = (nb_int + 1 <= blocks) & (blocks - nb_int - 1 <= left)
            mask2 = (np.take(below, sz, axis=0) & join_ok[:, None]) | (np.take(at, sz, axis=0) & new_ok[:, None])
            cnt = mask2.sum(axis=1)
            mask = mask2.reshape(-1)
        new = np.compress(mask, stack.reshape(-1))
        lab = np.repeat(lab, cnt, axis=0)
        lab[:, i] = new
        if i == n - 1:
            break
        size = np.compress(mask, np.take(child_size, sz, axis=0).reshape(-1))  # child c: c + 1 open
        nb = np.repeat(nb, cnt)
        nb += new == nb
        stack = np.repeat(stack, cnt, axis=0)
    return lab


def _chunks(n: int, blocks: int | None, cap: int) -> Iterator[np.ndarray]:
    """NC(n) (with ``blocks`` blocks if given) as arrays of at most about ``cap`` rows.

    A depth-first walk over prefix states with an explicit stack of sibling
    iterators: a state whose completions may exceed ``cap`` is expanded into
    its children; runs of consecutive small siblings are completed together by
    :func:`_extend`. Invariant: the chunks come out in lexicographic order,
    because a batch holds consecutive siblings and is flushed before the walk
    descends or changes depth.
    """
    if blocks is not None and not (blocks <= n and (blocks > 0 or n == 0)):
        return
    f = _completion_table(n, cap)
    walk: list[Iterator[tuple[tuple[int, ...], tuple[int, ...], int]]] = [iter([((), (), 0)])]
    batch: list[tuple[tuple[int, ...], tuple[int, ...], int]] = []
    batch_rows = 0
    while walk:
        state = next(walk[-1], None)
        if state is None:
            walk.pop()
            continue
        depth = len(state[0])
        rows = f(len(state[1]), n - depth)
        if rows <= cap:
            if batch and (len(batch[0][0]) != depth or batch_rows + rows > cap):
                yield _extend(batch, n, blocks)
                batch, batch_rows = [], 0
            batch.append(state)
            batch_rows += rows
        else:
            if batch:
                yield _extend(batch, n, blocks)
                batch, batch_rows = [], 0
            walk.append(_children(state, n, blocks))
    if batch:
        yield _extend(batch, n, blocks)


def _rows_as_tuples(chunk: np.ndarray) -> list[tuple[int, ...]]:
    """The rows of a C-contiguous 2-d array as tuples of ints.

    Viewing each row as one record of a structured dtype makes ``tolist``
    return tuples directly, about three times faster than ``map(tuple,
    chunk.tolist())``.
    """
    n = chunk.shape[1]
    if n == 0:
        return [()] * chunk.shape[0]
    record = np.dtype([(f"f{i}", chunk.dtype) for i in range(n)])
    return cast(list[tuple[int, ...]], np.ascontiguousarray(chunk).view(record).reshape(-1).tolist())


def _label_iter(n: int, blocks: int | None) -> Iterator[tuple[int, ...]]:
    for chunk in _chunks(n, blocks, _ITER_CHUNK):
        yield from _rows_as_tuples(chunk)


def _partition_iter(n: int, blocks: int | None) -> Iterator[NCPartition]:
    make = NCPartition._trusted
    for chunk in _chunks(n, blocks, _ITER_CHUNK):
        for labels in _rows_as_tuples(chunk):
            yield make(n, labels)


# --------------------------------------------------------------------------
# public NC(n) enumerators
# --------------------------------------------------------------------------


def noncrossing_labels(n: int, *, blocks: int | None = None) -> Iterator[tuple[int, ...]]:
    """Iterate over NC(n) as tuples of restricted-growth labels (the fast iterator).

    Parameters
    ----------
    n : int
        The size of the ground set, ``n >= 0``.
    blocks : int, optional
        Only the partitions with this many blocks.

    Returns
    -------
    iterator of tuple of int
        ``labels[i - 1]`` is the 0-based index of the block of ``i``; in the
        lexicographic order of the module docstring. Each tuple is new.

    Raises
    ------
    InputError
        When ``n`` or ``blocks`` is not a non-negative integer (raised by the
        call, before any iteration).

    Notes
    -----
    More than a million partitions a second for n = 16 (see
    ``benchmarks/bench_combinat.py``); memory stays bounded for every n.

    Examples
    --------
    >>> list(noncrossing_labels(3))
    [(0, 0, 0), (0, 0, 1), (0, 1, 0), (0, 1, 1), (0, 1, 2)]
    >>> sum(1 for _ in noncrossing_labels(10)) == catalan(10)
    True
    """
    n = check_size(n)
    return _label_iter(n, _check_blocks(blocks))


def noncrossing_partitions(n: int, *, blocks: int | None = None) -> Iterator[NCPartition]:
    """Iterate over the non-crossing partitions of {1, ..., n}.

    Parameters
    ----------
    n : int
        The size of the ground set, ``n >= 0``; NC(0) holds one (empty) partition.
    blocks : int, optional
        Only the partitions with this many blocks (none if impossible).

    Returns
    -------
    iterator of NCPartition
        In lexicographic order of the labels, i.e. sorted.

    Raises
    ------
    InputError
        When ``n`` or ``blocks`` is not a non-negative integer (raised by the
        call, before any iteration).

    Notes
    -----
    About a third of the rate of :func:`noncrossing_labels`, which builds no
    objects; use that or :func:`noncrossing_array` for bulk work.

    Examples
    --------
    >>> [str(p) for p in noncrossing_partitions(3)]
    ['1 2 3', '1 2|3', '1 3|2', '1|2 3', '1|2|3']
    >>> [str(p) for p in noncrossing_partitions(4, blocks=3)]
    ['1 2|3|4', '1 3|2|4', '1|2 3|4', '1 4|2|3', '1|2 4|3', '1|2|3 4']
    >>> list(noncrossing_partitions(0))
    [NCPartition('')]
    """
    n = check_size(n)
    return _partition_iter(n, _check_blocks(blocks))


def noncrossing_array(n: int, *, blocks: int | None = None) -> np.ndarray:
    """All of NC(n) as one integer array, a row of restricted-growth labels per partition.

    Parameters
    ----------
    n : int
        The size of the ground set, ``n >= 0``.
    blocks : int, optional
        Only the partitions with this many blocks.

    Returns
    -------
    numpy.ndarray
        Shape ``(count, n)``, dtype ``int8`` (``int16`` for n > 127), rows in
        the order of :func:`noncrossing_labels`. NC(0) is one row of length 0.

    Raises
    ------
    InputError
        When ``n`` or ``blocks`` is not a non-negative integer, or the array
        would exceed 4 GiB (n >= 18; iterate with :func:`noncrossing_labels`).

    Notes
    -----
    NC(16), 35,357,670 rows, takes well under 3 s on two cores.

    Examples
    --------
    >>> noncrossing_array(3)
    array([[0, 0, 0],
           [0, 0, 1],
           [0, 1, 0],
           [0, 1, 1],
           [0, 1, 2]], dtype=int8)
    >>> noncrossing_array(12).shape == (catalan(12), 12)
    True
    """
    n = check_size(n)
    k = _check_blocks(blocks)
    rows = catalan(n) if k is None else narayana(n, k)
    if rows * n > _MAX_BYTES:
        raise InputError(f"NC({n}) has {rows} partitions, {rows * n} bytes as an array, over the limit of {_MAX_BYTES}")
    out = np.empty((rows, n), _dtype(n))
    start = 0
    for chunk in _chunks(n, k, _ARRAY_CHUNK):
        out[start : start + chunk.shape[0]] = chunk
        start += chunk.shape[0]
    if start != rows:  # pragma: no cover - a broken invariant, not bad input
        raise AssertionError(f"generated {start} rows, expected {rows}")
    return out


# --------------------------------------------------------------------------
# constrained families: a pruned depth-first walk in Python
# --------------------------------------------------------------------------


def _constrained(
    n: int,
    close_ok: Callable[[int], bool],
    on_close: Callable[[int, int], None],
    feasible: Callable[[list[int], int], bool],
) -> Iterator[tuple[int, ...]]:
    """Labels of the NC(n) partitions whose blocks pass the given tests.

    ``close_ok(size)`` says whether a block may close with that size (it is
    then recorded by ``on_close(size, +1)`` and undone by ``on_close(size,
    -1)``); ``feasible(open_sizes, left)`` says whether the open blocks can
    still be completed with ``left`` elements to come. If ``feasible`` is
    exact, no branch is a dead end. Blocks still open at the end close there.
    """
    labels: list[int] = []
    stack: list[int] = []  # labels of the open blocks, bottom to top
    sizes: list[int] = []  # sizes[label]

    def walk(i: int) -> Iterator[tuple[int, ...]]:
        if i == n:
            yield tuple(labels)
            return
        left = n - i - 1
        s = len(stack)
        for c in range(s + 1):
            popped = stack[c + 1 :] if c < s else []
            closed: list[int] = []
            ok = True
            for label in popped:
                if not close_ok(sizes[label]):
                    ok = False
                    break
                on_close(sizes[label], 1)
                closed.append(sizes[label])
            if ok:
                if c < s:
                    label = stack[c]
                    saved = stack[c + 1 :]
                    del stack[c + 1 :]
                    sizes[label] += 1
                else:
                    label = len(sizes)
                    saved = []
                    sizes.append(1)
                    stack.append(label)
                labels.append(label)
                if feasible([sizes[b] for b in stack], left):
                    yield from walk(i + 1)
                labels.pop()
                if c < s:
                    sizes[label] -= 1
                    stack.extend(saved)
                else:
                    sizes.pop()
                    stack.pop()
            for size in closed:
                on_close(size, -1)

    return walk(0)


def _check_block_type(block_type: Iterable[int]) -> tuple[int, ...]:
    if isinstance(block_type, (str, bytes)):
        raise InputError(f"a block type is a sequence of block sizes, got the string {block_type!r}")
    try:
        sizes = list(block_type)
    except TypeError:
        raise InputError(f"a block type is a sequence of block sizes, got {block_type!r}") from None
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
            raise InputError(f"block sizes must be positive integers, got {size!r} in {sizes!r}")
    return tuple(sorted((int(s) for s in sizes), reverse=True))


def _type_iter(block_type: tuple[int, ...], n: int) -> Iterator[NCPartition]:
    if sum(block_type) != n:
        return
    need = Counter(block_type)

    def close_ok(size: int) -> bool:
        return need[size] > 0

    def on_close(size: int, sign: int) -> None:
        need[size] -= sign

    def feasible(open_sizes: list[int], left: int) -> bool:
        # each open block needs its own remaining size at least as large
        avail = sorted((s for s, m in need.items() for _ in range(m)), reverse=True)
        if len(avail) < len(open_sizes):
            return False
        return all(c <= a for c, a in zip(sorted(open_sizes, reverse=True), avail))

    make = NCPartition._trusted
    for labels in _constrained(n, close_ok, on_close, feasible):
        yield make(n, labels)


def _divisible_iter(n: int, k: int) -> Iterator[NCPartition]:
    if n % k:
        return

    def close_ok(size: int) -> bool:
        return size % k == 0

    def on_close(size: int, sign: int) -> None:
        pass

    def feasible(open_sizes: list[int], left: int) -> bool:
        return sum(-s % k for s in open_sizes) <= left

    make = NCPartition._trusted
    for labels in _constrained(n, close_ok, on_close, feasible):
        yield make(n, labels)


def noncrossing_partitions_of_type(block_type: Iterable[int], *, n: int | None = None) -> Iterator[NCPartition]:
    """Iterate over the non-crossing partitions with the given block sizes.

    Parameters
    ----------
    block_type : iterable of int
        The block sizes, as a multiset (order does not matter), each >= 1.
    n : int, optional
        The size of the ground set; by default ``sum(block_type)``. If given
        and different, the iteration is empty (an impossible shape).

    Returns
    -------
    iterator of NCPartition
        In lexicographic order of the labels; :func:`kreweras_count` of them.

    Raises
    ------
    InputError
        When a block size is not a positive integer or ``n`` is not a
        non-negative integer.

    Notes
    -----
    A pruned depth-first walk in pure Python (no dead ends): some 10**5
    partitions a second, and a recursion as deep as n (so n below about 900).

    Examples
    --------
    >>> [str(p) for p in noncrossing_partitions_of_type([1, 2])]
    ['1 2|3', '1 3|2', '1|2 3']
    >>> sum(1 for _ in noncrossing_partitions_of_type([3, 2, 1, 1])) == kreweras_count([3, 2, 1, 1])
    True
    >>> list(noncrossing_partitions_of_type([2, 2], n=5))
    []
    >>> list(noncrossing_partitions_of_type([]))
    [NCPartition('')]
    """
    sizes = _check_block_type(block_type)
    size = sum(sizes) if n is None else check_size(n)
    return _type_iter(sizes, size)


def noncrossing_pairings(n: int) -> Iterator[NCPartition]:
    """Iterate over NC_2(n), the non-crossing pair partitions of {1, ..., n}.

    Empty for odd n; Catalan(n/2) of them for even n.

    Examples
    --------
    >>> [str(p) for p in noncrossing_pairings(4)]
    ['1 2|3 4', '1 4|2 3']
    >>> list(noncrossing_pairings(3))
    []
    """
    n = check_size(n)
    return _type_iter((2,) * (n // 2), n) if n % 2 == 0 else iter(())


def k_divisible_partitions(n: int, k: int) -> Iterator[NCPartition]:
    """Iterate over the k-divisible non-crossing partitions of {1, ..., n}.

    A partition is k-divisible when every block size is a multiple of k.
    Empty unless k divides n; there are ``fuss_catalan(n // k, k)`` of them.

    Parameters
    ----------
    n : int
        The size of the ground set, ``n >= 0``.
    k : int
        The divisor, ``k >= 1`` (k = 1 gives all of NC(n)).

    Examples
    --------
    >>> [str(p) for p in k_divisible_partitions(4, 2)]
    ['1 2 3 4', '1 2|3 4', '1 4|2 3']
    >>> sum(1 for _ in k_divisible_partitions(9, 3)) == fuss_catalan(3, 3) == 22
    True
    """
    n = check_size(n)
    k = check_positive(k, "k")
    return _divisible_iter(n, k)


# --------------------------------------------------------------------------
# set partitions and interval partitions
# --------------------------------------------------------------------------


def _set_iter(n: int, blocks: int | None) -> Iterator[SetPartition]:
    if blocks is not None and not (blocks <= n and (blocks > 0 or n == 0)):
        return
    labels = [0] * n
    make = SetPartition._trusted

    def walk(i: int, m: int) -> Iterator[SetPartition]:
        if i == n:
            yield make(n, labels)
            return
        left = n - i - 1
        top = m if blocks is None or m < blocks else m - 1
        for c in range(top + 1):
            grown = m + (c == m)
            if blocks is not None and blocks - grown > left:
                continue
            labels[i] = c
            yield from walk(i + 1, grown)

    yield from walk(0, 0)


def set_partitions(n: int, *, blocks: int | None = None) -> Iterator[SetPartition]:
    """Iterate over all partitions of {1, ..., n} (the lattice of set partitions).

    In lexicographic order of the restricted-growth labels; Bell(n) of them
    (``blocks=k``: the Stirling number S(n, k)).

    Examples
    --------
    >>> [str(p) for p in set_partitions(3)]
    ['1 2 3', '1 2|3', '1 3|2', '1|2 3', '1|2|3']
    >>> sum(1 for _ in set_partitions(5)), sum(1 for _ in set_partitions(5, blocks=2))
    (52, 15)
    """
    n = check_size(n)
    return _set_iter(n, _check_blocks(blocks))


def _interval_iter(n: int, blocks: int | None) -> Iterator[IntervalPartition]:
    if n == 0:
        if blocks in (None, 0):
            yield IntervalPartition._trusted(0, ())
        return
    if blocks is not None and not 1 <= blocks <= n:
        return
    make = IntervalPartition._trusted
    labels = [0] * n

    def walk(i: int, m: int) -> Iterator[IntervalPartition]:
        if i == n:
            yield make(n, labels)
            return
        left = n - i - 1
        for grown in (m, m + 1):
            if blocks is not None and not (grown <= blocks and blocks - grown <= left):
                continue
            labels[i] = grown - 1
            yield from walk(i + 1, grown)

    labels[0] = 0
    yield from walk(1, 1)


def interval_partitions(n: int, *, blocks: int | None = None) -> Iterator[IntervalPartition]:
    """Iterate over the interval partitions of {1, ..., n} (compositions of n).

    In lexicographic order of the labels; 2**(n-1) of them for n >= 1
    (``blocks=k``: binomial(n - 1, k - 1)).

    Examples
    --------
    >>> [str(p) for p in interval_partitions(3)]
    ['1 2 3', '1 2|3', '1|2 3', '1|2|3']
    >>> list(interval_partitions(0))
    [IntervalPartition('')]
    """
    n = check_size(n)
    return _interval_iter(n, _check_blocks(blocks))
