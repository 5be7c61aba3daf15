"""The law strategies of the algebra tests: the public ``tpsym.strategies.laws`` (kept small: orders ~6)."""

from __future__ import annotations

from tpsym.strategies import laws

catalogue_laws = laws()

#: laws whose mean is certainly non-zero (they have an S-transform)
nonzero_mean_laws = laws(nonzero_mean=True)
