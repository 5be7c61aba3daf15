"""The law of J Jᵀ of a residual network.

The residual stream is x^l = x^(l−1) + α φ(W^l x^(l−1) + b^l), l = 1..L
(``docs/design.md``), so J = ∂x^L/∂x^0 = Π_l (I + α D_l W_l) with
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

**ReLU, leaky ReLU and erf blocks** (Gaussian weights, an int depth): the
D_l commute with each other and are not free from the stream, so the
factors are not *-free; the law is computed exactly by a transfer recursion
over the diagonal algebra (below), one step per block, and the result is
returned as a ⊠-power with exponent 1. For erf, E[d_l^a] follows the length
q^l of the stream (mean field from p^0 = 1; numeric parameters). tanh and
hard tanh are refused with a clear error (no closed form for E[φ'(h)^a] at
the growing length), and the numeric layer samples the real network.

Examples
--------
>>> L = sympy.Symbol("L", positive=True, integer=True)
>>> resnet_law("linear", "gaussian", sigma_w2=1, depth=L, alpha=1).moments(2)
(2**L, 2**(2*L)*(3*L/4 + 1))
>>> resnet_law("linear", "orthogonal", sigma_w2=1, depth=1, alpha=1).moments(3)
(2, 6, 20)
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sympy

from sympy import Expr

from tpsym.errors import DomainError, InputError
from tpsym.laws.base import Context, Law, as_param, spec_constructor
from tpsym.laws.operations import BoxPower
from tpsym.nets.activations import Erf, LeakyReLU, Linear, ReLU
from tpsym.nets.jacobian import _activation, _depth, _positive_sigma_w2, _word
from tpsym.nets.meanfield import _nonneg
from tpsym.nets.model import _check_depth, _check_weights
from tpsym.utils import expr_str

__all__ = ["ResNetLaw", "resnet_law", "residual_block_moments"]


def _alpha(value: Any) -> sympy.Expr:
    """α as an exact real expression (a number, a symbol, a/sqrt(L), ...)."""
    alpha = as_param(value, "alpha")
    if alpha.is_real is False or (alpha.is_number and not alpha.is_real):
        raise DomainError(f"alpha={expr_str(alpha)} is not real (a square root of a negative number?)")
    for p in alpha.atoms(sympy.Pow):
        if p.exp.is_Rational and not p.exp.is_Integer and p.base.is_negative:
            raise DomainError(f"alpha={expr_str(alpha)} takes the square root of the negative {expr_str(p.base)}")
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
        return f"residual_block(weights={self.weights}, t={expr_str(self.t)})"

    def _latex(self, printer: Any) -> str:
        return rf"\mathcal{{R}}_{{\mathrm{{{self.weights}}}}}\left({printer._print(self.t)}\right)"


# =============================================================================
# Nonlinear blocks: a transfer recursion over the diagonal algebra
# =============================================================================
# In the wide limit (Yang's Free Independence Principle, arXiv 2009.10685) the
# W_l are circular elements free from each other and from the commutative
# algebra 𝒟 of the D's, so over 𝒟 each W_l is circular with the scalar
# covariance E_𝒟[W b W*] = σ_w² φ(b). The D_l of one neuron are independent
# across blocks (fresh weights per block). Write B_l = J_l J_lᵀ and, for f_i in
# the algebra of the later D's,
#     F_l(f_1, ..., f_j) = φ(B_l f_1 B_l f_2 ··· B_l f_j) = Σ_π c^(l)_π Π_{V∈π} φ(Π_{i∈V} f_i)
# (the f's are independent of everything B_l is built from). B_l = A B_(l−1) Aᵀ
# with A = I + α D_l W_l: expanding the 2j factors A, Aᵀ and pairing the W_l's
# non-crossingly (W with Wᵀ, each pair σ_w² φ(inner), the inner part a scalar),
# every Kreweras region is a word B_(l−1) g_1 ··· B_(l−1) g_r with g's made of
# D_l powers and f's, whose φ is F_(l−1)(g_1, ..., g_r); φ of a product of
# D_l-powers and f's factorises as E[d_l^a] φ(f's). This maps c^(l−1) to c^(l):
# the depth enters linearly (one step per block), the order k through the
# 4^j expansions of one block for j ≤ k. m_k = Σ_π c^(L)_π at f = 1.
def _pairings_wc(types: list) -> Any:
    """NC pairings of ``types`` (index, +1 for W / -1 for W*), every pair one W with one W*."""
    if not types:
        yield []
        return
    first = types[0]
    for j in range(1, len(types), 2):
        if types[j][1] != first[1]:
            for left in _pairings_wc(types[1:j]):
                for right in _pairings_wc(types[j + 1:]):
                    yield [(first[0], types[j][0])] + left + right

@lru_cache(maxsize=None)
def _structure(j: int) -> Any:
    """Terms of φ(Π_i A B A* f_i) after the W-pairing: (pairs, regions); region = ('scalar', nd, fset) or ('B', ((nd, fset), ...))."""
    out: list[Any] = []
    for choice in itertools.product((0, 1), repeat=2 * j):
        atoms: list[Any] = []
        for i in range(j):
            if choice[2 * i]:
                atoms += ["d", "W"]
            atoms.append("B")
            if choice[2 * i + 1]:
                atoms += ["Ws", "d"]
            atoms.append(("f", i))
        letters = [p for p, a in enumerate(atoms) if a in ("W", "Ws")]
        n = len(letters)
        if n % 2:
            continue
        types = [(m, 1 if atoms[letters[m]] == "W" else -1) for m in range(n)]
        for pairing in (_pairings_wc(types) if n else [None]):
            if pairing is None:
                regions = [list(atoms)]
            else:
                partner = {}
                for a, b in pairing:
                    partner[a] = b
                    partner[b] = a

                def gap(m: Any, letters: Any = letters, n: Any = n, atoms: Any = atoms) -> Any:
                    s, e = letters[m], letters[(m + 1) % n]
                    if e > s:
                        return atoms[s + 1:e]
                    return atoms[s + 1:] + atoms[:e]
                seen = set()
                regions = []
                for m in range(n):
                    if m in seen:
                        continue
                    seq = []
                    cur = m
                    while cur not in seen:
                        seen.add(cur)
                        seq += gap(cur)
                        cur = partner[(cur + 1) % n]
                    regions.append(seq)
            regs: list[Any] = []
            for seq in regions:
                bpos = [p for p, a in enumerate(seq) if a == "B"]
                if not bpos:
                    nd = sum(1 for a in seq if a == "d")
                    fs = frozenset(a[1] for a in seq if isinstance(a, tuple))
                    regs.append(("scalar", nd, fs))
                    continue
                rot = seq[bpos[0]:] + seq[:bpos[0]]
                gs: list[Any] = []
                group: Any = None
                for a in rot:
                    if a == "B":
                        if group is not None:
                            gs.append(group)
                        group = [0, set()]
                    elif a == "d":
                        group[0] += 1
                    else:
                        group[1].add(a[1])
                gs.append(group)
                regs.append(("B", tuple((g[0], frozenset(g[1])) for g in gs)))
            out.append((n // 2, tuple(regs)))
    return tuple(out)

def _canon(blocks: Any) -> tuple:
    return tuple(sorted(tuple(sorted(b)) for b in blocks if b))

def _mul(x: dict, y: dict) -> dict:
    out: dict[tuple, Any] = {}
    for kx, vx in x.items():
        for ky, vy in y.items():
            k = _canon(list(kx) + list(ky))
            out[k] = out.get(k, 0) + vx * vy
    return out

def _step(prev: dict, t: Any, mu: Any, k: int) -> dict:
    """One block: prev[j]: dict partition of range(j) -> coeff for B_{l-1}; returns the same for B_l."""
    new = {}
    for j in range(1, k + 1):
        acc: dict[tuple, Any] = {}
        for npairs, regs in _structure(j):
            term = {(): t ** npairs}
            for reg in regs:
                if reg[0] == "scalar":
                    _, nd, fs = reg
                    term = {_canon(list(kk) + [fs]): v * mu(nd) for kk, v in term.items()}
                else:
                    gs = reg[1]
                    rd: dict[tuple, Any] = {}
                    for part, c in prev[len(gs)].items():
                        val = c
                        blocks = []
                        for V in part:
                            val = val * mu(sum(gs[i][0] for i in V))
                            blocks.append(frozenset().union(*(gs[i][1] for i in V)))
                        kk = _canon(blocks)
                        rd[kk] = rd.get(kk, 0) + val
                    term = _mul(term, rd)
            for kk, v in term.items():
                acc[kk] = acc.get(kk, 0) + v
        new[j] = acc
    return new


@lru_cache(maxsize=None)
def _erf_lengths(sigma_w2: sympy.Expr, sigma_b2: sympy.Expr, alpha2: sympy.Expr, depth: int) -> tuple[sympy.Expr, ...]:
    """q^1..q^L of an erf residual stream from p^0 = 1 (Yang & Schoenholz, arXiv 1712.08969, Sec. 3).

    q^l = σ_w² p^(l−1) + σ_b², p^l = p^(l−1) + α² E[erf(√q^l z)²], with
    E[erf(√q z)²] = (2/π) arcsin(2q/(1 + 2q)) (Williams 1997).
    """
    p = sympy.Integer(1)
    out = []
    for _ in range(depth):
        q = sigma_w2 * p + sigma_b2
        out.append(q)
        p = p + alpha2 * 2 / sympy.pi * sympy.asin(2 * q / (1 + 2 * q))
    return tuple(out)


def _erf_mu(kind: tuple, layer: int, a: int) -> sympy.Expr:
    """E[d^a] for d = erf'(h) = (2/√π) e^(−h²), h ~ N(0, q^layer): (2/√π)^a / √(1 + 2 a q)."""
    q = _erf_lengths(*kind[1:], layer)[layer - 1]
    return (2 / sympy.sqrt(sympy.pi)) ** a / sympy.sqrt(1 + 2 * a * q)


