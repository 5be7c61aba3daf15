"""Kernels of wide networks: the NNGP kernel, the NTK, the correlation map and depth scales.

Conventions (docs/design.md, "Kernels"): for two inputs the layer-1
pre-activations have the covariance Σ¹ = [[q1, c√(q1 q2)], [c√(q1 q2), q2]];
Σ^(l+1) = σ_w² E[φ(u)φ(v)] + σ_b² over (u, v) ~ N(0, Σ^l);
Σ̇^(l+1) = σ_w² E[φ'(u)φ'(v)]; in the NTK parameterisation Θ¹ = Σ¹ and
Θ^(l+1) = Σ^(l+1) + Σ̇^(l+1) Θ^l (Jacot et al., arXiv 1806.07572, Theorem 1;
Arora et al., arXiv 1904.11955, eq. (10)–(11)). ``nngp(..., depth=L)`` is
Σ^L_12 = E[h^L_i(x) h^L_i(x')], so depth 1 gives c√(q1 q2).

Closed forms (exact, symbolic in σ_w², σ_b², q, c) for

* linear: E[uv] = Σ12, E[φ'φ'] = 1;
* ReLU: the arc-cosine kernels of degree 1 and 0 (Cho & Saul, NIPS 2009,
  eq. (6)): E[φ(u)φ(v)] = √(Σ11 Σ22)(sin θ + (π − θ) cos θ)/(2π) and
  E[φ'(u)φ'(v)] = (π − θ)/(2π), θ = arccos ρ;
* leaky ReLU with slope a: φ = (1 − a) relu + a·id gives
  (1 − a)² k_1 + a Σ12 and (1 − a)² k_0 + a;
* erf: the arcsine kernel (Williams, NIPS 1997, eq. (11)):
  E[erf(u) erf(v)] = (2/π) arcsin(2Σ12 / √((1 + 2Σ11)(1 + 2Σ22))) and
  E[erf'(u) erf'(v)] = (4/π) / √((1 + 2Σ11)(1 + 2Σ22) − 4Σ12²).

**tanh** (an activation with an analytic-strip bound) is certified: its
kernels are :class:`tpsym.certified.CertifiedConstant` s whose balls come
from the two-dimensional trapezoidal rule with a rigorous error bound
(:func:`tpsym.nets.kernel_quadrature.certified_pair`); a depth-L kernel is
one constant computed by the layer recursion on balls, at the precision the
verifier asks for. So ``nngp(tanh, ...) == q_star(tanh, ...)`` is
*certified* to D digits or *refuted*. Where the mathematics gives an exact
value it is returned exactly: odd φ, σ_b² = 0 and c = 0 give 0 at every
depth; a zero variance gives φ(0)²; c* = 0 for odd φ with σ_b² = 0 in the
chaotic phase.

Other activations without a closed form are estimated: hard tanh off the
diagonal by a one-dimensional integral of its closed conditional expectation
(:func:`_hard_tanh_pair`, about 1e-13), user formulas by a tensor
Gauss–Hermite rule whose error is estimated by doubling the rule. The value is a
:class:`tpsym.certified.NumericConstant`, which evaluates with ``float()``
but which the verifier refuses to decide on, saying so; such claims are
checked numerically instead.

>>> q, c = sympy.symbols("q c", positive=True)
>>> nngp("relu", sigma_w2=2, sigma_b2=0, depth=3, q1=q, q2=q, c=1)
q
>>> ntk("relu", sigma_w2=2, sigma_b2=0, depth=sympy.Symbol("L", positive=True, integer=True), q1=q, q2=q, c=1)
L*q
"""

from __future__ import annotations

import contextvars
import math
import functools
from dataclasses import dataclass
from typing import Any, Literal

import mpmath
import numpy as np
import sympy
from mpmath.libmp import from_man_exp

from tpsym.certified import Ball, is_constant, to_ball
from tpsym.utils import as_param, expr_str
from tpsym.errors import DomainError, InputError, NumericError
from tpsym.nets.activations import Activation, get_activation
from tpsym.nets.kernel_quadrature import certified_pair

__all__ = [
    "KernelValue",
    "pair_expectation",
    "nngp",
    "ntk",
    "correlation_map",
    "c_star",
    "chi_c",
    "depth_scale",
    "kernel_matrices",
    "CLOSED_FORM_ACTIVATIONS",
]

#: Activations whose kernel and derivative kernel have closed forms here.
CLOSED_FORM_ACTIVATIONS = ("linear", "relu", "leaky_relu", "erf")

#: Gauss–Hermite orders of the numerical route (the second estimates the first's error).
_GH_ORDERS = (60, 120)


@dataclass(frozen=True, slots=True)
class KernelValue:
    """A numerical kernel value: ``mid`` with an estimated error ``radius`` (not rigorous).

    ``to_sympy()`` gives a Float with the digits the estimate supports.

    >>> KernelValue(0.25, 1e-12).to_sympy()
    0.25000000000
    """

    mid: float
    radius: float

    def digits(self) -> int:
        if self.radius <= 0 or self.mid == 0:
            return 15
        return max(1, min(15, int(np.floor(np.log10(abs(self.mid) / self.radius)))))

    def to_sympy(self) -> sympy.Float:
        return sympy.Float(self.mid, self.digits())


def _activation(activation: Any, slope: Any) -> Activation:
    """An activation from a name, an Activation, or a bare name of a claim (a sympy Symbol)."""
    if isinstance(activation, sympy.Symbol):
        activation = activation.name
    if isinstance(slope, KernelValue):
        slope = slope.to_sympy()
    return get_activation(activation, slope=slope)


def _word(value: Any) -> Any:
    """A keyword value given as a bare name in a claim (``kind=c``) as its string."""
    return value.name if isinstance(value, sympy.Symbol) else value


def _expr(value: Any, name: str) -> sympy.Expr:
    """A kernel argument: a :class:`KernelValue`, or a parameter read as :func:`tpsym.utils.as_param` reads it (0.5 is 1/2)."""
    if isinstance(value, KernelValue):
        return value.to_sympy()
    return as_param(value, name, exact=False)


