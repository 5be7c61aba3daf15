"""Kernels of wide networks: the NNGP kernel, the NTK, the correlation map and depth scales.

Conventions (shared/DESIGN.md, "Kernels"): for two inputs the layer-1
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

Other activations (tanh, hard tanh, user formulas) are integrated
numerically by a tensor Gauss–Hermite rule whose error is estimated by
doubling the rule; the value is a :class:`KernelValue` with that estimate.
It is **not** a rigorous enclosure: such values are never exact, and claims
receive them as sympy Floats, which the verifier refuses to decide on (as it
does for q* of tanh); they are checked numerically instead.

>>> q, c = sympy.symbols("q c", positive=True)
>>> nngp("relu", sigma_w2=2, sigma_b2=0, depth=3, q1=q, q2=q, c=1)
q
>>> ntk("relu", sigma_w2=2, sigma_b2=0, depth=sympy.Symbol("L", positive=True, integer=True), q1=q, q2=q, c=1)
L*q
"""

from __future__ import annotations

import contextvars

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import sympy

from tpsym.errors import DomainError, InputError
from tpsym.nets.activations import Activation, get_activation

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
    if isinstance(value, KernelValue):
        return value.to_sympy()
    try:
        out = sympy.sympify(value, strict=True) if not isinstance(value, sympy.Basic) else value
    except (sympy.SympifyError, TypeError) as exc:
        raise InputError(f"{name}={value!r} is not a number or expression") from exc
    if not isinstance(out, sympy.Expr):
        raise InputError(f"{name}={value!r} is not a number or expression")
    return out


def _nonnegative(value: sympy.Expr, name: str) -> None:
    if value.is_negative or (value.is_number and value.is_real and value < 0):
        raise DomainError(f"{name}={value} is negative; a variance must be >= 0")


def _correlation(c: sympy.Expr) -> None:
    if c.is_number and c.is_real and (c > 1 or c < -1):
        raise DomainError(f"c={c} is outside [-1, 1]; a correlation lies in [-1, 1]")


