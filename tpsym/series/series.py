"""Truncated power series with exact coefficients.

A :class:`Series` is ``a_0 + a_1 x + ... + a_{n-1} x^{n-1} + O(x^n)`` with
coefficients in one of the exact fields of :mod:`tpsym.series.ring`. Over
QQ every operation runs on python-flint's ``fmpq_poly`` with explicit
truncation lengths (:mod:`tpsym.series._qq`: Newton iterations, no
process-wide ``flint.ctx.cap``); over QQ(parameters)
the coefficient arithmetic runs in flint's multivariate polynomials and the
series algorithms are the classical quadratic ones:

========================  =============================================  ========
operation                 algorithm                                      cost
========================  =============================================  ========
``f * g``                 schoolbook product                              O(n^2)
``f.inverse()`` (1/f)     ``f g = 1`` solved coefficient by coefficient   O(n^2)
``f.exp()``               ``g' = f' g``                                   O(n^2)
``f.log()``               ``g' = f'/f``                                   O(n^2)
``f.power(alpha)``        J.C.P. Miller's recurrence, any ``alpha``       O(n^2)
``f.compose(g)``          Horner's scheme                                 O(n^3)
``f.reversion()``         Lagrange inversion through powers of x/f       O(n^3)
========================  =============================================  ========

The reciprocal (:meth:`Series.inverse`, needs an invertible constant term)
and the compositional inverse (:meth:`Series.reversion`, needs ``a_0 = 0``
and an invertible ``a_1``) are kept apart, each with its own error
(:class:`~tpsym.errors.InversionError`, :class:`~tpsym.errors.ReversionError`).

References
----------
D. E. Knuth, *The Art of Computer Programming*, vol. 2, section 4.7
(power series manipulation, J.C.P. Miller's formula).

Examples
--------
The compositional inverse of ``x - x^2`` is the Catalan generating function
shifted by ``x`` (OEIS A000108):

>>> f = Series.from_coefficients([0, 1, -1], prec=8)
>>> f.reversion().coefficients_expr()
[0, 1, 1, 2, 5, 14, 42, 132]
>>> (f.reversion().compose(f) - Series.x(8)).is_zero()
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
import math
from typing import Any

import flint
import sympy

from tpsym.errors import InputError, InversionError, ReversionError, SeriesError
from tpsym.series import _qq
from tpsym.series.ring import QQ, RationalField, RationalFunction, RationalFunctionField

__all__ = ["Series", "Field"]

Field = RationalField | RationalFunctionField


def _pad(p: flint.fmpq_poly, n: int) -> list[flint.fmpq]:
    """The first ``n`` coefficients of ``p`` as a list of ``fmpq`` (zeros past its degree)."""
    c = [flint.fmpq(a) for a in p.coeffs()[:n]]
    return c + [flint.fmpq(0)] * (n - len(c))


#: Largest bit length of the scaling D for which reversion over QQ runs over the integers.
_MAX_SCALE_BITS = 256


def _integral_scale(g: Sequence[flint.fmpq]) -> int | None:
    """An integer ``D`` with ``g_k D^(k-1)`` integral for every ``k``, or None if too large.

    Grows ``D`` by the part of each denominator that ``D^(k-1)`` does not yet
    absorb; gives up past :data:`_MAX_SCALE_BITS` bits (factorial-like
    denominators), where the caller falls back to flint's rational reversion.
    """
    D = 1
    for k in range(2, len(g)):
        d = int(g[k].q)
        if d == 1 or (D > 1 and pow(D, k - 1, d) == 0):
            continue
        D = D * d // math.gcd(D, d)
        if D.bit_length() > _MAX_SCALE_BITS:
            return None
    return D


def _reversion_qq(c: Sequence[flint.fmpq]) -> list[flint.fmpq]:
    """The compositional inverse of ``sum c_k x^k`` (``c_0 = 0``, ``c_1 != 0``) over QQ.

    With ``g = f / c_1`` and ``D`` from :func:`_integral_scale`,
    ``G(w) = g(D w) / D`` has integer coefficients and ``G_1 = 1``, so its
    reversion runs on integer coefficients (smaller gcds than the rational route); then
    ``f^{-1}(y) = D G^{-1}(y / (c_1 D))``.
    """
    n = len(c)
    c1 = c[1]
    g = [a / c1 for a in c]
    D = _integral_scale(g)
    if D is None:
        return _pad(_qq.reversion(flint.fmpq_poly(list(c)), n), n)
    G, p = [0, 1], 1
    for k in range(2, n):
        p *= D
        G.append(int((g[k] * p).p))
    Ginv = _qq.reversion(flint.fmpq_poly(G), n).coeffs()
    out, scale = [flint.fmpq(0)], flint.fmpq(1)
    step = 1 / (c1 * D)
    for k in range(1, n):
        scale = scale * step
        a = Ginv[k] if k < len(Ginv) else 0
        out.append(flint.fmpq(a) * scale * D if a else flint.fmpq(0))
    return out


def _check_prec(prec: Any) -> int:
    if isinstance(prec, bool) or not isinstance(prec, int):
        raise InputError(f"the precision must be an integer, not {prec!r}")
    if prec < 1:
        raise InputError(f"the precision must be at least 1, got {prec=}")
    return prec


class Series:
    """A power series truncated at ``O(x^prec)`` over an exact field.

    Build one with :meth:`from_coefficients`, :meth:`x` or :meth:`constant`.
    Two series are equal when they have the same field, precision and
    coefficients.

    Parameters
    ----------
    coeffs : sequence
        Field elements ``a_0, ..., a_{prec-1}`` (already converted).
    field : Field
        The coefficient field.
    prec : int
        The number of known coefficients.
    """

    __slots__ = ("_c", "field", "prec")

    def __init__(self, coeffs: Sequence[Any], field: Field, prec: int):
        c = list(coeffs[:prec])
        if len(c) < prec:
            c.extend([field.zero] * (prec - len(c)))
        self._c = tuple(c)
        self.field = field
        self.prec = prec

    # -- construction -----------------------------------------------------
    @classmethod
    def from_coefficients(cls, coeffs: Iterable[Any], *, prec: int, field: Field = QQ) -> Series:
        """A series from the first coefficients (ints, Rationals, sympy expressions).

        Missing coefficients up to ``prec`` are zero.

        >>> Series.from_coefficients([1, 2], prec=4)
        1 + 2*x + O(x**4)
        """
        prec = _check_prec(prec)
        conv = []
        for a in coeffs:
            if isinstance(a, sympy.Basic) or (isinstance(a, int) and not isinstance(a, bool)):
                conv.append(field.from_expr(a))
            else:
                conv.append(field(a))
        return cls(conv, field, prec)

    @classmethod
    def x(cls, prec: int, field: Field = QQ) -> Series:
        """The series ``x + O(x^prec)``.

        >>> Series.x(3)
        x + O(x**3)
        """
        prec = _check_prec(prec)
        return cls([field.zero, field.one], field, prec)

    @classmethod
    def constant(cls, value: Any, prec: int, field: Field = QQ) -> Series:
        """The constant series ``value + O(x^prec)``.

        >>> Series.constant(3, 2)
        3 + O(x**2)
        """
        prec = _check_prec(prec)
        v = value if not isinstance(value, (int, sympy.Basic)) else field.from_expr(value)
        return cls([v], field, prec)

    # -- access -----------------------------------------------------------
    @property
    def coefficients(self) -> tuple[Any, ...]:
        """The coefficients ``a_0..a_{prec-1}`` as field elements."""
        return self._c

    def __getitem__(self, k: int) -> Any:
        return self._c[k]

    def __len__(self) -> int:
        return self.prec

    def coefficients_expr(self) -> list[sympy.Expr]:
        """The coefficients as sympy expressions.

        >>> Series.from_coefficients([1, sympy.Rational(1, 2)], prec=2).coefficients_expr()
        [1, 1/2]
        """
        return [self.field.to_expr(a) for a in self._c]

    def is_zero(self) -> bool:
        """Whether every known coefficient is zero."""
        return all(self.field.is_zero(a) for a in self._c)

    def valuation(self) -> int:
        """The index of the first non-zero coefficient (``prec`` if none).

        >>> Series.from_coefficients([0, 0, 3], prec=5).valuation()
        2
        """
        for k, a in enumerate(self._c):
            if not self.field.is_zero(a):
                return k
        return self.prec

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Series):
            return NotImplemented
        return self.field == other.field and self.prec == other.prec and self._c == other._c

    def __hash__(self) -> int:
        return hash((self.prec, tuple(str(a) for a in self._c)))

    def __repr__(self) -> str:
        terms = []
        for k, e in enumerate(self.coefficients_expr()):
            if e == 0:
                continue
            mon = "" if k == 0 else ("x" if k == 1 else f"x**{k}")
            if not mon:
                terms.append(str(e))
            elif e == 1:
                terms.append(mon)
            else:
                s = str(e)
                if e.is_Add:
                    s = f"({s})"
                terms.append(f"{s}*{mon}")
        terms.append(f"O(x**{self.prec})")
        return " + ".join(terms)

    def _repr_latex_(self) -> str:
        x = sympy.Symbol("x")
        expr = sum((e * x**k for k, e in enumerate(self.coefficients_expr())), sympy.Integer(0))
        return f"${sympy.latex(expr)} + O\\left(x^{{{self.prec}}}\\right)$"

    # -- flint bridge -----------------------------------------------------
    def _is_qq(self) -> bool:
        return self.field is QQ

    def _poly(self) -> flint.fmpq_poly:
        return flint.fmpq_poly(list(self._c)[: self.prec])

    @staticmethod
    def _from_poly(p: flint.fmpq_poly, prec: int) -> Series:
        return Series(_pad(p, prec), QQ, prec)

    def _same(self, other: Series) -> int:
        if not isinstance(other, Series):
            raise SeriesError(f"cannot combine a series with {type(other).__name__}")
        if self.field != other.field:
            raise SeriesError(f"series over {self.field!r} and {other.field!r} cannot be combined")
        return min(self.prec, other.prec)

    def _lift(self, other: Any) -> Series:
        if isinstance(other, Series):
            return other
        return Series.constant(other, self.prec, self.field)

    # -- ring operations --------------------------------------------------
    def __add__(self, other: Any) -> Series:
        other = self._lift(other)
        n = self._same(other)
        return Series([a + b for a, b in zip(self._c[:n], other._c[:n])], self.field, n)

    __radd__ = __add__

    def __neg__(self) -> Series:
        return Series([-a for a in self._c], self.field, self.prec)

    def __sub__(self, other: Any) -> Series:
        return self + (-self._lift(other))

    def __rsub__(self, other: Any) -> Series:
        return self._lift(other) - self

    def scale(self, c: Any) -> Series:
        """Multiply every coefficient by the field element (or int) ``c``."""
        return Series([a * c for a in self._c], self.field, self.prec)

    def __mul__(self, other: Any) -> Series:
        if not isinstance(other, Series):
            return self.scale(other if not isinstance(other, sympy.Basic) else self.field.from_expr(other))
        n = self._same(other)
        if self._is_qq():
            return Series._from_poly(_qq.mul(self._poly(), other._poly(), n), n)
        a, b, zero = self._c, other._c, self.field.zero
        va, vb = self.valuation(), other.valuation()
        out = []
        for k in range(n):
            s = zero
            for i in range(va, k - vb + 1):
                s = s + a[i] * b[k - i]
            out.append(s)
        return Series(out, self.field, n)

    __rmul__ = __mul__

    def __pow__(self, k: int) -> Series:
        """Integer powers (negative ones through :meth:`inverse`)."""
        if isinstance(k, sympy.Integer):
            k = int(k)
        if isinstance(k, bool) or not isinstance(k, int):
            raise SeriesError(f"use .power(alpha) for the non-integer exponent {k!r}")
        if k < 0:
            return self.inverse() ** (-k)
        result = Series.constant(1, self.prec, self.field)
        base = self
        while k:
            if k & 1:
                result = result * base
            k >>= 1
            if k:
                base = base * base
        return result

    def truncate(self, prec: int) -> Series:
        """The same series known only to ``O(x^prec)`` (``prec`` ≤ current)."""
        prec = _check_prec(prec)
        if prec > self.prec:
            raise SeriesError(f"cannot raise the precision from {self.prec} to {prec}")
        return Series(self._c[:prec], self.field, prec)

    def shift(self, k: int) -> Series:
        """Multiply by ``x^k`` (``k ≥ 0``) or divide by ``x^(-k)`` when exact.

        Dividing by ``x^j`` loses ``j`` coefficients of precision.

        >>> Series.from_coefficients([0, 1, 2], prec=3).shift(-1)
        1 + 2*x + O(x**2)
        """
        if k >= 0:
            return Series([self.field.zero] * k + list(self._c), self.field, self.prec + k)
        j = -k
        if self.valuation() < j:
            raise SeriesError(f"the series is not divisible by x**{j}")
        if self.prec - j < 1:
            raise SeriesError("no coefficient left after the division")
        return Series(self._c[j:], self.field, self.prec - j)

    # -- reciprocal and composition ---------------------------------------
    def inverse(self) -> Series:
        """The reciprocal ``1/f``; needs an invertible constant term.

        Raises
        ------
        InversionError
            If ``a_0 = 0``.

        >>> Series.from_coefficients([1, -1], prec=5).inverse()
        1 + x + x**2 + x**3 + x**4 + O(x**5)
        """
        if self.field.is_zero(self._c[0]):
            raise InversionError("the series has constant term 0 and no reciprocal (did you mean reversion?)")
        n = self.prec
        if self._is_qq():
            return Series._from_poly(_qq.inverse(self._poly(), n), n)
        f, F = self._c, self.field
        inv0 = F.inv(f[0])
        g = [inv0]
        for k in range(1, n):
            s = F.zero
            for i in range(1, k + 1):
                s = s + f[i] * g[k - i]
            g.append(-(s * inv0))
        return Series(g, F, n)

    def __truediv__(self, other: Any) -> Series:
        if isinstance(other, Series):
            return self * other.inverse()
        c: Any = other if not isinstance(other, (int, sympy.Basic)) else self.field.from_expr(other)
        return self.scale(self.field.inv(c))

    def compose(self, g: Series) -> Series:
        """The composition ``f(g(x))``; needs ``g(0) = 0``.

        >>> f = Series.from_coefficients([1, 1, 1], prec=4)
        >>> f.compose(Series.from_coefficients([0, 2], prec=4))
        1 + 2*x + 4*x**2 + O(x**4)
        """
        n = self._same(g)
        if not self.field.is_zero(g._c[0]):
            raise SeriesError("composition f(g) needs g(0) = 0")
        if g.is_zero():  # f(0 + O(x^n)) = f_0; flint refuses the zero series as inner function
            return Series([self._c[0]], self.field, n)
        if self._is_qq():
            return Series._from_poly(_qq.compose(self._poly(), g._poly(), n), n)
        g = g.truncate(n)
        # Horner: f(g) = a_0 + g (a_1 + g (a_2 + ...)); the last useful index is n-1.
        last = n - 1
        while last > 0 and self.field.is_zero(self._c[last]):
            last -= 1
        result = Series.constant(self._c[last], n, self.field)
        for k in range(last - 1, -1, -1):
            result = result * g
            result = Series([result._c[0] + self._c[k], *result._c[1:]], self.field, n)
        return result

    def __call__(self, g: Series) -> Series:
        return self.compose(g)

    def reversion(self) -> Series:
        """The compositional inverse ``f^{-1}``: ``f(f^{-1}(x)) = x``.

        Needs ``a_0 = 0`` and an invertible ``a_1``. Over QQ(parameters) it uses
        Lagrange inversion, ``[x^n] f^{-1} = (1/n) [x^{n-1}] (x/f)^n``.

        Raises
        ------
        ReversionError
            If ``a_0 ≠ 0`` or ``a_1 = 0``.

        >>> Series.from_coefficients([0, 2], prec=4).reversion()
        1/2*x + O(x**4)
        """
        F, n = self.field, self.prec
        if not F.is_zero(self._c[0]):
            raise ReversionError("a series with a non-zero constant term has no compositional inverse")
        if n < 2 or F.is_zero(self._c[1]):
            raise ReversionError("the linear coefficient is zero: the series has no compositional inverse")
        if self._is_qq():
            return Series(_reversion_qq(self._c), QQ, n)
        if not isinstance(F, RationalFunctionField):
            raise SeriesError(f"reversion needs the field QQ or QQ(parameters), not {F!r}")
        # h = x/f has h_0 = 1/a_1; (x/f)^k = h_0^k (h/h_0)^k with Miller's recurrence.
        h = self.shift(-1)  # prec n-1: f/x
        h = h.inverse()
        h0 = h._c[0]
        u = h.scale(F.inv(h0))  # u_0 = 1
        raw = all(a.den.is_one() for a in u._c)
        zero: Any  # a flint polynomial or a RationalFunction, as one below
        one: Any
        if raw:
            # Polynomial coefficients (the usual case): run Miller's loop on the raw
            # flint polynomials, without the rational-function wrapper.
            uc, zero, one = [a.num for a in u._c], F.zero.num, F.poly_one
        else:
            uc, zero, one = list(u._c), F.zero, F.one
        inv = [None] + [flint.fmpq(1, j) for j in range(1, n)]
        nz = [i for i in range(1, n - 1) if not F.is_zero(u._c[i])]  # non-zero u_i, increasing
        out = [F.zero]
        h0_pow = F.one
        for k in range(1, n):
            h0_pow = h0_pow * h0
            # [x^{k-1}] u^k via Miller: p_0 = 1, j p_j = sum_{i=1}^j ((k+1) i - j) u_i p_{j-i}
            p = [one]
            for j in range(1, k):
                s = zero
                for i in nz:
                    if i > j:
                        break
                    c = (k + 1) * i - j
                    if c:
                        s = s + uc[i] * p[j - i] * c
                p.append(s * inv[j])
            last = RationalFunction(F, p[k - 1], reduced=True) if raw else p[k - 1]
            out.append(last * h0_pow * inv[k])
        return Series(out, F, n)

    # -- calculus ---------------------------------------------------------
    def derivative(self) -> Series:
        """The derivative (one coefficient of precision is lost).

        >>> Series.from_coefficients([1, 1, 1], prec=3).derivative()
        1 + 2*x + O(x**2)
        """
        if self.prec < 2:
            raise SeriesError("the derivative of a series known to O(x) is unknown")
        return Series([self._c[k] * k for k in range(1, self.prec)], self.field, self.prec - 1)

    def integral(self) -> Series:
        """The antiderivative with constant term 0 (one coefficient gained)."""
        return Series([self.field.zero] + [a / (k + 1) for k, a in enumerate(self._c)], self.field, self.prec + 1)

    def exp(self) -> Series:
        """``exp(f)``; needs ``f(0) = 0`` (so that the result stays exact).

        >>> Series.x(5).exp()
        1 + x + 1/2*x**2 + 1/6*x**3 + 1/24*x**4 + O(x**5)
        """
        F, n = self.field, self.prec
        if not F.is_zero(self._c[0]):
            raise SeriesError("exp(f) needs f(0) = 0: exp of a non-zero constant is not exact")
        if self._is_qq():
            return Series._from_poly(_qq.exp(self._poly(), n), n)
        f = self._c
        g = [F.one]
        for k in range(1, n):
            s = F.zero
            for i in range(1, k + 1):
                if not F.is_zero(f[i]):
                    s = s + f[i] * g[k - i] * i
            g.append(s / k)
        return Series(g, F, n)

    def log(self) -> Series:
        """``log(f)``; needs ``f(0) = 1``.

        >>> Series.from_coefficients([1, 1], prec=4).log()
        x + -1/2*x**2 + 1/3*x**3 + O(x**4)
        """
        F, n = self.field, self.prec
        if self._c[0] != F.one:
            raise SeriesError("log(f) needs f(0) = 1")
        if self._is_qq():
            return Series._from_poly(_qq.log(self._poly(), n), n)
        f = self._c
        g = [F.zero]
        for k in range(1, n):
            s = f[k] * k
            for i in range(1, k):
                s = s - g[i] * f[k - i] * i
            g.append(s / k)
        return Series(g, F, n)

    def power(self, alpha: Any) -> Series:
        """``f^alpha`` for ``f(0) = 1`` and any ``alpha`` of the field (a symbol too).

        The coefficients are polynomials in ``alpha``: J.C.P. Miller's
        recurrence ``k g_k = sum_{i=1}^k ((alpha+1) i - k) f_i g_{k-i}``.
        Integer exponents work for any constant term.

        >>> from tpsym.series.ring import field_for
        >>> K = field_for(["L"])
        >>> f = Series.from_coefficients([1, 1], prec=3, field=K)
        >>> f.power(K.gen("L")).coefficients_expr()
        [1, L, L**2/2 - L/2]
        """
        F, n = self.field, self.prec
        if isinstance(alpha, int) and not isinstance(alpha, bool):
            return self**alpha
        if isinstance(alpha, sympy.Basic):
            if alpha.is_Integer:
                return self ** int(alpha)
            alpha = F.from_expr(alpha)
        else:
            alpha = F(alpha)  # a field element passes; a float is refused with DomainError
        if self._c[0] != F.one:
            raise SeriesError("f**alpha for a non-integer alpha needs f(0) = 1")
        if self._is_qq():
            return Series._from_poly(_qq.exp(_qq.log(self._poly(), n) * flint.fmpq(alpha), n), n)
        f = self._c
        a1 = alpha + 1
        g = [F.one]
        for k in range(1, n):
            s = F.zero
            for i in range(1, k + 1):
                if not F.is_zero(f[i]):
                    s = s + f[i] * g[k - i] * (a1 * i - k)
            g.append(s / k)
        return Series(g, F, n)

    def change_field(self, field: Field) -> Series:
        """The same series over a larger field (QQ into QQ(parameters))."""
        if field == self.field:
            return self
        if self.field is QQ:
            return Series([field(a) for a in self._c], field, self.prec)
        return Series([field.from_expr(self.field.to_expr(a)) for a in self._c], field, self.prec)
