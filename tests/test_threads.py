"""tpsym gives the same exact results from many threads as serially, and changes no global setting.

Before the series kernels stopped racing on ``flint.ctx.cap`` (a process-wide
setting), concurrent reversions returned truncated coefficients without an
exception; Dask's default workers are threads, so a sweep could return a wrong
exact result.
"""

from __future__ import annotations

import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import flint
import mpmath
import pytest

from tpsym.free import boxplus, boxtimes, cumulants_from_moments, moments_from_cumulants
from tpsym.laws import arcsine, boxplus as law_boxplus, mp, semicircle
from tpsym.laws.density import density
from tpsym.nets.meanfield import mean_field
from tpsym.series.series import Series

CATALAN = [1, 1, 2, 5, 14, 42, 132, 429, 1430, 4862]


def _reversion(n: int) -> tuple[Any, ...]:
    # x - x^2 - ... (n terms): distinct lengths above flint's default cap of 10
    s = Series.from_coefficients([0, 1, *([-1] * (n - 2))], prec=n)
    return tuple(s.reversion().coefficients)


def _inverse_exp_log(n: int) -> tuple[Any, ...]:
    s = Series.from_coefficients([1, 1, 2, 3, 5, 8, 13], prec=n)
    return (*s.inverse().coefficients, *s.log().coefficients, *(s.log()).exp().coefficients)


def _algebra(n: int) -> tuple[Any, ...]:
    m = [0, 1, 0, 2, 0, 5, 0, 14, 0, 42][: n % 8 + 2]
    return (*boxplus(m, m), *boxtimes(CATALAN[1:6], CATALAN[1:6]), *cumulants_from_moments(m), *moments_from_cumulants(m))


def _density(n: int) -> tuple[float, ...]:
    law = [semicircle(), mp(ratio=2), law_boxplus(semicircle(), arcsine())][n % 3]
    return tuple(density(law, [0.1, 0.5, 1.0]).density.tolist())


def _mean_field(n: int) -> tuple[Any, ...]:
    mf = mean_field("tanh", sigma_w2=1.5, sigma_b2=0.05, precision=15 + n % 3)
    return (mf.q.value, mf.chi.value)


def _tanh_kernel(n: int) -> tuple[str, str]:
    # certified constants computed from several threads at once (fresh constants, shared memoised pairs)
    from tpsym.certified import to_ball
    from tpsym.nets.kernels import nngp

    k = nngp("tanh", sigma_w2=1.5, sigma_b2=0.05, depth=2 + n % 2, q1=1, q2=2, c=0.25)
    b = to_ball(k, 20 + n % 2)
    return (mpmath.nstr(b.mid(), 18), mpmath.nstr(b.radius(), 2)) if b.digits() >= 20 else ("too wide", str(b))


TASKS: list[tuple[Callable[[int], Any], list[int]]] = [
    (_reversion, [12, 40, 25, 60, 17, 80, 33, 12]),
    (_inverse_exp_log, [11, 30, 50, 20, 45, 12, 70, 25]),
    (_algebra, list(range(8))),
    (_density, list(range(6))),
    (_mean_field, list(range(3))),
    (_tanh_kernel, list(range(4))),
]


def _settings() -> tuple[Any, ...]:
    filters = tuple(warnings.filters)  # catch_warnings in library code swaps this list process-wide
    return (flint.ctx.cap, flint.ctx.prec, sys.get_int_max_str_digits(), mpmath.mp.prec, filters)


@pytest.mark.parametrize("task,args", TASKS, ids=["reversion", "inverse_exp_log", "algebra", "density", "mean_field", "tanh_kernel"])
def test_threads_agree_with_serial(task: Callable[[int], Any], args: list[int]) -> None:
    before = _settings()
    prec = mpmath.mp.prec
    try:
        serial = [task(a) for a in args]
        # the first call may import scipy/numpy modules that add their own filters at import time
        assert _settings()[:-1] == before[:-1]
        before = _settings()
        work = args * 3
        with ThreadPoolExecutor(max_workers=8) as pool:
            threaded = list(pool.map(task, work))
        assert threaded == serial * 3
        assert _settings() == before
    finally:
        # interleaved workdps blocks (the xfail case) can leave mpmath's global precision changed;
        # put it back so that the rest of the run does not compute at another precision
        mpmath.mp.prec = prec


def test_dask_threaded_scheduler_agrees_with_serial() -> None:
    dask = pytest.importorskip("dask")
    args = [12, 40, 25, 60, 17, 80, 33, 12]
    serial = [_reversion(a) for a in args] + [_algebra(a) for a in range(8)]
    delayed = [dask.delayed(_reversion)(a) for a in args] + [dask.delayed(_algebra)(a) for a in range(8)]
    (threaded,) = dask.compute(delayed, scheduler="threads", num_workers=8)
    assert list(threaded) == serial


def test_long_integer_literal_read_without_changing_the_digit_limit() -> None:
    from tpsym.spec import parse_formula

    before = sys.get_int_max_str_digits()
    n = 10**6000 + 7
    expr = parse_formula(flint.fmpz(n).str() + " + x")
    assert sys.get_int_max_str_digits() == before
    assert int(expr.as_coefficients_dict()[1]) == n  # compared as ints: no decimal conversion


def test_long_integers_print_without_changing_the_digit_limit() -> None:
    import sympy

    from tpsym.render.jsonout import expr_str
    from tpsym.render.latex import latex_expr

    before = sys.get_int_max_str_digits()
    big = sympy.Integer(10) ** 5000
    assert expr_str(big / 3 + sympy.Symbol("s")) == "s + 1" + "0" * 5000 + "/3"
    assert latex_expr(-big / 3) == r"- \frac{1" + "0" * 5000 + "}{3}"
    assert sys.get_int_max_str_digits() == before


def test_double_quadrature_leaves_the_warnings_filters_alone() -> None:
    # an oscillating integrand on which quad gives up early: it used to be silenced by
    # swapping the process-wide warnings filters; now quad reports it in its result
    import math

    from tpsym.nets._gauss import double_expect

    before = _settings()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value, error = double_expect(lambda x: abs(x) ** 0.5 * math.sin(50 * x), 2.0, ())
    assert not caught
    assert abs(value) <= error + 1e-12  # an odd integrand: E = 0
    assert _settings() == before
