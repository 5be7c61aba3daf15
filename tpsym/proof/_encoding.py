"""Safe, exact, JSON-friendly encodings of polynomials and rational functions.

A polynomial over QQ in named variables is stored as a list of terms
``[[e_1, ..., e_k], "p/q"]`` (exponent vector, rational coefficient as a plain
integer ratio). Decoding rebuilds it with :class:`sympy.Rational` from
``int(...)`` of the two integer strings and :meth:`sympy.Poly.from_dict`: no
string ever reaches ``sympify``, ``parse_expr`` or ``eval``. Variable names are
checked to be Python identifiers and become plain :class:`sympy.Symbol`.

>>> from sympy import Poly, symbols
>>> z, c = symbols("z c")
>>> data = encode_poly(Poly(c*z**2/3 - 1, z, c))
>>> data
[[[0, 0], '-1'], [[2, 1], '1/3']]
>>> decode_poly(data, (z, c)) == Poly(c*z**2/3 - 1, z, c)
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sympy import Expr, Poly, Rational, Symbol, fraction, together
from sympy.polys.domains import QQ
from sympy.polys.polyerrors import BasePolynomialError

from tpsym.errors import CertificateError

#: What sympy raises when an expression is not in the domain asked for (not a polynomial,
#: not a rational function of the generators, not a rational number): the exceptions
#: that mean "this route does not apply". Anything else is a bug and propagates.
NOT_IN_DOMAIN: tuple[type[Exception], ...] = (BasePolynomialError, ValueError)

__all__ = [
    "encode_rational",
    "decode_rational",
    "encode_poly",
    "decode_poly",
    "decode_symbols",
    "encode_value",
    "decode_value",
]

_RATIONAL = re.compile(r"-?[0-9]+(/[0-9]+)?")
_MAX_DIGITS = 100_000


def encode_rational(value: Any) -> str:
    """Return the exact string ``"p/q"`` (or ``"p"``) of a rational number.

    Examples
    --------
    >>> from sympy import Rational
    >>> encode_rational(Rational(-3, 4)), encode_rational(7)
    ('-3/4', '7')
    """
    r = value if isinstance(value, Expr) else QQ.to_sympy(QQ.convert(value))
    if not r.is_Rational:
        raise CertificateError(f"value {value!r} is not a rational number")
    return str(r.p) if r.q == 1 else f"{r.p}/{r.q}"


def decode_rational(text: Any) -> Rational:
    """Rebuild a rational number from its ``"p/q"`` string, without parsing code.

    Examples
    --------
    >>> decode_rational("-3/4")
    -3/4
    >>> decode_rational("2**10")
    Traceback (most recent call last):
    ...
    tpsym.errors.CertificateError: '2**10' is not a rational number 'p/q'
    """
    if not isinstance(text, str) or len(text) > _MAX_DIGITS or not _RATIONAL.fullmatch(text):
        raise CertificateError(f"{text!r} is not a rational number 'p/q'")
    num, _, den = text.partition("/")
    q = int(den) if den else 1
    if q == 0:
        raise CertificateError(f"{text!r} has a zero denominator")
    return Rational(int(num), q)


def encode_poly(poly: Poly) -> list[list[Any]]:
    """Encode a :class:`sympy.Poly` over QQ as a sorted list of ``[exponents, "p/q"]``.

    Examples
    --------
    >>> from sympy import Poly, symbols
    >>> n = symbols("n")
    >>> encode_poly(Poly(2*n**2 + n/2, n))
    [[[1], '1/2'], [[2], '2']]
    """
    terms: list[list[Any]] = []
    for exps, coeff in poly.as_dict().items():
        if coeff != 0:
            terms.append([list(exps), encode_rational(coeff)])
    terms.sort(key=lambda t: t[0])
    return terms


def decode_symbols(names: Any) -> tuple[Symbol, ...]:
    """Rebuild plain symbols from a list of identifier strings.

    Examples
    --------
    >>> decode_symbols(["z", "c"])
    (z, c)
    """
    if not isinstance(names, list) or not all(isinstance(s, str) and s.isidentifier() for s in names):
        raise CertificateError(f"{names!r} is not a list of variable names")
    if len(set(names)) != len(names):
        raise CertificateError(f"variable names {names!r} repeat")
    return tuple(Symbol(s) for s in names)


def decode_poly(terms: Any, gens: Sequence[Symbol]) -> Poly:
    """Rebuild a :class:`sympy.Poly` over QQ in ``gens`` from :func:`encode_poly` data.

    Examples
    --------
    >>> from sympy import symbols
    >>> n = symbols("n")
    >>> decode_poly([[[1], '1/2'], [[2], '2']], (n,)).as_expr()
    2*n**2 + n/2
    """
    if not isinstance(terms, list):
        raise CertificateError(f"polynomial data {terms!r} is not a list of terms")
    table: dict[tuple[int, ...], Rational] = {}
    for term in terms:
        if not (isinstance(term, list) and len(term) == 2 and isinstance(term[0], list)):
            raise CertificateError(f"polynomial term {term!r} is not [exponents, coefficient]")
        exps = term[0]
        if len(exps) != len(gens) or not all(type(e) is int and 0 <= e < 10_000 for e in exps):
            raise CertificateError(f"exponents {exps!r} do not fit the variables {list(map(str, gens))}")
        key = tuple(exps)
        if key in table:
            raise CertificateError(f"exponents {exps!r} repeat")
        table[key] = decode_rational(term[1])
    if not gens:
        raise CertificateError("a polynomial needs at least one variable")
    return Poly.from_dict(table, *gens, domain=QQ) if table else Poly(0, *gens, domain=QQ)


def encode_value(value: Expr, params: Sequence[Symbol]) -> Any:
    """Encode an element of QQ(params): ``"p/q"`` without parameters, else numerator and denominator.

    Examples
    --------
    >>> from sympy import symbols
    >>> c = symbols("c")
    >>> encode_value(c/(c + 1), (c,))
    {'num': [[[1], '1']], 'den': [[[0], '1'], [[1], '1']]}
    >>> decode_value(encode_value(c/(c + 1), (c,)), (c,))
    c/(c + 1)
    """
    if not params:
        return encode_rational(value)
    num, den = fraction(together(value))
    try:
        pn, pd = Poly(num, *params, domain=QQ), Poly(den, *params, domain=QQ)
    except NOT_IN_DOMAIN as exc:
        raise CertificateError(f"value {value} is not a rational function of {list(params)}") from exc
    return {"num": encode_poly(pn), "den": encode_poly(pd)}


def decode_value(data: Any, params: Sequence[Symbol]) -> Expr:
    """Rebuild an element of QQ(params) encoded by :func:`encode_value`.

    Examples
    --------
    >>> decode_value("5/7", ())
    5/7
    """
    if not params:
        return decode_rational(data)
    if not (isinstance(data, dict) and set(data) == {"num", "den"}):
        raise CertificateError(f"value data {data!r} is not {{'num': ..., 'den': ...}}")
    den = decode_poly(data["den"], params)
    if den.is_zero:
        raise CertificateError(f"value data {data!r} has a zero denominator")
    return decode_poly(data["num"], params).as_expr() / den.as_expr()
