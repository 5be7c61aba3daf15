"""Tests of tpsym.proof.limits and tpsym.series.size: every input finishes or is
refused with the limit that applies, in bounded time and memory.

The reproducers of the soundness review (issue 18) run in a subprocess with a
timeout and a memory cap, so that a regression fails the test instead of
hanging the suite or the machine.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tpsym.errors import InputError
from tpsym.laws import boxpower, boxtimes, mp, scale
from tpsym.proof.claims import Claim, NumericSettings, parse_loop
from tpsym.proof.limits import (
    MAX_EXPANSION_WORK,
    MAX_LOOP_STEPS,
    check_numeric_work,
    check_parametric_order,
    evaluate_sums,
)
from tpsym.proof.verify import iterate_loops, verify_claim
from tpsym.series.size import expansion_work
from tpsym.spec import parse_formula, parse_spec

ROOT = Path(__file__).resolve().parents[2]
EIGHT = ", ".join(f"semicircle(variance={v})" for v in "abcdefgh")


def _cap_memory() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))


def _check(*args: str) -> tuple[int, str, float]:
    """``tpsym check ARGS --json`` in a child process with a 20 s timeout and 4 GB of memory."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "tpsym", "check", *args], capture_output=True, text=True, timeout=20,
        env=env, cwd=ROOT, preexec_fn=_cap_memory,
    )
    out = proc.stdout
    try:
        out = json.dumps(json.loads(out), ensure_ascii=False)
    except ValueError:
        pass
    return proc.returncode, out + proc.stderr, time.perf_counter() - start


# (arguments, what the output must say): each one hung or exhausted memory before
REPRODUCERS = [
    (["(a+b+c)**10000 == (a+b+c)**10000 + 1"], "more than MAX_EXPANSION_WORK=1000"),
    (["(a+b+c+d+e)**200 == 1"], "more than MAX_EXPANSION_WORK=1000"),
    (["rf(c, 10000) == 1"], "more than MAX_EXPANSION_WORK=1000"),
    (["1 == 1", "--for", "n=1..10000", "--for", "m=1..10000", "--for", "k=m..1"], f"more than {MAX_LOOP_STEPS=}"),
    (["Sum(Sum(j, (j, 0, 10000)), (i, 0, 10000)) == 1"], "more than MAX_SUM_TERMS=20000"),
    ([f"moment(boxplus({EIGHT}), 100) == 1"], "order × parameters must be at most MAX_PARAMETRIC_WORK=100"),
    # true, through the symbolic exponent: m_2 of MP(1)^{⊠L} is L + 1
    (["moment(boxpower(mp(ratio=1), 100000000), 2) == 100000001"], '"verdict": "verified"'),
    # issue 15: m_3 of the ReLU network's J Jᵀ at depth L is 6L² + 4L + 1 (arXiv 1711.04735), not 1
    (["moment(jacobian(activation=relu, weights=gaussian, sigma_w2=2, depth=1000000000), 3) == 1"],
     '"derived": "6000000004000000001"'),
    # no route that writes the result down: the mean s/2 to the power 10^9 is refused with its bound
    (["moment(jacobian(activation=relu, weights=gaussian, sigma_w2=s, depth=1000000000), 2) == 1"],
     "of degree 2000000000: more than MAX_POWER_DEGREE=10000"),
    (["moment(boxpower(scale(mp(ratio=1), 2), 100000000), 2) == 1"], "more than MAX_POWER_BITS=40000"),
]


@pytest.mark.parametrize(("args", "says"), REPRODUCERS, ids=[a[0][:40] for a, _ in REPRODUCERS])
def test_reproducers_finish_or_are_refused_in_bounded_time(args, says):
    status, out, elapsed = _check(*args, "--json")
    assert says in out, out
    assert elapsed < 10, f"{elapsed:.1f} s"
    assert status in (0, 1, 2)


