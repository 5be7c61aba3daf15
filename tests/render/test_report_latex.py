"""The LaTeX outputs parse, hold only ASCII, and typeset claims as math (a paper's appendix can \\input them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pylatexenc = pytest.importorskip("pylatexenc.latexwalker")

from tpsym.proof.claims import Claim, NumericSettings, parse_loop  # noqa: E402
from tpsym.proof.fileformat import load_claims  # noqa: E402
from tpsym.proof.verify import verify_claim  # noqa: E402
from tpsym.render.latex import latex_table  # noqa: E402
from tpsym.render.report import _tex, claim_latex, latex_report  # noqa: E402
from tpsym.render.table import moment_table  # noqa: E402
from tpsym.spec import parse_spec  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent


def check_latex(text: str) -> list:
    """Parse strictly (balanced braces, math and environments); every character ASCII."""
    bad = sorted({c for c in text if not c.isascii()})
    assert not bad, f"non-ASCII characters in the LaTeX output: {bad}"
    nodes, _, _ = pylatexenc.LatexWalker(text, tolerant_parsing=False).get_latex_nodes()
    return nodes


def environments(nodes: list) -> list[str]:
    out = []
    for node in nodes or []:
        if node is None:
            continue
        if node.isNodeType(pylatexenc.LatexEnvironmentNode):
            out.append(node.environmentname)
        for attr in ("nodelist",):
            out += environments(getattr(node, attr, None) or [])
    return out


@pytest.fixture(scope="module")
def report() -> str:
    claims = [c for c in load_claims([str(ROOT / "proofs" / "combinatorics.toml")]) if isinstance(c, Claim)][:3]
    claims += [
        Claim("sc", "Semicircle moments: Catalan — Nica–Speicher", "Wigner; Nica–Speicher, Lecture 2", "identity",
              statement="moment(semicircle(), 2*k) == catalan(k)", loops=(parse_loop("k >= 1"),), order=6),
        Claim("sc-var", "Second moment", "Nica–Speicher", "identity", statement="moment(semicircle(), 2) == 1"),
        Claim("wrong", "A wrong claim ≤ σ²", "test", "identity", statement="moment(mp(ratio=c), 2) == c + 2"),
        Claim("num", "Numeric", "test", "identity", statement="moment(semicircle(), 2) == 1",
              numeric=NumericSettings(law="semicircle()", order=2, sizes=(64, 128), trials=4)),
    ]
    return latex_report([verify_claim(c, fast_numeric=True) for c in claims])


def test_the_report_parses_and_is_ascii(report):
    names = environments(check_latex(report))
    assert names.count("tabular") >= 2 and "itemize" in names


def test_claims_are_math_and_each_law_is_derived_once(report):
    assert r"$m_{2 k}\left(\mathrm{SC}\left(1\right)\right) = C_{k}$ for $k \ge 1$" in report
    # three claims about the semicircle, one derivation; the Marchenko–Pastur claim has its own
    assert report.count(r"\sum_{\pi \in NC(") == 2
    assert len(re.findall(r"\\\[ m_\{\d+\}\\left\(\\mathrm\{SC\}", report)) == 1
    assert r"\texttt{moment(" not in report
    assert r"Fails at" in report and "$c + 1$" in report  # the refuted claim: derived value as math


def test_numeric_results_are_estimates_with_errors(report):
    assert r"\pm" in report and "e+" not in report and "e-" not in report.split(r"\section*")[1].split("Numeric")[1][:400]


@pytest.mark.parametrize(
    "specs",
    [
        ["semicircle()", "mp(ratio=c)"],
        ["jacobian(activation=hard_tanh, sigma_w2=2, q=1)", "jacobian(activation=relu, widths=(1, 2, 3), depth=2)"],
        ["boxplus(semicircle(), mp(ratio=1/2))", "boxpower(mp(ratio=1), L)"],
    ],
)
def test_latex_tables_parse(specs):
    text = latex_table(moment_table([parse_spec(s) for s in specs], 3), caption="Moments — exact.", label="tab:m")
    text = text.replace("—", "---")  # the caption is the user's own LaTeX text
    assert environments(check_latex(text)) == ["table", "tabular"]


def test_text_is_escaped_to_ascii():
    assert _tex("Nica–Speicher: ⊠ & 50% of m_k ≤ 1, Pastur") == (
        r"Nica--Speicher: \ensuremath{\boxtimes} \& 50\% of m\_k \ensuremath{\le} 1, Pastur"
    )
    assert _tex("Erdős") == "Erdos"  # accents without a table entry fall back to their letter
    check_latex(_tex("ab\\c{d}$e#f^g~h<i>") + " " + _tex("√ Σ · ✓"))


@pytest.mark.parametrize(
    ("statement", "latex"),
    [
        ("cumulant(mp(ratio=c), k) == c**(k - 1)", r"\kappa_{k}\left(\mathrm{MP}\left(c\right)\right) = c^{k - 1}"),
        ("cumulant(semicircle(), 2*k, kind=\"boolean\") == catalan(k - 1)", r"\beta_{2 k}\left(\mathrm{SC}\left(1\right)\right) = C_{k - 1}"),
        ("pairing_count(2*k) == catalan(k)", r"\left|NC_2(2 k)\right| = C_{k}"),
        ("q_star(relu, 3/2, 1/20) == 1/5", r"q^{*}\left(\mathrm{relu}, \frac{3}{2}, \frac{1}{20}\right) = \frac{1}{5}"),
    ],
)
def test_claims_typeset(statement, latex):
    assert claim_latex(statement) == latex
