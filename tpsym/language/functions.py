"""The functions and constants of the formula language: counting functions with bounded arguments.

Every function takes and returns sympy expressions; a numeric argument
larger than :data:`MAX_COUNT_ARGUMENT` is refused before sympy is asked to
compute (``binomial(10**6, 5*10**5)`` alone takes sympy most of a minute).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import sympy

from tpsym.errors import SpecError
from tpsym.series.size import MAX_EXPANSION_WORK, expansion_work

#: Largest absolute value of a numeric argument of a counting function
#: (``binomial(10**6, 5*10**5)`` alone takes sympy most of a minute).
MAX_COUNT_ARGUMENT = 10_000

# ---------------------------------------------------------------------------


def symbol(name: str, **assumptions: bool) -> sympy.Symbol:
    """The symbol the spec language makes of the bare name ``name``.

    Everyone who builds a parameter symbol for a law uses this function, so
    that the laws built by the parser and by Python code compare equal.

    Parameters
    ----------
    name : str
        A Python identifier not starting with an underscore.
    **assumptions : bool
        sympy assumptions (``positive=True``, ...); none by default, so that
        ``symbol("x") == sympy.Symbol("x")``.

    Returns
    -------
    sympy.Symbol

    Raises
    ------
    SpecError
        If ``name`` is not an identifier or starts with an underscore.

    Examples
    --------
    >>> symbol("lam") == sympy.Symbol("lam")
    True
    >>> symbol("L", integer=True, positive=True).is_positive
    True
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise SpecError(f"not a valid name for a symbol: {name!r}")
    if name.startswith("_"):
        raise SpecError(f"names may not start with an underscore: {name!r}")
    return sympy.Symbol(name, **assumptions)


#: Named constants of the language (``oo`` only in formulas).
CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "E": sympy.E}
FORMULA_CONSTANTS: dict[str, sympy.Expr] = {**CONSTANTS, "oo": sympy.oo}


# ---------------------------------------------------------------------------
# Functions of formulas
# ---------------------------------------------------------------------------


def _count_args(name: str, *values: sympy.Expr) -> None:
    """Refuse a numeric argument of a counting function that is too large."""
    for value in values:
        if isinstance(value, sympy.Number) and abs(value) > MAX_COUNT_ARGUMENT:
            raise SpecError(f"{name}() argument {value} exceeds {MAX_COUNT_ARGUMENT=}")


def _is_int(value: Any) -> bool:
    return isinstance(value, sympy.Integer)


def _binomial(n: sympy.Expr, k: sympy.Expr) -> sympy.Expr:
    _count_args("binomial", n, k)
    return sympy.binomial(n, k)


def _factorial(n: sympy.Expr) -> sympy.Expr:
    _count_args("factorial", n)
    return sympy.factorial(n)


def _factorial2(n: sympy.Expr) -> sympy.Expr:
    _count_args("factorial2", n)
    return sympy.factorial2(n)


def _gamma(x: sympy.Expr) -> sympy.Expr:
    _count_args("gamma", x)
    return sympy.gamma(x)


def _factor_product(name: str, cls: type, x: sympy.Expr, k: sympy.Expr) -> sympy.Expr:
    # sympy multiplies out rf(c, k) into k factors at once (quadratic in k):
    # bound the work of the expansion before asking for it
    _count_args(name, x, k)
    if isinstance(k, sympy.Integer) and k > 0 and not x.is_number:
        work = expansion_work(cls(x, k, evaluate=False))
        if work > MAX_EXPANSION_WORK:
            raise SpecError(f"it would write about {work} terms while expanding, more than {MAX_EXPANSION_WORK=}")
    return cls(x, k)


def _rf(x: sympy.Expr, k: sympy.Expr) -> sympy.Expr:
    return _factor_product("rf", sympy.RisingFactorial, x, k)


def _ff(x: sympy.Expr, k: sympy.Expr) -> sympy.Expr:
    return _factor_product("ff", sympy.FallingFactorial, x, k)


def _catalan(n: sympy.Expr) -> sympy.Expr:
    _count_args("catalan", n)
    return sympy.catalan(n)


def _narayana(n: sympy.Expr, k: sympy.Expr) -> sympy.Expr:
    # N(n, k) = C(n, k) C(n, k-1) / n, the number of NC(n) partitions with k
    # blocks (OEIS A001263); N(0, 0) = 1 (OEIS A090181).
    _count_args("narayana", n, k)
    if _is_int(n) and n == 0:
        return sympy.Integer(1 if k == 0 else 0) if _is_int(k) else sympy.KroneckerDelta(k, 0)
    return sympy.binomial(n, k) * sympy.binomial(n, k - 1) / n


