"""Tests of tpsym.proof.verify (with tpsym.proof.functions, allorders and numeric):
every verdict level, the refutation details, the two routes, the limits.

The all-order mathematics itself is tested in test_algebraic.py; here it is reached
through claims.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy

from tpsym.errors import DomainError, InputError
from tpsym.laws import semicircle
from tpsym.proof.claims import Claim, NumericSettings, parse_loop
from tpsym.proof.fileformat import load_claims
from tpsym.proof.functions import (
    COUNT_ENUMERATION_LIMIT,
    LATTICE_ROUTE_MAX_ORDER,
    MAX_MOMENT_INDEX,
    MAX_PARAMETRIC_INDEX,
    MOBIUS_ENUMERATION_LIMIT,
    claim_functions,
)
from tpsym.proof.numeric import EntrySampler
from tpsym.proof.verify import MAX_CHECKS, VERDICTS, Verdict, evaluate_sides, exact_equal, iterate_loops, verify_claim

HERE = Path(__file__).resolve().parent

#: A small numeric setting: Wigner matrices with Rademacher entries, two sizes, eight trials
#: (with fewer, the t-test on trials - 1 degrees of freedom has little power at rate 0.001).
SMALL = dict(order=4, sizes=(128, 256), trials=8, seed=5)


def identity(statement: str, *loops: str, order: int = 8, **kw) -> Claim:
    return Claim("t", "test claim", "test", "identity", statement=statement, loops=tuple(map(parse_loop, loops)), order=order, **kw)


def numeric_claim(law: str = "semicircle()", entries: str = "rademacher", **kw) -> Claim:
    return Claim("n", "numeric claim", "arXiv 2011.11439", "numeric", numeric=NumericSettings(law=law, entries=entries, **{**SMALL, **kw}))


@pytest.fixture
def wrong_m4(monkeypatch):
    """The numeric layer's expected m_4 of an entry-law sampler, off by 10% (a wrong law)."""
    original = EntrySampler.expected_moments

    def wrong(self, order):
        m = list(original(self, order))
        if order >= 4:
            m[3] *= 1.10
        return tuple(m)

    monkeypatch.setattr(EntrySampler, "expected_moments", wrong)


# -- every verdict level -------------------------------------------------------------

EXACT_LEVELS = [
    # proved: a hypergeometric term against the P-recurrence of an algebraic law (OEIS A000108)
    (identity("moment(semicircle(), 2*k) == catalan(k)", "k >= 1"), "proved"),
    # proved: same algebraic equation (Nica–Speicher, Lecture 12)
    (Claim("s", "semicircles add", "-", "same_law", laws=("boxplus(semicircle(), semicircle(variance=2))", "semicircle(variance=3)")), "proved"),
    # verified: a finite range, both routes (OEIS A001263)
    (identity("moment(mp(ratio=c), k) == Sum(narayana(k, j)*c**(j - 1), (j, 1, k))", "k = 1..6"), "verified"),
    # verified: all orders asked, but the shape is not one the prover covers
    (identity("catalan(k) == binomial(2*k, k)/(k + 1)", "k >= 1"), "verified"),
    # certified: the critical erf network of issue 14 has q* = 1 (sigma_b2 chosen so), a tanh q* enclosed
    (identity("q_star(activation=erf, sigma_w2=sqrt(5)*pi/4, sigma_b2=1-sqrt(5)*asin(2/3)/2) == 1"), "certified"),
    # refuted: Catalan index off by one
    (identity("moment(semicircle(), 2*k) == catalan(k + 1)", "k = 1..5"), "refuted"),
    # error: an unknown law
    (identity("moment(wigner(), 2) == 1"), "error"),
]


@pytest.mark.parametrize(("claim", "status"), EXACT_LEVELS)
def test_exact_verdict_levels(claim, status):
    v = verify_claim(claim, numeric=False)
    assert v.status == status, v.summary
    if status != "error":
        assert v.summary.startswith(status), v.summary
    assert v.ok == (status not in ("refuted", "contradicted", "error"))
    assert v.elapsed >= 0