def _gh_nodes(n: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.hermite_e.hermegauss(n)
    return x, w / np.sqrt(2 * np.pi)


def _numeric_pair(act: Activation, s11: np.ndarray, s22: np.ndarray, s12: np.ndarray, derivative: bool) -> tuple[np.ndarray, np.ndarray]:
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


def pair_expectation(activation: Any, s11: Any, s22: Any, s12: Any, *, derivative: bool = False, slope: Any = None) -> sympy.Expr:
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
    if not all(e.is_number for e in (s11, s22, s12)):
        raise InputError(
            f"the kernel of {act.spec} has no closed form here; give numbers for q1, q2, c, sigma_w2 and sigma_b2 "
            f"(closed forms: {', '.join(CLOSED_FORM_ACTIVATIONS)})"
        )
    if derivative and act.name == "hard_tanh":
        pass  # φ' is an indicator: Gauss–Hermite still converges, slowly; its error estimate says so
    value, error = _numeric_pair(act, float(s11), float(s22), float(s12), derivative)
    kv = KernelValue(float(value), float(error))
    layers = _NUMERIC_DIGITS.get()
    if layers is None:
        return kv.to_sympy()
    # inside a recursion: carry every double digit to the next layer, round once at the end
    layers.append(kv.digits())
    return sympy.Float(kv.mid, 15)


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


def _symbolic_depth(act: Activation, sw, sb, q1, q2, c, L, with_ntk: bool) -> tuple[sympy.Expr, sympy.Expr]:
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


def _recursion(act, sw, sb, q1, q2, c, depth: int, with_ntk: bool, parameterization: str = "ntk"):
    """The layer recursion; numerical layers are carried in double precision and the result is
    rounded once, to one digit fewer than the least accurate layer supports (intermediate values
    rounded layer by layer lost digits the final value still claimed)."""
    token = _NUMERIC_DIGITS.set([])
    try:
        s12, theta = _recursion_exact(act, sw, sb, q1, q2, c, depth, with_ntk, parameterization)
        layers = _NUMERIC_DIGITS.get()
    finally:
        _NUMERIC_DIGITS.reset(token)
    if layers:
        d = max(1, min(layers) - 1)
        s12, theta = (v.xreplace({f: sympy.Float(f, d) for f in v.atoms(sympy.Float)}) for v in (sympy.S(s12), sympy.S(theta)))
        s12, theta = (sympy.Float(v.evalf(d + 5), d) if v.is_number else v for v in (s12, theta))
    return s12, theta


def _recursion_exact(act, sw, sb, q1, q2, c, depth: int, with_ntk: bool, parameterization: str = "ntk"):
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


def nngp(activation: Any, sigma_w2: Any = 1, sigma_b2: Any = 0, depth: Any = 1, q1: Any = 1, q2: Any = 1, c: Any = 0, slope: Any = None) -> sympy.Expr:
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
    activation: Any, sigma_w2: Any = 1, sigma_b2: Any = 0, depth: Any = 1, q1: Any = 1, q2: Any = 1, c: Any = 0,
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


def correlation_map(activation: Any, sigma_w2: Any = 1, sigma_b2: Any = 0, q: Any = 1, c: Any = 0, slope: Any = None) -> sympy.Expr:
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


def chi_c(activation: Any, sigma_w2: Any = 1, sigma_b2: Any = 0, slope: Any = None) -> sympy.Expr:
    """The slope χ_c = σ_w² E[φ'(u)φ'(v)] of the correlation map at c = 1, q = q*.

    Computed from the derivative kernel at c = 1 (not from μ_1), so that
    ``chi_c == chi`` is a check of two routes (Schoenholz et al., arXiv
    1611.01232, eq. (5) with c* = 1).

    >>> chi_c("relu", 2, 0), chi_c("erf", sympy.Rational(1, 2), 0)
    (1, 2/pi)
    """
    act, sw, sb, *_ = _layer_inputs(activation, sigma_w2, sigma_b2, 1, 1, 1, slope)
    q = _q_star(act, sw, sb)
    if q == 0 and act.name in ("relu", "leaky_relu", "linear"):
        q = sympy.Integer(1)  # these derivative kernels do not depend on the length
    return sympy.simplify(sw * _pair(act, q, q, q, True))


def _certified_sign(expr: sympy.Expr, digits: int = 30) -> int | None:
    """The sign of a constant holding certified constants (q*, mu_k as balls), when its enclosure decides it."""
    from tpsym.certified import has_certified, to_ball

    if not has_certified(expr) or expr.free_symbols - {a for a in expr.atoms(sympy.Symbol) if has_certified(a)}:
        return None
    ball = to_ball(expr, digits)
    if ball.contains_zero():
        return 0 if ball.radius() == 0 else None
    return 1 if ball.mid() > 0 else -1


def c_star(activation: Any, sigma_w2: Any = 1, sigma_b2: Any = 0, slope: Any = None) -> sympy.Expr:
    """The stable fixed point c* of the correlation map at q* (Poole et al., arXiv 1606.05340).

    c* = 1 when χ_c ≤ 1 (the ordered phase and its edge); otherwise the
    fixed point in [−1, 1) found by bisection (a Float).

    >>> c_star("relu", 2, 0)
    1
    """
    act, sw, sb, *_ = _layer_inputs(activation, sigma_w2, sigma_b2, 1, 1, 1, slope)
    slope1 = chi_c(act, sw, sb)
    decided = sympy.simplify(slope1 - 1)
    sign = _certified_sign(decided)
    if sign is not None and sign <= 0 or decided.is_nonpositive:
        return sympy.Integer(1)
    if not (decided.is_positive or sign == 1):
        raise DomainError(f"chi_c - 1 = {decided} has an undecided sign; give numbers")
    q = float(_q_star(act, sw, sb))
    from scipy.optimize import brentq

    def g(c: float) -> float:
        s = q * c
        e12 = float(_closed_or_numeric(act, q, s))
        e11 = float(_closed_or_numeric(act, q, q))
        return (float(sw) * e12 + float(sb)) / (float(sw) * e11 + float(sb)) - c

    root = brentq(g, -1.0 + 1e-12, 1.0 - 1e-9, xtol=1e-14)
    return sympy.Float(root, 10)


def _closed_or_numeric(act: Activation, q: float, s: float) -> float:
    value = _closed_pair(act, q, q, s, False, np)
    if value is not None:
        return float(value)
    return float(_numeric_pair(act, q, q, s, False)[0])


def depth_scale(activation: Any, sigma_w2: Any = 1, sigma_b2: Any = 0, kind: str = "c", slope: Any = None) -> sympy.Expr:
    """The depth scale ξ_c = −1/log χ_c or ξ_q = −1/log χ_q (Schoenholz et al., arXiv 1611.01232, eqs. (4), (7)).

    χ_q = σ_w² E[φ'(h)² + φ(h)φ''(h)], h ~ N(0, q*), is the slope of the
    length map at q*; by Gaussian integration by parts it is σ_w² d/dq E[φ(√q z)²].
    ξ_c uses χ_c at c* = 1 (ordered phase or edge of chaos); ξ = ∞ where χ = 1.

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
        if c_star(act, sw, sb) != 1:
            raise InputError("xi_c is computed here at c* = 1 (chi_c <= 1); in the chaotic phase give it numerically")
        chi = chi_c(act, sw, sb)
    else:
        qs = sympy.Symbol("q_", positive=True)
        second = act.second_moment_closed_form(qs)
        if second is None:
            raise InputError(f"xi_q of {act.spec} needs a closed-form length map")
        q = _q_star(act, sw, sb)
        if q == 0 and act.name in ("relu", "leaky_relu", "linear"):
            q = sympy.Integer(1)
        chi = sympy.simplify(sw * sympy.diff(second, qs).subs(qs, q))
    if chi == 1:
        return sympy.oo
    return sympy.simplify(-1 / sympy.log(chi))


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
