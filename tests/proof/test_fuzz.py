"""Fuzzing the proof-file reader and the verifier with hypothesis.

A proof file is untrusted data. Whatever its text:

* :func:`parse_claims` returns claims and claim errors, and raises nothing;
* :func:`verify_claim` returns a verdict, and raises nothing; no verdict is an
  "internal error" (a bug of tpsym reached by the input);
* nothing runs code: ``os.system``, ``os.popen`` and ``subprocess.Popen`` are
  replaced by tripwires while the input is processed, and so are ``eval`` and
  ``exec`` when they are reached from a parsing entry point (sympify,
  parse_expr, tpsym itself) or given a payload; the payloads' sentinel file
  is never created.

The runs are derandomised (the same examples every time) and small: well under 30 s.
``TPSYM_FUZZ_EXAMPLES=5000 pytest tests/proof/test_fuzz.py`` runs a long randomised fuzz.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tpsym.errors import TpsymError
from tpsym.proof.claims import Claim, parse_loop
from tpsym.proof.fileformat import ClaimError, parse_claims
from tpsym.proof.verify import VERDICTS, verify_claim
from tpsym.spec import parse_spec

SENTINEL = Path(__file__).resolve().parent / "_fuzz_sentinel_must_not_exist"
TOUCH = f"touch {SENTINEL}"

#: TPSYM_FUZZ_EXAMPLES=5000 runs a long, randomised fuzz instead of the default small, fixed one.
_LONG = int(os.environ.get("TPSYM_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=_LONG or 200,
    deadline=None,
    derandomize=not _LONG,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


class CodeExecuted(BaseException):
    """Raised by a tripwire: a BaseException, so that no `except Exception` can hide it."""


#: Callers whose eval/exec of text means that input reached a Python parser.
_PARSING_CALLERS = ("sympy.parsing", "sympy.core.sympify", "tpsym")
#: Text that only a payload would hand to eval/exec.
_PAYLOAD_MARKERS = ("__import__", "system", "touch ", "pwned", "open(", "eval(", "exec(", "lambda")


def _runs_input(source: object) -> bool:
    """Whether an eval/exec call runs input rather than a library's own generated code.

    sympy generates some of its kernels at run time (``exec`` of ``def monomial_mul...``
    in sympy.polys.monomials); that is allowed. Text from a parsing entry point, or text
    that carries a payload, is not.
    """
    caller = sys._getframe(2).f_globals.get("__name__", "")
    text = source if isinstance(source, str) else source.decode("utf-8", "replace") if isinstance(source, bytes) else ""
    return caller.startswith(_PARSING_CALLERS) or any(m in text for m in _PAYLOAD_MARKERS)


@contextlib.contextmanager
def tripwires():
    saved = (builtins.eval, builtins.exec, os.system, os.popen, subprocess.Popen)
    real_eval, real_exec = saved[0], saved[1]

    def trip(*args, **kwargs):
        raise CodeExecuted(f"code execution attempted with {args!r:.200}")

    def eval_(source, *args, **kwargs):
        if _runs_input(source):
            trip(source)
        return real_eval(source, *args, **kwargs)

    def exec_(source, *args, **kwargs):
        if _runs_input(source):  # an import runs compiled module code: that passes
            trip(source)
        return real_exec(source, *args, **kwargs)

    class TripPopen:
        def __init__(self, *args, **kwargs):
            trip(*args)

    builtins.eval, builtins.exec, os.system, os.popen, subprocess.Popen = eval_, exec_, trip, trip, TripPopen
    try:
        yield
    finally:
        builtins.eval, builtins.exec, os.system, os.popen, subprocess.Popen = saved
    assert not SENTINEL.exists(), "a payload ran"


@pytest.fixture(scope="module", autouse=True)
def warm_up():
    """Import everything the verifier imports lazily, so that the tripwires see only the input's doing."""
    SENTINEL.unlink(missing_ok=True)
    for statement, loops in [
        ("moment(boxtimes(mp(ratio=c), semicircle()), 2*k) == catalan(k)", ("k >= 1",)),
        ("cumulant(arcsine(), k, 'boolean') + s_coefficient(mp(ratio=1), k) == nc_count(k) + mobius_nc(k)", ("k = 1..2",)),
        ("nc_type_count(2, 1) + k_divisible_count(2, 2) + pairing_count(4) == erf(1)", ()),
        ("moment(semicircle(), 2*k + 1) == 0", ("k >= 0",)),
        ("moment(jacobian(activation=relu, weights=gaussian, sigma_w2=2, sigma_b2=0, depth=2), 2) == chi(relu, 2, 0)", ()),
        ("mu(hard_tanh, k, q) == q_star(relu, 2, 0)", ("k = 1..2",)),
        ("cumulant(mp(ratio=c), k) == c**(k - 1)", ("k >= 1",)),
    ]:
        verify_claim(Claim("w", "w", "w", "identity", statement=statement, loops=tuple(map(parse_loop, loops)), order=3), numeric=False)
    verify_claim(Claim("w", "w", "w", "same_law", laws=("semicircle()", "scale(semicircle(), 1)")), numeric=False)
    yield
    SENTINEL.unlink(missing_ok=True)