def test_numeric_confirmed():
    # a true claim at a budget with enough power: 100 trials detect 2 % in every moment
    v = verify_claim(numeric_claim(trials=100), numeric=True)
    assert v.status == "confirmed", v.summary
    assert v.summary.startswith("confirmed numerically for k <= 4 at sizes [128, 256] with 100 trials")
    assert "in every moment with 80 % power, tolerance 2 %" in v.summary
    assert v.numeric["verdict"] == "confirmed" and [m["k"] for m in v.numeric["moments"]] == [1, 2, 3, 4]
    assert v.numeric["entries"] == "rademacher" and not v.numeric["fast"]
    assert len(v.numeric["detectable"]) == 4 and max(v.numeric["detectable"]) <= 0.02


def test_numeric_inconclusive_at_low_power():
    # the same true claim at 8 trials: nothing differs, but 2 % could go unnoticed
    v = verify_claim(numeric_claim(), numeric=True)
    assert v.status == "inconclusive" and v.ok, v.summary
    assert v.summary.startswith("inconclusive numerically: no moment differs at family-wise rate 0.001, but m_")
    assert "trials per size would settle it" in v.summary
    needed = max(m["trials_needed"] for m in v.numeric["moments"])
    assert needed > 8 and max(v.numeric["detectable"]) > 0.02
    # a looser tolerance (per claim or from the command line) that the run can meet confirms
    loose = max(v.numeric["detectable"]) * 1.01
    assert verify_claim(numeric_claim(tolerance=min(loose, 0.99))).status == "confirmed"
    assert verify_claim(numeric_claim(), tolerance=min(loose, 0.99)).numeric["tolerance"] == min(loose, 0.99)
    # following the advice settles it
    assert verify_claim(numeric_claim(trials=needed)).status == "confirmed"


def test_numeric_contradicted(wrong_m4):
    v = verify_claim(numeric_claim())
    assert v.status == "contradicted", v.summary
    assert v.summary.startswith("contradicted numerically: m_4 estimated ")
    assert "derived 2.2 " in v.summary
    (bad,) = [m for m in v.numeric["moments"] if not m["ok"]]
    assert bad["k"] == 4 and abs(bad["z"]) > 10  # overwhelming power: not a borderline call


def test_exact_claim_with_numeric_cross_check_contradicted(wrong_m4):
    claim = identity(
        "moment(semicircle(), 2*k) == catalan(k)", "k = 1..3",
        numeric=NumericSettings(law="semicircle()", entries="rademacher", **SMALL),
    )
    v = verify_claim(claim)
    assert v.status == "contradicted" and not v.ok
    assert v.summary.startswith("verified for k <= 3") and "; but contradicted numerically: m_4" in v.summary
    # the exact part alone is verified
    assert verify_claim(claim, numeric=False).status == "verified"


def test_exact_claim_with_numeric_cross_check_confirmed():
    claim = identity("moment(semicircle(), 2*k) == catalan(k)", "k = 1..3", numeric=NumericSettings(law="semicircle()", **{**SMALL, "order": 2, "trials": 60}))
    v = verify_claim(claim)
    assert v.status == "verified" and "; confirmed numerically" in v.summary
    # an inconclusive cross-check leaves the exact verdict standing, and says so
    claim = identity("moment(semicircle(), 2*k) == catalan(k)", "k = 1..3", numeric=NumericSettings(law="semicircle()", **SMALL))
    v = verify_claim(claim)
    assert v.status == "verified" and "; inconclusive numerically" in v.summary


def test_refuted_claim_skips_the_numeric_check(wrong_m4):
    claim = identity("moment(semicircle(), 2) == 2", numeric=NumericSettings(law="semicircle()", entries="rademacher", **SMALL))
    v = verify_claim(claim)
    assert v.status == "refuted" and v.numeric is None


