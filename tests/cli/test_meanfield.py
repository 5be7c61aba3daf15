"""Tests of ``tpsym meanfield``."""

from __future__ import annotations

import json

import pytest

from tpsym.cli import main


def run(capsys, *argv):
    status = main(["meanfield", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_tanh_json(capsys):
    status, out, err = run(capsys, "--activation", "tanh", "--sigma-w2", "1.5", "--sigma-b2", "0.05",
                           "--moments", "3", "--precision", "15", "--json")
    assert status == 0 and err == ""
    data = json.loads(out)
    assert data["activation"] == "tanh" and data["sigma_w2"] == "3/2" and data["sigma_b2"] == "1/20"
    assert data["critical"] is False and data["exact"] is False and data["stable"] is True
    assert data["q"]["value"].startswith("0.41803720053347")
    assert data["q"]["exact"] is False and float(data["q"]["error_bound"]) < 1e-15
    assert len(data["mu"]) == 3
    assert data["chi"]["float"] == pytest.approx(1.5 * data["mu"][0]["float"], rel=1e-14)


def test_relu_exact_json(capsys):
    status, out, _ = run(capsys, "--activation", "relu", "--sigma-w2", "3/2", "--sigma-b2", "0.05", "--json")
    data = json.loads(out)
    assert status == 0 and data["exact"] is True
    assert data["q"] == {"value": "1/5", "float": 0.2, "exact": True, "error_bound": "0"}
    assert data["chi"]["value"] == "3/4" and [m["value"] for m in data["mu"]] == ["1/2"] * 4


def test_given_q_and_text(capsys):
    status, out, _ = run(capsys, "--activation", "hard_tanh", "--q", "1/2", "--moments", "1")
    assert status == 0
    assert out.splitlines()[3] == "q           1/2 = 0.5  (exact; given)"
    assert "mu_1        erf(1) = 0.8427007929497149  (exact)" in out


def test_leaky_and_formula(capsys):
    status, out, _ = run(capsys, "--activation", "leaky_relu", "--slope", "0.2", "--sigma-w2", "1",
                         "--sigma-b2", "1", "--json", "--moments", "1")
    data = json.loads(out)
    assert status == 0 and data["activation"] == "leaky_relu(1/5)"
    assert data["q"]["value"] == "25/12" and data["mu"][0]["value"] == "13/25"
    status, out, _ = run(capsys, "--formula", "Max(0, x)", "--sigma-w2", "1", "--sigma-b2", "1",
                         "--moments", "1", "--precision", "12", "--json")
    data = json.loads(out)
    assert status == 0 and data["activation"] == "formula(Max(0, x))"
    assert float(data["q"]["value"]) == pytest.approx(2, rel=1e-12)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--activation", "swish"], "unknown activation 'swish'; known activations: erf, hard_tanh"),
        (["--activation", "relu", "--sigma-w2", "-1"], "sigma_w2=-1 is negative"),
        (["--activation", "relu", "--sigma-w2", "2", "--sigma-b2", "0.1"], "no fixed point q*"),
        (["--activation", "relu", "--sigma-w2", "abc"], "--sigma-w2='abc' is not a number"),
        (["--activation", "leaky_relu"], "needs a slope"),
        ([], "give --activation"),
        (["--activation", "relu", "--formula", "x"], "not both"),
        (["--formula", "a*x"], "free symbols other than x: a"),
        (["--activation", "tanh", "--precision", "0"], "precision=0 is outside"),
    ],
)
def test_errors_exit_2(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert err.startswith("tpsym: error: ") and message in err
    assert "Traceback" not in err
