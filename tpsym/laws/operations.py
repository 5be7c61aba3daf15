"""Laws built from laws: free sums and products, their powers, scalings and shifts.

Free sums ⊞ add free cumulants; free products ⊠ multiply S-transforms (see
:mod:`tpsym.free.convolution`). A ⊠-power with a symbolic exponent ``L`` has
moments ``m_1^(k L)`` times polynomials in ``L``: the factor ``m_1^L`` is
carried as one internal generator of the field, so the computation stays
exact (see :mod:`tpsym.series.encode`).

Examples
--------
>>> from tpsym.laws import mp, boxtimes, boxpower
>>> boxtimes(mp(ratio=1), mp(ratio=1)).moments(4)  # Fuss–Catalan, OEIS A001764
(1, 3, 12, 55)
>>> L = sympy.Symbol("L")
>>> boxpower(mp(ratio=1), L).moments(2)
(1, L + 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from tpsym.errors import DomainError, InputError
from tpsym.free.convolution import boxtimes_kreweras, boxtimes_power_in, boxtimes_s
from tpsym.laws.base import Context, Law, as_param, spec_constructor
from tpsym.series import Series
from tpsym.utils import expr_str

if TYPE_CHECKING:
    from tpsym.laws._density.hooks import ClosedDensity, Hooks
    from tpsym.laws.algebraic import Deriver
    from tpsym.laws.lattice import _Lattice

__all__ = [
    "boxtimes_power",
    "BoxPlus",
    "BoxTimes",
    "BoxPower",
    "BoxPlusPower",
    "Scaled",
    "Shifted",
    "Dilated",
    "boxplus",
    "boxtimes",
    "boxpower",
    "boxplus_power",
    "fuss_catalan",
    "scale",
    "shift",
    "dilute",
    "compress",
]


def _check_laws(laws: tuple[Any, ...], op: str) -> tuple[Law, ...]:
    if len(laws) < 2:
        raise InputError(f"{op} needs at least two laws, got {len(laws)}")
    for i, law in enumerate(laws, 1):
        if not isinstance(law, Law):
            raise InputError(f"argument {i} of {op} is not a law: {law!r}")
    return laws


def _wrap(law: Law, printer: Any) -> str:
    s = printer._print(law)
    return rf"\left({s}\right)" if isinstance(law, (BoxPlus, BoxTimes, Shifted)) else s


@dataclass(frozen=True, slots=True)
class BoxPlus(Law):
    """The free additive convolution of two or more laws."""

    factors: tuple[Law, ...]

    def children(self) -> tuple[Law, ...]:
        return self.factors

    def _free_cumulants(self, ctx: Context, n: int) -> list[Any]:
        total = [ctx.field.zero] * n
        for f in self.factors:
            total = [a + b for a, b in zip(total, ctx.free_cumulants(f, n))]
        return total

    # -- density hooks (tpsym.laws._density.hooks) and lattice hooks (tpsym.laws.lattice) --
    _density_by_moments = False
    _subordination_kind = "none"

    def _density_atoms(self, d: Hooks) -> list[tuple[float, float]] | None:
        # Bercovici & Voiculescu (1998): a ⊞ b has an atom at u + v iff m_a(u) + m_b(v) > 1
        acc = d.atoms(self.factors[0])
        for f in self.factors[1:]:
            nxt = d.atoms(f)
            if acc is None or nxt is None:
                return None
            acc = d.merge_atoms([(a + b, m + n - 1) for a, m in acc for b, n in nxt if m + n > 1])
        return acc

    def _density_nonnegative(self, d: Hooks) -> bool | None:
        return True if all([d.nonnegative(f) for f in self.factors]) else None

    def _lattice_cumulants(self, lat: _Lattice, n: int) -> list[Any] | None:
        total = [lat.F.zero] * n
        for f in self.factors:
            total = [x + y for x, y in zip(total, lat.cumulants(f, n))]
        return total

    # -- algebraic hooks (tpsym.laws.algebraic) --
    _algebraic_route = "free cumulant"

    def _algebraic_r(self, d: Deriver) -> Any:
        Qs = [d.Q(f) for f in self.factors]
        acc = Qs[0]
        for i, Qi in enumerate(Qs[1:], 2):
            # the factor is chosen on the series of the partial sum of the first i laws
            # (the whole law's series fits only the last step)
            acc = d.add(acc, Qi, self if i == len(Qs) else BoxPlus(self.factors[:i]))
        d.step(f"{self}: free cumulant series add (resultant in C)")
        return acc

    def _spec(self) -> str:
        return f"boxplus({', '.join(f._spec() for f in self.factors)})"

    def _latex(self, printer: Any) -> str:
        return r" \boxplus ".join(_wrap(f, printer) for f in self.factors)


@spec_constructor("boxplus", laws="*")
def boxplus(*laws: Law) -> BoxPlus:
    """The free additive convolution ``a ⊞ b ⊞ ...`` (the law of a sum of free variables).

    >>> from tpsym.laws import semicircle
    >>> boxplus(semicircle(), semicircle()).moments(4)
    (0, 2, 0, 8)
    """
    return BoxPlus(_check_laws(laws, "boxplus"))


@dataclass(frozen=True, slots=True)
class BoxTimes(Law):
    """The free multiplicative convolution of two or more laws."""

    factors: tuple[Law, ...]

    def children(self) -> tuple[Law, ...]:
        return self.factors

    def _moments(self, ctx: Context, n: int) -> list[Any]:
        F = ctx.field
        means = [ctx.moments(f, 1)[0] for f in self.factors]
        if any(F.is_zero(m) for m in means):
            return boxtimes_kreweras([ctx.moments(f, n) for f in self.factors], F)
        return boxtimes_s([ctx.s_transform(f, n) for f in self.factors], F)

    def _s_transform(self, ctx: Context, n: int) -> list[Any]:
        means = [ctx.moments(f, 1)[0] for f in self.factors]
        if any(ctx.field.is_zero(m) for m in means):
            return Law._s_transform(self, ctx, n)
        S = Series(ctx.s_transform(self.factors[0], n), ctx.field, n)
        for f in self.factors[1:]:
            S = S * Series(ctx.s_transform(f, n), ctx.field, n)
        return list(S.coefficients)

    # -- density hooks (tpsym.laws._density.hooks) and lattice hooks (tpsym.laws.lattice) --
    _density_by_moments = False

    def _density_atoms(self, d: Hooks) -> list[tuple[float, float]] | None:
        # Belinschi (2003): for laws on [0, inf), a ⊠ b has an atom at uv != 0 iff m_a(u) + m_b(v) > 1
        if not d.nonnegative(self):
            return None
        acc = d.atoms(self.factors[0])
        for f in self.factors[1:]:
            nxt = d.atoms(f)
            if acc is None or nxt is None:
                return None
            zero = max([m for a, m in acc if a == 0] + [n for b, n in nxt if b == 0] + [0.0])
            rest = [(a * b, m + n - 1) for a, m in acc for b, n in nxt if a != 0 and b != 0 and m + n > 1]
            acc = d.merge_atoms(([(0.0, zero)] if zero > 0 else []) + rest)
        return acc

    def _density_nonnegative(self, d: Hooks) -> bool | None:
        return True if all([d.nonnegative(f) for f in self.factors]) else None

    def _product_factors(self, d: Hooks, mult: int) -> tuple[float, list[tuple[Law, int]]]:
        C, out = 1.0, []
        for f in self.factors:
            c, parts = d.product_factors(f, mult)
            C *= c
            out += parts
        return C, out

    def _free_product_factors(self) -> tuple[Law, ...]:
        return self.factors

    def _lattice_moments(self, lat: _Lattice, n: int) -> list[Any]:
        result = lat.moments(self.factors[0], n)
        for f in self.factors[1:]:
            result = lat._kreweras_product(result, lat.moments(f, n))
        return result

    # -- algebraic hooks (tpsym.laws.algebraic) --
    _algebraic_route = "S"

    def _algebraic_s(self, d: Deriver) -> Any:
        acc = d.T(self.factors[0])
        for i, f in enumerate(self.factors[1:], 2):
            acc = d.multiply(acc, d.T(f), self if i == len(self.factors) else BoxTimes(self.factors[:i]))
        d.step(f"{self}: S-transforms multiply (resultant in S)")
        return acc

    def _spec(self) -> str:
        return f"boxtimes({', '.join(f._spec() for f in self.factors)})"

    def _latex(self, printer: Any) -> str:
        return r" \boxtimes ".join(_wrap(f, printer) for f in self.factors)


@spec_constructor("boxtimes", laws="*")
def boxtimes(*laws: Law) -> BoxTimes:
    """The free multiplicative convolution ``a ⊠ b ⊠ ...``: moments ``phi((ab)^n)`` for free ``a, b``.

    Computed through S-transforms when every factor has a non-zero mean,
    otherwise by the power-series equations of the first-block
    decomposition (any order; see :mod:`tpsym.free.convolution`).

    >>> from tpsym.laws import mp
    >>> boxtimes(mp(ratio=sympy.Rational(1, 2)), mp(ratio=sympy.Rational(1, 3))).moments(2)
    (1, 11/6)
    """
    return BoxTimes(_check_laws(laws, "boxtimes"))


@dataclass(frozen=True, slots=True)
class BoxPower(Law):
    """The ⊠-power ``base^{⊠ exponent}``."""

    base: Law
    exponent: sympy.Expr

    def children(self) -> tuple[Law, ...]:
        return (self.base,)

    def _params(self) -> tuple[sympy.Expr, ...]:
        return (self.exponent,)

    def _unit_symbol(self) -> sympy.Symbol:
        return sympy.Symbol(self._internal_name("u"))

    def _by_series_power(self) -> bool:
        """Whether the moments come from ``S^t`` as a series power (polynomial in ``t``), not ``t - 1`` products."""
        return not self.exponent.is_Integer or self.exponent > DIRECT_POWER_MAX

    def _internal_symbols(self, n: int) -> dict[sympy.Symbol, sympy.Expr]:
        if not self._by_series_power():
            return {}
        mean = self.base.mean
        if self.exponent.is_Integer:
            if mean == 0:  # refused by _moments
                return {}
            _check_power_of_mean(self, mean, int(self.exponent), n)
        return {self._unit_symbol(): mean**self.exponent}

    def _moments(self, ctx: Context, n: int) -> list[Any]:
        F = ctx.field
        mean = ctx.moments(self.base, 1)[0]
        if F.is_zero(mean):
            if not self.exponent.is_Integer:
                raise DomainError(f"{self}: a ⊠-power with exponent {self.exponent} needs a base of non-zero mean")
            if self.exponent > DIRECT_POWER_MAX:
                raise DomainError(
                    f"{self}: a ⊠-power of a law of mean 0 is a product of its factors, "
                    f"computed up to the exponent {DIRECT_POWER_MAX=}"
                )
            return boxtimes_kreweras([ctx.moments(self.base, n)] * int(self.exponent), F)
        if self.exponent.is_number and not self.exponent.is_Integer:
            m1 = ctx.decode(mean)
            if m1.is_number and m1.is_negative:
                raise DomainError(
                    f"{self}: a ⊠-power with the non-integer exponent {self.exponent} needs a base of "
                    f"positive mean (m_1 = {m1}: its power m_1^{self.exponent} is not real)"
                )
        s = ctx.s_transform(self.base, n)
        if not self._by_series_power():
            return boxtimes_s([s] * int(self.exponent), F)
        # a symbolic or a large exponent: the moments are m_1^(k t) times polynomials in t
        unit = ctx.encode(self._unit_symbol())
        return boxtimes_power_in(s, ctx.encode(self.exponent), unit, F)

    # -- density hooks (tpsym.laws._density.hooks) and lattice hooks (tpsym.laws.lattice) --
    _density_by_moments = False

    def _density_atoms(self, d: Hooks) -> list[tuple[float, float]] | None:
        if not d.nonnegative(self):
            return None
        t = d.num(self, self.exponent, "exponent")
        base = d.atoms(self.base)
        if base is None:
            return None
        return d.merge_atoms([(0.0, m) for a, m in base if a == 0] + [(a**t, t * m - (t - 1)) for a, m in base if a != 0])

    def _density_nonnegative(self, d: Hooks) -> bool | None:
        return d.nonnegative(self.base)

    def _closed_density(self, d: Hooks) -> ClosedDensity | None:
        # Fuss–Catalan: mp(ratio=1)^{⊠ s} (Haagerup & Möller, arXiv 1211.4457)
        from tpsym.laws.catalogue import FreePoisson

        s = sympy.S(self.exponent)
        if self.base == FreePoisson() and s.is_Integer:
            k = int(s)
            return d.fuss_catalan(k), [(0.0, (k + 1) ** (k + 1) / k**k)], []
        return None

    def _product_factors(self, d: Hooks, mult: int) -> tuple[float, list[tuple[Law, int]]]:
        e = sympy.S(self.exponent).xreplace(d.vals.all_numbers()) if self.exponent.free_symbols else self.exponent
        if not (e.is_Integer and e >= 1):
            raise d.unsupported(f"exponent={self.exponent} of {self}: subordination handles integer ⊠-powers only")
        return d.product_factors(self.base, mult * int(e))

    def _free_product_factors(self) -> tuple[Law, ...]:
        return (self.base, self.base) if sympy.S(self.exponent) != 1 else ()

    def _lattice_moments(self, lat: _Lattice, n: int) -> list[Any]:
        if not self.exponent.is_Integer:
            raise DomainError(f"{self}: a ⊠-power with the symbolic exponent {self.exponent} has no lattice formula")
        if self.exponent > DIRECT_POWER_MAX:
            raise DomainError(f"{self}: the lattice route multiplies the factors of a ⊠-power up to the exponent {DIRECT_POWER_MAX}")
        base = lat.moments(self.base, n)
        result = base
        for _ in range(int(self.exponent) - 1):
            result = lat._kreweras_product(result, base)
        return result

    # -- algebraic hooks (tpsym.laws.algebraic) --
    _algebraic_route = "S"

    def _algebraic_s(self, d: Deriver) -> Any:
        L = sympy.S(self.exponent)
        if not (L.is_Rational and L > 0):
            raise DomainError(f"{self}: a ⊠-power with the exponent {self.exponent} is not algebraic in general (an exponent must be a positive rational number)")
        return d.power(d.T(self.base), L, self)

    def _spec(self) -> str:
        return f"boxpower({self.base._spec()}, {expr_str(self.exponent)})"

    def _latex(self, printer: Any) -> str:
        inner = rf"\left({printer._print(self.base)}\right)"
        return rf"{inner}^{{\boxtimes {printer._print(self.exponent)}}}"


#: Largest integer exponent of a ⊠-power computed as a product of its factors;
#: above it ``S^t`` is a series power whose coefficients are polynomials in
#: ``t`` (``boxpower(mp(ratio=1), 10**8)`` as fast as ``boxpower(mp(ratio=1), L)``).
DIRECT_POWER_MAX = 64
#: Most bits of ``m_1^(n t)``, the factor of the n-th moment of a large ⊠-power.
MAX_POWER_BITS = 40_000
#: Highest degree of ``m_1^(n t)`` in the parameters, for a base of symbolic mean.
MAX_POWER_DEGREE = 10_000


def _check_power_of_mean(law: Law, mean: sympy.Expr, t: int, n: int) -> None:
    """Refuse a ⊠-power whose moments ``m_1^(k t) P_k(t)`` would be too large to write down."""
    coefficient, rest = mean.as_coeff_Mul()
    if not coefficient.is_Rational or (rest != 1 and (rest.is_number or rest.has(sympy.Add))):
        # an irrational number or a sum: its power would be expanded
        raise DomainError(
            f"{law}: the mean {mean} of the base raised to the exponent {t} is too large to write down: "
            f"an integer exponent above {DIRECT_POWER_MAX=} needs a base whose mean is a rational number or a monomial"
        )
    degree = t * n * (sympy.Poly(rest).total_degree() if rest != 1 else 0)
    if degree > MAX_POWER_DEGREE:
        raise DomainError(
            f"{law}: its moment m_{n} has the factor ({rest})^({n}*{t}), of degree {degree}: more than {MAX_POWER_DEGREE=}"
        )
    bits = t * n * max(int(coefficient.p).bit_length(), int(coefficient.q).bit_length()) if abs(coefficient) != 1 else 0
    if bits > MAX_POWER_BITS:
        raise DomainError(
            f"{law}: its moment m_{n} has the factor ({coefficient})^({n}*{t}), about {bits} bits: more than {MAX_POWER_BITS=}"
        )


def _check_exponent(t: Any, op: str) -> sympy.Expr:
    e = as_param(t, "exponent")
    if e.is_number and e < 1:
        raise DomainError(f"{op} needs an exponent >= 1, got {e}")
    if e.is_positive is False:
        raise DomainError(f"{op} needs a positive exponent, got {e}")
    return e


@spec_constructor("boxpower", laws=0)
def boxpower(law: Law, exponent: Any) -> BoxPower:
    """The ⊠-power of a law: the law of a product of ``exponent`` free copies.

    ``exponent`` is an integer ``>= 1``, a rational ``>= 1`` or a symbol; with
    a symbol ``L`` the k-th moment is ``m_1^(k L)`` times a polynomial in ``L``.

    Examples
    --------
    Products of free Marchenko–Pastur laws give Fuss–Catalan numbers
    ``binom((L+1)k, k)/(L k + 1)`` (OEIS A001764 at L = 2):

    >>> from tpsym.laws import mp
    >>> boxpower(mp(ratio=1), 2).moments(4)
    (1, 3, 12, 55)
    """
    if not isinstance(law, Law):
        raise InputError(f"boxpower needs a law as its first argument, not {law!r}")
    return BoxPower(law, _check_exponent(exponent, "boxpower"))


@spec_constructor("fuss_catalan")
def fuss_catalan(s: Any = 2, ratio: Any = 1) -> BoxPower:
    """The Fuss–Catalan law: the ⊠-power ``mp(ratio)^{⊠ s}``.

    Its moments at ``ratio = 1`` are the Fuss–Catalan numbers
    ``binom((s+1)k, k)/(s k + 1)`` (OEIS A001764 for s = 2, A002293 for s = 3).

    >>> fuss_catalan(3).moments(4)
    (1, 4, 22, 140)
    """
    from tpsym.laws.catalogue import marchenko_pastur

    return boxpower(marchenko_pastur(ratio), s)


@dataclass(frozen=True, slots=True)
class BoxPlusPower(Law):
    """The ⊞-power ``base^{⊞ exponent}`` (free cumulants times ``exponent``)."""

    base: Law
    exponent: sympy.Expr

    def children(self) -> tuple[Law, ...]:
        return (self.base,)

    def _params(self) -> tuple[sympy.Expr, ...]:
        return (self.exponent,)

    def _free_cumulants(self, ctx: Context, n: int) -> list[Any]:
        t = ctx.encode(self.exponent)
        return [k * t for k in ctx.free_cumulants(self.base, n)]

    # -- density hooks (tpsym.laws._density.hooks) and lattice hooks (tpsym.laws.lattice) --
    _density_by_moments = False
    _subordination_kind = "none"

    def _density_atoms(self, d: Hooks) -> list[tuple[float, float]] | None:
        t = d.num(self, self.exponent, "exponent")
        base = d.atoms(self.base)
        return None if base is None else d.merge_atoms([(t * a, t * m - (t - 1)) for a, m in base])

    def _density_nonnegative(self, d: Hooks) -> bool | None:
        return d.nonnegative(self.base)

    def _lattice_cumulants(self, lat: _Lattice, n: int) -> list[Any] | None:
        t = lat.ctx.encode(self.exponent)
        return [x * t for x in lat.cumulants(self.base, n)]

    # -- algebraic hooks (tpsym.laws.algebraic) --
    _algebraic_route = "free cumulant"

    def _algebraic_r(self, d: Deriver) -> Any:
        (t,) = d.params(self)
        base = d.Q(self.base)
        d.step(f"{self}: C(w) = 1 + {self.exponent} (C_base(w) - 1)")
        return d.subs(base, b=(t.num + (d.ring.b - 1) * t.den, t.num))

    def _spec(self) -> str:
        return f"boxplus_power({self.base._spec()}, {expr_str(self.exponent)})"

    def _latex(self, printer: Any) -> str:
        return rf"\left({printer._print(self.base)}\right)^{{\boxplus {printer._print(self.exponent)}}}"


@spec_constructor("boxplus_power", laws=0)
def boxplus_power(law: Law, exponent: Any) -> BoxPlusPower:
    """The ⊞-power ``law^{⊞ t}``, ``t >= 1`` (Nica–Speicher, Corollary 14.13: it exists for every law).

    >>> from tpsym.laws import semicircle
    >>> boxplus_power(semicircle(), 3).moments(2)
    (0, 3)
    """
    if not isinstance(law, Law):
        raise InputError(f"boxplus_power needs a law as its first argument, not {law!r}")
    return BoxPlusPower(law, _check_exponent(exponent, "boxplus_power"))


@dataclass(frozen=True, slots=True)
class Scaled(Law):
    """The law of ``c X`` for ``X`` of law ``base``."""

    base: Law
    factor: sympy.Expr

    def children(self) -> tuple[Law, ...]:
        return (self.base,)

    def _params(self) -> tuple[sympy.Expr, ...]:
        return (self.factor,)

    def _moments(self, ctx: Context, n: int) -> list[Any]:
        c = ctx.encode(self.factor)
        out, p = [], ctx.field.one
        for m in ctx.moments(self.base, n):
            p = p * c
            out.append(m * p)
        return out

    # -- density hooks (tpsym.laws._density.hooks) and lattice hooks (tpsym.laws.lattice) --
    _density_by_moments = False

    def _density_atoms(self, d: Hooks) -> list[tuple[float, float]] | None:
        c = d.num(self, self.factor, "factor")
        if c == 0:
            return [(0.0, 1.0)]
        base = d.atoms(self.base)
        return None if base is None else d.merge_atoms([(c * a, m) for a, m in base])

    def _density_nonnegative(self, d: Hooks) -> bool | None:
        c = d.num(self, self.factor, "factor")
        return True if c == 0 else (d.nonnegative(self.base) if c > 0 else None)

    def _closed_density(self, d: Hooks) -> ClosedDensity | None:
        c = d.num(self, self.factor, "factor")
        inner = d.closed(self.base)
        if inner is None:
            return None
        if c == 0:
            return (lambda x: np.zeros_like(x)), [], [(0.0, 1.0)]
        f, supp, at = inner
        scaled = [(min(c * a, c * b), max(c * a, c * b)) for a, b in supp]
        return (lambda x: f(x / c) / abs(c)), scaled, [(c * a, m) for a, m in at]

    def _product_factors(self, d: Hooks, mult: int) -> tuple[float, list[tuple[Law, int]]]:
        c = d.num(self, self.factor, "factor")
        if c <= 0:
            raise d.unsupported(f"{self}: subordination needs positive scalings (laws on [0, inf))")
        c2, parts = d.product_factors(self.base, mult)
        return c**mult * c2, parts

    def _lattice_moments(self, lat: _Lattice, n: int) -> list[Any]:
        c = lat.ctx.encode(self.factor)
        out, p = [], lat.F.one
        for m in lat.moments(self.base, n):
            p = p * c
            out.append(m * p)
        return out

    # -- algebraic hooks (tpsym.laws.algebraic) --
    def _algebraic_p(self, d: Deriver) -> Any:
        (c,) = d.params(self)
        d.step(f"{self}: M(z) = M_base({self._params()[0]} z)")
        return d.subs(d.P(self.base), a=(c.num * d.ring.a, c.den))

    def _spec(self) -> str:
        return f"scale({self.base._spec()}, {expr_str(self.factor)})"

    def _latex(self, printer: Any) -> str:
        return rf"{printer._print(self.factor)} \cdot {_wrap(self.base, printer)}"


@spec_constructor("scale", laws=0)
def scale(law: Law, factor: Any) -> Scaled:
    """The law of ``factor * X``.

    >>> from tpsym.laws import semicircle
    >>> scale(semicircle(), 3).moments(2)
    (0, 9)
    """
    if not isinstance(law, Law):
        raise InputError(f"scale needs a law as its first argument, not {law!r}")
    return Scaled(law, as_param(factor, "factor"))


@dataclass(frozen=True, slots=True)
class Shifted(Law):
    """The law of ``X + c`` (only the first free cumulant moves)."""

    base: Law
    shift: sympy.Expr

    def children(self) -> tuple[Law, ...]:
        return (self.base,)

    def _params(self) -> tuple[sympy.Expr, ...]:
        return (self.shift,)

    def _free_cumulants(self, ctx: Context, n: int) -> list[Any]:
        kap = list(ctx.free_cumulants(self.base, n))
        kap[0] = kap[0] + ctx.encode(self.shift)
        return kap

    # -- density hooks (tpsym.laws._density.hooks) and lattice hooks (tpsym.laws.lattice) --
    _density_by_moments = False
    _subordination_kind = "none"

    def _density_atoms(self, d: Hooks) -> list[tuple[float, float]] | None:
        s = d.num(self, self.shift, "shift")
        base = d.atoms(self.base)
        return None if base is None else [(a + s, m) for a, m in base]

    def _density_nonnegative(self, d: Hooks) -> bool | None:
        b = d.nonnegative(self.base)
        return True if (b and d.num(self, self.shift, "shift") >= 0) else None

    def _closed_density(self, d: Hooks) -> ClosedDensity | None:
        s = d.num(self, self.shift, "shift")
        inner = d.closed(self.base)
        if inner is None:
            return None
        f, supp, at = inner
        return (lambda x: f(x - s)), [(a + s, b + s) for a, b in supp], [(a + s, m) for a, m in at]

    def _lattice_cumulants(self, lat: _Lattice, n: int) -> list[Any] | None:
        kap = list(lat.cumulants(self.base, n))
        kap[0] = kap[0] + lat.ctx.encode(self.shift)
        return kap

    # -- algebraic hooks (tpsym.laws.algebraic) --
    _algebraic_route = "free cumulant"

    def _algebraic_r(self, d: Deriver) -> Any:
        (c,) = d.params(self)
        base = d.Q(self.base)
        d.step(f"{self}: C(w) = C_base(w) + {self.shift} w")
        return d.subs(base, b=(d.ring.b * c.den - c.num * d.ring.a, c.den))

    def _spec(self) -> str:
        return f"shift({self.base._spec()}, {expr_str(self.shift)})"

    def _latex(self, printer: Any) -> str:
        return rf"{_wrap(self.base, printer)} + {printer._print(self.shift)}"


@spec_constructor("shift", laws=0)
def shift(law: Law, amount: Any) -> Shifted:
    """The law of ``X + amount``.

    >>> from tpsym.laws import semicircle
    >>> shift(semicircle(), 1).moments(3)
    (1, 2, 4)
    """
    if not isinstance(law, Law):
        raise InputError(f"shift needs a law as its first argument, not {law!r}")
    return Shifted(law, as_param(amount, "shift"))


@dataclass(frozen=True, slots=True)
class Dilated(Law):
    """The law of an operator of law ``base`` on a subspace of relative size ``fraction``.

    Moments ``m_k = c·m_k(base)`` for ``k >= 1`` (``c = fraction``): the law
    ``(1 − c) δ_0 + c·base``, which is the eigenvalue law of a matrix of size
    ``c N`` padded with zeros to size ``N``.
    """

    base: Law
    fraction: sympy.Expr

    def children(self) -> tuple[Law, ...]:
        return (self.base,)

    def _params(self) -> tuple[sympy.Expr, ...]:
        return (self.fraction,)

    def _moments(self, ctx: Context, n: int) -> list[Any]:
        c = ctx.encode(self.fraction)
        return [m * c for m in ctx.moments(self.base, n)]

    # -- density hooks (tpsym.laws._density.hooks) and lattice hooks (tpsym.laws.lattice) --
    _density_by_moments = False
    _subordination_kind = "none"

    def _density_atoms(self, d: Hooks) -> list[tuple[float, float]] | None:
        c = d.num(self, self.fraction, "fraction")
        base = d.atoms(self.base)
        return None if base is None else d.dilute_atoms(base, c)

    def _density_nonnegative(self, d: Hooks) -> bool | None:
        return d.nonnegative(self.base)

    def _dilution(self) -> tuple[Law, sympy.Expr] | None:
        return self.base, self.fraction

    def _lattice_moments(self, lat: _Lattice, n: int) -> list[Any]:
        c = lat.ctx.encode(self.fraction)
        return [m * c for m in lat.moments(self.base, n)]

    # -- algebraic hooks (tpsym.laws.algebraic) --
    def _algebraic_p(self, d: Deriver) -> Any:
        (c,) = d.params(self)
        d.step(f"{self}: M(z) = 1 + {self._params()[0]} (M_base(z) - 1)")
        return d.subs(d.P(self.base), b=(c.num + (d.ring.b - 1) * c.den, c.num))

    def _spec(self) -> str:
        return f"dilute({self.base._spec()}, {expr_str(self.fraction)})"

    def _latex(self, printer: Any) -> str:
        c = printer._print(self.fraction)
        return rf"\left(1 - {c}\right)\delta_0 + {c} \cdot {_wrap(self.base, printer)}"


def _check_fraction(value: Any, op: str) -> sympy.Expr:
    c = as_param(value, "fraction")
    if c.is_number and not (c.is_positive and c <= 1):
        raise DomainError(f"{op} needs a fraction in (0, 1], got {c}")
    if c.is_positive is False:
        raise DomainError(f"{op} needs a positive fraction, got {c}")
    return c


@spec_constructor("dilute", laws=0)
def dilute(law: Law, fraction: Any) -> Dilated:
    """The law ``(1 − c) δ_0 + c·law`` of a matrix of law ``law`` and size ``cN``, padded with zeros to size ``N``.

    ``fraction = c`` lies in ``(0, 1]`` (a symbol is taken to). Its S-transform
    is ``S(z) = (1 + z)/(c + z) · S_law(z/c)`` (from ``ψ(z) = c ψ_law(z)``).
    This is how rectangular layers enter the law of a network's ``J Jᵀ``
    (:func:`tpsym.nets.jacobian_law` with ``widths``).

    Examples
    --------
    >>> from tpsym.laws import mp, boxtimes, dirac
    >>> dilute(mp(ratio=1), sympy.Rational(1, 2)).moments(3)
    (1/2, 1, 5/2)

    A Wishart matrix ``W Wᵀ``, ``W`` of size ``N × M`` with ``M <= N`` and
    entries of variance ``1/M``, is ``W̃ P W̃ᵀ`` for a square ``W̃`` and a
    projection ``P`` of trace ``c = M/N``; so ``mp(ratio=N/M)`` is
    ``dilute(dirac(1), c) ⊠ mp(ratio=1)`` scaled by ``1/c``:

    >>> c = sympy.Symbol("c", positive=True)
    >>> from tpsym.laws import scale
    >>> scale(boxtimes(dilute(dirac(1), c), mp(ratio=1)), 1 / c).moments(3) == mp(ratio=1 / c).moments(3)
    True
    """
    if not isinstance(law, Law):
        raise InputError(f"dilute needs a law as its first argument, not {law!r}")
    return Dilated(law, _check_fraction(fraction, "dilute"))


@spec_constructor("compress", laws=0)
def compress(law: Law, fraction: Any) -> Scaled:
    """The law of ``P X P`` on the range of ``P``: a projection of trace ``t = fraction`` free from ``X``.

    ``scale(boxplus_power(law, 1/t), t)`` (Nica–Speicher, Lectures on the
    Combinatorics of Free Probability, Theorem 14.10); ``t`` in ``(0, 1]``.

    >>> from tpsym.laws import semicircle
    >>> compress(semicircle(), sympy.Rational(1, 4)).moments(2)  # variance t
    (0, 1/4)
    """
    if not isinstance(law, Law):
        raise InputError(f"compress needs a law as its first argument, not {law!r}")
    t = _check_fraction(fraction, "compress")
    return scale(boxplus_power(law, 1 / t), t)


#: :func:`boxpower` under the name of its counterpart on moment sequences, :func:`tpsym.free.boxtimes_power`.
boxtimes_power = boxpower