def test_skipped():
    v = verify_claim(numeric_claim(), numeric=False)
    assert (v.status, v.summary, v.ok) == ("skipped", "not run: numeric checks are off (--no-numeric)", True)


def test_fast_numeric_uses_every_listed_size():
    """Issue 14: verify used only the two smallest sizes, silently. Every listed size is run;
    the fast setting drops only sizes above FAST_MAX_SIZE, and names them."""
    v = verify_claim(numeric_claim(sizes=(128, 256, 512), trials=20), fast_numeric=True)
    assert (v.numeric["sizes"], v.numeric["trials"], v.numeric["fast"]) == ([128, 256, 512], 20, True)
    assert v.numeric["dropped_sizes"] == [] and v.status in ("confirmed", "inconclusive")
    v = verify_claim(numeric_claim(sizes=(64, 128, 2048), trials=8), fast_numeric=True)
    assert v.numeric["sizes"] == [64, 128] and v.numeric["dropped_sizes"] == [2048]
    assert v.summary.endswith("sizes [2048] dropped: the fast setting samples sizes up to 1024 only; --full-numeric runs them all")
    # two sizes of a sweep at 8 trials cannot confirm 2 %
    assert v.status == "inconclusive"


def test_every_level_is_reached():
    """The claims above (and the numeric tests) reach every verdict of VERDICTS."""
    reached = {status for _, status in EXACT_LEVELS} | {"confirmed", "inconclusive", "contradicted", "skipped"}
    assert reached == set(VERDICTS)


# -- refutation details ---------------------------------------------------------------


def test_wrong_claims_are_refuted():
    claims = {c.id: c for c in load_claims([str(HERE / "wrong_claims.toml")])}
    expected = {
        # id: (first failing index, claimed, derived, difference = derived - claimed)
        "catalan-off-by-one": ({"k": 1}, "2", "1", "-1"),
        "narayana-coefficient": ({}, "c**3 + 6*c**2 + 5*c + 1", "c**3 + 6*c**2 + 6*c + 1", "c"),
        "fuss-catalan-denominator": ({"k": 1}, "3/4", "1", "1/4"),
        "semicircle-variances": ({"k": 2}, "3", "2", "-1"),
        "mp-cumulant-power": ({"k": 1}, "c", "1", "1 - c"),
        "jacobian-variance-s1-sign": ({}, "L*(-2 + nu_2/nu_1**2)", "-1 + (L*nu_2 + nu_1**2)/nu_1**2", "2*L"),
        "linear-variance-s1-sign": ({}, "-L", "L", "2*L"),
        "mobius-sign": ({"n": 1}, "-1", "1", "2"),
        "narayana-count-shifted": ({"n": 1, "k": 1}, "0", "1", "1"),
        "mp-generating-function-branch": ({"k": -1}, "1/c", "0", "-1/c"),
        "catalan-generating-function-radicand": ({"k": 0}, "3/4", "1", "1/4"),
        # found by the all-order argument beyond the 12 checked indices
        "catalan-plus-late-binomial": ({"k": 14}, "2674441", "2674440", "-1"),
        "zero-power": ({}, "0", "0**(1 - c)", "0**(1 - c)"),
        "absolute-value-of-a-negative": ({}, "-c", "c", "2*c"),
    }
    assert set(claims) == set(expected)
    for cid, (at, claimed, derived, difference) in expected.items():
        v = verify_claim(claims[cid], numeric=False)
        assert v.status == "refuted", (cid, v.summary)
        assert v.failure == {"at": at, "claimed": claimed, "derived": derived, "difference": difference}, cid
        assert v.proof is None and not v.ok


def test_refutation_stops_at_the_first_failing_index():
    v = verify_claim(identity("moment(semicircle(), 2*k) == catalan(k) + Max(0, k - 3)", "k = 1..8"), numeric=False)
    assert v.status == "refuted" and v.failure["at"] == {"k": 4}
    assert [s["at"]["k"] for s in v.steps] == [1, 2, 3, 4]


