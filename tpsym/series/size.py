"""How much work expanding an expression costs, estimated before it is done.

An exact comparison maps both sides into a field of rational functions
(:mod:`tpsym.series.encode`), which expands every power, product and
rising factorial. A short formula can stand for an enormous expansion:
``(a+b+c)**10000`` has 50 015 001 terms and ``rf(c, 10000)`` is a product of
10 000 factors. :func:`expansion_work` bounds that work from the tree alone,
without expanding anything, so that a caller refuses such inputs at once,
naming the limit that applies.

The estimate counts the terms written while multiplying out:

* a sum has the terms of its summands, a product of sums at most the product
  of their terms; neither has more than the monomials of its degree in the
  expression's generators (symbols and atoms such as ``sqrt(2)``);
* ``b**e`` for an integer ``e`` writes at most ``binomial(|e| + t - 1, t - 1)``
  terms, ``t`` those of ``b`` (the monomials of degree ``|e|`` in ``t``
  variables);
* ``rf(x, k)``, ``ff(x, k)`` and ``binomial(x, k)`` with a symbolic ``x``
  and an integer ``k`` are products of ``k`` factors ``x + j``, multiplied
  out one factor at a time: every partial product is written;
* numbers cost nothing; functions (``sqrt``, ``erf``, ``catalan(k)``) are
  generators of one term, plus the work of their arguments.

An expression that is already expanded costs nothing: its terms are only
read.

Examples
--------
>>> import sympy
>>> a, b, c = sympy.symbols("a b c")
>>> expansion_work((a + b + c)**3)   # 10 monomials of degree 3 in 3 variables
10
>>> expansion_work((a + b + c)**10000)
50015001
>>> expansion_work(sympy.rf(c, 10000, evaluate=False))  # partial products of 3, 4, ..., 10001 terms
50014998
"""

from __future__ import annotations

from typing import Any

import sympy

__all__ = ["expansion_work", "CAP", "MAX_EXPANSION_WORK"]

#: Most terms written while expanding the two sides of one exact comparison, or one
#: rising factorial of the language: ``(1 + c)**1000`` (1001 terms) takes about a
#: second to compare.
MAX_EXPANSION_WORK = 1_000

#: Estimates are capped here: beyond it every limit is exceeded anyway, and
#: the binomials of the estimate stay cheap to compute.
CAP = 10**18


def _binomial_capped(n: int, k: int) -> int:
    """``binomial(n, k)``, or :data:`CAP` when it is larger (computed without the huge value)."""
    k = min(k, n - k)
    if k < 0:
        return 0
    out = 1
    for i in range(1, k + 1):
        out = out * (n - k + i) // i
        if out >= CAP:
            return CAP
    return out


def _cap(x: int) -> int:
    return x if x < CAP else CAP


class _Estimator:
    """``(terms, work, degree)`` of sub-expressions, with ``s`` generators in all."""

    def __init__(self, generators: int):
        self.s = max(generators, 1)

    def dense(self, degree: int) -> int:
        """The monomials of degree at most ``degree`` in the generators."""
        return _binomial_capped(degree + self.s, self.s) if degree < CAP else CAP

    def __call__(self, e: Any) -> tuple[int, int, int]:
        if not isinstance(e, sympy.Basic) or e.is_Rational:
            return 1, 0, 0
        if e.is_Atom:  # a symbol, pi, E: a generator
            return 1, 0, 1
        if isinstance(e, sympy.Add):
            terms = work = degree = 0
            for arg in e.args:
                t, w, d = self(arg)
                terms, work, degree = _cap(terms + t), _cap(work + w), max(degree, d)
            return min(terms, self.dense(degree)), work, degree
        if isinstance(e, sympy.Mul):
            return self.product(e.args)
        if isinstance(e, sympy.Pow):
            base, exponent = e.args
            t, w, d = self(base)
            if exponent.is_Integer:
                n = abs(int(exponent)) if abs(exponent) < CAP else CAP
                degree = _cap(d * n)
                if t == 1:
                    return 1, w, degree
                terms = min(_binomial_capped(n + t - 1, t - 1) if n < CAP else CAP, self.dense(degree))
                return terms, _cap(w + terms), degree
            return 1, _cap(w + self(exponent)[1]), 1
        if isinstance(e, (sympy.RisingFactorial, sympy.FallingFactorial, sympy.binomial)):
            x, k = e.args
            if k.is_Integer and k > 0 and not x.is_number:
                # a product of k factors x + j, expanded one factor at a time
                return self.product([x + 1] * int(min(k, CAP)))
            return 1, _cap(self(x)[1] + self(k)[1]), 1
        # a function, a Sum, a relation: one generator, plus the work of its arguments
        work = 0
        for arg in e.args:
            work = _cap(work + self(arg)[1])
        return 1, work, 1

    def product(self, factors: Any) -> tuple[int, int, int]:
        # numerator and denominator are expanded apart (over a common
        # denominator); each partial product of two or more sums is written out
        work = 0
        parts = {False: [1, 0, 0], True: [1, 0, 0]}  # below the line -> [terms, degree, sums]
        for arg in factors:
            below = bool(isinstance(arg, sympy.Pow) and arg.args[1].is_negative)
            t, w, d = self(arg)
            part = parts[below]
            part[1] = _cap(part[1] + d)
            part[0] = min(_cap(part[0] * t), self.dense(part[1]))
            part[2] += t > 1
            work = _cap(work + w + (part[0] if part[2] > 1 and t > 1 else 0))
            if work >= CAP:
                break
        terms = _cap(parts[False][0] + parts[True][0] - 1)
        return terms, work, _cap(parts[False][1] + parts[True][1])


def expansion_work(*exprs: Any) -> int:
    """An upper bound on the terms written while multiplying ``exprs`` out into polynomials.

    Parameters
    ----------
    *exprs : sympy expressions

    Returns
    -------
    int
        The terms of every power and partial product written (at most :data:`CAP`).

    Examples
    --------
    >>> import sympy
    >>> c = sympy.Symbol("c")
    >>> expansion_work(c**2 + 3*c + 1)   # already expanded
    0
    >>> expansion_work((1 + c)**100 / (2 + c)**3)
    105
    """
    total = 0
    for e in exprs:
        if not isinstance(e, sympy.Basic):
            continue
        atoms = e.atoms(sympy.Function, sympy.NumberSymbol, sympy.Pow)
        generators = len(e.free_symbols) + sum(1 for a in atoms if not a.free_symbols and not a.is_Rational)
        total = _cap(total + _Estimator(generators)(e)[1])
    return total

