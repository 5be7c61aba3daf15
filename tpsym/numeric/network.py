"""Real network Jacobians: a forward pass and the Jacobian from its derivatives.

For an MLP of depth L and width n (``docs/design.md``: ``h^l = W^l x^{l-1} + b^l``,
``x^l = φ(h^l)``), started at the fixed point (``h^0 ~ N(0, q*)`` i.i.d.,
``x^0 = φ(h^0)``), the input–output Jacobian is

    J = D_L W_L ··· D_1 W_1,   D_l = diag(φ'(h^l)),

with the *actual* derivatives of the forward pass: ``D_l`` depends on
``W_l`` (through ``h^l``). That dependence is what the Free Independence
Principle says vanishes in the limit (Pennington, Schoenholz & Ganguli,
arXiv 1711.04735, Sec. 2; Yang, Tensor Programs III, arXiv 2009.10685), so
it is what a cross-check must contain: nothing here draws ``D`` independently.

Weights are Gaussian, ``W_ij ~ N(0, σ_w²/n)``, or orthogonal, ``W = σ_w·O``
with ``O`` Haar; biases ``b_i ~ N(0, σ_b²)``.

:func:`jacobian_gram` returns the dense ``J Jᵀ``; :func:`jacobian_operator`
returns a :class:`JacobianOperator` for matrix-free estimators
(``V ↦ Jᵀ V`` and ``V ↦ J V`` on blocks, ``O(L·n²)`` per product and no
``n × n`` product of matrices).

>>> import numpy as np
>>> g = jacobian_gram(np.random.default_rng(0), 64, depth=2, activation="linear", sigma_w2=1.0)
>>> g.shape, bool(np.allclose(g, g.T))
((64, 64), True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Literal

import numpy as np

from tpsym.errors import InputError
from tpsym.numeric.ensembles import haar_orthogonal

__all__ = [
    "ActivationFns",
    "resolve_activation",
    "GaussianLayer",
    "DenseLayer",
    "Forward",
    "LayerSpec",
    "forward_layers",
    "forward_pass",
    "NetworkSampler",
    "JacobianOperator",
    "jacobian",
    "jacobian_gram",
    "jacobian_operator",
]

WeightKind = Literal["gaussian", "orthogonal"]


@dataclass(frozen=True, slots=True)
class ActivationFns:
    """A pair of numpy-vectorised callables ``φ`` and ``φ'`` (picklable if they are)."""

    phi: Callable[[np.ndarray], np.ndarray]
    dphi: Callable[[np.ndarray], np.ndarray]
    name: str = "activation"


def resolve_activation(activation: Any) -> ActivationFns:
    """An activation as numpy callables.

    Accepts a name known to :func:`tpsym.nets.activations.get_activation`
    (``"relu"``, ``"tanh"``, ...), an activation object of :mod:`tpsym.nets`
    (anything with ``phi_numpy`` and ``dphi_numpy``), a pair ``(φ, φ')`` or
    an :class:`ActivationFns`.

    Examples
    --------
    >>> import numpy as np
    >>> act = resolve_activation("relu")
    >>> act.phi(np.array([-1.0, 2.0])), act.dphi(np.array([-1.0, 2.0]))
    (array([0., 2.]), array([0., 1.]))
    """
    if isinstance(activation, ActivationFns):
        return activation
    if isinstance(activation, str):
        from tpsym.nets.activations import get_activation

        activation = get_activation(activation)
    if hasattr(activation, "phi_numpy") and hasattr(activation, "dphi_numpy"):
        return ActivationFns(
            activation.phi_numpy, activation.dphi_numpy, getattr(activation, "name", "activation")
        )
    if isinstance(activation, tuple) and len(activation) == 2 and all(map(callable, activation)):
        return ActivationFns(activation[0], activation[1])
    raise InputError(
        f"activation={activation!r} is not a name, an activation or a pair (phi, dphi)"
    )


#: Rows of a Gaussian weight matrix generated at once (about 32 MiB of float64).
_CHUNK_ELEMENTS = 1 << 22


