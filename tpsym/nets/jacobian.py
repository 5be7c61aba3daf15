"""The law of J Jᵀ for the input–output Jacobian of a deep network.

For J = D_L W_L ··· D_1 W_1 at initialisation (D_l = diag φ_l'(h^l), depth
L counts (D, W) pairs, see ``docs/design.md``), asymptotic freeness of the
D_l² and the W_lᵀW_l gives the S-transform of J Jᵀ as a product over layers,

    S_{JJᵀ}(z) = Π_l S_{D_l²}(z) · S_{W_lᵀW_l}(z)

(Pennington, Schoenholz & Ganguli, arXiv 1711.04735 and 1802.09979; the
freeness is Yang's Free Independence Principle, Tensor Programs III,
arXiv 2009.10685). So the law of J Jᵀ is

* ``boxpower(boxtimes(law(D²), law(WᵀW)), L)`` for a network whose layers
  are alike (L may be a symbol: every moment is then m_1^k times a
  polynomial in L), and
* ``boxtimes`` of the 2L factors when the layers differ.

The factors:

==================  ===========================================================
law(WᵀW)            ``scale(mp(ratio=1), σ_w²)`` (Gaussian), ``dirac(σ_w²)`` (orthogonal)
law(D²) linear      ``dirac(1)``
law(D²) ReLU        ``bernoulli(1/2, 0, 1)``
leaky ReLU slope a  ``bernoulli(1/2, a², 1)``
hard tanh           ``bernoulli(p, 0, 1)``, p = erf(1/√(2q*)) (an exact atom when q* is exact)
erf, tanh, formula  :class:`DerivativeLaw`: the k-th moment is μ_k = E[φ'(h)^(2k)], h ~ N(0, q*)
==================  ===========================================================

A :class:`DerivativeLaw` computes exactly in internal generators (one per
μ_k) and puts their values in when results are decoded: exact closed forms
where they exist (erf at an exact q), otherwise sympy Floats at the
requested precision (tanh, user formulas, any activation at a numerical q*).
Give ``d2=law(moments=mu)`` for formulas symbolic in μ_k.

:class:`JacobianLaw` is a :class:`~tpsym.laws.BoxPower` whose base is that
tree (exponent 1 when the layers differ), so every route of
:mod:`tpsym.laws` — moments, cumulants, S-transform, the lattice route, the
algebraic equation, densities — treats it as the equivalent ⊠-power;
:meth:`JacobianLaw.equivalent` returns the plain tree. Its spec is
``jacobian(...)`` and it keeps the network as ``.mlp`` (the numeric layer
samples the real network from it).

Examples
--------
>>> J = jacobian_law("relu", "gaussian", sigma_w2=2, depth=3)
>>> J.moments(3)  # m_2 = 2L + 1, m_3 = 6L^2 + 4L + 1 at L = 3
(1, 7, 67)
>>> str(J)
'jacobian(activation=relu, weights=gaussian, sigma_w2=2, sigma_b2=0, depth=3)'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import mpmath
import numpy as np
import sympy

from sympy import Expr

from tpsym.language import parse_expression
from tpsym.errors import DomainError, InputError
from tpsym.laws.base import Context, Law, spec_constructor
from tpsym.laws.catalogue import Bernoulli, bernoulli, dirac, mp
from tpsym.laws.operations import BoxPower, BoxTimes, Dilated, compress, dilute, scale
from tpsym.nets.activations import X, Activation, Formula, HardTanh, LeakyReLU, Linear, ReLU, get_activation
from tpsym.certified import CertifiedConstant, NumericConstant, certified_constant, real_context, to_ball
from tpsym.nets.meanfield import (
    DEFAULT_PRECISION,
    Quantity,
    _certifier,
    _check_precision,
    _nonneg,
    certifiable,
    certified_mean_field,
    mus,
)
from tpsym.nets.model import MLP, Layer, _check_weights, _resolved
from tpsym.utils import expr_str

__all__ = [
    "JacobianLaw",
    "DerivativeLaw",
    "GateLaw",
    "jacobian_law",
    "jacobian_factors",
    "jacobian_mixed_moment",
    "d2_law",
    "gram_law",
]


# =============================================================================
# The factors
# =============================================================================
def _float(value: Any, precision: int) -> sympy.Float:
    """An mpmath number as a sympy Float with ``precision`` significant digits."""
    ctx = real_context(precision + 10)  # private: mpmath's global precision is neither read nor changed
    text = ctx.nstr(ctx.mpf(value), precision + 3, strip_zeros=False)
    return sympy.Float(text, precision)



@lru_cache(maxsize=128)
def _mu_values(act: Activation, q: Quantity, precision: int, n: int) -> tuple[sympy.Expr, ...]:
    """μ_1..μ_n: exact closed forms; certified constants where the activation has a certified
    quadrature and q is exact or certifiable; else Floats of ``precision`` digits."""
    q_ball = _q_ball(q)
    if q_ball is not None and certifiable(act) and not (q.exact and _closed_mu(act, 1) is not None):
        # not exact (no closed form, or a numerical q), but certifiable: μ_k are certified constants
        table = _CertifiedMuTable(act, q_ball)
        label = expr_str(q.value) if q.exact else f"q~{mpmath.nstr(q.value, 10)}"
        return tuple(certified_constant(f"mu_{k}({act.spec}, {label})", table.entry(k)) for k in range(1, n + 1))
    values = mus(act, n, q, precision=precision)
    if all(m.exact for m in values):
        return tuple(sympy.S(m.value) for m in values)
    # computed by quadrature, not certifiable: constants that say tpsym computed them (never user floats)
    label = expr_str(q.value) if q.exact else f"q~{mpmath.nstr(q.value, 10)}"
    return tuple(
        sympy.S(m.value) if m.exact else NumericConstant(f"mu_{k}({act.spec}, {label})", m.value, m.error_bound)
        for k, m in enumerate(values, 1)
    )


def _closed_mu(act: Activation, k: int) -> Any:
    return act.mu_closed_form(k, sympy.Symbol("q", positive=True))


def _q_ball(q: Quantity) -> Any:
    """A function digits -> ball of q, or None when q cannot be certified."""
    if q.exact and not sympy.S(q.value).is_positive:
        return None
    return _certifier(q)


class _CertifiedMuTable:
    """μ_1..μ_n as balls, computed once per precision (all orders share the quadrature nodes)."""

    def __init__(self, act: Activation, q_ball: Any) -> None:
        self._act, self._q_ball = act, q_ball
        self._cache: dict[int, tuple[Any, ...]] = {}

    def entry(self, k: int) -> Any:
        def compute(digits: int) -> Any:
            row = self._cache.get(digits, ())
            if len(row) < k:
                # q at the level tpsym.nets.claims.mu asks q_star for (to_ball adds 5 per step):
                # one certified q* serves both
                q = self._q_ball(digits + 10)
                row = certified_mean_field(self._act, q=q, moments=max(k, 4), digits=digits).mu
                self._cache[digits] = row
            return row[k - 1]

        return compute


@dataclass(frozen=True, slots=True)
class DerivativeLaw(Law):
    """The law of φ'(h)², h ~ N(0, q): its k-th moment is μ_k = E[φ'(h)^(2k)].

    Each μ_k is an internal generator of the exact computation; its value —
    an exact expression where μ_k has a closed form at this q, else a sympy
    Float with ``precision`` digits from :func:`tpsym.nets.mus` — is put in
    when results are decoded. This node is not parsed back from its spec (it
    is a part of :class:`JacobianLaw`).

    Examples
    --------
    >>> from tpsym.nets.meanfield import Quantity
    >>> d = DerivativeLaw(get_activation("erf"), Quantity(sympy.Rational(1, 4), True, sympy.Integer(0)))
    >>> d.moments(2)
    (2*sqrt(2)/pi, 16*sqrt(3)/(3*pi**2))
    >>> t = DerivativeLaw(get_activation("tanh"), Quantity(sympy.Integer(1), True, sympy.Integer(0)), 15)
    >>> [sympy.N(m, 15) for m in t.moments(1)]
    [0.464402902448268]
    """

    activation: Activation
    q: Quantity
    precision: int = DEFAULT_PRECISION

    def values(self, n: int) -> tuple[sympy.Expr, ...]:
        """μ_1..μ_n (exact expressions or Floats)."""
        chunk = max(16, 1 << (max(n, 1) - 1).bit_length())  # compute in powers of two: cached
        return _mu_values(self.activation, self.q, self.precision, chunk)[:n]

    def numeric_moments(self, n: int) -> list[mpmath.mpf]:
        """μ_1..μ_n as mpmath numbers (used by :mod:`tpsym.laws.density`)."""
        digits = self.precision + 5
        # the highest order first: a certified table of mu_k computes the lower orders with it
        # (ascending, it recomputed a longer row for every k: 11 s instead of 2 s for 32 of tanh)
        out = [mpmath.mp.make_mpf(sympy.Float(sympy.N(v, digits), digits)._mpf_) for v in reversed(self.values(n))]
        return out[::-1]

    def gaussian_pushforward(self) -> tuple[Callable[[np.ndarray], np.ndarray], float]:
        """``(f, q)`` with this law that of ``f(h)``, ``h ~ N(0, q)``: ``f = φ'²`` (used by densities).

        >>> from tpsym.nets.meanfield import Quantity
        >>> f, q = DerivativeLaw(get_activation("tanh"), Quantity(sympy.Integer(1), True, sympy.Integer(0))).gaussian_pushforward()
        >>> float(f(np.array([0.0]))[0]), q
        (1.0, 1.0)
        """
        act = self.activation

        def f(h: np.ndarray) -> np.ndarray:
            return np.square(np.asarray(act.dphi_numpy(np.asarray(h, dtype=np.float64)), dtype=np.float64))

        return f, float(self.q)

    def moment_symbol(self, k: int) -> sympy.Symbol:
        """The internal generator standing for μ_k."""
        return sympy.Symbol(f"{self._internal_name('mu')}_{k}")

    def _internal_symbols(self, n: int) -> dict[sympy.Symbol, sympy.Expr]:
        return {self.moment_symbol(k): v for k, v in enumerate(self.values(n), 1)}

    def _moments(self, ctx: Context, n: int) -> list[Any]:
        return [ctx.encode(self.moment_symbol(k)) for k in range(1, n + 1)]

    def _spec(self) -> str:
        return f"d2(activation={self.activation.spec}, q={self.q.format()})"

    def _latex(self, printer: Any) -> str:
        return rf"\mathcal{{D}}^2_{{\mathrm{{{self.activation.name}}}}}"


@dataclass(frozen=True, slots=True)
class GateLaw(Bernoulli):
    """``p δ_b + (1 − p) δ_a`` with p known numerically (a certified or, if q is not certifiable, a numeric constant).

    The law of D² of hard tanh at a numerical q*. ``p`` is an internal
    generator of the exact computation (its Float is put in on decoding);
    as a :class:`~tpsym.laws.Bernoulli` the density routes see its atoms.

    Examples
    --------
    >>> g = GateLaw(sympy.Float("0.25", 30), sympy.Integer(0), sympy.Integer(1))
    >>> g.moments(2)
    (0.250000000000000000000000000000, 0.250000000000000000000000000000)
    """

    def p_symbol(self) -> sympy.Symbol:
        """The internal generator standing for p."""
        return sympy.Symbol(self._internal_name("p"))

    def _params(self) -> tuple[sympy.Expr, ...]:
        return (self.p_symbol(), self.a, self.b)

    def _internal_symbols(self, n: int) -> dict[sympy.Symbol, sympy.Expr]:
        return {self.p_symbol(): self.p}

    def _moments(self, ctx: Context, n: int) -> list[Any]:
        p, a, b = (ctx.encode(x) for x in self._params())
        out, pa, pb = [], ctx.field.one, ctx.field.one
        for _ in range(n):
            pa, pb = pa * a, pb * b
            out.append(p * pb + (1 - p) * pa)
        return out

    def _spec(self) -> str:
        return f"bernoulli(p={expr_str(self.p, full_prec=False)}, a={expr_str(self.a)}, b={expr_str(self.b)})"


def gram_law(weights: str, sigma_w2: Any = 1) -> Law:
    """The law of W_lᵀW_l: ``scale(mp(ratio=1), σ_w²)`` (Gaussian) or ``dirac(σ_w²)`` (orthogonal).

    Gaussian W_ij ~ N(0, σ_w²/N) gives σ_w² times Marchenko–Pastur with
    ratio 1; W = σ_w·O with O Haar orthogonal gives WᵀW = σ_w² I.

    Raises
    ------
    InputError
        Unknown weights.
    DomainError
        σ_w² negative or zero (then J = 0).

    Examples
    --------
    >>> gram_law("gaussian", 2).moments(3)  # 2^k Catalan(k), OEIS A000108
    (2, 8, 40)
    >>> gram_law("orthogonal", sympy.Symbol("s")).moments(2)
    (s, s**2)
    """
    sw = _positive_sigma_w2(sigma_w2)
    if weights == "gaussian":
        return scale(mp(ratio=1), sw)
    if weights == "orthogonal":
        return dirac(sw)
    raise InputError(f"weights={weights!r} is not one of gaussian, orthogonal")


def _rectangular(mlp: MLP, factors: Sequence[Law]) -> Law:
    """The law of J_L J_Lᵀ (on the N_L outputs) of a network whose widths differ.

    With ``B = J_(l-1) J_(l-1)ᵀ`` on N_(l-1) outputs, ``λ = N_l/N_(l-1)`` and
    Gaussian ``W_l`` (``N_l × N_(l-1)``, entries of variance ``σ²/N_(l-1)``),
    ``J_l J_lᵀ = D_l W_l B W_lᵀ D_l`` and D_l² is free from ``W_l B W_lᵀ``:

    * ``λ >= 1`` (or symbolic): ``W_l = W̃ P`` with ``W̃`` square (entries of
      variance ``λσ²/N_l``) and ``P`` a projection of trace ``1/λ``, so
      ``W_l B W_lᵀ`` has the law ``dilute(B, 1/λ) ⊠ λσ²·mp(1)``;
    * ``λ < 1``: ``W_lᵀ ... W_l`` sees ``B`` through a projection of trace
      ``λ``, so the law is ``compress(B, λ) ⊠ σ²·mp(ratio=λ)`` (Nica–Speicher,
      Theorem 14.10, for the compression).

    The two forms have the same moments as rational functions of λ; for one
    linear layer both give ``mp(ratio=λ)`` (W Wᵀ of an ``N_1 × N_0`` matrix).
    """
    law: Law | None = None
    for i in range(1, mlp.depth + 1):
        d, lay = factors[2 * i - 2], mlp.layer(i)
        lam = mlp.ratio(i)
        sw = _positive_sigma_w2(lay.sigma_w2)
        if lam == 1:
            inner, gram = law, scale(mp(ratio=1), sw)
        elif lam.is_number and lam < 1:
            inner, gram = (None if law is None else compress(law, lam)), scale(mp(ratio=lam), sw)
        else:
            inner = dilute(dirac(1) if law is None else law, 1 / lam)
            gram = scale(mp(ratio=1), lam * sw)
        parts = [p for p in (inner, d, gram) if p is not None]
        law = BoxTimes(tuple(parts))
    assert law is not None
    return law


def _positive_sigma_w2(value: Any) -> sympy.Expr:
    sw = _nonneg(value, "sigma_w2")
    if sw.is_zero:
        raise DomainError("sigma_w2=0 makes every weight matrix 0 and J = 0; give sigma_w2 > 0")
    if sw.has(sympy.Float):
        raise DomainError(f"sigma_w2={sw} is a float; write it as a fraction")
    return sw


def d2_law(activation: str | Activation, q: Any, *, precision: int = DEFAULT_PRECISION) -> Law:
    """The law of D² = φ'(h)², h ~ N(0, q).

    Linear: ``dirac(1)``; ReLU: ``bernoulli(1/2, 0, 1)``; leaky ReLU with
    slope a: ``bernoulli(1/2, a², 1)``; hard tanh: ``bernoulli(p, 0, 1)``
    with p = erf(1/√(2q)) (exact for an exact q, a :class:`GateLaw` for a
    numerical one); erf, tanh and user formulas: a :class:`DerivativeLaw`.

    Parameters
    ----------
    activation : str or Activation
    q : number, sympy expression or Quantity
        The variance of the pre-activations (≥ 0).
    precision : int
        Significant digits of numerical μ_k.

    Examples
    --------
    >>> d2_law("hard_tanh", sympy.Rational(1, 2))
    Bernoulli(p=erf(1), a=0, b=1)
    >>> d2_law(get_activation("leaky_relu", slope=sympy.Rational(1, 5)), 1).moments(2)
    (13/25, 313/625)
    """
    act = get_activation(activation)
    precision = _check_precision(precision)
    qq = q if isinstance(q, Quantity) else Quantity(_nonneg(q, "q"), True, sympy.Integer(0))
    if isinstance(act, Linear):
        return dirac(1)
    if isinstance(act, ReLU):
        return bernoulli(sympy.Rational(1, 2), 0, 1)
    if isinstance(act, LeakyReLU):
        return bernoulli(sympy.Rational(1, 2), act.slope**2, 1)
    if isinstance(act, HardTanh):
        (p,) = mus(act, 1, qq, precision=precision)
        if p.exact:
            return bernoulli(sympy.S(p.value), 0, 1)
        q_ball = _q_ball(qq)
        if q_ball is None:
            label = f"p({act.spec}, q~{mpmath.nstr(qq.value, 10)})"
            return GateLaw(NumericConstant(label, p.value, p.error_bound), sympy.Integer(0), sympy.Integer(1))
        # p = erf(1/√(2q)) at a certified q: a certified constant
        q_const = certified_constant(f"q~{mpmath.nstr(qq.value, 10)}", q_ball)
        p_expr = act.mu_closed_form(1, q_const)
        p_const = certified_constant(f"p({act.spec}, q~{mpmath.nstr(qq.value, 10)})", lambda d: to_ball(p_expr, d))
        return GateLaw(p_const, sympy.Integer(0), sympy.Integer(1))
    if not qq.exact and not act.is_numeric:  # pragma: no cover - guarded by mean field
        raise InputError(f"activation {act.spec} has symbolic parameters; give numbers")
    law = DerivativeLaw(act, qq, precision)
    law.values(1)  # fail early (no closed form for a symbolic q, quadrature errors)
    return law


# =============================================================================
# The Jacobian law
# =============================================================================
_FORMULA = re.compile(r"^\s*formula\s*\((.*)\)\s*$", re.S)


def _activation(value: Any, slope: Any) -> Activation:
    if isinstance(value, Activation):
        return get_activation(value, slope=slope)
    if isinstance(value, sympy.Symbol):  # a bare name inside a tuple of the spec
        value = value.name
    if not isinstance(value, str):
        raise InputError(f"activation={value!r} is not a name such as relu or a 'formula(...)' string")
    m = _FORMULA.match(value)
    if m:
        if slope is not None:
            raise InputError(f"slope={slope} given with a formula activation")
        return Formula(parse_expression(m.group(1), locals={"x": X}), X)
    return get_activation(value, slope=slope)


def _word(value: Any, name: str) -> str:
    if isinstance(value, sympy.Symbol):
        return value.name
    if not isinstance(value, str):
        raise InputError(f"{name}={value!r} is not a word such as gaussian")
    return value


def _show(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    return expr_str(value)


def _per_layer(value: Any, depth: Any, name: str) -> tuple[Any, ...] | None:
    if not isinstance(value, (tuple, list)):
        return None
    if not isinstance(depth, int):
        raise InputError(f"{name} is given per layer, so depth must be an int, not {depth}")
    if len(value) != depth:
        raise InputError(f"{name} has {len(value)} entries but depth={depth}")
    return tuple(value)


def _depth(depth: Any) -> int | sympy.Expr:
    if isinstance(depth, bool):
        raise InputError(f"depth={depth!r} is not a positive integer or symbol")
    if isinstance(depth, sympy.Integer):
        depth = int(depth)
    if isinstance(depth, sympy.Expr) and depth.is_number:
        raise InputError(f"depth={depth} is not a positive integer")
    return depth


@dataclass(frozen=True, slots=True)
class JacobianLaw(BoxPower):
    """The law of J Jᵀ of a network: a ⊠-power with the network attached.

    ``base`` and ``exponent`` are those of the equivalent
    ``boxpower(boxtimes(law(D²), law(WᵀW)), L)`` (or of the ⊠-product over
    layers, with exponent 1, when the layers differ); ``mlp`` is the
    network, ``q`` the given pre-activation variance (None: the fixed point
    q*), ``d2`` a law of D² given explicitly, ``precision`` the digits of
    numerical μ_k. Build it with :func:`jacobian_law` or :meth:`of`.

    Examples
    --------
    >>> J = jacobian_law("linear", "orthogonal", sigma_w2=3, depth=2)
    >>> J.mlp.depth, J.equivalent()
    (2, BoxPower(base=BoxTimes(factors=(Dirac(a=1), Dirac(a=3))), exponent=2))
    """

    mlp: MLP
    q: sympy.Expr | None
    d2: Law | None
    precision: int
    gram: str = "output"

    @classmethod
    def of(
        cls, mlp: MLP, *, q: Any = None, d2: Law | None = None, precision: int = DEFAULT_PRECISION, gram: str = "output"
    ) -> JacobianLaw:
        """The Jacobian law of an :class:`~tpsym.nets.MLP` (layers may differ).

        ``q`` replaces the fixed point q* of a uniform network; for a network
        whose layers differ it is the variance q^0 of the input
        pre-activations, propagated by the length map (see
        :meth:`tpsym.nets.MLP.mean_fields`); None starts at layer 1's q*.

        Examples
        --------
        >>> net = MLP(2, "relu", sigma_w2=2, layers=(Layer(), Layer(weights="orthogonal")))
        >>> JacobianLaw.of(net).moments(2)  # m_2 = 1 + 2 + 1: Gaussian s1 = -1, orthogonal 0
        (1, 4)
        """
        if not isinstance(mlp, MLP):
            raise InputError(f"{mlp!r} is not an MLP")
        precision = _check_precision(precision)
        qe = None if q is None else _nonneg(q, "q")
        if d2 is not None and not isinstance(d2, Law):
            raise InputError(f"d2={d2!r} is not a law such as law(moments=mu)")
        for i in range(1, (mlp.depth if isinstance(mlp.depth, int) and mlp.layers else 1) + 1):
            _positive_sigma_w2(mlp.layer(i).sigma_w2)
        base: Law
        if mlp.is_uniform:
            if d2 is not None:
                d = d2
            else:
                mf = mlp.mean_field(q=qe, moments=1, precision=precision)
                d = d2_law(mlp.activation, mf.q, precision=precision)
            base = BoxTimes((d, gram_law(mlp.weights, mlp.sigma_w2)))
            exponent = sympy.Integer(mlp.depth) if isinstance(mlp.depth, int) else mlp.depth
        else:
            records = mlp.mean_fields(q0=qe, moments=1, precision=precision) if d2 is None else ()
            factors: list[Law] = []
            for i in range(1, mlp.depth + 1):
                lay = mlp.layer(i)
                d = d2 if d2 is not None else d2_law(_resolved(lay.activation, "activation"), records[i - 1].q, precision=precision)
                factors += [d, gram_law(_resolved(lay.weights, "weights"), lay.sigma_w2)]
            base, exponent = BoxTimes(tuple(factors)), sympy.Integer(1)
            if mlp.widths:
                base = _rectangular(mlp, factors)
        if gram not in ("output", "input"):
            raise InputError(f"gram={gram!r} is not output (J Jᵀ) or input (Jᵀ J)")
        if gram == "input" and mlp.widths:
            # tr((JᵀJ)^k)/N_0 = (N_L/N_0) tr((JJᵀ)^k)/N_L: the law of JJᵀ diluted by N_L/N_0
            # (a fraction above 1 when the output is wider: JJᵀ then has an atom at 0 of mass >= 1 - N_0/N_L)
            ratio = sympy.simplify(sympy.S(mlp.widths[-1]) / sympy.S(mlp.widths[0]))
            if ratio != 1:
                base, exponent = Dilated(BoxPower(base, exponent) if exponent != 1 else base, ratio), sympy.Integer(1)
        return cls(base, exponent, mlp, qe, d2, precision, gram)

    # -- structure --------------------------------------------------------
    def equivalent(self) -> BoxPower:
        """The equivalent tree of catalogue nodes (a plain :class:`~tpsym.laws.BoxPower`).

        Examples
        --------
        >>> jacobian_law("relu", sigma_w2=2, depth=2).equivalent().spec
        'boxpower(boxtimes(bernoulli(p=1/2, a=0, b=1), scale(mp(ratio=1), 2)), 2)'
        """
        return BoxPower(self.base, self.exponent)

    def layer_laws(self) -> tuple[tuple[Law, Law], ...]:
        """((law(D_1²), law(W_1ᵀW_1)), ..., (law(D_L²), law(W_LᵀW_L))), for an integer depth.

        Examples
        --------
        >>> [str(g) for _, g in jacobian_law("linear", "orthogonal", sigma_w2=(1, 2), depth=2).layer_laws()]
        ['dirac(1)', 'dirac(2)']
        """
        depth = self.mlp.depth
        if not isinstance(depth, int):
            raise InputError(f"depth={depth} is symbolic; the factors of each layer need an int depth")
        if self.mlp.widths:
            raise InputError(
                "the layers of this network are rectangular: W_lᵀW_l and D_l² act on spaces of different "
                "sizes, so the factors are not laws of one algebra (its moments are; see widths=)"
            )
        f = self.base.factors  # type: ignore[attr-defined]
        if self.mlp.is_uniform:
            return ((f[0], f[1]),) * depth
        return tuple((f[2 * i], f[2 * i + 1]) for i in range(depth))

    @property
    def parameters(self) -> frozenset[sympy.Symbol]:
        """The free symbols of the law's parameters (internal generators left out)."""
        return frozenset(s for s in BoxPower.parameters.fget(self) if not s.name.startswith("_"))  # type: ignore[attr-defined]

    # -- presentation -----------------------------------------------------
    def _spec(self) -> str:
        net = self.mlp
        depth = net.depth
        layers = [net.layer(i) for i in range(1, depth + 1)] if net.layers else [net.layer(1)]

        def field(get: Any, fmt: Any) -> str:
            values = [get(lay) for lay in layers]
            if all(v == values[0] for v in values):
                return fmt(values[0])
            return "(" + ", ".join(fmt(v) for v in values) + ")"

        def act_name(act: Activation) -> str:
            if isinstance(act, Formula):
                return f'"{act.spec}"'
            return act.name

        slopes = {lay.activation.slope for lay in layers if isinstance(lay.activation, LeakyReLU)}
        per_layer_slopes = len(slopes) > 1
        args = [
            f"activation={field(lambda lay: lay.activation, act_name)}",
            f"weights={field(lambda lay: lay.weights, str)}",
            f"sigma_w2={field(lambda lay: lay.sigma_w2, expr_str)}",
            f"sigma_b2={field(lambda lay: lay.sigma_b2, expr_str)}",
            f"depth={expr_str(depth)}",
        ]
        if per_layer_slopes:
            args.append("slope=(" + ", ".join(
                expr_str(lay.activation.slope) if isinstance(lay.activation, LeakyReLU) else "0"
                for lay in layers
            ) + ")")
        elif slopes:
            args.append(f"slope={expr_str(next(iter(slopes)))}")
        if self.q is not None:
            args.append(f"q={expr_str(self.q)}")
        if self.d2 is not None:
            args.append(f"d2={self.d2._spec()}")
        if self.precision != DEFAULT_PRECISION:
            args.append(f"precision={self.precision}")
        if net.widths:
            args.append("widths=(" + ", ".join(expr_str(w) for w in net.widths) + ")")
        if self.gram != "output":
            args.append(f"gram={self.gram}")
        return f"jacobian({', '.join(args)})"

    def _latex(self, printer: Any) -> str:
        r"""``\mathcal{J}_L(activation, weights; σ_w², σ_b²[, q][; widths])``, per-layer values as tuples."""
        net = self.mlp
        layers = [net.layer(i) for i in range(1, net.depth + 1)] if net.layers else [net.layer(1)]

        def field(get: Any, fmt: Any) -> str:
            values = [get(lay) for lay in layers]
            if all(v == values[0] for v in values):
                return fmt(values[0])
            return r"\left(" + ", ".join(fmt(v) for v in values) + r"\right)"

        def act_name(act: Activation) -> str:
            if isinstance(act, Formula):
                return rf"\varphi({printer._print(act.variable)}) = {printer._print(act.expr)}"
            name = act.name.replace("_", r"\_")
            if isinstance(act, LeakyReLU):
                return rf"\mathrm{{{name}}}_{{{printer._print(act.slope)}}}"
            return rf"\mathrm{{{name}}}"

        depth = printer._print(self.exponent if net.is_uniform else net.depth)
        parts = [
            field(lambda lay: lay.activation, act_name) + ", " + field(lambda lay: lay.weights, lambda w: rf"\mathrm{{{w}}}"),
            r"\sigma_w^2 = " + field(lambda lay: lay.sigma_w2, printer._print)
            + r", \sigma_b^2 = " + field(lambda lay: lay.sigma_b2, printer._print),
        ]
        if self.q is not None:
            parts[-1] += ", q = " + printer._print(self.q)
        if net.widths:
            parts.append("N = " + r"\left(" + ", ".join(printer._print(w) for w in net.widths) + r"\right)")
        return rf"\mathcal{{J}}_{{{depth}}}\left(" + "; ".join(parts) + r"\right)"


