"""Free probability on sequences and series: cumulants, transforms, free convolutions, mixed moments."""

from tpsym.free.cumulants import CumulantKind, Method, cumulants_from_moments, moments_from_cumulants, type_counts

__all__ = [
    "CumulantKind",
    "Method",
    "cumulants_from_moments",
    "moments_from_cumulants",
    "type_counts",
]