@dataclass(frozen=True, slots=True)
class GaussianLayer:
    """A Gaussian weight matrix ``W = scale·G`` stored as the seed of ``G``.

    ``G`` (standard Gaussian, ``n × n``) is regenerated row block by row block
    from ``SeedSequence(entropy)`` whenever it is used, so a product with
    ``W`` needs memory for one block only, and :meth:`dense` gives the same
    matrix entry for entry.

    Examples
    --------
    >>> import numpy as np
    >>> layer = GaussianLayer(entropy=1, n=4, scale=0.5)
    >>> v = np.ones((4, 1))
    >>> bool(np.allclose(layer.matmul(v), layer.dense() @ v))
    True
    """

    entropy: int
    n: int
    scale: float
    n_in: int | None = None  # columns (None: square)
    #: the matrix, when :meth:`keep` has generated it once (products then read it block by block)
    stored: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def cols(self) -> int:
        """The number of columns (the input width)."""
        return self.n if self.n_in is None else self.n_in

    def _blocks(self, into: np.ndarray | None = None) -> Iterator[tuple[int, int, np.ndarray]]:
        """The row blocks of ``W`` in order: read from the stored matrix, or drawn (into ``into``'s rows when given)."""
        cols = self.cols
        step = max(1, _CHUNK_ELEMENTS // cols)
        if self.stored is not None:  # the same row blocks, read instead of drawn: identical products
            for start in range(0, self.n, step):
                stop = min(self.n, start + step)
                yield start, stop, self.stored[start:stop]
            return
        rng = np.random.default_rng(np.random.SeedSequence(self.entropy))
        for start in range(0, self.n, step):
            stop = min(self.n, start + step)
            # the same draws either way: a C-contiguous block of rows is filled in the same order
            block = rng.standard_normal((stop - start, cols)) if into is None else rng.standard_normal(out=into[start:stop])
            block *= self.scale
            yield start, stop, block

    def dense(self) -> np.ndarray:
        """The matrix ``W`` (``n × cols``), drawn in place (no copy of the blocks)."""
        if self.stored is not None:
            return self.stored
        out = np.empty((self.n, self.cols))
        for _ in self._blocks(into=out):
            pass
        return out

    def keep(self) -> GaussianLayer:
        """The same layer with its matrix generated once and held (``8·n·cols`` bytes).

        Products multiply the same row blocks in the same order as when the
        weights are regenerated, so every result is identical, bit for bit:

        >>> import numpy as np
        >>> layer, v = GaussianLayer(entropy=2, n=5, scale=0.3), np.arange(5.0)
        >>> bool(np.array_equal(layer.keep().matmul(v), layer.matmul(v)))
        True
        """
        return self if self.stored is not None else replace(self, stored=self.dense())

    def matmul(self, v: np.ndarray) -> np.ndarray:
        """``W v`` (``v`` a vector or a block of columns)."""
        out = np.empty((self.n,) + v.shape[1:])
        for start, stop, block in self._blocks():
            out[start:stop] = block @ v
        return out

    def rmatmul(self, v: np.ndarray) -> np.ndarray:
        """``Wᵀ v``."""
        out = np.zeros((self.cols,) + v.shape[1:])
        for start, stop, block in self._blocks():
            out += block.T @ v[start:stop]
        return out


@dataclass(frozen=True, slots=True, eq=False)
class DenseLayer:
    """A weight matrix held in memory (orthogonal weights: a QR needs all of it).

    Examples
    --------
    >>> import numpy as np
    >>> DenseLayer(np.eye(2)).matmul(np.ones(2))
    array([1., 1.])
    """

    w: np.ndarray

    @property
    def n(self) -> int:
        """The size."""
        return self.w.shape[0]

    def dense(self) -> np.ndarray:
        """The matrix ``W``."""
        return self.w

    def matmul(self, v: np.ndarray) -> np.ndarray:
        """``W v``."""
        return self.w @ v

    def rmatmul(self, v: np.ndarray) -> np.ndarray:
        """``Wᵀ v``."""
        return self.w.T @ v


@dataclass(frozen=True, slots=True, eq=False)
class Forward:
    """The weight layers and the derivative vectors ``φ'(h^l)`` of one forward pass."""

    layers: tuple[GaussianLayer | DenseLayer, ...]
    derivatives: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...] = ()
    specs: tuple[LayerSpec, ...] = ()
    x0: np.ndarray | None = None

    @property
    def n(self) -> int:
        """The output width: the size of ``J Jᵀ``."""
        return self.layers[-1].n

    def output(self, x0: np.ndarray) -> np.ndarray:
        """``x^L`` for the input ``x^0`` with these weights and biases (the map J differentiates).

        Examples
        --------
        >>> import numpy as np
        >>> f = forward_pass(np.random.default_rng(0), 6, depth=2, activation="tanh", sigma_w2=1.0)
        >>> x = f.x0 + 1e-6 * np.eye(6)[0]
        >>> fd = (f.output(x) - f.output(f.x0)) / 1e-6
        >>> bool(np.allclose(fd, jacobian(f)[:, 0], atol=1e-4))
        True
        """
        x = np.asarray(x0, dtype=np.float64)
        for layer, b, spec in zip(self.layers, self.biases, self.specs, strict=True):
            x = spec.activation.phi(layer.matmul(x) + b)
        return x

    @property
    def weights(self) -> tuple[np.ndarray, ...]:
        """The dense weight matrices (materialised on demand)."""
        return tuple(layer.dense() for layer in self.layers)

    def kept(self) -> Forward:
        """The same pass with every Gaussian layer held in memory (:meth:`GaussianLayer.keep`).

        A matrix-free product then reads stored matrices instead of drawing
        ``n²`` normals again for every product; the results are identical.
        """
        layers = tuple(layer.keep() if isinstance(layer, GaussianLayer) else layer for layer in self.layers)
        return replace(self, layers=layers)


