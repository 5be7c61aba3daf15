"""The lattice structure: refinement order, meet, join, Kreweras complement, Möbius function.

Which lattice an operation works in is read off the arguments' classes: when
both are :class:`NCPartition` values (interval partitions included) it is the
non-crossing lattice NC(n); when either is a plain :class:`SetPartition`, it
is the lattice of all set partitions. The two joins differ: the join in NC(n)
is the smallest *non-crossing* partition above both arguments.

>>> a, b = NCPartition("1 3|2|4"), NCPartition("1|2 4|3")
>>> str(join(a, b)), str(join(SetPartition(a.blocks), SetPartition(b.blocks)))
('1 2 3 4', '1 3|2 4')

Conventions
-----------
The Kreweras complement follows Nica–Speicher, *Lectures on the Combinatorics
of Free Probability*, Lecture 9 (and ``docs/design.md``): K(pi) is the largest
sigma on 1', ..., n' such that pi with sigma is non-crossing in the order
1 < 1' < 2 < 2' < ... < n < n'. In permutation form, a block read in
increasing order being a cycle, ``K(pi) = pi^-1 gamma`` with ``gamma = (1 2
... n)``. K is an anti-isomorphism of NC(n), ``|pi| + |K(pi)| = n + 1``, and
``K(K(pi))`` is ``pi`` rotated by one step: ``rotate(pi, -1)``.

The Möbius function uses the factorisation of intervals (Nica–Speicher,
Lecture 10): ``[pi, sigma]`` is isomorphic to a product of full lattices
NC(m), so ``mu(pi, sigma)`` is a product of ``mu_m = (-1)**(m-1) Cat(m-1)``.
For pi not below sigma, ``mu(pi, sigma) = 0``.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import factorial, prod
from typing import TYPE_CHECKING, cast

from tpsym.combinat._validate import check_size
from tpsym.combinat.counting import catalan
from tpsym.combinat.partition import IntervalPartition, NCPartition, SetPartition, _first_crossing
from tpsym.errors import InputError

if TYPE_CHECKING:  # networkx is imported by hasse_diagram only (0.5 s at load)
    import networkx as nx

__all__ = [
    "refines",
    "meet",
    "join",
    "kreweras",
    "kreweras_inverse",
    "rotate",
    "mobius",
    "hasse_diagram",
]


def _check_pair(p: object, q: object, what: str) -> tuple[SetPartition, SetPartition]:
    for name, value in (("first", p), ("second", q)):
        if not isinstance(value, SetPartition):
            raise InputError(f"{what}: the {name} argument must be a partition value, got {value!r}")
    first, second = cast(SetPartition, p), cast(SetPartition, q)
    if first.n != second.n:
        raise InputError(f"{what}: partitions of different sets, n={first.n} and n={second.n}")
    return first, second


def _common_class(p: SetPartition, q: SetPartition) -> type[SetPartition]:
    if isinstance(p, IntervalPartition) and isinstance(q, IntervalPartition):
        return IntervalPartition
    if isinstance(p, NCPartition) and isinstance(q, NCPartition):
        return NCPartition
    return SetPartition


def _as_nc(p: object, what: str) -> NCPartition:
    if isinstance(p, NCPartition):
        return p
    if isinstance(p, SetPartition):
        return NCPartition(p.blocks, p.n)  # raises CrossingError if it crosses
    if isinstance(p, str):
        return NCPartition.from_string(p)
    raise InputError(f"{what} takes a non-crossing partition, got {p!r}")


def refines(p: SetPartition, q: SetPartition) -> bool:
    """Whether ``p <= q`` in the refinement order: every block of p lies in a block of q.

    Parameters
    ----------
    p, q : SetPartition
        Partitions of the same set.

    Returns
    -------
    bool

    Raises
    ------
    InputError
        When the partitions are of different sets.

    Examples
    --------
    >>> refines(NCPartition("1|2|3 4"), NCPartition("1 2|3 4"))
    True
    >>> refines(NCPartition("1 2|3 4"), NCPartition("1|2|3 4"))
    False
    """
    p, q = _check_pair(p, q, "refines")
    ql = q.labels()
    return all(len({ql[i - 1] for i in block}) == 1 for block in p.blocks)


def meet(p: SetPartition, q: SetPartition) -> SetPartition:
    """The greatest lower bound: blocks are the non-empty intersections of blocks.

    The meet of two non-crossing (interval) partitions is non-crossing
    (interval), so it is the same in every lattice here.

    Examples
    --------
    >>> meet(NCPartition("1 2 3|4"), NCPartition("1 2|3 4"))
    NCPartition('1 2|3|4')
    """
    p, q = _check_pair(p, q, "meet")
    cls = _common_class(p, q)
    return cls._trusted(p.n, SetPartition.from_labels(zip(p.labels(), q.labels())).labels())


def _find(parent: list[int], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _set_join_parent(p: SetPartition, q: SetPartition) -> list[int]:
    """Union-find forest over 0..n-1 whose trees are the blocks of the set join."""
    parent = list(range(p.n))
    for part in (p, q):
        for block in part.blocks:
            root = _find(parent, block[0] - 1)
            for element in block[1:]:
                other = _find(parent, element - 1)
                if other != root:
                    parent[other] = root
    return parent


def _nc_closure(n: int, parent: list[int]) -> list[int]:
    """Merge crossing blocks of a union-find partition until none cross.

    One pass with a stack of open blocks (roots). At element i of root r
    already seen, every block above r on the stack that is still open (its
    largest element is beyond i) crosses r and is merged into it; finished
    blocks are popped. Invariant: the stack holds open blocks by increasing
    least element and no two blocks met so far cross; a popped finished block
    lies inside a gap of every block below it, so merging cannot make it cross.
    tests/combinat/test_lattice.py checks the result against the brute-force
    least non-crossing upper bound for every set partition with n <= 6.
    """
    last = [0] * n  # last[root]: largest element (0-based) of the block
    for i in range(n):
        last[_find(parent, i)] = i
    seen = [False] * n
    stack: list[int] = []
    for i in range(n):
        r = _find(parent, i)
        if not seen[r]:
            seen[r] = True
            stack.append(r)
        else:
            while True:
                top = _find(parent, stack[-1])
                if top == r:
                    break
                stack.pop()
                if last[top] > i:  # still open: crosses r, merge
                    parent[top] = r
                    last[r] = max(last[r], last[top])
        if last[_find(parent, i)] == i and stack and _find(parent, stack[-1]) == _find(parent, i):
            stack.pop()
    return parent


def join(p: SetPartition, q: SetPartition) -> SetPartition:
    """The least upper bound, in NC(n) for non-crossing arguments, else in all set partitions.

    Parameters
    ----------
    p, q : SetPartition
        Partitions of the same set. If both are :class:`NCPartition`, the
        result is the smallest non-crossing partition above both (which may be
        coarser than the set-partition join, see the example).

    Returns
    -------
    SetPartition
        Of the most specific class of the two arguments.

    Examples
    --------
    >>> join(NCPartition("1 3|2|4"), NCPartition("1|2 4|3"))
    NCPartition('1 2 3 4')
    >>> join(SetPartition("1 3|2|4"), SetPartition("1|2 4|3"))
    SetPartition('1 3|2 4')
    >>> join(IntervalPartition("1 2|3|4"), IntervalPartition("1|2 3|4"))
    IntervalPartition('1 2 3|4')
    """
    p, q = _check_pair(p, q, "join")
    cls = _common_class(p, q)
    parent = _set_join_parent(p, q)
    if cls is not SetPartition:
        parent = _nc_closure(p.n, parent)
    labels = SetPartition.from_labels(_find(parent, i) for i in range(p.n)).labels()
    return cls._trusted(p.n, labels)


def _successors(p: SetPartition) -> list[int]:
    """0-based permutation whose cycles are the blocks in increasing order."""
    succ = [0] * p.n
    for block in p.blocks:
        for a, b in zip(block, block[1:] + block[:1]):
            succ[a - 1] = b - 1
    return succ


def _cycles_to_nc(perm: Sequence[int]) -> NCPartition:
    n = len(perm)
    labels = [-1] * n
    count = 0
    for start in range(n):
        if labels[start] < 0:
            x = start
            while labels[x] < 0:
                labels[x] = count
                x = perm[x]
            count += 1
    return NCPartition._trusted(n, SetPartition.from_labels(labels).labels())


def kreweras(pi: NCPartition) -> NCPartition:
    """The Kreweras complement K(pi) = pi^-1 gamma (Nica–Speicher, Lecture 9).

    Parameters
    ----------
    pi : NCPartition
        A non-crossing partition (a :class:`SetPartition` or a string is
        accepted if it does not cross).

    Returns
    -------
    NCPartition
        With ``len(pi) + len(kreweras(pi)) == pi.n + 1`` (for n >= 1).

    Raises
    ------
    CrossingError
        When ``pi`` crosses.

    Examples
    --------
    >>> kreweras(NCPartition("1 2|3 4"))
    NCPartition('1|2 4|3')
    >>> kreweras(NCPartition.finest(4)), kreweras(NCPartition.coarsest(4))
    (NCPartition('1 2 3 4'), NCPartition('1|2|3|4'))
    """
    pi = _as_nc(pi, "kreweras")
    n = pi.n
    succ = _successors(pi)
    pred = [0] * n
    for a, b in enumerate(succ):
        pred[b] = a
    return _cycles_to_nc([pred[(i + 1) % n] for i in range(n)])


def kreweras_inverse(sigma: NCPartition) -> NCPartition:
    """The inverse of the Kreweras complement: K^-1(sigma) = gamma sigma^-1.

    Examples
    --------
    >>> kreweras_inverse(NCPartition("1|2 4|3"))
    NCPartition('1 2|3 4')
    >>> p = NCPartition("1 5|2 3|4|6")
    >>> kreweras_inverse(kreweras(p)) == p == kreweras(kreweras_inverse(p))
    True
    """
    sigma = _as_nc(sigma, "kreweras_inverse")
    n = sigma.n
    succ = _successors(sigma)
    pred = [0] * n
    for a, b in enumerate(succ):
        pred[b] = a
    return _cycles_to_nc([(pred[i] + 1) % n for i in range(n)])


def rotate(p: SetPartition, k: int = 1) -> SetPartition:
    """Rotate a partition: element i goes to i + k, read modulo n in 1..n.

    A rotated non-crossing partition is non-crossing (an interval partition
    rotates to a :class:`NCPartition`). ``kreweras(kreweras(p)) == rotate(p, -1)``.

    Examples
    --------
    >>> rotate(NCPartition("1 2|3 4"), -1)
    NCPartition('1 4|2 3')
    >>> p = NCPartition("1 3|2|4 5")
    >>> kreweras(kreweras(p)) == rotate(p, -1)
    True
    """
    if not isinstance(p, SetPartition):
        raise InputError(f"rotate takes a partition value, got {p!r}")
    if isinstance(k, bool) or not isinstance(k, int):
        raise InputError(f"k must be an integer, got {k!r}")
    n = p.n
    cls = NCPartition if isinstance(p, NCPartition) else SetPartition
    if n == 0:
        return cls._trusted(0, ())
    labels = [0] * n
    for j, block in enumerate(p.blocks):
        for element in block:
            labels[(element - 1 + k) % n] = j
    return cls._trusted(n, SetPartition.from_labels(labels).labels())


def _restrict(p: SetPartition, block: Sequence[int]) -> NCPartition:
    """``p`` restricted to ``block`` (a union of its blocks), relabelled to 1..|block|."""
    labels = p.labels()
    return NCPartition._trusted(len(block), SetPartition.from_labels(labels[i - 1] for i in block).labels())


def _mu_nc(m: int) -> int:
    return (-1) ** (m - 1) * catalan(m - 1)


def mobius(p: SetPartition, q: SetPartition) -> int:
    """The Möbius function mu(p, q) of the lattice, 0 unless p <= q.

    In NC(n) (both arguments non-crossing), ``[p, q]`` is the product over the
    blocks V of q of ``[p|V, 1_V]``, and ``[p|V, 1_V]`` is isomorphic to
    ``[0, K(p|V)]``, the product of the NC(|W|) over the blocks W of the
    Kreweras complement of ``p`` restricted to V. So mu(p, q) is the product
    of ``(-1)**(|W|-1) Cat(|W|-1)`` over those W. In the lattice of set
    partitions, it is the product over V of ``(-1)**(k-1) (k-1)!``, k the
    number of blocks of p inside V.

    Parameters
    ----------
    p, q : SetPartition
        Partitions of the same set.

    Returns
    -------
    int

    Examples
    --------
    >>> mobius(NCPartition.finest(4), NCPartition.coarsest(4))  # (-1)**3 Cat(3)
    -5
    >>> mobius(SetPartition.finest(4), SetPartition.coarsest(4))  # (-1)**3 3!
    -6
    >>> mobius(NCPartition("1 2|3"), NCPartition("1|2 3"))
    0
    """
    p, q = _check_pair(p, q, "mobius")
    if not refines(p, q):
        return 0
    nc = isinstance(p, NCPartition) and isinstance(q, NCPartition)
    result = 1
    pl = p.labels()
    for block in q.blocks:
        if nc:
            restricted = kreweras(_restrict(p, block))
            result *= prod(_mu_nc(len(w)) for w in restricted.blocks)
        else:
            k = len({pl[i - 1] for i in block})
            result *= (-1) ** (k - 1) * factorial(k - 1)
    return result


def _covers(p: SetPartition, top: SetPartition, nc: bool) -> list[SetPartition]:
    """The partitions covering ``p`` (two blocks merged) that lie below ``top``."""
    out = []
    labels = p.labels()
    tl = top.labels()
    cls: type[SetPartition] = NCPartition if nc else SetPartition
    blocks = p.blocks
    for a in range(len(blocks)):
        for b in range(a + 1, len(blocks)):
            if tl[blocks[a][0] - 1] != tl[blocks[b][0] - 1]:
                continue
            merged = [a if x == b else x for x in labels]
            rg = SetPartition.from_labels(merged).labels()
            candidate = cls._trusted(p.n, rg)
            if nc and _first_crossing(candidate.blocks, rg) is not None:
                continue
            out.append(candidate)
    return out


def hasse_diagram(interval: int | tuple[SetPartition, SetPartition]) -> nx.DiGraph:
    """The Hasse diagram of NC(n), or of an interval ``[p, q]``, as a networkx DiGraph.

    Parameters
    ----------
    interval : int or (SetPartition, SetPartition)
        ``n`` for all of NC(n), or a pair ``(p, q)`` for the interval of the
        partitions between them (in NC(n) if both are non-crossing, else in
        the lattice of set partitions; empty if p is not below q).

    Returns
    -------
    networkx.DiGraph
        Nodes are partition values, with the attribute ``rank`` (``len(p) -
        len(node)``); an edge ``u -> v`` when v covers u (merges two blocks).

    Examples
    --------
    >>> g = hasse_diagram(4)
    >>> g.number_of_nodes(), g.number_of_edges()
    (14, 28)
    >>> h = hasse_diagram((NCPartition("1|2|3|4"), NCPartition("1 2|3 4")))
    >>> sorted(str(v) for v in h.successors(NCPartition("1|2|3|4")))
    ['1 2|3|4', '1|2|3 4']
    """
    if isinstance(interval, tuple):
        if len(interval) != 2:
            raise InputError(f"an interval is a pair (p, q), got {interval!r}")
        bottom, top = _check_pair(*interval, "hasse_diagram")
    else:
        n = check_size(interval)
        bottom, top = NCPartition.finest(n), NCPartition.coarsest(n)
    import networkx as nx

    nc = isinstance(bottom, NCPartition) and isinstance(top, NCPartition)
    graph = nx.DiGraph()
    if not refines(bottom, top):
        return graph
    base = len(bottom)
    graph.add_node(bottom, rank=0)
    frontier = [bottom]
    while frontier:  # breadth-first, rank by rank
        following = []
        for node in frontier:
            for cover in _covers(node, top, nc):
                if cover not in graph:
                    graph.add_node(cover, rank=base - len(cover))
                    following.append(cover)
                graph.add_edge(node, cover)
        frontier = following
    return graph
