"""The law of J Jᵀ of a residual network.

The residual stream is x^l = x^(l−1) + α φ(W^l x^(l−1) + b^l), l = 1..L
(``shared/DESIGN.md``), so J = ∂x^L/∂x^0 = Π_l (I + α D_l W_l) with
D_l = diag φ'(h^l).

**Linear blocks** (φ = identity, D_l = I). The factors A_l = I + α W_l are
*-free (independent weights), and for *-free a, b in a tracial algebra
law((ab)(ab)*) = law(a*a) ⊠ law(bb*) (Nica–Speicher, Lecture 14), so

    law(J Jᵀ) = law(A_1ᵀ A_1)^{⊠ L},

a ⊠-power: symbolic in α, σ_w² and in the depth L (every moment is then a
polynomial in L, :class:`~tpsym.laws.BoxPower`). The one-block law:

* Gaussian W (entries N(0, σ_w²/N), a circular element c of variance σ_w²
  in the limit): with t = α²σ_w², φ(((1 + αc)*(1 + αc))^k) counts the
  non-crossing partial matchings of 2k points on a line in which every arc
  joins c to c* (points of opposite parity), each arc weighted t:
  g(n) = g(n−1) + t Σ_{m even} g(m) g(n−2−m), m_k = g(2k) (Wick's formula
  for circular elements, Nica–Speicher Lecture 8, applied to the expanded
  word). O(k²) operations.
* Orthogonal W = σ_w O (O Haar, a Haar unitary u in the limit):
  (I + αW)ᵀ(I + αW) = (1 + t) I + √t (u + u*), and u + u* has the arcsine
  moments binomial(2j, j), so m_k = Σ_j binomial(k, 2j) (1 + t)^(k−2j) t^j binomial(2j, j).

α enters only through t = α²σ_w², so α may be any real number or symbol
(for example a/√L); α = a/√L with a ≥ 0 is the scaling of Tarnowski et al.
(arXiv 1809.08848), whose large-depth limit exists because L·(S_block − 1)
converges.

**Nonlinear blocks** are not derived here: the D_l commute with each other
and are not free from the stream, so the factors are not *-free (see the
documentation, ``docs/architectures.md``); :func:`resnet_law` refuses them
with a clear error, and the numeric layer samples the real network.

Examples
--------
>>> L = sympy.Symbol("L", positive=True, integer=True)
>>> resnet_law("linear", "gaussian", sigma_w2=1, depth=L, alpha=1).moments(2)
(2**L, 2**(2*L)*(3*L/4 + 1))
>>> resnet_law("linear", "orthogonal", sigma_w2=1, depth=1, alpha=1).moments(3)
(2, 6, 20)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sympy

from sympy import Expr

from tpsym.errors import DomainError, InputError
from tpsym.laws.base import Context, Law, as_param
from tpsym.laws.operations import BoxPower
from tpsym.nets.activations import Linear
from tpsym.nets.jacobian import _activation, _depth, _positive_sigma_w2, _word
from tpsym.nets.meanfield import _nonneg
from tpsym.nets.model import _check_depth, _check_weights

__all__ = ["ResNetLaw", "resnet_law", "residual_block_moments"]


def _alpha(value: Any) -> sympy.Expr:
    """α as an exact real expression (a number, a symbol, a/sqrt(L), ...)."""
    alpha = as_param(value, "alpha")
    if alpha.is_real is False or (alpha.is_number and not alpha.is_real):
        raise DomainError(f"alpha={sympy.sstr(alpha)} is not real (a square root of a negative number?)")
    for p in alpha.atoms(sympy.Pow):
        if p.exp.is_Rational and not p.exp.is_Integer and p.base.is_negative:
            raise DomainError(f"alpha={sympy.sstr(alpha)} takes the square root of the negative {sympy.sstr(p.base)}")
    return alpha


def residual_block_moments(weights: str, t: Any, order: int) -> tuple[sympy.Expr, ...]:
    """m_1..m_order of (I + αW)ᵀ(I + αW) in the wide limit, with t = α²σ_w².

    Gaussian weights: weighted non-crossing partial matchings (see the
    module); orthogonal weights: the shifted arcsine moments.

    Examples
    --------
    >>> t = sympy.Symbol("t")
    >>> residual_block_moments("gaussian", t, 2)
    (t + 1, 2*t**2 + 4*t + 1)
    >>> residual_block_moments("orthogonal", t, 2)
    (t + 1, t**2 + 4*t + 1)
    """
    block = _ResidualBlock(_check_weights(weights), as_param(t, "t"))
    return block.moments(order)


@dataclass(frozen=True, slots=True)
class _ResidualBlock(Law):
    """The law of (I + αW)ᵀ(I + αW), t = α²σ_w² (a part of :class:`ResNetLaw`)."""

    weights: str
    t: sympy.Expr

    def _params(self) -> tuple[sympy.Expr, ...]:
        return (self.t,)

    def _moments(self, ctx: Context, n: int) -> list[Any]:
        F = ctx.field
        t = ctx.encode(self.t)
        one = F.one
        zero = one - one
        if self.weights == "gaussian":
            # g[m]: weighted NC partial matchings of m points on a line, arcs of odd span
            g = [one]
            for m in range(1, 2 * n + 1):
                acc = g[m - 1]
                inner = zero
                for a in range(0, m - 1, 2):  # first point matched to point a + 1 (a points inside: even)
                    inner = inner + g[a] * g[m - 2 - a]
                g.append(acc + t * inner)
            return [g[2 * k] for k in range(1, n + 1)]
        shift = one + t
        out = []
        for k in range(1, n + 1):
            acc = zero
            for j in range(0, k // 2 + 1):
                acc = acc + math.comb(k, 2 * j) * math.comb(2 * j, j) * shift ** (k - 2 * j) * t**j
            out.append(acc)
        return out

    def _spec(self) -> str:
        return f"residual_block(weights={self.weights}, t={sympy.sstr(self.t)})"

    def _latex(self, printer: Any) -> str:
        return rf"\mathcal{{R}}_{{\mathrm{{{self.weights}}}}}\left({printer._print(self.t)}\right)"


@dataclass(frozen=True, slots=True)
class ResNetLaw(BoxPower):
    """The law of J Jᵀ of a residual network: ``law(block)^{⊠ L}`` with the network attached.

    Fields beyond :class:`~tpsym.laws.BoxPower`'s: ``activation``,
    ``weights``, ``sigma_w2``, ``sigma_b2``, ``depth``, ``alpha``. Build it
    with :func:`resnet_law`. Its spec is ``resnet(...)``; the numeric layer
    samples the real network from it (:meth:`network_sampler`).

    Examples
    --------
    >>> r = resnet_law("linear", "gaussian", sigma_w2=2, depth=3, alpha=sympy.Rational(1, 2))
    >>> str(r)
    'resnet(activation=linear, weights=gaussian, sigma_w2=2, sigma_b2=0, depth=3, alpha=1/2)'
    >>> r.moment(1)  # (1 + α²σ_w²)^L
    27/8
    """

    activation: Any = None
    weights: str = "gaussian"
    sigma_w2: sympy.Expr = sympy.Integer(1)
    sigma_b2: sympy.Expr = sympy.Integer(0)
    depth: Any = 1
    alpha: sympy.Expr = sympy.Integer(1)

    @property
    def parameters(self) -> frozenset[sympy.Symbol]:
        """The free symbols of the law's parameters."""
        return frozenset(BoxPower.parameters.fget(self)) | self.alpha.free_symbols  # type: ignore[attr-defined]

    def equivalent(self) -> BoxPower:
        """The plain ⊠-power this law equals."""
        return BoxPower(self.base, self.exponent)

    def network_sampler(self) -> Any:
        """A sampler of the real residual network (:class:`tpsym.numeric.architectures.ResidualSampler`)."""
        from tpsym.numeric.architectures import ResidualSampler  # the numeric layer, imported where used

        for name, v in (("sigma_w2", self.sigma_w2), ("sigma_b2", self.sigma_b2), ("alpha", self.alpha), ("depth", sympy.S(self.depth))):
            if not v.is_number:
                raise InputError(f"{name}={sympy.sstr(v)} is symbolic; give numbers to sample the network")
        return ResidualSampler(
            depth=int(self.depth), activation=self.activation.name, weights=self.weights,
            sigma_w2=float(self.sigma_w2), sigma_b2=float(self.sigma_b2), alpha=float(self.alpha),
            label=str(self),
        )

    def _spec(self) -> str:
        return (
            f"resnet(activation={self.activation.name}, weights={self.weights}, "
            f"sigma_w2={sympy.sstr(self.sigma_w2)}, sigma_b2={sympy.sstr(self.sigma_b2)}, "
            f"depth={sympy.sstr(self.depth)}, alpha={sympy.sstr(self.alpha)})"
        )

    def _latex(self, printer: Any) -> str:
        return (
            rf"\mathcal{{J}}^{{\mathrm{{res}}}}_{{\mathrm{{{self.activation.name}}}, \mathrm{{{self.weights}}}}}"
            rf"\left({printer._print(self.exponent)}, \alpha={printer._print(self.alpha)}\right)"
        )