@dataclass(frozen=True, slots=True)
class LayerSpec:
    """The numeric settings of one layer: activation, weight law and variances.

    Examples
    --------
    >>> LayerSpec("relu", 2.0).activation.name
    'relu'
    """

    activation: ActivationFns
    sigma_w2: float
    sigma_b2: float = 0.0
    weights: WeightKind = "gaussian"

    def __post_init__(self) -> None:
        object.__setattr__(self, "activation", resolve_activation(self.activation))
        for name in ("sigma_w2", "sigma_b2"):
            v = float(getattr(self, name))
            if not (np.isfinite(v) and v >= 0):
                raise InputError(f"{name}={v!r} must be a non-negative number")
            object.__setattr__(self, name, v)
        if self.weights not in ("gaussian", "orthogonal"):
            raise InputError(f"weights={self.weights!r} must be 'gaussian' or 'orthogonal'")


def _mean_field_control(depth: int, activation: str, spec: LayerSpec, q0: float) -> float | None:
    """``Σ_l μ_1^(l)`` from :mod:`tpsym.nets` for a uniform network started at ``q0``; None if unknown."""
    from tpsym.errors import TpsymError

    try:
        from tpsym.nets import MLP
        from tpsym.nets.activations import get_activation

        mlp = MLP(depth, get_activation(activation), sigma_w2=spec.sigma_w2, sigma_b2=spec.sigma_b2, weights=spec.weights)
        return sum(float(mf.mu[0]) for mf in mlp.mean_fields(q0=q0, moments=1))
    except (TpsymError, ImportError, TypeError):
        return None


# A variance of 0 is sampled as this one: the law at q = 0 is the limit q -> 0+
# (for ReLU, D² = Bernoulli(1/2) at every q > 0), and h = 0 exactly would put
# ReLU's derivative at its kink; φ'(h) of smooth activations differs from
# φ'(0) by O(h²) = O(1e-24) here.
_LIMIT_FROM_ABOVE = 1e-24


