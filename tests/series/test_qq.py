"""tpsym.series._qq against independent routes past the short-input thresholds:
composition by baby/giant steps against sympy's expansion, exp by Newton with the
carried inverse against the recurrence n g_n = sum_k k f_k g_(n-k) of g' = f' g,
reversion against f(h) = x."""

from fractions import Fraction

import flint
import sympy
from hypothesis import given, settings, strategies as st

from tpsym.series import _qq

from ._oracle import composed_by_sympy

fr = st.fractions(min_value=-3, max_value=3, max_denominator=4)


def P(c):
    return flint.fmpq_poly([flint.fmpq(a.numerator, a.denominator) for a in c])


@settings(max_examples=15, deadline=None)
@given(st.lists(fr, min_size=17, max_size=26), st.lists(fr, min_size=1, max_size=3), st.integers(17, 26))
def test_compose_long_outer_against_sympy(fc, gc, n):
    ref = composed_by_sympy(fc, gc, n)
    got = _qq.compose(P(fc), P([0] + gc), n)
    assert [sympy.Rational(int(got[k].p), int(got[k].q)) for k in range(n)] == ref


@settings(max_examples=25, deadline=None)
@given(st.lists(fr, min_size=1, max_size=30), st.integers(0, 40))
def test_exp_against_recurrence(rest, n):
    f = [Fraction(0)] + rest
    f += [Fraction(0)] * (n + 1 - len(f))
    g = [Fraction(1)]
    for m in range(1, n):
        g.append(sum(k * f[k] * g[m - k] for k in range(1, m + 1)) / m)
    assert _qq.exp(P(f), n) == P(g[:n])


@settings(max_examples=15, deadline=None)
@given(fr.filter(lambda a: a != 0), st.lists(fr, max_size=20), st.integers(2, 40))
def test_reversion_solves_f_of_h_equal_x(a1, rest, n):
    f = P([0, a1] + rest)
    h = _qq.reversion(f, n)
    assert h.length() <= n and _qq.compose(f, h, n) == flint.fmpq_poly([0, 1]).truncate(n)
