"""The functions a claim may call, each computable by two independent routes.

=====================================  ========================================  ===================================
function                               series route (fast path)                  lattice route (witness)
=====================================  ========================================  ===================================
``moment(law, k)``                     transforms and power series                sums over NC(n), Kreweras products
``cumulant(law, k, kind="free")``      series route of :mod:`tpsym.free`         lattice sums over partitions
``s_coefficient(law, k)``              coefficient of ``z^k`` in ``S(z)``        S of the lattice moments
``nc_count(n, blocks=None)``           Catalan / Narayana numbers                enumeration of NC(n)
``nc_type_count(sizes)``               Kreweras' formula                          enumeration by block type
``k_divisible_count(n, k)``            Fuss–Catalan number                        enumeration
``pairing_count(n)``                   Catalan number                             enumeration of NC_2(n)
``mobius_nc(n)``                       factorisation into full lattices          the defining recursion on NC(n)
``mixed_moment(word, J=jacobian(...))`` A-valued recursion (:mod:`tpsym.free.fip`) sum over NC(m) with Kreweras blocks
=====================================  ========================================  ===================================

The network functions (``q_star``, ``chi``, ``mu``) of :mod:`tpsym.nets`
join when that layer is present. A claim is evaluated once per route; the
verifier requires both to agree.

In the *symbolic* mode used to recognise all-order claims,
``moment(law, expr)`` with a non-integer index returns a placeholder symbol
and records the call, so the prover can see the claim's structure.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import sympy

from tpsym.errors import DomainError, InputError
from tpsym.laws.base import Law
from tpsym.nets.claims import network_claim_functions
from tpsym.nets.words import mixed_moment_claim

__all__ = [
    "Route",
    "TWO_ROUTE_FUNCTIONS",
    "claim_functions",
    "MomentCall",
    "Recorder",
    "COUNT_ENUMERATION_LIMIT",
    "MOBIUS_ENUMERATION_LIMIT",
    "LATTICE_ROUTE_MAX_ORDER",
    "MAX_MOMENT_INDEX",
    "MAX_PARAMETRIC_INDEX",
    "MAX_COUNT_INDEX",
]

Route = Literal["series", "lattice"]

#: The claim functions computed differently on the two routes; the others
#: (the network functions) have one computation only.
TWO_ROUTE_FUNCTIONS = frozenset(
    {"moment", "cumulant", "s_coefficient", "nc_count", "nc_type_count", "k_divisible_count", "pairing_count", "mobius_nc", "mixed_moment"}
)

#: Largest n for which counting functions enumerate on the lattice route
#: (|NC(12)| = 208012 partitions take about a second; each count is cached).
COUNT_ENUMERATION_LIMIT = 12
#: Largest n for which ``mobius_nc`` runs the defining recursion on the lattice
#: route: it compares every pair of NC(n), |NC(n)|^2 steps (n = 8: seconds; 9: half a minute).
MOBIUS_ENUMERATION_LIMIT = 8
#: Largest index of ``moment``, ``cumulant`` and ``s_coefficient`` (a proof file
#: is untrusted: ``moment(mp(ratio=c), 10**6)`` would exhaust memory).
MAX_MOMENT_INDEX = 200
#: The same limit for a law with symbolic parameters (``m_100`` of
#: ``boxpower(mp(ratio=1), L)``, a polynomial of degree 100 in L, takes seconds).
MAX_PARAMETRIC_INDEX = 100
#: Highest order of the lattice route (a sum over NC(n) grouped by block type:
#: the number of types grows like the partitions of n); above it the verifier
#: records that only the series route was available.
LATTICE_ROUTE_MAX_ORDER = 30
#: Largest size argument of a counting function (``catalan(10**4)`` takes milliseconds).
MAX_COUNT_INDEX = 10_000


@dataclass
class MomentCall:
    """A ``moment``/``cumulant`` call with a symbolic index, seen in symbolic mode."""

    placeholder: sympy.Symbol
    function: str
    law: Law
    index: sympy.Expr
    kind: str = "free"


@dataclass
class Recorder:
    """Records the law calls of a claim: each call becomes a placeholder symbol.

    The all-order prover reads a statement with the recorder's functions to
    find which law, index and function the claim is about.

    >>> from tpsym.laws import semicircle
    >>> r = Recorder()
    >>> r.placeholder("moment", semicircle(), sympy.Integer(4)), len(r.calls)
    (_call0, 1)
    """

    calls: list[MomentCall] = field(default_factory=list)

    def placeholder(self, function: str, law: Law, index: sympy.Expr, kind: str = "free") -> sympy.Symbol:
        s = sympy.Symbol(f"_call{len(self.calls)}")
        self.calls.append(MomentCall(s, function, law, index, kind))
        return s


def _expr(k: Any, what: str) -> sympy.Basic:
    """``k`` as a sympy object; a string is refused, never parsed (no ``sympify`` on user text)."""
    if isinstance(k, int) and not isinstance(k, bool):
        return sympy.Integer(k)
    if not isinstance(k, sympy.Expr):
        raise InputError(f"{what} needs an integer index, got {k!r}")
    return k


def _index(k: Any, what: str, *, minimum: int = 1, maximum: int = MAX_COUNT_INDEX) -> int:
    k = _expr(k, what)
    if not k.is_Integer:
        raise InputError(f"{what} needs an integer index, got {k}")
    if k < minimum:
        raise InputError(f"{what} needs an index >= {minimum}, got {k}")
    if k > maximum:
        raise InputError(f"{what}: the index {k} exceeds the limit {maximum}")
    return int(k)


def _law(x: Any, what: str) -> Law:
    if not isinstance(x, Law):
        raise InputError(f"{what} needs a law as its first argument, got {x!r}")
    return x


# The enumerations of the lattice route are pure functions of their integer
# arguments: cached, so that a claim that repeats a count does not enumerate twice.


@functools.lru_cache(maxsize=256)
def _enumerate_nc(n: int, blocks: int | None) -> int:
    from tpsym import combinat

    it = combinat.noncrossing_partitions(n, blocks=blocks)
    return sum(1 for _ in it)


@functools.lru_cache(maxsize=256)
def _enumerate_type(block_type: tuple[int, ...]) -> int:
    from tpsym import combinat

    return sum(1 for _ in combinat.noncrossing_partitions_of_type(block_type))


@functools.lru_cache(maxsize=256)
def _enumerate_k_divisible(n: int, k: int) -> int:
    from tpsym import combinat

    return sum(1 for _ in combinat.k_divisible_partitions(n * k, k))


@functools.lru_cache(maxsize=256)
def _enumerate_pairings(n: int) -> int:
    from tpsym import combinat

    return sum(1 for _ in combinat.noncrossing_pairings(n))


@functools.lru_cache(maxsize=32)
def _mobius_recursion(n: int) -> int:
    """mu(0_n, 1_n) by the defining recursion mu(0, s) = -sum_{0 <= r < s} mu(0, r), over all of NC(n)."""
    from tpsym import combinat

    bottom, top = combinat.NCPartition.finest(n), combinat.NCPartition.coarsest(n)
    elements = sorted(combinat.noncrossing_partitions(n), key=lambda p: -len(p))
    mu: dict[Any, int] = {}
    for s in elements:
        mu[s] = 1 if s == bottom else -sum(v for r, v in mu.items() if r != s and combinat.refines(r, s))
    return mu[top]


def claim_functions(route: Route = "series", recorder: Recorder | None = None) -> dict[str, Callable[..., Any]]:
    """The table of claim functions for one route.

    Parameters
    ----------
    route : {"series", "lattice"}
    recorder : optional
        In symbolic mode, collects moment calls with a symbolic index.

    Examples
    --------
    >>> from tpsym.laws import semicircle
    >>> f = claim_functions("lattice")
    >>> f["moment"](semicircle(), 4), f["nc_count"](4, 2)
    (2, 6)
    """
    from tpsym.laws.lattice import lattice_moments

    def check_order(law: Law, n: int) -> None:
        from tpsym.proof.limits import check_parametric_order

        if law.parameters and n > MAX_PARAMETRIC_INDEX:
            raise InputError(f"the order {n} exceeds the limit {MAX_PARAMETRIC_INDEX} for a law with parameters ({law})")
        check_parametric_order(law, n)

    def moments_of(law: Law, n: int) -> tuple[sympy.Expr, ...]:
        check_order(law, n)
        if route == "lattice":
            if n > LATTICE_ROUTE_MAX_ORDER:
                raise DomainError(f"the lattice route goes up to order {LATTICE_ROUTE_MAX_ORDER}, {n} asked")
            return lattice_moments(law, n)
        return law.moments(n)

    def moment(law: Law, k: Any) -> sympy.Expr:
        law = _law(law, "moment")
        k = _expr(k, "moment")
        if recorder is not None and not k.is_Integer:
            return recorder.placeholder("moment", law, k)
        n = _index(k, "moment", minimum=0, maximum=MAX_MOMENT_INDEX)
        return sympy.Integer(1) if n == 0 else moments_of(law, n)[n - 1]

    def cumulant(law: Law, k: Any, kind: str = "free") -> sympy.Expr:
        law = _law(law, "cumulant")
        k = _expr(k, "cumulant")
        if kind not in ("free", "boolean", "classical"):
            raise InputError(f"unknown cumulant kind {kind!r}: choose free, boolean or classical")
        if recorder is not None and not k.is_Integer:
            return recorder.placeholder("cumulant", law, k, kind)
        n = _index(k, "cumulant", maximum=MAX_MOMENT_INDEX)
        if route == "series":
            check_order(law, n)
            return law.cumulants(n, kind)[n - 1]  # type: ignore[arg-type]
        from tpsym.free.cumulants import cumulants_from_moments

        return cumulants_from_moments(moments_of(law, n), kind=kind, method="lattice")[n - 1]  # type: ignore[arg-type]

    def s_coefficient(law: Law, k: Any) -> sympy.Expr:
        law = _law(law, "s_coefficient")
        n = _index(k, "s_coefficient", minimum=0, maximum=MAX_MOMENT_INDEX - 1)
        if route == "series":
            check_order(law, n + 1)
            return law.s_transform(n + 1)[n]
        from tpsym.free.transforms import s_transform

        return s_transform(moments_of(law, n + 1), order=n + 1)[n]

    def _enumeration_guard(n: int, what: str, limit: int = COUNT_ENUMERATION_LIMIT) -> None:
        if route == "lattice" and n > limit:
            raise InputError(f"{what}: the lattice route enumerates up to n = {limit}, got n = {n}")

    def nc_count(n: Any, blocks: Any = None) -> sympy.Expr:
        """|NC(n)| (any number of blocks, the default) or the number with ``blocks`` blocks
        (0 for n >= 1 when ``blocks`` is 0: no partition of a non-empty set has no block)."""
        from tpsym import combinat

        n = _index(n, "nc_count", minimum=0)
        b = None if blocks is None else _index(blocks, "nc_count", minimum=0)
        if route == "series":
            return sympy.Integer(combinat.catalan(n) if b is None else combinat.narayana(n, b))
        _enumeration_guard(n, "nc_count")
        return sympy.Integer(_enumerate_nc(n, b))

    def nc_type_count(*sizes: Any) -> sympy.Expr:
        from tpsym import combinat

        typ = tuple(_index(s, "nc_type_count") for s in sizes)
        if route == "series":
            return sympy.Integer(combinat.kreweras_count(typ))
        _enumeration_guard(sum(typ), "nc_type_count")
        return sympy.Integer(_enumerate_type(typ))

    def k_divisible_count(n: Any, k: Any) -> sympy.Expr:
        from tpsym import combinat

        nn, kk = _index(n, "k_divisible_count", minimum=0), _index(k, "k_divisible_count")
        if route == "series":
            return sympy.Integer(combinat.fuss_catalan(nn, kk))
        _enumeration_guard(nn * kk, "k_divisible_count")
        return sympy.Integer(_enumerate_k_divisible(nn, kk))

    def pairing_count(n: Any) -> sympy.Expr:
        from tpsym import combinat

        nn = _index(n, "pairing_count", minimum=0)
        if route == "series":
            return sympy.Integer(combinat.catalan(nn // 2) if nn % 2 == 0 else 0)
        _enumeration_guard(nn, "pairing_count", 2 * COUNT_ENUMERATION_LIMIT)  # |NC_2(2m)| = Cat(m)
        return sympy.Integer(_enumerate_pairings(nn))

    def mobius_nc(n: Any) -> sympy.Expr:
        from tpsym import combinat

        nn = _index(n, "mobius_nc")
        if route == "series":
            return sympy.Integer(combinat.mobius(combinat.NCPartition.finest(nn), combinat.NCPartition.coarsest(nn)))
        _enumeration_guard(nn, "mobius_nc", MOBIUS_ENUMERATION_LIMIT)
        return sympy.Integer(_mobius_recursion(nn))

    table: dict[str, Callable[..., Any]] = {
        "moment": moment,
        "cumulant": cumulant,
        "s_coefficient": s_coefficient,
        "nc_count": nc_count,
        "nc_type_count": nc_type_count,
        "k_divisible_count": k_divisible_count,
        "pairing_count": pairing_count,
        "mobius_nc": mobius_nc,
    }
    single_route = network_claim_functions()  # mean field and kernels: one computation each
    table.update(single_route)

    def mixed_moment(word: str, **letters: Any) -> sympy.Expr:
        # networks named by keyword are independent; see tpsym.nets.words
        return mixed_moment_claim(word, route, **letters)

    table["mixed_moment"] = mixed_moment
    assert table.keys() - set(single_route) == TWO_ROUTE_FUNCTIONS
    return table
