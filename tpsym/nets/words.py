"""Words in the factors of network Jacobians, under the Free Independence Principle.

For networks ``J = D_L W_L ··· D_1 W_1`` (``D_l = diag φ_l'(h^l)``, not
squared), the weight matrices are asymptotically free from each other and
from the algebra of the diagonal matrices, which commute and have a
classical joint law (Yang, Tensor Programs III, arXiv 2009.10685; Collins &
Hayase, arXiv 2103.13466). :func:`network_mixed_moment` evaluates a word in
these factors with :func:`tpsym.free.fip_moment`.

Letters
-------
Networks are named (``J``, ``K``, ...); networks with different names are
independent (their own weights), on the same input. For a network ``J``:

==================  ==========================================================
``J``, ``Jt``       the whole Jacobian and its transpose
``J.Wl``, ``J.Wlt`` the weight matrix of layer l and its transpose
``J.Dl``            ``diag φ_l'(h^l)`` (not squared)
``J@2``, ``J.Dl@2`` the same at a second input x' (needs ``rho``)
==================  ==========================================================

With one network the prefix may be left out (``D1``, ``W2t``, ``J@2``); a
token ``X^k`` repeats ``X``. The weights are the same at both inputs, so
``J@2 = D_L(x') W_L ··· D_1(x') W_1``.

Two inputs: ``rho={"J": (ρ_1, ..., ρ_L)}`` gives the correlation of the
pre-activations ``h^l(x)``, ``h^l(x')`` of layer l (from the NNGP kernel,
``Σ^l(x, x')/√(Σ^l(x, x) Σ^l(x', x'))``); ``(φ'(h^l_i(x)), φ'(h^l_i(x')))`` is
then a function of a bivariate Gaussian, independent across layers and
networks. Joint moments are exact for linear, ReLU and leaky ReLU layers
(orthant probabilities) and erf (Gaussian integrals); hard tanh at one
input. Other activations are refused.

Spaces: the space of layer l is its width relative to the input, ``N_l/N_0``
(1 for square layers); the normalised trace is over the space the word
starts in, so ``J Jt`` is traced over the outputs and ``Jt J`` over the
inputs.

Examples
--------
>>> from tpsym.nets import jacobian_law
>>> relu = jacobian_law("relu", sigma_w2=2, depth=1)
>>> network_mixed_moment("J Jt K Kt J Jt K Kt", {"J": relu, "K": relu})
6
>>> network_mixed_moment("D1 D2 D1 D2", {"J": jacobian_law("relu", sigma_w2=2, depth=2)})
1/4
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy

from tpsym.errors import DomainError, InputError
from tpsym.free.fip import (
    Alphabet,
    Bump,
    DiagonalLetter,
    GaussianDiagonals,
    IndependentDiagonals,
    JointLaw,
    ProductDiagonals,
    Step,
    Token,
    WeightLetter,
    fip_cumulant,
    fip_moment,
)
from tpsym.nets.activations import Erf, HardTanh, LeakyReLU, Linear, ReLU
from tpsym.nets.jacobian import JacobianLaw
from tpsym.nets.model import _resolved

__all__ = ["NetworkWords", "network_words", "network_mixed_moment", "network_mixed_cumulant", "claim_inputs", "mixed_moment_claim", "LATTICE_MAX_WEIGHTS"]

_NET_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class _Refused(JointLaw):
    """A letter whose joint moments are not available: says why when asked."""

    def __init__(self, letters: Sequence[str], reason: str):
        self._letters = frozenset(letters)
        self.reason = reason

    @property
    def letters(self) -> frozenset[str]:
        return self._letters

    def moment(self, exponents: Mapping[str, int]) -> sympy.Expr:
        if any(self._check(exponents).values()):
            raise DomainError(self.reason)
        return sympy.Integer(1)


def _layer_qs(law: JacobianLaw) -> list[Any]:
    mlp = law.mlp
    if mlp.is_uniform:
        q = mlp.mean_field(q=law.q, moments=1, precision=law.precision).q
        return [q] * mlp.depth
    return [r.q for r in mlp.mean_fields(q0=law.q, moments=1, precision=law.precision)]


def _diagonal_law(net: str, layer: int, act: Any, q: Any, names: list[str], rho: Any) -> JointLaw:
    """The joint law of ``D_l`` (and ``D_l@2``) of one layer of one network."""
    where = f"{net}.D{layer} ({act.spec})"
    if isinstance(act, (Linear, ReLU, LeakyReLU, Erf)):
        if isinstance(act, Linear):
            f: Any = Step(1, 1)
        elif isinstance(act, LeakyReLU):
            f = Step(act.slope, 1)
        elif isinstance(act, ReLU):
            f = Step(0, 1)
        else:
            f = Bump(2 / sympy.sqrt(sympy.pi), 1)
        if isinstance(f, Bump):
            if not q.exact or sympy.S(q.value).is_zero:
                return _Refused(names, f"{where}: the pre-activation variance q = {q} is not an exact positive number")
            var = sympy.S(q.value)
        else:
            var = sympy.Integer(1)  # a step at 0 sees the correlation only
        if len(names) == 1:
            return GaussianDiagonals({names[0]: (f, 0)}, [[var]])
        return GaussianDiagonals({names[0]: (f, 0), names[1]: (f, 1)}, [[var, rho * var], [rho * var, var]])
    if isinstance(act, HardTanh) and len(names) == 1:
        from tpsym.nets.jacobian import d2_law

        if q.exact:  # D ∈ {0, 1}, so D and D² have one law: bernoulli(erf(1/sqrt(2q)), 0, 1)
            return IndependentDiagonals({names[0]: d2_law(act, sympy.S(q.value))})
    return _Refused(
        names,
        f"{where}: the joint moments E[φ'(h)^n] (odd n, or at two correlated inputs) of this activation "
        "have no exact form in tpsym; use linear, relu, leaky_relu or erf",
    )


@dataclass(frozen=True)
class NetworkWords:
    """The alphabet of some networks' factors and the user's letters (macros) for it."""

    alphabet: Alphabet
    macros: Mapping[str, tuple[Token, ...]]
    networks: Mapping[str, JacobianLaw]
    rho: Mapping[str, tuple[Any, ...]]

    def parse(self, word: str | Sequence[str]) -> tuple[Token, ...]:
        """The tokens of a word in network letters.

        >>> from tpsym.nets import jacobian_law
        >>> nw = network_words({"J": jacobian_law("relu", sigma_w2=2, depth=1)})
        >>> nw.parse("J Jt")
        (('J.D1', False), ('J.W1', False), ('J.W1', True), ('J.D1', False))
        """
        items = word.split() if isinstance(word, str) else list(word)
        out: list[Token] = []
        for item in items:
            if not isinstance(item, str):
                raise InputError(f"a word is made of letters (strings), got {item!r}")
            name, power = item, 1
            if "^" in item:
                name, _, exp = item.partition("^")
                if not exp.isdigit() or int(exp) < 1:
                    raise InputError(f"bad power in {item!r}: write X^k with an integer k >= 1")
                power = int(exp)
            if name not in self.macros:
                known = ", ".join(sorted(self.macros, key=lambda s: (len(s), s))[:12])
                raise InputError(f"unknown letter {name!r} in the word (letters: {known}, ...)")
            out.extend(self.macros[name] * power)
        if not out:
            raise InputError("the word is empty")
        return tuple(out)


def _as_law(name: str, net: Any) -> JacobianLaw:
    # by structure, not class identity (a module may be imported twice under importlib)
    if callable(getattr(net, "mean_fields", None)) and hasattr(net, "depth"):
        return JacobianLaw.of(net)
    if not all(hasattr(net, a) for a in ("mlp", "d2", "q", "precision")):
        raise InputError(f"the network {name!r} must be jacobian(...) or an MLP, not {net!r}")
    return net


def network_words(
    networks: Mapping[str, Any],
    *,
    rho: Mapping[str, Any] | None = None,
    wigner: Mapping[str, Any] | None = None,
    free_laws: Mapping[str, Any] | None = None,
    diagonal_laws: Mapping[str, Any] | None = None,
) -> NetworkWords:
    """The alphabet of the factors of named independent networks on one input.

    Parameters
    ----------
    networks : mapping
        Name to a :class:`~tpsym.nets.JacobianLaw` (``jacobian(...)``) or an
        :class:`~tpsym.nets.MLP` of integer depth.
    rho : mapping, optional
        Name to the per-layer correlations ``(ρ_1, ..., ρ_L)`` (a number for
        every layer alike) of the pre-activations at two inputs; enables the
        letters ``...@2``.
    wigner : mapping, optional
        Name to a variance: semicircular (GOE) letters on the input space,
        free from everything else (``S`` and ``St`` are the same letter).
    free_laws : mapping, optional
        Name to a law: self-adjoint letters of that law on the input space,
        free from everything else.
    diagonal_laws : mapping, optional
        Name to a law: diagonal letters on the input space, independent of
        each other and of the networks' diagonals, commuting with them.

    Raises
    ------
    InputError
        A bad name, a symbolic depth, ``d2=`` (the law of D² does not give
        the law of D), a correlation of the wrong length or outside [-1, 1].
    """
    if not isinstance(networks, Mapping) or not (networks or wigner or free_laws or diagonal_laws):
        raise InputError("give the networks as a mapping from names to jacobian(...) laws")
    rho = dict(rho or {})
    for name in rho:
        if name not in networks:
            raise InputError(f"rho is given for {name!r}, which is not a network ({', '.join(networks)})")
    weights: list[WeightLetter] = []
    diagonals: list[DiagonalLetter] = []
    laws: list[JointLaw] = []
    macros: dict[str, tuple[Token, ...]] = {}
    widths: dict[Any, Any] = {}
    nets: dict[str, JacobianLaw] = {}
    rhos: dict[str, tuple[Any, ...]] = {}
    for name, net in networks.items():
        if not isinstance(name, str) or not _NET_NAME.match(name) or re.match(r"^[DW]\d+t?$", name):
            raise InputError(f"a network name is an identifier other than D1, W2, ... (got {name!r})")
        law = _as_law(name, net)
        nets[name] = law
        mlp = law.mlp
        if not isinstance(mlp.depth, int):
            raise InputError(f"network {name!r}: depth={mlp.depth} is symbolic; a word needs an int depth")
        if law.d2 is not None:
            raise InputError(f"network {name!r}: d2= gives the law of D², not of D = diag φ'(h); leave it out")
        depth = mlp.depth
        if mlp.widths:
            n0 = sympy.S(mlp.widths[0])
            space = [sympy.simplify(sympy.S(w) / n0) for w in mlp.widths]
        else:
            space = [sympy.Integer(1)] * (depth + 1)
        for s in space:
            widths[s] = s
        two = name in rho
        if two:
            r = rho[name]
            r = tuple(r) if isinstance(r, (tuple, list)) else (r,) * depth
            if len(r) != depth:
                raise InputError(f"rho for {name!r} has {len(r)} entries but the network has depth {depth}")
            r = tuple(sympy.S(x) for x in r)
            for x in r:
                if x.is_number and not (-1 <= x <= 1):
                    raise InputError(f"rho={x} for {name!r} is not a correlation in [-1, 1]")
            rhos[name] = r
        qs = _layer_qs(law)
        J: list[Token] = []
        J2: list[Token] = []
        for l in range(1, depth + 1):
            lay = mlp.layer(l)
            w = f"{name}.W{l}"
            d = f"{name}.D{l}"
            weights.append(WeightLetter(w, ensemble=_resolved(lay.weights, "weights"), variance=lay.sigma_w2, rows=space[l], cols=space[l - 1]))
            diagonals.append(DiagonalLetter(d, space=space[l]))
            dnames = [d]
            macros[f"{name}.W{l}"], macros[f"{name}.W{l}t"] = ((w, False),), ((w, True),)
            macros[d] = ((d, False),)
            if two:
                diagonals.append(DiagonalLetter(d + "@2", space=space[l]))
                dnames.append(d + "@2")
                macros[d + "@2"] = ((d + "@2", False),)
            laws.append(_diagonal_law(name, l, lay.activation, qs[l - 1], dnames, rhos[name][l - 1] if two else 0))
            J = [(d, False), (w, False), *J]
            J2 = [(d + "@2", False), (w, False), *J2]
        macros[name] = tuple(J)
        macros[name + "t"] = tuple((x, not t) if x.split(".")[1].startswith("W") else (x, t) for x, t in reversed(J))
        if two:
            macros[name + "@2"] = tuple(J2)
            macros[name + "t@2"] = tuple((x, not t) if ".W" in x else (x, t) for x, t in reversed(J2))
    if len(nets) == 1:
        (only,) = nets
        for key, value in list(macros.items()):
            if key.startswith(only + "."):
                macros[key[len(only) + 1:]] = value
    for name, variance in (wigner or {}).items():
        if not isinstance(name, str) or not _NET_NAME.match(name) or name in macros or name in nets:
            raise InputError(f"the letter {name!r} is not an identifier or is already a letter (of a network, or declared twice)")
        weights.append(WeightLetter(name, ensemble="wigner", variance=variance, rows=sympy.Integer(1), cols=sympy.Integer(1)))
        widths[sympy.Integer(1)] = sympy.Integer(1)
        macros[name] = macros[name + "t"] = ((name, False),)
    for name, law in (free_laws or {}).items():
        if not isinstance(name, str) or not _NET_NAME.match(name) or name in macros or name in nets:
            raise InputError(f"the letter {name!r} is not an identifier or is already a letter (of a network, or declared twice)")
        weights.append(WeightLetter(name, ensemble="law", law=law, rows=sympy.Integer(1), cols=sympy.Integer(1)))
        widths[sympy.Integer(1)] = sympy.Integer(1)
        macros[name] = ((name, False),)
    if diagonal_laws:
        for name in diagonal_laws:
            if not isinstance(name, str) or not _NET_NAME.match(name) or name in macros or name in nets:
                raise InputError(f"the letter {name!r} is not an identifier or is already a letter (of a network, or declared twice)")
            diagonals.append(DiagonalLetter(name, space=sympy.Integer(1)))
            macros[name] = ((name, False),)
        widths[sympy.Integer(1)] = sympy.Integer(1)
        laws.append(IndependentDiagonals(dict(diagonal_laws)))
    alphabet = Alphabet(weights=tuple(weights), diagonals=tuple(diagonals), law=ProductDiagonals(laws) if laws else None, widths=widths)
    return NetworkWords(alphabet, macros, nets, rhos)


def network_mixed_moment(
    word: str | Sequence[str], networks: Mapping[str, Any], *, rho: Mapping[str, Any] | None = None, method: str = "recursive"
) -> sympy.Expr:
    """The normalised trace of a word in the factors of networks (see the module doc).

    Examples
    --------
    One linear layer of widths (1, 2): ``Jᵀ J`` (on the inputs) has moments
    2, 6 where ``J Jᵀ`` has 1, 3:

    >>> from tpsym.nets import jacobian_law
    >>> lin = {"J": jacobian_law("linear", widths=(1, 2), depth=1)}
    >>> [network_mixed_moment(w, lin) for w in ("Jt J", "Jt J Jt J", "J Jt", "J Jt J Jt")]
    [2, 6, 1, 3]

    Two ReLU masks of one layer at inputs of correlation ρ:

    >>> r = sympy.Symbol("r")
    >>> network_mixed_moment("D1 D1@2", {"J": jacobian_law("relu", sigma_w2=2, depth=1)}, rho={"J": r})
    asin(r)/(2*pi) + 1/4
    """
    nw = network_words(networks, rho=rho)
    return fip_moment(nw.parse(word), nw.alphabet, method=method)  # type: ignore[arg-type]


def network_mixed_cumulant(word: str | Sequence[str], networks: Mapping[str, Any], *, rho: Mapping[str, Any] | None = None) -> sympy.Expr:
    """The mixed free cumulant of the factors of a square word (each letter one argument).

    >>> from tpsym.nets import jacobian_law
    >>> network_mixed_cumulant("D1 D2 D1 D2", {"J": jacobian_law("relu", sigma_w2=2, depth=2)})
    1/16
    """
    nw = network_words(networks, rho=rho)
    items = word.split() if isinstance(word, str) else list(word)
    for item in items:
        name = item.partition("^")[0] if isinstance(item, str) else item
        if isinstance(name, str) and name in nw.macros and len(nw.macros[name]) > 1:
            raise InputError(f"{name!r} is a product of factors, not one argument of a cumulant: write its factors")
    return fip_cumulant(nw.parse(word), nw.alphabet)


#: Most weight letters a word may have on the lattice route of a claim (|NC(10)| = 16796 partitions).
LATTICE_MAX_WEIGHTS = 10


def claim_inputs(letters: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Split the keywords of a ``mixed_moment`` claim into networks, correlations and Wigner letters.

    ``NAME=jacobian(...)`` is a network; ``rho_NAME=(ρ_1, ...)`` (or ``rho=``
    with one network) its per-layer input correlations; ``NAME=semicircle(variance=v)``
    a semicircular letter free from everything else.

    >>> from tpsym.laws import semicircle
    >>> claim_inputs({"S": semicircle()})
    ({}, {}, {'S': 1})
    """
    networks: dict[str, Any] = {}
    rho: dict[str, Any] = {}
    wigner: dict[str, Any] = {}
    pending_rho = None
    for key, value in letters.items():
        if key == "rho":
            pending_rho = value
        elif key.startswith("rho_"):
            rho[key[4:]] = value
        elif hasattr(value, "mlp"):
            networks[key] = value
        elif type(value).__name__ == "Semicircle":
            if value.mean_ != 0:
                raise InputError(f"{key}={value}: a semicircular letter must be centred")
            wigner[key] = value.variance
        else:
            raise InputError(f"{key}={value!r} is neither jacobian(...), a centred semicircle(...) nor rho_NAME=(...)")
    if pending_rho is not None:
        if len(networks) != 1:
            raise InputError("rho= needs exactly one network; with several write rho_NAME=(...)")
        rho[next(iter(networks))] = pending_rho
    return networks, rho, wigner


def mixed_moment_claim(word: str, route: str = "series", **letters: Any) -> sympy.Expr:
    """The ``mixed_moment(WORD, J=jacobian(...), ...)`` claim function (``route`` series: the recursion; lattice: the NC sum).

    >>> from tpsym.nets import jacobian_law
    >>> mixed_moment_claim("D1 D2 D1 D2", J=jacobian_law("relu", sigma_w2=2, depth=2))
    1/4
    """
    if not isinstance(word, str):
        raise InputError(f"mixed_moment takes the word as a string, got {word!r}")
    networks, rho, wigner = claim_inputs(letters)
    nw = network_words(networks, rho=rho, wigner=wigner)
    tokens = nw.parse(word)
    if route == "lattice":
        m = sum(1 for t in tokens if t[0] in {w.name for w in nw.alphabet.weights})
        if m > LATTICE_MAX_WEIGHTS:
            raise DomainError(f"the lattice route sums over NC(m) up to m = {LATTICE_MAX_WEIGHTS} weight letters, the word has {m}")
        return fip_moment(tokens, nw.alphabet, method="lattice")
    return fip_moment(tokens, nw.alphabet)