def _fuss_catalan(n: sympy.Expr, k: sympy.Expr) -> sympy.Expr:
    # As tpsym.combinat.fuss_catalan: binomial((k + 1) n, n) / (k n + 1), the
    # k-divisible partitions of NC(k n) and the n-th moment of fuss_catalan(s=k);
    # k = 1 gives Catalan, k = 2 OEIS A001764, k = 3 OEIS A002293.
    _count_args("fuss_catalan", n, k)
    return sympy.binomial((k + 1) * n, n) / (k * n + 1)


def _kreweras_count(block_type: tuple[sympy.Expr, ...]) -> sympy.Expr:
    # Kreweras (1972): the number of NC(n) partitions with r_i blocks of size i
    # is n! / ((n - m + 1)! prod_i r_i!), m the number of blocks.
    sizes = []
    for size in block_type:
        if not _is_int(size) or size < 1:
            raise SpecError(f"kreweras_count() takes a tuple of positive integers, got {size}")
        sizes.append(int(size))
    n, m = sum(sizes), len(sizes)
    _count_args("kreweras_count", sympy.Integer(n))
    if m == 0:
        return sympy.Integer(1)
    denominator = math.factorial(n - m + 1)
    for size in set(sizes):
        denominator *= math.factorial(sizes.count(size))
    return sympy.Integer(math.factorial(n) // denominator)


def _rational(p: sympy.Expr, q: sympy.Expr = sympy.Integer(1)) -> sympy.Expr:
    if not (_is_int(p) and _is_int(q)):
        raise SpecError(f"Rational() takes two integers, got {p}, {q}")
    if q == 0:
        raise SpecError("Rational() with a zero denominator")
    return sympy.Rational(p, q)


def _sum(term: sympy.Expr, limits: tuple[sympy.Expr, ...]) -> sympy.Expr:
    if len(limits) != 3 or not isinstance(limits[0], sympy.Symbol):
        raise SpecError("Sum() takes a term and limits (k, a, b) with k a name")
    k, a, b = limits
    if isinstance(a, sympy.Integer) and isinstance(b, sympy.Integer) and abs(b - a) > MAX_COUNT_ARGUMENT:
        raise SpecError(f"Sum() over more than {MAX_COUNT_ARGUMENT=} terms")
    return sympy.Sum(term, (k, a, b))


def _unary(fn: Callable[[Any], Any]) -> Callable[[sympy.Expr], sympy.Expr]:
    def call(x: sympy.Expr) -> sympy.Expr:
        return fn(x)

    call.__name__ = getattr(fn, "__name__", "function")
    return call


def _min(*args: sympy.Expr) -> sympy.Expr:
    return sympy.Min(*args)


def _max(*args: sympy.Expr) -> sympy.Expr:
    return sympy.Max(*args)


#: The functions of the spec and claim languages: one table, so that a law's parameters
#: take every function a claim takes (``sigma_w2=1/erf(1)``, ``asin(2/3)``); claims add their
#: own (``moment``, ...).
FORMULA_FUNCTIONS: dict[str, Callable[..., sympy.Expr]] = {
    "sqrt": _unary(sympy.sqrt),
    "exp": _unary(sympy.exp),
    "log": _unary(sympy.log),
    "Rational": _rational,
    "binomial": _binomial,
    "factorial": _factorial,
    "factorial2": _factorial2,
    "gamma": _gamma,
    "rf": _rf,
    "ff": _ff,
    "catalan": _catalan,
    "narayana": _narayana,
    "fuss_catalan": _fuss_catalan,
    "kreweras_count": _kreweras_count,
    "erf": _unary(sympy.erf),
    "erfc": _unary(sympy.erfc),
    "sin": _unary(sympy.sin),
    "cos": _unary(sympy.cos),
    "tan": _unary(sympy.tan),
    "atan": _unary(sympy.atan),
    "asin": _unary(sympy.asin),
    "sinh": _unary(sympy.sinh),
    "cosh": _unary(sympy.cosh),
    "tanh": _unary(sympy.tanh),
    "Abs": _unary(sympy.Abs),
    "abs": _unary(sympy.Abs),
    "floor": _unary(sympy.floor),
    "ceiling": _unary(sympy.ceiling),
    "Min": _min,
    "Max": _max,
    "Sum": _sum,
}

#: The functions allowed inside the parameters of a law spec: the same table.
SPEC_FUNCTIONS = FORMULA_FUNCTIONS

# Parameters that take a tuple literal rather than an expression.
TUPLE_PARAMETERS = {"kreweras_count": {"block_type"}, "Sum": {"limits"}}