def test_proof_file_limits(tmp_path, capsys):
    from tpsym.cli import main

    path = tmp_path / "big.toml"
    path.write_text(
        '[[claim]]\nid = "numeric"\ntitle = "t"\nsource = "s"\n'
        'numeric = { law = "semicircle()", sizes = [16384, 16383], trials = 10000 }\n\n'
        '[[claim]]\nid = "same"\ntitle = "t"\nsource = "s"\n'
        'same_law = ["mp(ratio=c)", "free_poisson(rate=1/c, jump=c)"]\norder = 200\n\n'
        '[[claim]]\nid = "gf"\ntitle = "t"\nsource = "s"\norder = 200\n'
        'generating_function = { law = "semicircle(variance=s)", equals = "(1 - sqrt(1 - 4*s*z**2))/(2*s*z**2)" }\n',
        encoding="utf-8",
    )
    start = time.perf_counter()
    assert main(["verify", str(path), "--no-numeric"]) == 1
    out = capsys.readouterr().out
    assert time.perf_counter() - start < 10
    assert "sizes (16384, 16383) with 10000 trials ask for" in out and "more than MAX_NUMERIC_WORK" in out
    assert out.count("the order 200 with 1 parameter (") == 2


# -- the estimates --------------------------------------------------------------------

SYMBOLS = sympy.symbols("a b c")
_polynomials = st.lists(
    st.tuples(st.integers(-3, 3).filter(bool), st.tuples(*[st.integers(0, 2)] * 3)), min_size=1, max_size=4
).map(lambda terms: sympy.Add(*(k * sympy.Mul(*(s**e for s, e in zip(SYMBOLS, m))) for k, m in terms)))


def _terms(expr) -> int:
    expanded = sympy.expand(expr)
    return 1 if expanded.is_number else len(sympy.Poly(expanded, *SYMBOLS).terms())


@settings(max_examples=60, deadline=None)
@given(_polynomials, _polynomials, st.integers(2, 6))
def test_expansion_work_bounds_the_terms_written(p, q, e):
    """The estimate is an upper bound: multiplying out writes no more terms than it says."""
    assume(len(sympy.Add.make_args(p)) > 1 and len(sympy.Add.make_args(q)) > 1)
    for expr in (p**e, p * q, p**e * q):
        assert expansion_work(expr) >= _terms(expr)
    if len(sympy.Add.make_args(p + q)) > 1:
        assert expansion_work((p + q) ** e / q) >= _terms((p + q) ** e)


@pytest.mark.parametrize(
    ("text", "work"),
    [
        ("(1 + c)**1000", 1001),  # 1001 binomial coefficients
        ("(a + b + c)**45", 1081),  # binomial(47, 2) monomials of degree 45 in 3 variables
        ("(a + b + c + d + e)**200", 70058751),  # binomial(204, 4)
        ("c**2 + 3*c + 1", 0),  # already expanded
        ("(1 + sqrt(2))**400", 401),  # sqrt(2) is a generator of the comparison's field
        ("binomial(c, 100)", 5148),  # partial products of c(c-1)...(c-99)
    ],
)
def test_expansion_work_values(text, work):
    assert expansion_work(parse_formula(text)) == work


def test_rf_is_refused_before_sympy_multiplies_it_out():
    start = time.perf_counter()
    with pytest.raises(InputError, match=f"rf\\(c, 2000\\): it would write about .* more than {MAX_EXPANSION_WORK=}"):
        parse_formula("rf(c, 2000)")
    assert time.perf_counter() - start < 1  # sympy.rf(c, 2000) alone takes 13 s
    assert parse_formula("rf(c, 3)") == sympy.Symbol("c") * (sympy.Symbol("c") + 1) * (sympy.Symbol("c") + 2)


@pytest.mark.parametrize(
    "text",
    ["Sum(k, (k, 1, 10))", "Sum(k, (k, 5, 2))", "Sum(k, (k, 3, 2))", "Sum(Sum(j*k, (j, 1, k)), (k, 1, 4))",
     "Sum(Sum(j, (j, k, 3)), (k, 1, 5))", "Sum(binomial(6, j)*c**j, (j, 0, 6))", "Sum(j*c, (j, 1, c))"],
)
def test_evaluate_sums_is_sympy_doit(text):
    """Term by term, with sympy's (Karr's) convention for reversed limits."""
    e = parse_formula(text)
    assert sympy.expand(evaluate_sums(e) - e.doit()) == 0


def test_empty_inner_loops_count():
    loops = tuple(map(parse_loop, ("n = 1..10000", "m = 1..10000", "k = m..1")))
    start = time.perf_counter()
    with pytest.raises(InputError, match=f"take more than {MAX_LOOP_STEPS=} values"):
        list(iterate_loops(loops, {}, unbounded_terms=3))
    assert time.perf_counter() - start < 10
    # a triangle of 5050 checks is well inside the limit
    assert len(list(iterate_loops(tuple(map(parse_loop, ("n = 1..100", "k = 1..n"))), {}, unbounded_terms=3))) == 5050


