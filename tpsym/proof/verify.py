"""The verifier: a verdict, and the steps behind it, for every claim.

Verdicts, strongest first (:data:`VERDICTS`):

* ``proved`` — for every index of an unbounded loop, by an exact argument
  that the certificate spells out (:mod:`tpsym.proof.allorders`);
* ``verified`` — for every index of the claim's (finite) loops, or for the
  first ``order`` indices of an unbounded one, by exact equality of canonical
  forms, with both the series and the lattice route;
* ``certified`` — both sides hold numbers that are not exact (q* of tanh
  with a bias, μ_k of tanh: :class:`tpsym.certified.CertifiedConstant`),
  and for every index checked the difference of the sides is enclosed in a
  ball of radius < 10^-D around 0 (D = ``digits``, default 30);
* ``refuted`` — the first index where the claim fails, the claimed and the
  derived value, and their difference (derived - claimed);
* ``confirmed`` / ``contradicted`` — the numeric layer's verdict, for claims
  that only numbers can support; ``confirmed`` only when every moment would
  have shown an error of the claim's tolerance (default 2 %) with 80 % power;
* ``inconclusive`` — a numeric check that found no difference but could have
  missed one of the tolerance: the detectable error and the trials that would
  settle it (not a failure: exit status 0);
* ``error`` — the claim is malformed, with file, line and the problem;
* ``skipped`` — a numeric-only claim when numeric checks are off.

Exact comparison: both sides are mapped into one field QQ(generators) of
:mod:`tpsym.series` and compared there (a canonical form: reduced fraction of
polynomials with a monic denominator); no ``simplify``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import sympy

from tpsym.certified import ZERO_TEST_HOW, is_computed, zero_test
from tpsym.errors import CertificateError, DomainError, InputError, NumericError, TpsymError
from tpsym.proof.allorders import prove_all_orders, prove_law_generating_function, prove_same_law, recheck_proof
from tpsym.proof.claims import Claim, Loop, plain
from tpsym.proof.failures import ClaimRefuted, ProofFailure
from tpsym.proof.fileformat import ClaimError, load_claims
from tpsym.proof.functions import LATTICE_ROUTE_MAX_ORDER, TWO_ROUTE_FUNCTIONS, Route, claim_functions
from tpsym.proof.limits import (
    MAX_LOOP_STEPS,
    MAX_PARAMETRIC_WORK,
    check_expansion,
    check_numeric_work,
    check_parametric_order,
    evaluate_sums,
)
from tpsym.proof.radical import generating_function_coefficients
from tpsym.series.encode import Encoder
from tpsym.utils import expr_str

__all__ = [
    "VERDICTS",
    "Status",
    "Verdict",
    "verify_claim",
    "verify_files",
    "error_verdict",
    "exact_equal",
    "plain",
    "iterate_loops",
    "evaluate_sides",
    "MAX_CHECKS",
    "DEFAULT_DIGITS",
    "zero_test",
    "check_defined",
]

Status = Literal["proved", "verified", "certified", "refuted", "confirmed", "inconclusive", "contradicted", "error", "skipped"]
VERDICTS: tuple[Status, ...] = ("proved", "verified", "certified", "refuted", "confirmed", "inconclusive", "contradicted", "error", "skipped")
#: Default decimal digits of a ``certified`` verdict (``--digits``).
DEFAULT_DIGITS = 30
FAILING: frozenset[str] = frozenset({"refuted", "contradicted", "error"})
#: Most assignments of the loop variables that one claim may ask for.
MAX_CHECKS = 10_000


@dataclass
class Verdict:
    """The verdict on one claim and everything needed to re-check it."""

    claim: Claim
    status: Status
    summary: str
    steps: list[dict[str, Any]] = field(default_factory=list)
    failure: dict[str, Any] | None = None
    proof: dict[str, Any] | None = None
    numeric: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    #: The decimal digits of a ``certified`` verdict (None for the others).
    digits: int | None = None

    @property
    def ok(self) -> bool:
        return self.status not in FAILING

    def _repr_html_(self) -> str:  # Jupyter
        from tpsym.render.report import verdicts_html

        return verdicts_html([self])


def exact_equal(
    a: Any, b: Any, *, integers: frozenset[str] = frozenset(), assumed: Mapping[str, sympy.Symbol] | None = None
) -> tuple[bool, str]:
    """Decide ``a == b`` exactly; return the answer and the comparison used.

    Parameters
    ----------
    a, b : sympy expressions
    integers : frozenset of str
        Names declared integer (used only to choose the evaluation point of
        the numerical fallback below).
    assumed : mapping of names to sympy symbols, optional
        The parameters with their declared assumptions (positive, negative,
        ...): where atoms keep the canonical forms apart, sympy simplifies
        the difference under these assumptions, and the numerical fallback
        evaluates at a point that satisfies their signs.

    When the canonical forms differ and the expressions contain atoms other
    than symbols (``erf(1)``, ``sqrt(2)``, an unexpanded binomial), whose
    relations the canonical form cannot see, the difference is evaluated to
    60 digits at a point: a non-zero value refutes the equality.

    Raises
    ------
    DomainError
        When the canonical forms differ but the difference evaluates to 0:
        undecided.

    Examples
    --------
    >>> c = sympy.Symbol("c")
    >>> exact_equal((c**2 - 1) / (c - 1), c + 1)
    (True, 'canonical form in QQ(c)')
    >>> exact_equal(sympy.Rational(1, 3), sympy.Rational(2, 6))
    (True, 'rational equality')
    """
    # strict: numbers are converted, a string is refused (never parsed)
    a = plain(a if isinstance(a, sympy.Basic) else sympy.sympify(a, strict=True))
    b = plain(b if isinstance(b, sympy.Basic) else sympy.sympify(b, strict=True))
    if a.is_Rational and b.is_Rational:
        return a == b, "rational equality"
    # binomials, factorials and rising factorials with an integer second argument become polynomials
    a, b = sympy.expand_func(a), sympy.expand_func(b)
    enc = Encoder.for_exprs([a, b])
    equal = enc.encode(a) == enc.encode(b)
    where = f"canonical form in {enc.field!r}"
    if equal or not enc.has_atoms:
        return equal, where
    # the same function at differently written arguments (erf(1/sqrt(2*A + 2)) and
    # erf(sqrt(2)/(2*sqrt(A + 1)))) are distinct atoms: write every argument canonically, compare again
    ca, cb = canonical_arguments(a), canonical_arguments(b)
    if (ca, cb) != (a, b):
        enc2 = Encoder.for_exprs([ca, cb])
        if enc2.encode(ca) == enc2.encode(cb):
            return True, f"canonical form in {enc2.field!r} (function arguments written canonically)"
    # Atoms (functions, radicals) are generators without their relations: a difference
    # in the canonical form may vanish. Under the parameters' assumptions sympy
    # may settle it (sqrt(c**2) is -c for a negative c) ...
    diff = a - b
    with_assumptions = {s: assumed[s.name] for s in diff.free_symbols if assumed and s.name in assumed}
    if any(sym.assumptions0 for sym in with_assumptions.values()):
        if sympy.expand(diff.xreplace(with_assumptions)) == 0:
            names = ", ".join(sorted(str(s) for s in with_assumptions))
            return True, f"{where}; equal under the assumptions on {names}"
    # ... otherwise decide the difference at a rational point that satisfies the sign assumptions.
    signs = {s.name: -1 if (s.is_negative or s.is_nonpositive) else 1 for s in with_assumptions.values()}
    variables = sorted(diff.free_symbols, key=str)
    points = [
        {
            s: signs.get(s.name, 1) * (sympy.Integer(start + i) if s.name in integers else sympy.Rational(7 + 3 * i + start, 11 + 2 * i))
            for i, s in enumerate(variables)
        }
        for start in ((5, 1) if variables else (5,))
    ]
    for subs in points:
        try:
            zero = zero_test(diff.xreplace(subs))
        except DomainError:
            continue  # the difference is undefined at this point: try the next one
        if zero is False:
            return False, f"{where}; differs at {subs or 'the constants'} ({ZERO_TEST_HOW})"
        if zero is True and not subs:
            return True, f"{where}; the difference is exactly 0 (minimal polynomial)"
    raise DomainError(f"cannot decide whether {a} equals {b}: their atoms may be related")


def canonical_arguments(e: sympy.Basic) -> sympy.Basic:
    """``e`` with the argument of every function application written canonically.

    Each argument goes through identities only: numeric content pulled out of
    the bases of fractional powers (``factor_terms``), positive factors split
    off (``expand_power_base``, which splits only factors known to be
    positive), ``together`` and ``radsimp`` (rationalised denominators), so
    that equal arguments written differently become one expression.

    The base of a power with a symbolic exponent is such an argument too.

    >>> A, L = sympy.symbols("A L")
    >>> canonical_arguments((1 + A / L) ** L) == canonical_arguments(((L + A) / L) ** L)
    True
    >>> canonical_arguments(sympy.erf(1 / sympy.sqrt(2 * A + 2))) == canonical_arguments(sympy.erf(sympy.sqrt(2) / (2 * sympy.sqrt(A + 1))))
    True
    """

    def canon(arg: sympy.Basic) -> sympy.Basic:
        arg = canonical_arguments(arg)
        arg = sympy.together(arg)
        arg = arg.replace(
            lambda x: x.is_Pow and not x.exp.is_Integer, lambda x: sympy.Pow(sympy.factor_terms(x.base), x.exp)
        )
        arg = sympy.expand_power_base(arg)
        return sympy.radsimp(sympy.together(arg))

    if not isinstance(e, sympy.Basic) or e.is_Atom:
        return e
    if isinstance(e, sympy.Function):
        return e.func(*(canon(x) for x in e.args))
    if e.is_Pow and not e.exp.is_Rational:  # a symbolic or transcendental exponent: the base is an argument too
        return sympy.Pow(canon(e.base), canonical_arguments(e.exp))
    return e.func(*(canonical_arguments(x) for x in e.args))




def check_defined(e: Any, what: str = "the value") -> None:
    """Raise :class:`~tpsym.errors.DomainError` when ``e`` is undefined.

    Undefined: ``nan``, ``zoo``, an infinity, or a denominator with a constant
    factor that is 0 (``0/0`` written with logarithms) or that cannot be told
    apart from 0.

    >>> check_defined(sympy.log(4) / (sympy.log(4) - 2*sympy.log(2)))
    Traceback (most recent call last):
    ...
    tpsym.errors.DomainError: the value log(4)/(-2*log(2) + log(4)) is undefined: its denominator -2*log(2) + log(4) cannot be told apart from 0
    """
    if not isinstance(e, sympy.Basic):
        return
    if e.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        raise DomainError(f"{what} {_fmt(e)} is undefined")
    if e.is_Rational or e.is_Symbol:
        return
    den = sympy.denom(sympy.together(e))
    for factor in sympy.Mul.make_args(den):
        base = factor.base if factor.is_Pow and factor.exp.is_positive else factor
        if base.free_symbols or base.is_Rational or base.is_Symbol:
            continue
        zero = zero_test(base)
        if zero is True:
            raise DomainError(f"{what} {_fmt(e)} is undefined: its denominator {_fmt(base)} is 0")
        if zero is None:
            raise DomainError(f"{what} {_fmt(e)} is undefined: its denominator {_fmt(base)} cannot be told apart from 0")


def iterate_loops(loops: tuple[Loop, ...], symbols: dict[str, Any], *, unbounded_terms: int) -> Iterator[dict[str, sympy.Integer]]:
    """Every assignment of the loop variables, outer loops first.

    An unbounded loop yields ``unbounded_terms`` values from its start. A
    claim that asks for more than :data:`MAX_CHECKS` assignments, or whose
    loop variables take more than
    :data:`~tpsym.proof.limits.MAX_LOOP_STEPS` values counted at every level
    (an empty inner loop counts: its bounds are evaluated), raises
    :class:`~tpsym.errors.InputError` (before the first one is checked when a
    single loop is too long).

    >>> from tpsym.proof.claims import parse_loop
    >>> [dict((k, int(v)) for k, v in a.items()) for a in iterate_loops((parse_loop("n = 1..2"), parse_loop("k = 1..n")), {}, unbounded_terms=3)]
    [{'n': 1, 'k': 1}, {'n': 2, 'k': 1}, {'n': 2, 'k': 2}]
    """
    from tpsym.spec import parse_formula

    def bound(text: str, env: dict[str, Any], what: str) -> int:
        v = parse_formula(text, locals={**symbols, **env})
        if not v.is_Integer:
            raise InputError(f"the loop {what} {text!r} is not an integer")
        return int(v)

    count = steps = 0

    def step() -> None:
        nonlocal steps
        steps += 1
        if steps > MAX_LOOP_STEPS:
            raise InputError(f"the loops {', '.join(map(str, loops))} take more than {MAX_LOOP_STEPS=} values")

    def rec(i: int, env: dict[str, sympy.Integer]) -> Iterator[dict[str, sympy.Integer]]:
        nonlocal count
        if i == len(loops):
            count += 1
            if count > MAX_CHECKS:
                raise InputError(f"the loops {', '.join(map(str, loops))} ask for more than {MAX_CHECKS} checks")
            yield dict(env)
            return
        loop = loops[i]
        step()  # entering a loop evaluates its bounds, whether or not it is empty
        lo = bound(loop.start, env, "start")
        hi = lo + unbounded_terms - 1 if loop.stop is None else bound(loop.stop, env, "end")
        if hi - lo + 1 > MAX_CHECKS:
            raise InputError(f"the loop {loop} runs over {hi - lo + 1} values, more than {MAX_CHECKS}")
        for v in range(lo, hi + 1):
            step()
            env[loop.var] = sympy.Integer(v)
            yield from rec(i + 1, env)
        env.pop(loop.var, None)

    yield from rec(0, {})


def evaluate_sides(statement: str, env: dict[str, Any], route: Route) -> tuple[sympy.Expr, sympy.Expr]:
    """Both sides of ``statement`` with the loop variables bound, by one route.

    >>> evaluate_sides("moment(mp(ratio=1), k) == catalan(k)", {"k": sympy.Integer(4)}, "lattice")
    (14, 14)
    """
    from tpsym.spec import parse_claim


    c = parse_claim(statement, functions=claim_functions(route), locals=env)
    lhs, rhs = (evaluate_sums(e) for e in (c.lhs, c.rhs))
    lhs, rhs = (e.doit() if isinstance(e, sympy.Basic) and e.has(sympy.Product) else e for e in (lhs, rhs))
    check_expansion(lhs, rhs)
    return plain(lhs), plain(rhs)


def _fmt(e: Any) -> str:
    return expr_str(e)


def _certified_compare(lhs: Any, rhs: Any, digits: int) -> tuple[str | None, Any]:
    """(decision, ball of lhs - rhs): ``'certified'``, ``'refuted'`` or None (too wide)."""
    from tpsym.certified import decide, to_ball

    free = [s for s in (sympy.S(lhs) - sympy.S(rhs)).free_symbols if not is_computed(s)]
    if free:
        raise InputError(
            f"a side holds certified numbers and the parameters {sorted(map(str, free))}: "
            "certified comparison needs numbers (give the parameters values in a loop)"
        )
    ball = to_ball(sympy.S(lhs) - sympy.S(rhs), digits + 5)
    return decide(ball, digits), ball


def _verify_identity(claim: Claim, verdict: Verdict, digits: int = DEFAULT_DIGITS) -> None:
    from tpsym.certified import has_certified

    symbols = claim.symbols()
    integers = frozenset(name for name, words in claim.assumptions if "integer" in words)
    if not claim.statement:
        raise InputError("the claim has no statement")
    terms = claim.order
    checked = 0
    certified_any = False
    lattice_missing: str | None = None
    last_env: dict[str, Any] = {}
    for env in iterate_loops(claim.loops, symbols, unbounded_terms=terms):
        full_env = {**symbols, **env}
        lhs, rhs = evaluate_sides(claim.statement, full_env, "series")
        ball = None
        if has_certified(lhs) or has_certified(rhs):
            decision, ball = _certified_compare(lhs, rhs, digits)
            if decision is None:
                raise NumericError(
                    f"cannot decide to {digits} digits at {dict((k, int(v)) for k, v in env.items())}: "
                    f"lhs - rhs is enclosed in {ball.format(10)}"
                )
            equal, how = decision == "certified", f"certified ball arithmetic to {digits} digits"
            certified_any = True
        else:
            check_defined(lhs, "the left side")
            check_defined(rhs, "the right side")
            equal, how = exact_equal(lhs, rhs, integers=integers, assumed=symbols)
        step: dict[str, Any] = {
            "step": "evaluate",
            "at": {k: int(v) for k, v in env.items()},
            "lhs": _fmt(lhs),
            "rhs": _fmt(rhs),
            "comparison": how,
        }
        if ball is not None:
            step["enclosure"] = ball.to_json()
        try:
            lhs_l, rhs_l = evaluate_sides(claim.statement, full_env, "lattice")
        except (DomainError, InputError) as exc:
            lattice_missing = lattice_missing or str(exc)
            step["lattice"] = f"unavailable: {exc}"
        else:
            if ball is not None:
                agree = all(_certified_compare(a, b, digits)[0] == "certified" for a, b in ((lhs_l, lhs), (rhs_l, rhs)))
            else:
                agree = exact_equal(lhs_l, lhs)[0] and exact_equal(rhs_l, rhs)[0]
            step["lattice"] = "agrees" if agree else f"DISAGREES: lhs {_fmt(lhs_l)}, rhs {_fmt(rhs_l)}"
            if not agree:
                verdict.steps.append(step)
                raise TpsymError(
                    f"the series and lattice routes disagree at {step['at']}: {_fmt(lhs)} vs {_fmt(lhs_l)}"
                )
        verdict.steps.append(step)
        if not equal and ball is not None:
            verdict.status = "refuted"
            verdict.failure = {"at": step["at"], "claimed": _fmt(rhs), "derived": _fmt(lhs), "difference": ball.format(10)}
            at = ", ".join(f"{k}={v}" for k, v in step["at"].items())
            verdict.summary = (
                f"refuted{' at ' + at if at else ''}: derived - claimed is enclosed in {ball.format(10)}, "
                f"which excludes 0 (certified ball arithmetic)"
            )
            return
        if not equal:
            diff = sympy.factor(sympy.together(lhs - rhs))
            verdict.status = "refuted"
            verdict.failure = {"at": step["at"], "claimed": _fmt(rhs), "derived": _fmt(lhs), "difference": _fmt(diff)}
            at = ", ".join(f"{k}={v}" for k, v in step["at"].items())
            verdict.summary = f"refuted{' at ' + at if at else ''}: derived {_fmt(lhs)}, claimed {_fmt(rhs)} (difference {_fmt(diff)})"
            return
        checked += 1
        last_env = env
    if checked == 0:
        raise InputError(f"the loops {', '.join(map(str, claim.loops))} are empty: nothing to check")
    if not TWO_ROUTE_FUNCTIONS.intersection(re.findall(r"([A-Za-z_]\w*)\s*\(", claim.statement)):
        routes = "one route"
    elif lattice_missing is None:
        routes = "series and lattice routes"
    else:
        routes = "series route (lattice route unavailable)"
        verdict.notes.append(f"lattice route unavailable: {lattice_missing}")
    if certified_any:
        checks = f"{checked} certified check{'s' if checked != 1 else ''}"
        verdict.status = "certified"
        verdict.digits = digits
        head = f"certified to {digits} digits"
    else:
        checks = f"{checked} exact check{'s' if checked != 1 else ''}"
        verdict.status = "verified"
        head = "verified"
    if claim.loops:
        where = ", ".join(f"{k} <= {int(v)}" for k, v in last_env.items())
        verdict.summary = f"{head} for {where} ({checks}, {routes})"
    else:
        verdict.summary = f"{head} ({checks}, {routes})"
    if certified_any and claim.all_orders:
        verdict.notes.append("no all-order proof: the claim holds numbers that are not exact")
    elif claim.all_orders:
        try:
            proof = _rechecked(prove_all_orders(claim))
        except ClaimRefuted as exc:
            # the all-order argument found an index beyond the checked range where the claim fails
            var = claim.loops[0].var
            if exc.index is not None and exc.claimed is not None and exc.expected is not None:
                _refute(verdict, int(exc.index), exc.expected, exc.claimed,
                        f"refuted at {var}={int(exc.index)}: {exc} (difference {{diff}})")
                assert verdict.failure is not None  # set by _refute
                verdict.failure["at"] = {var: int(exc.index)}
            else:
                verdict.status = "refuted"
                verdict.failure = {"at": {}, "claimed": "", "derived": "", "difference": _fmt(exc.residual)}
                verdict.summary = f"refuted: {exc}"
            return
        except TpsymError as exc:
            verdict.notes.append(f"no all-order proof: {exc}")
            verdict.summary += "; not proved for all orders: " + str(exc).split("\n")[0]
        else:
            verdict.status = "proved"
            verdict.proof = proof
            verdict.summary = f"proved for all {claim.loops[0].var} >= {claim.loops[0].start} ({proof['method']}); " + verdict.summary


def _rechecked(proof: dict[str, Any]) -> dict[str, Any]:
    """The all-order proof, after the check ``tpsym recheck`` runs on it.

    A proof that does not pass its own re-check is no proof: raises
    :class:`~tpsym.errors.TpsymError`, and the verdict stays below "proved".
    """
    try:
        recheck_proof(proof)
    except CertificateError as exc:
        raise TpsymError(f"the all-order proof does not pass its re-check ({exc})") from exc
    return proof


def _lattice_witness(law: Any, series: Sequence[Any]) -> str | None:
    """Check the series-route moments ``m_1..m_K`` of ``law`` against the lattice route.

    Returns None when they agree, or why the lattice route is unavailable;
    raises when the routes disagree (a bug, reported as an error verdict).
    """
    from tpsym.laws.lattice import lattice_moments

    if len(series) > LATTICE_ROUTE_MAX_ORDER:
        # the number of block types grows like the partitions of n: witness the first orders only
        series = series[:LATTICE_ROUTE_MAX_ORDER]
    try:
        lattice = lattice_moments(law, len(series))
    except DomainError as exc:
        return str(exc)
    for k, (a, b) in enumerate(zip(series, lattice), 1):
        if not exact_equal(a, b)[0]:
            raise TpsymError(f"the series and lattice routes disagree on m_{k} of {law}: {a} vs {b}")
    return None


def _routes(verdict: Verdict, lattice_note: str | None) -> str:
    """The routes a law claim was checked by, noting why the lattice route was missing."""
    if lattice_note is None:
        return "series and lattice routes"
    verdict.notes.append(f"lattice route unavailable: {lattice_note}")
    return "series route (lattice route unavailable)"


def _refute(verdict: Verdict, k: int, derived: Any, claimed: Any, summary: str) -> None:
    """Record a refutation at index ``k``; the difference is derived − claimed, as for identities."""
    diff = sympy.factor(sympy.together(derived - claimed))
    verdict.status = "refuted"
    verdict.failure = {"at": {"k": k}, "claimed": _fmt(claimed), "derived": _fmt(derived), "difference": _fmt(diff)}
    verdict.summary = summary.replace("{diff}", _fmt(diff))


def _verify_same_law(claim: Claim, verdict: Verdict) -> None:
    from tpsym.spec import parse_spec

    if len(claim.laws) < 2:
        raise InputError("same_law needs at least two law specs")
    symbols = claim.symbols()
    laws = [parse_spec(s, locals=symbols) for s in claim.laws]
    order = claim.order
    for law in laws:
        check_parametric_order(law, order)
    series = [law.moments(order) for law in laws]
    notes = [_lattice_witness(law, ms) for law, ms in zip(laws, series)]
    lattice_note = next((n for n in notes if n is not None), None)
    ref = series[0]
    for law, ms in zip(laws[1:], series[1:]):
        for k, (a, b) in enumerate(zip(ref, ms), 1):
            equal, how = exact_equal(a, b)
            verdict.steps.append({"step": "compare moments", "k": k, "laws": [str(laws[0]), str(law)], "values": [_fmt(a), _fmt(b)], "comparison": how})
            if not equal:
                _refute(verdict, k, a, b, f"refuted at k={k}: m_{k} of {laws[0]} is {_fmt(a)}, of {law} it is {_fmt(b)}")
                return
    verdict.status = "verified"
    verdict.summary = f"verified for k <= {order} ({_routes(verdict, lattice_note)})"

    try:
        proof = _rechecked(prove_same_law(laws))
    except TpsymError as exc:
        verdict.notes.append(f"no all-order proof: {exc}")
    else:
        verdict.status = "proved"
        verdict.proof = proof
        verdict.summary = f"proved for all k ({proof['method']}); " + verdict.summary


#: How far a generating function that is not a root of the equation is expanded
#: to find the first coefficient where it differs from the moments.
MAX_GF_SEARCH = 200


def _verify_generating_function(claim: Claim, verdict: Verdict) -> None:
    from tpsym.laws.algebraic import Z
    from tpsym.spec import parse_formula, parse_spec

    symbols = claim.symbols()
    if Z.name in symbols:
        raise InputError(f"{Z.name} is the variable of the generating function; give the parameter another name")
    law = parse_spec(claim.laws[0], locals=symbols)
    F = plain(parse_formula(claim.statement, locals={**symbols, Z.name: Z}))
    order = claim.order
    check_parametric_order(law, order)
    check_expansion(F, what="the generating function")
    derived = [sympy.Integer(1), *law.moments(order)]
    lattice_note = _lattice_witness(law, derived[1:])
    try:
        coeffs = generating_function_coefficients(F, Z, order + 1)
    except ClaimRefuted as exc:
        if exc.index is None or exc.claimed is None:  # pragma: no cover - generating_function_coefficients sets both
            raise
        verdict.status = "refuted"
        verdict.failure = {"at": {"k": int(exc.index)}, "claimed": _fmt(exc.claimed), "derived": "0", "difference": _fmt(-exc.claimed)}
        verdict.summary = f"refuted: {exc}"
        return
    except ProofFailure as exc:
        raise InputError(f"the generating function {F}: {exc}") from exc
    for k, (m, c) in enumerate(zip(derived, coeffs)):
        equal, how = exact_equal(m, c)
        verdict.steps.append({"step": "compare coefficients", "k": k, "moment": _fmt(m), "coefficient": _fmt(c), "comparison": how})
        if not equal:
            _refute(verdict, k, m, c, f"refuted at k={k}: m_{k} of {law} is {_fmt(m)}, [z^{k}] F is {_fmt(c)} (difference {{diff}})")
            return
    verdict.status = "verified"
    verdict.summary = f"verified for k <= {order} ({order + 1} coefficients, {_routes(verdict, lattice_note)})"

    try:
        proof = _rechecked(prove_law_generating_function(law, F, derived))
    except ClaimRefuted as exc:
        # F is not a root of the equation, so it differs from the moment series somewhere: find where
        verdict.status = "refuted"
        top = min(order + 64, MAX_GF_SEARCH)
        if law.parameters:  # within the limit on the order of a law with parameters
            top = max(order, min(top, MAX_PARAMETRIC_WORK // len(law.parameters)))
        more = [sympy.Integer(1), *law.moments(top)]
        found = next(
            (k for k, (m, c) in enumerate(zip(more, generating_function_coefficients(F, Z, top + 1))) if not exact_equal(m, c)[0]),
            None,
        )
        if found is None:
            verdict.failure = {"at": {}, "claimed": _fmt(F), "derived": "", "difference": _fmt(exc.residual)}
            verdict.summary = f"refuted: {exc} (it agrees with the moments for k <= {top})"
        else:
            m, c = more[found], generating_function_coefficients(F, Z, found + 1)[found]
            _refute(verdict, found, m, c, f"refuted at k={found}: m_{found} of {law} is {_fmt(m)}, [z^{found}] F is {_fmt(c)} ({exc})")
        return
    except TpsymError as exc:
        verdict.notes.append(f"no all-order proof: {exc}")
        verdict.summary += "; not proved for all orders: " + str(exc).split("\n")[0]
    else:
        verdict.status = "proved"
        verdict.proof = proof
        verdict.summary = f"proved for all k ({proof['method']}); " + verdict.summary


def _numeric(claim: Claim, verdict: Verdict, *, fast: bool) -> None:
    from tpsym.proof.numeric import run_numeric

    if claim.numeric is not None:  # a claim built in Python has not been through the file's checks
        check_numeric_work(claim.numeric.sizes, claim.numeric.trials)
    result = run_numeric(claim, fast=fast)
    # an inconclusive cross-check of a proved or verified identity leaves the exact verdict standing
    verdict.numeric = result
    if claim.kind == "numeric":
        verdict.status = result["verdict"]
        verdict.summary = result["summary"]
    elif result["verdict"] == "contradicted":
        verdict.status = "contradicted"
        verdict.summary = f"{verdict.summary}; but {result['summary']}"
    else:
        verdict.summary = f"{verdict.summary}; {result['summary']}"


def _check_ascii(claim: Claim) -> None:
    """Refuse non-ASCII text in proof-file formulas.

    A look-alike letter (Cyrillic ``с`` for Latin ``c``) would silently make
    a second parameter, and the claim would be about something else.
    """
    texts = [claim.statement, *claim.laws, *(lp.start for lp in claim.loops), *(lp.stop or "" for lp in claim.loops)]
    if claim.numeric is not None:
        texts.extend(t for t in (claim.numeric.law, claim.numeric.kernel) if t)
    for text in texts:
        bad = next((ch for ch in text if not ch.isascii()), None)
        if bad is not None:
            raise InputError(f"{text!r}: parameter names and formulas must be ASCII, not {bad!r} (write sigma, not σ)")


def verify_claim(
    claim: Claim, *, numeric: bool = True, fast_numeric: bool = False, tolerance: float | None = None,
    digits: int = DEFAULT_DIGITS,
) -> Verdict:
    """Establish, check or refute one claim.

    Parameters
    ----------
    claim : Claim
    numeric : bool
        Run the numeric cross-check where the claim asks for one.
    fast_numeric : bool
        Use the small, quick setting of the numeric layer.
    tolerance : float, optional
        The relative error a numeric ``confirmed`` must be able to detect
        (overrides the claim's ``numeric.tolerance``; it is written into the
        claim, so its certificate records it).
    digits : int
        Decimal digits a ``certified`` verdict must reach (claims whose sides
        hold numbers that are not exact).

    Returns
    -------
    Verdict
        Never raises for a bad claim: the verdict is ``error`` with the reason.

    Examples
    --------
    >>> from tpsym.proof.claims import Claim, parse_loop
    >>> c = Claim("cat", "Catalan", "OEIS A000108", "identity",
    ...           statement="moment(semicircle(), 2*k) == catalan(k)", loops=(parse_loop("k = 1..6"),))
    >>> verify_claim(c).status
    'verified'
    >>> bad = Claim("off", "off by one", "-", "identity",
    ...             statement="moment(semicircle(), 2*k) == catalan(k + 1)", loops=(parse_loop("k = 1..6"),))
    >>> verify_claim(bad).summary
    'refuted at k=1: derived 1, claimed 2 (difference -1)'
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 10_000:
        raise InputError(f"digits={digits!r} must be an int in 1..10000")
    start = time.perf_counter()
    if tolerance is not None and claim.numeric is not None:
        if not 0 < tolerance < 1:
            raise InputError(f"--tolerance {tolerance!r} must be a relative error in (0, 1)")
        claim = replace(claim, numeric=replace(claim.numeric, tolerance=float(tolerance)))
    verdict = Verdict(claim, "error", "")
    try:
        _check_ascii(claim)
        if claim.kind == "identity":
            _verify_identity(claim, verdict, digits)
        elif claim.kind == "same_law":
            _verify_same_law(claim, verdict)
        elif claim.kind == "generating_function":
            _verify_generating_function(claim, verdict)
        elif claim.kind != "numeric":
            raise InputError(f"unknown claim kind {claim.kind!r}")
        if claim.kind == "numeric":
            if claim.numeric is None:
                raise InputError("a numeric claim needs a [numeric] table")
            if numeric:
                _numeric(claim, verdict, fast=fast_numeric)
            else:
                verdict.status = "skipped"
                verdict.summary = "not run: numeric checks are off (--no-numeric)"
        elif numeric and claim.numeric is not None and verdict.status != "refuted":
            _numeric(claim, verdict, fast=fast_numeric)
    except TpsymError as exc:
        verdict.status = "error"
        verdict.summary = f"{claim.where()}: {exc}"
    except (ArithmeticError, ValueError, TypeError, AttributeError, LookupError, RecursionError, NotImplementedError) as exc:
        # a bug of tpsym or of a library below it, reached by this claim: the other
        # claims of the run are still checked, and the verdict says what happened
        verdict.status = "error"
        verdict.summary = f"{claim.where()}: internal error ({type(exc).__name__}: {' '.join(str(exc).split())})"
        verdict.notes.append("this is a bug of tpsym; please report it with the claim")
    verdict.elapsed = time.perf_counter() - start
    return verdict