def test_right_variance_formula_is_verified():
    # Pennington, Schoenholz & Ganguli, arXiv 1711.04735: sigma^2 = L(mu_2/mu_1^2 - 1 - s_1); deep linear net, Gaussian
    v = verify_claim(identity(
        "moment(boxpower(mp(ratio=1), L), 2) - moment(boxpower(mp(ratio=1), L), 1)**2 == L*(1 - 1 - s_coefficient(mp(ratio=1), 1))",
        assumptions=(("L", ("positive", "integer")),),
    ), numeric=False)
    assert v.status == "verified" and "lattice route unavailable" in v.notes[0]


# -- the two routes -------------------------------------------------------------------


def test_steps_record_both_routes():
    v = verify_claim(identity("moment(arcsine(), 2*k) == binomial(2*k, k)", "k = 1..3"), numeric=False)
    assert v.steps == [
        {"step": "evaluate", "at": {"k": k}, "lhs": str(b), "rhs": str(b), "comparison": "rational equality", "lattice": "agrees"}
        for k, b in [(1, 2), (2, 6), (3, 20)]  # OEIS A000984
    ]


def test_route_disagreement_is_an_error(monkeypatch):
    import tpsym.laws.lattice as lattice

    real = lattice.lattice_moments
    monkeypatch.setattr(lattice, "lattice_moments", lambda law, n: tuple(m + 1 for m in real(law, n)))
    v = verify_claim(identity("moment(semicircle(), 2*k) == catalan(k)", "k = 1..3"), numeric=False)
    assert v.status == "error" and "the series and lattice routes disagree at {'k': 1}" in v.summary
    assert v.steps[-1]["lattice"].startswith("DISAGREES")


def test_lattice_route_limit():
    f = claim_functions("lattice")
    with pytest.raises(DomainError, match=f"lattice route goes up to order {LATTICE_ROUTE_MAX_ORDER}"):
        f["moment"](semicircle(), LATTICE_ROUTE_MAX_ORDER + 2)
    v = verify_claim(identity(f"moment(semicircle(), {LATTICE_ROUTE_MAX_ORDER + 2}) == catalan({LATTICE_ROUTE_MAX_ORDER // 2 + 1})"), numeric=False)
    assert v.status == "verified" and "series route (lattice route unavailable)" in v.summary
    # the Möbius recursion compares every pair of NC(n): the witness stops at n = 8 (Nica–Speicher, Lecture 10)
    v = verify_claim(identity(f"mobius_nc({MOBIUS_ENUMERATION_LIMIT + 1}) == catalan({MOBIUS_ENUMERATION_LIMIT})"), numeric=False)
    assert v.status == "verified" and f"enumerates up to n = {MOBIUS_ENUMERATION_LIMIT}" in v.notes[0]
    v = verify_claim(identity(f"nc_count({COUNT_ENUMERATION_LIMIT + 1}) == catalan({COUNT_ENUMERATION_LIMIT + 1})"), numeric=False)
    assert v.status == "verified" and f"enumerates up to n = {COUNT_ENUMERATION_LIMIT}" in v.notes[0]


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (f"moment(semicircle(), {MAX_MOMENT_INDEX + 1}) == 0", f"exceeds the limit {MAX_MOMENT_INDEX}"),
        (f"moment(mp(ratio=c), {MAX_PARAMETRIC_INDEX + 1}) == 0", f"exceeds the limit {MAX_PARAMETRIC_INDEX} for a law with parameters"),
        (f"cumulant(mp(ratio=c), {MAX_PARAMETRIC_INDEX + 1}) == 0", f"exceeds the limit {MAX_PARAMETRIC_INDEX} for a law with parameters"),
        ("cumulant(mp(ratio=1), 10**6) == 0", f"exceeds the limit {MAX_MOMENT_INDEX}"),
        ("nc_count(10**5) == 0", "exceeds the limit 10000"),
        ("moment(semicircle(), -1) == 0", "moment needs an index >= 0, got -1"),
        ("moment(semicircle(), 1/2) == 0", "moment needs an integer index, got 1/2"),
        ("moment(semicircle(), 'k') == 0", "moment needs an integer index, got 'k'"),
        ("cumulant(semicircle(), 2, 'weird') == 0", "unknown cumulant kind 'weird'"),
        ("s_coefficient(semicircle(), 1) == 0", "has mean 0 and no S-transform"),
        ("1/0 == 1", "division by zero"),
        ("moment(semicircle(variance=σ), 2) == σ", "must be ASCII"),
    ],
)
def test_error_verdicts(statement, message):
    v = verify_claim(identity(statement), numeric=False)
    assert v.status == "error" and message in v.summary, v.summary
    assert v.summary.startswith("t: ")  # where the claim was written: its id when there is no file


