"""Plain word expansion of φ((J Jᵀ)^k) for J = Π_l (I + α D_l W_l): the oracle of the residual route.

Every factor I + α D_l W_l (and its transpose I + α W_lᵀ D_l) of the 2k copies
of J, Jᵀ is 1 or the letters; each word is evaluated by Wick's formula for
free circular W_l over the commutative algebra of the D's with the scalar
covariance σ² φ(·): a sum over the non-crossing pairings of W_l with W_lᵀ
(same layer), each pair weighted σ²α², times Π over the Kreweras regions of
φ(product of the D's in the region) = Π_l E[d_l^(count of D_l in the region)]
(the D_l of one neuron independent across layers). Exponential in k·L.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any


def _pairings(letters: list[tuple[int, int, int]]):
    # letters: (position, layer, +1 for W / -1 for Wᵀ)
    if not letters:
        yield []
        return
    first = letters[0]
    for j in range(1, len(letters), 2):
        if letters[j][1] == first[1] and letters[j][2] != first[2]:
            for left in _pairings(letters[1:j]):
                for right in _pairings(letters[j + 1:]):
                    yield [(0, j)] + [(a + 1, b + 1) for a, b in left] + [(a + j + 1, b + j + 1) for a, b in right]


def residual_moment(depth: int, k: int, t: Any, mu: Callable[..., Any], one: Any = 1, *, layered: bool = False) -> Any:
    """φ((J Jᵀ)^k) with t = α²σ² and mu(a) = E[d^a] (the same law at every layer), or mu(a, l) when ``layered``."""
    if layered:
        mu_at = mu
    else:
        mu_at = lambda a, l: mu(a)  # noqa: E731
    # one copy of J Jᵀ, left to right: A_L ... A_1 A_1ᵀ ... A_Lᵀ; A_l = 1 | (D_l, W_l); A_lᵀ = 1 | (W_lᵀ, D_l)
    slots = [("A", l) for l in range(depth, 0, -1)] + [("At", l) for l in range(1, depth + 1)]
    slots = slots * k
    total = one - one
    for mask in itertools.product((0, 1), repeat=len(slots)):
        atoms: list[tuple[str, int]] = []
        for (kind, l), on in zip(slots, mask):
            if on:
                atoms += [("D", l), ("W", l)] if kind == "A" else [("Wt", l), ("D", l)]
        pos = [p for p, a in enumerate(atoms) if a[0] in ("W", "Wt")]
        n = len(pos)
        if n % 2:
            continue
        if n == 0:
            term = one
            for l in range(1, depth + 1):
                term = term * mu_at(sum(1 for a in atoms if a == ("D", l)), l)
            total = total + term
            continue
        letters = [(m, atoms[pos[m]][1], 1 if atoms[pos[m]][0] == "W" else -1) for m in range(n)]
        for pairing in _pairings(letters):
            partner = {}
            for a, b in pairing:
                partner[a], partner[b] = b, a
            seen: set[int] = set()
            term = t ** (n // 2)
            for m in range(n):
                if m in seen:
                    continue
                counts: dict[int, int] = {}
                cur = m
                while cur not in seen:  # walk the region: gap after letter cur, then jump over the next pair
                    seen.add(cur)
                    s, e = pos[cur], pos[(cur + 1) % n]
                    gap = atoms[s + 1:e] if e > s else atoms[s + 1:] + atoms[:e]
                    for a in gap:
                        counts[a[1]] = counts.get(a[1], 0) + 1
                    cur = partner[(cur + 1) % n]
                for l, c in counts.items():
                    term = term * mu_at(c, l)
            total = total + term
    return total
