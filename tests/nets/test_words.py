"""Tests of tpsym.nets.words, the mixed_moment claim function and tpsym mixed with network factors."""

from __future__ import annotations

import time

import pytest
import sympy

from tpsym.cli import main
from tpsym.errors import DomainError, InputError
from tpsym.free import mixed_moment as free_mixed_moment
from tpsym.nets import jacobian_law, jacobian_mixed_moment
from tpsym.nets.words import network_mixed_cumulant, network_mixed_moment, network_words
from tpsym.numeric.words import WordDraw, word_crosscheck
from tpsym.proof.claims import Claim, NumericSettings
from tpsym.proof.verify import verify_claim

RELU1 = jacobian_law("relu", sigma_w2=2, depth=1)
RELU2 = jacobian_law("relu", sigma_w2=2, depth=2)
RELU1_SPEC = "jacobian(activation=relu, sigma_w2=2, depth=1)"


def test_the_two_examples_of_the_issue():
    assert network_mixed_moment("J Jt K Kt J Jt K Kt", {"J": RELU1, "K": RELU1}) == 6
    assert network_mixed_moment("D1 D2 D1 D2", {"J": RELU2}) == sympy.Rational(1, 4)
    assert jacobian_mixed_moment(RELU2, "D1 D2 D1 D2") == sympy.Rational(1, 4)


@pytest.mark.parametrize("spec", [
    dict(activation="relu", sigma_w2=2, depth=3),
    dict(activation="leaky_relu", slope=sympy.Rational(1, 5), sigma_w2=2, depth=2),
    dict(activation="relu", weights="orthogonal", sigma_w2=2, depth=2),
    dict(activation="linear", sigma_w2=sympy.Symbol("s"), depth=2),
    dict(activation="relu", sigma_w2=2, depth=2, widths=(1, 2, 3)),
])
def test_words_of_j_jt_are_the_law(spec):
    law = jacobian_law(**spec)
    for k in range(1, 4):
        assert sympy.simplify(network_mixed_moment(" ".join(["J Jt"] * k), {"J": law}) - law.moment(k)) == 0


def test_input_gram_of_a_rectangular_network():
    # one linear layer of widths (1, 2): Jt J has moments 2, 6 where J Jt has 1, 3
    lin = {"J": jacobian_law("linear", widths=(1, 2), depth=1)}
    assert [network_mixed_moment(w, lin) for w in ("Jt J", "Jt J Jt J", "J Jt", "J Jt J Jt")] == [2, 6, 1, 3]


def test_two_inputs():
    r = sympy.Symbol("r")
    got = network_mixed_moment("D1 D1@2", {"J": RELU1}, rho={"J": r})
    assert got == sympy.Rational(1, 4) + sympy.asin(r) / (2 * sympy.pi)
    # at rho = 1 the two inputs coincide: J@2 = J
    same = network_mixed_moment("J Jt J@2 Jt@2", {"J": RELU2}, rho={"J": (1, 1)})
    assert same == RELU2.moment(2)
    with pytest.raises(InputError, match="not a correlation"):
        network_words({"J": RELU1}, rho={"J": 2})
    with pytest.raises(InputError, match="2 entries but the network has depth 1"):
        network_words({"J": RELU1}, rho={"J": (0, 0)})


def test_refusals():
    with pytest.raises(InputError, match="unknown letter 'Q'"):
        network_mixed_moment("Q", {"J": RELU1})
    with pytest.raises(InputError, match="does not fit"):
        network_mixed_moment("J J", {"J": jacobian_law("linear", widths=(1, 2), depth=1)})
    with pytest.raises(DomainError, match="no exact form"):
        network_mixed_moment("D1 D1", {"J": jacobian_law("tanh", sigma_w2=1, depth=1)})
    with pytest.raises(InputError, match="product of factors"):
        network_mixed_cumulant("J Jt", {"J": RELU1})
    # the all-free engine refuses two network Gram laws instead of answering 5
    with pytest.raises(InputError, match="not free"):
        free_mixed_moment("x y x y", {"x": RELU1, "y": RELU1})


def test_cumulants_of_factors():
    assert network_mixed_cumulant("D1 D2 D1 D2", {"J": RELU2}) == sympy.Rational(1, 16)
    assert network_mixed_cumulant("W1 W1t", {"J": RELU2}) == 2


def test_speed_of_the_depth_3_fourth_moment():
    law = jacobian_law("relu", sigma_w2=2, depth=3)
    start = time.process_time()  # CPU time, not wall time: the machine may be shared
    assert network_mixed_moment(" ".join(["J Jt"] * 4), {"J": law}) == 741
    assert time.process_time() - start < 2.0


# ------------------------------------------------------------- claims ----
def _claim(statement: str, numeric: NumericSettings | None = None) -> Claim:
    return Claim("t", "t", "s", "identity", statement=statement, numeric=numeric)


def test_claims_verify_and_refute():
    ok = verify_claim(_claim(f'mixed_moment("J Jt K Kt J Jt K Kt", J={RELU1_SPEC}, K={RELU1_SPEC}) == 6'))
    assert ok.status == "verified" and "series and lattice" in ok.summary
    wrong = verify_claim(_claim('mixed_moment("D1 D2 D1 D2", J=jacobian(activation=relu, sigma_w2=2, depth=2)) == 3/16'))
    assert wrong.status == "refuted" and wrong.failure["derived"] == "1/4"
    two = verify_claim(_claim(f'mixed_moment("D1 D1@2", J={RELU1_SPEC}, rho=1) == 1/2'))
    assert two.status == "verified"
    bad = verify_claim(_claim(f'mixed_moment("J Z", J={RELU1_SPEC}) == 1'))
    assert bad.status == "error" and "unknown letter 'Z'" in bad.summary
    bad = verify_claim(_claim('mixed_moment("J", J=semicircle(mean=1)) == 1'))
    assert bad.status == "error"


