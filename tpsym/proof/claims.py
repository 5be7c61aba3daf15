"""Claims: what a proof file or ``tpsym check`` asks tpsym to establish.

A claim is one statement with its provenance:

* ``identity``: ``"lhs == rhs"`` for every value of its loop variables, e.g.
  ``moment(semicircle(), 2*k) == catalan(k)`` for ``k = 1..12`` or for all
  ``k >= 1``; both sides are formulas of the spec language with the claim
  functions of :mod:`tpsym.proof.functions` (``moment``, ``cumulant``,
  counting functions, mean-field quantities);
* ``same_law``: two or more law specs have the same moments;
* ``generating_function``: the moment generating function ``Σ_{k≥0} m_k z^k`` of a law is a given ``F(z)``;
* ``numeric``: the moments of a law are confirmed by the numeric layer (a
  claim that only numbers can support, such as universality).

Loops are written ``"k = 1..12"``, ``"k >= 1"`` (every k from 1 on: an
all-order claim) or ``"k = 1..n"`` (an inner range bounded by an outer
variable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

import sympy

from tpsym.certified import CertifiedConstant, NumericConstant
from tpsym.errors import InputError, ProofFileError
from tpsym.language import FORMULA_CONSTANTS

__all__ = ["Loop", "Claim", "NumericSettings", "parse_loop", "ASSUMPTION_WORDS", "StatementKind", "plain"]

StatementKind = Literal["identity", "same_law", "generating_function", "numeric"]

#: Assumption words a proof file may attach to a parameter.
#: Names of constants that are not in the formula language but that sympy gives a meaning
#: (the imaginary unit, infinities): no assumption may be declared on them either.
RESERVED_CONSTANTS = frozenset({"I", "oo", "zoo", "nan", "pi", "E"})

ASSUMPTION_WORDS = {
    "positive": {"positive": True},
    "nonnegative": {"nonnegative": True},
    "negative": {"negative": True},
    "integer": {"integer": True},
    "real": {"real": True},
    "nonzero": {"nonzero": True},
}

_LOOP_RANGE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.+?)\s*\.\.\s*(.+?)\s*$")
_LOOP_ALL = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*>=\s*(-?\d+)\s*$")


@dataclass(frozen=True, slots=True)
class Loop:
    """One loop variable: ``var`` runs from ``start`` to ``stop`` (inclusive).

    ``stop is None`` means every integer from ``start`` on (an all-order
    claim). ``start`` and ``stop`` are formula strings that may name outer
    loop variables.
    """

    var: str
    start: str
    stop: str | None

    @property
    def unbounded(self) -> bool:
        return self.stop is None

    def __str__(self) -> str:
        return f"{self.var} >= {self.start}" if self.stop is None else f"{self.var} = {self.start}..{self.stop}"


def parse_loop(text: str) -> Loop:
    """Read ``"k = 1..12"`` or ``"k >= 1"``.

    >>> parse_loop("k = 1..12")
    Loop(var='k', start='1', stop='12')
    >>> parse_loop("k >= 0").unbounded
    True
    >>> parse_loop("k in 1..3")
    Traceback (most recent call last):
    ...
    tpsym.errors.ProofFileError: a loop reads 'k = 1..12' or 'k >= 1', not 'k in 1..3'
    """
    if not isinstance(text, str):
        raise ProofFileError(f"a loop is a string such as 'k = 1..12', not {text!r}")
    m = _LOOP_ALL.match(text)
    if m:
        return Loop(m.group(1), m.group(2), None)
    m = _LOOP_RANGE.match(text)
    if m:
        stop = m.group(3)
        if stop in ("all", "oo", "inf"):
            return Loop(m.group(1), m.group(2), None)
        return Loop(m.group(1), m.group(2), stop)
    raise ProofFileError(f"a loop reads 'k = 1..12' or 'k >= 1', not {text!r}")


@dataclass(frozen=True, slots=True)
class NumericSettings:
    """Settings of the numeric cross-check of a claim."""

    law: str | None = None
    #: a call ``nngp(...)`` or ``ntk(...)``: finite-width networks are sampled against the derived kernel
    kernel: str | None = None
    order: int = 4
    sizes: tuple[int, ...] = (128, 256)
    trials: int = 4
    seed: int = 0
    entries: str = "gaussian"
    alpha: float = 0.001
    tolerance: float = 0.02
    #: sample the ``mixed_moment(...)`` words of the statement's left side on real matrices
    mixed: bool = False


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim with its provenance.

    Parameters
    ----------
    id, title, source : str
        Identifier, one-line title, and the source (arXiv id with equation or
        section, or a book).
    kind : {"identity", "same_law", "generating_function", "numeric"}
    statement : str
        ``"lhs == rhs"`` for an identity; the claimed ``F(z)`` of a
        ``generating_function`` claim.
    laws : tuple of str
        The specs of a ``same_law`` claim; the one law of a
        ``generating_function`` claim (``Σ_k m_k z^k = F(z)``).
    loops : tuple of Loop
        Loop variables of an identity, outermost first.
    order : int
        Highest order of a ``same_law`` claim, and how far an all-order claim
        is also checked term by term.
    assumptions : mapping
        Parameter name to the assumption words that hold for it.
    numeric : NumericSettings or None
    file, line : where the claim was written (for error messages).
    """

    id: str
    title: str
    source: str
    kind: StatementKind
    statement: str = ""
    laws: tuple[str, ...] = ()
    loops: tuple[Loop, ...] = ()
    order: int = 10
    assumptions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    numeric: NumericSettings | None = None
    file: str | None = None
    line: int | None = None
    extra: tuple[tuple[str, Any], ...] = field(default=(), compare=False)

    def where(self) -> str:
        """``file:line`` of the claim, or its id."""
        if self.file is None:
            return self.id
        return f"{self.file}:{self.line}" if self.line else self.file

    def symbols(self) -> dict[str, sympy.Symbol]:
        """The parameter symbols with their declared assumptions."""
        out = {}
        for name, words in self.assumptions:
            if name in FORMULA_CONSTANTS or name in RESERVED_CONSTANTS:
                raise InputError(f"{name!r} is a built-in constant, not a parameter: it cannot carry assumptions")
            kw: dict[str, bool] = {}
            for w in words:
                kw.update(ASSUMPTION_WORDS[w])
            out[name] = sympy.Symbol(name, **kw)
        return out

    @property
    def all_orders(self) -> bool:
        """Whether the claim is stated for every value of an unbounded loop."""
        return any(loop.unbounded for loop in self.loops)


def plain(e: Any) -> Any:
    """The expression with every symbol replaced by the plain symbol of the same name.

    Assumptions declared by a claim are kept apart from its computations, so
    that ``L`` (positive integer) and ``L`` are one generator.

    >>> plain(sympy.Symbol("L", positive=True) - sympy.Symbol("L"))
    0
    """
    if not isinstance(e, sympy.Basic):
        return e
    repl = {
        s: sympy.Symbol(s.name)
        for s in e.free_symbols
        if isinstance(s, sympy.Symbol) and s.assumptions0 and not isinstance(s, (CertifiedConstant, NumericConstant))  # constants stay
    }
    return e.xreplace(repl) if repl else e
