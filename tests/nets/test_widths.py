"""Networks with rectangular layers: widths (N_0, ..., N_L).

References: one linear layer is Marchenko–Pastur with ratio N_1/N_0 (W Wᵀ of
an N_1 × N_0 Gaussian matrix); a product of rectangular Gaussian matrices
has S-transform prod_l 1/(σ_l² (1 + z N_L/N_(l-1))) (Burda, Jarosz, Livan,
Nowak & Swiech, arXiv 1007.3594), checked here against the law tree of
dilutions and compressions; and the variance of the spectrum of J Jᵀ obeys
v_l = λ_l v_(l-1) + λ_l − 1 + μ_2/μ_1² (from S(z) = (1+z)/(c+z) S(z/c) of a
dilution, c = 1/λ), which at λ = 1 is Pennington et al.'s L μ_2/μ_1²
(arXiv 1711.04735, s_1 = −1).
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from tpsym.errors import InputError
from tpsym.laws import generic_law, mp
from tpsym.nets import MLP, jacobian_law
from tpsym.nets.jacobian import jacobian_mixed_moment
from tpsym.spec import parse_spec

R = sympy.Rational
a, b, c, s = sympy.symbols("a b c s")  # the spec's symbols carry no assumptions


def same(xs, ys):
    return all(sympy.cancel(sympy.S(x) - sympy.S(y)) == 0 for x, y in zip(xs, ys, strict=True))


def test_one_linear_layer_is_marchenko_pastur():
    assert same(jacobian_law("linear", widths=(1, c), depth=1).moments(6), mp(ratio=c).moments(6))
    for lam in (R(1, 3), R(1, 2), 2, R(7, 2)):  # both regimes of the construction
        assert jacobian_law("linear", widths=(1, lam), depth=1).moments(6) == mp(ratio=lam).moments(6)


@pytest.mark.parametrize("widths", [(1, R(1, 2), R(3, 2)), (2, 5, 1), (3, 1, 4, R(1, 2))])
def test_both_regimes_agree_with_the_symbolic_form(widths):
    # numeric ratios below 1 go through compress(), above 1 through dilute(); symbolic ones always
    # through dilute(): the moments are the same rational functions of the ratios
    depth = len(widths) - 1
    symbols = sympy.symbols(f"w1:{depth + 1}")
    sym = jacobian_law("relu", sigma_w2=2, depth=depth, widths=(1, *symbols)).moments(5)
    num = jacobian_law("relu", sigma_w2=2, depth=depth, widths=widths).moments(5)
    subs = {w: sympy.S(v) / widths[0] for w, v in zip(symbols, widths[1:])}
    assert same([sympy.S(x).subs(subs) for x in sym], num)


def test_linear_s_transform_is_the_product_of_rectangular_factors():
    z = sympy.Symbol("z")
    widths, sw = (1, a, b, c), (s, 2, R(1, 3))
    law = jacobian_law("linear", sigma_w2=sw, depth=3, widths=widths)
    n = 5
    expected = sympy.Integer(1)
    for l in range(1, 4):
        expected *= 1 / (sw[l - 1] * (1 + z * widths[3] / widths[l - 1]))
    expected = sympy.series(expected, z, 0, n).removeO()
    got = sum(coef * z**i for i, coef in enumerate(law.s_transform(n)))
    assert sympy.simplify(got - expected) == 0


def test_variance_recursion_symbolic_in_widths_and_activation():
    nu = generic_law("nu")
    n1, n2 = sympy.Symbol("nu_1"), sympy.Symbol("nu_2")
    law = jacobian_law("linear", sigma_w2=s, depth=3, widths=(1, a, b, c), d2=nu)
    m1, m2 = law.moments(2)
    lams = (a, b / a, c / b)
    v = sympy.Integer(0)
    for lam in lams:
        v = lam * v + lam - 1 + n2 / n1**2
    assert sympy.cancel(m2 / m1**2 - 1 - v) == 0
    assert sympy.cancel(m1 - s**3 * n1**3) == 0  # the mean does not see the widths


def test_square_widths_are_the_square_network():
    assert jacobian_law("relu", sigma_w2=2, depth=2, widths=(5, 5, 5)) == jacobian_law("relu", sigma_w2=2, depth=2)


def test_spec_round_trip_and_printing():
    law = parse_spec("jacobian(activation=relu, sigma_w2=2, depth=2, widths=(2, 4, 1))")
    assert "widths=(1, 2, 1/2)" in str(law)
    assert parse_spec(str(law)) == law
    # λ = (2, 1/4): v_1 = 2 − 1 + 2 = 3, v_2 = 3/4 + 1/4 − 1 + 2 = 2, so m_2 = 3
    assert law.moments(2) == (1, 3)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: jacobian_law("relu", "orthogonal", depth=1, widths=(1, 2)), "Gaussian weights only"),
        (lambda: jacobian_law("relu", depth=sympy.Symbol("L"), widths=(1, 2)), "must be an int"),
        (lambda: jacobian_law("relu", depth=2, widths=(1, 2)), "widths has 2 entries; depth=2 needs 3"),
        (lambda: jacobian_law("relu", depth=1, widths=(1, 0)), r"widths\[1\]=0 is not positive"),
        (lambda: jacobian_law("relu", depth=1, widths=(1, -sympy.Symbol("p", positive=True))), r"widths\[1\]=-p is not positive"),
        (lambda: jacobian_law("relu", depth=1, widths=2), "is not a tuple"),
        (lambda: jacobian_mixed_moment(jacobian_law("relu", sigma_w2=2, depth=1, widths=(1, 2)), "W1"), "rectangular"),
    ],
)
def test_refused(build, message):
    with pytest.raises(InputError, match=message):
        build()


def test_density_of_a_rectangular_relu_network():
    from tpsym.laws.density import density

    law = jacobian_law("relu", sigma_w2=2, depth=2, widths=(1, 2, R(1, 2)))
    r = density(law, np.linspace(0, 10, 21))
    assert abs(r.mass - 1) < 1e-3 and max(r.moment_errors) < 1e-6
    # J has rank N_2 = N_0/2 and D_2 kills half of it: the atom at 0 has mass 1/2
    (atom,) = r.atoms
    assert atom[0] == 0 and atom[1] == pytest.approx(0.5)


def test_rectangular_operator_and_dense_sampler_agree():
    from tpsym.numeric.network import JacobianOperator, NetworkSampler, jacobian

    sampler = NetworkSampler.from_mlp(MLP(2, "tanh", sigma_w2=R(3, 2), sigma_b2=R(1, 20), widths=(3, 1, 2)))
    f = sampler.forward(np.random.default_rng(0), 8)
    assert [layer.dense().shape for layer in f.layers] == [(4, 12), (8, 4)]
    j = jacobian(f)
    v = np.random.default_rng(1).standard_normal((8, 3))
    assert np.allclose(JacobianOperator(f)(v), j @ j.T @ v)
    with pytest.raises(InputError, match="multiples of 2"):
        sampler.forward(np.random.default_rng(0), 7)


def test_rectangular_network_confirms_its_law_and_contradicts_the_square_one():
    from tpsym.numeric.experiment import crosscheck

    law = jacobian_law("relu", sigma_w2=2, depth=2, widths=(1, 2, 1))
    square = dict(enumerate((float(m) for m in jacobian_law("relu", sigma_w2=2, depth=2).moments(3)), 1))
    result = crosscheck(law, 3, claims={"derived": None, "square": square}, sizes=(96, 192), trials=8, seed=3, workers=0)
    verdicts = {t.claim: t.ok for t in result.decision.tests if t.k == 3}
    assert verdicts == {"derived": True, "square": False}


# -- property tests over drawn networks (tpsym.strategies.jacobian_laws) -----
from hypothesis import given, settings  # noqa: E402

from tpsym.strategies import InvalidStrategyArgument, jacobian_laws  # noqa: E402


def _layers(law):
    return [law.mlp.layer(i) for i in range(1, law.mlp.depth + 1)]


@settings(max_examples=30, deadline=None)
@given(jacobian_laws())
def test_drawn_networks_round_trip_and_both_routes_agree(law):
    from tpsym.laws.lattice import lattice_moments

    assert parse_spec(str(law)) == law
    assert lattice_moments(law, 4) == law.moments(4)


@settings(max_examples=30, deadline=None)
@given(jacobian_laws())
def test_drawn_networks_variance_recursion(law):
    # v_l = λ_l v_(l-1) + λ_l − 1 + r_l for Gaussian layers (λ = 1 when square), and
    # v_l = v_(l-1) + r_l − 1 for orthogonal ones (s_1 = 0), with r_l = μ_2/μ_1² of layer l
    v = sympy.Integer(0)
    for i, lay in enumerate(_layers(law), 1):
        mu1, mu2 = (lay.activation.mu_closed_form(k, 1) for k in (1, 2))
        r = mu2 / mu1**2
        lam = law.mlp.ratio(i)
        v = lam * v + lam - 1 + r if lay.weights == "gaussian" else v + r - 1
    m1, m2 = law.moments(2)
    assert sympy.simplify(m2 / m1**2 - 1 - v) == 0


@pytest.mark.parametrize(("kwargs", "message"), [({"max_depth": 0}, "max_depth"), ({"rectangular": 1}, "rectangular")])
def test_jacobian_laws_options_checked(kwargs, message):
    with pytest.raises(InvalidStrategyArgument, match=message):
        jacobian_laws(**kwargs)