@spec_constructor("jacobian")
def jacobian_law(
    activation: str | tuple | Activation = "linear",
    weights: str | tuple = "gaussian",
    sigma_w2: Expr | tuple = 1,  # annotations are read as text by tpsym.spec
    sigma_b2: Expr | tuple = 0,
    depth: int | Expr = 1,
    q: Expr | None = None,
    slope: Expr | tuple | None = None,
    d2: Law | None = None,
    precision: int = DEFAULT_PRECISION,
    widths: tuple | None = None,
    gram: str = "output",
) -> JacobianLaw:
    """The law of J Jᵀ (or Jᵀ J), J = D_L W_L ··· D_1 W_1, at the fixed point q* (or the given q).

    This is the ``jacobian(...)`` law of the spec language:
    ``jacobian(activation=relu, weights=gaussian, sigma_w2=2, sigma_b2=0, depth=L)``.

    Parameters
    ----------
    activation : str or Activation, or a tuple (one per layer)
        linear, relu, leaky_relu (with ``slope``), hard_tanh, erf, tanh, or
        ``"formula(EXPR in x)"`` for a user activation.
    weights : {"gaussian", "orthogonal"} or a tuple
        W_ij ~ N(0, σ_w²/N), or W = σ_w·O with O Haar orthogonal.
    sigma_w2, sigma_b2 : number or sympy expression, or a tuple
        σ_w² > 0 and σ_b² ≥ 0.
    depth : int or sympy symbol
        L, the number of (D, W) pairs; an int when anything is per layer.
    q : number or sympy expression, optional
        Replaces q* (for layers that differ: the input's q^0).
    slope : number or sympy expression, or a tuple, optional
        Leaky ReLU's negative-side slope; per layer, a tuple with 0 for the
        layers that are not leaky ReLU.
    d2 : Law, optional
        The law of D² for every layer, e.g. ``law(moments=mu)``; no mean
        field is computed then.
    precision : int
        Significant digits of numerical μ_k and q*.
    widths : tuple, optional
        Relative widths ``(N_0, ..., N_L)`` (numbers or symbols) of a network
        whose layers are rectangular (Gaussian weights, int depth); the law is
        that of J Jᵀ on the N_L outputs. One linear layer gives
        ``mp(ratio=N_1/N_0)``.
    gram : {"output", "input"}
        ``output`` (default): the law of J Jᵀ, normalised by the output
        width N_L; ``input``: the law of Jᵀ J, normalised by the input width
        N_0, so that its moments are N_L/N_0 times those of J Jᵀ (the same
        law for square layers).

    Raises
    ------
    SpecError
        Unknown activation.
    InputError
        Unknown weights, a bad depth or per-layer tuples of the wrong length.
    DomainError
        Negative or zero σ_w², negative σ_b² or q, no fixed point.

    Examples
    --------
    Deep linear Gaussian networks have Fuss–Catalan moments times σ_w^(2Lk)
    (OEIS A001764 at L = 2):

    >>> s = sympy.Symbol("s")
    >>> jacobian_law("linear", "gaussian", sigma_w2=s, depth=2).moments(3)
    (s**2, 3*s**4, 12*s**6)
    >>> L = sympy.Symbol("L")
    >>> jacobian_law("relu", "orthogonal", sigma_w2=2, depth=L).moments(2)
    (1, L + 1)
    >>> jacobian_law("swish")
    Traceback (most recent call last):
    ...
    tpsym.errors.SpecError: unknown activation 'swish'; known activations: erf, hard_tanh, leaky_relu, linear, relu, tanh
    >>> jacobian_law("relu", sigma_w2=3, sigma_b2=1)
    Traceback (most recent call last):
    ...
    tpsym.errors.DomainError: no fixed point q*: the length map of relu is q -> 3*q/2 + 1 with slope sigma_w2*1/2 = 3/2 >= 1 and offset > 0, so q^l grows without bound

    Rectangular layers: one linear layer of widths (N_0, N_1) is
    Marchenko–Pastur with ratio N_1/N_0:

    >>> c = sympy.Symbol("c", positive=True)
    >>> jacobian_law("linear", widths=(1, c), depth=1).moments(3)
    (1, c + 1, c**2 + 3*c + 1)

    The input side: one linear layer of widths (1, 2) has Jᵀ J moments 2, 6
    where J Jᵀ has 1, 3:

    >>> jacobian_law("linear", widths=(1, 2), depth=1, gram="input").moments(2)
    (2, 6)
    """
    depth = _depth(depth)
    tuples = {
        name: _per_layer(value, depth, name)
        for name, value in (
            ("activation", activation), ("weights", weights), ("sigma_w2", sigma_w2),
            ("sigma_b2", sigma_b2), ("slope", slope),
        )
    }
    if isinstance(precision, sympy.Integer):
        precision = int(precision)
    shape = () if widths is None else _widths(widths)
    if not any(v is not None for v in tuples.values()):
        act = _activation(activation, slope)
        net = MLP(depth, act, _check_weights(_word(weights, "weights")), sigma_w2, sigma_b2, widths=shape)
        return JacobianLaw.of(net, q=q, d2=d2, precision=precision, gram=_word(gram, "gram"))
    assert isinstance(depth, int)  # checked by _per_layer
    acts = tuples["activation"] or (activation,) * depth
    ws = tuples["weights"] or (weights,) * depth
    sws = tuples["sigma_w2"] or (sigma_w2,) * depth
    sbs = tuples["sigma_b2"] or (sigma_b2,) * depth
    slopes = tuples["slope"] or (slope,) * depth

    def is_leaky(a: Any) -> bool:
        name = a.name if isinstance(a, sympy.Symbol) else a
        return isinstance(a, LeakyReLU) or (
            isinstance(name, str) and name.strip().lower().replace("-", "_") in ("leaky_relu", "leakyrelu")
        )

    if slope is not None and not any(is_leaky(a) for a in acts):
        raise InputError(f"slope={_show(slope)} is given but no layer is leaky_relu")
    if tuples["slope"] is not None:
        # one entry per layer; a layer that is not leaky ReLU takes 0 (ReLU is the slope-0 case)
        for index, (a, a_slope) in enumerate(zip(acts, slopes), 1):
            if not is_leaky(a) and not (isinstance(a_slope, (int, sympy.Expr)) and a_slope == 0):
                raise InputError(
                    f"slope={_show(slope)} gives layer {index} the slope {_show(a_slope)}, "
                    f"but its activation is not leaky_relu: give it 0"
                )
    layers = tuple(
        Layer(_activation(a, sl if is_leaky(a) else None), _word(w, "weights"), sw, sb)  # type: ignore[arg-type]
        for a, w, sw, sb, sl in zip(acts, ws, sws, sbs, slopes)
    )
    first = layers[0]
    net = MLP(depth, first.activation, first.weights, first.sigma_w2, first.sigma_b2, layers=layers, widths=shape)  # type: ignore[arg-type]
    return JacobianLaw.of(net, q=q, d2=d2, precision=precision, gram=_word(gram, "gram"))


