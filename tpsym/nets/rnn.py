"""The law of J Jᵀ of a weight-tied recurrent network.

h^t = W x^(t−1) + U u^t + b, x^t = φ(h^t), t = 1..T, with ONE W for every
step (``shared/DESIGN.md``), so J = ∂x^T/∂x^0 = D_T W D_(T−1) W ··· D_1 W.

**Linear steps** (φ = identity): J = W^T. For Gaussian W (entries
N(0, σ_w²/N)) the squared singular values of W^T follow σ_w^(2T) times the
Fuss–Catalan law of order T — the same law as a product of T *independent*
Ginibre matrices (Alexeev, Götze & Tikhomirov, Lith. Math. J. 50 (2010) 121,
arXiv 1008.2447). In free probability: the circular element c is
R-diagonal, and the powers of an R-diagonal element satisfy
law((c^T)* c^T) = law(c*c)^{⊠ T} (Haagerup & Larsen, J. Funct. Anal. 176
(2000), Prop. 3.10 / Nica–Speicher Lecture 15), so

    law(J Jᵀ) = (σ_w² · MP(1))^{⊠ T},

with moments σ_w^(2Tk) binomial((T+1)k, k)/(Tk + 1) for every k and a
symbolic T (an all-order identity of :class:`~tpsym.laws.BoxPower`). The
input drive U u^t and the bias b do not enter the linear Jacobian.

**ReLU and leaky ReLU steps.** D_t = diag φ'(h^t) depends on the same W,
and the pre-activations of one neuron are jointly Gaussian across time with
the covariance of the recursion (``K(t, s) = σ_w² E[φ(h^(t−1)) φ(h^(s−1))]
+ σ_u² δ_ts + σ_b²``, x^0 standard), so the D_t are correlated across time.
By Yang's Free Independence Principle (Tensor Programs III, arXiv
2009.10685, which holds for any architecture, weight sharing included) the
one W is a circular element free from the commutative algebra of
D_1, ..., D_T. In a *-word of J = D_T c ··· D_1 c and Jᵀ, read c as a step
down and cᵀ as a step up: the gap between the c's of step t and t+1 lies at
height t. A pair (c, cᵀ) of a non-crossing pairing encloses a balanced
sub-word, so both its letters sit at the same height, that is the same
step: every pairing the tied word admits is one the untied word
D_T W_T ··· D_1 W_1 admits, with the same weight, and every Kreweras block
holds the D's of one height only. Hence

    law(J Jᵀ) = (σ_w² MP(1) ⊠ law(D_1²))^{⊠ T},

the law of the untied network (the MLP ``jacobian(..., depth=T)``): only
the marginal law of each D_t enters, never their correlation across time,
and for ReLU that marginal (P(h > 0) = 1/2) depends on neither σ_u², σ_b²
nor the length. :mod:`tests.nets.test_rnn` checks this against the FIP
engine run on the tied word with the full cross-time orthant law, and the
claims against sampled real networks. Other activations (erf, tanh: D_t's
marginal follows the length q_t of the recursion) are refused;
:class:`tpsym.numeric.architectures.RecurrentSampler` samples them.

Examples
--------
>>> T = sympy.Symbol("T", positive=True, integer=True)
>>> rnn_law("linear", sigma_w2=1, steps=3).moments(3)  # Fuss–Catalan of order 3, OEIS A002293
(1, 4, 22)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy

from sympy import Expr

from tpsym.errors import InputError
from tpsym.laws.base import spec_constructor
from tpsym.laws.catalogue import mp
from tpsym.laws.operations import BoxPower, scale
from tpsym.nets.activations import LeakyReLU, Linear, ReLU
from tpsym.nets.jacobian import _activation, _positive_sigma_w2
from tpsym.nets.meanfield import _nonneg
from tpsym.nets.model import _check_depth
from tpsym.utils import expr_str

__all__ = ["RNNLaw", "rnn_law", "rnn_kernel"]


def _steps(value: Any) -> int | sympy.Expr:
    if isinstance(value, bool):
        raise InputError(f"steps={value!r} is not a positive integer")
    if isinstance(value, sympy.Integer):
        value = int(value)
    if isinstance(value, sympy.Expr) and value.is_number:
        raise InputError(f"steps={expr_str(value)} is not a positive integer")
    if isinstance(value, int) and value < 1:
        raise InputError(f"steps={value} is not a positive integer")
    try:
        return _check_depth(value)
    except InputError as exc:
        raise InputError(str(exc).replace("depth", "steps")) from None


@dataclass(frozen=True, slots=True)
class RNNLaw(BoxPower):
    """The law of J Jᵀ of a weight-tied recurrent network over ``steps`` steps.

    Build it with :func:`rnn_law`; its spec is ``rnn(...)``.

    Examples
    --------
    >>> str(rnn_law("linear", sigma_w2=2, steps=2))
    'rnn(activation=linear, sigma_w2=2, sigma_u2=0, sigma_b2=0, steps=2)'
    """

    activation: Any = None
    sigma_w2: sympy.Expr = sympy.Integer(1)
    sigma_u2: sympy.Expr = sympy.Integer(0)
    sigma_b2: sympy.Expr = sympy.Integer(0)
    steps: Any = 1

    @property
    def parameters(self) -> frozenset[sympy.Symbol]:
        """The free symbols of the law's parameters (the drive and bias do not enter the law, but are the network's)."""
        extra = frozenset().union(*(sympy.S(v).free_symbols for v in (self.sigma_u2, self.sigma_b2)))
        return frozenset(BoxPower.parameters.fget(self)) | extra  # type: ignore[attr-defined]

    def equivalent(self) -> BoxPower:
        """The plain ⊠-power this law equals."""
        return BoxPower(self.base, self.exponent)

    def _spec(self) -> str:
        slope = f", slope={expr_str(self.activation.slope)}" if isinstance(self.activation, LeakyReLU) else ""
        return (
            f"rnn(activation={self.activation.name}, sigma_w2={expr_str(self.sigma_w2)}, "
            f"sigma_u2={expr_str(self.sigma_u2)}, sigma_b2={expr_str(self.sigma_b2)}, "
            f"steps={expr_str(self.steps)}{slope})"
        )

    def _latex(self, printer: Any) -> str:
        return rf"\mathcal{{J}}^{{\mathrm{{rnn}}}}_{{\mathrm{{{self.activation.name}}}}}\left({printer._print(self.exponent)}\right)"


def rnn_kernel(
    activation: str = "relu",
    sigma_w2: Expr = 1,
    sigma_u2: Expr = 0,
    sigma_b2: Expr = 0,
    steps: int = 1,
    *,
    tied: bool = True,
    slope: Expr | None = None,
) -> sympy.Matrix:
    """The covariance K(t, s) of one neuron's pre-activations h^t, h^s across the steps, t, s = 1..T.

    The NNGP kernel across time of h^t = W x^(t−1) + U u^t + b with x^0 and
    the u^t standard Gaussian: K(t, t) = σ_w² E[φ(h^(t−1))²] + σ_u² + σ_b²,
    and for t ≠ s, K(t, s) = σ_w² E[φ(h^(t−1)) φ(h^(s−1))] + σ_b² with one W
    (``tied``; E[φ(h^(t−1)) x^0] = 0, x^0 being independent of every h), or
    σ_b² alone with a fresh W per step. φ(h^0) means x^0 (Tensor Programs
    I, arXiv 1910.12478: the Z^(W x) of one W are jointly Gaussian with the
    covariance of the x's). Exact for the activations
    :func:`tpsym.nets.kernels.pair_expectation` knows in closed form.

    >>> rnn_kernel("relu", sigma_w2=2, steps=3).tolist()  # h^1 = W x^0 is independent of the later h's
    [[2, 0, 0], [0, 2, 2/pi], [0, 2/pi, 2]]
    """
    from tpsym.nets.kernels import pair_expectation

    act = _activation(activation, slope)
    sw = _positive_sigma_w2(sigma_w2)
    su = _nonneg(sigma_u2, "sigma_u2")
    sb = _nonneg(sigma_b2, "sigma_b2")
    t = _steps(steps)
    if not isinstance(t, int):
        raise InputError(f"steps={t} must be an int for the kernel matrix")
    K = sympy.zeros(t, t)
    for a in range(t):
        for b in range(a + 1):
            if a == b:
                prev = sympy.Integer(1) if a == 0 else pair_expectation(act, K[a - 1, a - 1], K[a - 1, a - 1], K[a - 1, a - 1])
                v = sw * prev + su + sb
            elif tied and b >= 1:
                v = sw * pair_expectation(act, K[a - 1, a - 1], K[b - 1, b - 1], K[a - 1, b - 1]) + sb
            else:
                v = sb
            K[a, b] = K[b, a] = sympy.simplify(v)
    return K


@spec_constructor("rnn")
def rnn_law(
    activation: str = "linear",
    sigma_w2: Expr = 1,  # annotations are read as text by tpsym.spec
    sigma_u2: Expr = 0,
    sigma_b2: Expr = 0,
    steps: int | Expr = 1,
    slope: Expr | None = None,
) -> RNNLaw:
    """The law of J Jᵀ, J = D_T W ··· D_1 W with one W, of a recurrent network.

    This is the ``rnn(...)`` law of the spec language:
    ``rnn(activation=linear, sigma_w2=1, sigma_u2=0, sigma_b2=0, steps=T)``.

    Parameters
    ----------
    activation : str
        ``linear``, ``relu`` or ``leaky_relu`` (derived for every T, symbolic
        too: the ⊠-power of one untied step, see the module); other
        activations are refused.
    sigma_w2, sigma_u2, sigma_b2 : number or sympy expression
        σ_w² > 0; σ_u², σ_b² ≥ 0 (the input drive and the bias).
    steps : int or sympy symbol
        T ≥ 1.
    slope : number or sympy expression, optional
        Leaky ReLU's negative-side slope.

    Raises
    ------
    InputError
        ``steps`` not a positive integer (or symbol); an activation whose law is not derived.
    DomainError
        σ_w² ≤ 0 or a negative variance.

    Examples
    --------
    >>> T = sympy.Symbol("T", positive=True, integer=True)
    >>> rnn_law("linear", sigma_w2=1, steps=T).moments(2)
    (1, T + 1)
    >>> rnn_law("relu", sigma_w2=2, sigma_u2=1, steps=3).moments(3)  # the untied ReLU network's moments
    (1, 7, 67)
    >>> rnn_law(steps=0)
    Traceback (most recent call last):
    ...
    tpsym.errors.InputError: steps=0 is not a positive integer
    """
    act = _activation(activation, slope)
    sw = _positive_sigma_w2(sigma_w2)
    su = _nonneg(sigma_u2, "sigma_u2")
    sb = _nonneg(sigma_b2, "sigma_b2")
    t = _steps(steps)
    exponent = sympy.Integer(t) if isinstance(t, int) else t
    if isinstance(act, Linear):
        return RNNLaw(scale(mp(ratio=1), sw), exponent, act, sw, su, sb, t)
    if not isinstance(act, (ReLU, LeakyReLU)):
        raise InputError(
            f"rnn(activation={act.name}): the law of J Jᵀ is derived for linear, relu and leaky_relu steps "
            "(whose D_t have a marginal law free of the length q_t of the recursion); "
            "sample it with tpsym.numeric.architectures.RecurrentSampler"
        )
    from tpsym.nets.jacobian import jacobian_law  # one untied step: σ_w² MP(1) ⊠ law(D²)

    step = jacobian_law(act, "gaussian", sigma_w2=sw, sigma_b2=0, depth=1, q=1)
    return RNNLaw(step, exponent, act, sw, su, sb, t)
