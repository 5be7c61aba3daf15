"""The law of J Jᵀ (tpsym.nets.jacobian)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from tpsym.errors import DomainError, InputError, SpecError, TpsymError
from tpsym.laws import Bernoulli, BoxPower, Dirac, generic_law
from tpsym.laws.algebraic import algebraic_equation
from tpsym.laws.lattice import lattice_moments
from tpsym.nets import (
    MLP,
    DerivativeLaw,
    GateLaw,
    JacobianLaw,
    Layer,
    d2_law,
    get_activation,
    jacobian_factors,
    jacobian_law,
    jacobian_mixed_moment,
    mean_field,
)
from tpsym.proof.claims import Claim
from tpsym.proof.verify import exact_equal, verify_claim
from tpsym.spec import parse_spec

L, s, a, q = sympy.symbols("L s a q")
MU1, MU2 = sympy.symbols("mu_1 mu_2")

# Fuss–Catalan numbers binomial((L+1)k, k)/(Lk + 1), k = 1..6:
FUSS_CATALAN = {
    1: (1, 2, 5, 14, 42, 132),  # OEIS A000108
    2: (1, 3, 12, 55, 273, 1428),  # OEIS A001764
    3: (1, 4, 22, 140, 969, 7084),  # OEIS A002293
    4: (1, 5, 35, 285, 2530, 23751),  # OEIS A002294
}


# ---------------------------------------------------------------- linear ----
@pytest.mark.parametrize("depth", sorted(FUSS_CATALAN))
def test_deep_linear_gaussian_is_fuss_catalan(depth):
    law = jacobian_law("linear", "gaussian", sigma_w2=s, depth=depth)
    expected = tuple(s ** (depth * k) * c for k, c in enumerate(FUSS_CATALAN[depth], 1))
    assert law.moments(6) == expected
    assert all(math.comb((depth + 1) * k, k) // (depth * k + 1) == c for k, c in enumerate(FUSS_CATALAN[depth], 1))


def test_deep_linear_gaussian_lattice_route_agrees():
    law = jacobian_law("linear", "gaussian", sigma_w2=2, depth=3)
    assert lattice_moments(law, 6) == law.moments(6) == tuple(2 ** (3 * k) * c for k, c in enumerate(FUSS_CATALAN[3], 1))


def test_deep_linear_orthogonal_moments_are_powers_of_sigma():
    law = jacobian_law("linear", "orthogonal", sigma_w2=s, depth=L)
    for k, m in enumerate(law.moments(8), 1):
        assert exact_equal(m, s ** (L * k))[0]


def test_deep_linear_orthogonal_at_sigma_one_is_the_identity():
    assert jacobian_law("linear", "orthogonal", sigma_w2=1, depth=L).moments(5) == (1,) * 5


# --------------------------------------------------- Pennington's variance ----
@pytest.mark.parametrize(("weights", "s1"), [("gaussian", -1), ("orthogonal", 0)])
def test_variance_formula_symbolic(weights, s1):
    """σ²_{JJᵀ} = L(μ₂/μ₁² − 1 − s₁) (Pennington, Schoenholz & Ganguli, arXiv 1711.04735)."""
    law = jacobian_law("linear", weights, sigma_w2=s, depth=L, d2=generic_law("mu"))
    m1, m2 = law.moments(2)
    assert exact_equal(m1, (MU1 * s) ** L)[0]
    assert exact_equal(m2 / m1**2 - 1, L * (MU2 / MU1**2 - 1 - s1))[0]
    wrong = L * (MU2 / MU1**2 - 1 + s1) if s1 else L * (MU2 / MU1**2)
    assert not exact_equal(m2 / m1**2 - 1, wrong)[0]


@pytest.mark.parametrize(("weights", "s1"), [("gaussian", -1), ("orthogonal", 0)])
def test_variance_formula_per_layer_is_additive(weights, s1):
    """With layers that differ the variance is a sum over layers of μ₂/μ₁² − 1 − s₁."""
    net = MLP(2, "relu", weights=weights, sigma_w2=2, layers=(Layer(), Layer(activation=get_activation("leaky_relu", slope=a))))
    m1, m2 = JacobianLaw.of(net).moments(2)
    mu1, mu2 = (1 + a**2) / 2, (1 + a**4) / 2
    assert exact_equal(m2 / m1**2 - 1, (2 - 1 - s1) + (mu2 / mu1**2 - 1 - s1))[0]


def test_variance_formula_with_wrong_sign_is_refuted():
    spec = "jacobian(activation=linear, weights=gaussian, sigma_w2=s, sigma_b2=0, depth=L, d2=law(moments=nu))"
    claim = Claim(
        "wrong-sign", "variance with s1 of the wrong sign", "arXiv 1711.04735", "identity",
        statement=f"moment({spec}, 2)/moment({spec}, 1)**2 - 1 == L*(nu_2/nu_1**2 - 1 - 1)",
    )
    verdict = verify_claim(claim)
    assert verdict.status == "refuted"
    assert "L" in verdict.failure["difference"]
    right = Claim("right", "variance", "arXiv 1711.04735", "identity",
                  statement=f"moment({spec}, 2)/moment({spec}, 1)**2 - 1 == L*(nu_2/nu_1**2 - 1 + 1)")
    assert verify_claim(right).status == "verified"


# ----------------------------------------------------------- activations ----
def test_relu_laws():
    g = jacobian_law("relu", "gaussian", sigma_w2=2, depth=L)
    o = jacobian_law("relu", "orthogonal", sigma_w2=2, depth=L)
    assert g.base.factors[0] == Bernoulli(sympy.Rational(1, 2), sympy.Integer(0), sympy.Integer(1))
    assert g.moments(2) == (1, 2 * L + 1)
    assert o.moments(2) == (1, L + 1)
    assert g.moments(3)[2] == 6 * L**2 + 4 * L + 1


def test_relu_law_matches_the_kreweras_product_at_integer_depth():
    law = jacobian_law("relu", "gaussian", sigma_w2=2, depth=3)
    assert lattice_moments(law, 5) == law.moments(5)
    sym = jacobian_law("relu", "gaussian", sigma_w2=2, depth=L).moments(5)
    assert tuple(sympy.expand(m.subs(L, 3)) for m in sym) == law.moments(5)


def test_leaky_relu_law():
    law = d2_law(get_activation("leaky_relu", slope=a), 1)
    assert law == Bernoulli(sympy.Rational(1, 2), a**2, sympy.Integer(1))
    J = jacobian_law("leaky_relu", "orthogonal", sigma_w2=s, depth=2, slope=a)
    assert exact_equal(J.moments(1)[0], (s * (1 + a**2) / 2) ** 2)[0]


def test_hard_tanh_exact_atom():
    law = jacobian_law("hard_tanh", "gaussian", sigma_w2=s, depth=L, q=sympy.Rational(1, 2))
    assert law.base.factors[0] == Bernoulli(sympy.erf(1), sympy.Integer(0), sympy.Integer(1))
    assert exact_equal(law.moments(1)[0], (s * sympy.erf(1)) ** L)[0]


def test_hard_tanh_at_a_numerical_fixed_point():
    law = jacobian_law("hard_tanh", "gaussian", sigma_w2=2, sigma_b2=sympy.Rational(1, 20), depth=2)
    gate = law.base.factors[0]
    assert isinstance(gate, GateLaw) and isinstance(gate, Bernoulli)
    qs = mean_field("hard_tanh", sigma_w2=2, sigma_b2=sympy.Rational(1, 20)).q.value
    assert abs(float(gate.p) - math.erf(1 / math.sqrt(2 * float(qs)))) < 1e-14
    m1 = law.moments(1)[0]
    assert abs(float(m1) - (2 * float(gate.p)) ** 2) < 1e-12
    assert law.parameters == frozenset()


def test_erf_at_an_exact_q_is_exact():
    law = jacobian_law("erf", "orthogonal", sigma_w2=s, depth=L, q=sympy.Rational(1, 4))
    assert exact_equal(law.moments(1)[0], (s * 4 / (sympy.pi * sympy.sqrt(2))) ** L)[0]


def test_numeric_tanh_law_against_monte_carlo():
    """μ_k of the law of D² and m_2/m_1² of JJᵀ against a Monte Carlo estimate of E[φ'(h)^(2k)]."""
    sw, sb = sympy.Rational(3, 2), sympy.Rational(1, 20)
    law = jacobian_law("tanh", "gaussian", sigma_w2=sw, sigma_b2=sb, depth=3)
    d = law.base.factors[0]
    assert isinstance(d, DerivativeLaw)
    moments = [float(m) for m in d.moments(4)]
    assert all(math.isfinite(m) and 0 < m < 1 for m in moments)
    qstar = float(mean_field("tanh", sigma_w2=sw, sigma_b2=sb).q.value)
    rng = np.random.default_rng(7)
    h = rng.normal(0.0, math.sqrt(qstar), 400_000)
    d2 = 1.0 / np.cosh(h) ** 4
    for k, m in enumerate(moments, 1):
        sample = d2**k
        se = sample.std() / math.sqrt(sample.size)
        assert abs(sample.mean() - m) < 5 * se, (k, sample.mean(), m, se)
    m1, m2 = (float(x) for x in law.moments(2))
    mc1, mc2 = d2.mean(), (d2**2).mean()
    assert m1 == pytest.approx((1.5 * moments[0]) ** 3, rel=1e-20)
    assert m2 / m1**2 - 1 == pytest.approx(3 * (mc2 / mc1**2 - 1 + 1), rel=1e-2)


def test_formula_activation():
    law = parse_spec('jacobian(activation="formula(sin(x))", weights=orthogonal, sigma_w2=1, depth=2, q=1)')
    d = law.base.factors[0]
    assert isinstance(d, DerivativeLaw)
    # φ' = cos, E[cos(h)^2] = (1 + e^(-2))/2 for h ~ N(0, 1)
    assert float(d.moments(1)[0]) == pytest.approx((1 + math.exp(-2)) / 2, rel=1e-25)


# ------------------------------------------------------------- structure ----
def test_jacobian_law_is_its_equivalent_tree():
    law = jacobian_law("relu", "gaussian", sigma_w2=2, depth=2)
    eq = law.equivalent()
    assert type(eq) is BoxPower and law != eq
    assert law.moments(6) == eq.moments(6)
    assert law.cumulants(4) == eq.cumulants(4)
    assert law.s_transform(4) == eq.s_transform(4) == (1, -4, 12, -32)  # S = (1 + 2z)^(-2)
    assert algebraic_equation(law).expr == algebraic_equation(eq).expr
    assert law.mlp == MLP(2, "relu", sigma_w2=2)


def test_layers_that_differ():
    law = jacobian_law(("relu", "linear"), ("gaussian", "orthogonal"), sigma_w2=(2, 3), depth=2)
    assert law.exponent == 1 and not law.mlp.is_uniform
    assert [str(d) for d, _ in law.layer_laws()] == ["bernoulli(p=1/2, a=0, b=1)", "dirac(1)"]
    assert law.moments(2) == (3, 27)  # m_1 = 1·3, m_2/m_1² − 1 = (2 − 1 + 1) + 0 = 2
    assert parse_spec(str(law)) == law


SPECS = [
    "jacobian(activation=relu, weights=gaussian, sigma_w2=2, sigma_b2=0, depth=L)",
    "jacobian(activation=linear, weights=orthogonal, sigma_w2=s, sigma_b2=0, depth=3)",
    "jacobian(activation=leaky_relu, weights=gaussian, sigma_w2=1, sigma_b2=0, depth=2, slope=1/5)",
    "jacobian(activation=hard_tanh, weights=gaussian, sigma_w2=s, sigma_b2=0, depth=L, q=1/2)",
    "jacobian(activation=linear, weights=gaussian, sigma_w2=s, sigma_b2=0, depth=L, d2=law(moments=mu))",
    "jacobian(activation=tanh, weights=orthogonal, sigma_w2=3/2, sigma_b2=1/20, depth=L, precision=20)",
    'jacobian(activation="formula(x*tanh(x))", weights=gaussian, sigma_w2=1, sigma_b2=0, depth=2, q=1)',
    "jacobian(activation=(relu, tanh), weights=gaussian, sigma_w2=(2, 1), sigma_b2=0, depth=2)",
    "jacobian(activation=(leaky_relu, tanh, leaky_relu), weights=gaussian, sigma_w2=(2, 1, 2), sigma_b2=0, depth=3, slope=(1/10, 0, 1/5))",
]


@pytest.mark.parametrize("spec", SPECS)
def test_spec_round_trip(spec):
    law = parse_spec(spec)
    assert isinstance(law, JacobianLaw)
    assert str(law) == spec
    assert parse_spec(str(law)) == law


def test_per_layer_slopes():
    # D_l² of leaky ReLU with slope a_l is bernoulli(1/2, a_l², 1), independent of q:
    # m_1 = Π σ_w² (1 + a_l²)/2, and m_2/m_1² − 1 = Σ_l (Var D_l²/(E D_l²)² + 1) for Gaussian weights
    a1, a2 = sympy.Rational(1, 10), sympy.Rational(1, 5)
    law = parse_spec("jacobian(activation=leaky_relu, weights=gaussian, sigma_w2=2, depth=2, slope=(1/10, 1/5))")
    m1, m2 = law.moments(2)
    e = [(1 + a**2) / 2 for a in (a1, a2)]
    var = [(1 + a**4) / 2 - ei**2 for a, ei in zip((a1, a2), e)]
    assert m1 == 4 * e[0] * e[1]
    assert sympy.simplify(m2 / m1**2 - 1 - sum(v / ei**2 + 1 for v, ei in zip(var, e))) == 0
    assert str(law).endswith("slope=(1/10, 1/5))") and parse_spec(str(law)) == law
    # equal slopes print as one value; the Python API and the spec agree
    assert str(jacobian_law("leaky_relu", sigma_w2=2, depth=2, slope=(a2, a2))).endswith("slope=1/5)")
    with pytest.raises(InputError, match="gives layer 2 the slope 1/5, but its activation is not leaky_relu: give it 0"):
        jacobian_law(("leaky_relu", "tanh"), depth=2, slope=(a1, a2))
    with pytest.raises(InputError, match="slope has 3 entries but depth=2"):
        jacobian_law("leaky_relu", depth=2, slope=(a1, a2, a1))
    with pytest.raises(InputError, match="slope is given per layer, so depth must be an int"):
        jacobian_law("leaky_relu", depth=L, slope=(a1, a2))


def test_per_layer_slopes_are_sampled():
    from tpsym.numeric import crosscheck

    law = parse_spec("jacobian(activation=leaky_relu, sigma_w2=2, depth=2, slope=(1/10, 1/2))")
    assert crosscheck(law, 2, sizes=(128, 256), trials=6, seed=2, workers=0).verdict == "confirmed"
    wrong = jacobian_law("leaky_relu", sigma_w2=2, depth=2, slope=sympy.Rational(1, 10))  # both at 1/10
    result = crosscheck(law, 1, claims={"one slope": [float(wrong.moments(1)[0])]}, sizes=(128, 256), trials=6, seed=2, workers=0)
    assert result.verdict == "contradicted"


def test_spec_defaults_and_python_agree():
    assert parse_spec("jacobian(activation=relu, sigma_w2=2, depth=L)") == jacobian_law("relu", sigma_w2=2, depth=L)
    assert str(jacobian_law()) == "jacobian(activation=linear, weights=gaussian, sigma_w2=1, sigma_b2=0, depth=1)"


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: jacobian_law("swish"), SpecError, "unknown activation 'swish'"),
        (lambda: jacobian_law("relu", sigma_w2=-1), DomainError, "sigma_w2=-1 is negative"),
        (lambda: jacobian_law("relu", sigma_w2=0), DomainError, "sigma_w2=0"),
        (lambda: jacobian_law("relu", sigma_b2=-1), DomainError, "sigma_b2=-1 is negative"),
        (lambda: jacobian_law("relu", depth=0), InputError, "depth=0 is not a positive integer"),
        (lambda: jacobian_law("relu", depth=sympy.Rational(1, 2)), InputError, "depth=1/2"),
        (lambda: jacobian_law("relu", depth=sympy.Symbol("n", negative=True)), InputError, "depth=n"),
        (lambda: jacobian_law("relu", depth=2.5), InputError, "depth=2.5"),
        (lambda: jacobian_law("relu", "uniform"), InputError, "weights='uniform'"),
        (lambda: jacobian_law("relu", sigma_w2=3, sigma_b2=1), DomainError, "no fixed point q\\*"),
        (lambda: jacobian_law("linear", sigma_w2=1, sigma_b2=1), DomainError, "no fixed point"),
        (lambda: jacobian_law("relu", slope=1), InputError, "takes no slope"),
        (lambda: jacobian_law(("relu", "tanh"), depth=3), InputError, "activation has 2 entries but depth=3"),
        (lambda: jacobian_law(("relu", "tanh"), depth=L), InputError, "depth must be an int"),
        (lambda: jacobian_law("tanh", sigma_w2=s), InputError, "no closed form"),
        (lambda: jacobian_law("relu", d2="mu"), InputError, "d2='mu'"),
    ],
)
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_spec_errors_are_tpsym_errors():
    for spec in ("jacobian(activation=swish)", "jacobian(depth=0)", "jacobian(sigma_w2=-1)", "jacobian(weights=unitary)"):
        with pytest.raises(TpsymError):
            parse_spec(spec)


