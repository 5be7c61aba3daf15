"""Hypothesis strategies for tpsym's partitions and laws, for use in your own tests.

>>> from hypothesis import given
>>> from tpsym.strategies import noncrossing_partitions
>>> from tpsym.combinat import kreweras, kreweras_inverse
>>> @given(noncrossing_partitions(max_size=12))
... def test_kreweras_round_trip(p):
...     assert kreweras_inverse(kreweras(p)) == p
>>> test_kreweras_round_trip()

The strategies follow Hypothesis' API style: options are keyword-only and
checked when the strategy is created (a bad option raises
:class:`hypothesis.errors.InvalidArgument`, which here is also a
:class:`tpsym.errors.InputError`). They are built from ``st.integers`` draws,
so they shrink towards small ``n`` and towards *fewer blocks*: a failing
example is reported as the coarsest partition that still fails.

This module needs ``hypothesis`` (the ``test`` extra); ``import tpsym`` never
imports it.
"""

from __future__ import annotations

import numbers
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from tpsym.combinat.partition import IntervalPartition, NCPartition, SetPartition
from tpsym.errors import InputError

__all__ = [
    "noncrossing_partitions", "set_partitions", "interval_partitions", "laws", "jacobian_laws", "InvalidStrategyArgument",
]


class InvalidStrategyArgument(InputError, InvalidArgument):
    """A bad option of a tpsym strategy (both a tpsym InputError and Hypothesis' InvalidArgument)."""


