"""Uniformity of random_noncrossing: exhaustive proofs of each step, one statistical check."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import numpy as np
import pytest
from scipy import stats

from tpsym.combinat import NCPartition, catalan, noncrossing_labels, random_noncrossing
from tpsym.combinat.sampling import _cycle_lemma, _heights_to_labels, _labels_to_heights
from tpsym.errors import InputError

from .oracle import all_dyck_heights


@pytest.mark.parametrize("n", range(0, 10))
def test_dyck_bijection_exhaustive(n):
    paths = all_dyck_heights(n)
    assert len(paths) == catalan(n)
    images = {tuple(_heights_to_labels(list(h))) for h in paths}
    assert images == set(noncrossing_labels(n))  # onto NC(n), and injective (same size)
    for labels in noncrossing_labels(n):
        assert tuple(_heights_to_labels(_labels_to_heights(labels))) == labels


@pytest.mark.parametrize("n", range(1, 7))
def test_cycle_lemma_exhaustive(n):
    # every arrangement of n up- and n + 1 down-steps is equally likely under a
    # uniform permutation; each Dyck path must come from exactly 2n + 1 of them
    hits = Counter()
    for ups in combinations(range(2 * n + 1), n):
        steps = -np.ones(2 * n + 1, dtype=np.int64)
        steps[list(ups)] = 1
        path = _cycle_lemma(steps)
        heights = np.cumsum(path)
        assert heights.min() >= 0 and heights[-1] == 0 and len(path) == 2 * n
        hits[tuple(heights[path == 1])] += 1
    assert len(hits) == catalan(n) and set(hits.values()) == {2 * n + 1}


def test_chi_square_uniform_on_nc5():
    # 42 equally likely outcomes, 42,000 draws (1,000 expected per cell), fixed seed.
    # Under uniformity the statistic is chi-square with 41 degrees of freedom. The
    # bound is its 1 - 1e-9 quantile (about 110): a correct sampler fails with
    # probability 1e-9 on a fresh seed (and this seed is fixed), while a sampler
    # that misses or repeats partitions fails outright and a 40% excess on one
    # cell adds about 160 to the statistic. Exactness itself is proved by the
    # two exhaustive tests above.
    rng = np.random.default_rng(20240611)
    counts = Counter(random_noncrossing(5, rng).labels() for _ in range(42_000))
    assert set(counts) == set(noncrossing_labels(5))
    observed = np.array([counts[t] for t in noncrossing_labels(5)])
    statistic = float(((observed - 1000) ** 2 / 1000).sum())
    assert statistic < stats.chi2.ppf(1 - 1e-9, df=41)


def test_large_n_is_fast_and_valid():
    rng = np.random.default_rng(1)
    p = random_noncrossing(5000, rng)
    assert p.n == 5000 and NCPartition(p.blocks) == p  # re-validated: no crossing
    assert random_noncrossing(1, rng) == NCPartition("1")


def test_mean_number_of_blocks():
    # E|π| = (n + 1) / 2 for uniform π in NC(n) (Narayana symmetry); n = 200,
    # 2,000 draws; the sd of one draw is below sqrt(n) / 2, so 6 standard errors is < 1.6
    rng = np.random.default_rng(5)
    sizes = [len(random_noncrossing(200, rng)) for _ in range(2000)]
    assert abs(np.mean(sizes) - 100.5) < 6 * np.std(sizes) / np.sqrt(len(sizes))


@pytest.mark.parametrize(("n", "rng", "message"), [(-1, None, "n=-1"), (3, 42, "numpy.random.Generator")])
def test_bad_arguments(n, rng, message):
    with pytest.raises(InputError, match=message):
        random_noncrossing(n, rng if rng != None else np.random.default_rng())  # noqa: E711
