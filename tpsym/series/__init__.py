"""Exact truncated power series over QQ and QQ(parameters).

See :mod:`tpsym.series.series` for the operations and
:mod:`tpsym.series.ring` for the coefficient fields.
"""

from tpsym.series.ring import QQ, RationalField, RationalFunction, RationalFunctionField, field_for
from tpsym.series.series import Field, Series

__all__ = [
    "QQ",
    "Field",
    "RationalField",
    "RationalFunction",
    "RationalFunctionField",
    "Series",
    "field_for",
]
