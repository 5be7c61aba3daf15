"""The QQ series algorithms of tpsym.series._qq: algebraic laws, agreement with sympy,
and thread safety (no process-wide flint setting is read or changed)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

import flint
import sympy
from hypothesis import given, settings, strategies as st

from tpsym.series.series import Series

from ._oracle import composed_by_sympy

fr = st.fractions(min_value=-5, max_value=5, max_denominator=6)


def coeffs(c0, rest):
    return [c0] + list(rest)


def S(c, n):
    return Series.from_coefficients(c, prec=n)


@settings(max_examples=40, deadline=None)
@given(st.lists(fr, min_size=1, max_size=12), st.integers(1, 25))
def test_inverse_times_f_is_one(rest, n):
    f = S([Fraction(1, 2)] + rest, n)
    assert (f.inverse() * f - Series.constant(1, n)).is_zero()


@settings(max_examples=40, deadline=None)
@given(st.lists(fr, min_size=1, max_size=12), st.integers(1, 25))
def test_exp_log_round_trip(rest, n):
    f = S([1] + rest, n)
    assert (f.log().exp() - f).is_zero()


@settings(max_examples=40, deadline=None)
@given(fr.filter(lambda a: a != 0), st.lists(fr, max_size=12), st.integers(2, 25))
def test_reversion_round_trip(a1, rest, n):
    f = S([0, a1] + rest, n)
    x = Series.x(n)
    assert (f.reversion().compose(f) - x).is_zero()
    assert (f.compose(f.reversion()) - x).is_zero()


@settings(max_examples=25, deadline=None)
@given(st.lists(fr, min_size=1, max_size=5), st.lists(fr, min_size=1, max_size=4), st.integers(1, 9))
def test_compose_against_sympy(fc, gc, n):
    ref = composed_by_sympy(fc, gc, n)
    got = S(fc, n).compose(S([0] + gc, n)).coefficients_expr()
    assert got == ref


def _work(seed):
    n = 60 + seed % 5
    f = S([0, 1, -1, Fraction(seed, 7)], n)
    g = S([1, Fraction(1, 3), seed], n)
    return [r.coefficients_expr() for r in
            (f.reversion(), g.inverse(), g.log(), (g - Series.constant(1, n)).exp(), g.compose(f), g.power(sympy.Rational(1, 2)), f * g)]


def test_eight_threads_agree_with_serial_and_cap_never_changes():
    cap = flint.ctx.cap
    seen, stop = set(), threading.Event()

    def watch():
        while not stop.is_set():
            seen.add(flint.ctx.cap)

    w = threading.Thread(target=watch)
    w.start()
    try:
        serial = [_work(s) for s in range(16)]
        with ThreadPoolExecutor(8) as ex:
            threaded = list(ex.map(_work, list(range(16)) * 3))
    finally:
        stop.set()
        w.join()
    assert threaded == serial * 3
    assert seen == {cap} and flint.ctx.cap == cap
