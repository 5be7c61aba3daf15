"""The record of an all-order proof (:class:`AllOrderProof`) and its re-check.

An :class:`AllOrderProof` holds what was shown, in words, and the canonical
JSON (:attr:`AllOrderProof.data`) from which :meth:`AllOrderProof.recheck`
rebuilds every step without parsing code. The part every method shares (the
parameters, the initial values, the equation) is re-checked here; the module
that proves a method registers the re-check of the rest
(:func:`register_recheck`: :mod:`tpsym.proof.hypergeometric`,
:mod:`tpsym.proof.radical`), so this module imports neither.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from sympy import Expr, Poly, Symbol, cancel, fraction
from sympy.polys.domains import QQ

from tpsym.errors import CertificateError, InputError, TpsymError
from tpsym.proof._encoding import decode_poly, decode_symbols, decode_value, encode_poly
from tpsym.proof.holonomic import LinearODE, Recurrence, _base_field

__all__ = ["AllOrderProof", "METHOD_TERM", "METHOD_SUBSTITUTION", "Method", "register_recheck"]

Method = Literal["hypergeometric term satisfies P-recurrence", "substitution into algebraic equation"]
METHOD_TERM: Method = "hypergeometric term satisfies P-recurrence"
METHOD_SUBSTITUTION: Method = "substitution into algebraic equation"

def _equation_string(ode: LinearODE | None, even: bool) -> str:
    if ode is None or ode.equation is None:
        return ""
    return f"{ode.equation.as_expr()} = 0"


def _encode_equation(ode: LinearODE) -> dict[str, Any]:
    eq = ode.equation
    if eq is None:
        raise CertificateError("the proof has no algebraic equation to record")
    return {"vars": [str(g) for g in eq.gens[:2]], "terms": encode_poly(eq)}


def _encode_recurrence(rec: Recurrence) -> dict[str, Any]:
    return {"n": str(rec.n), "valid_from": rec.valid_from,
            "coeffs": [encode_poly(p) for p in rec.coeffs]}


def _encode_ratfunc(expr: Expr, gens: tuple[Symbol, ...]) -> dict[str, Any]:
    num, den = fraction(cancel(expr))
    return {"num": encode_poly(Poly(num, *gens, domain=QQ)),
            "den": encode_poly(Poly(den, *gens, domain=QQ))}


def _decode_ratfunc(data: Any, gens: tuple[Symbol, ...]) -> Expr:
    if not (isinstance(data, dict) and set(data) == {"num", "den"}):
        raise CertificateError(f"rational function data {data!r} is not {{'num', 'den'}}")
    den = decode_poly(data["den"], gens)
    if den.is_zero:
        raise CertificateError("a rational function has a zero denominator")
    return decode_poly(data["num"], gens).as_expr() / den.as_expr()


@dataclass(frozen=True, slots=True)
class AllOrderProof:
    """A proof that a claim holds for every index, with what is needed to re-check it.

    Attributes
    ----------
    method : {"hypergeometric term satisfies P-recurrence", "substitution into algebraic equation"}
        How the claim was proved.
    claim : str
        The claimed term ``t(n)`` or generating function ``F(z)`` (display only).
    statement : str
        Exactly what was shown, in words.
    equation : str
        The algebraic equation ``P(z, y) = 0`` (empty if the recurrence was given directly).
    parameters : tuple of str
        The parameters; identities hold over ``QQ(parameters)``.
    ode : tuple of str
        Coefficients ``c_0(z), …, c_d(z)`` of the linear ODE.
    recurrence : tuple of str
        Coefficients ``p_0(n), …, p_r(n)`` of the recurrence (empty for substitution).
    order : int
        The order of the recurrence (of the ODE for substitution).
    valid_from : int
        The claim holds for every index ``≥ valid_from``.
    initial_values : tuple of str
        The initial values ``a_0, …`` that were checked exactly.
    checked_directly : tuple of int
        Indices where the recurrence was checked by exact evaluation.
    even : bool
        True if the claim is about ``a_{2k}`` of an equation even in ``z``
        (then also ``a_{2k+1} = 0``).
    data : str
        Canonical JSON with every polynomial as exact rational coefficients;
        :meth:`recheck` rebuilds everything from it without parsing code.

    Examples
    --------
    >>> from sympy import symbols, binomial
    >>> from tpsym.proof import prove_term, recurrence_from_algebraic
    >>> z, y, n = symbols("z y n")
    >>> rec = recurrence_from_algebraic(z*y**2 - y + 1, z, y, n)
    >>> proof = prove_term(rec, binomial(2*n, n)/(n + 1), n, initial_terms=[1, 1])
    >>> proof.recurrence, proof.order
    (('-4*n - 2', 'n + 2'), 1)
    >>> AllOrderProof.from_dict(proof.to_dict()) == proof
    True
    """

    method: Method
    claim: str
    statement: str
    equation: str
    parameters: tuple[str, ...]
    ode: tuple[str, ...]
    recurrence: tuple[str, ...]
    order: int
    valid_from: int
    initial_values: tuple[str, ...]
    checked_directly: tuple[int, ...]
    even: bool
    data: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field (tuples become lists).

        Examples
        --------
        >>> from sympy import symbols, sqrt
        >>> from tpsym.proof import prove_generating_function
        >>> z, y = symbols("z y")
        >>> p = prove_generating_function(y**2*(1 - 4*z) - 1, z, y, 1/sqrt(1 - 4*z), [1, 2])
        >>> sorted(p.to_dict())[:3]
        ['checked_directly', 'claim', 'data']
        """
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, tuple):
                out[key] = list(value)
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> AllOrderProof:
        """Rebuild from :meth:`to_dict` output, checking the field names and types.

        Raises
        ------
        CertificateError
            If a field is missing, unknown or of the wrong type.

        Examples
        --------
        >>> AllOrderProof.from_dict({"method": "x"})
        Traceback (most recent call last):
        ...
        tpsym.errors.CertificateError: proof data lacks fields ['checked_directly', ...]
        """
        names = list(cls.__dataclass_fields__)
        missing = sorted(set(names) - set(d))
        unknown = sorted(set(d) - set(names))
        if missing:
            raise CertificateError(f"proof data lacks fields {missing}")
        if unknown:
            raise CertificateError(f"proof data has unknown fields {unknown}")
        kinds = {"order": int, "valid_from": int, "even": bool}
        values: dict[str, Any] = {}
        for name in names:
            v = d[name]
            if name in ("parameters", "ode", "recurrence", "initial_values"):
                if not isinstance(v, (list, tuple)) or not all(isinstance(s, str) for s in v):
                    raise CertificateError(f"field {name!r} must be a list of strings")
                v = tuple(v)
            elif name == "checked_directly":
                if not isinstance(v, (list, tuple)) or not all(type(i) is int for i in v):
                    raise CertificateError(f"field {name!r} must be a list of integers")
                v = tuple(v)
            elif name in kinds:
                if type(v) is not kinds[name]:
                    raise CertificateError(f"field {name!r} must be {kinds[name].__name__}")
            elif not isinstance(v, str):
                raise CertificateError(f"field {name!r} must be a string")
            values[name] = v
        if values["method"] not in (METHOD_TERM, METHOD_SUBSTITUTION):
            raise CertificateError(f"unknown method {values['method']!r}")
        return cls(**values)

    def recheck(self) -> bool:
        """Re-derive every step from :attr:`data` and check it against the stored fields.

        Rebuilds ``P`` (and ``Q`` with ``P(z, y) = Q(z², y)`` for an even
        claim), derives the ODE and the recurrence again and compares them
        with the stored strings, checks the initial values against the series
        root of ``P``, and repeats the proof: the claimed values against the
        initial values, the exact checks at :attr:`checked_directly`, and the
        rational-function identity (or, for substitution, ``U = V = 0`` and
        the expansion of ``F``). The claimed term is rebuilt from its stored
        factors (rational part, gamma factors, powers); its values at small
        indices are stored and re-checked against the factors where those
        are defined.

        Returns
        -------
        bool
            True when everything holds.

        Raises
        ------
        CertificateError
            Naming the first step that does not hold.

        Examples
        --------
        >>> import dataclasses
        >>> from sympy import symbols, binomial
        >>> from tpsym.proof import prove_term, recurrence_from_algebraic
        >>> z, y, n = symbols("z y n")
        >>> rec = recurrence_from_algebraic(z*y**2 - y + 1, z, y, n)
        >>> proof = prove_term(rec, binomial(2*n, n)/(n + 1), n, initial_terms=[1, 1])
        >>> proof.recheck()
        True
        >>> bad = dataclasses.replace(proof, data=proof.data.replace('"-4"', '"-5"'))
        >>> bad.recheck()
        Traceback (most recent call last):
        ...
        tpsym.errors.CertificateError: ...
        """
        try:
            return _recheck(self)
        except CertificateError:
            raise
        except TpsymError as exc:
            raise CertificateError(f"the proof does not hold: {exc}") from exc
        except (ValueError, TypeError, KeyError, IndexError, ArithmeticError) as exc:
            raise CertificateError(f"malformed proof data: {exc!r}") from exc


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise CertificateError(message)


