"""``tpsym crosscheck`` and ``tpsym plot``: verdicts, exit codes, bad input."""

from __future__ import annotations

import json

import matplotlib.image
import pytest

from tpsym.cli import main

SMALL = ["--sizes", "64,128", "--trials", "6", "--workers", "0", "--seed", "1"]


def test_crosscheck_confirmed_json(capsys):
    # 6 trials at 64 and 128 detect about 36 % in m_4 (80 % power): confirmed at a 50 % tolerance only
    status = main(["crosscheck", "boxplus(semicircle(), mp(1))", "--order", "4", "--json", "--tolerance", "0.5", *SMALL])
    out = json.loads(capsys.readouterr().out)
    assert status == 0 and out["verdict"] == "confirmed"
    assert out["tolerance"] == 0.5 and len(out["detectable"]) == 4 and max(out["detectable"]) <= 0.5
    assert [m["k"] for m in out["moments"]] == [1, 2, 3, 4]
    for m in out["moments"]:
        assert {"k", "estimate", "stderr", "expected", "z", "ok"} <= set(m)
    assert out["family_wise_alarm_rate"] == 0.01 and out["method"] == "holm"


def test_crosscheck_contradicted_exit_1(capsys):
    status = main(["crosscheck", "semicircle()", "--order", "2", "--claim", "0,1.5", *SMALL])
    text = capsys.readouterr().out
    assert status == 1
    assert "verdict   contradicted" in text and "NO" in text


def test_crosscheck_text_output(capsys):
    assert main(["crosscheck", "mp(1/2)", "--order", "3", *SMALL]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0] == "target    mp(ratio=1/2)"
    assert "Holm over 3 tests" in text


def test_crosscheck_size_gives_the_sweep(capsys):
    assert main(["crosscheck", "dirac(1)", "--order", "2", "--size", "64", "--trials", "2", "--workers", "0",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sizes"] == [16, 32, 64]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["crosscheck", "semicircle()", "--order", "6", "--size", "100"], "--size 100 is too small for --order 6"),
        (["crosscheck", "semicircle()", "--order", "4", "--sizes", "32,64"], "size 32 is too small for order=4"),
        (["crosscheck", "boxplus(semicircle(), law(moments=mu))"], r"law\(moments=mu\) has no sampler"),
        (["crosscheck", "mp(ratio=c)"], "parameter c is symbolic: give it a value"),
        (["crosscheck", "semicircle()", "--size", "400000"], "would not fit|need about .* GiB"),
        (["crosscheck", "semicircle(", "--size", "64"], ""),
        (["crosscheck", "semicircle()", "--sizes", "64,abc"], "'abc' is not an integer"),
        (["crosscheck", "semicircle()", "--claim", "1,x", *SMALL], "'x' is not a number"),
        (["crosscheck", "semicircle()", "--trials", "1", "--sizes", "64,128"], "--trials must be at least 2, got 1"),
        (["crosscheck", "semicircle()", "--sizes", "64"], "a decision needs at least two sizes"),
        (["crosscheck", "semicircle()", "--order", "2", "--claim", "0,1,0", *SMALL], "gives 3 moments but --order is 2"),
        (["crosscheck", "semicircle()", "--order", "1000"], "--order must be at most 32"),
        (["crosscheck", "semicircle()", "--trials", "100000000"], "--trials must be at most 100000"),
        (["crosscheck", "semicircle()", "--probes", "100000000", "--matrix-free"], "--probes must be at most 4096"),
        (["crosscheck", "semicircle()", *SMALL, "--seed", "-1"], "--seed must be at least 0, got -1"),
        (["crosscheck", "semicircle()", "--claim", "1e99999999", *SMALL], "exponent is beyond"),
        (["crosscheck", "semicircle()", "--claim", "1e400", *SMALL], "beyond double precision"),
        (["plot", "semicircle()", "--seed", "-1", "--out", "x.png"], "--seed must be at least 0, got -1"),
        (["plot", "semicircle()", "--width-px", "100000", "--out", "x.png"], "--width-px must be at most 20000"),
        (["plot", "semicircle()", "--size", "1", "--out", "x.png"], "--size must be at least 2, got 1"),
    ],
)
def test_crosscheck_bad_input_exit_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("tpsym: error:")
    if message:
        import re

        assert re.search(message, err), err


def test_plot_memory_error_does_not_suggest_an_option_plot_lacks(capsys, tmp_path):
    assert main(["plot", "semicircle()", "--size", "400000", "--out", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert "GiB" in err and "--matrix-free" not in err


def test_memory_error_suggests_matrix_free_for_networks(capsys, monkeypatch):
    from tpsym.errors import InputError
    from tpsym.numeric.experiment import check_memory
    from tpsym.numeric.network import NetworkSampler

    net = NetworkSampler.uniform(4, "relu", sigma_w2=2.0)
    with pytest.raises(InputError, match="use --matrix-free"):
        check_memory(net, 20000, matrix_free=False, workers=2, memory=8 * 2**30)


def test_plot_png_size(tmp_path, capsys):
    out = tmp_path / "spectrum.png"
    assert main(["plot", "boxtimes(mp(1/2), mp(1/2))", "--size", "200", "--out", str(out),
                 "--width-px", "400", "--height-px", "300"]) == 0
    assert matplotlib.image.imread(out).shape[:2] == (300, 400)
    assert "wrote" in capsys.readouterr().out


def test_plot_bad_suffix(tmp_path, capsys):
    assert main(["plot", "semicircle()", "--size", "50", "--out", str(tmp_path / "x.gif")]) == 2


def test_crosscheck_is_inconclusive_below_its_power(capsys):
    # the default tolerance (2 %) is beyond 6 trials: inconclusive, exit 0, with the detectable errors
    # and the trials that would settle each moment
    status = main(["crosscheck", "boxplus(semicircle(), mp(1))", "--order", "4", "--json", *SMALL])
    out = json.loads(capsys.readouterr().out)
    assert status == 0 and out["verdict"] == "inconclusive" and out["tolerance"] == 0.02
    assert all(d > 0.02 for d in out["detectable"])
    assert all(m["trials_needed"] is None or m["trials_needed"] > 6 for m in out["moments"])
    status = main(["crosscheck", "boxplus(semicircle(), mp(1))", "--order", "2", *SMALL])
    text = capsys.readouterr().out
    assert status == 0 and "verdict   inconclusive" in text and "tolerance 0.02" in text


@pytest.mark.parametrize("bad", ["0", "1.5", "nan"])
def test_crosscheck_tolerance_is_checked(capsys, bad):
    assert main(["crosscheck", "semicircle()", "--tolerance", bad, *SMALL]) == 2
    assert "--tolerance" in capsys.readouterr().err
