"""Network models: activations, mean field, the moments μ_k of D², the MLP.

The mean-field layer of tpsym: the length map and its fixed point q*, the
slope χ and criticality, and μ_k = E[φ'(h)^(2k)] (exact where a closed form
exists, certified quadrature otherwise). It does not import the numeric or
proof layers. The law of J Jᵀ (:func:`jacobian_law`) and the claim functions
of proof files (:func:`network_claim_functions`) build on them.

>>> from tpsym.nets import mean_field
>>> mean_field("relu", sigma_w2=2, sigma_b2=0).critical
True
"""

from __future__ import annotations

from tpsym.nets.activations import (
    ACTIVATION_NAMES,
    Activation,
    Erf,
    Formula,
    HardTanh,
    LeakyReLU,
    Linear,
    ReLU,
    Tanh,
    get_activation,
)
from tpsym.nets.meanfield import (
    DEFAULT_PRECISION,
    MeanField,
    Quantity,
    chi,
    fixed_point,
    length_map,
    mean_field,
    mu,
    mus,
)
from tpsym.nets.model import MLP, Layer, Weights
from tpsym.nets.jacobian import (
    DerivativeLaw,
    GateLaw,
    JacobianLaw,
    d2_law,
    gram_law,
    jacobian_factors,
    jacobian_law,
    jacobian_mixed_moment,
)
from tpsym.nets.claims import network_claim_functions
from tpsym.nets.resnet import ResNetLaw, residual_block_moments, resnet_law
from tpsym.nets.resnet_limit import ResNetLimit, resnet_limit
from tpsym.nets.rnn import RNNLaw, rnn_kernel, rnn_law

__all__ = [
    "ResNetLaw",
    "resnet_law",
    "residual_block_moments",
    "RNNLaw",
    "rnn_kernel",
    "resnet_limit",
    "ResNetLimit",
    "rnn_law",
    "ACTIVATION_NAMES",
    "Activation",
    "Erf",
    "Formula",
    "HardTanh",
    "LeakyReLU",
    "Linear",
    "ReLU",
    "Tanh",
    "get_activation",
    "DEFAULT_PRECISION",
    "MeanField",
    "Quantity",
    "chi",
    "fixed_point",
    "length_map",
    "mean_field",
    "mu",
    "mus",
    "MLP",
    "Layer",
    "Weights",
    "DerivativeLaw",
    "GateLaw",
    "JacobianLaw",
    "d2_law",
    "gram_law",
    "jacobian_factors",
    "jacobian_law",
    "jacobian_mixed_moment",
    "network_claim_functions",
]
