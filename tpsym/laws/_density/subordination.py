"""Subordination for ⊠-products of laws on ``[0, inf)`` (Belinschi & Bercovici, J. Anal. Math. 101 (2007) 357–365), and pushforwards of such products."""

from __future__ import annotations

import cmath
import math
from collections.abc import Callable, Sequence

import numpy as np

from tpsym.errors import DomainError, NumericError
from tpsym.laws.base import Law

from tpsym.laws._density.atoms import _structural_atoms
from tpsym.laws._density.branch import _evaluate_branch, _Follower
from tpsym.laws._density.closed import _Solution, _zero_outside
from tpsym.laws._density.gauss import _Discrete, _exact_moments
from tpsym.laws._density.hooks import Hooks
from tpsym.laws._density.values import _Unsupported, _Values


# =============================================================================
# Subordination for products of laws on [0, inf)
# =============================================================================
def _flatten_product(law: Law, vals: _Values, mult: int = 1) -> tuple[float, list[tuple[Law, int]]]:
    """``law = C * ⊠_k law_k^{⊠ t_k}``: the scalar C and the factors with multiplicities (the classes' ``_product_factors`` hooks)."""
    return Hooks(vals).product_factors(law, mult)


class _Pushforward(_Solution):
    """``C f(h)``, ``h ~ N(0, q)``, for ``f`` even and strictly decreasing in ``|h|``: change of variables.

    The law of ``J Jᵀ`` of a one-layer network with orthogonal weights is
    ``σ_w² φ'(h)²`` (tanh, erf: no closed form of its Cauchy transform, and
    its moments alone do not give a density). With ``h(x) > 0`` the root of
    ``C f(h) = x``, the density is ``2 p_q(h(x)) / |C f'(h(x))|`` on
    ``(C f(∞), C f(0))``, with an integrable singularity at the top where
    ``f'(0) = 0``. The root is found by bisection, ``f'`` by central
    differences (relative error ~1e-8).
    """

    edge_cut = 1e-12

    def __init__(self, C: float, f: Callable[[np.ndarray], np.ndarray], q: float, what: str):
        if not (q > 0 and math.isfinite(q)):
            raise _Unsupported(f"{what}: the variance q={q} must be positive")
        self.C, self.f, self.sd = C, f, math.sqrt(q)
        self.H = 12.0 * self.sd  # P(|h| > H) < 4e-33
        hs = np.linspace(0.0, self.H, 20001)
        with np.errstate(all="ignore"):
            g = f(hs)
            g_neg = f(-hs)
        if not (np.all(np.isfinite(g)) and np.allclose(g, g_neg, rtol=1e-12, atol=0.0)):
            raise _Unsupported(f"{what}: phi'(h)^2 is not an even function of h (no change-of-variables density)")
        # strictly decreasing, up to a tail that is flat in double precision (1 + sech(h)^2 at large h)
        moving = (g - g[-1]) > 1e-12 * (g[0] - g[-1])
        if not (g[0] > g[-1] and np.all(np.diff(g)[moving[:-1]] < 0)):
            raise _Unsupported(f"{what}: phi'(h)^2 is not strictly decreasing in |h| (no change-of-variables density)")
        self.top, self.bottom = C * float(g[0]), C * float(g[-1])
        self.support = ((self.bottom, self.top),)
        self.atoms = ()
        self.method = "change of variables of the Gaussian pre-activation"

    def _root(self, y: np.ndarray) -> np.ndarray:
        lo, hi = np.zeros_like(y), np.full_like(y, self.H)
        for _ in range(64):  # f decreasing: C f(mid) > y means the root is to the right
            mid = 0.5 * (lo + hi)
            right = self.C * self.f(mid) > y
            lo, hi = np.where(right, mid, lo), np.where(right, hi, mid)
        return 0.5 * (lo + hi)

    def eval(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        out = np.zeros_like(x)
        inside = (x > self.bottom) & (x < self.top)
        if not inside.any():
            return out
        h = self._root(x[inside])
        step = 1e-5 * self.sd  # f is even: the central difference stays centred down to h = 0
        slope = self.C * (self.f(h + step) - self.f(h - step)) / (2 * step)
        pdf = np.exp(-0.5 * (h / self.sd) ** 2) / (self.sd * math.sqrt(2 * math.pi))
        with np.errstate(divide="ignore"):
            out[inside] = np.where(slope < 0, 2 * pdf / np.abs(slope), np.inf)
        return out


def _pushforward(law: Law, vals: _Values) -> _Pushforward | None:
    """The change-of-variables route for ``C·D`` with ``D`` the law of ``f(h)``, ``h`` Gaussian; else None."""
    try:
        C, parts = _flatten_product(law, vals)
    except _Unsupported:
        return None
    push = getattr(parts[0][0], "gaussian_pushforward", None) if len(parts) == 1 and parts[0][1] == 1 else None
    if not callable(push):
        return None
    f, q = push()
    return _Pushforward(C, f, q, str(parts[0][0]))


#: A point at the hard edge 0 is an integrable singularity when the regular part of -Im G grows by
#: more than _EDGE_GROWTH between the heights 2^_EDGE_LEVELS eps and eps (beta > 0.2 for x^(-beta)).
_EDGE_LEVELS = 10
_EDGE_GROWTH = 4.0
#: Up to this many points a step of subordination runs point by point in Python's complex
#: arithmetic (:meth:`_Product._newton1`): numpy's per-call cost exceeds the work there.
_SCALAR_POINTS = 8


class _Product(_Follower):
    """``G`` of ``C * ⊠ factors`` through the subordination function of its one numeric factor.

    In the variable ``xi`` (where ``G`` is wanted), ``z = 1/xi``; ``eta = psi/(1 + psi)``;
    ``eta^{-1}(v) = v Sigma(v)`` with ``Sigma(v) = S(v/(1-v))``; for the free
    product ``z = v prod_k Sigma_k(v)^{t_k}``; the numeric factor enters
    through ``omega = eta_D^{-1}(v)``: ``Sigma_D(v) = omega / v``.
    """

    refine_depth = 0  # Newton either converges near the prediction or not; no deep sub-stepping
    atoms: tuple[tuple[float, float], ...]  # set by the routes that evaluate with it (_Subordination)
    support: tuple[tuple[float, float], ...]
    path_start = -0.5  # a law on [0, inf): every evaluation shares the path from -1/2 (scaled units)
    scalar_steps = True  # steps of a few points in Python's complex arithmetic (_newton1)

    def __init__(self, law: Law, vals: _Values):
        C, parts = _flatten_product(law, vals)
        self.C = C
        self.fp: list[tuple[float, float, int]] = []  # (rate, jump, t)
        self.disc: _Discrete | None = None
        self.t_disc = 0
        other: list[tuple[Law, int]] = []
        hooks = Hooks(vals)
        for f, t in parts:
            if f._subordination_kind == "free poisson":  # an explicit S-transform
                lam, al = f._subordination_factor(hooks)
                self.fp.append((lam, al, t))
            else:
                other.append((f, t))
        if len(other) > 1:
            names = ", ".join(str(f) for f, _ in other)
            raise _Unsupported(f"subordination handles at most one factor without an explicit S-transform, got {names}")
        if (
            not self.fp
            and len(other) == 1
            and other[0][1] == 1
            and other[0][0]._subordination_kind == "moments"
        ):
            # C·D alone: the stand-in of D, the Gauss rule of its moments, is a discrete law, and
            # there is no other factor whose density the subordination could carry
            what = f"{law} is known only by its moments" if other[0][0] == law else (
                f"{law} is a multiple of {other[0][0]}, a law known only by its moments"
            )
            raise DomainError(
                f"{what}: moments do not determine a density pointwise (their Gauss rule is a discrete law); "
                "sample it instead"
            )
        for f, t in other:
            disc = f._subordination_factor(hooks)  # exact atoms, or the Gauss rule of its moments
            assert isinstance(disc, _Discrete)
            if np.any(disc.nodes < -1e-12):
                raise _Unsupported(f"{f} is not a law on [0, inf): subordination for ⊠ needs positive factors")
            self.disc, self.t_disc = disc, t
        self._disc_pairs = [] if self.disc is None else list(zip(self.disc.weights.tolist(), self.disc.nodes.tolist()))
        self.nodes_desc = "" if self.disc is None or self.disc.exact else f", {len(self.disc.nodes)} Gauss nodes"
        # mean of the product
        m1 = C
        for lam, al, t in self.fp:
            m1 *= (lam * al) ** t
        if self.disc is not None:
            self.m1_disc = float(np.dot(self.disc.weights, self.disc.nodes))
            if self.m1_disc <= 0:
                raise _Unsupported(f"{other[0][0]} has mean 0: no S-transform")
            m1 *= self.m1_disc**self.t_disc
        self.m1 = m1
        # upper end of the support: ||ab|| <= ||a|| ||b||
        top = C
        for lam, al, t in self.fp:
            top *= (al * (1 + math.sqrt(lam)) ** 2) ** t
        if self.disc is not None:
            top *= float(np.max(self.disc.nodes)) ** self.t_disc
        self.top = top
        self.method = "subordination" + self.nodes_desc
        self.xi_scale = 1.0

    # -- the equation -----------------------------------------------------
    def _sigma_explicit(self, v: np.ndarray) -> np.ndarray:
        out = np.full(v.shape, 1 / self.C, dtype=complex)
        for lam, al, t in self.fp:
            out = out * ((1 - v) / (al * (lam * (1 - v) + v))) ** t
        return out

    def _eta_disc(self, w: np.ndarray) -> np.ndarray:
        d = self.disc
        assert d is not None
        xw = w[:, None] * d.nodes[None, :]
        with np.errstate(all="ignore"):
            # eta = psi / (1 + psi) with 1 + psi = sum_j w_j / (1 - w x_j) (the weights sum to 1):
            # written so, 1 + psi has no cancellation when |w| is large (near the hard edge at 0)
            inv = d.weights[None, :] / (1 - xw)
            return (inv * xw).sum(axis=1) / inv.sum(axis=1)

    def _v(self, u: np.ndarray) -> np.ndarray:
        return self._eta_disc(u) if self.disc is not None else u

    def _F(self, u: np.ndarray, xi: np.ndarray) -> np.ndarray:
        v = self._v(u)
        if self.disc is None:
            return xi * v * self._sigma_explicit(v) - 1
        return xi * v * self._sigma_explicit(v) * (u / v) ** self.t_disc - 1

    def _newton(self, u: np.ndarray, xi: np.ndarray, maxit: int = 30) -> tuple[np.ndarray, np.ndarray]:
        """Newton's method on ``F(u) = 0`` (derivative by a complex finite difference), vectorised."""
        u = u.astype(complex).copy()
        ok = np.zeros(len(u), dtype=bool)
        live = np.ones(len(u), dtype=bool)
        with np.errstate(all="ignore"):
            for _ in range(maxit):
                ul, xl = u[live], xi[live]
                f = self._F(ul, xl)
                h = 1e-7 * np.maximum(np.abs(ul), 1e-300)
                fp = (self._F(ul + h, xl) - f) / h
                du = f / fp
                ul = ul - du
                u[live] = ul
                done = np.isfinite(ul) & ((np.abs(du) <= 1e-11 * np.abs(ul)) | (np.abs(f) <= 1e-14))
                idx = np.flatnonzero(live)
                ok[idx[done]] = True
                live[idx[done | ~np.isfinite(ul)]] = False  # a non-finite iterate will not come back
                if not live.any():
                    break
        return u, ok & np.isfinite(u)

    def _F1(self, u: complex, xi: complex) -> complex:
        """:meth:`_F` at one point in Python's complex arithmetic (a step of the path is one point:
        numpy's per-call cost is most of the time there). Raises ArithmeticError where _F is not finite."""
        v = u
        if self.disc is not None:
            num = den = 0j
            for w, x in self._disc_pairs:
                inv = w / (1 - u * x)
                num += inv * u * x
                den += inv
            v = num / den
        out = xi * v / self.C
        for lam, al, t in self.fp:
            out *= ((1 - v) / (al * (lam * (1 - v) + v))) ** t
        if self.disc is not None:
            out *= (u / v) ** self.t_disc
        return out - 1

    def _newton1(self, u: complex, xi: complex, maxit: int = 30) -> tuple[complex, bool]:
        """:meth:`_newton` at one point (the same iteration and stopping rule)."""
        try:
            for _ in range(maxit):
                f = self._F1(u, xi)
                h = 1e-7 * max(abs(u), 1e-300)
                du = f / ((self._F1(u + h, xi) - f) / h)
                u = u - du
                if not cmath.isfinite(u):
                    return u, False
                if abs(du) <= 1e-11 * abs(u) or abs(f) <= 1e-14:
                    return u, True
        except (ArithmeticError, ValueError):  # a pole or an overflow of F: no convergence from here
            return complex(math.nan, math.nan), False
        return u, False

    # Follower protocol: the state is u; z = xi (in scaled units)
    def step_batch(self, z: np.ndarray, prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        xi = z * self.xi_scale
        if len(z) <= _SCALAR_POINTS and self.scalar_steps:
            got = [self._newton1(u0, x0) for u0, x0 in zip(prev.tolist(), xi.tolist())]
            return np.array([u for u, _ in got], dtype=complex), np.array([not ok for _, ok in got], dtype=bool)
        u, ok = self._newton(prev, xi)
        # Newton from the predicted value converges to the nearby solution or not at all: only a
        # failure to converge asks for smaller steps
        return u, ~ok

    def _u_top(self, xi: complex) -> complex:
        z = 1 / xi
        v0 = self.m1 * z
        u0 = v0 / self.m1_disc if self.disc is not None else v0
        u, ok = self._newton(np.array([u0]), np.array([xi]))
        if not ok[0]:
            raise NumericError(f"the subordination equation has no solution near its asymptotics at xi={xi}")
        return complex(u[0])

    def g_of(self, u: np.ndarray, xi: np.ndarray) -> np.ndarray:
        v = self._v(u)
        with np.errstate(all="ignore"):
            return 1 / (xi * (1 - v))

    def eval_g(self, x: np.ndarray, atoms: Sequence[tuple[float, float]] = ()) -> np.ndarray:
        """G(x + i eps) (original units) on the physical branch, without the given atoms' terms."""
        S = self.xi_scale
        xs = np.asarray(x, dtype=float) / S
        u, levels, hist, eps_f = _evaluate_branch(self, xs, lambda x0: self._u_top(complex(x0, 1e4) * S), final_real=False, eps_min=1e-12, singular=[0.0])
        xi = (xs + 1j * eps_f) * S
        g = self._without_atoms(self.g_of(u, xi), xi, atoms)
        edge = np.flatnonzero(xs == 0.0)
        if len(edge):
            # at the hard edge 0 the value at height eps is no density value: compared with the value
            # 2^10 times higher, the regular part (atoms removed) still grows as eps -> 0 where the
            # density diverges (x^(-beta) gives a ratio 1024^beta; an edge where it vanishes or stays
            # finite gives about 1): such a point is an integrable singularity, density inf
            k_f = np.argmin(np.abs(levels[:, None] - eps_f[None, edge]), axis=0)
            k_hi = np.maximum(k_f - _EDGE_LEVELS, 0)
            xi_hi = 1j * levels[k_hi] * S
            g_hi = self._without_atoms(self.g_of(hist[k_hi, edge], xi_hi), xi_hi, atoms)
            lo, hi = -g[edge].imag, -g_hi.imag
            diverges = (k_hi < k_f) & (lo > _EDGE_GROWTH * np.abs(hi)) & (lo > 0)
            g[edge[diverges]] = complex(0.0, -math.inf)
        return g

    @staticmethod
    def _without_atoms(g: np.ndarray, xi: np.ndarray, atoms: Sequence[tuple[float, float]]) -> np.ndarray:
        for a, m in atoms:  # an atom contributes m / (xi - a)
            g = g - m / (xi - a)
        return g

    def eval(self, x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return np.zeros(0)
        g = self.eval_g(x, self.atoms)
        return _zero_outside(np.asarray(x, dtype=float), np.maximum(-g.imag, 0) / math.pi, self.support)


class _Subordination(_Product):
    edge_cut = 1e-300

    def __init__(self, law: Law, vals: _Values):
        _Product.__init__(self, law, vals)
        # the scale of the support from the moments (the norm bound `top` is far too loose for
        # deep products): R ~ max_k m_k^(1/k)
        ms = _exact_moments(law, 12, vals)
        R = max([abs(m) ** (1 / k) for k, m in enumerate(ms, 1) if math.isfinite(m) and m > 0] + [0.0])
        R = R if R > 0 else self.top
        self.xi_scale = 2.0 ** round(math.log2(R))
        self.atoms = tuple(_structural_atoms(law, vals) or [])
        # support: scan [0, hi] and keep where the density is positive; hi grows until the
        # density vanishes at the end of the scan (resolution hi / 4000)
        self.support = ((-math.inf, math.inf),)
        hi = min(2.0 * R, self.top * (1 + 1e-9))
        n = 4001
        cut = 1e-6 / R  # a density scale is 1 / width
        while True:
            xs = np.linspace(0.0, hi, n)
            dens = np.maximum(-self.eval_g(xs, self.atoms).imag, 0) / math.pi
            pos = dens > cut
            if not pos[-1] or hi >= self.top:
                break
            hi = min(2 * hi, self.top * (1 + 1e-9))
        runs: list[list[float]] = []
        h = xs[1] - xs[0]
        k = 0
        while k < n:  # invariant: runs holds the runs of positive density left of xs[k]
            if pos[k]:
                j = k
                while j + 1 < n and pos[j + 1]:
                    j += 1
                runs.append([float(xs[k - 1]) if k else 0.0, float(xs[k]), float(xs[j]), float(xs[j + 1]) if j < n - 1 else float(xs[j])])
                k = j + 1
            else:
                k += 1
        # a run of one scan point at an atom is the atom's smoothing at height eps, not a.c. mass
        runs = [r for r in runs if not (r[1] == r[2] and any(abs(a - r[1]) <= h for a, _ in self.atoms))]
        # each edge lies between a scan point outside and one inside: narrow these brackets
        # (33 sub-points per round, batched over the edges); a density with a steep or singular
        # edge (deep products) has much of its mass within one scan step of the edge
        brackets = [(r, 0) for r in runs if r[0] < r[1]] + [(r, 2) for r in runs if r[2] < r[3]]
        for _ in range(3 if brackets else 0):
            sub = np.concatenate([np.linspace(r[i], r[i + 1], 33) for r, i in brackets])
            inside = (np.maximum(-self.eval_g(sub, self.atoms).imag, 0) / math.pi > cut).reshape(len(brackets), 33)
            for (r, i), row, pts in zip(brackets, inside, sub.reshape(len(brackets), 33)):
                m = int(np.argmax(row)) if i == 0 else 32 - int(np.argmax(row[::-1]))  # first / last inside
                if i == 0 and row.any() and m > 0:
                    r[0], r[1] = float(pts[m - 1]), float(pts[m])
                elif i == 2 and row.any() and m < 32:
                    r[2], r[3] = float(pts[m]), float(pts[m + 1])
        self.support = tuple((0.5 * (r[0] + r[1]), 0.5 * (r[2] + r[3])) for r in runs)
        self.resolution = max([r[1] - r[0] for r in runs] + [r[3] - r[2] for r in runs] + [0.0])