@dataclass(frozen=True, slots=True)
class ProofData:
    """The part of :attr:`AllOrderProof.data` that every method shares, decoded and checked
    against the stored fields; a method's re-check (:func:`register_recheck`) does the rest."""

    data: dict[str, Any]
    params: tuple[Symbol, ...]
    K0: Any
    initial: list
    even: bool
    start: int
    #: The equation ``P`` as a Poly in ``(z, y, *params)`` (None if the recurrence was given directly).
    poly: Poly | None
    z: Symbol | None
    y: Symbol | None


#: Method name -> the function that re-checks a proof of that method (it raises
#: :class:`~tpsym.errors.CertificateError` naming the first step that fails).
_RECHECKS: dict[str, Callable[[AllOrderProof, ProofData], None]] = {}


def register_recheck(method: Method, recheck: Callable[[AllOrderProof, ProofData], None]) -> None:
    """Register the re-check of the proofs of ``method`` (done by the module that proves them).

    >>> register_recheck("no such method", lambda proof, data: None)
    Traceback (most recent call last):
    ...
    tpsym.errors.InputError: unknown method 'no such method'
    """
    if method not in (METHOD_TERM, METHOD_SUBSTITUTION):
        raise InputError(f"unknown method {method!r}")
    _RECHECKS[method] = recheck