def error_verdict(error: ClaimError) -> Verdict:
    """The ``error`` verdict of a claim (or a file) that could not be read.

    >>> from tpsym.proof.fileformat import parse_claims
    >>> [bad] = parse_claims('[[claim]]\\nid = "x"\\n', "f.toml")
    >>> error_verdict(bad).status, error_verdict(bad).summary
    ('error', "f.toml:1: missing key 'title'")
    """
    claim = Claim(error.id, error.id, "-", "identity", file=error.file, line=error.line)
    return Verdict(claim, "error", f"{error.where()}: {error.message}")


def verify_files(
    paths: Sequence[str], *, numeric: bool = True, fast_numeric: bool = False, tolerance: float | None = None,
    digits: int = DEFAULT_DIGITS,
) -> list[Verdict]:
    """The verdict on every claim of the proof files under ``paths`` (files or folders), in order.

    A claim (or a file) that cannot be read gets an ``error`` verdict
    (:func:`error_verdict`) and the others are still verified; the keywords
    are those of :func:`verify_claim`.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "catalan.toml"
    >>> _ = path.write_text("\\n".join([
    ...     '[[claim]]', 'id = "cat"', 'title = "Catalan"', 'source = "OEIS A000108"',
    ...     'statement = "moment(semicircle(), 2*k) == catalan(k)"', 'for = "k >= 1"',
    ...     '[[claim]]', 'id = "typo"', 'title = "t"', 'source = "-"', 'statment = "1 == 1"']))
    >>> [(v.claim.id, v.status) for v in verify_files([str(path)], numeric=False)]
    [('cat', 'proved'), ('typo', 'error')]
    """
    out = []
    for c in load_claims(list(paths)):
        if isinstance(c, ClaimError):
            out.append(error_verdict(c))
        else:
            out.append(verify_claim(c, numeric=numeric, fast_numeric=fast_numeric, tolerance=tolerance, digits=digits))
    return out
