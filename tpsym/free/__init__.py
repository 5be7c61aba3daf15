"""Free probability on sequences and series: cumulants, transforms, free convolutions, mixed moments.

This layer works on moment and cumulant sequences (exact numbers or sympy
expressions); :mod:`tpsym.laws` builds named laws on it.
"""

from tpsym.free.convolution import boxplus, boxplus_power, boxtimes, boxtimes_power
from tpsym.free.cumulants import CumulantKind, Method, cumulants_from_moments, moments_from_cumulants, type_counts
from tpsym.free.mixed import MixedMethod, mixed_cumulant, mixed_moment, parse_word
from tpsym.free.fip import (
    Alphabet,
    Bump,
    DiagonalLetter,
    GaussianDiagonals,
    IndependentDiagonals,
    JointLaw,
    ProductDiagonals,
    Step,
    WeightLetter,
    fip_cumulant,
    fip_moment,
    parse_star_word,
)
from tpsym.free.transforms import (
    cauchy_transform,
    chi_transform,
    eta_transform,
    moments_from_s_transform,
    psi_transform,
    r_transform,
    s_transform,
)

__all__ = [
    "Alphabet",
    "Bump",
    "DiagonalLetter",
    "GaussianDiagonals",
    "IndependentDiagonals",
    "JointLaw",
    "ProductDiagonals",
    "Step",
    "WeightLetter",
    "fip_cumulant",
    "fip_moment",
    "parse_star_word",
    "CumulantKind",
    "Method",
    "MixedMethod",
    "boxplus",
    "boxplus_power",
    "boxtimes",
    "boxtimes_power",
    "cauchy_transform",
    "chi_transform",
    "cumulants_from_moments",
    "eta_transform",
    "mixed_cumulant",
    "mixed_moment",
    "moments_from_cumulants",
    "moments_from_s_transform",
    "parse_word",
    "psi_transform",
    "r_transform",
    "s_transform",
    "type_counts",
]