def test_parametric_order_counts_the_parameters():
    check_parametric_order(parse_spec("boxpower(mp(ratio=1), L)"), 100)
    check_parametric_order(parse_spec("boxplus(semicircle(variance=a), semicircle(variance=b))"), 50)
    with pytest.raises(InputError, match="the order 51 with 2 parameters \\(a, b\\)"):
        check_parametric_order(parse_spec("boxplus(semicircle(variance=a), semicircle(variance=b))"), 51)
    check_parametric_order(parse_spec("semicircle()"), 10**6)  # no parameters: the other limits apply


def test_numeric_work():
    check_numeric_work((256, 512, 1024), 10)
    with pytest.raises(InputError, match="MAX_NUMERIC_WORK"):
        check_numeric_work((16384, 16383), 10000)


def test_same_law_and_generating_function_respect_the_parametric_limit():
    for claim in (
        Claim("s", "t", "-", "same_law", laws=(f"boxplus({EIGHT})", "semicircle(variance=a+b+c+d+e+f+g+h)"), order=13),
        Claim("g", "t", "-", "generating_function", laws=("mp(ratio=c)",), statement="1", order=101),
    ):
        v = verify_claim(claim, numeric=False)
        assert v.status == "error" and "MAX_PARAMETRIC_WORK=100" in v.summary
    two = ("boxplus(semicircle(variance=a), semicircle(variance=b))", "semicircle(variance=a+b)")
    assert verify_claim(Claim("s", "t", "-", "same_law", laws=two, order=10), numeric=False).status == "proved"
    v = verify_claim(Claim("s", "t", "-", "same_law", laws=two, order=51), numeric=False)
    assert v.status == "error" and "the order 51 with 2 parameters (a, b)" in v.summary


def test_numeric_settings_are_refused_when_loaded():
    from tpsym.proof.fileformat import parse_claims

    (err,) = parse_claims('[[claim]]\nid = "n"\ntitle = "t"\nsource = "s"\nnumeric = { law = "semicircle()", sizes = [8192], trials = 1000 }\n')
    assert "MAX_NUMERIC_WORK" in err.message
    assert NumericSettings().trials * sum(n**3 for n in NumericSettings().sizes) < 10**11
    # a claim built in Python is refused before sampling too
    big = NumericSettings(law="semicircle()", sizes=(16384, 16383), trials=10000)
    start = time.perf_counter()
    v = verify_claim(Claim("n", "t", "-", "numeric", numeric=big))
    assert v.status == "error" and "MAX_NUMERIC_WORK" in v.summary and time.perf_counter() - start < 10


# -- large ⊠-exponents through the series power ---------------------------------------

L = sympy.Symbol("L")


@pytest.mark.parametrize("base", [mp(ratio=sympy.Rational(1, 2)), scale(mp(ratio=1), 2), mp(ratio=sympy.Symbol("c"))])
def test_large_integer_power_is_the_product(base):
    """Above DIRECT_POWER_MAX the series power S^t gives what t - 1 products give."""
    assert boxpower(base, 65).moments(4) == boxtimes(boxpower(base, 64), base).moments(4)


def test_huge_exponent_is_the_symbolic_one_substituted():
    t = 10**8
    # Fuss–Catalan: m_k of MP(1)^{⊠L} is binomial((L+1)k, k)/(Lk + 1) (OEIS A001764 at L = 2)
    want = tuple(sympy.binomial((t + 1) * k, k) / (t * k + 1) for k in range(1, 6))
    start = time.perf_counter()
    assert boxpower(mp(ratio=1), t).moments(5) == want
    assert time.perf_counter() - start < 5
    assert boxpower(mp(ratio=1), t).moments(5) == tuple(m.subs(L, t) for m in boxpower(mp(ratio=1), L).moments(5))


def test_huge_depth_is_the_symbolic_depth_substituted():
    """Issue 15: depth 10^9 through the symbolic-depth route, m_3 = 6L² + 4L + 1."""
    from tpsym.nets import jacobian_law

    depth = 10**9
    symbolic = jacobian_law("relu", "gaussian", sigma_w2=2, depth=L).moments(3)
    assert symbolic[2] == sympy.expand(6 * L**2 + 4 * L + 1)
    assert jacobian_law("relu", "gaussian", sigma_w2=2, depth=depth).moments(3) == tuple(m.subs(L, depth) for m in symbolic)