def test_loop_errors():
    v = verify_claim(identity("moment(semicircle(), k) == 0", "k = 1..n"), numeric=False)
    assert v.status == "error" and "the loop end 'n' is not an integer" in v.summary
    v = verify_claim(identity("nc_count(k) == catalan(k)", f"k = 1..{MAX_CHECKS + 1}"), numeric=False)
    assert v.status == "error" and f"more than {MAX_CHECKS}" in v.summary and not v.steps
    v = verify_claim(identity("moment(semicircle(), 2*k) == catalan(k)", "k >= -3"), numeric=False)
    assert v.status == "error" and "index >= 0, got -6" in v.summary


def test_internal_errors_become_error_verdicts(monkeypatch):
    import tpsym.proof.verify as verify

    def boom(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(verify, "evaluate_sides", boom)
    v = verify_claim(identity("1 == 1"))
    assert v.status == "error" and v.summary == "t: internal error (ZeroDivisionError: a bug)"
    assert "bug of tpsym" in v.notes[0]


def test_string_index_is_not_executed(tmp_path):
    target = tmp_path / "pwned"
    payload = f"__import__('os').system('touch {target}')"
    for fn in ("moment", "cumulant"):
        v = verify_claim(identity(f'{fn}(semicircle(), "{payload}") == 1'), numeric=False)
        assert v.status == "error" and "needs an integer index" in v.summary
    assert not target.exists()


# -- all orders ---------------------------------------------------------------------------


def test_proved_records_the_proof():
    v = verify_claim(identity("cumulant(mp(ratio=c), k) == c**(k - 1)", "k >= 1", order=6, assumptions=(("c", ("positive",)),)), numeric=False)
    assert v.status == "proved", v.summary
    assert v.summary.startswith("proved for all k >= 1 (hypergeometric term satisfies P-recurrence); verified for k <= 6")
    assert v.proof["function"] == "cumulant" and v.proof["law"] == "mp(ratio=c)" and "proof" in v.proof
    assert len(v.steps) == 6


def test_odd_moments_vanish_for_all_orders():
    v = verify_claim(identity("moment(semicircle(variance=s), 2*k + 1) == 0", "k >= 0"), numeric=False)
    assert v.status == "proved" and v.proof["method"] == "the equation is even in z"


def test_not_proved_says_why():
    v = verify_claim(identity("moment(boxpower(mp(ratio=1), L), k) == binomial((L + 1)*k, k)/(L*k + 1)", "k >= 1", order=4), numeric=False)
    assert v.status == "verified", v.summary
    assert "not proved for all orders" in v.summary and v.notes and v.notes[-1].startswith("no all-order proof")


def test_same_law_not_proved_for_all_orders_is_verified():
    # a law without an algebraic equation known to tpsym: the symbolic L-th power
    v = verify_claim(Claim("p", "power", "-", "same_law", laws=("boxpower(mp(ratio=1), L)", "boxpower(mp(ratio=1), L)"), order=4), numeric=False)
    assert (v.status, v.summary) == ("verified", "verified for k <= 4 (series route (lattice route unavailable))")
    assert v.notes[0].startswith("lattice route unavailable: ") and v.notes[1].startswith("no all-order proof: ")
    # Haar orthogonal weights: W^T W is the identity (Collins & Hayase; DESIGN conventions)
    assert verify_claim(Claim("h", "Haar", "-", "same_law", laws=("haar_gram()", "dirac(1)")), numeric=False).status == "proved"


# -- exact comparison ---------------------------------------------------------------------


def test_exact_equal():
    c, x = sympy.symbols("c x")
    assert exact_equal((c**2 - 1) / (c - 1), c + 1) == (True, "canonical form in QQ(c)")
    assert exact_equal(sympy.Rational(1, 3), sympy.Rational(2, 6)) == (True, "rational equality")
    assert exact_equal(sympy.binomial(c, 2), c * (c - 1) / 2)[0]
    assert exact_equal(sympy.Symbol("L", positive=True), sympy.Symbol("L"))[0]  # assumptions are dropped
    equal, how = exact_equal(sympy.erf(1), 1)
    assert not equal and "differs at the constants" in how
    with pytest.raises(DomainError, match="cannot decide"):
        exact_equal(sympy.sin(x) ** 2 + sympy.cos(x) ** 2, 1)
    with pytest.raises(sympy.SympifyError):
        exact_equal("__import__('os')", 1)  # a string is never parsed


def test_iterate_loops():
    loops = (parse_loop("n = 1..3"), parse_loop("k = n..3"))
    got = [(int(a["n"]), int(a["k"])) for a in iterate_loops(loops, {}, unbounded_terms=5)]
    assert got == [(1, 1), (1, 2), (1, 3), (2, 2), (2, 3), (3, 3)]
    assert [int(a["k"]) for a in iterate_loops((parse_loop("k >= 2"),), {}, unbounded_terms=3)] == [2, 3, 4]
    assert list(iterate_loops((), {}, unbounded_terms=3)) == [{}]
    with pytest.raises(InputError, match="is not an integer"):
        list(iterate_loops((parse_loop("k = 1..1/2"),), {}, unbounded_terms=3))


def test_evaluate_sides_routes_agree():
    env = {"k": sympy.Integer(5)}
    assert evaluate_sides("moment(boxtimes(mp(ratio=1), mp(ratio=1)), k) == binomial(3*k, k)/(2*k + 1)", env, "series") == (273, 273)
    assert evaluate_sides("moment(boxtimes(mp(ratio=1), mp(ratio=1)), k) == binomial(3*k, k)/(2*k + 1)", env, "lattice") == (273, 273)


def test_unknown_kind_and_missing_settings():
    v = verify_claim(Claim("x", "t", "s", "numeric"))
    assert v.status == "error" and "needs a [numeric] table" in v.summary
    v = verify_claim(Claim("x", "t", "s", "mystery"))  # type: ignore[arg-type]
    assert v.status == "error" and "unknown claim kind 'mystery'" in v.summary
    v = verify_claim(Claim("x", "t", "s", "same_law", laws=("semicircle()",)))
    assert v.status == "error" and "at least two" in v.summary


def test_numeric_claim_errors():
    v = verify_claim(numeric_claim(law="semicircle(variance=s)", entries="gaussian"))
    assert v.status == "error" and "s is symbolic" in v.summary
    v = verify_claim(numeric_claim(law="arcsine()"))
    assert v.status == "error" and "applies to semicircle(variance=...) and mp(ratio=...)" in v.summary


def test_verdict_is_a_plain_record():
    v = Verdict(identity("1 == 1"), "verified", "ok")
    assert v.ok and v.steps == [] and v.failure is None


# -- generating-function claims ---------------------------------------------------
def _gf(law, F, **kw):
    return Claim("g", "generating function", "-", "generating_function", laws=(law,), statement=F, **kw)


def test_generating_function_proved_by_substitution():
    # Catalan: sum C_k z^k = (1 - sqrt(1 - 4z))/(2z) (OEIS A000108); MP(1) has the Catalan moments
    v = verify_claim(_gf("mp(ratio=1)", "(1 - sqrt(1 - 4*z))/(2*z)", order=8))
    assert v.status == "proved" and v.proof["method"] == "substitution into algebraic equation"
    assert [s["coefficient"] for s in v.steps] == ["1", "1", "2", "5", "14", "42", "132", "429", "1430"]


def test_generating_function_agreeing_to_the_order_but_not_a_root_is_refuted():
    # F = Catalan GF + z^12 agrees with every checked coefficient (order 8) but is not a root
    v = verify_claim(_gf("mp(ratio=1)", "(1 - sqrt(1 - 4*z))/(2*z) + z**12", order=8))
    assert v.status == "refuted" and "F is not a root of P" in v.summary
    assert v.failure == {"at": {"k": 12}, "claimed": "208013", "derived": "208012", "difference": "-1"}


def test_generating_function_errors():
    cube = verify_claim(_gf("semicircle()", "(1 - z)**(1/3)"))
    assert cube.status == "error" and "the generating function" in cube.summary
    named_z = verify_claim(_gf("semicircle(variance=z)", "1", assumptions=(("z", ("positive",)),)))
    assert named_z.status == "error" and "z is the variable of the generating function" in named_z.summary
    # a bare name is a parameter, as in every formula: here the claim is simply wrong
    assert verify_claim(_gf("semicircle()", "1 + w*z")).summary.startswith("refuted at k=1")


RIGHT = """
[[claim]]
id = "absolute-value"
title = "The mean of the point mass at c < 0 is -|c|, written with a root"
source = "-"
statement = "moment(dirac(c), 1) == -sqrt((c + 1)**2 - 2*c - 1)"
assume = { c = ["negative"] }

[[claim]]
id = "roots-of-negatives"
title = "sqrt(c d) for negative c, d"
source = "-"
statement = "moment(semicircle(), 2)*sqrt(c*d) == sqrt(c*(d + 1) - c)"
assume = { c = ["negative"], d = ["negative"] }

[[claim]]
id = "square-radicand"
title = "The generating function of the point mass at 2, 1/(1 - 2z), written with a square root"
source = "-"
generating_function = { law = "dirac(2)", equals = "1/sqrt(1 - 4*z + 4*z**2)" }
"""


def test_true_claims_under_assumptions_and_square_radicands_are_not_refuted(tmp_path):
    # each was refuted once: the numerical fallback ignored the sign assumptions, and a
    # square radicand made QQ(z)[sqrt(D)] treat a rational sqrt(D) as irrational
    path = tmp_path / "right.toml"
    path.write_text(RIGHT, encoding="utf-8")
    verdicts = {c.id: verify_claim(c, numeric=False) for c in load_claims([str(path)])}
    assert verdicts["absolute-value"].status == "verified"
    assert verdicts["roots-of-negatives"].status == "verified"
    assert verdicts["square-radicand"].status == "proved"


def test_parameter_named_like_an_unknown_gets_no_all_order_proof(tmp_path):
    # y is the unknown of the algebraic equation: a parameter y merged with it and made
    # semicircle(variance=y) and bernoulli(1/2, y, -y) "the same law" (m_2: y against y²)
    path = tmp_path / "y.toml"
    path.write_text("""
[[claim]]
id = "y"
title = "-"
source = "-"
same_law = ["semicircle(variance=y)", "bernoulli(1/2, y, -y)"]
order = 1
""", encoding="utf-8")
    (claim,) = load_claims([str(path)])
    v = verify_claim(claim, numeric=False)
    assert v.status == "verified" and any("has the name of the variable or an unknown" in n for n in v.notes)


@pytest.mark.parametrize("index", ["2**k", "Max(k, 1)"])
def test_index_that_is_not_affine_is_not_proved(index):
    v = verify_claim(identity(f"moment(semicircle(), {index}) == 1", "k >= 1", order=3), numeric=False)
    assert v.status in ("verified", "refuted") and v.proof is None
