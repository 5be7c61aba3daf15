"""Tests of the algebra subcommands: moments, cumulants, mixed, table."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys

import pytest

from tpsym.cli import main

pytest.importorskip("tpsym.laws")


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def run_json(capsys, *argv):
    status, out, err = run(capsys, *argv, "--json")
    assert status == 0, err
    assert out.count("\n") == 1
    return json.loads(out)


# ---------------------------------------------------------------------------
# moments and cumulants
# ---------------------------------------------------------------------------


def test_moments_semicircle_json(capsys):
    # Catalan numbers at even orders, OEIS A000108.
    got = run_json(capsys, "moments", "semicircle()", "--order", "6")
    assert got == {"law": "semicircle()", "moments": ["0", "1", "0", "2", "0", "5"]}


def test_moments_mp_text(capsys):
    # Narayana polynomials, OEIS A001263.
    status, out, err = run(capsys, "moments", "mp(ratio=lam)", "--order", "3")
    assert status == 0 and err == ""
    assert out.splitlines() == ["m_1 = 1", "m_2 = lam + 1", "m_3 = lam**2 + 3*lam + 1"]


def test_moments_compound_spec(capsys):
    got = run_json(capsys, "moments", "boxpower(mp(ratio=1), L)", "--order", "2")
    assert got["moments"] == ["1", "L + 1"]
    got = run_json(capsys, "moments", "law(moments=mu)", "-k", "2")
    assert got["moments"] == ["mu_1", "mu_2"]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("free", ["1", "lam", "lam**2"]),  # κ_n = c^(n-1), docs/design.md
        ("boolean", ["1", "lam", "lam**2 + lam"]),
        ("classical", ["1", "lam", "lam**2"]),
    ],
)
def test_cumulants_json(capsys, kind, expected):
    got = run_json(capsys, "cumulants", "mp(ratio=lam)", "--order", "3", "--kind", kind)
    assert got == {"law": "mp(ratio=lam)", "kind": kind, "cumulants": expected}


def test_cumulants_text_default_free(capsys):
    status, out, _ = run(capsys, "cumulants", "semicircle(variance=s)", "--order", "3")
    assert status == 0
    assert out.splitlines() == ["kappa_1 = 0", "kappa_2 = s", "kappa_3 = 0"]


# ---------------------------------------------------------------------------
# mixed
# ---------------------------------------------------------------------------


def test_mixed_free_semicirculars(capsys):
    # For free centred a, b: φ(abab) = 0 and φ(aabb) = φ(a²)φ(b²) = 1.
    args = ["--law", "a=semicircle()", "--law", "b=semicircle()"]
    assert run_json(capsys, "mixed", "a b a b", *args) == {"word": "a b a b", "moment": "0"}
    assert run_json(capsys, "mixed", "a a b b", *args) == {"word": "a a b b", "moment": "1"}


def test_mixed_text(capsys):
    status, out, _ = run(capsys, "mixed", "a b a b", "--law", "a=semicircle()", "--law", "b=mp(ratio=1)")
    # φ(abab) = φ(a²)φ(b)² + φ(a)²φ(b²) − φ(a)²φ(b)² = 1 for a centred, φ(b) = 1.
    assert (status, out) == (0, "phi(a b a b) = 1\n")


def test_mixed_cumulant(capsys):
    pytest.importorskip("tpsym.combinat")
    args = ["--law", "a=semicircle()", "--law", "b=semicircle()", "--cumulant"]
    assert run_json(capsys, "mixed", "a a", *args) == {"word": "a a", "cumulant": "1"}
    assert run_json(capsys, "mixed", "a b", *args) == {"word": "a b", "cumulant": "0"}


# ---------------------------------------------------------------------------
# table
# ---------------------------------------------------------------------------


def test_table_latex(capsys):
    status, out, _ = run(
        capsys, "table", "semicircle()", "mp(ratio=lam)", "--order", "3", "--latex", "--caption", "Moments.",
        "--label", "tab:m", "--title", "SC", "--title", "MP",
    )  # fmt: skip
    assert status == 0
    assert out == (
        "\\begin{table}[htbp]\n"
        "\\centering\n"
        "\\caption{Moments.}\n"
        "\\label{tab:m}\n"
        "\\begin{tabular}{rrl}\n"
        "\\toprule\n"
        "$k$ & SC & MP \\\\\n"
        "\\midrule\n"
        "1 & $0$ & $1$ \\\\\n"
        "2 & $1$ & $lam + 1$ \\\\\n"
        "3 & $0$ & $lam^{2} + 3 lam + 1$ \\\\\n"
        "\\bottomrule\n"
        "\\end{tabular}\n"
        "\\end{table}\n"
    )


def test_table_markdown_text_json(capsys):
    status, out, _ = run(capsys, "table", "semicircle()", "mp(ratio=1)", "--order", "2", "--format", "markdown")
    assert (status, out) == (0, "| k | `semicircle()` | `mp(ratio=1)` |\n|--:|--:|--:|\n| 1 | `0` | `1` |\n| 2 | `1` | `2` |\n")
    status, out, _ = run(capsys, "table", "semicircle()", "--order", "2", "--title", "SC")
    assert out.splitlines() == ["k  SC", "-  --", "1   0", "2   1"]
    status, out, _ = run(capsys, "table", "mp(ratio=1)", "--order", "2", "--format", "json", "--kind", "free")
    assert json.loads(out) == {"laws": ["mp(ratio=1)"], "kind": "free", "values": [["1", "1"]]}


# ---------------------------------------------------------------------------
# bad input: exit status 2, one line on stderr, no traceback
# ---------------------------------------------------------------------------

BAD = [
    (["moments", "semicircle()", "--order", "0"], r"--order must be at least 1, got 0"),
    (["moments", "semicircle()", "--order", "-3"], r"--order must be at least 1, got -3"),
    (["moments", "semicircle()", "--order", "x"], r"invalid int value: 'x'"),
    (["moments", "semicircle()"], r"required: --order"),
    (["moments", "nope()", "--order", "2"], r"unknown law 'nope'"),
    (["moments", "semicircle(varaince=2)", "--order", "2"], r"unknown parameter 'varaince' of semicircle\(\); allowed: variance, mean"),
    (["moments", "semicircle(variance=-1)", "--order", "2"], r"variance must be non-negative"),
    (["moments", "mp(ratio=0)", "--order", "2"], r"ratio must be positive"),
    (["moments", "mp(ratio=1", "--order", "2"], r"malformed spec"),
    (["moments", "__import__('os').system('echo pwned')", "--order", "2"], r"attribute access is not allowed"),
    (["moments", "(lambda: 1)()", "--order", "2"], r"not allowed"),
    (["cumulants", "semicircle()", "--order", "2", "--kind", "cyclic"], r"invalid choice: 'cyclic'"),
    (["mixed", "a c", "--law", "a=semicircle()"], r"unknown label 'c' in the word 'a c'; labels given by --law: a"),
    (["mixed", "ab", "--law", "a=semicircle()", "--law", "b=semicircle()"], r"separate the letters by spaces"),
    (["mixed", "a"], r"give the law of each letter with --law"),
    (["mixed", "  ", "--law", "a=semicircle()"], r"the word is empty"),
    (["mixed", "a", "--law", "semicircle()"], r"--law takes LABEL=SPEC"),
    (["mixed", "a", "--law", "a=semicircle()", "--law", "a=mp(ratio=1)"], r"--law a=... given twice"),
    (["mixed", "a", "--law", "a=mp(ratio=0)"], r"--law a: mp\(ratio=0\): ratio must be positive"),
    (["table", "semicircle()", "--order", "0"], r"--order must be at least 1"),
    (["table", "semicircle()", "--order", "2", "--latex", "--format", "text"], r"not allowed with argument"),
    (["table", "semicircle()", "--order", "2", "--caption", "x"], r"--caption and --label go with --format latex"),
    (["table", "semicircle()", "--order", "2", "--title", "a", "--title", "b"], r"2 --title given for 1 laws"),
    (["table", "semicircle()", "--order", "2", "--latex", "--label", "a b"], r"label='a b' has characters"),
]


@pytest.mark.parametrize(("argv", "pattern"), BAD, ids=[" ".join(a)[:50] for a, _ in BAD])
def test_bad_input_exits_2_with_one_line(capsys, argv, pattern):
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("tpsym: error: ")
    assert "Traceback" not in err
    assert re.search(pattern, err), err


def test_interrupt_is_clean(capsys, monkeypatch):
    def interrupted(text, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("tpsym.cli.algebra.parse_spec", interrupted)
    status, out, err = run(capsys, "moments", "semicircle()", "--order", "2")
    assert status == 130 and out == "" and "Traceback" not in err


# ---------------------------------------------------------------------------
# the installed console script
# ---------------------------------------------------------------------------


def _tpsym_command() -> list[str]:
    script = shutil.which("tpsym")
    return [script] if script else [sys.executable, "-m", "tpsym"]


def test_console_script_subprocess():
    done = subprocess.run(
        [*_tpsym_command(), "moments", "semicircle()", "--order", "6", "--json"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["moments"] == ["0", "1", "0", "2", "0", "5"]
    bad = subprocess.run(
        [*_tpsym_command(), "moments", "mp(ratio=0)", "--order", "2"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr == "tpsym: error: mp(ratio=0): ratio must be positive, got ratio=0 (column 1)\n"


def test_density_grid_from_the_support_and_csv(tmp_path, capsys):
    from tpsym.cli import main

    out = tmp_path / "d.csv"
    assert main(["density", "semicircle(variance=4)", "--csv", str(out)]) == 0
    text = capsys.readouterr().out
    assert "support   [-4, 4]" in text and "density" in text
    rows = out.read_text().splitlines()
    assert rows[0] == "x,density" and len(rows) == 202
    xs = [float(r.split(",")[0]) for r in rows[1:]]
    assert xs[0] == pytest.approx(-4.4) and xs[-1] == pytest.approx(4.4)  # 5 % margins
    # the semicircle of variance 4 at 0: 1/(2 pi) (Wigner)
    mid = {float(x): float(y) for x, y in (r.split(",") for r in rows[1:])}
    assert mid[min(mid, key=abs)] == pytest.approx(1 / (2 * math.pi), rel=1e-3)


def test_moments_in_certified_constants_show_their_value(capsys):
    # a tanh network's moments are expressions in certified constants: the value is printed beside
    # them with a bound that encloses it (rounding of the digits included); exact ones get none
    spec = "jacobian(activation=tanh, sigma_w2=3/2, sigma_b2=1/20, depth=2)"
    assert main(["moments", spec, "--order", "1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (value,) = doc["values"]
    # independent value: two layers at q* of tanh, m_1 = (3/2 mu_1)^2 by scipy quadrature at the fixed point
    import numpy as np
    from scipy import integrate, optimize

    def gauss(f, q):
        return integrate.quad(lambda z: f(np.sqrt(q) * z) * np.exp(-z * z / 2) / np.sqrt(2 * np.pi), -12, 12, epsabs=1e-14)[0]

    q = optimize.brentq(lambda q: 1.5 * gauss(lambda h: np.tanh(h) ** 2, q) + 0.05 - q, 0.1, 2, xtol=1e-15)
    mu1 = gauss(lambda h: 1 / np.cosh(h) ** 4, q)
    assert abs(float(value["value"]) - (1.5 * mu1) ** 2) < 1e-9 and float(value["error_bound"]) < 1e-14
    assert main(["moments", "mp(ratio=c)", "--order", "2", "--json"]) == 0
    assert "values" not in json.loads(capsys.readouterr().out)
    assert main(["moments", spec, "--order", "1"]) == 0
    assert capsys.readouterr().out.startswith("m_1 = 9*mu_1(tanh, q~0.4180372005)**2/4 = 0.881038043978266 ± ")