def _recheck(proof: AllOrderProof) -> bool:
    data = json.loads(proof.data)
    _require(isinstance(data, dict) and data.get("format") == 1, "unknown proof data format")
    _require(data.get("method") == proof.method, "the method differs from the data")
    params = decode_symbols(data["params"])
    _require(tuple(map(str, params)) == proof.parameters, "the parameters differ from the data")
    K0 = _base_field(params)
    initial = [K0.from_sympy(decode_value(v, params)) for v in data["initial"]]
    _require(tuple(str(K0.to_sympy(v)) for v in initial) == proof.initial_values,
             "the initial values differ from the data")
    even = data["even"]
    _require(even is proof.even, "the parity flag differs from the data")
    start = data["start"]
    _require(type(start) is int and start == proof.valid_from, "the range differs from the data")
    eq_data = data["equation"]
    poly = z = y = None
    if eq_data is not None:
        z, y = decode_symbols(eq_data["vars"])
        _require(not ({z, y} & set(params)), "variables and parameters overlap")
        poly = decode_poly(eq_data["terms"], (z, y, *params))
        _require(f"{poly.as_expr()} = 0" == proof.equation, "the equation differs from the data")
    else:
        _require(proof.equation == "", "the equation differs from the data")
    recheck = _RECHECKS.get(proof.method)
    if recheck is None:
        raise CertificateError(f"no re-check is registered for the method {proof.method!r}")
    recheck(proof, ProofData(data, params, K0, initial, even, start, poly, z, y))
    return True

