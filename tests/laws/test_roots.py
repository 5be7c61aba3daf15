"""Warm-started roots of the polynomial method (tpsym.laws._roots) against eigenvalues and a 40-digit cubic."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from tpsym.laws import _roots
from tpsym.laws.algebraic import cauchy_equation
from tpsym.laws.density import _Curve, _equation_cached, _Follower, density
from tpsym.spec import parse_spec


def _eig_roots(B: np.ndarray) -> np.ndarray:
    d = B.shape[1] - 1
    M = np.zeros((B.shape[0], d, d), dtype=complex)
    M[:, 0, :] = -B[:, d - 1::-1] / B[:, d:d + 1]
    M[:, np.arange(1, d), np.arange(d - 1)] = 1.0
    return np.linalg.eigvals(M)


def _same_sets(a: np.ndarray, b: np.ndarray) -> float:
    """The largest relative distance from a root of one row to the other row's nearest root (both ways)."""
    d1 = np.abs(a[:, :, None] - b[:, None, :]).min(axis=2)
    d2 = np.abs(b[:, :, None] - a[:, None, :]).min(axis=2)
    return float(np.max(np.maximum(d1, d2) / np.maximum(1.0, np.abs(b))))


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    d=st.integers(1, 7),
    shift=st.floats(1e-6, 0.3),
    small_lead=st.booleans(),
)
def test_warm_roots_are_all_the_roots(seed, d, shift, small_lead):
    # an independent route: companion eigenvalues; the start (the roots of a nearby polynomial)
    # only decides the speed, every returned row holds all roots (or came from the fallback)
    rng = np.random.default_rng(seed)
    n = 64
    B0 = rng.standard_normal((n, d + 1)) + 1j * rng.standard_normal((n, d + 1))
    if small_lead:  # roots near infinity: solved in 1/G
        B0[:, d] *= 1e-6
    B1 = B0 + shift * (rng.standard_normal(B0.shape) + 1j * rng.standard_normal(B0.shape))
    calls = []

    def cold(rows):
        calls.append(len(rows))
        return _eig_roots(B1[rows])

    R = _roots.warm_roots(B1, _eig_roots(B0), cold)
    assert _same_sets(R, _eig_roots(B1)) < 1e-8


def test_warm_roots_refuse_a_collision_to_the_fallback():
    # starts that coincide would let two Newton iterations find one root: the row is recomputed
    B = np.array([[-1.0, 0.0, 1.0]], dtype=complex)  # G^2 - 1
    seen = []
    R = _roots.warm_roots(B, np.array([[0.9 + 0j, 0.9 + 0j]]), lambda rows: seen.append(rows) or _eig_roots(B[rows]))
    assert len(seen) == 1 and sorted(R[0].real.round(12)) == [-1.0, 1.0]


def test_newton_all_flags_two_starts_drawn_to_one_root():
    B = np.array([[-1.0, 0.0, 1.0]], dtype=complex)
    _, ok = _roots._newton_all(B, np.array([[0.9 + 0j, 1.1 + 0j]]))
    assert not ok[0]


@pytest.mark.parametrize(
    "spec",
    ["boxplus(semicircle(), mp(ratio=1/2))", "boxplus(semicircle(), arcsine())", "boxpower(mp(ratio=1/2), 3)"],
)
def test_warm_descent_makes_the_choices_of_the_eigenvalue_descent(spec):
    curve = _Curve(_equation_cached(parse_spec(spec)), 4.0)
    x = np.linspace(-3, 6, 181) / curve.S
    levels = 0.05 * 2.0 ** -np.arange(40)
    top = curve.roots(x + 0.05j)
    g = top[np.arange(len(x)), np.argmin(top.imag, axis=1)]
    floors = np.full(len(x), levels[-1])

    class Eig(_Curve):  # the former route: eigenvalues at every level
        _descend_step = _Follower._descend_step

        def step_batch(self, z, prev):
            return _roots.choose_nearest(self.roots(z), prev)

    old = Eig(curve.P, 4.0)
    h_new, b_new, e_new = curve.descend(x, g, levels, floors)
    h_old, b_old, e_old = old.descend(x, g, levels, floors)
    assert np.array_equal(e_new, e_old)
    assert np.max(np.abs(h_new - h_old) / np.maximum(1, np.abs(h_old))) < 1e-10


def _cubic_density_40_digits(x: np.ndarray) -> np.ndarray:
    """-Im G / pi at x + i0 from the 40-digit roots of P(x, G) = 0 (the root with Im G < 0)."""
    P = cauchy_equation(parse_spec("boxplus(semicircle(), mp(ratio=1/2))"))
    z, G = sympy.symbols("z G")
    # coefficients in G (high first), each a polynomial in z (high first) with rational coefficients
    coeffs = [[(int(c.p), int(c.q)) for c in sympy.Poly(cg, z).all_coeffs()] for cg in sympy.Poly(P.as_expr(), G).all_coeffs()]
    out = np.zeros(len(x))
    with mpmath.workdps(40):
        for k, xv in enumerate(x):
            zv = mpmath.mpf(float(xv))  # the grid point exactly
            cs = [mpmath.polyval([mpmath.mpf(p) / q for p, q in cz], zv) for cz in coeffs]
            im = min(mpmath.im(r) for r in mpmath.polyroots(cs, maxsteps=200, extraprec=80))
            out[k] = float(-im / mpmath.pi) if im < 0 else 0.0
    return out


def test_semicircle_boxplus_mp_half_against_the_40_digit_cubic():
    # the acceptance figure of the density benchmark, on a coarser grid: 1e-12 absolute
    x = np.linspace(-3, 6, 181)
    got = density(parse_spec("boxplus(semicircle(), mp(ratio=1/2))"), x).density
    ref = _cubic_density_40_digits(x)
    assert np.all(np.isfinite(got))
    assert np.max(np.abs(got - ref)) < 1e-12


def test_a_wrong_branch_is_seen_by_the_40_digit_check():
    # the check above can fail: the conjugate branch (Im G > 0) gives a negative 'density'
    x = np.linspace(-1, 3, 21)
    ref = _cubic_density_40_digits(x)
    got = density(parse_spec("boxplus(semicircle(), mp(ratio=1/2))"), x).density
    assert np.max(np.abs(-got - ref)) > 1e-3