def resnet_law(
    activation: str = "linear",
    weights: str = "gaussian",
    sigma_w2: Expr = 1,  # annotations are read as text by tpsym.spec
    sigma_b2: Expr = 0,
    depth: int | Expr = 1,
    alpha: Expr = 1,
    widths: tuple | None = None,
) -> ResNetLaw:
    """The law of J Jᵀ, J = Π_l (I + α D_l W_l), of a residual network.

    This is the ``resnet(...)`` law of the spec language:
    ``resnet(activation=linear, weights=gaussian, sigma_w2=1, sigma_b2=0, depth=L, alpha=a/sqrt(L))``.

    Parameters
    ----------
    activation : str
        ``linear`` (derived for every depth); other activations are refused
        (see the module).
    weights : {"gaussian", "orthogonal"}
    sigma_w2, sigma_b2 : number or sympy expression
        σ_w² > 0, σ_b² ≥ 0 (the bias does not enter the linear Jacobian).
    depth : int or sympy symbol
        L, the number of residual blocks.
    alpha : number or sympy expression
        The branch scale α (any real: only α² enters), e.g. ``a/sqrt(L)``.
    widths : tuple, optional
        ``(N_0, ..., N_L)``; a residual block adds x^(l−1) to a vector of
        width N_l, so every width must be the same (anything else is refused).

    Raises
    ------
    InputError
        A bad depth or weights, or an activation whose law is not derived.
    DomainError
        σ_w² ≤ 0, σ_b² < 0, or α not real.

    Examples
    --------
    >>> a = sympy.Symbol("a", positive=True)
    >>> resnet_law("linear", "orthogonal", sigma_w2=1, depth=2, alpha=a).moments(2)
    (a**4 + 2*a**2 + 1, a**8 + 8*a**6 + 14*a**4 + 8*a**2 + 1)
    >>> resnet_law("linear", depth=3, alpha=sympy.sqrt(-2))
    Traceback (most recent call last):
    ...
    tpsym.errors.DomainError: alpha=sqrt(2)*I is not real (a square root of a negative number?)
    """
    act = _activation(activation, None)
    w = _check_weights(_word(weights, "weights"))
    sw = _positive_sigma_w2(sigma_w2)
    sb = _nonneg(sigma_b2, "sigma_b2")
    d = _check_depth(_depth(depth))
    al = _alpha(alpha)
    if widths is not None:
        ws = tuple(widths) if isinstance(widths, (tuple, list)) else (widths,)
        if len({sympy.S(v) for v in ws}) > 1:
            raise InputError(
                f"widths={tuple(sympy.S(v) for v in ws)}: a residual block x + α φ(W x + b) needs a square W "
                "(every width equal)"
            )
    if not isinstance(act, Linear):
        raise InputError(
            f"resnet(activation={act.name}): the law of J Jᵀ is derived for linear blocks only "
            "(the D_l of a nonlinear block are not free from the residual stream); "
            "sample it with tpsym.numeric.architectures.ResidualSampler"
        )
    t = sympy.expand(al**2 * sw)
    exponent = sympy.Integer(d) if isinstance(d, int) else d
    return ResNetLaw(_ResidualBlock(w, t), exponent, act, w, sw, sb, d, al)