def _widths(value: Any) -> tuple[Any, ...]:
    if isinstance(value, (tuple, list)):
        return tuple(value)
    raise InputError(f"widths={_show(value)} is not a tuple such as (1, 2, 1): give N_0, N_1, ..., N_L")


def jacobian_factors(mlp_or_law: MLP | JacobianLaw) -> dict[str, Law]:
    """The laws of the labels ``D1..DL`` (D_l²) and ``G1..GL`` (W_lᵀW_l) of a network of integer depth.

    Examples
    --------
    >>> sorted((k, str(v)) for k, v in jacobian_factors(MLP(1, "relu", sigma_w2=2)).items())
    [('D1', 'bernoulli(p=1/2, a=0, b=1)'), ('G1', 'scale(mp(ratio=1), 2)')]
    """
    law = mlp_or_law if isinstance(mlp_or_law, JacobianLaw) else JacobianLaw.of(mlp_or_law) if isinstance(mlp_or_law, MLP) else None
    if law is None:
        raise InputError(f"{mlp_or_law!r} is neither an MLP nor a Jacobian law")
    out: dict[str, Law] = {}
    for i, (d, g) in enumerate(law.layer_laws(), 1):
        out[f"D{i}"], out[f"G{i}"] = d, g
    return out


def jacobian_mixed_moment(mlp_or_law: MLP | JacobianLaw, word: str | Sequence[str]) -> sympy.Expr:
    """A mixed moment φ(x_1 ··· x_n) of the Jacobian's factors, as real networks have them.

    Labels: ``Dl`` stands for D_l² = diag φ_l'(h^l)², ``Gl`` for W_lᵀW_l,
    l = 1..L. The weights are free from each other and from the diagonal
    matrices, but the D_l commute and have a classical joint law (the Free
    Independence Principle: Yang, arXiv 2009.10685; Collins & Hayase, arXiv
    2103.13466), so the word is evaluated by :func:`tpsym.free.fip_moment`
    as a *-word with ``Gl -> W_lᵀ W_l`` and the D_l² independent commuting
    letters with the laws of :func:`jacobian_factors`. Adjacent
    diagonal letters multiply: φ(D1 D2 D1 D2) = E[D_1² D_2²] of the D_l² (1/4 for ReLU),
    not the value 3/16 of free letters. For the factors of J itself (D_l not
    squared, W_l and W_lᵀ apart) use :func:`tpsym.nets.words.network_mixed_moment`.

    Raises
    ------
    InputError
        A symbolic depth, an unknown label, an empty word, a word whose
        shapes do not fit (rectangular layers), ``d2=``.
    DomainError
        An activation whose joint moments of φ' are not exact (tanh, formulas).

    Examples
    --------
    >>> net = MLP(2, "relu", sigma_w2=2)
    >>> jacobian_mixed_moment(net, "D1 G1 D1 G1"), jacobian_law("relu", sigma_w2=2, depth=1).moment(2)
    (3, 3)
    >>> jacobian_mixed_moment(net, "D1 D2 D1 D2")
    1/4
    """
    from tpsym.free.fip import Alphabet, DiagonalLetter, IndependentDiagonals, WeightLetter, fip_moment

    law = mlp_or_law if isinstance(mlp_or_law, JacobianLaw) else JacobianLaw.of(mlp_or_law) if isinstance(mlp_or_law, MLP) else None
    if law is None:
        raise InputError(f"{mlp_or_law!r} is neither an MLP nor a Jacobian law")
    factors = jacobian_factors(law)  # refuses a symbolic depth and rectangular layers
    depth = law.mlp.depth
    table: dict[str, list[tuple[str, bool]]] = {}
    for i in range(1, depth + 1):
        table[f"D{i}"] = [(f"D{i}", False)]
        table[f"G{i}"] = [(f"W{i}", True), (f"W{i}", False)]
    from tpsym.free.mixed import parse_word

    expanded = [letter for label in parse_word(word, table) for letter in table[label]]
    # D_l² of different layers: independent commuting letters (their laws are those of D²);
    # numbers known to finite precision (Floats, certified constants) are carried as fresh
    # symbols, then put back (a ring homomorphism)
    floats: dict[sympy.Expr, sympy.Symbol] = {}
    n = len(expanded)
    seqs: dict[str, tuple[sympy.Expr, ...]] = {}
    for i in range(1, depth + 1):
        fixed = []
        for m in factors[f"D{i}"].moments(n):
            m = sympy.S(m)
            numbers = sorted(m.atoms(sympy.Float), key=str) + sorted(
                (a for a in m.free_symbols if isinstance(a, CertifiedConstant)), key=str
            )
            for f in numbers:
                floats.setdefault(f, sympy.Symbol(f"_float{len(floats)}"))
            fixed.append(m.xreplace(floats) if floats else m)
        seqs[f"D{i}"] = tuple(fixed)
    alphabet = Alphabet(
        weights=tuple(
            WeightLetter(f"W{i}", ensemble=_resolved(law.mlp.layer(i).weights, "weights"), variance=_positive_sigma_w2(law.mlp.layer(i).sigma_w2))
            for i in range(1, depth + 1)
        ),
        diagonals=tuple(DiagonalLetter(f"D{i}") for i in range(1, depth + 1)),
        law=IndependentDiagonals(seqs),
    )
    value = fip_moment(expanded, alphabet)
    return value.xreplace({s: f for f, s in floats.items()}) if floats else value
