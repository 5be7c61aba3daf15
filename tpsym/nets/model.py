"""The multilayer perceptron as a frozen value.

An :class:`MLP` has a depth L (a positive int or a positive symbol), an
activation, a weight ensemble (Gaussian i.i.d. or Haar orthogonal), the
variances σ_w² and σ_b², and optional per-layer overrides (:class:`Layer`
records whose ``None`` fields inherit the network's). Its layers are
h^l = W^l x^(l-1) + b^l, x^l = φ_l(h^l), l = 1..L, and the input starts at the
fixed point: x^0 = φ_1(h^0), h^0 ~ N(0, q^0) (see ``docs/design.md``).

The value is canonical: overrides that make every layer alike collapse to a
uniform network, so equal networks compare equal.

>>> net = MLP(3, "relu", sigma_w2=2)
>>> net.is_uniform, net.layer(2)
(True, Layer(activation=ReLU(), weights='gaussian', sigma_w2=2, sigma_b2=0))
>>> MLP(2, "tanh", layers=(Layer(), Layer())) == MLP(2, "tanh")
True
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar, cast, get_args

import sympy

from tpsym.errors import InputError
from tpsym.nets.activations import Activation, get_activation
from tpsym.nets.meanfield import (
    DEFAULT_PRECISION,
    MeanField,
    Quantity,
    _nonneg,
    length_map,
    mean_field,
)

__all__ = ["Weights", "Layer", "MLP"]

#: The weight ensembles: i.i.d. Gaussian N(0, σ_w²/N), or σ_w·O with O Haar orthogonal.
Weights = Literal["gaussian", "orthogonal"]
_WEIGHTS: tuple[str, ...] = get_args(Weights)


def _check_weights(weights: Any, name: str = "weights") -> Weights:
    if weights not in _WEIGHTS:
        raise InputError(f"{name}={weights!r} is not one of {', '.join(_WEIGHTS)}")
    return cast(Weights, weights)


_T = TypeVar("_T")


def _resolved(value: _T | None, name: str) -> _T:
    """A field of a layer from :meth:`MLP.layer`, which fills every field from the network."""
    if value is None:
        raise InputError(f"the layer's {name} is not set: take the layer from MLP.layer, which resolves it")
    return value


def _check_depth(depth: Any) -> int | sympy.Expr:
    if isinstance(depth, bool):
        raise InputError(f"depth={depth!r} is not a positive integer or symbol")
    if isinstance(depth, sympy.Integer):
        depth = int(depth)
    if isinstance(depth, int):
        if depth < 1:
            raise InputError(f"depth={depth} is not a positive integer")
        return depth
    if isinstance(depth, sympy.Expr):
        if not depth.free_symbols:
            raise InputError(f"depth={depth} is not a positive integer")
        if depth.is_positive is False or depth.is_integer is False:
            raise InputError(f"depth={depth} is not a positive integer symbol (its assumptions say otherwise)")
        return depth
    raise InputError(f"depth={depth!r} is not a positive integer or a sympy symbol")


def _check_widths(widths: Any, depth: int | sympy.Expr, net: Any) -> tuple[sympy.Expr, ...]:
    """The widths divided by the first, or () for a square network."""
    from tpsym.laws.base import as_param

    if isinstance(widths, (str, bytes)) or not isinstance(widths, (tuple, list)):
        raise InputError(f"widths={widths!r} is not a tuple (N_0, N_1, ..., N_L)")
    if not widths:
        return ()
    if not isinstance(depth, int):
        raise InputError(f"depth={depth} must be an int when widths are given")
    if len(widths) != depth + 1:
        raise InputError(f"widths has {len(widths)} entries; depth={depth} needs {depth + 1} (N_0, ..., N_L)")
    ws = [as_param(w, "width") for w in widths]
    for i, w in enumerate(ws):
        if (w.is_number and not w.is_positive) or w.is_positive is False:
            raise InputError(f"widths[{i}]={w} is not positive")
    if all(sympy.simplify(w - ws[0]) == 0 for w in ws):
        return ()
    layers = net.layers or (Layer(net.activation, net.weights, net.sigma_w2, net.sigma_b2),)
    if any(lay.weights != "gaussian" for lay in layers):
        raise InputError(
            "widths are built for Gaussian weights only (a rectangular Haar layer has another "
            "length map and another law of WᵀW)"
        )
    return tuple(sympy.cancel(w / ws[0]) for w in ws)


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer's settings; ``None`` fields inherit the network's.

    Examples
    --------
    >>> Layer(activation="erf", sigma_w2=2)
    Layer(activation=Erf(), weights=None, sigma_w2=2, sigma_b2=None)
    >>> Layer(sigma_b2=-1)
    Traceback (most recent call last):
    ...
    tpsym.errors.DomainError: sigma_b2=-1 is negative; a variance must be ≥ 0
    """

    activation: Activation | None = None
    weights: Weights | None = None
    sigma_w2: sympy.Expr | None = None
    sigma_b2: sympy.Expr | None = None

    def __post_init__(self) -> None:
        if self.activation is not None:
            object.__setattr__(self, "activation", get_activation(self.activation))
        if self.weights is not None:
            _check_weights(self.weights)
        if self.sigma_w2 is not None:
            object.__setattr__(self, "sigma_w2", _nonneg(self.sigma_w2, "sigma_w2"))
        if self.sigma_b2 is not None:
            object.__setattr__(self, "sigma_b2", _nonneg(self.sigma_b2, "sigma_b2"))

    def resolve(self, default: Layer) -> Layer:
        """This layer with its ``None`` fields taken from ``default``.

        Examples
        --------
        >>> Layer(sigma_w2=3).resolve(Layer("relu", "gaussian", 2, 0))
        Layer(activation=ReLU(), weights='gaussian', sigma_w2=3, sigma_b2=0)
        """
        return Layer(
            activation=self.activation if self.activation is not None else default.activation,
            weights=self.weights if self.weights is not None else default.weights,
            sigma_w2=self.sigma_w2 if self.sigma_w2 is not None else default.sigma_w2,
            sigma_b2=self.sigma_b2 if self.sigma_b2 is not None else default.sigma_b2,
        )


