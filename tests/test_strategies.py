"""tpsym.strategies: valid values, eager validation, shrinking, API style."""

from __future__ import annotations

import inspect
import itertools
import subprocess
import sys

import pytest
from hypothesis import find, given, settings
from hypothesis.errors import InvalidArgument

from tpsym import strategies
from tpsym.combinat import IntervalPartition, NCPartition, SetPartition, noncrossing_partitions
from tpsym.errors import InputError

PUBLIC = [strategies.noncrossing_partitions, strategies.set_partitions, strategies.interval_partitions]


@settings(max_examples=150, deadline=None)
@given(strategies.noncrossing_partitions(min_size=2, max_size=30))
def test_noncrossing_values(p):
    assert type(p) is NCPartition and 2 <= p.n <= 30
    assert NCPartition(p.blocks, p.n) == p  # passes the validating constructor


@settings(max_examples=150, deadline=None)
@given(strategies.set_partitions(max_size=8))
def test_set_partition_values(p):
    assert type(p) is SetPartition and p.n <= 8 and SetPartition(p.blocks, p.n) == p


@settings(max_examples=150, deadline=None)
@given(strategies.interval_partitions(min_size=1, max_size=12))
def test_interval_values(p):
    assert type(p) is IntervalPartition and 1 <= p.n <= 12 and IntervalPartition(p.blocks, p.n) == p


def test_choice_encoding_reaches_all_of_nc_n():
    # (flag, depth) pairs, depth in 0..n-2 as the strategy draws them for max_size=n, cover NC(n) exactly
    for n in range(6):
        steps = list(itertools.product((False, True), range(max(n - 1, 1))))
        reached = {strategies._noncrossing_from_choices(list(c)) for c in itertools.product(steps, repeat=n)}
        assert reached == set(noncrossing_partitions(n))


def test_block_counts_spread():
    # the flags are fair coins: NC(10) draws are not concentrated on one block count
    from hypothesis import given

    counts = []

    @settings(max_examples=300)
    @given(strategies.noncrossing_partitions(min_size=10, max_size=10))
    def collect(p):
        counts.append(len(p))

    collect()
    share = {b: counts.count(b) / len(counts) for b in set(counts)}
    assert max(share.values()) < 0.5 and sum(v for b, v in share.items() if b >= 5) > 0.25


def test_every_small_partition_can_be_drawn():
    for target in ("", "1 3|2", "1 4|2 3", "1|2|3|4", "1 2 4|3"):
        goal = NCPartition(target)
        assert find(strategies.noncrossing_partitions(max_size=4), lambda p, g=goal: p == g) == goal


@pytest.mark.parametrize(
    ("strategy", "condition", "minimal"),
    [
        (strategies.noncrossing_partitions(), lambda p: p.n >= 5, NCPartition("1 2 3 4 5")),
        (strategies.noncrossing_partitions(), lambda p: len(p) >= 3, NCPartition("1|2|3")),
        (strategies.noncrossing_partitions(), lambda p: any(len(b) == 2 for b in p), NCPartition("1 2")),
        (strategies.set_partitions(), lambda p: p.n >= 4, SetPartition("1 2 3 4")),
        (strategies.set_partitions(), lambda p: not p.is_noncrossing(), SetPartition("1 3|2 4")),
        (strategies.interval_partitions(), lambda p: len(p) >= 2, IntervalPartition("1|2")),
    ],
)
def test_shrinks_to_small_n_and_few_blocks(strategy, condition, minimal):
    assert find(strategy, condition) == minimal


@pytest.mark.parametrize("factory", PUBLIC)
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_size": -1}, "min_size must be a non-negative integer, got -1"),
        ({"max_size": 2.5}, "max_size must be a non-negative integer, got 2.5"),
        ({"min_size": True}, "got True"),
        ({"min_size": 5, "max_size": 3}, "min_size=5 exceeds max_size=3"),
    ],
)
def test_eager_validation(factory, kwargs, message):
    with pytest.raises(InvalidArgument, match=message):
        factory(**kwargs)  # raised on creation, before any draw
    with pytest.raises(InputError, match=message):
        factory(**kwargs)


@pytest.mark.parametrize("factory", PUBLIC)
def test_api_style(factory):
    # Hypothesis API style: keyword-only options with defaults, a docstring with an example
    parameters = inspect.signature(factory).parameters.values()
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is not p.empty for p in parameters)
    assert factory.__doc__ and ">>>" in factory.__doc__
    with pytest.raises(TypeError):
        factory(3)  # type: ignore[misc]


def test_import_tpsym_does_not_import_hypothesis():
    code = "import sys, tpsym, tpsym.combinat, tpsym.cli; print('hypothesis' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# -- laws ---------------------------------------------------------------------------
from tpsym.laws import Law, boxtimes  # noqa: E402


@given(strategies.laws(max_leaves=3))
@settings(max_examples=40)
def test_laws_are_laws_with_rational_moments(law):
    assert isinstance(law, Law)
    ms = law.moments(4)
    assert all(m.is_Rational for m in ms) and ms[1] >= ms[0] ** 2  # variance >= 0


@given(strategies.laws(max_leaves=3, nonzero_mean=True), strategies.laws(nonzero_mean=True))
@settings(max_examples=40)
def test_nonzero_mean_laws_have_an_s_transform(a, b):
    import sympy

    assert a.moments(1)[0] > 0 and b.moments(1)[0] > 0
    # S is multiplicative under ⊠ (Voiculescu; Nica–Speicher, Lecture 18): coefficients of z^0..z^2
    sa, sb, sab = a.s_transform(3), b.s_transform(3), boxtimes(a, b).s_transform(3)
    product = [sum(sa[i] * sb[n - i] for i in range(n + 1)) for n in range(3)]
    assert all(sympy.simplify(x - y) == 0 for x, y in zip(sab, product))


@pytest.mark.parametrize("kw", [{"max_leaves": 0}, {"max_leaves": 1.5}, {"max_leaves": True}, {"nonzero_mean": 1}])
def test_laws_refuses_bad_options(kw):
    with pytest.raises(strategies.InvalidStrategyArgument):
        strategies.laws(**kw)
