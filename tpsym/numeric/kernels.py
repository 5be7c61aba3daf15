"""Empirical NNGP kernels and NTKs of sampled finite-width networks.

A network of depth L and width n (every layer, input dimension n too) is
sampled with the conventions of :mod:`tpsym.numeric.network`
(``h^l = W^l x^(l-1) + b^l``, ``W_ij ~ N(0, σ_w²/n)``, ``b_i ~ N(0, σ_b²)``).
The two inputs x, x' are built so that the layer-1 pre-activations have the
covariance Σ¹ = [[q1, c√(q1 q2)], [c√(q1 q2), q2]] exactly in expectation:
σ_w² x·x'/n + σ_b² = Σ¹_12 (this needs Σ¹ − σ_b² positive semi-definite).

* NNGP: the mean over the n units of layer L of h^L_i(x) h^L_i(x').
* NTK: one backward pass (written once, :func:`_backward`) gives the
  cotangents δ^l = ∂h^L_o/∂h^l for a block of output units o; the kernel of
  unit o is Σ_l (δ^l·δ'^l)(σ_w² x^(l−1)·x'^(l−1)/n + σ_b²) in the NTK
  parameterisation (W = σ_w ω/√n, b = σ_b β, gradients in ω and β) and
  Σ_l (δ^l·δ'^l)(x^(l−1)·x'^(l−1) + 1)/n in the standard one (gradients in
  W and b, divided by the width). Averaged over the block.

:func:`crosscheck_kernel` sweeps sizes, fits m(N) = a + b/N and tests a
with the statistical decision of :mod:`tpsym.numeric.decision`.

>>> import numpy as np
>>> k, t = empirical_kernels(np.random.default_rng(0), 64, activation="linear", sigma_w2=1.0,
...                          sigma_b2=0.0, depth=1, q1=1.0, q2=1.0, c=0.5)
>>> round(t, 12)  # at depth 1 the NTK is σ_w² x·x'/n + σ_b² for every draw
0.5
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from tpsym.errors import DomainError, InputError
from tpsym.numeric.decision import DEFAULT_ALPHA, Decision, MomentEstimate, decide_family
from tpsym.numeric.network import resolve_activation

__all__ = ["empirical_kernels", "KernelCrosscheck", "crosscheck_kernel", "KernelTarget", "kernel_target"]

#: Output units whose NTK a backward pass computes at once.
NTK_BLOCK = 8


def _inputs(n: int, sigma_w2: float, sigma_b2: float, q1: float, q2: float, c: float) -> tuple[np.ndarray, np.ndarray]:
    if not -1.0 <= c <= 1.0:
        raise DomainError(f"c={c} is outside [-1, 1]; a correlation lies in [-1, 1]")
    if min(q1, q2, sigma_w2, sigma_b2) < 0:
        raise DomainError("variances (q1, q2, sigma_w2, sigma_b2) must be >= 0")
    if sigma_w2 == 0:
        raise DomainError("sigma_w2 = 0: the first layer does not see its input")
    s = np.array([[q1, c * math.sqrt(q1 * q2)], [c * math.sqrt(q1 * q2), q2]]) - sigma_b2
    g = s / sigma_w2  # the inputs' Gram matrix x·x'/n
    if np.linalg.eigvalsh(g)[0] < -1e-12:
        raise DomainError(
            f"no input pair gives Sigma^1 = [[{q1}, ...], [..., {q2}]] with sigma_b2={sigma_b2}: "
            "Sigma^1 - sigma_b2 must be positive semi-definite"
        )
    a = math.sqrt(max(g[0, 0], 0.0))
    b1 = g[0, 1] / a if a > 0 else 0.0
    b2 = math.sqrt(max(g[1, 1] - b1 * b1, 0.0))
    x = np.zeros(n)
    y = np.zeros(n)
    x[0], y[0], y[1] = a, b1, b2
    return x * math.sqrt(n), y * math.sqrt(n)


def _backward(dphi_h: list[np.ndarray], weights: list[np.ndarray], out: np.ndarray) -> list[np.ndarray]:
    """Cotangents δ^l = ∂h^L_o/∂h^l for l = L, ..., 1 (columns: output units o), δ^L = ``out``."""
    deltas = [out]
    for l in range(len(weights) - 1, 0, -1):
        deltas.append(dphi_h[l - 1][:, None] * (weights[l].T @ deltas[-1]))
    return deltas[::-1]


def empirical_kernels(
    rng: np.random.Generator, n: int, *, activation: Any, sigma_w2: float, sigma_b2: float, depth: int,
    q1: float, q2: float, c: float, parameterization: Literal["ntk", "standard"] = "ntk",
) -> tuple[float, float]:
    """(NNGP estimate, NTK estimate) of one sampled network of width ``n``."""
    if parameterization not in ("ntk", "standard"):
        raise InputError(f"parameterization={parameterization!r} must be 'ntk' or 'standard'")
    if depth < 1 or n < 2:
        raise InputError(f"depth={depth} must be >= 1 and n={n} >= 2")
    act = resolve_activation(activation)
    x, y = _inputs(n, sigma_w2, sigma_b2, q1, q2, c)
    sw, sb = math.sqrt(sigma_w2), math.sqrt(sigma_b2)
    weights, xs, ys, dx, dy = [], [x], [y], [], []
    for l in range(depth):
        w = rng.standard_normal((n, n)) * (sw / math.sqrt(n))
        b = rng.standard_normal(n) * sb
        hx, hy = w @ xs[-1] + b, w @ ys[-1] + b
        weights.append(w)
        if l < depth - 1:
            xs.append(act.phi(hx))
            ys.append(act.phi(hy))
            dx.append(act.dphi(hx))
            dy.append(act.dphi(hy))
    nngp = float(np.mean(hx * hy))
    block = min(NTK_BLOCK, n)
    out = np.eye(n)[:, :block]
    deltas_x = _backward(dx, weights, out)
    deltas_y = _backward(dy, weights, out)
    theta = np.zeros(block)
    for l in range(depth):
        dd = np.einsum("io,io->o", deltas_x[l], deltas_y[l])
        xx = float(xs[l] @ ys[l])
        if parameterization == "ntk":
            theta += dd * (sigma_w2 * xx / n + sigma_b2)
        else:
            theta += dd * (xx + 1.0) / n
    return nngp, float(np.mean(theta))


@dataclass(frozen=True, slots=True)
class KernelCrosscheck:
    """The result of :func:`crosscheck_kernel`."""

    kind: str
    sizes: tuple[int, ...]
    trials: int
    expected: float
    estimate: MomentEstimate
    decision: Decision

    @property
    def verdict(self) -> str:
        return self.decision.verdict

    def to_dict(self) -> dict[str, Any]:
        e = self.estimate
        return {
            "kind": self.kind,
            "sizes": list(self.sizes),
            "trials": self.trials,
            "expected": self.expected,
            "estimate": e.estimate,
            "stderr": e.stderr,
            "per_size": [{"n": n, "mean": m, "stderr": s} for n, m, s in e.per_size],
            "decision": self.decision.to_dict(),
            "verdict": self.verdict,
        }


def crosscheck_kernel(
    kind: Literal["nngp", "ntk"], expected: float, *, activation: Any, sigma_w2: float, sigma_b2: float, depth: int,
    q1: float, q2: float, c: float, sizes: tuple[int, ...] = (64, 128, 256), trials: int = 20, seed: int = 0,
    parameterization: Literal["ntk", "standard"] = "ntk", alpha: float = DEFAULT_ALPHA, tolerance: float | None = None,
) -> KernelCrosscheck:
    """Sample ``trials`` networks per size, fit the mean in 1/N and test ``expected``.

    >>> r = crosscheck_kernel("nngp", 2.0, activation="relu", sigma_w2=2.0, sigma_b2=0.0, depth=2,
    ...                       q1=1.0, q2=1.0, c=0.0, sizes=(64, 128), trials=12, seed=1)
    >>> r.verdict
    'contradicted'
    """
    if kind not in ("nngp", "ntk"):
        raise InputError(f"kind={kind!r} must be 'nngp' or 'ntk'")
    if trials < 2:
        raise InputError(f"trials={trials} must be >= 2 (a standard error needs two)")
    index = 0 if kind == "nngp" else 1
    means, errs = [], []
    root = np.random.SeedSequence(seed)
    for n, child in zip(sizes, root.spawn(len(sizes)), strict=True):
        rng = np.random.default_rng(child)
        vals = np.array([
            empirical_kernels(rng, n, activation=activation, sigma_w2=sigma_w2, sigma_b2=sigma_b2, depth=depth,
                              q1=q1, q2=q2, c=c, parameterization=parameterization)[index]
            for _ in range(trials)
        ])
        means.append(float(vals.mean()))
        errs.append(max(float(vals.std(ddof=1) / math.sqrt(trials)), 1e-300))
    est = MomentEstimate.from_sweep(1, sizes, means, errs, df=trials - 1)
    decision = decide_family([(kind, [est], [float(expected)])], alpha=alpha, tolerance=tolerance, trials=trials)
    return KernelCrosscheck(kind, tuple(sizes), trials, float(expected), est, decision)


@dataclass(frozen=True, slots=True)
class KernelTarget:
    """One call ``nngp(...)`` or ``ntk(...)`` read from text: its derived value and the network to sample."""

    kind: Literal["nngp", "ntk"]
    value: Any  # the derived kernel (sympy: exact, or holding certified constants)
    activation: Any
    parameterization: Literal["ntk", "standard"]
    depth: int
    floats: dict[str, float]

    @property
    def expected(self) -> float:
        return float(self.value)

    def crosscheck(self, **kw: Any) -> KernelCrosscheck:
        """:func:`crosscheck_kernel` of this network against the derived value.

        >>> r = kernel_target("nngp(relu, sigma_w2=2, depth=2, q1=1, q2=1, c=0)").crosscheck(sizes=(64, 128), trials=12, seed=1)
        >>> r.kind, round(r.expected, 6), r.verdict != "contradicted"
        ('nngp', 0.31831, True)
        """
        f = self.floats
        return crosscheck_kernel(
            self.kind, self.expected, activation=self.activation, depth=self.depth,
            parameterization=self.parameterization, sigma_w2=f["sigma_w2"], sigma_b2=f["sigma_b2"],
            q1=f["q1"], q2=f["q2"], c=f["c"], **kw,
        )


def kernel_target(text: str, locals: dict[str, Any] | None = None) -> KernelTarget:
    """The call ``nngp(...)`` / ``ntk(...)`` in ``text``, derived and ready to sample.

    >>> t = kernel_target("nngp(relu, sigma_w2=2, depth=2, q1=1, q2=1, c=0)")
    >>> t.kind, t.value, t.depth
    ('nngp', 1/pi, 2)
    """
    import sympy

    from tpsym.certified import is_constant
    from tpsym.language import parse_expression
    from tpsym.nets import kernels

    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
    marker = sympy.Symbol("kernel_value_")

    def capture(name: str) -> Any:
        import functools

        @functools.wraps(getattr(kernels, name))  # the parser checks arguments against this signature
        def f(*args: Any, **kwargs: Any) -> sympy.Expr:
            calls.append((name, args, kwargs))
            return marker

        return f

    value = parse_expression(text, functions={n: capture(n) for n in ("nngp", "ntk")}, locals=locals)
    if len(calls) != 1 or value != marker:
        raise InputError(f"{text!r}: give one call nngp(...) or ntk(...), nothing else")
    name, pos, kw = calls[0]
    derived = sympy.S(getattr(kernels, name)(*pos, **kw))
    if not is_constant(derived):
        raise InputError(f"{text}: the kernel is symbolic ({derived}); give numbers to sample networks")
    names = ("activation", "sigma_w2", "sigma_b2", "depth", "q1", "q2", "c", "slope", "parameterization")
    given = dict(zip(names, pos)) | kw
    act = given.get("activation")
    if act is None:
        raise InputError(f"{text}: name the activation, e.g. nngp(tanh, ...)")
    act = act.name if isinstance(act, sympy.Symbol) else act
    activation = kernels.get_activation(act, slope=given.get("slope"))
    par = given.get("parameterization", "ntk")
    par = par.name if isinstance(par, sympy.Symbol) else par
    floats = {k: float(sympy.S(given.get(k, d))) for k, d in (("sigma_w2", 1), ("sigma_b2", 0), ("q1", 1), ("q2", 1), ("c", 0))}
    return KernelTarget(name, derived, activation, par, int(given.get("depth", 1)), floats)  # type: ignore[arg-type]
