"""Slow, obvious oracles for the non-crossing lattice (test code only).

Everything here is built from the definitions, independently of
``tpsym.combinat``'s algorithms: all set partitions by inserting elements one
at a time, filtered by a quadruple crossing test; meet and join as the
greatest lower / least upper bound found by search; the Kreweras complement
as the largest partition of the primed points that keeps the union
non-crossing; the Möbius function by its defining recursion.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations

__all__ = [
    "all_set_partitions",
    "crosses",
    "all_nc_partitions",
    "leq",
    "brute_meet",
    "brute_join",
    "brute_kreweras",
    "brute_mobius",
    "canonical",
    "all_dyck_heights",
]


def canonical(blocks):
    """Blocks as a sorted tuple of sorted tuples."""
    return tuple(sorted(tuple(sorted(b)) for b in blocks))


def all_set_partitions(n):
    """Every partition of {1..n}, as canonical block tuples (Bell(n) of them)."""
    parts = [[]]
    for element in range(1, n + 1):
        grown = []
        for part in parts:
            for j in range(len(part)):
                grown.append(part[:j] + [part[j] + [element]] + part[j + 1 :])
            grown.append(part + [[element]])
        parts = grown
    return sorted(canonical(p) for p in parts)


def crosses(blocks):
    """Whether some a < b < c < d has a, c in one block and b, d in another."""
    for first, second in combinations(blocks, 2):
        for x, y in ((first, second), (second, first)):
            for a, c in combinations(sorted(x), 2):
                if any(a < b < c for b in y) and any(d > c or d < a for d in y):
                    return True
    return False


@lru_cache(maxsize=None)
def all_nc_partitions(n):
    """NC(n) by filtering all set partitions (the baseline of the benchmark)."""
    return tuple(p for p in all_set_partitions(n) if not crosses(p))


def leq(p, q):
    """p refines q (canonical block tuples)."""
    return all(any(set(b) <= set(c) for c in q) for b in p)


def brute_meet(p, q, universe):
    lower = [r for r in universe if leq(r, p) and leq(r, q)]
    best = [r for r in lower if all(leq(s, r) for s in lower)]
    assert len(best) == 1
    return best[0]


def brute_join(p, q, universe):
    upper = [r for r in universe if leq(p, r) and leq(q, r)]
    best = [r for r in upper if all(leq(r, s) for s in upper)]
    assert len(best) == 1
    return best[0]


def brute_kreweras(p, n):
    """The largest sigma on 1'..n' with p ∪ sigma non-crossing in 1 < 1' < 2 < 2' < ..."""
    doubled = [tuple(2 * x - 1 for x in b) for b in p]
    good = [s for s in all_nc_partitions(n) if not crosses(doubled + [tuple(2 * x for x in b) for b in s])]
    fewest = min(len(s) for s in good)
    best = [s for s in good if len(s) == fewest]
    assert len(best) == 1 and all(leq(s, best[0]) for s in good)
    return best[0]


def brute_mobius(p, q, universe):
    """Möbius function of the poset ``universe`` by mu(p,p) = 1, sum_{p<=r<=q} mu(p,r) = 0."""
    if not leq(p, q):
        return 0
    interval = sorted((r for r in universe if leq(p, r) and leq(r, q)), key=len, reverse=True)
    mu = {}
    for r in interval:  # by decreasing number of blocks: lower elements first
        mu[r] = 1 if r == p else -sum(mu[s] for s in mu if leq(s, r) and s != r)
    return mu[q]


def all_dyck_heights(n):
    """Every Dyck path of semilength n, as the heights right after its up-steps."""
    out = []

    def walk(path, ups, height):
        if len(path) == 2 * n:
            heights, h = [], 0
            for step in path:
                h += step
                if step == 1:
                    heights.append(h)
            out.append(tuple(heights))
            return
        if ups < n:
            walk(path + [1], ups + 1, height + 1)
        if height > 0:
            walk(path + [-1], ups, height - 1)

    walk([], 0, 0)
    return out
