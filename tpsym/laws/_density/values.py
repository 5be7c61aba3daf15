"""The user's values of a law's symbols, and exact parameters as floats (shared by the density routes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from tpsym.errors import DomainError, InputError
from tpsym.laws.base import Law

def _substitute(law: Any, exact: Mapping[sympy.Symbol, sympy.Expr]) -> Any:
    """The law with the exact values put in for its symbols: rebuilds the tree of frozen dataclasses.

    Every dataclass field is visited (a law, the network of a Jacobian law, its
    layers), so that no part of the value keeps the symbol.
    """
    if not exact or not is_dataclass(law) or isinstance(law, type):
        return law
    changes: dict[str, Any] = {}
    for f in fields(law):
        if not f.init:
            continue
        v = getattr(law, f.name)
        if isinstance(v, sympy.Basic):
            new = v.xreplace(exact)
        elif is_dataclass(v) and not isinstance(v, type):
            new = _substitute(v, exact)
        elif isinstance(v, tuple) and any(is_dataclass(u) or isinstance(u, sympy.Basic) for u in v):
            new = tuple(u.xreplace(exact) if isinstance(u, sympy.Basic) else _substitute(u, exact) for u in v)
        else:
            continue
        if new is not v and new != v:
            changes[f.name] = new
    return replace(law, **changes) if changes else law

class _Values:
    """The user's numeric values: exact ones are substituted, others stay numeric."""

    def __init__(self, values: Mapping[Any, Any] | None):
        self.exact: dict[sympy.Symbol, sympy.Expr] = {}
        self.numeric: dict[str, Any] = {}
        self.sequences: dict[str, list[Any]] = {}
        for key, val in (values or {}).items():
            name = key.name if isinstance(key, sympy.Symbol) else key
            if not isinstance(name, str):
                raise InputError(f"a key of values must be a symbol or its name, not {key!r}")
            if isinstance(val, (list, tuple, np.ndarray)):
                self.sequences[name] = list(val)
                continue
            if isinstance(val, bool):
                raise InputError(f"values[{name!r}]={val!r} is not a number")
            if isinstance(val, int):
                self.exact[sympy.Symbol(name)] = sympy.Integer(val)
            elif isinstance(val, Fraction):
                self.exact[sympy.Symbol(name)] = sympy.Rational(val.numerator, val.denominator)
            elif isinstance(val, sympy.Rational):
                self.exact[sympy.Symbol(name)] = val
            else:
                try:
                    self.numeric[name] = float(val)
                except (TypeError, ValueError):
                    raise InputError(f"values[{name!r}]={val!r} is not a number") from None

    def all_numbers(self) -> dict[sympy.Symbol, Any]:
        out: dict[sympy.Symbol, Any] = dict(self.exact)
        for k, v in self.numeric.items():
            out[sympy.Symbol(k)] = sympy.Float(v, 30)
        for k, seq in self.sequences.items():
            for i, v in enumerate(seq, 1):
                out[sympy.Symbol(f"{k}_{i}")] = sympy.Float(float(v), 30) if not isinstance(v, (int, sympy.Rational)) else sympy.S(v)
        return out


# =============================================================================
# Exact parameters
# =============================================================================
def _number(e: Any, node: Law, name: str, values: _Values | None = None) -> float:
    e = sympy.S(e)
    if values is not None and e.free_symbols:
        e = e.xreplace(values.all_numbers())
    if e.free_symbols:
        names = ", ".join(sorted(s.name for s in e.free_symbols))
        raise DomainError(f"{name}={e} of {node} is symbolic ({names}); give it a number (in the spec, or values= in Python)")
    try:
        return float(e)
    except TypeError:
        raise DomainError(f"{name}={e} of {node} is not a real number") from None


class _Unsupported(DomainError):
    """No route covers a node; the message names it."""
