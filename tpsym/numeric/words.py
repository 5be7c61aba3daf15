"""Sampling words in real matrices: the numeric check of ``mixed_moment`` claims.

A word of :mod:`tpsym.nets.words` names the factors of real networks (their
weight matrices ``W_l`` and the diagonals ``D_l = φ'(h^l)`` of one forward
pass at a random input, drawn by :class:`~tpsym.numeric.network.NetworkSampler`,
so the diagonals depend on the weights as in a real network) and GOE
letters. :func:`sample_word` multiplies the actual matrices and returns the
normalised trace; :func:`word_crosscheck` estimates a formula in such traces
over trials and a size sweep (1/N extrapolation) and decides against the
exact value at a stated family-wise false-alarm rate, like every other
numeric check of tpsym.

>>> import numpy as np
>>> from tpsym.nets import jacobian_law
>>> from tpsym.nets.words import network_words
>>> nw = network_words({"J": jacobian_law("relu", sigma_w2=2, depth=1)})
>>> draw = WordDraw(nw, np.random.default_rng(0), 400)
>>> abs(draw.trace(nw.parse("D1")) - 0.5) < 0.1  # a ReLU mask of trace 1/2
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tpsym.errors import InputError, NoSamplerError

__all__ = ["WordDraw", "sample_word", "word_crosscheck"]


class WordDraw:
    """One draw of every matrix of an alphabet of network words, at input width ``n``.

    Networks are drawn once (lazily) and shared by every word traced with
    this draw, so a formula in several words is estimated on one set of
    matrices.
    """

    def __init__(self, words: Any, rng: np.random.Generator, n: int):
        if isinstance(n, bool) or not isinstance(n, int) or n < 2:
            raise InputError(f"n={n!r} must be an int >= 2")
        self.words = words
        self.rng = rng
        self.n = n
        self._mats: dict[str, np.ndarray] = {}

    def _network(self, name: str) -> None:
        from fractions import Fraction

        from tpsym.numeric.network import NetworkSampler

        law = self.words.networks[name]
        rho = self.words.rho.get(name)
        if rho is not None and (law.mlp.depth != 1 or law.mlp.layer(1).sigma_b2 != 0 or not rho[0].is_number):
            raise NoSamplerError(
                f"network {name!r} at two inputs: a sampled network realises a given correlation rho only at "
                "depth 1 without bias (deeper, the correlation map of the network decides rho_l)"
            )
        sampler = NetworkSampler.from_mlp(law.mlp, q=law.q, precision=law.precision)
        if sampler.widths:
            out = Fraction(self.n) / sampler.widths[0]  # widths are N_l / N_L: N_L = N_0 / (N_0 / N_L)
            if out.denominator != 1:
                raise InputError(f"input width {self.n} gives a non-integer output width for network {name!r}")
            n_out = int(out)
        else:
            n_out = self.n
        forward = sampler.forward(self.rng, n_out)
        for l, (layer, d) in enumerate(zip(forward.layers, forward.derivatives, strict=True), 1):
            self._mats[f"{name}.W{l}"] = layer.dense()
            self._mats[f"{name}.D{l}"] = np.asarray(d, dtype=np.float64)
        if rho is not None:
            # a second input x' with cos(x, x') = rho exactly: h^1(x') = W_1 x' has correlation rho with h^1(x)
            x = np.asarray(forward.x0, dtype=np.float64)
            y = self.rng.standard_normal(x.size)
            y -= (y @ x) / (x @ x) * x
            r = float(rho[0])
            x2 = r * x + np.sqrt(max(0.0, 1.0 - r * r)) * y * (np.linalg.norm(x) / np.linalg.norm(y))
            h2 = self._mats[f"{name}.W1"] @ x2
            act = sampler.layers[0].activation
            self._mats[f"{name}.D1@2"] = np.asarray(act.dphi(h2), dtype=np.float64)

    def matrix(self, letter: str) -> np.ndarray:
        """The matrix of a letter (a 1-d array for a diagonal one)."""
        if letter not in self._mats:
            x = self.words.alphabet.letters[letter]
            if getattr(x, "ensemble", None) == "wigner":
                a = self.rng.standard_normal((self.n, self.n))
                self._mats[letter] = (a + a.T) * np.sqrt(float(x.variance) / (2 * self.n))
            else:
                self._network(letter.split(".")[0])
        return self._mats[letter]

    def trace(self, tokens: Sequence[tuple[str, bool]]) -> float:
        """``tr(word)/dim`` of the product of the drawn matrices."""
        m: np.ndarray | None = None
        for name, transposed in tokens:
            a = self.matrix(name)
            if a.ndim == 1:
                m = np.diag(a) if m is None else m * a[None, :]
            else:
                a = a.T if transposed else a
                m = a.copy() if m is None else m @ a
        assert m is not None
        if m.shape[0] != m.shape[1]:  # pragma: no cover - the word was type-checked
            raise InputError(f"the word is a {m.shape} matrix, not a square one")
        return float(np.trace(m) / m.shape[0])


def sample_word(words: Any, word: str, rng: np.random.Generator, n: int) -> float:
    """The normalised trace of one draw of ``word`` at input width ``n``."""
    return WordDraw(words, rng, n).trace(words.parse(word))


def word_crosscheck(
    formula: Callable[[np.random.Generator, int], float],
    expected: float,
    *,
    sizes: Sequence[int],
    trials: int,
    seed: int,
    alpha: float,
    words: Callable[[], Any] | None = None,
    tolerance: float | None = None,
) -> dict[str, Any]:
    """Estimate ``formula(rng, n)`` (one trial at input width ``n``) over trials and sizes; decide against ``expected``.

    Returns the JSON record of :func:`tpsym.proof.numeric.run_numeric` (order 1:
    the one estimated quantity is reported as ``m_1``). With a ``tolerance``
    the verdict is ``confirmed`` only when the estimate would have shown that
    relative error with 80 % power (else ``inconclusive``); the record holds
    the detectable error and the trials that would reach the tolerance.
    """
    from tpsym.numeric.decision import MomentEstimate, decide_family

    if trials < 2:
        raise InputError(f"trials={trials}: a standard error needs at least 2 trials")
    sizes = sorted(set(int(s) for s in sizes))
    means, errs = [], []
    for n in sizes:
        values = []
        for t in range(trials):
            rng = np.random.default_rng([seed, n, t])
            values.append(float(formula(rng, n)))
        x = np.asarray(values)
        if not np.all(np.isfinite(x)):
            raise NoSamplerError("a sampled trace is not finite")
        means.append(float(x.mean()))
        errs.append(max(float(x.std(ddof=1) / np.sqrt(trials)), 1e-15 * max(1.0, abs(float(x.mean())))))
    est = MomentEstimate.from_sweep(1, sizes, means, errs, df=trials - 1)
    decision = decide_family([("derived", [est], [float(expected)])], alpha=alpha, tolerance=tolerance, trials=trials)
    record = decision.to_dict()
    record.update({"order": 1, "sizes": list(sizes), "trials": trials, "per_size": [list(p) for p in est.per_size]})
    return record
