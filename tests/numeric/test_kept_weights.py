"""Matrix-free trials that hold their Gaussian weights give the same estimates as those that regenerate them."""

from __future__ import annotations

import numpy as np

from tpsym.numeric import experiment
from tpsym.numeric.estimate import hutchinson_moments
from tpsym.numeric.network import NetworkSampler


def test_kept_and_regenerated_weights_agree_bit_for_bit():
    s = NetworkSampler.uniform(3, "tanh", sigma_w2=1.5, sigma_b2=0.05, q_star=0.3)
    for n in (40, 301):
        a = s.operator(np.random.default_rng(7), n)
        b = s.operator(np.random.default_rng(7), n, keep=True)
        assert all(layer.stored is not None for layer in b.forward.layers)
        ma, _ = hutchinson_moments(a, n, 6, np.random.default_rng(1), probes=8)
        mb, _ = hutchinson_moments(b, n, 6, np.random.default_rng(1), probes=8)
        assert np.array_equal(ma, mb)
        assert np.array_equal(a.kept().forward.layers[0].dense(), a.forward.layers[0].dense())


def test_estimates_do_not_depend_on_the_memory_decision(monkeypatch):
    s = NetworkSampler.uniform(2, "relu", sigma_w2=2.0)
    assert experiment.keeps_weights(s, 2048, workers=2, memory=2.0**34)
    assert not experiment.keeps_weights(s, 2048, workers=2, memory=2.0**26)
    runs = []
    for memory in (2.0**40, 1.0):  # weights kept, weights regenerated
        monkeypatch.setattr(experiment, "available_memory", lambda m=memory: m if m > 1 else 2.0**40)
        monkeypatch.setattr(experiment, "keeps_weights", lambda *a, m=memory, **k: m > 1)
        est = experiment.estimate_moments(s, 4, sizes=(64, 128), trials=3, matrix_free=True, probes=4, workers=0)
        runs.append([e.estimate for e in est])
    assert runs[0] == runs[1]