@dataclass(frozen=True, slots=True)
class _DiagonalResidual(Law):
    """The law of J Jᵀ of a residual network with Gaussian weights and diagonal D_l (a part of :class:`ResNetLaw`).

    ``t`` = α²σ_w², ``depth`` an int, ``mu`` the moments E[d^a], a = 1, 2, ...
    of one D_l entry, given as a kind: ``("relu",)``, ``("leaky_relu", slope)``,
    ``("erf", σ_w², σ_b², α²)`` (then E[d_l^a] follows the length q^l of the stream).
    """

    t: sympy.Expr
    depth: int
    kind: tuple

    def _params(self) -> tuple[sympy.Expr, ...]:
        return (self.t, *self.kind[1:])

    def _erf_symbols(self, n: int) -> dict[tuple[int, int], sympy.Symbol]:
        return {(l, a): sympy.Symbol(f"_erf_mu_{l}_{a}") for l in range(1, self.depth + 1) for a in range(1, 2 * n + 1)}

    def _internal_symbols(self, n: int) -> dict[sympy.Symbol, sympy.Expr]:
        if self.kind[0] != "erf":
            return {}
        return {sym: _erf_mu(self.kind, l, a) for (l, a), sym in self._erf_symbols(n).items()}

    def _moments(self, ctx: Context, n: int) -> list[Any]:
        F = ctx.field
        one = F.one
        t = ctx.encode(self.t)
        mus: list[Any]
        if self.kind[0] == "relu":
            half = one / (one + one)

            def mu(a: int) -> Any:
                return one if a == 0 else half
            mus = [mu] * self.depth
        elif self.kind[0] == "leaky_relu":
            slope = ctx.encode(self.kind[1])
            half = one / (one + one)

            def mu(a: int) -> Any:
                return one if a == 0 else half * (one + slope**a)
            mus = [mu] * self.depth
        else:  # erf: E[d_l^a] is a generator standing for its exact value (see _internal_symbols)
            gens = {key: ctx.encode(sym) for key, sym in self._erf_symbols(n).items()}
            mus = [(lambda a, l=l: one if a == 0 else gens[(l, a)]) for l in range(1, self.depth + 1)]
        c = {j: {(tuple(range(j)),): one} for j in range(1, n + 1)}
        for layer in range(self.depth):
            c = _step(c, t, mus[layer], n)
        zero = one - one
        out = []
        for j in range(1, n + 1):
            acc = zero
            for v in c[j].values():
                acc = acc + v
            out.append(acc)
        return out

    def _spec(self) -> str:
        return f"diagonal_residual(t={expr_str(self.t)}, depth={self.depth}, kind={self.kind})"

    def _latex(self, printer: Any) -> str:
        return rf"\mathcal{{R}}^{{\mathcal{{D}}}}_{{{self.depth}}}"


