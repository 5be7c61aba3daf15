"""tpsym: derive, prove and check the moment formulas of free probability.

The layers, from the bottom up, are :mod:`tpsym.combinat` (non-crossing
partitions), :mod:`tpsym.series` (exact power series), :mod:`tpsym.free`
(cumulants, transforms, free convolutions), :mod:`tpsym.laws` (the catalogue
of laws), :mod:`tpsym.nets` (network Jacobians), :mod:`tpsym.numeric`
(random-matrix cross-checks), :mod:`tpsym.proof` (claims and certificates)
and :mod:`tpsym.render` (text, JSON and LaTeX).
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