# -- strategies -------------------------------------------------------------------

FRAGMENTS = [
    "moment(", "cumulant(", "s_coefficient(", "nc_count(", "nc_type_count(", "mobius_nc(", "k_divisible_count(",
    "pairing_count(", "semicircle(", "mp(", "ratio=", "variance=", "free_poisson(", "rate=", "jump=", "boxtimes(",
    "boxplus(", "boxpower(", "boxplus_power(", "arcsine(", "dirac(", "bernoulli(", "fuss_catalan(", "scale(",
    "shift(", "law(", "moments=", "haar_gram(", "catalan(", "binomial(", "narayana(", "factorial(", "erf(", "sqrt(",
    "Sum(", "exp(", "log(", "Max(", "__import__", "lambda", "lambda x: x", "os.system", "os", ".system", "'os'",
    f"'{TOUCH}'", "eval(", "exec(", "open(", "__class__", "__builtins__", "getattr(", "globals()", "[0]", "{}", "[", "]",
    ")", ")", ")", "()", ",", ", ", "k", "c", "n", "j", "L", "x", "mu", "0", "1", "2", "3", "-1", "1/2", "7", "12",
    "10**6", "9**9**9", "1e9", "0.5", "+", "-", "*", "/", "**", "%", "//", "==", "==", " ", "(", "'boolean'",
    "'free'", "'classical'", "oo", "pi", "E", "I", "zoo", "nan", "True", "None", "...", ":", ";", "\n", "\\", '"',
    "'", "#", "@", "$", "é", "σ", "\x00", "if", "for", "in", "not", "and", "<", ">=", "!=",
    "jacobian(", "activation=", "relu", "hard_tanh", "weights=", "gaussian", "orthogonal", "depth=", "sigma_w2=",
    "q_star(", "chi(", "mu(",
]
LAWS = [
    "semicircle()", "semicircle(variance=s)", "mp(ratio=c)", "mp(ratio=1/2)", "free_poisson(rate=2, jump=x)",
    "boxtimes(mp(ratio=1), mp(ratio=c))", "arcsine()", "dirac(3)", "bernoulli(1/3)", "boxpower(mp(ratio=1), L)",
    "boxpower(mp(ratio=1), 3)", "shift(semicircle(), 1)", "scale(arcsine(), 2)", "law(moments=mu)",
    "boxplus_power(semicircle(), t)", "fuss_catalan(2)", "haar_gram(2)", "boxplus(semicircle(), mp(ratio=1))",
    "jacobian(activation=relu, weights=gaussian, sigma_w2=2, sigma_b2=0, depth=2)",
    "jacobian(activation=linear, weights=orthogonal, sigma_w2=s, sigma_b2=0, depth=L, d2=law(moments=nu))",
]
INDEXES = ["k", "2*k", "k + 1", "3", "0", "-1", "1/2", "k - 1", "10**6", "x", "12", "2*k + 1", f"'{TOUCH}'", "n"]
LOOPS = ["k = 1..4", "k >= 1", "k = 0..3", "k = 5..1", "k = 1..n", "k >= -2", "n = 1..3", "k = 1..10**9", "j = 1..2"]

