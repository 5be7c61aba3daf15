"""The large-depth limit law of linear residual networks (Tarnowski et al.).

J = Π_{l=1}^L (I + α W_l) with α = a/√L and W_l Gaussian (entries
N(0, σ_w²/N)) or σ_w times Haar orthogonal. One block's law has, with
t = α²σ_w², the moments m_k = 1 + k² t + O(t²) for both kinds of weights
(:func:`tpsym.nets.residual_block_moments`), hence the S-transform
S_block(w) = 1 − t (1 + 2w) + O(t²) (invert ψ = z/(1 − z) + t z(1 + z)/(1 − z)³
to first order). law(J Jᵀ) is the ⊠-power L of the block law, so
S_J = S_block^L → exp(−τ(1 + 2w)) with τ = a²σ_w² as L → ∞: Tarnowski,
Warchoł, Jastrzębski, Tabor & Nowak (arXiv 1809.08848, Sec. 3: the S-transform
of a deep linear residual network tends to an exponential, for Gaussian and
orthogonal weights alike — the "universal" dynamical isometry of the title).
This is the S-transform of Biane's free positive multiplicative Brownian
motion at time 2τ (S(w) = exp(−s(w + 1/2)), s = 2τ).

**Moments.** χ(w) = S(w) w/(1 + w) inverts ψ, so ψ = u (1 + ψ) e^(2τψ)
with u = z e^τ, and Lagrange inversion gives every moment:

    m_n = e^(nτ)/n · Σ_{j=0}^{n−1} binomial(n, j) (2nτ)^(n−1−j)/(n−1−j)!.

**Density.** On the support ψ(1/x) = p + iq with q > 0 and
x = e^τ (1 + ψ) e^(2τψ)/ψ real: Im[(1 + 1/ψ) e^(2τψ)] = 0 is
p² + p + q² − q cot(2τq) = 0, so p is explicit in q ∈ (0, π/(2τ)), and the
density is ρ(x) = q/(π x) (G(x) = (1 + ψ(1/x))/x). The support [x_−, x_+]
has its edges at q → 0, p = (−1 ± √(1 + 2/τ))/2.

Examples
--------
>>> tau = sympy.Symbol("tau", positive=True)
>>> resnet_limit(sigma_w2=tau).moments(2)
(exp(tau), 2*tau*exp(2*tau) + exp(2*tau))
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from sympy import Expr

from tpsym.errors import DomainError, NumericError
from tpsym.laws.base import Context, Law, as_param, spec_constructor
from tpsym.nets.jacobian import _positive_sigma_w2
from tpsym.utils import expr_str

__all__ = ["ResNetLimit", "resnet_limit"]


@dataclass(frozen=True, slots=True)
class ResNetLimit(Law):
    """The L → ∞ law of J Jᵀ of a linear residual network with α = a/√L (see the module).

    Build it with :func:`resnet_limit`; its spec is ``resnet_limit(sigma_w2=..., a=...)``.
    """

    sigma_w2: sympy.Expr = sympy.Integer(1)
    a: sympy.Expr = sympy.Integer(1)

    @property
    def tau(self) -> sympy.Expr:
        """τ = a² σ_w²."""
        return sympy.expand(self.a**2 * self.sigma_w2)

    def _params(self) -> tuple[sympy.Expr, ...]:
        return (self.sigma_w2, self.a, sympy.exp(self.tau))

    def _moments(self, ctx: Context, n: int) -> list[Any]:
        tau = ctx.encode(self.tau)
        e = ctx.encode(sympy.exp(self.tau))
        one = ctx.field.one
        out = []
        for k in range(1, n + 1):
            acc = one - one
            for j in range(k):
                r = k - 1 - j
                acc = acc + (one * math.comb(k, j) * (2 * k) ** r / math.factorial(r)) * tau**r
            out.append(e**k * acc / k)
        return out

    def s_function(self, w: Any) -> Any:
        """S(w) = exp(−τ(1 + 2w)) as a sympy expression in ``w``."""
        return sympy.exp(-self.tau * (1 + 2 * sympy.S(w)))

    def _closed_density(self, d: Any) -> tuple[Any, list[tuple[float, float]], list[tuple[float, float]]]:
        """The density on its support for a numeric τ > 0 (the parametrisation of the module, Newton-polished).

        The density hook of :class:`tpsym.laws.base.Law`; ``d`` gives the parameters' numbers.
        """
        tau = d.num(self, self.tau, "tau")
        if not tau > 0:
            raise DomainError(f"resnet_limit: tau = a^2 sigma_w2 = {tau} must be > 0 for a density (tau = 0 is the atom at 1)")
        qmax = math.pi / (2 * tau)
        # q on (0, q*) where the discriminant 1 − 4(q² − q cot 2τq) of p vanishes; it decreases in q
        disc = lambda q: 1 - 4 * (q * q - q / math.tan(2 * tau * q))  # noqa: E731
        lo, hi = 1e-12 * qmax, qmax * (1 - 1e-12)
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if disc(mid) > 0:
                lo = mid
            else:
                hi = mid
        qs = lo * (1 - np.cos(np.linspace(0.0, math.pi, 4001)[1:])) / 2  # dense near both ends
        root = np.sqrt(np.maximum(1 - 4 * (qs**2 - qs / np.tan(2 * tau * qs)), 0.0))
        branches = []
        for sign in (1.0, -1.0):
            psi = (-1 + sign * root) / 2 + 1j * qs
            x = (math.exp(tau) * (1 + psi) * np.exp(2 * tau * psi) / psi).real
            branches.append((x, psi))
        edges = sorted((float(branches[0][0][0]), float(branches[1][0][0])))
        xs = np.concatenate([branches[0][0], branches[1][0][::-1]])
        ps = np.concatenate([branches[0][1], branches[1][1][::-1]])
        order = np.argsort(xs)
        xs, ps = xs[order], ps[order]

        def f(x: np.ndarray) -> np.ndarray:
            x = np.asarray(x, dtype=float)
            out = np.zeros_like(x)
            inside = (x > edges[0]) & (x < edges[1])
            if not inside.any():
                return out
            xi = x[inside]
            psi = np.interp(xi, xs, ps.real) + 1j * np.interp(xi, xs, ps.imag)
            for _ in range(30):  # Newton on F(ψ) = e^τ (1 + ψ) e^(2τψ) − x ψ
                ex = math.exp(tau) * np.exp(2 * tau * psi)
                F = ex * (1 + psi) - xi * psi
                dF = ex * (1 + 2 * tau * (1 + psi)) - xi
                step = F / dF
                psi = psi - step
                if np.all(np.abs(step) < 1e-15 * (1 + np.abs(psi))):
                    break
            if np.any(psi.imag < 0) or not np.all(np.isfinite(psi)):
                raise NumericError("resnet_limit: the density's Newton iteration left the upper half-plane")
            out[inside] = psi.imag / (math.pi * xi)
            return out

        return f, [(edges[0], edges[1])], []

    def _spec(self) -> str:
        return f"resnet_limit(sigma_w2={expr_str(self.sigma_w2)}, a={expr_str(self.a)})"

    def _latex(self, printer: Any) -> str:
        return rf"\mathcal{{R}}_{{\infty}}\left({printer._print(self.tau)}\right)"


@spec_constructor("resnet_limit")
def resnet_limit(sigma_w2: Expr = 1, a: Expr = 1) -> ResNetLimit:  # annotations are read as text by tpsym.spec
    """The large-depth law of J Jᵀ of a linear residual network with α = a/√L, L → ∞.

    ``resnet_limit(sigma_w2=s, a=a)`` is the limit of
    ``resnet(activation=linear, weights=gaussian|orthogonal, sigma_w2=s, depth=L, alpha=a/sqrt(L))``:
    the law with S-transform exp(−τ(1 + 2w)), τ = a²σ_w² (Tarnowski et al., arXiv 1809.08848).

    Raises
    ------
    DomainError
        σ_w² ≤ 0 or a not real.

    Examples
    --------
    >>> resnet_limit(sigma_w2=1, a=1).moments(3)
    (E, 3*exp(2), 13*exp(3))
    >>> resnet_limit(sigma_w2=1, a=sympy.I)
    Traceback (most recent call last):
    ...
    tpsym.errors.DomainError: a=I is not real
    """
    sw = _positive_sigma_w2(sigma_w2)
    av = as_param(a, "a")
    if av.is_real is False or (av.is_number and not av.is_real):
        raise DomainError(f"a={expr_str(av)} is not real")
    return ResNetLimit(sw, av)
