"""From sympy expressions to field elements and back.

:class:`Encoder` picks the field in which a computation runs: QQ when every
input is a rational number, otherwise QQ(g_1, ..., g_r) whose generators are
the symbols of the inputs plus one fresh generator for every other atom that
is not a rational function of them (``sqrt(2)``, ``erf(1/sqrt(2))``, ``pi``,
``mu_1**L``). Decoding puts those atoms back, so results come out in the
user's terms.

Treating an atom as an independent generator is sound: decoding is a ring
homomorphism, so every identity computed in the field holds for the atom's
value. It is not complete: a relation such as ``sqrt(2)**2 = 2`` is only
applied when sympy evaluates the decoded expression.

Examples
--------
>>> import sympy
>>> enc = Encoder.for_exprs([sympy.sqrt(2), sympy.Symbol("c")])
>>> enc.field
QQ(_a0, c)
>>> x = enc.encode(sympy.sqrt(2) * sympy.Symbol("c"))
>>> enc.decode(x * x)
2*c**2
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sympy

from tpsym.errors import DomainError
from tpsym.series.ring import QQ, field_for

__all__ = ["Encoder", "atoms_of", "replace_atoms"]

_PREFIX = "_a"


def _is_polynomial_node(e: sympy.Basic) -> bool:
    return e.is_Add or e.is_Mul or (e.is_Pow and e.exp.is_Integer)


def atoms_of(expr: Any) -> tuple[set[sympy.Symbol], set[sympy.Expr]]:
    """The symbols and the other (non-rational) atoms of an expression.

    >>> atoms_of(sympy.Symbol("a") + sympy.sqrt(3))
    ({a}, {sqrt(3)})
    """
    if isinstance(expr, (int, float)) and not isinstance(expr, bool):
        expr = sympy.sympify(expr)
    if not isinstance(expr, sympy.Basic):
        raise DomainError(f"{expr!r} is not a number or a sympy expression")
    symbols: set[sympy.Symbol] = set()
    others: set[sympy.Expr] = set()
    stack = [expr]
    while stack:  # invariant: every node on the stack is still to be classified
        e = stack.pop()
        if e.is_Symbol:
            symbols.add(e)
        elif e.is_Rational:
            continue
        elif e.is_Float:
            raise DomainError(f"the float {e} is not exact: write it as a fraction")
        elif e.is_Number and not e.is_real:
            raise DomainError(f"{e} is not a real number")
        elif _is_polynomial_node(e):
            stack.extend(e.args)
        else:
            split = _power_split(e)
            if split is not None:
                stack.append(split[0])
                if split[2]:
                    stack.append(e.base)
            else:
                others.add(e)
    return symbols, others


def _power_split(e: sympy.Basic) -> tuple[sympy.Expr, int, int] | None:
    """For ``b**(c*x + d)`` with integers ``c``, ``d`` and a symbolic ``x``: ``(b**x, c, d)``.

    So ``mu**(2*L)``, ``mu**(2*L - 2)`` and ``mu**L`` share the generator
    ``mu**L`` (``g**2``, ``g**2 * mu**-2`` and ``g``). None for anything else
    and for ``b**x`` itself.

    >>> mu, L = sympy.symbols("mu L")
    >>> _power_split(mu**(2*L - 2))
    (mu**L, 2, -2)
    >>> _power_split(mu**L) is None, _power_split(mu**(L/2)) is None
    (True, True)
    >>> _power_split(sympy.Pow(0, 1 - L, evaluate=False)) is None  # not a generic base
    True
    """
    if not e.is_Pow or e.exp.is_number:
        return None
    if e.base.is_number and (e.base.is_zero or e.base.equals(0)):
        return None  # 0**(x + d) = 0**x * 0**d fails where an exponent is 0 or negative
    d, rest = e.exp.as_coeff_Add()
    c, x = rest.as_coeff_Mul()
    if not (d.is_Integer and c.is_Integer) or x.is_number or (c == 1 and d == 0):
        return None
    return sympy.Pow(e.base, x), int(c), int(d)


def replace_atoms(e: sympy.Basic, table: dict[sympy.Expr, sympy.Symbol]) -> sympy.Basic:
    """Replace every atom by its generator (``b**(c*x + d)`` by ``g**c * b**d`` where ``g`` stands for ``b**x``).

    >>> g = sympy.Symbol("g")
    >>> replace_atoms(1 + 3*sympy.sqrt(2), {sympy.sqrt(2): g})
    3*g + 1
    """
    if e in table:
        return table[e]
    if e.is_Atom:
        return e
    split = _power_split(e)
    if split is not None and split[0] in table:
        atom, c, d = split
        return table[atom] ** c * replace_atoms(e.base, table) ** d
    if _is_polynomial_node(e):
        return e.func(*(replace_atoms(a, table) for a in e.args))
    return e


class Encoder:
    """A field and the maps between it and sympy expressions.

    Parameters
    ----------
    symbols : iterable of sympy.Symbol
        Symbols that become generators under their own names.
    atoms : iterable of sympy.Expr
        Other atoms; each becomes a fresh generator ``_a0, _a1, ...``.
    substitutions : mapping
        Extra internal generators (Symbols) and the expressions they stand for.
    """

    __slots__ = ("field", "_atom_to_symbol", "_decode_map")

    def __init__(
        self,
        symbols: Iterable[sympy.Symbol] = (),
        atoms: Iterable[sympy.Expr] = (),
        substitutions: Mapping[sympy.Symbol, sympy.Expr] | None = None,
    ):
        # generators are named, so a symbol's assumptions are dropped inside the field and
        # put back on decoding; two symbols of one name and different assumptions would be
        # silently identified, so they are refused
        originals: dict[str, sympy.Symbol] = {}
        for s in symbols:
            seen = originals.setdefault(s.name, s)
            if seen != s:
                raise DomainError(
                    f"two different symbols are named {s.name!r} ({' and '.join(sorted((_assumed(seen), _assumed(s))))}): "
                    "use one symbol, or give them different names"
                )
        symbols = {sympy.Symbol(name) for name in originals}
        for s in symbols:
            if s.name.startswith(_PREFIX) and s.name[len(_PREFIX):].isdigit():
                raise DomainError(f"the symbol name {s.name!r} is reserved")
        ordered_atoms = sorted(set(atoms), key=sympy.default_sort_key)
        self._atom_to_symbol = {a: sympy.Symbol(f"{_PREFIX}{i}") for i, a in enumerate(ordered_atoms)}
        decode: dict[sympy.Symbol, sympy.Expr] = {s: a for a, s in self._atom_to_symbol.items()}
        decode.update({sympy.Symbol(name): s for name, s in originals.items() if s != sympy.Symbol(name)})
        for s, value in (substitutions or {}).items():
            decode[s] = value
            symbols.add(s)
        self._decode_map = decode
        self.field = field_for(symbols | set(self._atom_to_symbol.values()))

    @classmethod
    def for_exprs(
        cls, exprs: Iterable[Any], *, substitutions: Mapping[sympy.Symbol, sympy.Expr] | None = None
    ) -> Encoder:
        """The encoder whose field holds every expression of ``exprs``."""
        symbols: set[sympy.Symbol] = set()
        others: set[sympy.Expr] = set()
        for e in exprs:
            s, o = atoms_of(e)
            symbols |= s
            others |= o
        symbols -= set(substitutions or {})
        return cls(symbols, others, substitutions)

    def encode(self, expr: Any) -> Any:
        """The field element of an expression."""
        if isinstance(expr, bool):
            raise DomainError(f"{expr!r} is not a number")
        if isinstance(expr, int):
            return self.field.from_int(expr)
        expr = sympy.sympify(expr) if isinstance(expr, float) else expr
        if self._atom_to_symbol:
            expr = replace_atoms(expr, self._atom_to_symbol)
        if self.field is QQ:
            return QQ.from_expr(expr)
        return self.field.from_expr(expr)

    def decode(self, x: Any) -> sympy.Expr:
        """The sympy expression of a field element, with the atoms put back.

        A power of an internal generator common to every term of the
        numerator is pulled out in front, so that ``u^2 (a + b)`` reads as
        ``mu_1**(2*L)*(a + b)`` rather than as a sum of such products, and
        joined with the other powers of its base (``mu_1**(2*L - 2)``).
        """
        raw = self.field.to_expr(x)
        if not self._decode_map:
            return raw
        atom_names = self._atom_names()
        pulled = _pull_out(raw, [s for s, v in self._decode_map.items() if s.name not in atom_names and not v.is_Symbol])
        e = pulled.xreplace(self._decode_map)
        if pulled is not raw:
            # mu_1**(2*L) * (...) / mu_1**2 -> mu_1**(2*L - 2) * (...): x**a * x**b = x**(a + b)
            # holds for every base (principal branch), so this only reads better
            e = sympy.powsimp(e, combine="exp")
        return e

    @property
    def has_atoms(self) -> bool:
        """Whether some generator stands for an atom other than a symbol."""
        return bool(self._atom_to_symbol)

    def _atom_names(self) -> set[str]:
        return {s.name for s in self._atom_to_symbol.values()}

    def atom_generators(self) -> dict[sympy.Expr, sympy.Symbol]:
        """The atoms that are not symbols (``sqrt(2)``, ``pi``) and the generators that stand for them.

        >>> Encoder(atoms=[sympy.sqrt(2)]).atom_generators()
        {sqrt(2): _a0}
        """
        return dict(self._atom_to_symbol)

    def decode_map(self) -> dict[sympy.Symbol, sympy.Expr]:
        """Internal generators and what they stand for."""
        return dict(self._decode_map)


def _assumed(s: sympy.Symbol) -> str:
    """A symbol's assumptions, for a message."""
    given = getattr(s, "_assumptions_orig", None) or s.assumptions0  # the ones given, not all they imply
    facts = sorted(k for k, v in given.items() if v and k != "commutative")
    return ", ".join(facts) if facts else "no assumptions"


def _pull_out(e: sympy.Expr, gens: list[sympy.Symbol]) -> sympy.Expr:
    """Write ``num/den`` as ``g^d * (num/g^d)/den`` when every term of ``num`` has ``g^d``."""
    if not gens:
        return e
    num, den = sympy.fraction(e)
    terms = sympy.Add.make_args(sympy.expand(num))
    front = sympy.Integer(1)
    for g in gens:
        degrees = {sympy.degree(t, g) for t in terms}
        if len(degrees) == 1:
            d = degrees.pop()
            if d:
                front *= g**d
                terms = tuple(t / g**d for t in terms)
    if front == 1:
        return e
    return front * (sympy.Add(*terms) / den)