junk = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12).map("".join)
call = st.builds(
    lambda f, law, idx: f"{f}({law}, {idx})" if f in ("moment", "cumulant", "s_coefficient") else f"{f}({idx})",
    st.sampled_from(["moment", "cumulant", "s_coefficient", "nc_count", "mobius_nc", "pairing_count", "catalan", "chi", "mu"]),
    st.sampled_from(LAWS),
    st.sampled_from(INDEXES),
)
side = st.one_of(call, junk, st.builds(lambda a, op, b: f"{a} {op} {b}", call, st.sampled_from("+-*/"), st.sampled_from(INDEXES)))
statements = st.one_of(st.builds(lambda a, b: f"{a} == {b}", side, side), junk, st.text(max_size=40))
laws = st.one_of(st.sampled_from(LAWS), junk, st.text(max_size=20))
loops = st.lists(st.sampled_from(LOOPS), max_size=2)


def _toml_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\x00", "\\u0000") + '"'


toml_lines = st.one_of(
    st.just("[[claim]]"),
    st.builds(lambda s: f"id = {_toml_string(s)}", st.sampled_from(["a", "b", "a", "bad id", ""])),
    st.just('title = "t"'),
    st.just('source = "s"'),
    st.builds(lambda s: f"statement = {_toml_string(s)}", statements),
    st.builds(lambda s: f"for = {_toml_string(s)}", st.sampled_from(LOOPS)),
    st.builds(lambda a, b: f"same_law = [{_toml_string(a)}, {_toml_string(b)}]", laws, laws),
    st.builds(lambda s: f"numeric = {{ law = {_toml_string(s)}, sizes = [16] }}", laws),
    st.builds(lambda n: f"order = {n}", st.integers(-3, 300)),
    st.sampled_from(['assume = { c = ["positive"] }', "assume = 3", "[claim.numeric]", "[claim]", "claim = 1", "x = 1", "= =", '"""', "[[", "#"]),
    junk,
)
toml_text = st.lists(toml_lines, max_size=16).map("\n".join)


# -- the properties -----------------------------------------------------------------


def _check_items(items):
    assert isinstance(items, list) and items
    for item in items:
        assert isinstance(item, (Claim, ClaimError))
        if isinstance(item, ClaimError):
            assert item.message and "\n" not in item.where()


@FUZZ
@given(st.one_of(st.text(max_size=300), toml_text))
@example('[[claim]]\nid = "x"\ntitle = "t"\nsource = "s"\nstatement = "__import__(\'os\').system(\'echo pwned\') == 0"')
@example("[[claim]]\nid = 'x'\n[[claim]]\n[claim")
@example("\x00")
def test_parse_claims_never_raises(text):
    with tripwires():
        items = parse_claims(text, "fuzz.toml")
    _check_items(items)


@FUZZ
@given(toml_text)
def test_proof_files_never_crash_the_verifier(text):
    with tripwires():
        items = parse_claims(text, "fuzz.toml")
        verdicts = [verify_claim(c, numeric=False) for c in items if isinstance(c, Claim)]
    _check_items(items)
    for v in verdicts:
        assert v.status in VERDICTS and "internal error" not in v.summary, v.summary


@FUZZ
@given(statements, loops, st.integers(1, 4))
@example(f"moment(semicircle(), \"__import__('os').system('{TOUCH}')\") == 1", [], 3)
@example(f"cumulant(semicircle(), \"__import__('os').system('{TOUCH}')\") == 1", [], 3)
@example("moment(semicircle(), 2*k) == catalan(k)", ["k >= 1"], 4)
@example("moment(mp(ratio=c), 10**6) == 1", [], 1)
@example("moment(mp(ratio=σ), 2) == σ", [], 1)
def test_verify_claim_never_raises(statement, loop_texts, order):
    try:
        loops_ = tuple(parse_loop(t) for t in loop_texts)
    except TpsymError:
        loops_ = ()
    claim = Claim("f", "fuzz", "fuzz", "identity", statement=statement, loops=loops_, order=order)
    with tripwires():
        v = verify_claim(claim, numeric=False)
    assert v.status in VERDICTS and "internal error" not in v.summary, v.summary
    if v.status == "error":
        assert v.summary.startswith("f: ") and "Traceback" not in v.summary


@FUZZ
@given(st.lists(laws, min_size=2, max_size=3))
def test_same_law_never_raises(specs):
    claim = Claim("f", "fuzz", "fuzz", "same_law", laws=tuple(specs), order=3)
    with tripwires():
        v = verify_claim(claim, numeric=False)
    assert v.status in VERDICTS and "internal error" not in v.summary, v.summary


@FUZZ
@given(laws)
def test_law_specs_raise_only_tpsym_errors(spec):
    with tripwires():
        try:
            parse_spec(spec)
        except TpsymError:
            pass