def _check_n(n: int, name: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError(f"{name}={n!r} must be a positive int")
    return int(n)


def _input_for_variance(rng: np.random.Generator, n: int, spec: LayerSpec, q: float) -> np.ndarray:
    """A random input whose layer-1 pre-activations have variance ``q``."""
    if not (np.isfinite(q) and spec.sigma_b2 <= q):
        raise InputError(f"first_q={q} must be a number at least sigma_b2={spec.sigma_b2}: "
                         "no input gives pre-activations of a smaller variance")
    if spec.sigma_w2 == 0:
        if q != spec.sigma_b2:
            raise InputError(f"with sigma_w2=0 the pre-activation variance is sigma_b2={spec.sigma_b2}, not {q}")
        return np.zeros(n)
    g = rng.standard_normal(n)
    norm = float(np.linalg.norm(g)) or 1.0
    return g * (np.sqrt((q - spec.sigma_b2) / spec.sigma_w2 * n) / norm)


def forward_layers(
    rng: np.random.Generator,
    n: int,
    layers: tuple[LayerSpec, ...],
    *,
    q_star: float = 1.0,
    first_q: float | None = None,
    sizes: tuple[int, ...] | None = None,
    keep: bool = False,
) -> Forward:
    """One forward pass through layers with their own settings (see :func:`forward_pass`).

    The input is ``x^0 = φ_1(h^0)``, ``h^0 ~ N(0, q*)``. With ``first_q`` it
    is instead a Gaussian vector rescaled to ``|x^0|²/n = (first_q − σ_b,1²)/σ_w,1²``
    exactly, so that the pre-activations ``h^1`` of layer 1 have variance
    ``first_q`` whatever the activation. ``sizes = (N_0, ..., N_L)`` makes
    the layers rectangular (Gaussian weights ``N_l × N_(l-1)`` of variance
    ``σ_w²/N_(l-1)``); ``n`` is then ignored. With ``keep`` the Gaussian
    weights are generated once and held (:meth:`GaussianLayer.keep`): the
    same pass, for products that would otherwise draw them again.

    Examples
    --------
    >>> import numpy as np
    >>> f = forward_layers(np.random.default_rng(0), 8, (LayerSpec("relu", 2.0), LayerSpec("tanh", 1.0)))
    >>> len(f.derivatives)
    2
    """
    if not layers:
        raise InputError("a network needs at least one layer")
    if sizes is None:
        n = _check_n(n)
        sizes = (n,) * (len(layers) + 1)
    else:
        sizes = tuple(_check_n(m, "a size") for m in sizes)
        if len(sizes) != len(layers) + 1:
            raise InputError(f"sizes has {len(sizes)} entries; {len(layers)} layers need {len(layers) + 1}")
    if not (np.isfinite(q_star) and q_star >= 0):
        raise InputError(f"{q_star=} must be a non-negative number")
    if first_q is None:
        x = layers[0].activation.phi(np.sqrt(q_star) * rng.standard_normal(sizes[0]))
    else:
        x = _input_for_variance(rng, sizes[0], layers[0], first_q)
    x0 = x
    out_layers: list[GaussianLayer | DenseLayer] = []
    ds: list[np.ndarray] = []
    bs: list[np.ndarray] = []
    for spec, n_in, n in zip(layers, sizes[:-1], sizes[1:]):
        sw = float(np.sqrt(spec.sigma_w2))
        layer: GaussianLayer | DenseLayer
        if spec.weights == "gaussian":
            layer = GaussianLayer(int(rng.integers(0, 2**63)), n, sw / np.sqrt(n_in), None if n == n_in else n_in)
            if keep:
                layer = layer.keep()
        else:
            if n != n_in:
                raise InputError(f"an orthogonal layer must be square, got {n} × {n_in}")
            o = haar_orthogonal(rng, n)
            o *= sw
            layer = DenseLayer(o)
        b = np.sqrt(spec.sigma_b2) * rng.standard_normal(n) if spec.sigma_b2 else np.zeros(n)
        h = layer.matmul(x) + b
        ds.append(np.asarray(spec.activation.dphi(h), dtype=np.float64))
        x = spec.activation.phi(h)
        out_layers.append(layer)
        bs.append(b)
    return Forward(tuple(out_layers), tuple(ds), tuple(bs), tuple(layers), x0)


def forward_pass(
    rng: np.random.Generator,
    n: int,
    *,
    depth: int,
    activation: Any,
    sigma_w2: float,
    sigma_b2: float = 0.0,
    q_star: float = 1.0,
    weights: WeightKind = "gaussian",
) -> Forward:
    """One forward pass of a width-n MLP at a random input at the fixed point.

    ``h^0 ~ N(0, q*)``, ``x^0 = φ(h^0)``; for l = 1..L draw ``W_l`` and
    ``b_l``, set ``h^l = W_l x^{l-1} + b_l``, keep ``d_l = φ'(h^l)`` and
    ``x^l = φ(h^l)``. Gaussian weights are kept as seeds
    (:class:`GaussianLayer`), orthogonal ones as matrices.

    Examples
    --------
    >>> import numpy as np
    >>> f = forward_pass(np.random.default_rng(0), 100, depth=3, activation="relu", sigma_w2=2.0)
    >>> len(f.layers), sorted(set(np.concatenate(f.derivatives).tolist()))
    (3, [0.0, 1.0])
    """
    depth = _check_n(depth, "depth")
    spec = LayerSpec(activation, sigma_w2, sigma_b2, weights)
    return forward_layers(rng, n, (spec,) * depth, q_star=q_star)


def jacobian(forward: Forward) -> np.ndarray:
    """The dense Jacobian ``J = D_L W_L ··· D_1 W_1`` of a forward pass.

    Builds one weight matrix at a time: memory for three ``n × n`` arrays.

    Examples
    --------
    >>> import numpy as np
    >>> f = forward_pass(np.random.default_rng(1), 5, depth=1, activation="linear", sigma_w2=1.0)
    >>> bool(np.allclose(jacobian(f), f.weights[0]))
    True
    """
    j = forward.layers[0].dense()
    j = forward.derivatives[0][:, None] * j
    for layer, d in zip(forward.layers[1:], forward.derivatives[1:], strict=True):
        j = layer.dense() @ j
        j *= d[:, None]
    return j


def jacobian_gram(
    rng: np.random.Generator,
    n: int,
    *,
    depth: int,
    activation: Any,
    sigma_w2: float,
    sigma_b2: float = 0.0,
    q_star: float = 1.0,
    weights: WeightKind = "gaussian",
) -> np.ndarray:
    """The dense ``J Jᵀ`` of a real network at a random input (see :func:`forward_pass`).

    Examples
    --------
    >>> import numpy as np
    >>> g = jacobian_gram(np.random.default_rng(2), 300, depth=1, activation="linear", sigma_w2=1.0)
    >>> round(float(np.trace(g)) / 300, 1)  # m_1 = σ_w² (μ_1 = 1 for linear)
    1.0
    """
    j = jacobian(
        forward_pass(
            rng, n, depth=depth, activation=activation, sigma_w2=sigma_w2,
            sigma_b2=sigma_b2, q_star=q_star, weights=weights,
        )
    )
    return j @ j.T


@dataclass(frozen=True, slots=True, eq=False)
class JacobianOperator:
    """``J`` of a forward pass as products on blocks of vectors (a Gram operator of ``JJᵀ``).

    ``matvec(V) = J V`` and ``rmatvec(V) = Jᵀ V`` for ``V`` of shape ``(n, p)``;
    calling the operator gives ``J Jᵀ V``. With Gaussian weights no ``n × n``
    matrix is kept: each product regenerates the weights block by block.

    Examples
    --------
    >>> import numpy as np
    >>> f = forward_pass(np.random.default_rng(3), 20, depth=2, activation="tanh", sigma_w2=1.5)
    >>> op, v = JacobianOperator(f), np.random.default_rng(4).standard_normal((20, 3))
    >>> bool(np.allclose(op(v), jacobian(f) @ jacobian(f).T @ v))
    True
    """

    forward: Forward
    #: the Gram operator of the input side, ``Jᵀ J`` (``gram=input`` laws)
    input_side: bool = False

    @property
    def n(self) -> int:
        """The size of ``J Jᵀ`` (of ``Jᵀ J`` on the input side)."""
        if self.input_side:
            first = self.forward.layers[0]
            return int(first.cols if hasattr(first, "cols") else first.dense().shape[1])
        return self.forward.n

    def matvec(self, v: np.ndarray) -> np.ndarray:
        """``F V`` for the Gram ``F Fᵀ``: ``J V`` (``Jᵀ V`` on the input side)."""
        return self._jt(v) if self.input_side else self._j(v)

    def rmatvec(self, v: np.ndarray) -> np.ndarray:
        """``Fᵀ V``: ``Jᵀ V`` (``J V`` on the input side)."""
        return self._j(v) if self.input_side else self._jt(v)

    def _j(self, v: np.ndarray) -> np.ndarray:
        """``J V = D_L W_L ··· D_1 W_1 V``."""
        out = np.asarray(v, dtype=np.float64)
        for layer, d in zip(self.forward.layers, self.forward.derivatives, strict=True):
            out = layer.matmul(out)
            out *= d[:, None] if out.ndim == 2 else d
        return out

    def _jt(self, v: np.ndarray) -> np.ndarray:
        """``Jᵀ V = W_1ᵀ D_1 ··· W_Lᵀ D_L V``."""
        out = np.asarray(v, dtype=np.float64)
        pairs = zip(reversed(self.forward.layers), reversed(self.forward.derivatives), strict=True)
        for layer, d in pairs:
            out = (d[:, None] if out.ndim == 2 else d) * out
            out = layer.rmatmul(out)
        return out

    def __call__(self, v: np.ndarray) -> np.ndarray:
        return self.matvec(self.rmatvec(v))

    def kept(self) -> JacobianOperator:
        """The operator with its Gaussian weights held in memory (:meth:`Forward.kept`)."""
        return JacobianOperator(self.forward.kept(), self.input_side)


def jacobian_operator(
    rng: np.random.Generator,
    n: int,
    *,
    depth: int,
    activation: Any,
    sigma_w2: float,
    sigma_b2: float = 0.0,
    q_star: float = 1.0,
    weights: WeightKind = "gaussian",
) -> JacobianOperator:
    """A matrix-free ``J Jᵀ`` of a real network (same law as :func:`jacobian_gram`).

    Examples
    --------
    >>> import numpy as np
    >>> op = jacobian_operator(np.random.default_rng(5), 50, depth=3, activation="relu", sigma_w2=2.0)
    >>> op(np.ones((50, 1))).shape
    (50, 1)
    """
    return JacobianOperator(
        forward_pass(
            rng, n, depth=depth, activation=activation, sigma_w2=sigma_w2,
            sigma_b2=sigma_b2, q_star=q_star, weights=weights,
        )
    )


@dataclass(frozen=True, slots=True)
class NetworkSampler:
    """A network whose ``J Jᵀ`` is sampled: the target of a cross-check.

    Parameters
    ----------
    layers : tuple of LayerSpec
        Layer 1 first.
    q_star : float
        The variance of the input pre-activations ``h^0`` (the fixed point).
    expected : tuple of float, optional
        The derived moments ``m_1, m_2, ...`` of the limit law of ``J Jᵀ``
        (from :mod:`tpsym.nets` when the network came from there).
    label : str
        What is sampled, for reports.
    control_mean : float, optional
        The mean-field value of the control variate ``Σ_l mean(φ'(h^l)²)``,
        that is ``Σ_l μ_1^(l)`` (:meth:`control`); ``None`` when the
        activations are not known to :mod:`tpsym.nets` (no control variate).
    first_q : float, optional
        When given, the input is rescaled so that layer 1's pre-activations
        have this variance (``q_star`` is then not used); see
        :func:`forward_layers`.

    Examples
    --------
    >>> import numpy as np
    >>> s = NetworkSampler.uniform(4, "relu", sigma_w2=2.0)
    >>> s.sample(np.random.default_rng(0), 32).shape
    (32, 32)
    """

    layers: tuple[LayerSpec, ...]
    q_star: float = 1.0
    expected: tuple[float, ...] | None = None
    label: str = "network"
    control_mean: float | None = None
    first_q: float | None = None
    widths: tuple[Fraction, ...] | None = None  # N_l / N_L, l = 0..L (None: square)
    gram: str = "output"  # "input": sample Jᵀ J (on the N_0 inputs) instead of J Jᵀ

    def sizes(self, n: int) -> tuple[int, ...] | None:
        """The widths ``(N_0, ..., N_L)`` at output width ``N_L = n`` (None: all ``n``).

        >>> from fractions import Fraction as F
        >>> NetworkSampler((LayerSpec("relu", 2.0),) * 2, widths=(F(2), F(4), F(1))).sizes(64)
        (128, 256, 64)
        """
        if self.widths is None:
            return None
        out = []
        for i, r in enumerate(self.widths):
            m = r * n
            if m.denominator != 1:
                step = math.lcm(*(w.denominator for w in self.widths))
                raise InputError(
                    f"at N={n} the widths {self._shape()} would make N_{i} = {m}, not an integer: "
                    f"use sizes that are multiples of {step}"
                )
            out.append(int(m))
        return tuple(out)

    def _shape(self) -> str:
        return "(" + ", ".join(str(w) for w in self.widths or ()) + ")"

    def check_size(self, n: int) -> None:
        """Raise :class:`~tpsym.errors.InputError` when the widths are not integers at output width ``n``."""
        self.sizes(n)

    @classmethod
    def uniform(
        cls,
        depth: int,
        activation: Any,
        *,
        sigma_w2: float,
        sigma_b2: float = 0.0,
        q_star: float = 1.0,
        weights: WeightKind = "gaussian",
        expected: tuple[float, ...] | None = None,
    ) -> NetworkSampler:
        """L equal layers.

        Examples
        --------
        >>> NetworkSampler.uniform(2, "tanh", sigma_w2=1.0).description
        'mlp(depth=2, tanh, sigma_w2=1.0, sigma_b2=0.0, gaussian)'
        """
        depth = _check_n(depth, "depth")
        spec = LayerSpec(activation, sigma_w2, sigma_b2, weights)
        label = f"mlp(depth={depth}, {spec.activation.name}, sigma_w2={spec.sigma_w2}, sigma_b2={spec.sigma_b2}, {weights})"
        control = None
        if isinstance(activation, str):
            control = _mean_field_control(depth, activation, spec, float(q_star))
        return cls((spec,) * depth, float(q_star), expected, label, control)

    @classmethod
    def from_mlp(
        cls,
        mlp: Any,
        *,
        q: Any = None,
        expected: tuple[float, ...] | None = None,
        precision: int | None = None,
    ) -> NetworkSampler:
        """The sampler of a :class:`tpsym.nets.MLP` (numeric depth and variances).

        The network is sampled at the pre-activation variances its law
        assumes. ``q`` means what it means in
        :meth:`tpsym.nets.JacobianLaw.of`: for a network whose layers differ,
        the variance q^0 of the input pre-activations (default: the fixed
        point of layer 1); for a uniform network, the variance of every
        layer (default: the fixed point q*). A real network keeps every layer
        at q only at depth 1 (its input is rescaled to give layer 1 that
        variance) or when q is a fixed point of the length map; otherwise its
        pre-activations move away from q and there is no sampler. A network
        whose layers are all linear, ReLU or leaky ReLU without bias has a
        law that does not depend on any q; it is sampled at input variance 1.

        Examples
        --------
        >>> from tpsym.nets import MLP
        >>> s = NetworkSampler.from_mlp(MLP(3, "relu", sigma_w2=2))
        >>> len(s.layers), s.q_star
        (3, 1.0)
        >>> NetworkSampler.from_mlp(MLP(1, "tanh", sigma_w2=2), q=0.5).first_q
        0.5
        >>> NetworkSampler.from_mlp(MLP(2, "tanh", sigma_w2=2), q=0.5)
        Traceback (most recent call last):
        ...
        tpsym.errors.NoSamplerError: q=0.5 is not a fixed point of the length map (it maps q to 0.5473526159): ...
        """
        from tpsym.errors import NoSamplerError, TpsymError
        from tpsym.nets import length_map
        from tpsym.nets.activations import LeakyReLU, Linear, ReLU
        from tpsym.nets.meanfield import DEFAULT_PRECISION

        precision = DEFAULT_PRECISION if precision is None else precision
        if not isinstance(mlp.depth, int):
            raise NoSamplerError(f"depth {mlp.depth} is symbolic: give it a value")
        specs = []
        for i in range(1, mlp.depth + 1):
            lay = mlp.layer(i)
            for name in ("sigma_w2", "sigma_b2"):
                expr = getattr(lay, name)
                if getattr(expr, "free_symbols", None):
                    sym = sorted(expr.free_symbols, key=str)[0]
                    raise NoSamplerError(f"parameter {sym} is symbolic: give it a value")
            specs.append(LayerSpec(lay.activation, float(lay.sigma_w2), float(lay.sigma_b2), lay.weights))
        shape = None
        if getattr(mlp, "widths", ()):
            ws = list(mlp.widths)
            if any(getattr(w, "free_symbols", None) for w in ws):
                raise NoSamplerError(f"the widths {tuple(ws)} are symbolic: give them values")
            if not all(getattr(w, "is_Rational", False) for w in ws):
                raise NoSamplerError(f"the widths {tuple(ws)} must be rational numbers to be sampled")
            shape = tuple(Fraction(int(w.p * ws[-1].q), int(w.q * ws[-1].p)) for w in ws)

        def make(
            layers: tuple[LayerSpec, ...], q_star: float, expected: tuple[float, ...] | None, label: str,
            control_mean: float | None, first_q: float | None = None,
        ) -> NetworkSampler:
            return cls(layers, q_star, expected, label, control_mean, first_q=first_q, widths=shape)
        if q is not None:
            if getattr(q, "free_symbols", None):
                raise NoSamplerError(f"q={q} is symbolic: give it a value")
            try:
                q = float(q)
            except (TypeError, ValueError):
                raise InputError(f"q={q!r} is not a real number") from None
            if not (np.isfinite(q) and q >= 0):
                raise InputError(f"q={q} must be a non-negative number")

        def numeric(value: Any, what: str) -> float:
            if getattr(value, "is_symbolic", False):
                raise NoSamplerError(f"{what} is symbolic: give the parameters values")
            return float(value)

        def control_of(records: Any) -> float | None:
            try:
                return sum(float(mf.mu[0]) for mf in records())
            except (TpsymError, TypeError):
                return None

        scale_free = all(
            isinstance(mlp.layer(i).activation, (Linear, ReLU, LeakyReLU)) and spec.sigma_b2 == 0
            for i, spec in enumerate(specs, 1)
        )
        if scale_free:  # D_l² and so the law do not depend on the variances
            control = control_of(lambda: mlp.mean_fields(q0=1, moments=1, precision=precision))
            return make(tuple(specs), 1.0, expected, str(mlp), control)
        if not mlp.is_uniform or q is None:
            q0 = q if q is not None else numeric(
                mlp.mean_fields(moments=1, precision=precision)[0].q, "the fixed point q*"
            )
            control = control_of(lambda: mlp.mean_fields(q0=q, moments=1, precision=precision))
            return make(tuple(specs), max(q0, _LIMIT_FROM_ABOVE), expected, str(mlp), control)
        # a uniform network with every layer at the given q
        control = control_of(lambda: (mlp.mean_field(q=q, moments=1, precision=precision),) * mlp.depth)
        first = specs[0]
        if mlp.depth == 1:
            if q < first.sigma_b2:
                raise NoSamplerError(
                    f"q={q} is below sigma_b2={first.sigma_b2}: no input gives pre-activations "
                    "of a smaller variance than the bias"
                )
            return make(tuple(specs), 1.0, expected, str(mlp), control, first_q=q)
        image = length_map(mlp.activation, q, sigma_w2=mlp.sigma_w2, sigma_b2=mlp.sigma_b2, precision=precision)
        q_next = numeric(image, "the length map at q")
        tol = 1e-9 * max(1.0, q) + float(getattr(image, "error_bound", 0) or 0)
        if abs(q_next - q) > tol:
            raise NoSamplerError(
                f"q={q:.10g} is not a fixed point of the length map (it maps q to {q_next:.10g}): the "
                f"pre-activations of a real network move away from q, so no network of depth "
                f"{mlp.depth} keeps every layer at q (depth 1 does; or leave q out for the fixed point)"
            )
        return make(tuple(specs), max(q, _LIMIT_FROM_ABOVE), expected, str(mlp), control)

    @property
    def description(self) -> str:
        """What is sampled."""
        return self.label

    def forward(self, rng: np.random.Generator, n: int, *, keep: bool = False) -> Forward:
        """One forward pass at width ``n`` (``keep``: Gaussian weights held, see :func:`forward_layers`)."""
        return forward_layers(
            rng, n, self.layers, q_star=self.q_star, first_q=self.first_q, sizes=self.sizes(n), keep=keep
        )

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """The dense ``J Jᵀ`` (``Jᵀ J`` when ``gram == "input"``)."""
        # the dense product needs every matrix anyway: generate each once (the forward
        # pass and the product read the same held blocks, so the values are identical)
        j = jacobian(self.forward(rng, n, keep=True))
        return j.T @ j if self.gram == "input" else j @ j.T

    def operator(self, rng: np.random.Generator, n: int, *, keep: bool = False) -> JacobianOperator:
        """The matrix-free ``J Jᵀ`` (``Jᵀ J`` when ``gram == "input"``; ``keep``: Gaussian weights held, same values)."""
        return JacobianOperator(self.forward(rng, n, keep=keep), self.gram == "input")

    @staticmethod
    def control(forward: Forward) -> float:
        """The control variate of a forward pass: ``Σ_l mean(φ'(h^l)²)``.

        Its expectation is ``Σ_l μ_1^(l)`` up to O(1/N) (exactly, for ReLU
        and leaky ReLU); its O(1/√N) fluctuation drives most of the spread
        of the moments of ``J Jᵀ`` between trials.

        Examples
        --------
        >>> import numpy as np
        >>> s = NetworkSampler.uniform(3, "relu", sigma_w2=2.0)
        >>> c = s.control(s.forward(np.random.default_rng(0), 400))
        >>> bool(abs(c - s.control_mean) < 0.2), s.control_mean
        (True, 1.5)
        """
        return float(sum(np.mean(np.square(d)) for d in forward.derivatives))

    def sample_controlled(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, float]:
        """The dense ``J Jᵀ`` and the control of its forward pass (same draws as :meth:`sample`).

        >>> import numpy as np
        >>> s = NetworkSampler.uniform(2, "relu", sigma_w2=2.0)
        >>> a, c = s.sample_controlled(np.random.default_rng(1), 40)
        >>> bool(np.array_equal(a, s.sample(np.random.default_rng(1), 40))), 0 < c < 2
        (True, True)
        """
        f = self.forward(rng, n, keep=True)
        j = jacobian(f)
        return (j.T @ j if self.gram == "input" else j @ j.T), self.control(f)

    def operator_controlled(self, rng: np.random.Generator, n: int, *, keep: bool = False) -> tuple[JacobianOperator, float]:
        """The matrix-free ``J Jᵀ`` and the control of its forward pass (same draws as :meth:`operator`).

        >>> import numpy as np
        >>> s = NetworkSampler.uniform(2, "relu", sigma_w2=2.0)
        >>> op, c = s.operator_controlled(np.random.default_rng(1), 40)
        >>> op.n, c == s.sample_controlled(np.random.default_rng(1), 40)[1]
        (40, True)
        """
        f = self.forward(rng, n, keep=keep)
        return JacobianOperator(f, self.gram == "input"), self.control(f)

    def _widest(self, n: int) -> float:
        return float(n * max(self.widths)) if self.widths else float(n)

    def dense_bytes(self, n: int) -> float:
        """Memory of one dense trial: W, J, the product, J Jᵀ and eigvalsh's workspace."""
        m = self._widest(n)
        return 8.0 * m * m * 5

    def matrix_free_bytes(self, n: int, probes: int = 64, order: int = 8, *, kept: bool = False) -> float:
        """Memory of one matrix-free trial (orthogonal weights are stored, Gaussian regenerated).

        Orthogonal layers keep their n × n matrices, plus the QR workspace of
        the one being drawn; Gaussian layers need one row block at a time
        (measured: 0.23 GB peak for a depth-3 ReLU network at n = 8000), or,
        with ``kept``, all their entries (:meth:`JacobianOperator.kept`).

        >>> s = NetworkSampler.uniform(3, "relu", sigma_w2=2.0)
        >>> s.matrix_free_bytes(8000) < 2**28, s.matrix_free_bytes(8000, kept=True) > 3 * 8 * 8000**2
        (True, True)
        """
        stored = sum(1 for s in self.layers if s.weights == "orthogonal")
        matrices = stored + 2 if stored else 0
        m = self._widest(n)
        gaussian = 0.0
        if kept:
            sizes = self.sizes(n) or (n,) * (len(self.layers) + 1)
            gaussian = sum(
                float(sizes[i + 1]) * float(sizes[i]) for i, s in enumerate(self.layers) if s.weights == "gaussian"
            )
        return 8.0 * (n * n * matrices + gaussian + 4 * m * probes + _CHUNK_ELEMENTS)

    def expected_moments(self, order: int) -> tuple[float, ...] | None:
        """The derived moments if they were given, else ``None``."""
        if self.expected is None or len(self.expected) < order:
            return None
        return tuple(self.expected[:order])