def _check_sizes(min_size: object, max_size: object) -> tuple[int, int]:
    for name, value in (("min_size", min_size), ("max_size", max_size)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 0:
            raise InvalidStrategyArgument(f"{name} must be a non-negative integer, got {value!r}")
    lo, hi = int(min_size), int(max_size)  # type: ignore[call-overload]
    if lo > hi:
        raise InvalidStrategyArgument(f"min_size={lo} exceeds max_size={hi}")
    return lo, hi


def _choices(lo: int, hi: int, top: int) -> st.SearchStrategy[list[int]]:
    """One choice per element, as a list: shrinking deletes elements (smaller n) and lowers choices."""
    return st.lists(st.integers(0, max(top, 0)), min_size=lo, max_size=hi)


def _noncrossing_from_choices(choices: list[tuple[bool, int]]) -> NCPartition:
    # A stack of open blocks, as in tpsym.combinat.enumerate. The first element
    # opens a block; after it, (True, _) opens a new block and (False, d) joins
    # the open block at depth d from the top (clamped to the bottom), closing
    # the blocks above it. The number of blocks is one plus the number of later
    # True flags, so deleting an element with a False flag keeps it and
    # lowering a flag merges blocks: shrinking cannot stall at, say, 1 3|2|4
    # when 1|2|3 also satisfies the property. The flags are fair coins, so
    # block counts spread like 1 + Binomial(n - 1, 1/2).
    labels: list[int] = []
    stack: list[int] = []
    count = 0
    for new_block, depth in choices:
        if not stack or new_block:
            stack.append(count)
            labels.append(count)
            count += 1
        else:
            depth = min(depth, len(stack) - 1)
            del stack[len(stack) - depth :]
            labels.append(stack[-1])
    return NCPartition._trusted(len(choices), labels)


@st.composite
def _noncrossing(draw: st.DrawFn, lo: int, hi: int) -> NCPartition:
    steps = st.tuples(st.booleans(), st.integers(0, max(hi - 2, 0)))
    return _noncrossing_from_choices(draw(st.lists(steps, min_size=lo, max_size=hi)))


def noncrossing_partitions(*, min_size: int = 0, max_size: int = 10) -> st.SearchStrategy[NCPartition]:
    """Non-crossing partitions of {1, ..., n} with ``min_size <= n <= max_size``.

    Every partition of NC(n) can be drawn (not uniformly). Shrinks towards
    smaller n and fewer blocks.

    Parameters
    ----------
    min_size, max_size : int
        Bounds on n, keyword-only, ``0 <= min_size <= max_size``.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of NCPartition

    Raises
    ------
    InvalidStrategyArgument
        At once, for a bad bound.

    Examples
    --------
    >>> from hypothesis import find
    >>> find(noncrossing_partitions(), lambda p: p.n >= 3)
    NCPartition('1 2 3')
    >>> find(noncrossing_partitions(), lambda p: len(p) >= 2)
    NCPartition('1|2')
    """
    lo, hi = _check_sizes(min_size, max_size)
    return _noncrossing(lo, hi)


@st.composite
def _set_partition(draw: st.DrawFn, lo: int, hi: int) -> SetPartition:
    labels: list[int] = []
    count = 0
    for raw in draw(_choices(lo, hi, hi - 1)):
        c = min(raw, count)  # count: a new block; 0 joins the first block
        labels.append(c)
        count += c == count
    return SetPartition._trusted(len(labels), labels)


def set_partitions(*, min_size: int = 0, max_size: int = 8) -> st.SearchStrategy[SetPartition]:
    """Partitions of {1, ..., n} with ``min_size <= n <= max_size``, crossing or not.

    Shrinks towards smaller n and fewer blocks.

    Examples
    --------
    >>> from hypothesis import find
    >>> find(set_partitions(), lambda p: not p.is_noncrossing())
    SetPartition('1 3|2 4')
    """
    lo, hi = _check_sizes(min_size, max_size)
    return _set_partition(lo, hi)


@st.composite
def _interval(draw: st.DrawFn, lo: int, hi: int) -> IntervalPartition:
    cuts = draw(st.lists(st.booleans(), min_size=lo, max_size=hi))  # the first is not used
    labels = [0] * len(cuts)
    for i in range(1, len(cuts)):
        labels[i] = labels[i - 1] + int(cuts[i])  # False: stay in the block
    return IntervalPartition._trusted(len(cuts), labels)


def interval_partitions(*, min_size: int = 0, max_size: int = 10) -> st.SearchStrategy[IntervalPartition]:
    """Interval partitions of {1, ..., n} with ``min_size <= n <= max_size``.

    Shrinks towards smaller n and fewer blocks.

    Examples
    --------
    >>> from hypothesis import find
    >>> find(interval_partitions(min_size=4), lambda p: len(p) > 1)
    IntervalPartition('1 2 3|4')
    """
    lo, hi = _check_sizes(min_size, max_size)
    return _interval(lo, hi)


def _rationals(lo: int | Fraction, hi: int | Fraction, denominator: int = 4) -> st.SearchStrategy[Any]:
    import sympy

    return st.fractions(min_value=lo, max_value=hi, max_denominator=denominator).map(
        lambda f: sympy.Rational(f.numerator, f.denominator)
    )


def _leaves(nonzero_mean: bool) -> st.SearchStrategy[Any]:
    from tpsym.laws import arcsine, bernoulli, dirac, free_poisson, mp, semicircle

    pos = _rationals(Fraction(1, 4), 3)
    anyq = pos if nonzero_mean else _rationals(-2, 2, 3)
    prob = _rationals(Fraction(1, 4), 1) if nonzero_mean else _rationals(0, 1)
    jump = pos if nonzero_mean else anyq.filter(lambda x: x != 0)
    return st.one_of(
        st.builds(dirac, anyq),
        st.builds(semicircle, variance=pos, mean=anyq),
        st.builds(mp, ratio=pos),
        st.builds(free_poisson, rate=pos, jump=jump),
        st.builds(bernoulli, p=prob, a=anyq, b=anyq),
        st.builds(lambda lo, w: arcsine(lo, lo + w), anyq, pos),
    )


def laws(*, max_leaves: int = 1, nonzero_mean: bool = False) -> st.SearchStrategy[Any]:
    """Laws of the catalogue with rational parameters, and their ⊞ / ⊠ combinations.

    Leaves are ``dirac``, ``semicircle``, ``mp``, ``free_poisson``,
    ``bernoulli`` and ``arcsine`` laws with small rational parameters; with
    ``max_leaves > 1``, trees of ``boxplus`` and ``boxtimes`` of up to that
    many leaves (the factors of a ``boxtimes`` have non-zero mean, so that it
    has an S-transform). Shrinks towards a single point mass.

    Parameters
    ----------
    max_leaves : int
        At least 1, keyword-only.
    nonzero_mean : bool
        Only laws of non-zero mean (every leaf then lives on (0, inf)).

    Returns
    -------
    hypothesis.strategies.SearchStrategy of tpsym.laws.Law

    Raises
    ------
    InvalidStrategyArgument
        At once, for a bad option.

    Examples
    --------
    >>> from hypothesis import given
    >>> from tpsym.laws import boxplus
    >>> @given(laws(max_leaves=2), laws(max_leaves=2))
    ... def test_boxplus_commutes(a, b):
    ...     assert boxplus(a, b).moments(4) == boxplus(b, a).moments(4)
    >>> test_boxplus_commutes()
    """
    if isinstance(max_leaves, bool) or not isinstance(max_leaves, numbers.Integral) or max_leaves < 1:
        raise InvalidStrategyArgument(f"max_leaves must be a positive integer, got {max_leaves!r}")
    if not isinstance(nonzero_mean, bool):
        raise InvalidStrategyArgument(f"nonzero_mean must be a bool, got {nonzero_mean!r}")
    from tpsym.laws import boxplus, boxtimes

    positive = _leaves(True)
    if max_leaves == 1:
        return positive if nonzero_mean else _leaves(False)

    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(
            st.builds(boxplus, children, children),
            st.builds(boxtimes, children, children),
        )

    # a ⊞ of laws on (0, inf) and a ⊠ of laws of non-zero mean: both stay positive
    trees = st.recursive(positive, extend, max_leaves=int(max_leaves))
    if nonzero_mean:
        return trees
    return st.one_of(_leaves(False), trees, st.builds(boxplus, _leaves(False), _leaves(False)))


@st.composite
def _jacobian(draw: st.DrawFn, max_depth: int, rectangular: bool) -> Any:
    from tpsym.nets import jacobian_law

    depth = draw(st.integers(1, max_depth))
    acts = draw(st.lists(st.sampled_from(("linear", "relu", "leaky_relu")), min_size=depth, max_size=depth))
    slopes = tuple(draw(_rationals(Fraction(1, 10), Fraction(1, 2), 10)) if a == "leaky_relu" else 0 for a in acts)
    sw = tuple(draw(_rationals(Fraction(1, 2), 3)) for _ in range(depth))
    shaped = rectangular and draw(st.booleans())
    if shaped:
        widths = tuple(draw(st.lists(_rationals(Fraction(1, 2), 3, 2), min_size=depth + 1, max_size=depth + 1)))
        weights: tuple[str, ...] | str = "gaussian"
    else:
        widths = None
        weights = tuple(draw(st.lists(st.sampled_from(("gaussian", "orthogonal")), min_size=depth, max_size=depth)))
    leaky = any(a == "leaky_relu" for a in acts)
    return jacobian_law(
        tuple(acts), weights, sigma_w2=sw, depth=depth, slope=slopes if leaky else None, widths=widths
    )


def jacobian_laws(*, max_depth: int = 3, rectangular: bool = True) -> st.SearchStrategy[Any]:
    """Laws of J Jᵀ of bias-free networks whose laws are exact (no quadrature).

    Each layer draws an activation among ``linear``, ``relu`` and
    ``leaky_relu`` (a rational slope in [1/10, 1/2]), σ_w² in [1/2, 3] and
    Gaussian or orthogonal weights; with ``rectangular`` some networks have
    widths in [1/2, 3] (Gaussian weights). Shrinks towards one linear
    layer.

    Parameters
    ----------
    max_depth : int
        At least 1, keyword-only.
    rectangular : bool
        Whether networks with widths are drawn too.

    Examples
    --------
    >>> import sympy
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, deadline=None)
    ... @given(jacobian_laws())
    ... def test_the_mean_is_the_product_of_the_layer_slopes(law):
    ...     layers = [law.mlp.layer(i) for i in range(1, law.mlp.depth + 1)]
    ...     chi = [lay.sigma_w2 * lay.activation.mu_closed_form(1, 1) for lay in layers]
    ...     assert sympy.simplify(law.moments(1)[0] - sympy.Mul(*chi)) == 0
    >>> test_the_mean_is_the_product_of_the_layer_slopes()
    """
    if isinstance(max_depth, bool) or not isinstance(max_depth, numbers.Integral) or max_depth < 1:
        raise InvalidStrategyArgument(f"max_depth must be a positive integer, got {max_depth!r}")
    if not isinstance(rectangular, bool):
        raise InvalidStrategyArgument(f"rectangular must be a bool, got {rectangular!r}")
    return _jacobian(int(max_depth), rectangular)
