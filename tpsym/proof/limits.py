"""The work a claim may ask for: every bound the verifier applies, in one place.

A proof file or a ``tpsym check`` line is untrusted input, and a short one
can ask for unbounded work: ``(a+b+c)**10000`` expands to fifty million
terms, two nested ``Sum``\\ s of 10 001 terms are a hundred million, and
``m_100`` of a ⊞-sum of eight semicircles with symbolic variances is a
polynomial of 264 million terms. The verifier estimates the work *before*
doing it and refuses with :class:`~tpsym.errors.InputError` naming the limit:

==========================  =====================================================
limit                       what it counts
==========================  =====================================================
:data:`MAX_EXPANSION_WORK`  terms written while multiplying out both sides of a
                            comparison (:func:`tpsym.series.size.expansion_work`)
:data:`MAX_SUM_TERMS`       terms of the ``Sum``\\ s of one evaluation, nested
                            sums multiplied
:data:`MAX_LOOP_STEPS`      values taken by the loop variables at every level,
                            an empty inner loop included
:data:`MAX_PARAMETRIC_WORK` order × number of parameters of a law with symbolic
                            parameters (``same_law``, ``generating_function``,
                            ``moment``, ``cumulant``, ``s_coefficient``)
:data:`MAX_NUMERIC_WORK`    trials × Σ N³ of a numeric cross-check (the cost of
                            the dense products and eigenvalues it samples)
==========================  =====================================================
"""

from __future__ import annotations

from typing import Any

import sympy

from tpsym.errors import InputError
from tpsym.series.size import MAX_EXPANSION_WORK, expansion_work

__all__ = [
    "MAX_EXPANSION_WORK",
    "MAX_SUM_TERMS",
    "MAX_LOOP_STEPS",
    "MAX_PARAMETRIC_WORK",
    "MAX_NUMERIC_WORK",
    "check_expansion",
    "check_parametric_order",
    "check_numeric_work",
    "evaluate_sums",
]

#: Most terms of the sums of one evaluation of a claim (nested sums multiply;
#: 20 000 simple terms take about two seconds on both routes).
MAX_SUM_TERMS = 20_000
#: Most values the loop variables of one claim take, counted at every level.
MAX_LOOP_STEPS = 30_000
#: Largest order × number of parameters for a law with symbolic parameters
#: (one parameter: order 100; ``m_35`` of ``boxpower(mp(ratio=c), L)`` already
#: takes tens of seconds).
MAX_PARAMETRIC_WORK = 100
#: Largest trials × Σ N³ of a numeric cross-check (10 trials at N = 256, 512,
#: 1024 are 1.2e10; 1e11 is about a minute of dense linear algebra).
MAX_NUMERIC_WORK = 10**11


def check_expansion(*exprs: Any, what: str = "the comparison") -> None:
    """Refuse expressions whose expansion writes more than :data:`MAX_EXPANSION_WORK` terms.

    >>> import sympy
    >>> a, b, c = sympy.symbols("a b c")
    >>> check_expansion((1 + c)**10)
    >>> check_expansion((a + b + c)**10000)
    Traceback (most recent call last):
    ...
    tpsym.errors.InputError: the comparison would write about 50015001 terms while expanding, more than MAX_EXPANSION_WORK=1000
    """
    work = expansion_work(*exprs)
    if work > MAX_EXPANSION_WORK:
        raise InputError(f"{what} would write about {work} terms while expanding, more than {MAX_EXPANSION_WORK=}")


def check_parametric_order(law: Any, order: int) -> None:
    """Refuse ``order`` moments of a law with ``p`` parameters when ``order * p`` exceeds :data:`MAX_PARAMETRIC_WORK`.

    The moments of a law with symbolic parameters are polynomials whose
    terms grow like ``order**p``: the work counts both.

    >>> from tpsym.spec import parse_spec
    >>> check_parametric_order(parse_spec("mp(ratio=c)"), 100)
    >>> check_parametric_order(parse_spec("boxplus(semicircle(variance=a), semicircle(variance=b))"), 60)
    Traceback (most recent call last):
    ...
    tpsym.errors.InputError: the order 60 with 2 parameters (a, b) exceeds the limit: order × parameters must be at most MAX_PARAMETRIC_WORK=100
    """
    params = sorted(str(s) for s in law.parameters)
    if params and order * len(params) > MAX_PARAMETRIC_WORK:
        raise InputError(
            f"the order {order} with {len(params)} parameter{'s' if len(params) > 1 else ''} ({', '.join(params)}) "
            f"exceeds the limit: order × parameters must be at most {MAX_PARAMETRIC_WORK=}"
        )


