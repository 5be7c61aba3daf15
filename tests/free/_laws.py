"""A small hypothesis strategy of catalogue laws with rational parameters (kept small: orders ~6)."""

from __future__ import annotations

import sympy
from hypothesis import strategies as st

from tpsym.laws import arcsine, bernoulli, dirac, free_poisson, mp, semicircle

pos = st.fractions(min_value=sympy.Rational(1, 4), max_value=3, max_denominator=4).map(lambda f: sympy.Rational(f.numerator, f.denominator))
anyq = st.fractions(min_value=-2, max_value=2, max_denominator=3).map(lambda f: sympy.Rational(f.numerator, f.denominator))
prob = st.fractions(min_value=0, max_value=1, max_denominator=4).map(lambda f: sympy.Rational(f.numerator, f.denominator))

catalogue_laws = st.one_of(
    st.builds(semicircle, variance=pos, mean=anyq),
    st.builds(mp, ratio=pos),
    st.builds(free_poisson, rate=pos, jump=anyq.filter(lambda x: x != 0)),
    st.builds(bernoulli, p=prob, a=anyq, b=anyq),
    st.builds(dirac, anyq),
    st.builds(lambda lo, w: arcsine(lo, lo + w), anyq, pos),
)

#: laws whose mean is certainly non-zero (they have an S-transform)
nonzero_mean_laws = st.one_of(
    st.builds(semicircle, variance=pos, mean=pos),
    st.builds(mp, ratio=pos),
    st.builds(free_poisson, rate=pos, jump=pos),
    st.builds(bernoulli, p=pos.filter(lambda p: p <= 1), a=pos, b=pos),
    st.builds(dirac, pos),
    st.builds(lambda lo, w: arcsine(lo, lo + w), pos, pos),
)
