"""Brute-force free probability: the test oracle of tests/free and tests/laws.

Independent of tpsym.combinat and tpsym.free: set partitions are generated
by the textbook recursion, non-crossing / interval ones are *filtered* from
them, the Kreweras complement is found from its definition (the coarsest
sigma on 1̄..n̄ with pi ∪ sigma non-crossing in 1 < 1̄ < 2 < 2̄ < ...), and
moment–cumulant sums run over the actual partitions.
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import combinations

import sympy


@lru_cache(maxsize=None)
def set_partitions(n):
    """All set partitions of {1..n} as tuples of sorted blocks (recursion on the element n)."""
    if n == 0:
        return ((),)
    out = []
    for p in set_partitions(n - 1):
        out.append(p + ((n,),))
        for i in range(len(p)):
            out.append(p[:i] + (p[i] + (n,),) + p[i + 1 :])
    return tuple(tuple(sorted(p)) for p in out)


def is_noncrossing(p):
    """No a < b < c < d with a, c in one block and b, d in another."""
    label = {x: i for i, block in enumerate(p) for x in block}
    pts = sorted(label)
    for a, b, c, d in combinations(pts, 4):
        if label[a] == label[c] and label[b] == label[d] and label[a] != label[b]:
            return False
    return True


def is_interval(p):
    return all(block[-1] - block[0] + 1 == len(block) for block in p)


@lru_cache(maxsize=None)
def nc_partitions(n):
    return tuple(p for p in set_partitions(n) if is_noncrossing(p))


@lru_cache(maxsize=None)
def interval_partitions(n):
    return tuple(p for p in set_partitions(n) if is_interval(p))


def partitions_of_kind(n, kind):
    return {"free": nc_partitions, "boolean": interval_partitions, "classical": set_partitions}[kind](n)


def kreweras_brute(pi, n):
    """The Kreweras complement of pi from its definition (as blocks on 1..n)."""
    best = None
    for sigma in set_partitions(n):
        joint = tuple(tuple(2 * i - 1 for i in b) for b in pi) + tuple(tuple(2 * i for i in b) for b in sigma)
        if is_noncrossing(joint) and (best is None or len(sigma) < len(best)):
            best = sigma
    return best


def moments_from_cumulants(cum, kind):
    """m_n = sum over partitions of the kind of prod c_|V|."""
    n = len(cum)
    return [
        sympy.expand(sum((math.prod(cum[len(b) - 1] for b in p) for p in partitions_of_kind(k, kind)), sympy.Integer(0)))
        for k in range(1, n + 1)
    ]


def cumulants_from_moments(mom, kind):
    """Triangular inversion of :func:`moments_from_cumulants`."""
    cum = []
    for k in range(1, len(mom) + 1):
        rest = sum(
            (math.prod((cum + [0])[len(b) - 1] for b in p) for p in partitions_of_kind(k, kind) if len(p) > 1),
            sympy.Integer(0),
        )
        cum.append(sympy.expand(mom[k - 1] - rest))
    return cum


def mixed_moment(word, cumulants):
    """phi(word) = sum over NC(n) with monochromatic blocks of prod kappa_|V|[label]."""
    total = sympy.Integer(0)
    for p in nc_partitions(len(word)):
        term = sympy.Integer(1)
        for block in p:
            labels = {word[i - 1] for i in block}
            if len(labels) > 1:
                break
            term *= cumulants[labels.pop()][len(block) - 1]
        else:
            total += term
    return sympy.expand(total)


def same(xs, ys):
    """Equal as rational functions, entry by entry (powers of one base with symbolic exponents joined first)."""
    xs, ys = list(xs), list(ys)
    return len(xs) == len(ys) and all(
        sympy.cancel(sympy.powsimp(sympy.sympify(x) - sympy.sympify(y), combine="exp")) == 0 for x, y in zip(xs, ys)
    )
