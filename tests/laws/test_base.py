"""Tests of tpsym.laws.base: orders, parameters as exact expressions, the public methods."""

from __future__ import annotations

import pytest
import sympy

from tpsym.errors import DomainError, InputError
from tpsym.laws import Context, boxplus, dirac, generic_law, mp, semicircle
from tpsym.laws.base import as_param, check_order

c = sympy.Symbol("c")


@pytest.mark.parametrize("order", [0, -2, 1.0, True, "3", None])
def test_bad_orders(order):
    with pytest.raises(InputError, match="order"):
        semicircle().moments(order)
    with pytest.raises(InputError, match="order"):
        check_order(order)


def test_moment_and_mean():
    law = mp(ratio=c)
    assert law.moment(0) == 1 and law.moment(2) == c + 1 and law.mean == 1
    with pytest.raises(InputError, match="non-negative integer"):
        law.moment(-1)


def test_unknown_cumulant_kind():
    with pytest.raises(InputError, match="unknown cumulant kind 'monotone'"):
        semicircle().cumulants(3, kind="monotone")


def test_cumulant_kinds_of_a_law():
    law = semicircle(variance=c)
    assert law.cumulants(4) == (0, c, 0, 0)
    assert law.cumulants(4, kind="classical") == (0, c, 0, -c**2)
    assert law.cumulants(4, kind="boolean") == (0, c, 0, c**2)
    assert law.r_transform(4) == law.cumulants(4)


def test_s_transform_errors_name_the_law():
    with pytest.raises(DomainError, match=r"semicircle\(\) has mean 0 and no S-transform"):
        semicircle().s_transform(2)
    with pytest.raises(DomainError, match=r"dirac\(0\) has mean 0 and no S-transform"):
        dirac(0).s_transform(2)
    assert dirac(c).s_transform(3) == (1 / c, 0, 0)


def test_as_param():
    assert as_param(3, "x") == 3 and as_param(sympy.sqrt(2), "x") == sympy.sqrt(2)
    with pytest.raises(DomainError, match="x=nan is not finite"):
        as_param(float("nan"), "x")
    with pytest.raises(DomainError, match="contains a float"):
        as_param(sympy.Float(0.5), "x")


def test_a_float_means_the_same_in_laws_nets_and_specs():
    # 0.5 and 0.1 are the decimals they print as, as the spec literals 0.5 and 0.1
    from tpsym.laws import bernoulli, semicircle
    from tpsym.nets import jacobian_law
    from tpsym.spec import parse_spec

    assert as_param(0.1, "x") == sympy.Rational(1, 10)
    assert semicircle(variance=0.5) == semicircle(variance=sympy.Rational(1, 2)) == parse_spec("semicircle(variance=0.5)")
    assert bernoulli(p=0.1) == parse_spec("bernoulli(p=0.1)")
    net = jacobian_law(activation="relu", sigma_w2=0.5, depth=2)
    assert net == parse_spec("jacobian(activation=relu, sigma_w2=0.5, depth=2)")
    assert net.mlp.sigma_w2 == sympy.Rational(1, 2)


def test_context_shares_one_field():
    law = boxplus(mp(ratio=c), generic_law("m"))
    ctx = Context(law, order=3)
    assert ctx.field.names == ("c", "m_1", "m_2", "m_3")
    assert [ctx.decode(x) for x in ctx.moments(law, 2)] == list(law.moments(2))


def test_walk():
    law = boxplus(semicircle(), boxplus(dirac(1), mp(ratio=2)))
    assert [str(x) for x in law.walk()] == [
        "boxplus(semicircle(), boxplus(dirac(1), mp(ratio=2)))",
        "semicircle()",
        "boxplus(dirac(1), mp(ratio=2))",
        "dirac(1)",
        "mp(ratio=2)",
    ]
