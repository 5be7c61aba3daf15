"""Set, interval and non-crossing partitions: the combinatorics under free probability.

The values (:class:`SetPartition`, :class:`NCPartition`,
:class:`IntervalPartition`) are immutable and canonical; every operation
returns them. Enumeration is generated directly (never by filtering), counting
is by closed formulas, and the lattice NC(n) comes with its refinement order,
meet and join, Kreweras complement, Möbius function and Hasse diagram.

>>> from tpsym.combinat import NCPartition, catalan, kreweras, noncrossing_partitions
>>> sum(1 for _ in noncrossing_partitions(6)) == catalan(6)
True
>>> kreweras(NCPartition("1 2|3 4"))
NCPartition('1|2 4|3')
"""

from __future__ import annotations

from tpsym.combinat.counting import catalan, fuss_catalan, kreweras_count, narayana
from tpsym.combinat.enumerate import (
    interval_partitions,
    k_divisible_partitions,
    noncrossing_array,
    noncrossing_labels,
    noncrossing_pairings,
    noncrossing_partitions,
    noncrossing_partitions_of_type,
    set_partitions,
)
from tpsym.combinat.lattice import (
    hasse_diagram,
    join,
    kreweras,
    kreweras_inverse,
    meet,
    mobius,
    refines,
    rotate,
)
from tpsym.combinat.partition import IntervalPartition, NCPartition, SetPartition
from tpsym.combinat.sampling import random_noncrossing

__all__ = [
    "SetPartition",
    "NCPartition",
    "IntervalPartition",
    "catalan",
    "narayana",
    "kreweras_count",
    "fuss_catalan",
    "noncrossing_partitions",
    "noncrossing_labels",
    "noncrossing_array",
    "noncrossing_partitions_of_type",
    "noncrossing_pairings",
    "k_divisible_partitions",
    "set_partitions",
    "interval_partitions",
    "refines",
    "meet",
    "join",
    "kreweras",
    "kreweras_inverse",
    "rotate",
    "mobius",
    "hasse_diagram",
    "random_noncrossing",
]
