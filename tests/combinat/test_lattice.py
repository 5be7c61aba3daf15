"""The lattice NC(n): against brute-force oracles (small n) and as hypothesis properties."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tpsym import strategies as tst
from tpsym.combinat import (
    IntervalPartition,
    NCPartition,
    SetPartition,
    catalan,
    hasse_diagram,
    join,
    kreweras,
    kreweras_inverse,
    meet,
    mobius,
    noncrossing_partitions,
    refines,
    rotate,
    set_partitions,
)
from tpsym.combinat.lattice import _nc_closure, _set_join_parent
from tpsym.errors import CrossingError, InputError

from .oracle import (
    all_nc_partitions,
    all_set_partitions,
    brute_join,
    brute_kreweras,
    brute_meet,
    brute_mobius,
    canonical,
    leq,
)

PAIR_N = range(0, 6)  # exhaustive over all pairs: Cat(5)**2 = 1764 pairs at n = 5
SETTINGS = settings(max_examples=80, deadline=None)


def nc_pair(max_size=9):
    return st.integers(0, max_size).flatmap(
        lambda n: st.tuples(tst.noncrossing_partitions(min_size=n, max_size=n), tst.noncrossing_partitions(min_size=n, max_size=n))
    )


def nc_triple(max_size=8):
    return st.integers(0, max_size).flatmap(
        lambda n: st.tuples(*[tst.noncrossing_partitions(min_size=n, max_size=n)] * 3)
    )


# ---------------------------------------------------------------- oracle checks


@pytest.mark.parametrize("n", PAIR_N)
def test_order_meet_join_against_oracle(n):
    universe = all_nc_partitions(n)
    values = {p: NCPartition(p, n) for p in universe}
    for p, q in ((p, q) for p in universe for q in universe):
        a, b = values[p], values[q]
        assert refines(a, b) == leq(p, q)
        assert canonical(meet(a, b).blocks) == brute_meet(p, q, universe)
        assert canonical(join(a, b).blocks) == brute_join(p, q, universe)


@pytest.mark.parametrize("n", range(0, 5))
def test_set_partition_lattice_against_oracle(n):
    universe = all_set_partitions(n)
    for p in universe:
        for q in universe:
            a, b = SetPartition(p, n), SetPartition(q, n)
            assert canonical(join(a, b).blocks) == brute_join(p, q, universe)
            assert canonical(meet(a, b).blocks) == brute_meet(p, q, universe)
            assert mobius(a, b) == brute_mobius(p, q, universe)


def test_nc_join_differs_from_set_join():
    a, b = NCPartition("1 3|2|4"), NCPartition("1|2 4|3")
    assert join(a, b) == NCPartition("1 2 3 4")
    assert join(SetPartition(a.blocks), SetPartition(b.blocks)) == SetPartition("1 3|2 4")
    assert type(join(SetPartition(a.blocks), b)) is SetPartition  # one plain argument: set lattice
    assert type(join(IntervalPartition("1|2"), IntervalPartition("1 2"))) is IntervalPartition


@pytest.mark.parametrize("n", range(0, 7))
def test_nc_closure_against_brute_force(n):
    # the closure of every set partition is its least non-crossing upper bound
    universe = all_nc_partitions(n)
    for p in all_set_partitions(n):
        sp = SetPartition(p, n)
        parent = _nc_closure(n, _set_join_parent(sp, sp))
        closure = SetPartition.from_labels(
            [next(i for i in range(n) if _find_root(parent, i) == _find_root(parent, j)) for j in range(n)]
        )
        upper = [r for r in universe if leq(p, r)]
        assert canonical(closure.blocks) in upper
        assert all(leq(canonical(closure.blocks), r) for r in upper)


def _find_root(parent, x):
    while parent[x] != x:
        x = parent[x]
    return x


@pytest.mark.parametrize("n", range(1, 7))
def test_kreweras_against_definition(n):
    for p in all_nc_partitions(n):
        assert canonical(kreweras(NCPartition(p, n)).blocks) == brute_kreweras(p, n)


def test_kreweras_design_example():
    # docs/design.md: K(1 2|3 4) = 1|2 4|3
    assert str(kreweras(NCPartition("1 2|3 4"))) == "1|2 4|3"
    assert str(kreweras(NCPartition(""))) == ""
    assert kreweras("1 3|2|4 5") == NCPartition("1 2|3 5|4")
    with pytest.raises(CrossingError):
        kreweras(SetPartition("1 3|2 4"))


@pytest.mark.parametrize("n", range(0, 10))
def test_kreweras_laws_exhaustive(n):
    every = list(noncrossing_partitions(n))
    images = [kreweras(p) for p in every]
    assert sorted(images) == every  # a bijection of NC(n)
    for p, k in zip(every, images):
        assert kreweras_inverse(k) == p
        assert kreweras(k) == rotate(p, -1)
        if n:
            assert len(p) + len(k) == n + 1


@pytest.mark.parametrize("n", range(0, 6))
def test_kreweras_is_an_anti_isomorphism(n):
    every = list(noncrossing_partitions(n))
    for p in every:
        for q in every:
            assert refines(p, q) == refines(kreweras(q), kreweras(p))


@pytest.mark.parametrize("n", range(0, 6))
def test_mobius_against_recursion(n):
    universe = all_nc_partitions(n)
    for p in universe:
        for q in universe:
            assert mobius(NCPartition(p, n), NCPartition(q, n)) == brute_mobius(p, q, universe)


@pytest.mark.parametrize("n", range(1, 15))
def test_mobius_bottom_top(n):
    assert mobius(NCPartition.finest(n), NCPartition.coarsest(n)) == (-1) ** (n - 1) * catalan(n - 1)


@pytest.mark.parametrize("n", range(0, 7))
def test_hasse_diagram(n):
    graph = hasse_diagram(n)
    assert graph.number_of_nodes() == catalan(n)
    assert nx.is_directed_acyclic_graph(graph)
    universe = all_nc_partitions(n)
    covers = {
        (p, q)
        for p in universe
        for q in universe
        if leq(p, q) and len(q) == len(p) - 1
    }
    assert {(canonical(u.blocks), canonical(v.blocks)) for u, v in graph.edges} == covers
    assert all(graph.nodes[v]["rank"] == n - len(v) for v in graph) if n else True


def test_hasse_diagram_of_interval():
    bottom, top = NCPartition("1|2|3|4|5"), NCPartition("1 2 5|3 4")
    graph = hasse_diagram((bottom, top))
    members = {p for p in noncrossing_partitions(5) if refines(bottom, p) and refines(p, top)}
    assert set(graph) == members
    assert hasse_diagram((top, bottom)).number_of_nodes() == 0
    graph_set = hasse_diagram((SetPartition.finest(3), SetPartition.coarsest(3)))
    assert graph_set.number_of_nodes() == 5 and graph_set.number_of_edges() == 6


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: meet(NCPartition("1|2"), NCPartition("1 2 3")), InputError, "different sets, n=2 and n=3"),
        (lambda: join(NCPartition("1|2"), "1 2"), InputError, "the second argument must be a partition"),
        (lambda: hasse_diagram(-1), InputError, "n=-1 is negative"),
        (lambda: hasse_diagram((NCPartition("1"),)), InputError, "a pair"),
        (lambda: rotate(NCPartition("1|2"), 1.5), InputError, "k must be an integer"),
        (lambda: kreweras(3), InputError, "non-crossing partition"),
    ],
)
def test_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---------------------------------------------------------------- properties


@SETTINGS
@given(tst.noncrossing_partitions(max_size=40))
@example(NCPartition(""))
@example(NCPartition("1 2|3 4"))
def test_kreweras_properties(p):
    k = kreweras(p)
    assert kreweras_inverse(k) == p and kreweras(kreweras_inverse(p)) == p
    assert kreweras(k) == rotate(p, -1)
    assert p.n == 0 or len(p) + len(k) == p.n + 1


@SETTINGS
@given(nc_pair())
def test_meet_join_are_glb_lub(pair):
    p, q = pair
    m, j = meet(p, q), join(p, q)
    assert isinstance(m, NCPartition) and isinstance(j, NCPartition)
    assert refines(m, p) and refines(m, q) and refines(p, j) and refines(q, j)
    # absorption and idempotence
    assert join(p, meet(p, q)) == p and meet(p, join(p, q)) == p
    assert join(p, p) == p == meet(p, p)
    assert join(p, q) == join(q, p) and meet(p, q) == meet(q, p)
    assert refines(p, q) == (meet(p, q) == p) == (join(p, q) == q)


@SETTINGS
@given(nc_triple())
def test_join_is_least_and_meet_is_greatest(triple):
    p, q, r = triple
    upper = join(r, join(p, q))  # some common upper bound
    assert refines(join(p, q), upper)
    if refines(p, r) and refines(q, r):
        assert refines(join(p, q), r)
    if refines(r, p) and refines(r, q):
        assert refines(r, meet(p, q))
    assert join(p, join(q, r)) == join(join(p, q), r)
    assert meet(p, meet(q, r)) == meet(meet(p, q), r)


@SETTINGS
@given(nc_pair(max_size=7))
def test_mobius_defining_relation(pair):
    p, q = meet(*pair), join(*pair)  # p <= q
    interval = list(hasse_diagram((p, q)))
    total = sum(mobius(p, r) for r in interval)
    assert total == (1 if p == q else 0)
    assert sum(mobius(r, q) for r in interval) == (1 if p == q else 0)


@SETTINGS
@given(nc_pair())
def test_mobius_zero_unless_below(pair):
    p, q = pair
    if not refines(p, q):
        assert mobius(p, q) == 0


@SETTINGS
@given(tst.set_partitions(max_size=7), tst.set_partitions(max_size=7))
def test_set_lattice_join_is_coarser_than_blocks(p, q):
    if p.n != q.n:
        return
    j = join(p, q)
    assert refines(p, j) and refines(q, j) and type(j) is SetPartition
    assert len(j) >= len(join(NCPartition(p.blocks, p.n), NCPartition(q.blocks, q.n))) if (
        p.is_noncrossing() and q.is_noncrossing()
    ) else True


def test_set_partitions_mobius_bottom_top():
    for n in range(1, 8):
        assert mobius(SetPartition.finest(n), SetPartition.coarsest(n)) == (-1) ** (n - 1) * __import__("math").factorial(n - 1)
    assert sum(1 for _ in set_partitions(4)) == 15