# --------------------------------------------------------- mixed moments ----
def test_mixed_moments_reproduce_the_law():
    net = MLP(2, "relu", sigma_w2=2)
    law = JacobianLaw.of(net)
    from tpsym.nets.words import network_mixed_moment

    for k in range(1, 4):
        assert network_mixed_moment(" ".join(["J Jt"] * k), {"J": net}) == law.moment(k)
    # the word in D_l² and W_lᵀW_l is another matrix: commuting masks give 6, free letters gave 5
    assert jacobian_mixed_moment(net, "D2 G2 D1 G1 D2 G2 D1 G1") == 6
    assert jacobian_mixed_moment(net, "D1 D2 D1 D2") == sympy.Rational(1, 4)
    one = jacobian_law("relu", sigma_w2=2, depth=1)
    assert jacobian_mixed_moment(law, "D1 G1 D1 G1") == one.moment(2) == 3


def test_mixed_moments_of_single_factors():
    law = jacobian_law("linear", "gaussian", sigma_w2=s, depth=2, d2=generic_law("mu"))
    assert jacobian_mixed_moment(law, "D1 D1") == MU2
    assert jacobian_mixed_moment(law, "G2^3") == 5 * s**3  # s^3 Catalan(3)
    # φ(a b a b) for free a, b (Nica–Speicher, Example 5.15), a = D1, b = G1
    ab = jacobian_mixed_moment(law, "D1 G1 D1 G1")
    assert sympy.expand(ab - (MU2 * s**2 + MU1**2 * 2 * s**2 - MU1**2 * s**2)) == 0