@dataclass(frozen=True, slots=True)
class MLP:
    """A fully connected network at initialisation.

    Parameters
    ----------
    depth : int or sympy.Expr
        L ≥ 1, the number of (D, W) pairs of the Jacobian; a symbol (with
        assumptions that do not contradict a positive integer) for symbolic
        depth.
    activation : str or Activation
    weights : {"gaussian", "orthogonal"}
    sigma_w2, sigma_b2 : number or sympy expression
        Variances, ≥ 0.
    layers : tuple of Layer
        Per-layer overrides (``None`` fields inherit); when given, ``depth``
        must be an int equal to their number.
    widths : tuple, optional
        The relative widths ``(N_0, N_1, ..., N_L)`` of the input and of
        each layer's output (numbers or symbols; only their ratios
        ``λ_l = N_l/N_(l-1)`` matter, and they are stored divided by ``N_0``).
        Layer l's weights are ``N_l × N_(l-1)`` with entries of variance
        ``σ_w²/N_(l-1)``; ``depth`` must be an int. Equal widths are the
        square network. Gaussian weights only.

    Raises
    ------
    InputError
        Bad depth, weights or layers (the message names the field).
    DomainError
        A negative variance.

    Examples
    --------
    >>> L = sympy.Symbol("L", positive=True, integer=True)
    >>> MLP(L, "tanh", weights="orthogonal").depth
    L
    >>> MLP(0, "relu")
    Traceback (most recent call last):
    ...
    tpsym.errors.InputError: depth=0 is not a positive integer
    >>> MLP(3, "relu", layers=(Layer(), Layer(sigma_w2=3)))
    Traceback (most recent call last):
    ...
    tpsym.errors.InputError: depth=3 must equal the number of layer overrides, 2
    >>> MLP(2, "relu", widths=(100, 200, 50)).widths
    (1, 2, 1/2)
    >>> MLP(2, "relu", widths=(3, 3, 3)).widths   # square: the canonical form is ()
    ()
    """

    depth: int | sympy.Expr
    activation: Activation
    weights: Weights = "gaussian"
    sigma_w2: sympy.Expr = sympy.Integer(1)
    sigma_b2: sympy.Expr = sympy.Integer(0)
    layers: tuple[Layer, ...] = ()
    widths: tuple[sympy.Expr, ...] = ()

    def __post_init__(self) -> None:
        depth = _check_depth(self.depth)
        act = get_activation(self.activation)
        weights = _check_weights(self.weights)
        sw, sb = _nonneg(self.sigma_w2, "sigma_w2"), _nonneg(self.sigma_b2, "sigma_b2")
        if isinstance(self.layers, Layer) or not isinstance(self.layers, (tuple, list)):
            raise InputError(f"layers={self.layers!r} is not a tuple of Layer")
        layers = tuple(self.layers)
        for i, layer in enumerate(layers, 1):
            if not isinstance(layer, Layer):
                raise InputError(f"layers[{i}]={layer!r} is not a Layer")
        if layers:
            if not isinstance(depth, int):
                raise InputError(f"depth={depth} must be an int when layer overrides are given")
            if depth != len(layers):
                raise InputError(f"depth={depth} must equal the number of layer overrides, {len(layers)}")
            default = Layer(act, weights, sw, sb)
            resolved = tuple(layer.resolve(default) for layer in layers)
            if all(r == resolved[0] for r in resolved):  # uniform after all: canonical form
                first = resolved[0]
                act, weights = _resolved(first.activation, "activation"), _resolved(first.weights, "weights")
                sw, sb = first.sigma_w2, first.sigma_b2
                layers = ()
            else:
                layers = resolved
        object.__setattr__(self, "depth", depth)
        object.__setattr__(self, "activation", act)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "sigma_w2", sw)
        object.__setattr__(self, "sigma_b2", sb)
        object.__setattr__(self, "layers", layers)
        object.__setattr__(self, "widths", _check_widths(self.widths, depth, self))

    @property
    def is_uniform(self) -> bool:
        """Whether every layer has the same activation, weights and variances.

        Examples
        --------
        >>> MLP(2, "relu", layers=(Layer(), Layer(sigma_b2=1))).is_uniform
        False
        """
        return not self.layers and not self.widths

    def ratio(self, index: int) -> sympy.Expr:
        """λ_l = N_l / N_(l-1), the width ratio of layer ``index`` (1 for a square network).

        >>> MLP(2, "relu", widths=(1, 2, 1)).ratio(2)
        1/2
        """
        self.layer(index)  # checks the index
        if not self.widths:
            return sympy.Integer(1)
        return sympy.cancel(self.widths[index] / self.widths[index - 1])

    def layer(self, index: int) -> Layer:
        """The settings of layer ``index`` (1-based), every field resolved.

        Examples
        --------
        >>> net = MLP(2, "relu", layers=(Layer(), Layer(activation="tanh")))
        >>> net.layer(2).activation
        Tanh()
        """
        if isinstance(index, bool) or not isinstance(index, int) or index < 1:
            raise InputError(f"layer index={index!r} is not a positive int")
        if isinstance(self.depth, int) and index > self.depth:
            raise InputError(f"layer index={index} exceeds depth={self.depth}")
        if self.layers:
            return self.layers[index - 1]
        return Layer(self.activation, self.weights, self.sigma_w2, self.sigma_b2)

    def mean_field(
        self, *, q: Any = None, moments: int = 2, precision: int = DEFAULT_PRECISION
    ) -> MeanField:
        """q*, χ and μ_1..μ_moments shared by every layer of a uniform network.

        ``q`` replaces the fixed point.

        Examples
        --------
        >>> MLP(sympy.Symbol("L"), "relu", sigma_w2=2).mean_field().chi.value
        1
        """
        if not self.is_uniform:
            raise InputError("the layers of this network differ; use mean_fields() for per-layer values")
        return mean_field(
            self.activation,
            sigma_w2=self.sigma_w2,
            sigma_b2=self.sigma_b2,
            q=q,
            moments=moments,
            precision=precision,
        )

    def mean_fields(
        self, *, q0: Any = None, moments: int = 2, precision: int = DEFAULT_PRECISION
    ) -> tuple[MeanField, ...]:
        """Per layer l = 1..L: q^l, χ_l = σ_w,l² μ_1^(l) and μ_k^(l).

        q^l = σ_w,l² E[φ_(l-1)(h^(l-1))²] + σ_b,l² with h^(l-1) ~ N(0, q^(l-1)),
        φ_0 = φ_1, and q^0 the fixed point of layer 1 or the given ``q0``.
        A uniform network without ``q0`` shares its fixed point: every record
        is the same. Numerical errors are propagated from layer to layer.

        Examples
        --------
        >>> net = MLP(3, "relu", sigma_w2=2, sigma_b2=1, layers=(
        ...     Layer(sigma_w2=1), Layer(), Layer(activation="linear")))
        >>> [mf.q.value for mf in net.mean_fields()]
        [2, 3, 4]
        >>> [mf.chi.value for mf in net.mean_fields(q0=4)]
        [1/2, 1, 2]
        """
        if not isinstance(self.depth, int):
            raise InputError(f"depth={self.depth} is symbolic; per-layer values need an int depth")
        if self.is_uniform and q0 is None:
            return (self.mean_field(moments=moments, precision=precision),) * self.depth
        first = self.layer(1)
        q_prev: Any = q0
        out = []
        prev_act = _resolved(first.activation, "activation")
        for index in range(1, self.depth + 1):
            lay = self.layer(index)
            act = _resolved(lay.activation, "activation")
            if index == 1 and q0 is None:
                record = mean_field(
                    act, sigma_w2=lay.sigma_w2, sigma_b2=lay.sigma_b2,
                    moments=moments, precision=precision,
                )
            else:
                q_l: Quantity = length_map(
                    prev_act, q_prev, sigma_w2=lay.sigma_w2, sigma_b2=lay.sigma_b2, precision=precision
                )
                record = mean_field(
                    act, sigma_w2=lay.sigma_w2, sigma_b2=lay.sigma_b2,
                    q=q_l, moments=moments, precision=precision,
                )
            out.append(record)
            q_prev, prev_act = record.q, act
        return tuple(out)

    def with_depth(self, depth: int | sympy.Expr) -> MLP:
        """The same uniform network with another depth.

        Examples
        --------
        >>> MLP(2, "relu").with_depth(5).depth
        5
        """
        if not self.is_uniform:
            raise InputError("with_depth() needs a uniform network (no layer overrides)")
        return replace(self, depth=depth)
