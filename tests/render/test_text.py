"""Exact-string tests of the Markdown, plain-text and JSON renderers."""

from __future__ import annotations

import json

import pytest
import sympy

from tpsym.errors import InputError
from tpsym.render import expr_str, exprs_str, markdown_table, moment_table, table_json, text_table
from tpsym.render.table import MomentTable
from tpsym.spec import parse_formula



def test_markdown_code(sc, mp):
    assert markdown_table(moment_table([sc, mp], 3)) == (
        "| k | `semicircle()` | `mp(ratio=lam)` |\n"
        "|--:|--:|:--|\n"
        "| 1 | `0` | `1` |\n"
        "| 2 | `1` | `lam + 1` |\n"
        "| 3 | `0` | `lam**2 + 3*lam + 1` |\n"
    )


def test_markdown_latex_and_titles(mp):
    assert markdown_table(moment_table([mp], 4), math="latex", titles=["MP|c"], corner="n") == (
        "| n | MP\\|c |\n"
        "|--:|:--|\n"
        "| 1 | $1$ |\n"
        "| 2 | $lam + 1$ |\n"
        "| 3 | $lam^{2} + 3 lam + 1$ |\n"
        "| 4 | $\\frac{1}{2}$ |\n"
    )


def test_markdown_bad_math(mp):
    with pytest.raises(InputError, match="unknown math='mathml'"):
        markdown_table(moment_table([mp], 1), math="mathml")  # type: ignore[arg-type]


def test_text(sc, mp):
    assert text_table(moment_table([sc, mp], 4)) == (
        "k  semicircle()  mp(ratio=lam)\n"
        "-  ------------  -------------\n"
        "1             0  1\n"
        "2             1  lam + 1\n"
        "3             0  lam**2 + 3*lam + 1\n"
        "4             2  1/2\n"
    )


def test_text_right_aligns_k_and_takes_titles(sc, mp):
    got = text_table(moment_table([sc], 4), titles=["SC"], corner="order", gap=1)
    assert got.splitlines() == ["order SC", "----- --", "    1  0", "    2  1", "    3  0", "    4  2"]
    with pytest.raises(InputError, match="gap must be a positive integer"):
        text_table(moment_table([sc], 1), gap=0)
    with pytest.raises(InputError, match="1 column titles given for 2 laws"):
        text_table(moment_table([sc, mp], 1), titles=["x"])


def test_json(sc, mp):
    got = table_json(moment_table([sc, mp], 3))
    assert got == {
        "laws": ["semicircle()", "mp(ratio=lam)"],
        "kind": "moments",
        "values": [["0", "1", "0"], ["1", "lam + 1", "lam**2 + 3*lam + 1"]],
    }
    assert json.loads(json.dumps(got)) == got


def test_expr_strings_read_back():
    lam = sympy.Symbol("lam")
    values = [sympy.Rational(-3, 7), lam**2 / 2 + sympy.sqrt(2), sympy.binomial(2 * lam, lam), sympy.Integer(10) ** 5000]
    for value, text in zip(values, exprs_str(values)):
        assert parse_formula(text) == value
    assert expr_str(3) == "3"


def test_non_exact_entries_are_rounded_exact_ones_kept():
    x = sympy.Float("2.71285393326999626977425830515", 30)
    table = MomentTable((None, None), "moments", ((x, sympy.sqrt(2)), (3 * x, sympy.Rational(1, 3))))
    assert [expr_str(v) for v in table.rounded(4).rows[0]] == ["2.713", "sqrt(2)"]
    assert table.rounded(None) is table
    assert text_table(table.rounded(3), titles=["a", "b"]).splitlines()[2:] == ["1  2.71  sqrt(2)", "2  8.14      1/3"]
    with pytest.raises(InputError, match="digits must be an integer between 1 and 1000, got 0"):
        table.rounded(0)
