"""Exact coefficient fields for power series: QQ and QQ(parameters).

tpsym computes in two fields:

* :data:`QQ`, the rationals, with elements ``flint.fmpq``;
* :class:`RationalFunctionField`, the rational functions in named parameters
  over QQ, with elements :class:`RationalFunction`: a numerator and a
  denominator in python-flint's multivariate polynomials (``fmpq_mpoly``),
  kept coprime with a monic denominator, so that equality of elements is
  equality of canonical forms.

Both are fields, so "invertible" means "non-zero" everywhere in
:mod:`tpsym.series`. A parametric computation whose result has denominator 1
(the usual case: moments are polynomials in the parameters) never computes a
gcd.

Conversion from sympy expressions accepts exactly the expressions that are
rational functions of the field's generators with rational coefficients;
anything else (a float, a symbol outside the field) is refused with
:class:`~tpsym.errors.DomainError`.

Examples
--------
>>> import sympy
>>> lam = sympy.Symbol("lam")
>>> K = RationalFunctionField(["lam"])
>>> x = K.from_expr(1 / (1 + lam))
>>> K.to_expr(x * (1 + K.gen("lam")))
1
>>> K.to_expr(x + x)
2/(lam + 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from functools import lru_cache
from typing import Any

import flint
import sympy

from tpsym.errors import DomainError, InversionError

__all__ = [
    "QQ",
    "RationalField",
    "RationalFunction",
    "RationalFunctionField",
    "field_for",
]


def _to_fmpq(value: Any) -> flint.fmpq:
    """Convert an exact scalar (int, fmpq, sympy Rational) to ``flint.fmpq``."""
    if isinstance(value, flint.fmpq):
        return value
    if isinstance(value, bool):
        raise DomainError(f"{value!r} is not a number")
    if isinstance(value, int):
        return flint.fmpq(value)
    if isinstance(value, flint.fmpz):
        return flint.fmpq(value)
    if isinstance(value, sympy.Rational):
        return flint.fmpq(int(value.p), int(value.q))
    if isinstance(value, Fraction):
        return flint.fmpq(value.numerator, value.denominator)
    if isinstance(value, sympy.Basic) and value.is_Rational:
        return flint.fmpq(int(value.p), int(value.q))
    raise DomainError(f"{value!r} is not an exact rational number")


class RationalField:
    """The field QQ with ``flint.fmpq`` elements.

    >>> QQ.to_expr(QQ.from_expr(sympy.Rational(3, 4)) * 2)
    3/2
    """

    __slots__ = ()
    names: tuple[str, ...] = ()
    symbols: tuple[sympy.Symbol, ...] = ()
    zero = flint.fmpq(0)
    one = flint.fmpq(1)

    def __repr__(self) -> str:
        return "QQ"

    def __reduce__(self) -> str:
        return "QQ"

    def __call__(self, value: Any) -> flint.fmpq:
        return _to_fmpq(value)

    def from_int(self, n: int) -> flint.fmpq:
        return flint.fmpq(n)

    def from_expr(self, expr: Any) -> flint.fmpq:
        """Convert a rational sympy number (or int) to an element."""
        expr = sympy.sympify(expr) if isinstance(expr, int) else expr
        if isinstance(expr, sympy.Basic) and expr.free_symbols:
            names = ", ".join(sorted(str(s) for s in expr.free_symbols))
            raise DomainError(f"{expr} depends on {names}, which is not a parameter here")
        return _to_fmpq(expr)

    def to_expr(self, x: flint.fmpq) -> sympy.Expr:
        return sympy.Rational(int(x.p), int(x.q))

    def is_zero(self, x: flint.fmpq) -> bool:
        return x == 0

    def inv(self, x: flint.fmpq) -> flint.fmpq:
        if x == 0:
            raise InversionError("0 has no inverse")
        return 1 / x

    def is_constant(self, x: flint.fmpq) -> bool:
        return True

    def constant_value(self, x: flint.fmpq) -> flint.fmpq:
        return x


QQ = RationalField()


class RationalFunction:
    """An element ``num/den`` of QQ(parameters), canonical: coprime, monic ``den``.

    Instances are immutable; arithmetic returns new canonical elements.
    """

    __slots__ = ("field", "num", "den")

    def __init__(self, field: RationalFunctionField, num: Any, den: Any = None, *, reduced: bool = False):
        self.field = field
        if den is None or reduced:
            self.num = num
            self.den = field.poly_one if den is None else den
            return
        if den.is_zero():
            raise InversionError("division by zero in a rational function")
        if den.is_one():
            self.num, self.den = num, den
            return
        g = num.gcd(den)
        if not g.is_one():
            num, den = num / g, den / g
        lc = den.leading_coefficient()
        if lc != 1:
            inv = 1 / lc
            num, den = num * inv, den * inv
        self.num, self.den = num, den

    # -- arithmetic -------------------------------------------------------
    def _coerce(self, other: Any) -> RationalFunction | None:
        if isinstance(other, RationalFunction):
            return other
        if isinstance(other, (int, flint.fmpq, flint.fmpz)):
            return RationalFunction(self.field, self.field.ctx.constant(other), reduced=True)
        return None

    def __add__(self, other: Any) -> RationalFunction:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        if self.den.is_one() and o.den.is_one():
            return RationalFunction(self.field, self.num + o.num, reduced=True)
        if self.den == o.den:
            return RationalFunction(self.field, self.num + o.num, self.den)
        return RationalFunction(self.field, self.num * o.den + o.num * self.den, self.den * o.den)

    __radd__ = __add__

    def __neg__(self) -> RationalFunction:
        return RationalFunction(self.field, -self.num, self.den, reduced=True)

    def __sub__(self, other: Any) -> RationalFunction:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return self + (-o)

    def __rsub__(self, other: Any) -> RationalFunction:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return o + (-self)

    def __mul__(self, other: Any) -> RationalFunction:
        if isinstance(other, (int, flint.fmpq, flint.fmpz)):
            if other == 0:
                return self.field.zero
            return RationalFunction(self.field, self.num * other, self.den, reduced=True)
        if not isinstance(other, RationalFunction):
            return NotImplemented
        if self.den.is_one() and other.den.is_one():
            return RationalFunction(self.field, self.num * other.num, reduced=True)
        return RationalFunction(self.field, self.num * other.num, self.den * other.den)

    __rmul__ = __mul__

    def inverse(self) -> RationalFunction:
        if self.num.is_zero():
            raise InversionError("0 has no inverse")
        return RationalFunction(self.field, self.den, self.num)

    def __truediv__(self, other: Any) -> RationalFunction:
        if isinstance(other, (int, flint.fmpq, flint.fmpz)):
            if other == 0:
                raise InversionError("division by zero")
            return RationalFunction(self.field, self.num * (1 / flint.fmpq(other)), self.den, reduced=True)
        if not isinstance(other, RationalFunction):
            return NotImplemented
        return self * other.inverse()

    def __rtruediv__(self, other: Any) -> RationalFunction:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return o * self.inverse()

    def __pow__(self, k: int) -> RationalFunction:
        if not isinstance(k, int):
            return NotImplemented
        if k < 0:
            return self.inverse() ** (-k)
        return RationalFunction(self.field, self.num**k, self.den**k, reduced=True)

    def __eq__(self, other: object) -> bool:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return self.num == o.num and self.den == o.den

    def __hash__(self) -> int:
        return hash((str(self.num), str(self.den)))

    def __bool__(self) -> bool:
        return not self.num.is_zero()

    def __repr__(self) -> str:
        if self.den.is_one():
            return f"({self.num})"
        return f"({self.num})/({self.den})"


class RationalFunctionField:
    """QQ(g_1, ..., g_r): rational functions in named generators.

    Parameters
    ----------
    names : sequence of str
        The generator names, in the order that fixes the monomial order.

    Examples
    --------
    >>> K = RationalFunctionField(["a", "b"])
    >>> a, b = K.gens()
    >>> K.to_expr((a + b) ** 2 / b)
    (a**2 + 2*a*b + b**2)/b
    """

    __slots__ = ("names", "symbols", "ctx", "poly_one", "zero", "one", "_gens")

    def __init__(self, names: Sequence[str]):
        names = tuple(names)
        if not names:
            raise DomainError("a rational function field needs at least one generator; use QQ")
        if len(set(names)) != len(names):
            raise DomainError(f"repeated generator names in {names}")
        self.names = names
        self.symbols = tuple(sympy.Symbol(n) for n in names)
        # flint's generator names must be ASCII; the field's own names (any
        # sympy symbol name, e.g. Greek) live in ``names`` and ``symbols``.
        flint_names = names if all(n.isascii() for n in names) else tuple(f"x{i}" for i in range(len(names)))
        self.ctx = flint.fmpq_mpoly_ctx.get(flint_names, "lex")
        self.poly_one = self.ctx.constant(1)
        self.zero = RationalFunction(self, self.ctx.constant(0), reduced=True)
        self.one = RationalFunction(self, self.poly_one, reduced=True)
        self._gens = tuple(RationalFunction(self, g, reduced=True) for g in self.ctx.gens())

    def __repr__(self) -> str:
        return f"QQ({', '.join(self.names)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (RationalFunctionField, (self.names,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RationalFunctionField) and other.names == self.names

    def __hash__(self) -> int:
        return hash(("RationalFunctionField", self.names))

    def gens(self) -> tuple[RationalFunction, ...]:
        return self._gens

    def gen(self, name: str) -> RationalFunction:
        try:
            return self._gens[self.names.index(name)]
        except ValueError:
            raise DomainError(f"{name!r} is not a generator of {self!r}") from None

    def __call__(self, value: Any) -> RationalFunction:
        if isinstance(value, RationalFunction):
            if value.field is self or value.field == self:
                return value
            raise DomainError(f"element of {value.field!r} used in {self!r}")
        return RationalFunction(self, self.ctx.constant(_to_fmpq(value)), reduced=True)

    def from_int(self, n: int) -> RationalFunction:
        return RationalFunction(self, self.ctx.constant(n), reduced=True)

    def _poly_from_expr(self, expr: sympy.Expr, whole: sympy.Expr) -> Any:
        try:
            poly = sympy.Poly(expr, *self.symbols, domain=sympy.QQ)
        except (sympy.PolynomialError, sympy.polys.polyerrors.CoercionFailed, sympy.GeneratorsNeeded) as exc:
            raise DomainError(
                f"{whole} is not a rational function of {', '.join(self.names)} with rational coefficients"
            ) from exc
        terms = {monom: _to_fmpq(coeff) for monom, coeff in poly.terms()}
        return self.ctx.from_dict(terms) if terms else self.ctx.constant(0)

    def from_expr(self, expr: Any) -> RationalFunction:
        """Convert a sympy expression that is a rational function of the generators."""
        if isinstance(expr, int):
            return self.from_int(expr)
        expr = sympy.sympify(expr) if not isinstance(expr, sympy.Basic) else expr
        # a symbol with assumptions is the generator of the same name
        renamed = {s: sympy.Symbol(s.name) for s in expr.free_symbols if s.name in self.names and s not in self.symbols}
        if renamed:
            expr = expr.xreplace(renamed)
        extra = expr.free_symbols - set(self.symbols)
        if extra:
            names = ", ".join(sorted(str(s) for s in extra))
            raise DomainError(f"{expr} depends on {names}, which is not a parameter here")
        if expr.is_Rational:
            return self(expr)
        num, den = sympy.fraction(sympy.together(expr))
        return RationalFunction(self, self._poly_from_expr(num, expr), self._poly_from_expr(den, expr))

    def _poly_to_expr(self, p: Any) -> sympy.Expr:
        terms = []
        for monom, coeff in p.to_dict().items():
            factors = [sympy.Rational(int(coeff.p), int(coeff.q))]
            factors += [s**e for s, e in zip(self.symbols, monom) if e]
            terms.append(sympy.Mul(*factors))
        return sympy.Add(*terms)

    def to_expr(self, x: RationalFunction) -> sympy.Expr:
        """The element as a sympy expression: expanded numerator over factored denominator."""
        num = self._poly_to_expr(x.num)
        if x.den.is_one():
            return num
        return num / sympy.factor(self._poly_to_expr(x.den))

    def is_zero(self, x: RationalFunction) -> bool:
        return x.num.is_zero()

    def inv(self, x: RationalFunction) -> RationalFunction:
        return x.inverse()

    def is_constant(self, x: RationalFunction) -> bool:
        return x.num.is_constant() and x.den.is_constant()

    def constant_value(self, x: RationalFunction) -> flint.fmpq:
        """The rational value of a constant element."""
        if not self.is_constant(x):
            raise DomainError(f"{self.to_expr(x)} is not a constant")
        c = x.num.leading_coefficient() if not x.num.is_zero() else flint.fmpq(0)
        return c / x.den.leading_coefficient()


@lru_cache(maxsize=256)
def _field_for_names(names: tuple[str, ...]) -> RationalField | RationalFunctionField:
    return RationalFunctionField(names) if names else QQ


def field_for(symbols: Iterable[sympy.Symbol | str]) -> RationalField | RationalFunctionField:
    """The smallest field of tpsym containing the given generators (QQ if none).

    Generators are ordered by name, so equal sets give the same field.

    >>> field_for([])
    QQ
    >>> field_for([sympy.Symbol("c"), sympy.Symbol("a")])
    QQ(a, c)
    """
    names = tuple(sorted({s if isinstance(s, str) else s.name for s in symbols}))
    return _field_for_names(names)