def check_numeric_work(sizes: Any, trials: int) -> None:
    """Refuse a numeric cross-check whose trials × Σ N³ exceeds :data:`MAX_NUMERIC_WORK`.

    >>> check_numeric_work((256, 512, 1024), 10)
    >>> check_numeric_work((16384, 16383), 10000)
    Traceback (most recent call last):
    ...
    tpsym.errors.InputError: sizes (16384, 16383) with 10000 trials ask for trials × sum N^3 = 8.8e+16 operations, more than MAX_NUMERIC_WORK=100000000000
    """
    work = trials * sum(int(n) ** 3 for n in sizes)
    if work > MAX_NUMERIC_WORK:
        raise InputError(
            f"sizes {tuple(sizes)} with {trials} trials ask for trials × sum N^3 = {work:.2g} operations, "
            f"more than {MAX_NUMERIC_WORK=}"
        )


def _split(x: sympy.Sum) -> tuple[Any, tuple[Any, Any, Any]]:
    """The term and the outermost limit of a sum (sympy merges nested sums into one with several limits)."""
    *inner, outer = x.limits
    term = sympy.Sum(x.function, *inner) if inner else x.function
    return term, outer


def _sum_terms(e: Any) -> int:
    """An upper bound on the terms of the sums in ``e`` (inner limits taken at the ends of the outer range)."""
    if not isinstance(e, sympy.Basic) or not e.has(sympy.Sum):
        return 0
    if isinstance(e, sympy.Sum):
        term, (k, a, b) = _split(e)
        if a.is_Integer and b.is_Integer:
            n = abs(int(b) - int(a)) + 1
            inner = max(_sum_terms(term.xreplace({k: a})), _sum_terms(term.xreplace({k: b})))
            return n * (1 + inner)
    return sum(_sum_terms(arg) for arg in e.args)


def evaluate_sums(e: Any) -> Any:
    """``e`` with every ``Sum`` with integer limits added up term by term, within :data:`MAX_SUM_TERMS`.

    Sums follow sympy's convention (Karr's): ``Sum(f, (k, a, b))`` with
    ``b < a - 1`` is ``-Sum(f, (k, b + 1, a - 1))``. A sum whose limits are
    not integers is left to :meth:`sympy.Sum.doit`.

    >>> import sympy
    >>> j, k = sympy.symbols("j k")
    >>> evaluate_sums(sympy.Sum(sympy.Sum(j * k, (j, 1, k)), (k, 1, 3)))
    25
    >>> evaluate_sums(sympy.Sum(sympy.Sum(j, (j, 0, 10000)), (k, 0, 10000)))
    Traceback (most recent call last):
    ...
    tpsym.errors.InputError: the sums ask for about 100030002 terms, more than MAX_SUM_TERMS=20000
    """
    if not isinstance(e, sympy.Basic) or not e.has(sympy.Sum):
        return e
    estimate = _sum_terms(e)
    if estimate > MAX_SUM_TERMS:
        raise InputError(f"the sums ask for about {estimate} terms, more than {MAX_SUM_TERMS=}")
    count = 0

    def rec(x: Any) -> Any:
        nonlocal count
        if not isinstance(x, sympy.Basic) or not x.has(sympy.Sum):
            return x
        if isinstance(x, sympy.Sum):
            term, (k, a, b) = _split(x)
            a, b = rec(a), rec(b)
            if a.is_Integer and b.is_Integer:
                lo, hi, sign = int(a), int(b), 1
                if hi < lo - 1:  # Karr's convention, as sympy's doit
                    lo, hi, sign = hi + 1, lo - 1, -1
                count += max(hi - lo + 1, 1)
                if count > MAX_SUM_TERMS:
                    raise InputError(f"the sums ask for more than {MAX_SUM_TERMS=} terms")
                return sign * sympy.Add(*(rec(term.xreplace({k: sympy.Integer(v)})) for v in range(lo, hi + 1)))
            return sympy.Sum(rec(term), (k, a, b)).doit()
        return x.func(*(rec(arg) for arg in x.args))

    return rec(e)
