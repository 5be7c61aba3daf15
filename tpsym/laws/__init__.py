"""The catalogue of laws and the operations that build new laws from them.

Every law is a frozen value of class :class:`Law` with exact moments,
cumulants and transforms (see :mod:`tpsym.laws.base`).

>>> from tpsym.laws import boxplus, mp, semicircle
>>> boxplus(semicircle(), mp(ratio=1)).moments(3)
(1, 3, 8)
"""

from tpsym.laws.base import Context, Law
from tpsym.laws.catalogue import (
    Arcsine,
    Bernoulli,
    Dirac,
    FreePoisson,
    GenericLaw,
    Semicircle,
    arcsine,
    bernoulli,
    dirac,
    free_poisson,
    generic_law,
    haar_gram,
    marchenko_pastur,
    mp,
    semicircle,
    symmetric_bernoulli,
)
from tpsym.laws.operations import (
    BoxPlus,
    BoxPlusPower,
    BoxPower,
    BoxTimes,
    Dilated,
    Scaled,
    Shifted,
    boxplus,
    boxplus_power,
    boxpower,
    boxtimes_power,
    boxtimes,
    compress,
    dilute,
    fuss_catalan,
    scale,
    shift,
)

__all__ = [
    "Arcsine",
    "Bernoulli",
    "BoxPlus",
    "BoxPlusPower",
    "BoxPower",
    "BoxTimes",
    "Context",
    "Dilated",
    "Dirac",
    "FreePoisson",
    "GenericLaw",
    "Law",
    "Scaled",
    "Semicircle",
    "Shifted",
    "arcsine",
    "bernoulli",
    "boxplus",
    "boxplus_power",
    "boxpower",
    "boxtimes_power",
    "boxtimes",
    "compress",
    "dilute",
    "dirac",
    "free_poisson",
    "fuss_catalan",
    "generic_law",
    "haar_gram",
    "marchenko_pastur",
    "mp",
    "scale",
    "semicircle",
    "shift",
    "symmetric_bernoulli",
]
