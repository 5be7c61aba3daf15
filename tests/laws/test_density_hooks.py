"""A new law is one class: its density hooks (tpsym.laws.base.Law._density_*) reach every route."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
import sympy

from tpsym.errors import DomainError
from tpsym.laws import boxplus, boxtimes, mp, scale, semicircle, shift
from tpsym.laws.base import Context, Law, spec_constructor
from tpsym.laws._density.atoms import _is_nonnegative, _structural_atoms
from tpsym.laws._density.values import _Values
from tpsym.laws.density import density
from tpsym.laws.lattice import lattice_moments


@dataclass(frozen=True, slots=True)
class Uniform(Law):
    """The uniform law on [a, b]: m_k = (b^(k+1) - a^(k+1)) / ((k + 1)(b - a))."""

    a: sympy.Expr = field(default_factory=lambda: sympy.Integer(0))
    b: sympy.Expr = field(default_factory=lambda: sympy.Integer(1))

    def _params(self) -> tuple[sympy.Expr, ...]:
        return (self.a, self.b)

    def _moments(self, ctx: Context, n: int) -> list[Any]:
        a, b = self.a, self.b
        return [ctx.encode((b ** (k + 1) - a ** (k + 1)) / ((k + 1) * (b - a))) for k in range(1, n + 1)]

    def _density_atoms(self, d: Any) -> list[tuple[float, float]] | None:
        return []

    def _density_nonnegative(self, d: Any) -> bool | None:
        return d.num(self, self.a, "a") >= 0

    def _closed_density(self, d: Any) -> Any:
        a, b = d.num(self, self.a, "a"), d.num(self, self.b, "b")
        return (lambda x: np.full_like(x, 1 / (b - a))), [(a, b)], []

    def _spec(self) -> str:
        return f"uniform_test_law({self.a}, {self.b})"

    def _latex(self, printer: Any) -> str:
        return r"\mathcal{U}"


@spec_constructor("uniform_test_law")
def uniform(a: Any = 0, b: Any = 1) -> Uniform:
    """The constructor the spec language calls: it checks the domain."""
    a, b = sympy.S(a), sympy.S(b)
    if (b - a).is_nonpositive:
        raise DomainError(f"uniform needs a < b, got a={a}, b={b}")
    return Uniform(a, b)


def test_a_new_class_with_a_closed_density_is_a_closed_form_and_its_moments_check():
    r = density(Uniform(), [0.25, 0.5, 2.0])
    assert r.method == "closed form"
    assert np.allclose(r.density, [1.0, 1.0, 0.0])
    assert r.support == ((0.0, 1.0),) and r.atoms == ()
    assert abs(r.mass - 1) < 1e-12
    assert max(r.moment_errors) < 1e-10  # quadrature of the closed form against the class's exact moments


def test_the_operations_carry_the_new_class_hooks():
    # 3 U + 1 is uniform on [1, 4]: the scaling's and the shift's hooks call the new class's
    r = density(shift(scale(Uniform(), 3), 1), [0.5, 2.0, 5.0])
    assert r.method == "closed form" and r.support == ((1.0, 4.0),)
    assert np.allclose(r.density, [0.0, 1 / 3, 0.0])
    # ⊠ with a free Poisson law: the product's atom rule (Belinschi 2003) asks the new class
    # (no atoms, on [0, inf)); MP(2) keeps its atom 1/2 at 0
    vals = _Values(None)
    u12 = Uniform(sympy.Integer(1), sympy.Integer(2))
    assert _structural_atoms(boxtimes(mp(ratio=2), u12), vals) == [(0.0, 0.5)]
    assert _is_nonnegative(boxtimes(mp(ratio=2), u12), vals) is True
    assert _is_nonnegative(boxtimes(mp(ratio=2), Uniform(sympy.Integer(-1), sympy.Integer(2))), vals) is None


def test_a_wrong_closed_density_in_a_new_class_is_caught_by_the_moment_check():
    @dataclass(frozen=True, slots=True)
    class Wrong(Uniform):
        def _closed_density(self, d: Any) -> Any:  # density 2 x on [0, 1]: not the uniform law's
            return (lambda x: 2 * x), [(0.0, 1.0)], []

    r = density(Wrong(), [0.5])
    assert max(r.moment_errors) > 0.05  # m_1 = 2/3 by the density, 1/2 by the exact moments


def test_without_hooks_a_new_class_is_a_law_known_by_its_moments():
    @dataclass(frozen=True, slots=True)
    class Plain(Law):  # the moments of MP(1) (Catalan numbers), nothing else
        def _moments(self, ctx: Context, n: int) -> list[Any]:
            return [ctx.encode(sympy.catalan(k)) for k in range(1, n + 1)]

        def _spec(self) -> str:
            return "plain()"

        def _latex(self, printer: Any) -> str:
            return "P"

    with pytest.raises(DomainError, match="known only by its moments"):
        density(Plain(), [0.0])
    # the defaults: no atoms, nonnegative by its Gauss rule, a factor of subordination by that rule
    vals = _Values(None)
    assert _structural_atoms(Plain(), vals) == [] and _is_nonnegative(Plain(), vals) is True
    r = density(boxtimes(mp(ratio=2), Plain()), [1.0, 3.0])
    assert r.atoms == ((0.0, 0.5),) and r.method.startswith("subordination")


def test_the_lattice_route_dispatches_on_the_class_hooks():
    law = boxplus(shift(semicircle(), 1), scale(mp(ratio=1), 2))
    assert lattice_moments(law, 6) == law.moments(6)
    u = Uniform()
    assert lattice_moments(boxtimes(u, u), 4) == boxtimes(u, u).moments(4)
    assert lattice_moments(u, 3) == (sympy.Rational(1, 2), sympy.Rational(1, 3), sympy.Rational(1, 4))
    assert math.isclose(float(lattice_moments(boxtimes(u, u), 1)[0]), 0.25)


def test_the_spec_language_reads_a_registered_constructor():
    from tpsym.spec import LAW_CONSTRUCTORS, parse_spec

    assert LAW_CONSTRUCTORS["uniform_test_law"] is uniform
    law = parse_spec("boxplus(uniform_test_law(0, 2), semicircle())")
    assert law == boxplus(Uniform(sympy.Integer(0), sympy.Integer(2)), semicircle())
    with pytest.raises(DomainError, match="a < b"):
        parse_spec("uniform_test_law(1, 1)")


def test_values_put_in_a_registered_law_meet_its_constructor_checks():
    a = sympy.Symbol("a")
    law = uniform(a, 1)  # symbolic: no check yet
    assert abs(density(law, [0.5], values={"a": 0}).density[0] - 1) < 1e-12
    with pytest.raises(DomainError, match="a < b"):
        density(law, [0.5], values={"a": 2})


def test_a_spec_name_is_registered_once():
    from tpsym.errors import InputError

    with pytest.raises(InputError, match="taken by"):
        spec_constructor("semicircle")(lambda: None)
    with pytest.raises(InputError, match="not a valid spec name"):
        spec_constructor("_hidden")(lambda: None)
