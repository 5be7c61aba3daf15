"""Exact-string tests of the LaTeX tables (tpsym.render.latex)."""

from __future__ import annotations

import pytest
import sympy

from tpsym.errors import InputError
from tpsym.render import latex_expr, latex_table, moment_table
from tpsym.render.table import MomentTable

lam = sympy.Symbol("lam")


def test_full_table(sc, mp):
    got = latex_table(moment_table([sc, mp], 3), caption="Moments of  two laws.", label="tab:moments")
    assert got == (
        "\\begin{table}[htbp]\n"
        "\\centering\n"
        "\\caption{Moments of two laws.}\n"
        "\\label{tab:moments}\n"
        "\\begin{tabular}{rrl}\n"
        "\\toprule\n"
        "$k$ & $\\mathrm{SC}$ & $\\mathrm{MP}_{\\lambda}$ \\\\\n"
        "\\midrule\n"
        "1 & $0$ & $1$ \\\\\n"
        "2 & $1$ & $lam + 1$ \\\\\n"
        "3 & $0$ & $lam^{2} + 3 lam + 1$ \\\\\n"
        "\\bottomrule\n"
        "\\end{tabular}\n"
        "\\end{table}\n"
    )


def test_bare_tabular_with_titles_and_fractions(mp):
    got = latex_table(
        moment_table([mp], 4), titles=[r"$\mu_{\mathrm{MP}}$"], corner="$n$", environment=False
    )
    assert got == (
        "\\begin{tabular}{rl}\n"
        "\\toprule\n"
        "$n$ & $\\mu_{\\mathrm{MP}}$ \\\\\n"
        "\\midrule\n"
        "1 & $1$ \\\\\n"
        "2 & $lam + 1$ \\\\\n"
        "3 & $lam^{2} + 3 lam + 1$ \\\\\n"
        "4 & $\\frac{1}{2}$ \\\\\n"
        "\\bottomrule\n"
        "\\end{tabular}\n"
    )


def test_placement_and_no_caption(sc):
    got = latex_table(moment_table([sc], 1), placement="t")
    assert got.splitlines()[:3] == ["\\begin{table}[t]", "\\centering", "\\begin{tabular}{rr}"]


def test_cumulant_table(sc):
    table = moment_table([sc], 2, kind="boolean")
    assert table.kind == "boolean"
    assert "1 & $boolean_{1}$ \\\\" in latex_table(table, environment=False)


def test_real_laws_header():
    laws = pytest.importorskip("tpsym.laws")
    got = latex_table(moment_table([laws.semicircle(), laws.mp(lam)], 3), environment=False)
    header = got.splitlines()[2]
    assert header == f"$k$ & ${sympy.latex(laws.semicircle())}$ & ${sympy.latex(laws.mp(lam))}$ \\\\"
    assert got.splitlines()[-3] == "3 & $0$ & $lam^{2} + 3 lam + 1$ \\\\"  # Narayana, OEIS A001263


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"titles": ["a", "b"]}, "2 column titles given for 1 laws"),
        ({"label": "tab moments"}, "label='tab moments' has characters"),
        ({"caption": "x", "environment": False}, "a caption or label needs environment=True"),
    ],
)
def test_bad_options(sc, kwargs, pattern):
    with pytest.raises(InputError, match=pattern):
        latex_table(moment_table([sc], 1), **kwargs)


@pytest.mark.parametrize(
    ("n_laws", "order", "kwargs", "pattern"),
    [
        (1, 0, {}, "order must be a positive integer"),
        (0, 2, {}, "at least one law"),
        (1, 2, {"kind": "cyclic"}, "unknown table kind 'cyclic'"),
    ],
)
def test_bad_tables(sc, n_laws, order, kwargs, pattern):
    with pytest.raises(InputError, match=pattern):
        moment_table([sc] * n_laws, order, **kwargs)


def test_latex_expr_huge_integer():
    assert latex_expr(sympy.Integer(10) ** 5000) == "1" + "0" * 5000


def test_table_is_a_frozen_value(sc, mp):
    table = moment_table([sc, mp], 2)
    assert isinstance(table, MomentTable)
    assert table.order == 2 and table.specs == ("semicircle()", "mp(ratio=lam)")
    assert table.column(1) == (1, lam + 1)
    with pytest.raises(AttributeError):
        table.kind = "free"  # type: ignore[misc]


def test_symbols_that_print_alike_are_written_out():
    from tpsym.laws import mp, semicircle
    from tpsym.render.latex import latex_table
    from tpsym.render.table import moment_table

    x = sympy.Symbol("x")
    table = latex_table(
        moment_table([semicircle(variance=sympy.Symbol("x__2")), semicircle(variance=x**2)], 2), environment=False
    )
    row2 = table.splitlines()[5]
    assert row2 == r"2 & $\mathit{x\_\_2}$ & $x^{2}$ \\"
    # x2 and x_2 both print as x_{2}: within one table neither may keep that form
    table = latex_table(moment_table([mp(ratio=sympy.Symbol("x2")), mp(ratio=sympy.Symbol("x_2"))], 2), environment=False)
    assert r"\mathit{x2}" in table and r"\mathit{x\_2}" in table and "x_{2}" not in table
    # alone, x_2 keeps its subscript
    assert "x_{2}" in latex_table(moment_table([mp(ratio=sympy.Symbol("x_2"))], 2), environment=False)


def test_network_headers_carry_their_parameters():
    from tpsym.spec import parse_spec

    specs = [
        "jacobian(activation=relu, sigma_w2=2)",
        "jacobian(activation=relu, sigma_w2=1)",
        "jacobian(activation=hard_tanh, sigma_w2=2, q=1)",
        "jacobian(activation=relu, widths=(1, 2, 3), depth=2)",
    ]
    heads = [latex_expr(parse_spec(s)) for s in specs]
    assert len(set(heads)) == len(heads)
    assert heads[0] == r"\mathcal{J}_{1}\left(\mathrm{relu}, \mathrm{gaussian}; \sigma_w^2 = 2, \sigma_b^2 = 0\right)"
    assert r"\mathrm{hard\_tanh}" in heads[2] and "q = 1" in heads[2]
    assert heads[3].endswith(r"; N = \left(1, 2, 3\right)\right)") and "mixed" not in heads[3]
