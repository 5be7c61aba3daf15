"""The functions a claim may call, each computable by two independent routes.

=====================================  ========================================  ===================================
function                               series route (fast path)                  lattice route (witness)
=====================================  ========================================  ===================================
``moment(law, k)``                     transforms and power series                sums over NC(n), Kreweras products
``cumulant(law, k, kind="free")``      series route of :mod:`tpsym.free`         lattice sums over partitions
``s_coefficient(law, k)``              coefficient of ``z^k`` in ``S(z)``        S of the lattice moments
``nc_count(n, blocks=0)``              Catalan / Narayana numbers                enumeration of NC(n)
``nc_type_count(sizes)``               Kreweras' formula                          enumeration by block type
``k_divisible_count(n, k)``            Fuss–Catalan number                        enumeration
``pairing_count(n)``                   Catalan number                             enumeration of NC_2(n)
``mobius_nc(n)``                       factorisation into full lattices          the defining recursion on NC(n)
=====================================  ========================================  ===================================

The network functions (``q_star``, ``chi``, ``mu``) of :mod:`tpsym.nets`
join when that layer is present. A claim is evaluated once per route; the
verifier requires both to agree.

In the *symbolic* mode used to recognise all-order claims,
``moment(law, expr)`` with a non-integer index returns a placeholder symbol
and records the call, so the prover can see the claim's structure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import sympy

from tpsym.errors import InputError
from tpsym.laws.base import Law

__all__ = ["Route", "claim_functions", "MomentCall", "COUNT_ENUMERATION_LIMIT"]

Route = Literal["series", "lattice"]

#: Largest n for which counting functions enumerate on the lattice route.
COUNT_ENUMERATION_LIMIT = 14


@dataclass
class MomentCall:
    """A ``moment``/``cumulant`` call with a symbolic index, seen in symbolic mode."""

    placeholder: sympy.Symbol
    function: str
    law: Law
    index: sympy.Expr
    kind: str = "free"


@dataclass
class _Recorder:
    calls: list[MomentCall] = field(default_factory=list)

    def placeholder(self, function: str, law: Law, index: sympy.Expr, kind: str = "free") -> sympy.Symbol:
        s = sympy.Symbol(f"_call{len(self.calls)}")
        self.calls.append(MomentCall(s, function, law, index, kind))
        return s


def _index(k: Any, what: str, *, minimum: int = 1) -> int:
    k = sympy.sympify(k) if not isinstance(k, sympy.Basic) else k
    if not k.is_Integer:
        raise InputError(f"{what} needs an integer index, got {k}")
    if k < minimum:
        raise InputError(f"{what} needs an index >= {minimum}, got {k}")
    return int(k)


def _law(x: Any, what: str) -> Law:
    if not isinstance(x, Law):
        raise InputError(f"{what} needs a law as its first argument, got {x!r}")
    return x


def claim_functions(route: Route = "series", recorder: _Recorder | None = None) -> dict[str, Callable[..., Any]]:
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

    def moments_of(law: Law, n: int) -> tuple[sympy.Expr, ...]:
        return lattice_moments(law, n) if route == "lattice" else law.moments(n)

    def moment(law: Law, k: Any) -> sympy.Expr:
        law = _law(law, "moment")
        k = sympy.sympify(k) if not isinstance(k, sympy.Basic) else k
        if recorder is not None and not k.is_Integer:
            return recorder.placeholder("moment", law, k)
        n = _index(k, "moment", minimum=0)
        return sympy.Integer(1) if n == 0 else moments_of(law, n)[n - 1]

    def cumulant(law: Law, k: Any, kind: str = "free") -> sympy.Expr:
        law = _law(law, "cumulant")
        k = sympy.sympify(k) if not isinstance(k, sympy.Basic) else k
        if kind not in ("free", "boolean", "classical"):
            raise InputError(f"unknown cumulant kind {kind!r}: choose free, boolean or classical")
        if recorder is not None and not k.is_Integer:
            return recorder.placeholder("cumulant", law, k, kind)
        n = _index(k, "cumulant")
        if route == "series":
            return law.cumulants(n, kind)[n - 1]  # type: ignore[arg-type]
        from tpsym.free.cumulants import cumulants_from_moments

        return cumulants_from_moments(moments_of(law, n), kind=kind, method="lattice")[n - 1]  # type: ignore[arg-type]

    def s_coefficient(law: Law, k: Any) -> sympy.Expr:
        law = _law(law, "s_coefficient")
        n = _index(k, "s_coefficient", minimum=0)
        if route == "series":
            return law.s_transform(n + 1)[n]
        from tpsym.free.transforms import s_transform

        return s_transform(moments_of(law, n + 1), order=n + 1)[n]

    def _enumeration_guard(n: int, what: str) -> None:
        if route == "lattice" and n > COUNT_ENUMERATION_LIMIT:
            raise InputError(f"{what}: the lattice route enumerates up to n = {COUNT_ENUMERATION_LIMIT}, got n = {n}")

    def nc_count(n: Any, blocks: Any = 0) -> sympy.Expr:
        from tpsym import combinat

        n = _index(n, "nc_count", minimum=0)
        b = _index(blocks, "nc_count", minimum=0)
        if route == "series":
            return sympy.Integer(combinat.catalan(n) if b == 0 else combinat.narayana(n, b))
        _enumeration_guard(n, "nc_count")
        it = combinat.noncrossing_partitions(n) if b == 0 else combinat.noncrossing_partitions(n, blocks=b)
        return sympy.Integer(sum(1 for _ in it))

    def nc_type_count(*sizes: Any) -> sympy.Expr:
        from tpsym import combinat

        typ = tuple(_index(s, "nc_type_count") for s in sizes)
        if route == "series":
            return sympy.Integer(combinat.kreweras_count(typ))
        _enumeration_guard(sum(typ), "nc_type_count")
        return sympy.Integer(sum(1 for _ in combinat.noncrossing_partitions_of_type(typ)))

    def k_divisible_count(n: Any, k: Any) -> sympy.Expr:
        from tpsym import combinat

        nn, kk = _index(n, "k_divisible_count", minimum=0), _index(k, "k_divisible_count")
        if route == "series":
            return sympy.Integer(combinat.fuss_catalan(nn, kk))
        _enumeration_guard(nn * kk, "k_divisible_count")
        return sympy.Integer(sum(1 for _ in combinat.k_divisible_partitions(nn * kk, kk)))

    def pairing_count(n: Any) -> sympy.Expr:
        from tpsym import combinat

        nn = _index(n, "pairing_count", minimum=0)
        if route == "series":
            return sympy.Integer(combinat.catalan(nn // 2) if nn % 2 == 0 else 0)
        _enumeration_guard(nn, "pairing_count")
        return sympy.Integer(sum(1 for _ in combinat.noncrossing_pairings(nn)))

    def mobius_nc(n: Any) -> sympy.Expr:
        from tpsym import combinat

        nn = _index(n, "mobius_nc")
        bottom, top = combinat.NCPartition.finest(nn), combinat.NCPartition.coarsest(nn)
        if route == "series":
            return sympy.Integer(combinat.mobius(bottom, top))
        _enumeration_guard(nn, "mobius_nc")
        # the defining recursion mu(0, s) = -sum_{0 <= r < s} mu(0, r), over all of NC(n)
        elements = sorted(combinat.noncrossing_partitions(nn), key=lambda p: -len(p))
        mu: dict[Any, int] = {}
        for s in elements:
            mu[s] = 1 if s == bottom else -sum(v for r, v in mu.items() if r != s and combinat.refines(r, s))
        return sympy.Integer(mu[top])

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
    try:
        from tpsym.nets import claim_functions as nets_functions  # type: ignore[attr-defined]
    except ImportError:
        pass
    else:
        table.update(nets_functions())
    return table
