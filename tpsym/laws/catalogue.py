"""The named laws of the catalogue.

=====================  ==========================================  ==========================
law                    definition in tpsym                         reference values
=====================  ==========================================  ==========================
``semicircle(s, a)``   kappa_1 = a, kappa_2 = s, others 0          Catalan, OEIS A000108
``free_poisson(l, c)`` kappa_n = l c^n                             Narayana, OEIS A001263
``mp(ratio=c)``        free Poisson, rate 1/c, jump c:             m_n = sum N(n,k) c^(k-1)
                       kappa_n = c^(n-1), mean 1
``bernoulli(p, a, b)`` p delta_b + (1-p) delta_a
``arcsine(a, b)``      law of (a+b)/2 + (b-a)/2 cos(U), U uniform   OEIS A000984 on [-2, 2]
``dirac(a)``           delta_a
``law(moments=mu)``    m_k = mu_k, symbols
=====================  ==========================================  ==========================

Conventions are those of ``docs/design.md``: normalised trace, MP with ratio
``c = N/M`` is the limit law of ``X X^T / M`` (Marchenko & Pastur 1967;
Bai & Silverstein, *Spectral Analysis of Large Dimensional Random
Matrices*, Section 3.1), which is the free Poisson law of rate ``1/c`` and
jump ``c`` (Nica–Speicher, Proposition 12.11 gives its free cumulants).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from tpsym.errors import DomainError, InputError, SpecError
from tpsym.laws.base import Context, Law, _sign_check, as_param, spec_constructor
from tpsym.utils import expr_str

if TYPE_CHECKING:
    from tpsym.laws._density.hooks import ClosedDensity, Hooks
    from tpsym.laws.algebraic import Deriver
    from tpsym.laws.lattice import _Lattice

__all__ = [
    "Semicircle",
    "FreePoisson",
    "Bernoulli",
    "Arcsine",
    "Dirac",
    "GenericLaw",
    "semicircle",
    "free_poisson",
    "marchenko_pastur",
    "mp",
    "bernoulli",
    "symmetric_bernoulli",
    "arcsine",
    "dirac",
    "haar_gram",
    "generic_law",
]


def _fmt(e: sympy.Expr) -> str:
    """A parameter in spec syntax."""
    return expr_str(e)


@dataclass(frozen=True, slots=True)
class Semicircle(Law):
    """The semicircle law of a given variance and mean (free cumulants ``a, s, 0, ...``).

    >>> semicircle(variance=2).moments(4)
    (0, 2, 0, 8)
    """

    variance: sympy.Expr = field(default_factory=lambda: sympy.Integer(1))
    mean_: sympy.Expr = field(default_factory=lambda: sympy.Integer(0))

    def _params(self) -> tuple[sympy.Expr, ...]:
        return (self.variance, self.mean_)

    def _free_cumulants(self, ctx: Context, n: int) -> list[Any]:
        F = ctx.field
        out = [ctx.encode(self.mean_), ctx.encode(self.variance)] + [F.zero] * max(0, n - 2)
        return out[:n]

    # -- density hooks (tpsym.laws._density.hooks) and lattice hooks (tpsym.laws.lattice) --
    _density_by_moments = False
    _subordination_kind = "none"

    def _density_atoms(self, d: Hooks) -> list[tuple[float, float]] | None:
        return [(d.num(self, self.mean_, "mean"), 1.0)] if d.num(self, self.variance, "variance") == 0 else []

    def _density_nonnegative(self, d: Hooks) -> bool | None:
        return d.num(self, self.variance, "variance") == 0 and d.num(self, self.mean_, "mean") >= 0

    def _closed_density(self, d: Hooks) -> ClosedDensity | None:
        v, a = d.num(self, self.variance, "variance"), d.num(self, self.mean_, "mean")
        if v == 0:
            return (lambda x: np.zeros_like(x)), [], [(a, 1.0)]
        r = 2 * math.sqrt(v)
        return (lambda x: np.sqrt(np.maximum(4 * v - (x - a) ** 2, 0)) / (2 * math.pi * v)), [(a - r, a + r)], []

    def _lattice_cumulants(self, lat: _Lattice, n: int) -> list[Any] | None:
        ctx = lat.ctx
        return [ctx.encode(self.mean_), ctx.encode(self.variance)] + [lat.F.zero] * max(0, n - 2)

    # -- algebraic hooks (tpsym.laws.algebraic) --
    _algebraic_route = "free cumulant"

    def _algebraic_r(self, d: Deriver) -> Any:
        var, mean = d.params(self)
        w, C = d.ring.a, d.ring.b
        d.step(f"{self}: C(w) = 1 + {self.mean_} w + {self.variance} w^2")
        return (C - 1 - mean * w - var * w * w).num

    def _spec(self) -> str:
        args = []
        if self.variance != 1:
            args.append(f"variance={_fmt(self.variance)}")
        if self.mean_ != 0:
            args.append(f"mean={_fmt(self.mean_)}")
        return f"semicircle({', '.join(args)})"

    def _latex(self, printer: Any) -> str:
        args = printer._print(self.variance)
        if self.mean_ != 0:
            args = f"{printer._print(self.mean_)}, {args}"
        return rf"\mathrm{{SC}}\left({args}\right)"


@spec_constructor("semicircle")
def semicircle(variance: Any = 1, mean: Any = 0) -> Semicircle:
    """The semicircle law with the given variance (default 1) and mean (default 0).

    Raises
    ------
    DomainError
        If the variance is negative or a parameter is not exact.

    Examples
    --------
    >>> semicircle().moments(8)  # Catalan numbers, OEIS A000108
    (0, 1, 0, 2, 0, 5, 0, 14)
    >>> semicircle(variance=-1)
    Traceback (most recent call last):
    ...
    tpsym.errors.DomainError: variance must be non-negative, got variance=-1
    """
    v = as_param(variance, "variance")
    _sign_check(v, "variance", nonnegative=True)
    return Semicircle(v, as_param(mean, "mean"))


@dataclass(frozen=True, slots=True)
class FreePoisson(Law):
    """The free Poisson law of rate ``lambda`` and jump ``alpha``: ``kappa_n = lambda alpha^n``.

    With ``rate * jump = 1`` it is Marchenko–Pastur with ratio ``jump`` and
    prints as ``mp(ratio=...)``.

    >>> free_poisson(rate=2).moments(3)  # Narayana polynomials at 2, OEIS A001263
    (2, 6, 22)
    """

    rate: sympy.Expr = field(default_factory=lambda: sympy.Integer(1))
    jump: sympy.Expr = field(default_factory=lambda: sympy.Integer(1))

    def _params(self) -> tuple[sympy.Expr, ...]:
        return (self.rate, self.jump)

    @property
    def is_marchenko_pastur(self) -> bool:
        """Whether ``rate * jump == 1`` (Marchenko–Pastur with ratio ``jump``)."""
        return sympy.expand(self.rate * self.jump) == 1

    @property
    def ratio(self) -> sympy.Expr:
        """The Marchenko–Pastur ratio ``c = jump`` (only when ``rate * jump = 1``)."""
        if not self.is_marchenko_pastur:
            raise DomainError(f"{self} is not a Marchenko–Pastur law (rate * jump != 1)")
        return self.jump

    def _free_cumulants(self, ctx: Context, n: int) -> list[Any]:
        lam, a = ctx.encode(self.rate), ctx.encode(self.jump)
        out, p = [], lam
        for _ in range(n):
            p = p * a
            out.append(p)
        return out

    def _moments(self, ctx: Context, n: int) -> list[Any]:
        # m_n = sum_k N(n, k) lambda^k alpha^n = sum_k N(n, k) rho^k alpha^(n-k), rho = lambda alpha
        # (Narayana numbers N(n, k) = binom(n, k) binom(n, k-1) / n, OEIS A001263; Nica–Speicher,
        # Proposition 12.11 and Lecture 9). Written with rho so that Marchenko–Pastur (rho = 1)
        # stays in polynomial arithmetic.
        F = ctx.field
        lam, a = ctx.encode(self.rate), ctx.encode(self.jump)
        rho = lam * a
        rp, ap = [F.one], [F.one]
        for _ in range(n):
            rp.append(rp[-1] * rho)
            ap.append(ap[-1] * a)
        out = []
        for m in range(1, n + 1):
            s = F.zero
            for k in range(1, m + 1):
                s = s + rp[k] * ap[m - k] * (math.comb(m, k) * math.comb(m, k - 1) // m)
            out.append(s)
        return out

    def _s_transform(self, ctx: Context, n: int) -> list[Any]:
        # S(z) = 1 / (alpha (lambda + z)) = (1/(alpha lambda)) sum_k (-z/lambda)^k
        lam, a = ctx.encode(self.rate), ctx.encode(self.jump)
        out, p = [], ctx.field.inv(a * lam)
        r = -ctx.field.inv(lam)
        for _ in range(n):
            out.append(p)
            p = p * r
        return out

    # -- density hooks (tpsym.laws._density.hooks) and lattice hooks (tpsym.laws.lattice) --
    _density_by_moments = False
    _subordination_kind = "free poisson"

    def _density_atoms(self, d: Hooks) -> list[tuple[float, float]] | None:
        lam = d.num(self, self.rate, "rate")
        return [(0.0, 1.0 - lam)] if lam < 1 else []

    def _density_nonnegative(self, d: Hooks) -> bool | None:
        return d.num(self, self.jump, "jump") > 0

    def _closed_density(self, d: Hooks) -> ClosedDensity | None:
        lam, al = d.num(self, self.rate, "rate"), d.num(self, self.jump, "jump")
        lo, hi = sorted((al * (1 - math.sqrt(lam)) ** 2, al * (1 + math.sqrt(lam)) ** 2))
        at = [(0.0, 1 - lam)] if lam < 1 else []

        def fp(x: np.ndarray) -> np.ndarray:
            return np.sqrt(np.maximum((x - lo) * (hi - x), 0)) / (2 * math.pi * abs(al * x))

        return fp, [(lo, hi)], at

    def _subordination_factor(self, d: Hooks) -> Any:
        lam, al = d.num(self, self.rate, "rate"), d.num(self, self.jump, "jump")
        if al <= 0:
            raise d.unsupported(f"{self}: subordination needs laws on [0, inf) (jump > 0)")
        return lam, al

    def _lattice_cumulants(self, lat: _Lattice, n: int) -> list[Any] | None:
        lam, a = lat.ctx.encode(self.rate), lat.ctx.encode(self.jump)
        out, p = [], lam
        for _ in range(n):
            p = p * a
            out.append(p)
        return out

    # -- algebraic hooks (tpsym.laws.algebraic) --
    _algebraic_route = "free cumulant"

    def _algebraic_r(self, d: Deriver) -> Any:
        lam, a = d.params(self)
        w, C = d.ring.a, d.ring.b
        d.step(f"{self}: C(w) = 1 + {self.rate} {self.jump} w / (1 - {self.jump} w)")
        return ((C - 1) * (1 - a * w) - lam * a * w).num

    def _algebraic_s(self, d: Deriver) -> Any:
        lam, a = d.params(self)
        u, S = d.ring.a, d.ring.b
        d.step(f"{self}: S(y) = 1 / ({self.jump} ({self.rate} + y))")
        return (S * a * (lam + u) - 1).num

    def _spec(self) -> str:
        if self.is_marchenko_pastur:
            return f"mp(ratio={_fmt(self.jump)})"
        return f"free_poisson(rate={_fmt(self.rate)}, jump={_fmt(self.jump)})"

    def _latex(self, printer: Any) -> str:
        if self.is_marchenko_pastur:
            return rf"\mathrm{{MP}}\left({printer._print(self.jump)}\right)"
        return rf"\pi_{{{printer._print(self.rate)}, {printer._print(self.jump)}}}"


@spec_constructor("free_poisson")
def free_poisson(rate: Any = 1, jump: Any = 1) -> FreePoisson:
    """The free Poisson law with the given rate (> 0) and jump (≠ 0).

    >>> lam, a = sympy.symbols("lam a")
    >>> free_poisson(rate=lam, jump=a).moments(2)
    (a*lam, a**2*lam**2 + a**2*lam)
    >>> free_poisson(rate=0)
    Traceback (most recent call last):
    ...
    tpsym.errors.DomainError: rate must be positive, got rate=0
    """
    r, j = as_param(rate, "rate"), as_param(jump, "jump")
    _sign_check(r, "rate", positive=True)
    if j.is_zero:
        raise DomainError("jump must be non-zero, got jump=0")
    return FreePoisson(r, j)


@spec_constructor("mp", "marchenko_pastur")
def marchenko_pastur(ratio: Any) -> FreePoisson:
    """Marchenko–Pastur with ratio ``c > 0``: the limit of ``X X^T / M``, ``N/M -> c``.

    Mean 1, ``kappa_n = c^(n-1)``, ``m_n = sum_k N(n, k) c^(k-1)``.

    >>> c = sympy.Symbol("c")
    >>> mp(ratio=c).moments(3)
    (1, c + 1, c**2 + 3*c + 1)
    >>> mp(ratio=0)
    Traceback (most recent call last):
    ...
    tpsym.errors.DomainError: ratio must be positive, got ratio=0
    """
    c = as_param(ratio, "ratio")
    _sign_check(c, "ratio", positive=True)
    return FreePoisson(1 / c, c)


mp = marchenko_pastur


@dataclass(frozen=True, slots=True)
class Bernoulli(Law):
    """The law ``p delta_b + (1 - p) delta_a``.

    >>> bernoulli(p=sympy.Rational(1, 2), a=-1, b=1).moments(4)
    (0, 1, 0, 1)
    """

    p: sympy.Expr
    a: sympy.Expr
    b: sympy.Expr

    def _params(self) -> tuple[sympy.Expr, ...]:
        return (self.p, self.a, self.b)

    def _moments(self, ctx: Context, n: int) -> list[Any]:
        p, a, b = (ctx.encode(x) for x in (self.p, self.a, self.b))
        q = 1 - p
        out, pa, pb = [], ctx.field.one, ctx.field.one
        for _ in range(n):
            pa, pb = pa * a, pb * b
            out.append(p * pb + q * pa)
        return out

    # -- density hooks (tpsym.laws._density.hooks) and lattice hooks (tpsym.laws.lattice) --
    _density_by_moments = False
    _subordination_kind = "discrete"

    def _density_atoms(self, d: Hooks) -> list[tuple[float, float]] | None:
        p = d.num(self, self.p, "p")
        return d.merge_atoms([(d.num(self, self.a, "a"), 1 - p), (d.num(self, self.b, "b"), p)])

    def _density_nonnegative(self, d: Hooks) -> bool | None:
        return min(d.num(self, self.a, "a"), d.num(self, self.b, "b")) >= 0

    def _closed_density(self, d: Hooks) -> ClosedDensity | None:
        return (lambda x: np.zeros_like(x)), [], d.atoms(self) or []

    def _subordination_factor(self, d: Hooks) -> Any:
        p, a, b = (d.num(self, v, n) for v, n in ((self.p, "p"), (self.a, "a"), (self.b, "b")))
        return d.Discrete(np.array([a, b]), np.array([1 - p, p]), exact=True)

    # -- algebraic hooks (tpsym.laws.algebraic) --
    def _algebraic_p(self, d: Deriver) -> Any:
        p, a, b = d.params(self)
        z, y = d.ring.a, d.ring.b
        return (y * (1 - a * z) * (1 - b * z) - p * (1 - a * z) - (1 - p) * (1 - b * z)).num

    def _spec(self) -> str:
        if self.p == sympy.Rational(1, 2) and self.a == -1 and self.b == 1:
            return "symmetric_bernoulli()"
        return f"bernoulli(p={_fmt(self.p)}, a={_fmt(self.a)}, b={_fmt(self.b)})"

    def _latex(self, printer: Any) -> str:
        p, a, b = (printer._print(x) for x in (self.p, self.a, self.b))
        return rf"\mathrm{{Bernoulli}}\left({p}; {a}, {b}\right)"


@spec_constructor("bernoulli")
def bernoulli(p: Any, a: Any = 0, b: Any = 1) -> Bernoulli:
    """The two-point law ``p delta_b + (1-p) delta_a``, ``0 <= p <= 1``.

    >>> bernoulli(p=sympy.Rational(1, 3)).moments(3)
    (1/3, 1/3, 1/3)
    >>> bernoulli(p=2)
    Traceback (most recent call last):
    ...
    tpsym.errors.DomainError: p must lie in [0, 1], got p=2
    """
    pp = as_param(p, "p")
    if pp.is_number and not (0 <= pp <= 1):
        raise DomainError(f"p must lie in [0, 1], got p={pp}")
    return Bernoulli(pp, as_param(a, "a"), as_param(b, "b"))


@spec_constructor("symmetric_bernoulli")
def symmetric_bernoulli() -> Bernoulli:
    """The law ``(delta_{-1} + delta_1)/2``.

    >>> symmetric_bernoulli().moments(4)
    (0, 1, 0, 1)
    """
    return Bernoulli(sympy.Rational(1, 2), sympy.Integer(-1), sympy.Integer(1))


@dataclass(frozen=True, slots=True)
class Arcsine(Law):
    """The arcsine (equilibrium) law on ``[a, b]``.

    >>> arcsine().moments(6)  # central binomial coefficients, OEIS A000984
    (0, 2, 0, 6, 0, 20)
    """

    a: sympy.Expr = field(default_factory=lambda: sympy.Integer(-2))
    b: sympy.Expr = field(default_factory=lambda: sympy.Integer(2))

    def _params(self) -> tuple[sympy.Expr, ...]:
        return (self.a, self.b)

    def _moments(self, ctx: Context, n: int) -> list[Any]:
        F = ctx.field
        a, b = ctx.encode(self.a), ctx.encode(self.b)
        centre, half = (a + b) / 2, (b - a) / 2
        # E[cos^j U] = binom(j, j/2) / 2^j for even j, 0 for odd j
        cos_m = [F.from_int(1) if j == 0 else (F(math.comb(j, j // 2)) / 2**j if j % 2 == 0 else F.zero) for j in range(n + 1)]
        cp = [F.one]
        hp = [F.one]
        for _ in range(n):
            cp.append(cp[-1] * centre)
            hp.append(hp[-1] * half)
        out = []
        for k in range(1, n + 1):
            s = F.zero
            for j in range(0, k + 1, 2):
                s = s + cp[k - j] * hp[j] * cos_m[j] * math.comb(k, j)
            out.append(s)
        return out

    # -- density hooks (tpsym.laws._density.hooks) and lattice hooks (tpsym.laws.lattice) --
    _density_by_moments = False
    _subordination_kind = "none"

    def _density_atoms(self, d: Hooks) -> list[tuple[float, float]] | None:
        return []

    def _density_nonnegative(self, d: Hooks) -> bool | None:
        return d.num(self, self.a, "a") >= 0

    def _closed_density(self, d: Hooks) -> ClosedDensity | None:
        a, b = d.num(self, self.a, "a"), d.num(self, self.b, "b")
        return (lambda x: 1 / (math.pi * np.sqrt((x - a) * (b - x)))), [(a, b)], []

    # -- algebraic hooks (tpsym.laws.algebraic) --
    def _algebraic_p(self, d: Deriver) -> Any:
        a, b = d.params(self)
        z, y = d.ring.a, d.ring.b
        return (y * y * (1 - a * z) * (1 - b * z) - 1).num

    def _spec(self) -> str:
        if self.a == -2 and self.b == 2:
            return "arcsine()"
        return f"arcsine(a={_fmt(self.a)}, b={_fmt(self.b)})"

    def _latex(self, printer: Any) -> str:
        return rf"\mathrm{{Arcsine}}\left({printer._print(self.a)}, {printer._print(self.b)}\right)"


@spec_constructor("arcsine")
def arcsine(a: Any = -2, b: Any = 2) -> Arcsine:
    """The arcsine law on ``[a, b]`` (default ``[-2, 2]``, the law of ``u + u*`` for a Haar unitary ``u``).

    >>> arcsine(a=0, b=4).moments(2)
    (2, 6)
    """
    aa, bb = as_param(a, "a"), as_param(b, "b")
    if (bb - aa).is_positive is False:
        raise DomainError(f"the arcsine law needs a < b, got a={aa}, b={bb}")
    return Arcsine(aa, bb)


@dataclass(frozen=True, slots=True)
class Dirac(Law):
    """The point mass at ``a``.

    >>> dirac(3).moments(3)
    (3, 9, 27)
    """

    a: sympy.Expr

    def _params(self) -> tuple[sympy.Expr, ...]:
        return (self.a,)

    def _moments(self, ctx: Context, n: int) -> list[Any]:
        a = ctx.encode(self.a)
        out, p = [], ctx.field.one
        for _ in range(n):
            p = p * a
            out.append(p)
        return out

    def _s_transform(self, ctx: Context, n: int) -> list[Any]:
        a = ctx.encode(self.a)
        if ctx.field.is_zero(a):
            raise DomainError(f"{self} has mean 0 and no S-transform")
        return [ctx.field.inv(a)] + [ctx.field.zero] * (n - 1)

    # -- density hooks (tpsym.laws._density.hooks) and lattice hooks (tpsym.laws.lattice) --
    _density_by_moments = False

    def _density_atoms(self, d: Hooks) -> list[tuple[float, float]] | None:
        return [(d.num(self, self.a, "a"), 1.0)]

    def _density_nonnegative(self, d: Hooks) -> bool | None:
        return d.num(self, self.a, "a") >= 0

    def _closed_density(self, d: Hooks) -> ClosedDensity | None:
        return (lambda x: np.zeros_like(x)), [], d.atoms(self) or []

    def _product_factors(self, d: Hooks, mult: int) -> tuple[float, list[tuple[Law, int]]]:
        a = d.num(self, self.a, "a")
        if a <= 0:
            raise d.unsupported(f"{self}: subordination needs laws on (0, inf) for point masses")
        return a**mult, []

    # -- algebraic hooks (tpsym.laws.algebraic) --
    def _algebraic_p(self, d: Deriver) -> Any:
        (a,) = d.params(self)
        z, y = d.ring.a, d.ring.b
        return (y * (1 - a * z) - 1).num

    def _algebraic_s(self, d: Deriver) -> Any:
        (a,) = d.params(self)
        return (d.ring.b * a - 1).num

    def _spec(self) -> str:
        return f"dirac({_fmt(self.a)})"

    def _latex(self, printer: Any) -> str:
        return rf"\delta_{{{printer._print(self.a)}}}"


@spec_constructor("dirac")
def dirac(a: Any = 0) -> Dirac:
    """The point mass at ``a``.

    >>> dirac(sympy.Symbol("a")).moments(2)
    (a, a**2)
    """
    return Dirac(as_param(a, "a"))


@spec_constructor("haar_gram")
def haar_gram(sigma_w2: Any = 1) -> Dirac:
    """The law of ``W^T W`` for ``W = sigma_w O``, ``O`` Haar orthogonal: ``delta_{sigma_w^2}``.

    >>> haar_gram(sigma_w2=2).moments(3)
    (2, 4, 8)
    """
    s = as_param(sigma_w2, "sigma_w2")
    _sign_check(s, "sigma_w2", nonnegative=True)
    return Dirac(s)


@dataclass(frozen=True, slots=True)
class GenericLaw(Law):
    """A law whose k-th moment is the symbol ``{name}_k``.

    >>> generic_law("mu").moments(2)
    (mu_1, mu_2)
    """

    name: str

    def _params(self) -> tuple[sympy.Expr, ...]:
        return ()

    def moment_symbol(self, k: int) -> sympy.Symbol:
        """The symbol standing for the k-th moment."""
        return sympy.Symbol(f"{self.name}_{k}")

    def _order_symbols(self, n: int) -> set[sympy.Symbol]:
        return {self.moment_symbol(k) for k in range(1, n + 1)}

    def _moments(self, ctx: Context, n: int) -> list[Any]:
        return [ctx.encode(self.moment_symbol(k)) for k in range(1, n + 1)]

    def _moments_in_values(self, sequences: dict[str, Any]) -> list[Any] | None:
        seq = sequences.get(self.name)
        return None if seq is None else list(seq)

    # -- algebraic hooks (tpsym.laws.algebraic) --
    def _algebraic_p(self, d: Deriver) -> Any:
        raise DomainError(f"{self} has symbolic moments: its moment series is not known to be algebraic")

    def _spec(self) -> str:
        return f"law(moments={self.name})"

    def _latex(self, printer: Any) -> str:
        return printer._print(sympy.Symbol(self.name))


def generic_law(name: str = "mu") -> GenericLaw:
    """A generic law whose k-th moment is the symbol ``{name}_k``.

    Its moments stay symbols, so every derived quantity is a formula valid for
    every law. They are not counted among :attr:`Law.parameters`.

    >>> generic_law("m").cumulants(3)
    (m_1, -m_1**2 + m_2, 2*m_1**3 - 3*m_1*m_2 + m_3)
    """
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
        raise InputError(f"a generic law needs a plain identifier as its name, not {name!r}")
    return GenericLaw(name)



@spec_constructor("law")
def law_of_moments(moments: sympy.Expr) -> GenericLaw:
    """``law(moments=mu)`` of the spec language: the generic law whose k-th moment is the symbol ``mu_k``.

    >>> law_of_moments(sympy.Symbol("mu")) == generic_law("mu")
    True
    """
    if not isinstance(moments, sympy.Symbol):
        raise SpecError(f"law(moments=...) takes a bare name such as mu, got {moments}")
    return generic_law(name=moments.name)
