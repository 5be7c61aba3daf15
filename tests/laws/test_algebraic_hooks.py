"""A new law is one class: its algebraic hooks (tpsym.laws.base.Law._algebraic_*) reach every route."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import flint
import pytest
import sympy

from tpsym.errors import DomainError
from tpsym.laws import Context, boxplus, boxpower, boxtimes, mp, scale, semicircle, shift
from tpsym.laws.algebraic import Y, Z, algebraic_equation, cauchy_equation, cumulant_equation
from tpsym.laws.base import Law
from tpsym.free.cumulants import moments_from_cumulants_series
from tpsym.series import QQ


class _TestLaw(Law):
    """A law class of this file: its spec is its class name."""

    __slots__ = ()

    def _spec(self) -> str:
        return f"{type(self).__name__.lower()}_test_law()"

    def _latex(self, printer: Any) -> str:
        return rf"\mathrm{{{type(self).__name__}}}"


@dataclass(frozen=True, slots=True)
class LinearCumulants(_TestLaw):
    """The law with free cumulants kappa_n = n (C(w) = 1 + w / (1 - w)^2), known to tpsym by its free cumulants only."""

    def _free_cumulants(self, ctx: Context, n: int) -> list[Any]:
        return [ctx.field.from_int(k) for k in range(1, n + 1)]

    _algebraic_route = "free cumulant"

    def _algebraic_r(self, d: Any) -> Any:
        w, C = d.ring.a, d.ring.b
        d.step(f"{self}: C(w) = 1 + w / (1 - w)^2")
        return (C - 1) * (1 - w) ** 2 - w


@dataclass(frozen=True, slots=True)
class ThreePoints(_TestLaw):
    """The uniform law on {0, 1, 2}: M(z) = (1 + 1/(1 - z) + 1/(1 - 2z)) / 3, its own moment equation."""

    def _moments(self, ctx: Context, n: int) -> list[Any]:
        return [ctx.encode(sympy.Rational(1 + 2**k, 3)) for k in range(1, n + 1)]

    def _algebraic_p(self, d: Any) -> Any:
        z, y = d.ring.a, d.ring.b
        return 3 * y * (1 - z) * (1 - 2 * z) - (1 - z) * (1 - 2 * z) - (1 - 2 * z) - (1 - z)


@dataclass(frozen=True, slots=True)
class NoHooks(_TestLaw):
    """A law known by its moments only (the uniform law on [0, 1]): no algebraic hook."""

    def _moments(self, ctx: Context, n: int) -> list[Any]:
        return [ctx.encode(sympy.Rational(1, k + 1)) for k in range(1, n + 1)]


@dataclass(frozen=True, slots=True)
class ProductWithoutHook(_TestLaw):
    """A law that says its equation comes from its S-transform but gives none."""

    _algebraic_route = "S"

    def _moments(self, ctx: Context, n: int) -> list[Any]:
        return [ctx.field.one] * n


ORDER = 30


def _vanishes(expr: sympy.Expr, series: list[Any]) -> bool:
    """Whether expr(z, B(z)) = O(z^ORDER) (rational series)."""
    poly = sympy.Poly(expr, Z, Y)
    B = flint.fmpq_poly(series[:ORDER])
    acc = flint.fmpq_poly([])
    for j in range(poly.degree(Y), -1, -1):  # Horner in y, truncated below z^ORDER
        f = flint.fmpq_poly([0])
        for (i, jj), cf in poly.terms():
            if jj == j:
                f += flint.fmpq_poly([0] * i + [flint.fmpq(int(cf.p), int(cf.q))])
        acc = flint.fmpq_poly((acc * B + f).coeffs()[:ORDER])
    return acc.is_zero()


def _moment_series(law: Law) -> list[Any]:
    return [flint.fmpq(1), *Context(law, order=ORDER).moments(law, ORDER - 1)]


def test_a_class_with_only_a_free_cumulant_hook_gets_its_equations():
    law = LinearCumulants()
    P = algebraic_equation(law)
    # Q(w, C) = (C - 1)(1 - w)^2 - w; P(z, M) = Q(z M, M)
    assert cumulant_equation(law).expr == sympy.expand((Y - 1) * (1 - Z) ** 2 - Z)
    assert P.expr == sympy.expand((Y - 1) * (1 - Z * Y) ** 2 - Z * Y)
    assert P.derivation == ("linearcumulants_test_law(): C(w) = 1 + w / (1 - w)^2",)
    # independent: the moments from the cumulants kappa_n = n by the moment-cumulant formula
    kappa = [flint.fmpq(k) for k in range(1, ORDER)]
    assert _vanishes(P.expr, [flint.fmpq(1), *moments_from_cumulants_series(kappa, "free", QQ)])
    assert cauchy_equation(law).degree(sympy.Symbol("G")) == 3


def test_a_class_with_only_a_moment_hook_gets_its_equations():
    law = ThreePoints()
    P = algebraic_equation(law)
    assert P.degree == 1 and _vanishes(P.expr, _moment_series(law))
    assert _vanishes(cumulant_equation(law).expr, [flint.fmpq(1), *Context(law, order=ORDER).free_cumulants(law, ORDER - 1)])


@pytest.mark.parametrize(
    "law",
    [
        boxplus(LinearCumulants(), semicircle()),
        boxtimes(LinearCumulants(), mp(ratio=2)),  # the S-transform from P (mean 1)
        boxpower(ThreePoints(), 2),
        shift(scale(ThreePoints(), 3), -1),
        boxplus(ThreePoints(), LinearCumulants()),
    ],
    ids=str,
)
def test_the_operations_carry_the_new_class_hooks(law):
    P = algebraic_equation(law)
    assert _vanishes(P.expr, _moment_series(law))
    content, factors = sympy.factor_list(P.expr, Z, Y)
    assert content in (1, -1) and len(factors) == 1 and factors[0][1] == 1


def test_a_class_without_the_hooks_is_refused_by_name():
    with pytest.raises(DomainError, match=r"no algebraic equation is known for NoHooks \(nohooks_test_law\(\)\)"):
        algebraic_equation(NoHooks())
    with pytest.raises(DomainError, match="no algebraic equation is known for NoHooks"):
        algebraic_equation(boxplus(NoHooks(), semicircle()))
    with pytest.raises(DomainError, match="no algebraic equation is known for ProductWithoutHook .* no S-transform equation"):
        algebraic_equation(ProductWithoutHook())


@dataclass(frozen=True, slots=True)
class WrongSeed(ThreePoints):
    """ThreePoints' moments with a seed equation of another law (the uniform law on {0, 1}): one irreducible factor."""

    def _algebraic_p(self, d: Any) -> Any:
        z, y = d.ring.a, d.ring.b
        return 2 * y * (1 - z) - (1 - z) - 1


@pytest.mark.parametrize("build", [lambda: WrongSeed(), lambda: boxplus(WrongSeed(), semicircle()), lambda: boxtimes(WrongSeed(), mp(1))])
def test_a_wrong_seed_equation_is_caught_on_the_series(build):
    # a single factor is kept by the elimination without a comparison; the derived equation is
    # checked on the law's own series at the end, so a wrong step is an error, not a wrong equation
    with pytest.raises(DomainError, match="does not vanish on its series|no factor"):
        algebraic_equation(build())