def _nonnegative(value: sympy.Expr, name: str) -> None:
    if value.is_negative or (value.is_number and value.is_real and value < 0):
        raise DomainError(f"{name}={value} is negative; a variance must be >= 0")


def _correlation(c: sympy.Expr) -> None:
    if c.is_number and c.is_real and (c > 1 or c < -1):
        raise DomainError(f"c={c} is outside [-1, 1]; a correlation lies in [-1, 1]")


def _gh_nodes(n: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.hermite_e.hermegauss(n)
    return x, w / np.sqrt(2 * np.pi)


def _numeric_pair(act: Activation, s11: float | np.ndarray, s22: float | np.ndarray, s12: float | np.ndarray, derivative: bool) -> tuple[np.ndarray, np.ndarray]:
    """E[F(u)F(v)] by a tensor Gauss–Hermite rule, F = φ or φ'; (value, error estimate)."""
    f = act.dphi_numpy if derivative else act.phi_numpy
    s11, s22, s12 = (np.asarray(a, dtype=float) for a in (s11, s22, s12))
    out = []
    for n in _GH_ORDERS:
        x, w = _gh_nodes(n)
        a = np.sqrt(s11)[..., None, None]
        safe = np.where(s11 > 0, s11, 1.0)
        b = (s12 / np.sqrt(safe))[..., None, None]
        r = np.sqrt(np.maximum(s22 - s12**2 / safe, 0.0))[..., None, None]
        u = a * x[:, None]
        v = b * x[:, None] + r * x[None, :]
        val = np.einsum("...ij,i,j->...", f(u) * f(v), w, w)
        out.append(val)
    return out[1], np.abs(out[1] - out[0]) + 1e-15 * np.abs(out[1])


def _hard_tanh_pair(s11: float, s22: float, s12: float, derivative: bool) -> tuple[float, float]:
    """E[F(u)F(v)] for hard tanh (F = clip to [−1, 1], or F' = 1{|x| < 1}) as a one-dimensional integral.

    Given u, v is N(μ, σ²) with μ = (s12/s11) u and σ² = s22 − s12²/s11, and
    its conditional expectation is closed (Gaussian partial moments):
    E[clip(v)] = 1 − Φ(β) − Φ(α) + μ(Φ(β) − Φ(α)) + σ(ϕ(α) − ϕ(β)) and
    E[1{|v| < 1}] = Φ(β) − Φ(α), α = (−1 − μ)/σ, β = (1 − μ)/σ. The outer
    integral over u is split at the kinks ±1 (adaptive quadrature, with its
    error estimate): about 1e-13 where the two-dimensional Gauss–Hermite rule
    of the kinked integrand gave 1e-2. Still an estimate, not an enclosure.
    """
    from scipy import integrate, special

    if s11 <= 0 or s22 <= 0:
        f0 = 1.0 if derivative else 0.0  # F(0)
        other = s22 if s11 <= 0 else s11
        if other <= 0:
            return f0 * f0, 0.0
        s11, s22, s12 = other, 0.0, 0.0
    slope = s12 / s11
    var = max(s22 - s12 * s12 / s11, 0.0)
    sd = math.sqrt(var)
    su = math.sqrt(s11)

    def cond(u: float) -> float:
        mu = slope * u
        if sd == 0.0:
            return (1.0 if abs(mu) < 1 else 0.0) if derivative else max(-1.0, min(1.0, mu))
        a, b = (-1 - mu) / sd, (1 - mu) / sd
        pa, pb = special.ndtr(a), special.ndtr(b)
        if derivative:
            return float(pb - pa)
        da, db = math.exp(-a * a / 2) / math.sqrt(2 * math.pi), math.exp(-b * b / 2) / math.sqrt(2 * math.pi)
        return float(1 - pb - pa + mu * (pb - pa) + sd * (da - db))

    def outer(u: float) -> float:
        f = (1.0 if abs(u) < 1 else 0.0) if derivative else max(-1.0, min(1.0, u))
        return f * cond(u) * math.exp(-u * u / (2 * s11)) / (su * math.sqrt(2 * math.pi))

    total = err = 0.0
    for lo, hi in ((-math.inf, -1.0), (-1.0, 1.0), (1.0, math.inf)):
        if derivative and lo != -1.0:
            continue  # F' vanishes outside (−1, 1)
        value, e = integrate.quad(outer, lo, hi, epsabs=1e-14, epsrel=1e-13, limit=200)
        total += value
        err += e
    return total, err + 1e-15 * abs(total)


def _closed_pair(act: Activation, s11: Any, s22: Any, s12: Any, derivative: bool, lib: Any) -> Any:
    """The closed form of E[φ(u)φ(v)] (or E[φ'(u)φ'(v)]) in ``lib`` (sympy or numpy), or None."""
    name = act.name
    same = lib is sympy and s11 == s22  # variances are >= 0, so √(s·s) = s
    if name == "linear":
        return (s12 * 0 + 1) if derivative else s12
    if name in ("relu", "leaky_relu"):
        a = 0 if name == "relu" else act.slope  # type: ignore[attr-defined]
        if lib is np and name == "leaky_relu":
            a = float(a)
        pi = lib.pi
        root = s11 if same else lib.sqrt(s11 * s22)
        rho = s12 / root
        if lib is np:
            rho = np.clip(rho, -1.0, 1.0)
        # π − arccos ρ written as π/2 + arcsin ρ (one inverse function, so claims compare canonically)
        angle = pi / 2 + (lib.asin(rho) if lib is sympy else np.arcsin(rho))
        if derivative:
            return (1 - a) ** 2 * angle / (2 * pi) + a
        k1 = root * (lib.sqrt(1 - rho**2) + angle * rho) / (2 * pi)
        return (1 - a) ** 2 * k1 + a * s12
    if name == "erf":
        pi = lib.pi
        if derivative:
            return 4 / (pi * lib.sqrt((1 + 2 * s11) * (1 + 2 * s22) - 4 * s12**2))
        arcsin = lib.asin if lib is sympy else np.arcsin
        return 2 / pi * arcsin(2 * s12 / ((1 + 2 * s11) if same else lib.sqrt((1 + 2 * s11) * (1 + 2 * s22))))
    return None


def pair_expectation(activation: str | Activation, s11: Any, s22: Any, s12: Any, *, derivative: bool = False, slope: Any = None) -> sympy.Expr:
    """E[φ(u)φ(v)] (or E[φ'(u)φ'(v)]) for (u, v) ~ N(0, [[s11, s12], [s12, s22]]).

    Exact for linear, relu, leaky_relu and erf; a Float (estimated error,
    see :class:`KernelValue`) otherwise.

    >>> pair_expectation("relu", 1, 1, 0)
    1/(2*pi)
    >>> pair_expectation("erf", 1, 1, 1, derivative=True)
    4*sqrt(5)/(5*pi)
    """
    act = _activation(activation, slope)
    s11, s22, s12 = _expr(s11, "s11"), _expr(s22, "s22"), _expr(s12, "s12")
    return _pair(act, s11, s22, s12, derivative)


def _pair(act: Activation, s11: sympy.Expr, s22: sympy.Expr, s12: sympy.Expr, derivative: bool) -> sympy.Expr:
    closed = _closed_pair(act, s11, s22, s12, derivative, sympy)
    if closed is not None:
        return sympy.simplify(closed) if closed.free_symbols and closed.count_ops() < 60 else closed
    if not all(is_constant(e) for e in (s11, s22, s12)):
        raise InputError(
            f"the kernel of {act.spec} has no closed form here; give numbers for q1, q2, c, sigma_w2 and sigma_b2 "
            f"(closed forms: {', '.join(CLOSED_FORM_ACTIVATIONS)})"
        )
    if _certifiable(act) and not any(_has_numeric(e) for e in (s11, s22, s12)):
        return _certified_pair_value(act, s11, s22, s12, derivative)
    value: float | np.ndarray
    error: float | np.ndarray
    if act.name == "hard_tanh":
        value, error = _hard_tanh_pair(float(s11), float(s22), float(s12), derivative)
    else:
        value, error = _numeric_pair(act, float(s11), float(s22), float(s12), derivative)
    kv = KernelValue(float(value), float(error))
    layers = _NUMERIC_DIGITS.get()
    if layers is None:
        label = f"E[{_letter(act, derivative)}(u){_letter(act, derivative)}(v)]({expr_str(s11)}, {expr_str(s22)}, {expr_str(s12)})"
        return _numeric_constant(label, kv.mid, kv.digits())
    # inside a recursion: carry every double digit to the next layer, round once at the end
    layers.append(kv.digits())
    return sympy.Float(kv.mid, 15)


def _letter(act: Activation, derivative: bool) -> str:
    return act.spec + ("'" if derivative else "")


def _numeric_constant(label: str, value: float, digits: int) -> sympy.Expr:
    """A value tpsym estimated (not certified) to about ``digits`` digits, as a :class:`NumericConstant`."""
    from tpsym.certified import NumericConstant

    error = abs(value) * 10.0 ** (-digits) + 1e-15
    return NumericConstant(label, mpmath.mpf(value), mpmath.mpf(error))


def _has_numeric(e: sympy.Expr) -> bool:
    from tpsym.certified import NumericConstant

    return any(isinstance(s, NumericConstant) for s in e.free_symbols)


def _certifiable(act: Activation) -> bool:
    """Whether φ and φ' have analytic-strip bounds and interval evaluations (tanh)."""
    return act.analytic_strip("phi2", 1) is not None and act.analytic_strip("dphi", 1) is not None


@functools.lru_cache(maxsize=64)
def _odd(act: Activation) -> bool:
    """Whether φ(−x) = −φ(x) identically (sympy decides it; unknown counts as not odd)."""
    x = sympy.Symbol("x_", real=True)
    phi = act.phi_sympy(x)
    return bool(sympy.simplify(phi.subs(x, -x) + phi) == 0)


def _at_zero(act: Activation, derivative: bool) -> sympy.Expr | None:
    """F(0) exactly (F = φ or φ'), or None when φ' has no value at 0."""
    if not derivative:
        return act.value_at_zero()
    left, right = act.derivative_limits_at_zero()
    return left if left == right else None


def _exact_correlation(s11: sympy.Expr, s22: sympy.Expr, s12: sympy.Expr) -> int:
    """+1 / −1 when the inputs are exactly (anti-)proportional (ρ = ±1), else 0 (not known)."""
    from tpsym.certified import has_certified

    if s11 == s22 and s12 == s11:
        return 1
    if s11 == s22 and s12 == -s11:
        return -1
    if any(has_certified(e) for e in (s11, s22, s12)) or s12 == 0:
        return 0
    if sympy.simplify(s12**2 - s11 * s22) == 0:
        return 1 if s12.is_positive else -1 if s12.is_negative else 0
    return 0


@functools.lru_cache(maxsize=512)
def _certified_pair_value(act: Activation, s11: sympy.Expr, s22: sympy.Expr, s12: sympy.Expr, derivative: bool) -> sympy.Expr:
    """E[F(u)F(v)] exactly where the mathematics gives it, else a certified constant (one per arguments,
    so that equal calls share the object and its computed balls)."""
    from tpsym.certified import certified_constant

    f0 = _at_zero(act, derivative)
    if s11 == 0 and s22 == 0 and f0 is not None:
        return f0**2
    if (s11 == 0 or s22 == 0) and f0 == 0:
        return sympy.Integer(0)
    if s12 == 0 and not derivative and _odd(act):
        return sympy.Integer(0)  # u, v independent and E[φ(u)] = 0
    corr = _exact_correlation(s11, s22, s12)
    if corr == -1 and s11 == s22 and _odd(act):
        # φ' is even and φ odd: E[F(u)F(−u)] = ±E[F(u)²]
        same = _certified_pair_value(act, s11, s11, s11, derivative)
        return same if derivative else -same

    def compute(digits: int) -> Ball:
        b11, b22, b12 = (to_ball(e, digits + 10) for e in (s11, s22, s12))
        return certified_pair(act, b11, b22, b12, derivative, digits + 2, correlation=corr)

    label = f"E[{_letter(act, derivative)}(u){_letter(act, derivative)}(v)]({expr_str(s11)}, {expr_str(s22)}, {expr_str(s12)})"
    return certified_constant(label, compute)


def _layer_inputs(activation: Any, sigma_w2: Any, sigma_b2: Any, q1: Any, q2: Any, c: Any, slope: Any) -> tuple:
    act = _activation(activation, slope)
    sw, sb = _expr(sigma_w2, "sigma_w2"), _expr(sigma_b2, "sigma_b2")
    q1, q2, c = _expr(q1, "q1"), _expr(q2, "q2"), _expr(c, "c")
    for v, n in ((sw, "sigma_w2"), (sb, "sigma_b2"), (q1, "q1"), (q2, "q2")):
        _nonnegative(v, n)
    _correlation(c)
    return act, sw, sb, q1, q2, c


def _depth(depth: Any) -> sympy.Expr:
    d = _expr(depth, "depth")
    if d.is_number:
        if not d.is_Integer or d < 1:
            raise DomainError(f"depth={d} must be a positive integer")
    elif not (d.is_integer and d.is_positive):
        raise DomainError(f"depth={d} is symbolic: declare it positive and integer")
    return d


def _symbolic_depth(
    act: Activation, sw: sympy.Expr, sb: sympy.Expr, q1: sympy.Expr, q2: sympy.Expr, c: sympy.Expr, L: sympy.Expr, with_ntk: bool
) -> tuple[sympy.Expr, sympy.Expr]:
    """Σ^L and Θ^L for symbolic L where the recursion is linear: linear networks; ReLU/leaky ReLU on the diagonal."""
    diagonal = c == 1 and sympy.simplify(q1 - q2) == 0
    if act.name == "linear":
        s1, gain, dot = c * sympy.sqrt(q1 * q2), sw, sw
    elif act.name in ("relu", "leaky_relu") and diagonal:
        a = 0 if act.name == "relu" else act.slope  # type: ignore[attr-defined]
        gain = sw * (1 + a**2) / 2
        s1, dot = q1, gain
    else:
        raise InputError(
            f"depth={L} is symbolic, but the recursion of {act.spec} closes only for linear networks and for "
            "ReLU / leaky ReLU on the diagonal (q1 = q2, c = 1); give a number"
        )
    l, k = sympy.symbols("l_ k_", integer=True, positive=True)
    # Σ^l = gain^(l-1) Σ^1 + σ_b² Σ_{k=0}^{l-2} gain^k
    sig_l = gain ** (l - 1) * s1 + sb * sympy.Sum(gain**k, (k, 0, l - 2))
    sigma = sympy.simplify(sig_l.subs(l, L).doit())
    theta = sympy.Integer(0)
    if with_ntk:
        # Θ^L = Σ_{l=1}^{L} dot^(L-l) Σ^l  (Θ^1 = Σ^1, Θ^(l+1) = Σ^(l+1) + dot Θ^l)
        theta = sympy.simplify(sympy.Sum(dot ** (L - l) * sig_l, (l, 1, L)).doit())
    return sigma, theta


#: Inside :func:`_recursion`: the digits each numerical layer supports (None elsewhere).
_NUMERIC_DIGITS: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("_NUMERIC_DIGITS", default=None)


def _recursion(
    act: Activation, sw: sympy.Expr, sb: sympy.Expr, q1: sympy.Expr, q2: sympy.Expr, c: sympy.Expr, depth: int, with_ntk: bool,
    parameterization: str = "ntk",
) -> Any:
    """The layer recursion: exact (closed forms), certified on balls (tanh), or estimated.

    Estimated layers are carried in double precision and the result is one
    :class:`NumericConstant` whose error is one digit above the least accurate
    layer's estimate (intermediate values rounded layer by layer lost digits
    the final value still claimed)."""
    if depth > 1 and act.name not in CLOSED_FORM_ACTIVATIONS and all(is_constant(e) for e in (sw, sb, q1, q2, c)):
        if _odd(act) and sb == 0 and c == 0:
            return sympy.Integer(0), sympy.Integer(0)  # Σ12 = Θ = 0 at every layer: E[φ(u)] = 0, u ⟂ v
        if _certifiable(act) and not any(_has_numeric(e) for e in (sw, sb, q1, q2, c)):
            return _certified_recursion(act, sw, sb, q1, q2, c, depth, with_ntk, parameterization)
    token = _NUMERIC_DIGITS.set([])
    try:
        s12, theta = _recursion_exact(act, sw, sb, q1, q2, c, depth, with_ntk, parameterization)
        layers = _NUMERIC_DIGITS.get()
    finally:
        _NUMERIC_DIGITS.reset(token)
    if layers:
        d = max(1, min(layers) - 1)
        args = _call_args(act, sw, sb, q1, q2, c, depth) + (", parameterization=standard" if parameterization == "standard" else "")
        s12, theta = (_numeric_constant(f"{name}({args})", float(v), d) for name, v in (("nngp", s12), ("ntk", theta)))
    return s12, theta


def _call_args(act: Activation, sw: Any, sb: Any, q1: Any, q2: Any, c: Any, depth: int) -> str:
    """The arguments of a kernel call, as its constant's name shows them."""
    return (
        f"{act.spec}, sigma_w2={expr_str(sw)}, sigma_b2={expr_str(sb)}, depth={depth}, "
        f"q1={expr_str(q1)}, q2={expr_str(q2)}, c={expr_str(c)}"
    )


def _certified_recursion(
    act: Activation, sw: sympy.Expr, sb: sympy.Expr, q1: sympy.Expr, q2: sympy.Expr, c: sympy.Expr, depth: int, with_ntk: bool,
    parameterization: str,
) -> Any:
    """(Σ^L_12, Θ^L) as certified constants: the recursion run on balls at the precision asked for.

    Exact structure is kept where the balls alone would lose it: ρ = 1 while
    q1 = q2 and c = 1 (the one-dimensional rule, the pair never separates);
    ρ = −1 for odd φ with q1 = q2, c = −1 and σ_b² = 0.
    """
    from tpsym.certified import certified_constant

    args = _call_args(act, sw, sb, q1, q2, c, depth)
    if parameterization == "standard":
        if sw == 0:
            raise DomainError("sigma_w2 = 0: the standard parameterisation's first layer is undefined")
        args += ", parameterization=standard"
    equal = q1 == q2 or sympy.simplify(q1 - q2) == 0
    corr0 = 1 if c == 1 else -1 if c == -1 else 0
    odd = _odd(act)

    def run(work: int) -> tuple[Ball, Ball]:
        return _ball_recursion(act, (sw, sb, q1, q2, c), depth, with_ntk, parameterization, equal, corr0, odd, work)

    def compute(index: int) -> Any:
        def at(digits: int) -> Ball:
            work = digits + 4 + depth // 2
            result = run(work)[index]
            for _ in range(3):
                if result.digits() >= digits:
                    break
                work += max(10, digits - result.digits() + 5)
                result = run(work)[index]
            return result

        return at

    sigma = certified_constant(f"nngp({args})", compute(0))
    theta = certified_constant(f"ntk({args})", compute(1)) if with_ntk else sympy.Integer(0)
    return sigma, theta


@functools.lru_cache(maxsize=32)
def _ball_recursion(
    act: Activation, exprs: Any, depth: int, with_ntk: bool, parameterization: str, equal: bool, corr0: int, odd: bool, work: int
) -> tuple[Ball, Ball]:
    sw, sb, q1, q2, c = (to_ball(e, work + 10) for e in exprs)
    sb_zero = exprs[1] == 0
    s11, s22 = q1, (q1 if equal else q2)
    s12 = c * s11 if equal else c * (s11 * s22).sqrt()
    theta = s12 if parameterization == "ntk" else (s12 - sb) / sw
    corr = corr0

    def pair(a: Ball, b: Ball, ab: Ball, derivative: bool, correlation: int) -> Ball:
        return certified_pair(act, a, b, ab, derivative, work, correlation=correlation)

    for _ in range(depth - 1):
        e11 = pair(s11, s11, s11, False, 1)
        e22 = e11 if equal else pair(s22, s22, s22, False, 1)
        if corr == 1 and equal:
            e12 = e11
        elif corr == -1 and equal and odd:
            e12 = -e11
        else:
            e12 = pair(s11, s22, s12, False, corr)
        if with_ntk:
            if corr != 0 and equal:  # φ'(u)φ'(±u) = φ'(u)² when φ' is even (odd φ) or ρ = 1
                deriv_corr = 1 if (corr == 1 or odd) else -1
                dot = sw * pair(s11, s11, s11, True, deriv_corr)
            else:
                dot = sw * pair(s11, s22, s12, True, corr)
        s11, s22, s12 = sw * e11 + sb, sw * e22 + sb, sw * e12 + sb
        if with_ntk:
            theta = (s12 if parameterization == "ntk" else e12) + dot * theta
        if not (equal and (corr == 1 or (corr == -1 and odd and sb_zero))):
            corr = 0
    return s12, theta


def _recursion_exact(
    act: Activation, sw: sympy.Expr, sb: sympy.Expr, q1: sympy.Expr, q2: sympy.Expr, c: sympy.Expr, depth: int, with_ntk: bool,
    parameterization: str = "ntk",
) -> Any:
    s11, s22 = q1, q2
    s12 = c * q1 if q1 == q2 else c * sympy.sqrt(q1) * sympy.sqrt(q2)
    theta = s12
    if with_ntk and parameterization == "standard":
        if sw == 0:
            raise DomainError("sigma_w2 = 0: the standard parameterisation's first layer is undefined")
        theta = (s12 - sb) / sw
    for _ in range(depth - 1):
        e12 = _pair(act, s11, s22, s12, False)
        if with_ntk:
            dot = sw * _pair(act, s11, s22, s12, True)
        e11 = _diag(act, s11)
        e22 = e11 if s22 == s11 else _diag(act, s22)
        s11, s22, s12 = sw * e11 + sb, sw * e22 + sb, sw * e12 + sb
        if with_ntk:
            if parameterization == "ntk":
                theta = s12 + dot * theta
            else:
                theta = e12 + dot * theta
        if s12.free_symbols:
            s12 = sympy.simplify(s12) if s12.count_ops() < 200 else s12
    return s12, theta


def _diag(act: Activation, s: sympy.Expr) -> sympy.Expr:
    closed = act.second_moment_closed_form(s)
    if closed is not None:
        return closed
    return _pair(act, s, s, s, False)


def nngp(activation: str | Activation, sigma_w2: Any = 1, sigma_b2: Any = 0, depth: Any = 1, q1: Any = 1, q2: Any = 1, c: Any = 0, slope: Any = None) -> sympy.Expr:
    """The NNGP kernel Σ^L_12 = E[h^L_i(x) h^L_i(x')] of a depth-L network.

    Raises ``DomainError`` for c outside [−1, 1], a negative variance or a
    bad depth.

    >>> nngp("linear", sigma_w2=2, sigma_b2=1, depth=3, q1=1, q2=1, c=sympy.Rational(1, 2))
    5
    >>> nngp("relu", depth=1, q1=4, q2=9, c=sympy.Rational(1, 3))
    2
    """
    act, sw, sb, q1, q2, c = _layer_inputs(activation, sigma_w2, sigma_b2, q1, q2, c, slope)
    L = _depth(depth)
    if not L.is_number:
        return _symbolic_depth(act, sw, sb, q1, q2, c, L, False)[0]
    return _recursion(act, sw, sb, q1, q2, c, int(L), False)[0]


def ntk(
    activation: str | Activation, sigma_w2: Any = 1, sigma_b2: Any = 0, depth: Any = 1, q1: Any = 1, q2: Any = 1, c: Any = 0,
    slope: Any = None, parameterization: Literal["ntk", "standard"] = "ntk",
) -> sympy.Expr:
    """The neural tangent kernel Θ^L(x, x') of a depth-L network (scalar output).

    ``parameterization="ntk"``: Θ¹ = Σ¹, Θ^(l+1) = Σ^(l+1) + Σ̇^(l+1) Θ^l
    (Jacot et al. 1806.07572; Arora et al. 1904.11955). ``"standard"``: the
    weights W_ij ~ N(0, σ_w²/N) and the biases are the trained parameters and
    the kernel is divided by the width N (learning rate η/N; Sohl-Dickstein
    et al., arXiv 2001.07301, section 2), with the input dimension equal to
    the width: a layer's weights contribute E[φ(u)φ(v)] instead of
    σ_w² E[φ(u)φ(v)], its biases 1/N → 0, so
    Θ¹ = (Σ¹ − σ_b²)/σ_w², Θ^(l+1) = E[φ(u)φ(v)] + Σ̇^(l+1) Θ^l.

    >>> ntk("relu", sigma_w2=2, depth=2, q1=1, q2=1, c=1)
    2
    """
    parameterization = _word(parameterization)
    if parameterization not in ("ntk", "standard"):
        raise InputError(f"parameterization={parameterization!r} must be 'ntk' or 'standard'")
    act, sw, sb, q1, q2, c = _layer_inputs(activation, sigma_w2, sigma_b2, q1, q2, c, slope)
    L = _depth(depth)
    if not L.is_number:
        if parameterization != "ntk":
            raise InputError("symbolic depth is available in the NTK parameterisation only")
        return _symbolic_depth(act, sw, sb, q1, q2, c, L, True)[1]
    return _recursion(act, sw, sb, q1, q2, c, int(L), True, parameterization)[1]


def correlation_map(activation: str | Activation, sigma_w2: Any = 1, sigma_b2: Any = 0, q: Any = 1, c: Any = 0, slope: Any = None) -> sympy.Expr:
    """One layer's correlation map (σ_w² E[φ(u)φ(v)] + σ_b²) / (σ_w² E[φ(u)²] + σ_b²), u, v of variance q.

    Poole et al.'s C(c) (arXiv 1606.05340, eq. (5)) at q = q*.

    >>> correlation_map("relu", 2, 0, q=1, c=0)
    1/pi
    """
    act, sw, sb, q, _, c = _layer_inputs(activation, sigma_w2, sigma_b2, q, q, c, slope)
    num = sw * _pair(act, q, q, c * q, False) + sb
    den = sw * _diag(act, q) + sb
    if den == 0:
        raise DomainError("the next layer's variance is 0: the correlation map is undefined")
    return sympy.simplify(num / den) if num.free_symbols and num.count_ops() < 80 else num / den


def _q_star(act: Activation, sw: sympy.Expr, sb: sympy.Expr) -> sympy.Expr:
    from tpsym.nets.claims import q_star

    return q_star(act, sw, sb)


def _named(label: str, expr: sympy.Expr) -> sympy.Expr:
    """A constant holding certified constants as one constant named ``label`` (shorter to read)."""
    from tpsym.certified import CertifiedConstant, certified_constant, has_certified

    if not has_certified(expr) or isinstance(expr, CertifiedConstant) or _has_numeric(expr) or not is_constant(expr):
        return expr
    return certified_constant(label, lambda digits: to_ball(expr, digits))


def _call(name: str, act: Activation, *values: Any) -> str:
    return f"{name}({act.spec}, {', '.join(expr_str(v) for v in values)})"


def chi_c(activation: str | Activation, sigma_w2: Any = 1, sigma_b2: Any = 0, slope: Any = None) -> sympy.Expr:
    """The slope χ_c = σ_w² E[φ'(u)φ'(v)] of the correlation map at c = 1, q = q*.

    Computed from the derivative kernel at c = 1 (not from μ_1), so that
    ``chi_c == chi`` is a check of two routes (Schoenholz et al., arXiv
    1611.01232, eq. (5) with c* = 1). tanh gives a certified constant.

    >>> chi_c("relu", 2, 0), chi_c("erf", sympy.Rational(1, 2), 0)
    (1, 2/pi)
    """
    act, sw, sb, *_ = _layer_inputs(activation, sigma_w2, sigma_b2, 1, 1, 1, slope)
    return _chi_c(act, sw, sb)


@functools.lru_cache(maxsize=128)
def _chi_c(act: Activation, sw: sympy.Expr, sb: sympy.Expr) -> sympy.Expr:
    q = _q_star(act, sw, sb)
    if q == 0 and act.name in ("relu", "leaky_relu", "linear"):
        q = sympy.Integer(1)  # these derivative kernels do not depend on the length
    return _named(_call("chi_c", act, sw, sb), sympy.simplify(sw * _pair(act, q, q, q, True)))


def _certified_sign(expr: sympy.Expr, digits: int = 30) -> int | None:
    """The sign of a constant holding certified constants (q*, mu_k as balls), when its enclosure decides it."""
    from tpsym.certified import has_certified

    if not has_certified(expr) or not is_constant(expr) or _has_numeric(expr):
        return None
    for d in (digits, 2 * digits):
        ball = to_ball(expr, d)
        if not ball.contains_zero():
            return 1 if ball.mid() > 0 else -1
        if ball.radius() == 0:
            return 0
    return None


def c_star(activation: str | Activation, sigma_w2: Any = 1, sigma_b2: Any = 0, slope: Any = None) -> sympy.Expr:
    """The stable fixed point c* of the correlation map at q* (Poole et al., arXiv 1606.05340).

    c* = 1 when χ_c ≤ 1 (the ordered phase and its edge). In the chaotic
    phase (χ_c > 1) it is the fixed point in [0, 1): by Mehler's formula
    E[φ(u)φ(v)] is a power series in c with coefficients ≥ 0, so C is
    increasing and convex on [0, 1] with C(1) = 1 and C'(1) = χ_c > 1, and
    C(c) − c has exactly one zero in [0, 1), where C' < 1 (attracting).
    It is 0 exactly when φ is odd and σ_b² = 0 (then C(0) = 0); otherwise a
    certified constant: Newton's method on midpoints (C'(c) = σ_w² E[φ'(u)φ'(v)],
    Price's theorem), then a sign change of C(c) − c on an interval of width
    about 10^−D checked in ball arithmetic. Activations without certified
    kernels give an estimate (:class:`NumericConstant`).

    >>> c_star("relu", 2, 0)
    1
    >>> c_star("erf", 4, 0)
    0
    """
    act, sw, sb, *_ = _layer_inputs(activation, sigma_w2, sigma_b2, 1, 1, 1, slope)
    slope1 = chi_c(act, sw, sb)
    decided = sympy.simplify(slope1 - 1)
    sign = _certified_sign(decided)
    if sign is not None and sign <= 0 or decided.is_nonpositive:
        return sympy.Integer(1)
    if not (decided.is_positive or sign == 1):
        raise DomainError(f"chi_c - 1 = {decided} has an undecided sign; give numbers")
    if not all(is_constant(e) for e in (sw, sb)):
        raise InputError(f"c* of {act.spec} in the chaotic phase needs numbers for sigma_w2 and sigma_b2")
    if _odd(act) and sb == 0:
        return sympy.Integer(0)
    return _chaotic_c_star(act, sw, sb)


@functools.lru_cache(maxsize=64)
def _chaotic_c_star(act: Activation, sw: sympy.Expr, sb: sympy.Expr) -> sympy.Expr:
    """c* < 1 of the chaotic phase: one constant per (activation, σ_w², σ_b²)."""
    q = _q_star(act, sw, sb)
    label = _call("c_star", act, sw, sb)
    rough = _rough_c_star(act, float(sw), float(sb), float(q))

    def g(c: sympy.Expr) -> sympy.Expr:
        return (sw * _pair(act, q, q, c * q, False) + sb) / q - c

    def dg(c: sympy.Expr) -> sympy.Expr:
        return sw * _pair(act, q, q, c * q, True) - 1

    if not (_certifiable(act) or act.name in CLOSED_FORM_ACTIVATIONS) or _has_numeric(q):
        from tpsym.certified import NumericConstant

        return NumericConstant(label, mpmath.mpf(rough), mpmath.mpf("1e-10"))

    def compute(digits: int) -> Ball:
        return _certified_root(g, dg, rough, digits)

    from tpsym.certified import certified_constant

    return certified_constant(label, compute)


def _rough_c_star(act: Activation, sw: float, sb: float, q: float) -> float:
    """The fixed point in [0, 1) of the correlation map, in double precision (brentq)."""
    from scipy.optimize import brentq

    e11 = float(_closed_or_numeric(act, q, q))

    def g(c: float) -> float:
        return (sw * float(_closed_or_numeric(act, q, q * c)) + sb) / (sw * e11 + sb) - c

    if g(0.0) <= 0:
        return 0.0
    hi = 1.0 - 1e-9
    while g(hi) >= 0 and hi > 0.5:  # g < 0 just below 1 in the chaotic phase
        hi = 1 - 10 * (1 - hi)
    return float(brentq(g, 0.0, hi, xtol=1e-15))


def _dyadic(man: int, exp: int) -> tuple[sympy.Rational, mpmath.mpf]:
    """man·2^exp as an exact sympy Rational and an exact mpf."""
    value = sympy.Integer(man) * sympy.Integer(2) ** exp
    return value, mpmath.mp.make_mpf(from_man_exp(man, exp))


def _certified_root(g: Any, dg: Any, start: float, digits: int) -> Ball:
    """A ball [lo, hi] of width about 10^-digits with g(lo) > 0 > g(hi): it holds a zero of g.

    Newton's method on ball midpoints, doubling the working digits each step,
    then the sign of g at both ends in ball arithmetic (the certificate).
    """
    bits = int((digits + 8) * 3.33) + 8
    c = mpmath.mpf(start)
    work = 12  # the start is a double-precision root: two Newton steps reach the digits asked for
    for _ in range(40):
        point = _dyadic(*c.man_exp)[0] if c != 0 else sympy.Integer(0)
        step = mpmath.fdiv(to_ball(g(point), work).mid(), to_ball(dg(point), work).mid(), prec=bits)
        c = mpmath.fsub(c, step, prec=bits)
        # quadratic convergence: after a step of 10^-(D/2 + 3) at full precision, c is good to about 10^-D
        if work >= digits + 8 and abs(step) < mpmath.mpf(10) ** (-(digits // 2 + 3)):
            break
        work = min(2 * work, digits + 8)
    k = int((digits + 2) * 3.33) + 1
    m, e = c.man_exp if c != 0 else (0, 0)
    man = m << (e + k) if e + k >= 0 else m >> -(e + k)  # floor(c·2^k), exactly
    for widen in range(4):
        delta = 2 ** (7 * widen)
        lo, lo_mpf = _dyadic(man - delta, -k)
        hi, hi_mpf = _dyadic(man + 1 + delta, -k)
        if to_ball(g(lo), digits + 8).lower > 0 and to_ball(g(hi), digits + 8).upper < 0:
            return Ball(lo_mpf, hi_mpf, bits)
    raise NumericError(f"no certified sign change of the correlation map near c = {mpmath.nstr(c, 15)}")


def _closed_or_numeric(act: Activation, q: float, s: float) -> float:
    value = _closed_pair(act, q, q, s, False, np)
    if value is not None:
        return float(value)
    return float(_numeric_pair(act, q, q, s, False)[0])


def depth_scale(activation: str | Activation, sigma_w2: Any = 1, sigma_b2: Any = 0, kind: str = "c", slope: Any = None) -> sympy.Expr:
    """The depth scale ξ_c = −1/log χ_c or ξ_q = −1/log χ_q (Schoenholz et al., arXiv 1611.01232, eqs. (4), (7)–(9)).

    χ_q = σ_w² E[φ'(h)² + φ(h)φ''(h)], h ~ N(0, q*), is the slope of the
    length map at q*; by Gaussian integration by parts it is σ_w² d/dq E[φ(√q z)²].
    For tanh, φ'² + φφ'' = 3 sech⁴ − 2 sech², with E[sech⁴] = μ_1 and, at the
    fixed point, E[sech²] = 1 − (q* − σ_b²)/σ_w²: χ_q = 3σ_w² μ_1 − 2σ_w² + 2(q* − σ_b²)
    (certified). χ_c = σ_w² E[φ'(u)φ'(v)] over the pair of variance q* and
    correlation c*: at c* = 1 in the ordered phase, at the certified c* < 1 in
    the chaotic phase. ξ = ∞ where χ = 1.

    >>> depth_scale("relu", 2, 0, kind="c")
    oo
    >>> depth_scale("relu", 1, 0, kind="q")
    1/log(2)
    """
    kind = _word(kind)
    if kind not in ("c", "q"):
        raise InputError(f"kind={kind!r} must be 'c' or 'q'")
    act, sw, sb, *_ = _layer_inputs(activation, sigma_w2, sigma_b2, 1, 1, 1, slope)
    if kind == "c":
        cs = c_star(act, sw, sb)
        if cs == 1:
            chi = chi_c(act, sw, sb)
        else:
            q = _q_star(act, sw, sb)
            chi = _named(_call("chi_c_star", act, sw, sb), sw * _pair(act, q, q, cs * q, True))
    else:
        q = _q_star(act, sw, sb)
        if q == 0 and act.name in ("relu", "leaky_relu", "linear"):
            q = sympy.Integer(1)
        qs = sympy.Symbol("q_", positive=True)
        second = act.second_moment_closed_form(qs)
        if second is not None:
            chi = sympy.simplify(sw * sympy.diff(second, qs).subs(qs, q))
        elif act.name == "tanh":
            from tpsym.nets.claims import mu

            # E[sech⁴] = μ_1 and, at the fixed point, E[sech²] = 1 − E[tanh²] = 1 − (q* − σ_b²)/σ_w²
            chi = sympy.simplify(3 * sw * mu(act, 1, q) - 2 * sw + 2 * (q - sb))
        else:
            raise InputError(f"xi_q of {act.spec} needs a closed-form length map (or tanh's certified one)")
    if chi == 1:
        return sympy.oo
    out = sympy.simplify(-1 / sympy.log(chi))
    return _named(_call("depth_scale", act, sw, sb) + f"[{kind}]", out)


def _batch_pair(act: Activation, s11: np.ndarray, s22: np.ndarray, s12: np.ndarray, derivative: bool) -> np.ndarray:
    """All entries at once: the vectorised trapezoidal lattice where the activation gives an
    analytic-strip bound (tanh; :func:`tpsym.nets.kernel_quadrature.pair_matrix`), computed on
    the upper triangle; tensor Gauss–Hermite otherwise."""
    if act.analytic_strip("dphi" if derivative else "phi2", 1) is None:
        return _numeric_pair(act, s11, s22, s12, derivative)[0]
    from tpsym.nets.kernel_quadrature import pair_matrix

    i, j = np.triu_indices(s12.shape[0])
    out = np.empty_like(s12)
    out[i, j] = pair_matrix(act, s11[i, j], s22[i, j], s12[i, j], derivative)
    out[j, i] = out[i, j]
    return out


def kernel_matrices(
    activation: Any, sigma1: np.ndarray, depth: int, sigma_w2: float = 1.0, sigma_b2: float = 0.0, slope: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(NNGP, NTK) matrices of a batch whose layer-1 covariance is ``sigma1`` (NTK parameterisation).

    For inputs X (rows) of dimension N0, Σ¹ = σ_w² X Xᵀ / N0 + σ_b². Vectorised
    closed forms for linear, relu, leaky_relu and erf; for tanh the trapezoidal lattice
    of :mod:`tpsym.nets.kernel_quadrature` (FFT over the batch, about 1e-12);
    Gauss–Hermite otherwise.

    >>> K, T = kernel_matrices("relu", np.array([[1.0, 0.0], [0.0, 1.0]]), 2, 2.0)
    >>> np.round(K, 6).tolist(), np.round(T, 6).tolist()
    ([[1.0, 0.31831], [0.31831, 1.0]], [[2.0, 0.31831], [0.31831, 2.0]])
    """
    act = _activation(activation, slope)
    s = np.array(sigma1, dtype=float)
    if s.ndim != 2 or s.shape[0] != s.shape[1] or not np.allclose(s, s.T):
        raise InputError("sigma1 must be a symmetric square matrix")
    if np.any(np.diag(s) < 0):
        raise DomainError("sigma1 has a negative variance on its diagonal")
    if sigma_w2 < 0 or sigma_b2 < 0:
        raise DomainError("sigma_w2 and sigma_b2 must be >= 0")
    if int(depth) != depth or depth < 1:
        raise DomainError(f"depth={depth} must be a positive integer")
    theta = s.copy()
    for _ in range(int(depth) - 1):
        d = np.diag(s)
        s11, s22 = d[:, None] * np.ones_like(s), d[None, :] * np.ones_like(s)
        e = _closed_pair(act, s11, s22, s, False, np)
        if e is None:
            e = _batch_pair(act, s11, s22, s, False)
        ed = _closed_pair(act, s11, s22, s, True, np)
        if ed is None:
            ed = _batch_pair(act, s11, s22, s, True)
        s = sigma_w2 * e + sigma_b2
        theta = s + sigma_w2 * ed * theta
    return s, theta
