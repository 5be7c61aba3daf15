"""Certified real numbers: closed intervals with exact binary endpoints.

A :class:`Ball` encloses one real number rigorously: every operation rounds
its endpoints outwards (mpmath's interval arithmetic, in a private
:class:`mpmath.ctx_iv.MPIntervalContext` made per call, so no process-global
precision is read or changed). Any code that computes a number which is not
exact (a Gaussian expectation, a fixed point, a kernel value) can return a
Ball, and :func:`decide` turns the ball enclosing ``lhs - rhs`` of a claim
into a verdict.

python-flint's ``arb`` would be the natural type, but python-flint 0.9 reads
its working precision only from the process-global ``flint.ctx.prec`` (no
``arb`` or ``acb.integral`` call takes a ``prec`` argument), and library code
must not change global settings; hence mpmath intervals in private contexts.

>>> third = Ball.exact(1) / 3
>>> mpmath.fmul(third.lower, 3, exact=True) <= 1 <= mpmath.fmul(third.upper, 3, exact=True), third.radius() < mpmath.mpf(2) ** -250
(True, True)
>>> decide(third * 3 - 1, 30)
'certified'
>>> decide(third - Ball.exact(1) / 3 - Ball.exact(Fraction(1, 10**40)), 30)
'refuted'
>>> Ball.from_json(third.to_json()) == third and Ball.from_json((-third).to_json()) == -third
True
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import mpmath
import sympy
from mpmath.ctx_iv import MPIntervalContext
from mpmath.libmp import from_man_exp, mpf_abs, mpf_neg

from .errors import DomainError, InputError, NumericError

__all__ = [
    "Ball",
    "CertifiedConstant",
    "NumericConstant",
    "Verdict",
    "ball_of",
    "certified_constant",
    "decide",
    "has_certified",
    "interval_context",
    "real_context",
    "shown",
    "to_ball",
    "zero_test",
    "ZERO_TEST_HOW",
]

Verdict = Literal["certified", "refuted"]

_DEFAULT_PREC = 256


def interval_context(prec: int) -> MPIntervalContext:
    """A fresh, private mpmath interval context working at ``prec`` bits.

    >>> ctx = interval_context(100)
    >>> ctx.prec, mpmath.iv.prec == 53 or True
    (100, True)
    """
    if isinstance(prec, bool) or not isinstance(prec, int) or prec < 10:
        raise InputError(f"{prec=} must be an int of at least 10 bits")
    ctx = MPIntervalContext()
    ctx.prec = prec
    return ctx


_THREAD_CONTEXTS = threading.local()


def real_context(dps: int) -> mpmath.MPContext:
    """A private mpmath context working at ``dps`` decimal digits, one per thread and ``dps``.

    Library code computes in such a context instead of changing mpmath's
    global precision (``workdps``), so results do not depend on the caller's
    setting and are the same from many threads. mpmath's own routines
    (``quad``, special functions) raise and restore the precision of the
    context they run in, so a context is never shared between threads; the
    quadrature nodes it caches are reused within a thread. Never change its
    precision.

    >>> before = mpmath.mp.prec
    >>> ctx = real_context(40)
    >>> ctx.dps, real_context(40) is ctx, mpmath.mp.prec == before
    (40, True, True)
    """
    if isinstance(dps, bool) or not isinstance(dps, int) or dps < 1:
        raise InputError(f"{dps=} must be an int >= 1")
    table = getattr(_THREAD_CONTEXTS, "table", None)
    if table is None:
        table = _THREAD_CONTEXTS.table = {}
    ctx = table.get(dps)
    if ctx is None:
        ctx = table[dps] = mpmath.MPContext()
        ctx.dps = dps
    return ctx


def _neg(x: mpmath.mpf) -> mpmath.mpf:
    """−x exactly (``-x`` on an mpf rounds to mpmath's global precision)."""
    return mpmath.mp.make_mpf(mpf_neg(x._mpf_))


def _abs(x: mpmath.mpf) -> mpmath.mpf:
    """|x| exactly."""
    return mpmath.mp.make_mpf(mpf_abs(x._mpf_))


def _exact_str(x: mpmath.mpf) -> str:
    sign, man, exp, _ = x._mpf_
    if not man:
        return "0*2^0"
    man = -man if sign else man
    return f"{man}*2^{exp}"


def _parse_exact(text: Any, ctx_prec: int) -> mpmath.mpf:
    if not isinstance(text, str) or "*2^" not in text:
        raise InputError(f"{text!r} is not an exact endpoint of the form 'man*2^exp'")
    man, exp = text.split("*2^")
    try:
        m, e = int(man), int(exp)
    except ValueError as exc:
        raise InputError(f"{text!r} is not an exact endpoint of the form 'man*2^exp'") from exc
    return mpmath.mp.make_mpf(from_man_exp(m, e))  # exact: no precision given, no rounding


def _fraction(x: Any) -> Fraction:
    """The exact value of a finite mpmath number (or of a str/int/float), as a fraction."""
    if hasattr(x, "_mpf_"):
        sign, man, exp, _ = x._mpf_
        if not man and exp:  # inf, nan
            raise NumericError(f"{x} is not a finite number")
        return (-1) ** sign * Fraction(man) * Fraction(2) ** exp
    return Fraction(str(x)) if not isinstance(x, (int, Fraction)) else Fraction(x)


def shown(value: Any, error_bound: Any, digits: int) -> tuple[str, str]:
    """``value`` to ``digits`` significant digits and a bound on that text's distance to the truth.

    The bound is ``error_bound`` plus the rounding of the printed digits,
    rounded *up* to two significant digits, in exact arithmetic: the printed
    ``v ± e`` always contains the true value (a rounded-to-nearest bound, or
    one that left out the rounding, could exclude it).

    >>> shown(mpmath.mpf(2) / 3, mpmath.mpf("1e-12"), 6)
    ('0.666667', '3.4e-7')
    >>> shown(mpmath.mpf(2) / 3, mpmath.mpf("4.21e-3"), 30)[1]
    '4.3e-3'
    """
    text = mpmath.nstr(value, digits)
    total = _fraction(error_bound) + abs(Fraction(text) - _fraction(value))
    if total == 0:
        return text, "0"
    e = len(str(total.numerator)) - len(str(total.denominator))  # 10^(e-1) <= total < 10^(e+1)
    while Fraction(10) ** e > total:
        e -= 1
    while Fraction(10) ** (e + 1) <= total:
        e += 1
    m = math.ceil(total / Fraction(10) ** (e - 1))  # 10 <= m <= 100: two digits, rounded up
    if m == 100:
        m, e = 10, e + 1
    return text, f"{m // 10}.{m % 10}e{e}"


@dataclass(frozen=True, slots=True)
class Ball:
    """The closed interval [lower, upper] known to contain a real number.

    Attributes
    ----------
    lower, upper : mpmath.mpf
        Exact binary endpoints, ``lower <= upper``.
    prec : int
        The bits used for arithmetic on this ball (the larger of two operands').

    Examples
    --------
    >>> b = Ball.exact(2).sqrt()
    >>> mpmath.fmul(b.lower, b.lower, exact=True) <= 2 <= mpmath.fmul(b.upper, b.upper, exact=True)
    True
    >>> b.digits() >= 70
    True
    >>> (b * b - 2).contains_zero()
    True
    """

    lower: mpmath.mpf
    upper: mpmath.mpf
    prec: int = _DEFAULT_PREC

    def __post_init__(self) -> None:
        if not (mpmath.isfinite(self.lower) and mpmath.isfinite(self.upper)):
            raise ArithmeticError(f"ball [{self.lower}, {self.upper}] is not finite")
        if self.lower > self.upper:
            raise InputError(f"ball lower end {self.lower} exceeds upper end {self.upper}")

    # ---------------------------------------------------------- construction
    @classmethod
    def exact(cls, value: int | Fraction | str, prec: int = _DEFAULT_PREC) -> Ball:
        """The tightest ball around an exact rational ``value`` (``str`` as for Fraction)."""
        ctx = interval_context(prec)
        frac = Fraction(value)
        iv = ctx.mpf(frac.numerator) / ctx.mpf(frac.denominator)
        return cls._of(iv, prec)

    @classmethod
    def _of(cls, iv: Any, prec: int) -> Ball:
        lower, upper = iv._mpi_
        return cls(mpmath.mp.make_mpf(lower), mpmath.mp.make_mpf(upper), prec)

    def interval(self, ctx: MPIntervalContext) -> Any:
        """This ball as an interval of the private context ``ctx``."""
        return ctx.mpf([self.lower, self.upper])

    # ---------------------------------------------------------- queries
    def mid(self) -> mpmath.mpf:
        """The midpoint (rounded to nearest at ``prec`` + 2 bits; not itself certified)."""
        return mpmath.ldexp(mpmath.fadd(self.lower, self.upper, prec=self.prec + 2), -1)

    def radius(self) -> mpmath.mpf:
        """Half the width, rounded up."""
        return mpmath.ldexp(mpmath.fsub(self.upper, self.lower, prec=self.prec, rounding="u"), -1)

    def contains(self, x: Any) -> bool:
        return bool(self.lower <= x <= self.upper)

    def contains_zero(self) -> bool:
        return self.contains(0)

    def excludes_zero(self) -> bool:
        return not self.contains(0)

    def digits(self) -> int:
        """Correct decimal digits relative to the magnitude (absolute near 0)."""
        rad = self.radius()
        if rad == 0:
            return 10**6
        scale = max(abs(self.lower), abs(self.upper), mpmath.mpf(1))
        return max(0, int(mpmath.floor(-mpmath.log10(rad / scale))))

    # ---------------------------------------------------------- arithmetic
    def _binary(self, other: Any, op: str) -> Ball:
        if isinstance(other, Ball):
            prec = max(self.prec, other.prec)
            ctx = interval_context(prec)
            b = other.interval(ctx)
        elif isinstance(other, (int, Fraction)) and not isinstance(other, bool):
            prec = self.prec
            ctx = interval_context(prec)
            b = Ball.exact(other, prec).interval(ctx)
        else:
            return NotImplemented
        a = self.interval(ctx)
        result = {"add": lambda: a + b, "sub": lambda: a - b, "rsub": lambda: b - a,
                  "mul": lambda: a * b, "div": lambda: a / b, "rdiv": lambda: b / a}[op]()
        return Ball._of(result, prec)

    def __add__(self, other: Any) -> Ball:
        return self._binary(other, "add")

    __radd__ = __add__

    def __sub__(self, other: Any) -> Ball:
        return self._binary(other, "sub")

    def __rsub__(self, other: Any) -> Ball:
        return self._binary(other, "rsub")

    def __mul__(self, other: Any) -> Ball:
        return self._binary(other, "mul")

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Ball:
        divisor = other if isinstance(other, Ball) else None
        if divisor is not None and divisor.contains_zero():
            raise ZeroDivisionError(f"division by a ball containing 0: {divisor}")
        if not isinstance(other, Ball) and other == 0:
            raise ZeroDivisionError("division by 0")
        return self._binary(other, "div")

    def __rtruediv__(self, other: Any) -> Ball:
        if self.contains_zero():
            raise ZeroDivisionError(f"division by a ball containing 0: {self}")
        return self._binary(other, "rdiv")

    def __neg__(self) -> Ball:
        return Ball(_neg(self.upper), _neg(self.lower), self.prec)

    def __pow__(self, n: int) -> Ball:
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise InputError(f"ball power {n=} must be an int >= 0")
        ctx = interval_context(self.prec)
        return Ball._of(self.interval(ctx) ** n, self.prec)

    def sqrt(self) -> Ball:
        if self.lower < 0:
            raise ArithmeticError(f"sqrt of a ball reaching below 0: {self}")
        ctx = interval_context(self.prec)
        return Ball._of(ctx.sqrt(self.interval(ctx)), self.prec)

    def union(self, other: Ball) -> Ball:
        """The smallest ball containing both."""
        return Ball(min(self.lower, other.lower), max(self.upper, other.upper), max(self.prec, other.prec))

    # ---------------------------------------------------------- output
    def format(self, digits: int = 20) -> str:
        """``mid ± radius`` for people.

        >>> Ball.exact(1, 64).format(5)
        '1.0 ± 0'
        """
        text, bound = shown(self.mid(), self.radius(), digits)
        return f"{text} ± {bound}"

    def to_json(self) -> dict[str, Any]:
        """Exact endpoints (``'man*2^exp'``), a readable midpoint and radius."""
        return {
            "lower": _exact_str(self.lower),
            "upper": _exact_str(self.upper),
            "prec": self.prec,
            "mid": mpmath.nstr(self.mid(), 20),
            "radius": mpmath.nstr(self.radius(), 3),
        }

    @classmethod
    def from_json(cls, data: Any) -> Ball:
        if not isinstance(data, dict) or not {"lower", "upper", "prec"} <= set(data):
            raise InputError(f"a ball needs 'lower', 'upper' and 'prec', got {data!r}")
        prec = data["prec"]
        if isinstance(prec, bool) or not isinstance(prec, int) or prec < 10:
            raise InputError(f"ball prec={prec!r} must be an int of at least 10 bits")
        return cls(_parse_exact(data["lower"], prec), _parse_exact(data["upper"], prec), prec)

    def __str__(self) -> str:
        return f"[{mpmath.nstr(self.lower, 15)}, {mpmath.nstr(self.upper, 15)}]"


def ball_of(iv: Any, prec: int) -> Ball:
    """A Ball from an interval of a private context (see :func:`interval_context`)."""
    return Ball._of(iv, prec)


def decide(difference: Ball, digits: int) -> Verdict | None:
    """The verdict on ``lhs == rhs`` from a ball enclosing ``lhs - rhs``.

    ``'refuted'`` when the ball excludes 0; ``'certified'`` when it contains 0
    with radius < 10^-digits; ``None`` when it is too wide to say either.

    >>> decide(Ball.exact(0), 30)
    'certified'
    >>> decide(Ball(mpmath.mpf(-1), mpmath.mpf(1)), 30) is None
    True
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise InputError(f"{digits=} must be an int >= 1")
    if difference.excludes_zero():
        return "refuted"
    if difference.radius() < mpmath.mpf(10) ** (-digits):
        return "certified"
    return None


# --------------------------------------------------------------------------- sympy bridge
class CertifiedConstant(sympy.Dummy):
    """A real number inside a sympy expression, known through certified balls.

    ``compute(digits)`` returns a :class:`Ball` whose radius is below about
    10^-digits (relative); the verifier calls it at the precision it needs,
    so the same constant serves a claim checked to 30 or to 100 digits.
    Claim functions return one where a value is not exact (q* of tanh with a
    bias, μ_k of tanh, a kernel value): sympy arithmetic carries it like a
    symbol, and :func:`to_ball` encloses the whole expression.

    >>> c = certified_constant("third", lambda digits: Ball.exact(1, 4 * digits + 20) / 3)
    >>> decide(to_ball(3 * c - 1, 40), 40)
    'certified'
    """

    def __new__(cls, label: str, compute: Callable[[int], Ball]) -> CertifiedConstant:
        obj = super().__new__(cls, label, real=True)
        obj._compute = compute
        obj._cache = {}
        return obj

    def _eval_evalf(self, prec: int) -> sympy.Float:
        """The midpoint of a ball good to ``prec`` bits (so ``float(expr)`` and ``N(expr)`` work)."""
        digits = max(15, int(prec / 3.32) + 3)
        return sympy.Float(self.ball(digits).mid(), digits)

    def _sympystr(self, printer: Any) -> str:
        return self.name

    def _latex(self, printer: Any) -> str:
        return r"\operatorname{" + self.name.replace("_", r"\_") + "}"

    def ball(self, digits: int) -> Ball:
        """``compute(digits)``, cached. The ball depends on ``digits`` only, never on what was computed
        before, so that a certificate's enclosure is re-derived exactly by ``recheck``."""
        hit = self._cache.get(digits)
        if hit is None:
            hit = self._compute(digits)
            if not isinstance(hit, Ball):
                raise TypeError(f"certified constant {self.name} computed {hit!r}, not a Ball")
            self._cache[digits] = hit
        return hit


class NumericConstant(sympy.Dummy):
    """A real number tpsym computed numerically (with an error estimate) but cannot certify.

    It stands in exact algebra like a symbol (so a tpsym-computed number is
    never mistaken for a float the user wrote), evaluates to its value with
    ``float()``/``N()``, and is refused by :func:`to_ball` with a message
    that says tpsym computed it, so no verdict claims more than it knows.

    >>> c = NumericConstant("mu_1(formula(sin(x)), q=1)", mpmath.mpf("0.5"), mpmath.mpf("1e-30"))
    >>> float(2 * c)
    1.0
    >>> to_ball(c + 1, 30)
    Traceback (most recent call last):
    ...
    tpsym.errors.NumericError: mu_1(formula(sin(x)), q=1) = 0.5 ± 1.0e-30 was computed by tpsym by quadrature and cannot be certified (no interval evaluation for it): only a numeric check can use it
    """

    def __new__(cls, label: str, value: Any, error: Any) -> NumericConstant:
        obj = super().__new__(cls, label, real=True)
        obj._value = mpmath.mp.make_mpf(mpmath.mpmathify(value)._mpf_)
        obj._error = mpmath.mp.make_mpf(mpmath.mpmathify(error)._mpf_)
        return obj

    @property
    def value(self) -> mpmath.mpf:
        return self._value

    @property
    def error(self) -> mpmath.mpf:
        return self._error

    def _eval_evalf(self, prec: int) -> sympy.Float:
        return sympy.Float(self._value, max(15, mpmath.libmp.prec_to_dps(prec)))

    def _sympystr(self, printer: Any) -> str:
        return self.name

    def _latex(self, printer: Any) -> str:
        return r"\operatorname{" + self.name.replace("_", r"\_") + "}"

    def refusal(self) -> NumericError:
        return NumericError(
            f"{self.name} = {mpmath.nstr(self._value, 15)} ± {mpmath.nstr(self._error, 2)} was computed by tpsym "
            "by quadrature and cannot be certified (no interval evaluation for it): only a numeric check can use it"
        )


def certified_constant(label: str, compute: Callable[[int], Ball]) -> CertifiedConstant:
    """A :class:`CertifiedConstant` named ``label`` (shown in formulas)."""
    return CertifiedConstant(label, compute)


def is_computed(symbol: Any) -> bool:
    """Whether a sympy atom is a number tpsym computed (a :class:`CertifiedConstant` or a
    :class:`NumericConstant`) rather than a free symbol.

    >>> is_computed(certified_constant("one", lambda d: Ball.exact(1))), is_computed(sympy.Symbol("x"))
    (True, False)
    """
    return isinstance(symbol, (CertifiedConstant, NumericConstant))


def shown_expr(expr: Any, digits: int) -> tuple[str, str]:
    """``(digits, bound)`` of a constant expression (certified constants allowed): ``digits``
    significant digits and a bound that encloses the true value, their rounding included.

    >>> shown_expr(sympy.pi, 10)
    ('3.141592654', '4.2e-10')
    """
    ball = to_ball(expr, digits + 5)
    return shown(ball.mid(), ball.radius(), digits)


def has_certified(expr: Any) -> bool:
    """Whether a sympy expression contains a number tpsym computed: a :class:`CertifiedConstant`
    (or a :class:`NumericConstant`, which :func:`to_ball` then refuses with its reason)."""
    return isinstance(expr, sympy.Basic) and any(is_computed(a) for a in expr.atoms(sympy.Dummy))


def is_constant(expr: Any) -> bool:
    """Whether a sympy expression is a number, possibly holding tpsym's computed constants
    (no free symbol of the user's).

    >>> is_constant(2 * certified_constant("one", lambda d: Ball.exact(1)) + 1), is_constant(sympy.Symbol("x") + 1)
    (True, False)
    """
    return all(is_computed(s) for s in sympy.S(expr).free_symbols)


def _ends(x: Any) -> tuple[mpmath.mpf, mpmath.mpf]:
    a, b = x._mpi_
    return mpmath.mp.make_mpf(a), mpmath.mp.make_mpf(b)


def _monotone_inverse(ctx: Any, x: Any, forward: Any, approx: Any, prec: int, domain: Any) -> Any:
    """Enclose f⁻¹(x) for an increasing f on ``domain``: approximate each end of x
    (mpmath in a private context), widen, and check f at the new ends in intervals."""
    xa, xb = _ends(x)
    dom_lo, dom_hi = _ends(domain)
    private = mpmath.MPContext()
    private.prec = prec + 20
    ya, yb = approx(private, private.mpf(xa)), approx(private, private.mpf(xb))
    ya, yb = mpmath.mp.make_mpf(ya._mpf_), mpmath.mp.make_mpf(yb._mpf_)
    lo = mpmath.fsub(ya, mpmath.ldexp(abs(ya) + 1, -(prec - 16)), prec=prec, rounding="d")
    hi = mpmath.fadd(yb, mpmath.ldexp(abs(yb) + 1, -(prec - 16)), prec=prec, rounding="u")
    lo, hi = max(lo, dom_lo), min(hi, dom_hi)
    if lo != dom_lo and not _ends(forward(ctx, ctx.mpf(lo)))[1] <= xa:
        raise NumericError(f"could not enclose an inverse function at {mpmath.nstr(xa, 10)}")
    if hi != dom_hi and not _ends(forward(ctx, ctx.mpf(hi)))[0] >= xb:
        raise NumericError(f"could not enclose an inverse function at {mpmath.nstr(xb, 10)}")
    return ctx.mpf([lo, hi])


def _asin(ctx: Any, x: Any, prec: int) -> Any:
    xa, xb = _ends(x)
    if xa < -1 or xb > 1:
        raise ArithmeticError(f"asin of an interval reaching outside [-1, 1]: {x}")
    half_pi = ctx.pi / 2
    domain = ctx.mpf([_ends(-half_pi)[0], _ends(half_pi)[1]])
    return _monotone_inverse(ctx, x, lambda c, y: c.sin(y), lambda p, v: p.asin(v), prec, domain)


def _atan(ctx: Any, x: Any, prec: int) -> Any:
    half_pi = ctx.pi / 2
    domain = ctx.mpf([_ends(-half_pi)[0], _ends(half_pi)[1]])
    return _monotone_inverse(ctx, x, lambda c, y: c.sin(y) / c.cos(y), lambda p, v: p.atan(v), prec, domain)


def _erf_nonneg(ctx: Any, x: mpmath.mpf, prec: int) -> Any:
    """An interval enclosing erf(x) for an exact x ≥ 0.

    erf(x) = (2/√π) e^(−x²) Σ_{n≥0} 2ⁿ x^(2n+1) / (1·3···(2n+1)) (Abramowitz &
    Stegun 7.1.6): positive terms, no cancellation; once the ratio of
    consecutive terms 2x²/(2n+3) is at most 1/2 the tail is at most the last
    term. For x² > prec·ln 2 + 10, 0 < erfc(x) < e^(−x²)/(x√π) (A&S 7.1.13)
    is used instead.
    """
    if x == 0:
        return ctx.mpf(0)
    xi = ctx.mpf(x)
    if x * x > prec * 0.7 + 10:
        tail = ctx.exp(-xi * xi) / (xi * ctx.sqrt(ctx.pi))
        return ctx.mpf([_ends(1 - tail)[0], 1])
    x2 = xi * xi
    term = xi
    total = xi
    n = 0
    stop = mpmath.ldexp(mpmath.mpf(1), -(prec + 10))
    while True:
        term = term * 2 * x2 / (2 * n + 3)
        n += 1
        total = total + term
        if 2 * n + 3 >= 4 * x and _ends(x2)[1] * 4 <= 2 * n + 3 and _ends(term)[1] <= stop * _ends(total)[0]:
            break
    total = total + ctx.mpf([0, _ends(term)[1]])  # the tail, at most the last term
    return 2 / ctx.sqrt(ctx.pi) * ctx.exp(-x2) * total


def _erf(ctx: Any, x: Any, prec: int) -> Any:
    """erf of an interval: erf is odd and increasing, so its ends come from the ends of x."""

    def point(v: mpmath.mpf, side: int) -> mpmath.mpf:
        iv = _erf_nonneg(ctx, _abs(v), prec)
        lo, hi = _ends(iv)
        if v < 0:
            lo, hi = -hi, -lo
        return lo if side == 0 else hi

    xa, xb = _ends(x)
    return ctx.mpf([point(xa, 0), point(xb, 1)])


def to_ball(expr: Any, digits: int) -> Ball:
    """A ball enclosing the value of a constant sympy expression.

    Handles rationals, π, e, +, ×, powers (integer, half-integer, or a
    positive base to any real power), exp, log, sin, cos, asin, acos, atan,
    erf, erfc and :class:`CertifiedConstant` atoms; anything else is refused.

    >>> b = to_ball(sympy.sqrt(5) * sympy.pi / 4, 30)
    >>> mpmath.nstr(b.mid(), 15), b.digits() >= 30
    ('1.75620368276018', True)
    >>> to_ball(sympy.asin(sympy.Rational(2, 3)), 30).format(12)
    '0.729727656227 ± 3.4e-14'
    >>> to_ball(sympy.erf(1), 30).format(20)  # A&S Table 7.1: erf(1) = 0.8427007929...
    '0.84270079294971486934 ± ...'
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise InputError(f"{digits=} must be an int >= 1")
    prec = int(digits * 3.33) + 64
    ctx = interval_context(prec)
    return ball_of(_iv(sympy.S(expr), ctx, prec, digits), prec)


def _iv(e: sympy.Basic, ctx: Any, prec: int, digits: int) -> Any:
    if isinstance(e, CertifiedConstant):
        return e.ball(digits + 5).interval(ctx)
    if isinstance(e, NumericConstant):
        raise e.refusal()
    if e.is_Rational:
        return ctx.mpf(int(e.p)) / int(e.q)
    if e.is_Float:  # a binary number given by the caller: enclosed exactly
        return ctx.mpf(mpmath.mp.make_mpf(e._mpf_))
    if e is sympy.pi:
        return ctx.pi
    if e is sympy.E:
        return ctx.exp(ctx.mpf(1))
    free = [s for s in e.free_symbols if not isinstance(s, CertifiedConstant)]
    for s in free:
        if isinstance(s, NumericConstant):
            raise s.refusal()
    if free:
        raise InputError(f"cannot enclose {e}: it has free symbols {sorted(map(str, free))}")
    if isinstance(e, sympy.Add):
        total = ctx.mpf(0)
        for a in e.args:
            total = total + _iv(a, ctx, prec, digits)
        return total
    if isinstance(e, sympy.Mul):
        prod = ctx.mpf(1)
        for a in e.args:
            prod = prod * _iv(a, ctx, prec, digits)
        return prod
    if isinstance(e, sympy.Pow):
        base, exp = e.args
        b = _iv(base, ctx, prec, digits)
        if exp.is_Integer:
            n = int(exp)
            if n >= 0:
                return b ** n
            if b.a <= 0 <= b.b:
                raise ZeroDivisionError(f"{base} encloses 0 and is raised to {exp}")
            return 1 / b ** (-n)
        if exp.is_Rational and exp.q == 2:
            if b.a < 0:
                raise ArithmeticError(f"square root of {base}, which may be negative")
            r = ctx.sqrt(b) ** abs(int(exp.p))
            return r if exp > 0 else 1 / r
        if b.a <= 0:
            raise ArithmeticError(f"{base} may be <= 0 and is raised to the power {exp}")
        return ctx.exp(ctx.log(b) * _iv(exp, ctx, prec, digits))
    if isinstance(e, sympy.exp):
        return ctx.exp(_iv(e.args[0], ctx, prec, digits))
    if isinstance(e, sympy.log) and len(e.args) == 1:
        x = _iv(e.args[0], ctx, prec, digits)
        if x.a <= 0:
            raise ArithmeticError(f"log of {e.args[0]}, which may be <= 0")
        return ctx.log(x)
    if isinstance(e, (sympy.sin, sympy.cos)):
        x = _iv(e.args[0], ctx, prec, digits)
        return ctx.sin(x) if isinstance(e, sympy.sin) else ctx.cos(x)
    if isinstance(e, sympy.asin):
        return _asin(ctx, _iv(e.args[0], ctx, prec, digits), prec)
    if isinstance(e, sympy.acos):
        return ctx.pi / 2 - _asin(ctx, _iv(e.args[0], ctx, prec, digits), prec)
    if isinstance(e, sympy.atan):
        return _atan(ctx, _iv(e.args[0], ctx, prec, digits), prec)
    if isinstance(e, sympy.erf):
        return _erf(ctx, _iv(e.args[0], ctx, prec, digits), prec)
    if isinstance(e, sympy.erfc):
        return 1 - _erf(ctx, _iv(e.args[0], ctx, prec, digits), prec)
    raise NumericError(f"no certified evaluation of {type(e).__name__} (in {e}) yet")


# ---------------------------------------------------------------------------
# Is a closed number 0?
# ---------------------------------------------------------------------------

#: How :func:`zero_test` separates a number from 0.
ZERO_TEST_HOW = "exact rational, minimal polynomial, or an evaluation whose error bound excludes 0"
#: Digits tried, in turn, by the numerical part of :func:`zero_test`.
_ZERO_TEST_DIGITS = (30, 120, 480)


def _is_algebraic_number(e: sympy.Expr) -> bool:
    """Whether ``e`` is built from rationals, ``I`` and rational powers only."""
    if e.is_Rational or e is sympy.I:
        return True
    if e.is_Add or e.is_Mul:
        return all(_is_algebraic_number(a) for a in e.args)
    if e.is_Pow:
        return e.exp.is_Rational and _is_algebraic_number(e.base)
    return False


def zero_test(e: Any) -> bool | None:
    """Whether the closed number ``e`` is 0: True, False, or None (cannot decide).

    A rational is decided directly; an algebraic number (rationals, ``I``,
    radicals) by its minimal polynomial, which is ``x`` exactly when it is
    0; anything else by evaluation with sympy's error-tracking ``evalf``
    (``strict``), which either returns digits that separate the value from 0
    or gives up: a float whose mantissa cancelled away never counts as 0 or
    as non-zero.

    >>> zero_test((1 + sympy.sqrt(2))**40 - (3 + 2*sympy.sqrt(2))**20)
    True
    >>> zero_test(2/sympy.pi - (2/sympy.pi + sympy.Rational(1, 10**45)))
    False
    >>> zero_test(sympy.log(4) - 2*sympy.log(2)) is None
    True
    """
    e = sympy.sympify(e, strict=True)
    if e.free_symbols:
        raise InputError(f"zero_test needs a number, not {e}")
    if e.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        raise DomainError(f"{e} is undefined")
    if e.is_Rational:
        return e == 0
    if e.is_Pow and e.exp.is_positive:
        return zero_test(e.base)
    if e.is_Mul:
        answers = [zero_test(f) for f in e.args]
        return True if True in answers else (None if None in answers else False)
    if _is_algebraic_number(e):
        try:
            poly = sympy.minimal_polynomial(e, _X)
        except (NotImplementedError, sympy.polys.polyerrors.NotAlgebraic, sympy.polys.polyerrors.PolynomialError):
            pass
        else:
            return poly == _X
    for digits in _ZERO_TEST_DIGITS:
        try:
            value = sympy.N(e, digits, strict=True, maxn=4 * digits)
        except sympy.core.evalf.PrecisionExhausted:
            continue
        if value.is_number and value != 0:
            return False
    return None


_X = sympy.Dummy("x")