@dataclass(frozen=True, slots=True)
class ResNetLaw(BoxPower):
    """The law of J Jᵀ of a residual network: ``law(block)^{⊠ L}`` with the network attached.

    Fields beyond :class:`~tpsym.laws.BoxPower`'s: ``activation``,
    ``weights``, ``sigma_w2``, ``sigma_b2``, ``depth``, ``alpha``. Build it
    with :func:`resnet_law`. Its spec is ``resnet(...)``; the numeric layer
    samples the real network from it (:meth:`tpsym.numeric.architectures.ResidualSampler.of`).

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

    def _spec(self) -> str:
        slope = f", slope={expr_str(self.activation.slope)}" if isinstance(self.activation, LeakyReLU) else ""
        return (
            f"resnet(activation={self.activation.name}, weights={self.weights}, "
            f"sigma_w2={expr_str(self.sigma_w2)}, sigma_b2={expr_str(self.sigma_b2)}, "
            f"depth={expr_str(self.depth)}, alpha={expr_str(self.alpha)}{slope})"
        )

    def _latex(self, printer: Any) -> str:
        return (
            rf"\mathcal{{J}}^{{\mathrm{{res}}}}_{{\mathrm{{{self.activation.name}}}, \mathrm{{{self.weights}}}}}"
            rf"\left({printer._print(self.exponent)}, \alpha={printer._print(self.alpha)}\right)"
        )


@spec_constructor("resnet")
def resnet_law(
    activation: str = "linear",
    weights: str = "gaussian",
    sigma_w2: Expr = 1,  # annotations are read as text by tpsym.spec
    sigma_b2: Expr = 0,
    depth: int | Expr = 1,
    alpha: Expr = 1,
    widths: tuple | None = None,
    slope: Expr | None = None,
) -> ResNetLaw:
    """The law of J Jᵀ, J = Π_l (I + α D_l W_l), of a residual network (linear or ReLU blocks).

    This is the ``resnet(...)`` law of the spec language:
    ``resnet(activation=linear, weights=gaussian, sigma_w2=1, sigma_b2=0, depth=L, alpha=a/sqrt(L))``.

    Parameters
    ----------
    activation : str
        ``linear`` (any depth, symbolic too) or ``relu`` (Gaussian weights,
        an int depth; exact by the recursion over the diagonal algebra);
        other activations are refused (see the module).
    weights : {"gaussian", "orthogonal"}
    sigma_w2, sigma_b2 : number or sympy expression
        σ_w² > 0, σ_b² ≥ 0 (the bias enters neither the linear nor the ReLU law:
        φ'(h) of ReLU is 1[h > 0] with probability 1/2 for any symmetric h).
    depth : int or sympy symbol
        L, the number of residual blocks.
    alpha : number or sympy expression
        The branch scale α (any real: only α² enters), e.g. ``a/sqrt(L)``.
    widths : tuple, optional
        ``(N_0, ..., N_L)``; a residual block adds x^(l−1) to a vector of
        width N_l, so every width must be the same (anything else is refused).
    slope : number or sympy expression, optional
        Leaky ReLU's negative-side slope (``activation=leaky_relu``).

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
    tpsym.errors.DomainError: alpha=sqrt(2)*I is not real
    """
    act = _activation(activation, slope)
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
    t = sympy.expand(al**2 * sw)
    if isinstance(act, Linear):
        exponent = sympy.Integer(d) if isinstance(d, int) else d
        return ResNetLaw(_ResidualBlock(w, t), exponent, act, w, sw, sb, d, al)
    if not isinstance(act, (ReLU, LeakyReLU, Erf)):
        raise InputError(
            f"resnet(activation={act.name}): the law of J Jᵀ is derived for linear, relu, leaky_relu and erf "
            "blocks (tanh and hard_tanh: E[φ'(h)^a] at the growing length of the residual stream has no "
            "closed form); sample it with tpsym.numeric.architectures.ResidualSampler"
        )
    if w != "gaussian":
        raise InputError(
            f"resnet(activation={act.name}, weights={w}): nonlinear blocks are derived for Gaussian weights "
            "only (a Haar orthogonal W has higher cumulants over the diagonal algebra)"
        )
    if not isinstance(d, int):
        raise InputError(f"resnet(activation={act.name}): depth={d} must be an int for a nonlinear block")
    kind: tuple = ("leaky_relu", act.slope) if isinstance(act, LeakyReLU) else ("relu",)
    if isinstance(act, Erf):
        al2 = sympy.expand(al**2)
        for name, v in (("sigma_w2", sw), ("sigma_b2", sb), ("alpha", al2)):
            if not v.is_number:
                raise InputError(
                    f"resnet(activation=erf): {name}={expr_str(v)} is symbolic; the erf block's E[φ'(h^l)^a] "
                    "follows the length q^l of the stream, derived for numbers"
                )
        kind = ("erf", sw, sb, al2)
    return ResNetLaw(_DiagonalResidual(t, d, kind), sympy.Integer(1), act, w, sw, sb, d, al)