def test_numeric_check_of_a_claim_samples_real_networks():
    settings = NumericSettings(sizes=(96, 192), trials=4, mixed=True)
    v = verify_claim(_claim(f'mixed_moment("J Jt K Kt J Jt K Kt", J={RELU1_SPEC}, K={RELU1_SPEC}) == 6', settings), fast_numeric=True)
    # 4 trials cannot see a 2 % error in this word: the numeric part says so instead of "confirmed"
    assert v.status == "verified" and "inconclusive numerically" in v.summary and "trials per size" in v.summary
    rec = v.numeric
    assert rec["verdict"] == "inconclusive" and rec["tolerance"] == 0.02 and rec["sizes"] == [96, 192]
    assert len(rec["detectable"]) == 1 and rec["detectable"][0] > 0.02 and rec["moments"][0]["trials_needed"] != 4


def test_word_crosscheck_contradicts_the_all_free_value():
    nw = network_words({"J": RELU2})
    tokens = nw.parse("D1 D2 D1 D2")

    # the four decisions below read the same trials (each trial draws from its own
    # default_rng([seed, n, t])): each draw is made once and looked up by its generator's state
    drawn = {}

    def formula(rng, n):
        key = (n, repr(rng.bit_generator.state))
        if key not in drawn:
            drawn[key] = WordDraw(nw, rng, n).trace(tokens)
        return drawn[key]

    rec = word_crosscheck(formula, 3 / 16, sizes=(400, 800), trials=12, seed=1, alpha=1e-3)
    assert rec["verdict"] == "contradicted"
    rec = word_crosscheck(formula, 1 / 4, sizes=(400, 800), trials=12, seed=1, alpha=1e-3)
    assert rec["verdict"] == "confirmed"
    # with a tolerance: confirmed only where the run had the power to see that error
    # (12 trials at 400 and 800 detect about 22 % with 80 % power at the 0.001 rate)
    rec = word_crosscheck(formula, 1 / 4, sizes=(400, 800), trials=12, seed=1, alpha=1e-3, tolerance=0.3)
    assert rec["verdict"] == "confirmed" and rec["detectable"][0] <= 0.3
    rec = word_crosscheck(formula, 1 / 4, sizes=(400, 800), trials=12, seed=1, alpha=1e-3, tolerance=0.05)
    assert rec["verdict"] == "inconclusive" and rec["moments"][0]["trials_needed"] > 12
    assert len(drawn) == 2 * 12


# ------------------------------------------------------------- CLI ----
def test_cli_mixed_with_networks(capsys):
    assert main(["mixed", "J Jt K Kt J Jt K Kt", "--net", f"J={RELU1_SPEC}", "--net", f"K={RELU1_SPEC}", "--json"]) == 0
    assert '"moment": "6"' in capsys.readouterr().out
    assert main(["mixed", "p a p a", "--law", "p=bernoulli(1/2, 0, 1)", "--law", "a=semicircle()", "--diagonal", "p"]) == 0
    assert "= 1/4" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["mixed", "Q", "--net", f"J={RELU1_SPEC}"], "unknown letter 'Q'"),
    (["mixed", "J J", "--net", "J=jacobian(activation=linear, widths=(1, 2))"], "does not fit"),
    (["mixed", "D1 W1", "--net", f"J={RELU1_SPEC}", "--law", "D1=semicircle()", "--diagonal", "D1"], "already a letter"),
    (["mixed", "x y x y", "--law", f"x={RELU1_SPEC}", "--law", f"y={RELU1_SPEC}"], "not free"),
    (["mixed", "p", "--diagonal", "p"], "give its law"),
])
def test_cli_bad_input_is_one_line_exit_2(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_gram_input_law():
    # one linear layer of widths (1, 2): J^T J has moments 2, 6 (the issue's normalisation)
    assert jacobian_law("linear", widths=(1, 2), depth=1, gram="input").moments(2) == (2, 6)
    for widths in ((1, 2, 3), (3, 2, 1)):
        law = jacobian_law("relu", sigma_w2=2, depth=2, widths=widths, gram="input")
        words = [network_mixed_moment(" ".join(["Jt J"] * k), {"J": jacobian_law("relu", sigma_w2=2, depth=2, widths=widths)}) for k in (1, 2, 3)]
        assert list(law.moments(3)) == words
        assert "gram=input" in law.spec
    square = jacobian_law("relu", sigma_w2=2, depth=2)
    assert jacobian_law("relu", sigma_w2=2, depth=2, gram="input").moments(4) == square.moments(4)
    with pytest.raises(InputError, match="gram="):
        jacobian_law("relu", gram="both")


def test_numeric_check_at_two_inputs():
    settings = NumericSettings(sizes=(128, 256), trials=6, mixed=True)
    v = verify_claim(_claim(f'mixed_moment("D1 D1@2", J={RELU1_SPEC}, rho=1/2) == 1/3', settings), fast_numeric=True)
    # sampled at two inputs without contradiction; 6 trials lack the power for 2 %: inconclusive, not confirmed
    assert v.status == "verified" and "inconclusive numerically" in v.summary
    assert v.numeric["moments"][0]["ok"] and v.numeric["detectable"][0] > 0.02
    deep = 'mixed_moment("D1 D1@2", J=jacobian(activation=relu, sigma_w2=2, depth=2), rho=(1/2, 1/2)) == 1/3'
    v = verify_claim(_claim(deep, settings), fast_numeric=True)
    assert v.status == "error" and "only at depth 1" in v.summary