def test_mixed_moments_with_numeric_factors():
    law = jacobian_law("tanh", "orthogonal", sigma_w2=sympy.Rational(3, 2), sigma_b2=sympy.Rational(1, 20), depth=2)
    value = jacobian_mixed_moment(law, "D2 G2 D1 G1 D2 G2 D1 G1")
    # orthogonal G_l = sigma_w^2 I, so the word is sigma_w^8 E[D_1^4] E[D_2^4]: the D_l² commute
    # (the all-free value would be the law's m_2)
    mu2 = jacobian_factors(law)["D1"].moments(2)[1]
    assert float(value) == pytest.approx(float(sympy.Rational(3, 2) ** 4 * mu2**2), rel=1e-25)
    assert float(value) != pytest.approx(float(law.moment(2)), rel=1e-3)


def test_mixed_moment_errors():
    with pytest.raises(InputError, match="unknown label 'W1'"):
        jacobian_mixed_moment(MLP(1, "relu"), "W1 D1")
    with pytest.raises(InputError, match="symbolic"):
        jacobian_mixed_moment(MLP(L, "relu"), "D1")
    with pytest.raises(InputError, match="neither an MLP"):
        jacobian_factors("relu")


def test_factor_labels_of_a_network_with_differing_layers():
    net = MLP(2, "relu", sigma_w2=2, layers=(Layer(), Layer(weights="orthogonal", sigma_w2=3)))
    laws = jacobian_factors(net)
    assert sorted(laws) == ["D1", "D2", "G1", "G2"]
    assert laws["G2"] == Dirac(sympy.Integer(3))


def test_numeric_target_samples_the_network():
    from tpsym.numeric.experiment import as_target

    law = jacobian_law("relu", sigma_w2=2, depth=2)
    target = as_target(law)
    assert target.description == str(law)
    assert target.expected_moments(2) == (1.0, 5.0)
    assert target.sample(np.random.default_rng(0), 32).shape == (32, 32)


def test_density_of_a_symbolic_jacobian_law_takes_values():
    # the values reach the network of the law too (it was left symbolic: "symbolic in s")
    from tpsym.errors import DomainError
    from tpsym.laws.density import density
    from tpsym.spec import parse_spec

    symbolic = parse_spec("jacobian(activation=relu, weights=gaussian, sigma_w2=s, depth=2)")
    numeric = parse_spec("jacobian(activation=relu, weights=gaussian, sigma_w2=2, depth=2)")
    x = [0.5, 3.0]
    assert density(symbolic, x, values={"s": 2}).density.tolist() == density(numeric, x).density.tolist()
    with pytest.raises(DomainError, match="sigma_w2=-2"):
        density(symbolic, x, values={"s": -2})
