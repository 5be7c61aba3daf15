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

**Nonlinear steps** are not derived: D_t depends on the same W, and
the D_t of one neuron are correlated across time; :func:`rnn_law` refuses
them, and :class:`tpsym.numeric.architectures.RecurrentSampler` samples the
real network (tied, or untied to show where the two differ).

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
from tpsym.laws.catalogue import mp
from tpsym.laws.operations import BoxPower, scale
from tpsym.nets.activations import Linear
from tpsym.nets.jacobian import _activation, _positive_sigma_w2
from tpsym.nets.meanfield import _nonneg
from tpsym.nets.model import _check_depth

__all__ = ["RNNLaw", "rnn_law"]


def _steps(value: Any) -> int | sympy.Expr:
    if isinstance(value, bool):
        raise InputError(f"steps={value!r} is not a positive integer")
    if isinstance(value, sympy.Integer):
        value = int(value)
    if isinstance(value, sympy.Expr) and value.is_number:
        raise InputError(f"steps={sympy.sstr(value)} is not a positive integer")
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

    def equivalent(self) -> BoxPower:
        """The plain ⊠-power this law equals."""
        return BoxPower(self.base, self.exponent)

    def network_sampler(self, *, tied: bool = True) -> Any:
        """A sampler of the real recurrent network (:class:`tpsym.numeric.architectures.RecurrentSampler`)."""
        from tpsym.numeric.architectures import RecurrentSampler  # the numeric layer, imported where used

        for name, v in (("sigma_w2", self.sigma_w2), ("sigma_u2", self.sigma_u2), ("sigma_b2", self.sigma_b2), ("steps", sympy.S(self.steps))):
            if not v.is_number:
                raise InputError(f"{name}={sympy.sstr(v)} is symbolic; give numbers to sample the network")
        return RecurrentSampler(
            steps=int(self.steps), activation=self.activation.name, sigma_w2=float(self.sigma_w2),
            sigma_u2=float(self.sigma_u2), sigma_b2=float(self.sigma_b2), tied=tied, label=str(self),
        )

    def _spec(self) -> str:
        return (
            f"rnn(activation={self.activation.name}, sigma_w2={sympy.sstr(self.sigma_w2)}, "
            f"sigma_u2={sympy.sstr(self.sigma_u2)}, sigma_b2={sympy.sstr(self.sigma_b2)}, "
            f"steps={sympy.sstr(self.steps)})"
        )

    def _latex(self, printer: Any) -> str:
        return rf"\mathcal{{J}}^{{\mathrm{{rnn}}}}_{{\mathrm{{{self.activation.name}}}}}\left({printer._print(self.exponent)}\right)"


def rnn_law(
    activation: str = "linear",
    sigma_w2: Expr = 1,  # annotations are read as text by tpsym.spec
    sigma_u2: Expr = 0,
    sigma_b2: Expr = 0,
    steps: int | Expr = 1,
) -> RNNLaw:
    """The law of J Jᵀ, J = D_T W ··· D_1 W with one W, of a recurrent network.

    This is the ``rnn(...)`` law of the spec language:
    ``rnn(activation=linear, sigma_w2=1, sigma_u2=0, sigma_b2=0, steps=T)``.

    Parameters
    ----------
    activation : str
        ``linear`` (derived for every T); other activations are refused.
    sigma_w2, sigma_u2, sigma_b2 : number or sympy expression
        σ_w² > 0; σ_u², σ_b² ≥ 0 (the input drive and the bias).
    steps : int or sympy symbol
        T ≥ 1.

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
    >>> rnn_law(steps=0)
    Traceback (most recent call last):
    ...
    tpsym.errors.InputError: steps=0 is not a positive integer
    """
    act = _activation(activation, None)
    sw = _positive_sigma_w2(sigma_w2)
    su = _nonneg(sigma_u2, "sigma_u2")
    sb = _nonneg(sigma_b2, "sigma_b2")
    t = _steps(steps)
    if not isinstance(act, Linear):
        raise InputError(
            f"rnn(activation={act.name}): the law of J Jᵀ is derived for linear steps only "
            "(the D_t share one W and are correlated across time); "
            "sample it with tpsym.numeric.architectures.RecurrentSampler"
        )
    exponent = sympy.Integer(t) if isinstance(t, int) else t
    return RNNLaw(scale(mp(ratio=1), sw), exponent, act, sw, su, sb, t)
