"""Spectral densities: closed forms, the polynomial method, subordination, checks, CLI."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy

from tpsym.errors import DomainError, InputError
from tpsym.laws import (
    arcsine,
    bernoulli,
    boxplus,
    boxpower,
    boxtimes,
    dirac,
    free_poisson,
    generic_law,
    mp,
    scale,
    semicircle,
    shift,
)
from tpsym.laws.algebraic import cauchy_equation
from tpsym.laws.density import _Product, _gauss_rule, _Values, atoms, density, parse_grid, support

HALF = sympy.Rational(1, 2)


def relu_jacobian(depth: int):
    """JJ^T of a ReLU network at criticality, Gaussian weights, sigma_w^2 = 2 (Pennington et al., arXiv 1711.04735)."""
    return boxpower(boxtimes(bernoulli(HALF, 0, 1), scale(mp(ratio=1), 2)), depth)


# -- closed forms --------------------------------------------------------------------
def test_semicircle_closed_form():
    # density sqrt(4 v - (x - a)^2) / (2 pi v) (Nica–Speicher, Lecture 11)
    v, a = 2.0, 1.0
    x = np.linspace(-3, 5, 81)
    r = density(semicircle(variance=2, mean=1), x)
    expect = np.sqrt(np.maximum(4 * v - (x - a) ** 2, 0)) / (2 * math.pi * v)
    assert np.allclose(r.density, expect, atol=1e-14)
    assert r.support == ((a - 2 * math.sqrt(v), a + 2 * math.sqrt(v)),)
    assert r.atoms == () and abs(r.mass - 1) < 1e-9


@pytest.mark.parametrize("c", [Fraction(1, 2), Fraction(2), Fraction(1)])
def test_marchenko_pastur_closed_form(c):
    # MP(c): sqrt((b - x)(x - a)) / (2 pi c x) on [(1 - sqrt c)^2, (1 + sqrt c)^2], atom 1 - 1/c at 0 if c > 1
    cf = float(c)
    lo, hi = (1 - math.sqrt(cf)) ** 2, (1 + math.sqrt(cf)) ** 2
    x = np.linspace(0.01, 6, 200)
    r = density(mp(ratio=sympy.Rational(c.numerator, c.denominator)), x)
    expect = np.sqrt(np.maximum((hi - x) * (x - lo), 0)) / (2 * math.pi * cf * x)
    assert np.allclose(r.density, expect, atol=1e-12)
    assert r.atoms == (((0.0, 1 - 1 / cf),) if cf > 1 else ())
    assert abs(r.mass - 1) < 1e-8
    assert max(r.moment_errors) < 1e-9


def test_free_poisson_atom_and_moments():
    # rate 1/3 < 1: atom 2/3 at 0; moments are Narayana polynomials (OEIS A001263)
    r = density(free_poisson(rate=sympy.Rational(1, 3), jump=2), "0:10:101")
    assert r.atoms == ((0.0, pytest.approx(2 / 3)),)
    assert abs(r.mass - 1) < 1e-8 and max(r.moment_errors) < 1e-9


def test_bernoulli_and_dirac_are_atoms_only():
    r = density(bernoulli(sympy.Rational(1, 3), -1, 2), [-1.0, 0.0, 2.0])
    assert r.atoms == ((-1.0, pytest.approx(2 / 3)), (2.0, pytest.approx(1 / 3)))
    assert r.support == () and not r.density.any()
    assert atoms(dirac(3)) == ((3.0, 1.0),)


@pytest.mark.parametrize("s", [2, 3, 5])
def test_fuss_catalan_closed_form_moments(s):
    # moments binom((s+1)k, k) / (s k + 1): OEIS A001764 (s=2), A002293 (s=3), A002295 (s=5)
    r = density(boxpower(mp(ratio=1), s), [1.0], check_moments=4)
    assert r.method == "closed form"
    assert r.support == ((0.0, pytest.approx((s + 1) ** (s + 1) / s**s)),)
    for k, (q, e) in enumerate(r.moments, 1):
        assert e == math.comb((s + 1) * k, k) / (s * k + 1)
        assert abs(q - e) <= 1e-7 * e
    assert abs(r.mass - 1) < 1e-6


# -- the polynomial method -------------------------------------------------------------
@pytest.mark.parametrize(
    "law",
    [semicircle(), semicircle(variance=3, mean=-1), mp(ratio=2), mp(ratio=HALF), arcsine(a=0, b=4), shift(scale(mp(ratio=3), -2), 1)],
    ids=str,
)
def test_polynomial_method_agrees_with_closed_form(law):
    x = np.linspace(-8, 8, 321)
    closed = density(law, x, method="closed form")
    poly = density(law, x, method="polynomial")
    assert poly.method.startswith("polynomial method, degree 2")
    finite = np.isfinite(closed.density) & np.isfinite(poly.density)
    assert np.allclose(poly.density[finite], closed.density[finite], atol=1e-8, rtol=1e-7)
    assert np.allclose(np.array(poly.support), np.array(closed.support), atol=1e-12)
    assert [a for a, _ in poly.atoms] == pytest.approx([a for a, _ in closed.atoms])
    assert [m for _, m in poly.atoms] == pytest.approx([m for _, m in closed.atoms])


def _series_residual(law, order=14):
    """P(z, G(z)) with G = sum m_n z^(-n-1) from law.moments: must vanish to the order used."""
    P = cauchy_equation(law)
    z, G, w = sympy.symbols("z G w")
    m = (1,) + law.moments(order)
    g = sum(sympy.Integer(1) * mk * w ** (k + 1) for k, mk in enumerate(m))
    expr = sympy.expand(P.as_expr().subs({z: 1 / w, G: g}) * w ** P.degree(z))
    return [expr.coeff(w, k) for k in range(order)]


@pytest.mark.parametrize("law", [boxplus(semicircle(), mp(ratio=1)), relu_jacobian(1), relu_jacobian(3), boxtimes(mp(ratio=2), mp(ratio=HALF))], ids=str)
def test_algebraic_equation_vanishes_on_moment_series(law):
    # two routes: the equation (resultants) against the moments (series of tpsym.free)
    assert all(c == 0 for c in _series_residual(law))


def test_algebraic_equation_of_fuss_catalan():
    # G of mp(1)^{⊠ s} satisfies z^s G^(s+1) - z^s G^s + 1 = 0 ... up to normalisation: degree s + 1
    for s in (1, 2, 3):
        assert cauchy_equation(boxpower(mp(ratio=1), s)).degree(sympy.Symbol("G")) == s + 1


def test_boxplus_polynomial_method():
    # semicircle ⊞ MP(1) is a cubic: no closed form in tpsym
    r = density(boxplus(semicircle(), mp(ratio=1)), np.linspace(-3, 6, 181))
    assert r.method == "polynomial method, degree 3"
    assert abs(r.mass - 1) < 1e-9 and max(r.moment_errors) < 1e-9


@pytest.mark.parametrize("depth", range(1, 9))
def test_relu_jacobian_density(depth):
    law = relu_jacobian(depth)
    x = np.linspace(-1, 6 * depth + 6, 400)
    r = density(law, x)
    assert r.method.startswith(f"polynomial method, degree {depth + 1}")
    # ReLU D^2 has an atom 1/2 at 0; (mu ⊠ nu){0} = max(mu{0}, nu{0}) (Belinschi 2003), so 1/2 at every depth
    assert r.atoms == ((0.0, 0.5),)
    # a.c. part plus atoms integrates to 1 (to 1e-4: the singular edge at 0) and gives the moments
    assert abs(r.mass - 1) < 1e-4
    assert max(r.moment_errors) < 1e-8
    # m_2 = 1 + 2 L (Pennington et al.: sigma^2 = L (mu_2/mu_1^2 - 1 - s_1) = 2L)
    assert r.moments[1][1] == 1 + 2 * depth
    ((lo, hi),) = r.support
    assert lo == (0.0 if depth > 1 else pytest.approx((1 - math.sqrt(0.5)) ** 2 * 2))
    assert np.all(r.density[(x < lo) | (x > hi)] == 0)
    assert np.all(r.density >= 0)


def test_subordination_agrees_with_closed_forms():
    x = np.linspace(0.05, 9, 120)
    for law in (mp(ratio=2), boxpower(mp(ratio=1), 3)):
        a = density(law, x, method="closed form")
        b = density(law, x, method="subordination")
        assert b.method == "subordination"
        assert np.allclose(a.density, b.density, rtol=1e-6, atol=1e-8)
        assert [p for at in b.atoms for p in at] == pytest.approx([p for at in a.atoms for p in at])


def test_generic_law_by_moments_uses_gauss_rule():
    # D^2 uniform on [0, 1] (moments 1/(k+1)), ⊠ MP(1) twice
    mu = [Fraction(1, k + 1) for k in range(1, 33)]
    law = boxpower(boxtimes(generic_law("mu"), mp(ratio=1)), 2)
    r = density(law, np.linspace(0, 8, 50), values={"mu": [float(m) for m in mu]})
    assert r.method.startswith("subordination, ") and "Gauss nodes" in r.method
    assert abs(r.mass - 1) < 1e-5 and max(r.moment_errors) < 1e-6


def test_gauss_rule_of_uniform_moments():
    # Gauss–Legendre on [0, 1] with 3 nodes: 1/2 +- sqrt(15)/10, 1/2; weights 5/18, 4/9, 5/18
    g = _gauss_rule([1 / (k + 1) for k in range(1, 7)])
    assert np.allclose(g.nodes, [0.5 - math.sqrt(15) / 10, 0.5, 0.5 + math.sqrt(15) / 10])
    assert np.allclose(g.weights, [5 / 18, 4 / 9, 5 / 18])


def test_support_and_atoms_functions():
    assert support(boxpower(mp(ratio=1), 2)) == ((0.0, 6.75),)
    assert atoms(relu_jacobian(4)) == ((0.0, 0.5),)


# -- Jacobian laws of tpsym.nets (JacobianLaw is a BoxPower subclass) -----------------------
def _jacobian(spec):
    from tpsym.spec import parse_spec  # the spec language's jacobian(...) comes from tpsym.nets

    return parse_spec(spec)


def test_the_polynomial_method_solves_the_cauchy_equation():
    # one derivation (tpsym.laws.algebraic) serves the proofs and the polynomial method
    from tpsym.laws._density.polynomial import _equation_cached

    law = relu_jacobian(3)
    P = cauchy_equation(law)
    solved = {(i, j): sympy.Rational(int(c.p), int(c.q)) for (i, j, _), c in _equation_cached(law).to_dict().items()}
    assert solved == dict(P.terms())


@pytest.mark.parametrize("depth", [1, 4, 8])
def test_relu_jacobian_spec_density(depth):
    # the JacobianLaw of tpsym.nets goes the same way as its equivalent plain tree
    law = _jacobian(f"jacobian(activation=relu, weights=gaussian, sigma_w2=2, depth={depth})")
    r = density(law, "0:40:41")
    assert r.method == f"polynomial method, degree {depth + 1}; values by subordination"
    assert r.atoms == ((0.0, 0.5),) and abs(r.mass - 1) < 1e-4 and max(r.moment_errors) < 1e-8
    assert r.moments[1][1] == 1 + 2 * depth  # m_2 = 1 + 2L (Pennington et al., arXiv 1711.04735)


def test_subordination_near_the_hard_edge_of_a_tanh_jacobian():
    # regression: eta = psi / (1 + psi) lost the digits of 1 + psi for large |u| (x near 0), so
    # Newton never met its tolerance, every level went through _refine_vertical (15 s for the
    # density of this law) and G came out nan or on the wrong sheet (Im G > 0) below x ~ 1e-30
    law = _jacobian("jacobian(activation=tanh, weights=gaussian, sigma_w2=3/2, sigma_b2=1/20, depth=2)")
    prod = _Product(law, _Values(None))
    g = prod.eval_g(np.array([1e-40, 1e-20, 1e-10, 1.0]))
    assert np.all(np.isfinite(g)) and np.all(g.imag < 0)


@pytest.mark.parametrize(
    "spec",
    [
        "jacobian(activation=tanh, weights=gaussian, sigma_w2=3/2, sigma_b2=1/20, depth=2)",
        "jacobian(activation=tanh, weights=orthogonal, sigma_w2=3/2, sigma_b2=1/20, depth=4)",
    ],
)
def test_tanh_jacobian_density_is_fast(spec):
    # regression: this took 15 s (depth 2, Gaussian) by Newton failures near the hard edge at 0
    import time

    law = _jacobian(spec)
    t = time.process_time()  # CPU time: the bound guards an exponential cliff, not the machine's load
    r = density(law, "0:6:11")
    assert time.process_time() - t < 60
    assert r.method == "subordination, 16 Gauss nodes" and r.atoms == ()
    assert abs(r.mass - 1) < 1e-3  # a 16-node Gauss rule stands for the law of D^2
    assert max(r.moment_errors) < 1e-6


# -- errors ------------------------------------------------------------------------------
def test_symbolic_parameter_is_named():
    with pytest.raises(DomainError, match="variance=c"):
        density(semicircle(variance=sympy.Symbol("c")), [0.0])
    r = density(semicircle(variance=sympy.Symbol("c")), [0.0], values={"c": 4})
    assert r.support == ((-4.0, 4.0),)


def test_unsupported_node_is_named():
    with pytest.raises(DomainError, match=r"semicircle\(\) has mean 0"):
        density(boxtimes(semicircle(), mp(ratio=1)), [0.0])


@pytest.mark.parametrize("bad", ["0:1", "a:b:3", "1:0:5", "0:1:1"])
def test_bad_grid(bad):
    with pytest.raises(InputError, match="grid="):
        parse_grid(bad)


def test_bad_method():
    with pytest.raises(InputError, match="method="):
        density(semicircle(), [0.0], method="magic")


# -- CLI ---------------------------------------------------------------------------------
def test_cli_json(capsys):
    from tpsym.cli import main

    assert main(["density", "mp(ratio=2)", "--grid", "-1:7:9", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"x", "density", "support", "atoms", "method", "mass"}
    assert out["atoms"] == [[0.0, 0.5]] and len(out["x"]) == 9
    assert out["mass"] == pytest.approx(1, abs=1e-8)


def test_cli_bad_grid(capsys):
    from tpsym.cli import main

    assert main(["density", "semicircle()", "--grid", "0:1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tpsym: error: grid=") and err.count("\n") == 1


# -- one-layer orthogonal networks: the law of sigma_w^2 phi'(h)^2 by a change of variables --
@pytest.mark.parametrize(
    ("activation", "top"),
    [("tanh", 1.5), ("erf", 1.5 * 4 / math.pi), ('"formula(x + tanh(x))"', 0.5 * 4)],
)
def test_one_layer_orthogonal_density_by_change_of_variables(activation, top):
    # the exact moments are mu_k = E[phi'(h)^(2k)] by mpmath quadrature in tpsym.nets: an
    # independent route to the same numbers; the top of the support is sigma_w^2 phi'(0)^2
    from tpsym.spec import parse_spec

    sigma_w2 = "1/2" if "formula" in activation else "3/2"  # x + tanh(x) has a fixed point for sigma_w2 < 1
    law = parse_spec(f"jacobian(activation={activation}, weights=orthogonal, sigma_w2={sigma_w2}, sigma_b2=1/20, depth=1)")
    r = density(law, "0:7:141")
    assert r.method == "change of variables of the Gaussian pre-activation" and r.atoms == ()
    assert abs(r.support[0][1] - top) < 1e-12
    assert abs(r.mass - 1) < 1e-6 and max(r.moment_errors) < 1e-6


def test_a_lone_law_known_by_moments_has_no_density():
    with pytest.raises(DomainError, match="known only by its moments"):
        density(generic_law("mu"), "0:1:3", values={"mu": [1 / (k + 1) for k in range(1, 33)]})


@pytest.mark.parametrize("spec", ["dirac(0)", "bernoulli(p=0)", "semicircle(variance=0)", "scale(mp(ratio=1), 0)"])
def test_point_mass_at_zero_is_one_atom(spec):
    from tpsym.spec import parse_spec

    d = density(parse_spec(spec), "-1:1:5")
    assert d.atoms == ((0.0, 1.0),) and d.mass == 1.0


@pytest.mark.parametrize(("a", "b"), [(-2, 2), (0, 1), (1, 4)])
def test_arcsine_mass_and_moments(a, b):
    # nodes that round onto an edge sat on the 1/sqrt singularity: mass inf, moments nan
    from tpsym.laws import arcsine

    law = arcsine(a=a, b=b)
    d = density(law, f"{a}:{b}:5")
    assert abs(d.mass - 1) < 1e-6
    for (q, exact) in d.moments:
        assert abs(q - exact) < 1e-6 * max(1.0, abs(exact))


def test_product_of_two_signed_factors_has_no_density():
    from tpsym.spec import parse_spec

    for spec in ["boxtimes(bernoulli(p=1/2, a=-1, b=2), bernoulli(p=1/2, a=-1, b=2))",
                 "boxpower(shift(mp(ratio=1), -1/2), 2)"]:
        with pytest.raises(DomainError, match="not self-adjoint"):
            density(parse_spec(spec), "-2:5:8")
    # one signed factor times a nonnegative one is fine (a positive operator's root conjugates it)
    assert abs(density(parse_spec("boxtimes(semicircle(mean=1), mp(ratio=1/2))"), "-3:5:9").mass - 1) < 1e-2


def test_values_meet_the_domain_checks():
    p, c = sympy.symbols("p c")
    with pytest.raises(DomainError, match=r"with the values given, bernoulli\(p=2, a=0, b=1\) is not a law: p must lie in \[0, 1\]"):
        density(bernoulli(p), "0:1:3", values={"p": 2})
    with pytest.raises(DomainError, match="ratio must be positive"):
        density(mp(ratio=c), "0:1:3", values={"c": -1})


def test_non_integer_boxpower_of_a_negative_mean_is_refused():
    from tpsym.laws import boxpower, scale

    with pytest.raises(DomainError, match="needs a base of positive mean"):
        boxpower(scale(mp(ratio=1), -1), sympy.Rational(3, 2)).moments(3)
    assert boxpower(scale(mp(ratio=1), -1), 3).moments(2) == (-1, 4)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("boxplus(semicircle(variance=s), mp(ratio=1))", "is symbolic in s: a density needs numbers"),
        ("mp(ratio=c)", "is symbolic in c"),
        ("law(moments=mu)", r"law\(moments=mu\) is known only by its moments"),
        ("semicircle(variance=exp(10000))", "beyond double precision"),
    ],
)
def test_densities_refused_with_the_reason(spec, message):
    from tpsym.errors import TpsymError
    from tpsym.spec import parse_spec

    with pytest.raises(TpsymError, match=message):
        density(parse_spec(spec), [0.0, 1.0])


@pytest.mark.parametrize(
    ("spec", "same"),
    [
        ("shift(arcsine(), 1)", "arcsine(a=-1, b=3)"),
        ("shift(scale(arcsine(), 3), 1/3)", "arcsine(a=-17/3, b=19/3)"),
        ("shift(arcsine(a=0, b=1), -1/10)", "arcsine(a=-1/10, b=9/10)"),
    ],
)
def test_shifted_singular_law_is_the_same_law(spec, same):
    # shift(arcsine(), 1) is arcsine(a=-1, b=3): its quadrature put a node a few ulps from the
    # singular edge onto it (x - 1 rounded to -2) and printed mass inf with exit 0, then refused
    from tpsym.spec import parse_spec

    x = [-0.5, 0.0, 1.0, 2.5]
    r, s = density(parse_spec(spec), x), density(parse_spec(same), x)
    assert np.allclose(r.density, s.density, rtol=1e-12, atol=0)
    assert abs(r.mass - 1) < 1e-7 and max(r.moment_errors) < 1e-7
