"""Tests of tpsym.proof.algebraic and tpsym.proof.holonomic: algebraic equation → ODE →
P-recurrence → proof for all orders, and the certificates' recheck."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sympy import (
    Poly,
    Rational,
    binomial,
    catalan,
    factorial,
    series,
    sqrt,
    symbols,
)

from tpsym.errors import CertificateError, InputError
from tpsym.proof import (
    METHOD_SUBSTITUTION,
    METHOD_TERM,
    AllOrderProof,
    ClaimRefuted,
    LinearODE,
    ProofFailure,
    Recurrence,
    integer_roots,
    ode_from_algebraic,
    prove_even_term,
    prove_generating_function,
    prove_term,
    recurrence_from_algebraic,
    recurrence_from_ode,
    series_root,
)

z, y, n, k, c, w = symbols("z y n k c w")

# Reference sequences (OEIS).
CATALAN = (1, 1, 2, 5, 14, 42, 132, 429, 1430, 4862, 16796)  # A000108
CENTRAL_BINOMIAL = (1, 2, 6, 20, 70, 252, 924, 3432, 12870)  # A000984
TERNARY = (1, 1, 3, 12, 55, 273, 1428, 7752, 43263)  # A001764 (Fuss–Catalan s = 2)
QUATERNARY = (1, 1, 4, 22, 140, 969, 7084, 53820)  # A002293 (Fuss–Catalan s = 3)
SEMICIRCLE = (1, 0, 1, 0, 2, 0, 5, 0, 14, 0, 42)  # A126120, moments of the semicircle law
# Narayana polynomials at c = 1/2: Σ_k N(n,k) 2^(1-k) (MP moments with ratio 1/2);
# 2^(n-1) m_n is OEIS A001003 shifted (little Schröder numbers): 1, 3, 11, 45, 197, 903
MP_HALF = (1, 1, Rational(3, 2), Rational(11, 4), Rational(45, 8), Rational(197, 16),
           Rational(903, 32))


def fuss_catalan_equation(s):
    return z * y ** (s + 1) - y + 1


def mp_equation(ratio):
    """M(z) = C(z M(z)) with C(w) = 1 + w/(1 - ratio w) (κ_n = ratio^(n-1)):
    ratio z M² - (1 + (ratio - 1) z) M + 1 = 0 (Nica–Speicher, Lecture 16)."""
    return ratio * z * y**2 - (1 + (ratio - 1) * z) * y + 1


def mp_generating_function(ratio):
    return ((1 + (ratio - 1) * z) - sqrt((1 + (ratio - 1) * z) ** 2 - 4 * ratio * z)) / (2 * ratio * z)


# ---------------------------------------------------------------- series roots


@pytest.mark.parametrize(
    ("P", "constant", "expected"),
    [
        (z * y**2 - y + 1, 1, CATALAN),
        (y**2 * (1 - 4 * z) - 1, 1, CENTRAL_BINOMIAL),
        (fuss_catalan_equation(2), 1, TERNARY),
        (fuss_catalan_equation(3), 1, QUATERNARY),
        (z**2 * y**2 - y + 1, 1, SEMICIRCLE),
        (mp_equation(Rational(1, 2)), 1, MP_HALF),
    ],
)
def test_series_root_matches_oeis(P, constant, expected):
    assert series_root(P, z, y, len(expected), constant=constant) == tuple(expected)


def test_series_root_rejects_non_root_and_multiple_root():
    with pytest.raises(InputError, match="not a root"):
        series_root(z * y**2 - y + 1, z, y, 3, constant=2)
    with pytest.raises(InputError, match="multiple root"):
        series_root((y - 1) ** 2 - z, z, y, 3, constant=1)


# ---------------------------------------------------------------- ODE and recurrence


def test_ode_is_satisfied_by_the_closed_form():
    ode = ode_from_algebraic(z * y**2 - y + 1, z, y)
    F = (1 - sqrt(1 - 4 * z)) / (2 * z)
    lhs = sum(coef.as_expr() * F.diff(z, i) for i, coef in enumerate(ode.coeffs))
    assert series(lhs, z, 0, 12).removeO() == 0
    # the ODE is exact: the reduction modulo P gives zero identically, not only in series
    assert ode.equation is not None and ode.order == 2


def test_ode_with_parameters_and_recurrence_over_qq_c():
    rec = recurrence_from_algebraic(mp_equation(c), z, y, n)
    assert rec.params == (c,)
    a = series_root(mp_equation(c), z, y, 8)
    assert rec.terms(a[: rec.initial_terms_needed], 8) == a
    # the Narayana polynomials (OEIS A001263 rows)
    assert a[4].expand() == (c**3 + 6 * c**2 + 6 * c + 1)


def test_recurrence_of_catalan_and_central_binomial():
    assert str(recurrence_from_algebraic(z * y**2 - y + 1, z, y, n)) == (
        "(n + 2)*a(n+1) + (-4*n - 2)*a(n) = 0  (n >= 0)")
    rec = recurrence_from_algebraic(y**2 * (1 - 4 * z) - 1, z, y, n)
    assert rec.terms([1], 9) == CENTRAL_BINOMIAL


def test_ode_rejects_bad_equations():
    with pytest.raises(InputError, match="squarefree"):
        ode_from_algebraic((y - z) ** 2, z, y)
    with pytest.raises(InputError, match="does not involve"):
        ode_from_algebraic(z + 1, z, y)
    with pytest.raises(InputError, match="not a polynomial"):
        ode_from_algebraic(sqrt(2) * y - z, z, y)
    with pytest.raises(InputError, match="not listed in params"):
        ode_from_algebraic(c * y - z, z, y, params=())


def test_singular_indices_need_their_own_initial_value():
    # (n - 2) a(n+1) = a(n) + ...: p_r vanishes at n = 2, so a_3 is free
    rec = Recurrence((Poly(-1, n), Poly(n - 2, n)), n)
    assert rec.singular_indices == (2,)
    assert rec.initial_terms_needed == 4
    with pytest.raises(InputError, match="needs 4 initial values"):
        rec.terms([1, 2, 3], 6)
    assert rec.terms([1, -2, 2, 7], 6) == (1, -2, 2, 7, 7, Rational(7, 2))


def test_integer_roots_identically_in_parameters():
    assert integer_roots(Poly((n - 1) * (n + c) * (3 * n - 6), n, c), n) == (1, 2)


def test_recurrence_from_ode_of_exp_and_validation():
    ode = LinearODE((Poly(-1, z), Poly(1, z)), z)
    assert recurrence_from_ode(ode, n).terms([1], 5) == (1, 1, Rational(1, 2), Rational(1, 6),
                                                         Rational(1, 24))
    with pytest.raises(InputError, match="new symbol"):
        recurrence_from_ode(ode, z)


# ---------------------------------------------------------------- proofs of terms


@pytest.mark.parametrize("s", [1, 2, 3, 4])
def test_fuss_catalan_proved_for_all_n(s):
    P = fuss_catalan_equation(s)
    rec = recurrence_from_algebraic(P, z, y, n)
    a = series_root(P, z, y, max(rec.initial_terms_needed, 2))
    proof = prove_term(rec, binomial((s + 1) * n, n) / (s * n + 1), n, initial_terms=a)
    assert proof.method == METHOD_TERM
    term = binomial((s + 1) * n, n) / (s * n + 1)
    assert proof.statement.startswith(f"a_n = {term} for all n >= 0")
    assert proof.recheck()


def test_catalan_as_catalan_function_and_as_factorials():
    rec = recurrence_from_algebraic(z * y**2 - y + 1, z, y, n)
    for term in (catalan(n), factorial(2 * n) / (factorial(n) * factorial(n + 1))):
        assert prove_term(rec, term, n, initial_terms=CATALAN[:3]).recheck()


def test_central_binomial_proved():
    rec = recurrence_from_algebraic(y**2 * (1 - 4 * z) - 1, z, y, n)
    proof = prove_term(rec, binomial(2 * n, n), n, initial_terms=CENTRAL_BINOMIAL[:2])
    assert proof.recurrence == ("-4*n - 2", "n + 1")
    assert proof.recheck()


@pytest.mark.parametrize(
    ("term", "index"),
    [
        (catalan(n + 1), 1),  # Catalan index off by one
        (binomial(2 * n, n) / (n + 2), 0),
        (catalan(n) + n * (n - 1) * (n - 2) * (n - 3) * (n - 4) * (n - 5) * (n - 6) * (n - 7), 8),
    ],
)
def test_wrong_catalan_claims_are_refuted_with_the_first_failing_n(term, index):
    rec = recurrence_from_algebraic(z * y**2 - y + 1, z, y, n)
    with pytest.raises(ClaimRefuted, match=f"fails at n={index}") as info:
        prove_term(rec, term, n, initial_terms=CATALAN[:3])
    assert info.value.index == index
    assert info.value.expected == CATALAN[index]


def test_claim_that_agrees_initially_but_not_later_reports_the_residual():
    rec = recurrence_from_algebraic(z * y**2 - y + 1, z, y, n)
    term = catalan(n) * (1 + n * (n - 1) * (n - 2) * (n - 3))  # hypergeometric, wrong from n = 4
    with pytest.raises(ClaimRefuted, match="fails at n=4") as info:
        prove_term(rec, term, n, initial_terms=CATALAN[:4])
    assert info.value.residual is not None and info.value.residual != 0


def test_term_with_zeros_and_exponential_factor():
    # a_n = (n - 2) 2^n vanishes at n = 2: y = 2z/(1-2z)^2 - 2/(1-2z)
    P = (1 - 2 * z) ** 2 * y - (2 * z - 2 * (1 - 2 * z))
    rec = recurrence_from_algebraic(P, z, y, n)
    a = series_root(P, z, y, 4, constant=-2)
    proof = prove_term(rec, (n - 2) * 2**n, n, initial_terms=a)
    assert proof.recheck()


def test_term_undefined_and_unsupported_terms():
    rec = recurrence_from_algebraic(z * y**2 - y + 1, z, y, n)
    with pytest.raises(InputError, match="undefined at n=4"):
        # equal to catalan(n) except at n = 4, where it is 0/0
        prove_term(rec, catalan(n) * (n**2 - 16) / ((n - 4) * (n + 4)), n,
                   initial_terms=CATALAN[:3])
    with pytest.raises(ProofFailure, match="not a hypergeometric term") as info:
        # equal to catalan(n), but not in product form: not provable, and not refuted
        prove_term(rec, (catalan(n) * 2**n + catalan(n) * 3**n) / (2**n + 3**n), n,
                   initial_terms=CATALAN[:3])
    assert not isinstance(info.value, ClaimRefuted)


def test_too_few_initial_terms():
    rec = recurrence_from_algebraic(mp_equation(c), z, y, n)
    with pytest.raises(InputError, match="too few"):
        prove_term(rec, c**n, n, initial_terms=[1])


def test_start_index_skips_a_special_value():
    # Narayana-type: for n >= 1 the MP moments with c = 1 are Catalan; claim from n = 1 on
    rec = recurrence_from_algebraic(z * y**2 - y + 1, z, y, n)
    proof = prove_term(rec, catalan(n), n, initial_terms=CATALAN[:3], start=1)
    assert proof.valid_from == 1 and proof.recheck()


def test_symbolic_parameter_hypergeometric_claim():
    # y = 1/(1 - c z): a_n = c^n, proved over QQ(c)
    rec = recurrence_from_algebraic((1 - c * z) * y - 1, z, y, n)
    proof = prove_term(rec, c**n, n, initial_terms=[1, c])
    assert proof.parameters == ("c",) and "QQ(c)" in proof.statement
    assert proof.recheck()


def test_definite_sum_falls_back_with_a_reason():
    from sympy import Sum

    rec = recurrence_from_algebraic(mp_equation(c), z, y, n)
    a = series_root(mp_equation(c), z, y, 4)
    narayana_sum = Sum(binomial(n, k) * binomial(n, k - 1) / n * c ** (k - 1), (k, 1, n))
    with pytest.raises(ProofFailure, match="definite sum") as info:
        prove_term(rec, narayana_sum, n, initial_terms=a, start=1)
    assert not isinstance(info.value, ClaimRefuted)


# ---------------------------------------------------------------- semicircle (even moments)


def test_semicircle_even_moments_catalan_and_odd_moments_zero():
    P = z**2 * y**2 - y + 1  # M(z) = 1 + z² M(z)², semicircle of variance 1
    a = series_root(P, z, y, 6)
    proof = prove_even_term(P, z, y, catalan(k), k, initial_terms=a)
    assert proof.even
    assert "a_(2k+1) = 0 for all k >= 0" in proof.statement
    assert proof.recheck()
    # the same via the series in w = z² substituted
    rec = recurrence_from_algebraic(w * y**2 - y + 1, w, y, k)
    assert prove_term(rec, catalan(k), k, initial_terms=a[::2]).recheck()
    # off by one is refuted on the even part
    with pytest.raises(ClaimRefuted, match="fails at k=1"):
        prove_even_term(P, z, y, catalan(k + 1), k, initial_terms=a)


def test_even_term_rejects_odd_equation():
    with pytest.raises(InputError, match="not even"):
        prove_even_term(z * y**2 - y + 1, z, y, catalan(k), k, initial_terms=[1, 1, 2])


# ---------------------------------------------------------------- generating functions


def test_generating_function_of_catalan_and_central_binomial():
    p1 = prove_generating_function(z * y**2 - y + 1, z, y, (1 - sqrt(1 - 4 * z)) / (2 * z),
                                   CATALAN[:4])
    p2 = prove_generating_function(y**2 * (1 - 4 * z) - 1, z, y, 1 / sqrt(1 - 4 * z),
                                   CENTRAL_BINOMIAL[:3])
    for p in (p1, p2):
        assert p.method == METHOD_SUBSTITUTION and p.recheck()


def test_mp_generating_function_symbolic_and_numeric_ratio():
    for ratio in (c, Rational(1, 2)):
        P = mp_equation(ratio)
        a = series_root(P, z, y, 6)
        proof = prove_generating_function(P, z, y, mp_generating_function(ratio), a)
        assert proof.recheck()
    assert series_root(mp_equation(Rational(1, 2)), z, y, 7) == MP_HALF


def test_mp_narayana_sum_at_half_agrees_with_the_recurrence():
    # The term Σ_k N(n,k) c^(k-1) is a definite sum (not proved by prove_term); its values
    # are checked against the unrolled recurrence, whose generating function is proved above.
    rec = recurrence_from_algebraic(mp_equation(Rational(1, 2)), z, y, n)
    values = rec.terms(MP_HALF[: rec.initial_terms_needed], 15)
    half = Rational(1, 2)
    for m in range(1, 15):
        narayana = sum(binomial(m, j) * binomial(m, j - 1) / m * half ** (j - 1)
                       for j in range(1, m + 1))
        assert values[m] == narayana


def test_wrong_generating_functions_are_refuted():
    P = z * y**2 - y + 1
    with pytest.raises(ClaimRefuted, match="nonzero coefficient"):
        prove_generating_function(P, z, y, (1 + sqrt(1 - 4 * z)) / (2 * z), CATALAN[:3])
    with pytest.raises(ClaimRefuted, match="fails at n=1"):
        prove_generating_function(P, z, y, 1 / sqrt(1 - 4 * z), CATALAN[:3])
    # agrees with the first two coefficients but is not a root
    with pytest.raises(ClaimRefuted, match="not a root") as info:
        prove_generating_function(P, z, y, 1 + z, CATALAN[:2])
    assert info.value.residual != 0
    with pytest.raises(ProofFailure, match="more than one square root"):
        prove_generating_function(P, z, y, sqrt(1 - z) * sqrt(1 + 2 * z), CATALAN[:2])


# ---------------------------------------------------------------- certificates


def _catalan_proof():
    rec = recurrence_from_algebraic(z * y**2 - y + 1, z, y, n)
    return prove_term(rec, binomial(2 * n, n) / (n + 1), n, initial_terms=CATALAN[:3])


def test_certificate_round_trips_through_json():
    for proof in (_catalan_proof(),
                  prove_generating_function(mp_equation(c), z, y, mp_generating_function(c),
                                            series_root(mp_equation(c), z, y, 4))):
        again = AllOrderProof.from_dict(json.loads(json.dumps(proof.to_dict())))
        assert again == proof and again.recheck()


@pytest.mark.parametrize(
    ("field", "old", "new"),
    [
        ("data", '"-4"', '"-5"'),  # a recurrence coefficient
        ("data", '"values":[[0,"1"],[1,"1"],[2,"2"]]', '"values":[[0,"1"],[1,"1"],[2,"3"]]'),
        ("data", '"gammas":[[1,"1",-2],[2,"1",1]]', '"gammas":[[1,"1",-2],[2,"1",2]]'),
        ("data", '[[1,2],"1"]', '[[1,2],"2"]'),  # the equation
        ("recurrence", "n + 2", "n + 3"),
        ("equation", "y**2*z", "2*y**2*z"),
    ],
)
def test_tampered_certificate_fails_recheck(field, old, new):
    proof = _catalan_proof()
    d = proof.to_dict()
    if isinstance(d[field], list):
        d[field] = [s.replace(old, new) for s in d[field]]
        assert d[field] != proof.to_dict()[field]
    else:
        assert old in d[field], d[field]
        d[field] = d[field].replace(old, new)
    with pytest.raises(CertificateError):
        AllOrderProof.from_dict(d).recheck()


def test_tampered_generating_function_fails_recheck():
    proof = prove_generating_function(z * y**2 - y + 1, z, y, (1 - sqrt(1 - 4 * z)) / (2 * z),
                                      CATALAN[:3])
    data = json.loads(proof.data)
    data["claim"]["D"]["num"][0][1] = "2"
    bad = dataclasses.replace(proof, data=json.dumps(data))
    with pytest.raises(CertificateError):
        bad.recheck()


def test_certificate_data_is_never_parsed_as_code():
    proof = _catalan_proof()
    data = json.loads(proof.data)
    data["initial"][0] = "__import__('os').system('echo pwned')"
    with pytest.raises(CertificateError, match="not a rational number"):
        dataclasses.replace(proof, data=json.dumps(data)).recheck()
    with pytest.raises(CertificateError, match="unknown fields"):
        AllOrderProof.from_dict({**proof.to_dict(), "extra": 1})


# ---------------------------------------------------------------- property


@settings(max_examples=15, deadline=None)
@given(
    a=st.integers(-3, 3).filter(lambda v: v != 0),
    b=st.integers(-3, 3),
    cc=st.integers(-3, 3),
    d=st.integers(0, 2),
)
@example(a=1, b=0, cc=1, d=0)  # Catalan
@example(a=1, b=1, cc=1, d=0)  # Motzkin-like: y = 1 + z(1 + y + y²)
def test_unrolled_recurrence_equals_series_coefficients(a, b, cc, d):
    """For y = 1 + z (a + b y + c y² + d y³) the recurrence unrolls to the series root."""
    P = 1 + z * (a + b * y + cc * y**2 + d * y**3) - y
    order = 15
    expected = series_root(P, z, y, order)
    rec = recurrence_from_algebraic(P, z, y, n)
    assert rec.terms(expected[: rec.initial_terms_needed], order) == expected
    # and the series root really is the fixed point of y -> 1 + z (a + b y + c y² + d y³), iterated
    # on integer coefficient lists truncated at z^order (each pass fixes one more coefficient)
    def mul(u, v):
        return [sum(u[i] * v[k - i] for i in range(k + 1)) for k in range(order)]

    approx = [1] + [0] * (order - 1)
    for _ in range(order):
        sq = mul(approx, approx)
        inner = [b * x + cc * s2 + d * c3 for x, s2, c3 in zip(approx, sq, mul(sq, approx))]
        inner[0] += a
        approx = [1] + inner[: order - 1]
    assert tuple(approx) == expected
