"""Samplers of real residual and weight-tied recurrent networks.

Each runs the forward pass of the network at width ``n`` and multiplies the
exact layer Jacobians densely:

* :class:`ResidualSampler`: x^l = x^(l−1) + α φ(W^l x^(l−1) + b^l),
  J = Π_l (I + α D_l W_l), D_l = diag φ'(h^l); the input x^0 has i.i.d.
  N(0, 1) entries.
* :class:`RecurrentSampler`: h^t = W x^(t−1) + U u^t + b, x^t = φ(h^t), with
  ONE W for every step (``tied=True``) or a fresh W per step (``tied=False``:
  the untied network that the gradient independence assumption pretends);
  J = D_T W ··· D_1 W; x^0 and u^t have i.i.d. N(0, 1) entries.

Gaussian weights have entries N(0, σ²/n); orthogonal ones are σ·O with O
Haar (:func:`tpsym.numeric.ensembles.haar_orthogonal`). Both samplers have
the interface of :class:`tpsym.numeric.network.NetworkSampler` that
:func:`tpsym.numeric.crosscheck` uses (``sample``, ``operator``,
``dense_bytes``, ``matrix_free_bytes``, ``expected_moments``).

**Matrix-free** (``crosscheck(..., matrix_free=True)``): ``operator(rng, n)``
runs the forward pass with every Gaussian W held as the seed of its entries
(:class:`tpsym.numeric.network.GaussianLayer`, regenerated row block by row
block in every product, or generated once and held with ``keep=True``, the
same values bit for bit) and returns J as products — J V and Jᵀ V, one
layer at a time — for the Hutchinson estimator; J is never formed. Its draws
are not the dense path's (which draws W with ``rng.standard_normal``).

Examples
--------
>>> import numpy as np
>>> s = ResidualSampler(depth=2, activation="linear", weights="gaussian", sigma_w2=1.0, alpha=0.5)
>>> s.sample(np.random.default_rng(0), 8).shape
(8, 8)
>>> r = RecurrentSampler(steps=3, activation="relu", sigma_w2=2.0)
>>> r.jacobian(np.random.default_rng(0), 8).shape
(8, 8)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

import sympy

from tpsym.errors import InputError
from tpsym.nets.activations import LeakyReLU
from tpsym.nets.resnet import ResNetLaw
from tpsym.nets.rnn import RNNLaw
from tpsym.utils import expr_str
from tpsym.numeric.network import DenseLayer, GaussianLayer, resolve_activation
from tpsym.numeric.ensembles import haar_orthogonal

__all__ = ["ResidualSampler", "RecurrentSampler", "ArchitectureOperator"]


def _weights(rng: np.random.Generator, n: int, kind: str, sigma2: float) -> np.ndarray:
    if kind == "gaussian":
        return rng.standard_normal((n, n)) * np.sqrt(sigma2 / n)
    if kind == "orthogonal":
        return haar_orthogonal(rng, n) * np.sqrt(sigma2)
    raise InputError(f"weights={kind!r} is not one of gaussian, orthogonal")


def _check(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError(f"n={n!r} is not a positive int")
    return int(n)


def _layer(rng: np.random.Generator, n: int, kind: str, sigma2: float, keep: bool) -> Any:
    """A weight matrix for matrix-free products: Gaussian as a seed (held with ``keep``), orthogonal dense."""
    if kind == "gaussian":
        layer = GaussianLayer(entropy=int(rng.integers(2**63)), n=n, scale=float(np.sqrt(sigma2 / n)))
        return layer.keep() if keep else layer
    return DenseLayer(_weights(rng, n, kind, sigma2))


@dataclass(frozen=True, slots=True, eq=False)
class ArchitectureOperator:
    """J of one drawn network as products (the :class:`~tpsym.numeric.estimate.GramOperator` of J Jᵀ).

    ``steps`` lists the layers from the input: ``(W, d, alpha)`` is the
    residual block V ↦ V + α d ⊙ (W V) when ``alpha`` is a number, the
    recurrent step V ↦ d ⊙ (W V) when it is None.
    """

    n: int
    steps: tuple

    def matvec(self, v: np.ndarray) -> np.ndarray:
        """J V."""
        v = np.asarray(v, dtype=np.float64)
        for w, d, alpha in self.steps:
            wv = _rows(d, w.matmul(v))
            v = wv if alpha is None else v + alpha * wv
        return v

    def rmatvec(self, v: np.ndarray) -> np.ndarray:
        """Jᵀ V."""
        v = np.asarray(v, dtype=np.float64)
        for w, d, alpha in reversed(self.steps):
            wv = w.rmatmul(_rows(d, v))
            v = wv if alpha is None else v + alpha * wv
        return v

    def __call__(self, v: np.ndarray) -> np.ndarray:
        """J Jᵀ V."""
        return self.matvec(self.rmatvec(v))


def _rows(d: np.ndarray, v: np.ndarray) -> np.ndarray:
    return d * v if v.ndim == 1 else d[:, None] * v


def _matrix_free_bytes(n: int, probes: int, order: int, stored: int, kept: int) -> float:
    """Probe blocks (the Hutchinson iterates), one weight row block, the D's, and the held matrices."""
    from tpsym.numeric.network import _CHUNK_ELEMENTS

    vectors = 8.0 * n * probes * (order // 2 + 3)
    return vectors + 8.0 * min(n * n, _CHUNK_ELEMENTS) + 8.0 * n * n * (stored + kept)


class _DenseJacobianTarget:
    """What the numeric layer asks of a target whose ``jacobian(rng, n)`` forms J densely."""

    __slots__ = ()
    expected: Any

    def jacobian(self, rng: np.random.Generator, n: int) -> np.ndarray:  # pragma: no cover - each sampler has one
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """The dense J Jᵀ."""
        j = self.jacobian(rng, n)
        return j @ j.T

    def operator(self, rng: np.random.Generator, n: int) -> Any:
        """``V ↦ J Jᵀ V`` for one drawn network."""
        a = self.sample(rng, n)
        return lambda v: a @ v

    def dense_bytes(self, n: int) -> float:
        """Memory of one trial: W, J, W J, J Jᵀ and eigvalsh's workspace."""
        return 8.0 * n * n * 6

    def matrix_free_bytes(self, n: int) -> float:
        """The same as dense (the Jacobian is formed)."""
        return self.dense_bytes(n)

    def expected_moments(self, order: int) -> tuple[float, ...] | None:
        """The derived moments if they were given."""
        if self.expected is None or len(self.expected) < order:
            return None
        return tuple(self.expected[:order])


def _numeric_activation(act: Any) -> Any:
    """The activation as the numeric layer names it (leaky ReLU with its slope)."""
    if isinstance(act, LeakyReLU):
        if not sympy.S(act.slope).is_number:
            raise InputError(f"slope={expr_str(act.slope)} is symbolic; give a number to sample the network")
        return act
    return act.name


@dataclass(frozen=True, slots=True)
class ResidualSampler(_DenseJacobianTarget):
    """A residual network of ``depth`` blocks (see the module); samples J Jᵀ densely."""

    depth: int
    activation: str = "linear"
    weights: str = "gaussian"
    sigma_w2: float = 1.0
    sigma_b2: float = 0.0
    alpha: float = 1.0
    expected: tuple[float, ...] | None = None
    label: str = "residual network"
    control_mean: None = None

    def __post_init__(self) -> None:
        if isinstance(self.depth, bool) or not isinstance(self.depth, int) or self.depth < 1:
            raise InputError(f"depth={self.depth!r} is not a positive int")
        if self.weights not in ("gaussian", "orthogonal"):
            raise InputError(f"weights={self.weights!r} is not one of gaussian, orthogonal")

    @classmethod
    def of(cls, law: ResNetLaw) -> ResidualSampler:
        """The sampler of the real residual network whose Jacobian law is ``law`` (:func:`tpsym.nets.resnet_law`).

        >>> from tpsym.nets import resnet_law
        >>> s = ResidualSampler.of(resnet_law("relu", sigma_w2=2, depth=3, alpha=0.5))
        >>> s.depth, s.activation, s.sigma_w2, s.alpha
        (3, 'relu', 2.0, 0.5)
        """
        for name, v in (("sigma_w2", law.sigma_w2), ("sigma_b2", law.sigma_b2), ("alpha", law.alpha), ("depth", sympy.S(law.depth))):
            if not v.is_number:
                raise InputError(f"{name}={expr_str(v)} is symbolic; give numbers to sample the network")
        return cls(
            depth=int(law.depth), activation=_numeric_activation(law.activation), weights=law.weights,
            sigma_w2=float(law.sigma_w2), sigma_b2=float(law.sigma_b2), alpha=float(law.alpha),
            label=str(law),
        )

    @property
    def description(self) -> str:
        """What is sampled."""
        return self.label

    def jacobian(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """J = ∂x^L/∂x^0 of one forward pass at width ``n``."""
        n = _check(n)
        act = resolve_activation(self.activation)
        x = rng.standard_normal(n)
        j = np.eye(n)
        for _ in range(self.depth):
            w = _weights(rng, n, self.weights, self.sigma_w2)
            b = rng.standard_normal(n) * np.sqrt(self.sigma_b2)
            h = w @ x + b
            d = np.asarray(act.dphi(h), dtype=np.float64)
            x = x + self.alpha * np.asarray(act.phi(h), dtype=np.float64)
            j = j + self.alpha * (d[:, None] * (w @ j))  # (I + α D W) J
        return j

    def operator(self, rng: np.random.Generator, n: int, *, keep: bool = False) -> ArchitectureOperator:
        """J of one forward pass as products (matrix-free; see the module)."""
        n = _check(n)
        act = resolve_activation(self.activation)
        x = rng.standard_normal(n)
        steps = []
        for _ in range(self.depth):
            w = _layer(rng, n, self.weights, self.sigma_w2, keep)
            b = rng.standard_normal(n) * np.sqrt(self.sigma_b2)
            h = w.matmul(x) + b
            steps.append((w, np.asarray(act.dphi(h), dtype=np.float64), float(self.alpha)))
            x = x + self.alpha * np.asarray(act.phi(h), dtype=np.float64)
        return ArchitectureOperator(n, tuple(steps))

    def matrix_free_bytes(self, n: int, probes: int = 64, order: int = 8, *, kept: bool = False) -> float:
        """Memory of one matrix-free trial: orthogonal layers are held, Gaussian ones too with ``kept``."""
        stored = self.depth if self.weights == "orthogonal" else 0
        return _matrix_free_bytes(n, probes, order, stored, self.depth - stored if kept else 0)



@dataclass(frozen=True, slots=True)
class RecurrentSampler(_DenseJacobianTarget):
    """A recurrent network run for ``steps`` steps (see the module); samples J Jᵀ densely."""

    steps: int
    activation: str = "linear"
    sigma_w2: float = 1.0
    sigma_u2: float = 0.0
    sigma_b2: float = 0.0
    tied: bool = True
    expected: tuple[float, ...] | None = None
    label: str = "recurrent network"
    control_mean: None = None

    def __post_init__(self) -> None:
        if isinstance(self.steps, bool) or not isinstance(self.steps, int) or self.steps < 1:
            raise InputError(f"steps={self.steps!r} is not a positive int")

    @classmethod
    def of(cls, law: RNNLaw, *, tied: bool = True) -> RecurrentSampler:
        """The sampler of the real recurrent network whose Jacobian law is ``law`` (:func:`tpsym.nets.rnn_law`).

        ``tied=False`` draws fresh weights at every step: the network that the
        law describes under the untied-weights assumption.

        >>> from tpsym.nets import rnn_law
        >>> s = RecurrentSampler.of(rnn_law("relu", sigma_w2=2, steps=4), tied=False)
        >>> s.steps, s.sigma_w2, s.tied
        (4, 2.0, False)
        """
        for name, v in (("sigma_w2", law.sigma_w2), ("sigma_u2", law.sigma_u2), ("sigma_b2", law.sigma_b2), ("steps", sympy.S(law.steps))):
            if not v.is_number:
                raise InputError(f"{name}={expr_str(v)} is symbolic; give numbers to sample the network")
        return cls(
            steps=int(law.steps), activation=_numeric_activation(law.activation), sigma_w2=float(law.sigma_w2),
            sigma_u2=float(law.sigma_u2), sigma_b2=float(law.sigma_b2), tied=tied, label=str(law),
        )

    @property
    def description(self) -> str:
        """What is sampled."""
        return self.label

    def jacobian(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """J = ∂x^T/∂x^0 of one run at width ``n``."""
        n = _check(n)
        act = resolve_activation(self.activation)
        w = _weights(rng, n, "gaussian", self.sigma_w2)
        u = _weights(rng, n, "gaussian", self.sigma_u2) if self.sigma_u2 > 0 else None
        b = rng.standard_normal(n) * np.sqrt(self.sigma_b2)
        x = rng.standard_normal(n)
        j = np.eye(n)
        for step in range(self.steps):
            if step and not self.tied:
                w = _weights(rng, n, "gaussian", self.sigma_w2)
            h = w @ x + b
            if u is not None:
                h = h + u @ rng.standard_normal(n)
            d = np.asarray(act.dphi(h), dtype=np.float64)
            x = np.asarray(act.phi(h), dtype=np.float64)
            j = d[:, None] * (w @ j)
        return j

    def operator(self, rng: np.random.Generator, n: int, *, keep: bool = False) -> ArchitectureOperator:
        """J of one run as products (matrix-free; one W object shared by every step when tied)."""
        n = _check(n)
        act = resolve_activation(self.activation)
        w = _layer(rng, n, "gaussian", self.sigma_w2, keep)
        u = _layer(rng, n, "gaussian", self.sigma_u2, keep) if self.sigma_u2 > 0 else None
        b = rng.standard_normal(n) * np.sqrt(self.sigma_b2)
        x = rng.standard_normal(n)
        steps = []
        for step in range(self.steps):
            if step and not self.tied:
                w = _layer(rng, n, "gaussian", self.sigma_w2, keep)
            h = w.matmul(x) + b
            if u is not None:
                h = h + u.matmul(rng.standard_normal(n))
            steps.append((w, np.asarray(act.dphi(h), dtype=np.float64), None))
            x = np.asarray(act.phi(h), dtype=np.float64)
        return ArchitectureOperator(n, tuple(steps))

    def matrix_free_bytes(self, n: int, probes: int = 64, order: int = 8, *, kept: bool = False) -> float:
        """Memory of one matrix-free trial (with ``kept``: W, U and, untied, every step's W held)."""
        held = (1 if self.tied else self.steps) + (1 if self.sigma_u2 > 0 else 0)
        return _matrix_free_bytes(n, probes, order, 0, held if kept else 0)

