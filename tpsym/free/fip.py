"""Mixed moments of *-words: free weights and a commuting diagonal algebra.

The Free Independence Principle (Yang, Tensor Programs III, arXiv
2009.10685; Collins & Hayase, arXiv 2103.13466) says what is free in a wide
network at initialisation: the weight matrices are asymptotically free from
each other *and from the algebra of the diagonal matrices* ``D_l = diag
φ'(h^l)``, which commute among themselves and have a classical joint law.
This module computes the mixed moments and mixed free cumulants of words in
such letters.

The alphabet
------------
An :class:`Alphabet` registers

* **weight letters** (:class:`WeightLetter`): ``ensemble="gaussian"`` (real
  Gaussian entries of variance ``σ²/N_cols``; its limit *-distribution is
  circular with ``Wᵀ`` as adjoint) or ``ensemble="orthogonal"`` (``W = σ O``
  with ``O`` Haar orthogonal, whose *-distribution is that of a Haar unitary),
  acting from the space ``cols`` to the space ``rows``; distinct weight
  letters are free from each other;
* **diagonal letters** (:class:`DiagonalLetter`) on one space each; they
  commute, and their joint law is a :class:`JointLaw` exposing the exact
  joint moments ``E[Π d_i^{n_i}]`` (:class:`IndependentDiagonals`,
  :class:`GaussianDiagonals`, :class:`ProductDiagonals`);
* the relative **widths** of the spaces (numbers or symbols).

A word is a tuple of tokens ``(name, transposed)``; as a string, tokens are
separated by spaces and ``W'`` or ``Wᵀ`` is the transpose (``x^k`` repeats).
The moment is the normalised trace ``tr(word)/N_s`` over the space ``s``
that the word starts (and ends) in.

The formula
-----------
Cyclically, a word is ``w_1 a_1 w_2 a_2 ... w_m a_m`` with weights ``w_i``
and ``a_i`` products of diagonal letters. For weights free from the
diagonal algebra ``A`` (Nica–Speicher, Theorem 14.4),

    φ(w_1 a_1 ... w_m a_m) = Σ_{π∈NC(m)} κ_π[w_1, ..., w_m] φ_{K(π)}[a_1, ..., a_m],

where ``K`` is the Kreweras complement and each block of ``K(π)`` multiplies
its a's: a product of commuting diagonals, whose expectation is a classical
joint moment. Free cumulants of distinct weight letters vanish; a circular
letter keeps only the pairs ``(W, Wᵀ)`` with ``κ_2 = σ²`` and a Haar one only
alternating blocks ``(u, u*, ..., u, u*)`` with ``κ_{2n} = (−1)^{n−1}
C_{n−1} σ^{2n}`` (Nica–Speicher, Proposition 15.1).

Two routes compute it:

* ``"recursive"`` (default, polynomial): weights free from ``A`` have
  ``A``-valued cumulants ``κ^A_s(w a_1, ..., w a_{s−1}, w) = κ_s φ(a_1)···φ(a_{s−1})``
  (Nica, Shlyakhtenko & Speicher, "Operator-valued distributions I",
  Theorem 3.5), so the ``A``-valued moments ``E_A[w_i a_i ... w_j a_j]`` —
  polynomials in the diagonal letters — obey a first-block recursion that is
  memoised over intervals of the word (O(m³) steps for Gaussian letters);
* ``"lattice"``: the plain sum over NC(m) above (the test oracle and the
  benchmark baseline).

Rectangular letters
-------------------
Spaces of different widths are embedded in one square algebra: ``N = Σ N_s``,
a space is the projection ``P_s`` onto its coordinates (trace ``α_s = N_s/N``,
a diagonal matrix, so part of the commuting algebra), a Gaussian
``N_r × N_c`` letter is ``P_r W̃ P_c`` with ``W̃`` an ``N × N`` Gaussian matrix
with entries of variance ``σ²/N_c`` (circular with ``κ_2 = σ²/α_c``), and a
diagonal letter of space ``s`` is supported on ``P_s``. The trace over the
starting space is ``φ(word)/α_s``; the result is homogeneous of degree 0 in
the widths, so only their ratios matter. Haar letters need a square word
(every letter on one space): a Haar matrix is not a compression of a larger
one.

Examples
--------
Two free semicirculars ``s = (c + c*)/√2`` give the free commutator and
anticommutator; the fourth moment of ``c c*`` is 2 (Catalan):

>>> ab = Alphabet(weights=[WeightLetter("W")])
>>> fip_moment("W W' W W'", ab), fip_moment("W W W' W'", ab)
(2, 1)

A projection ``p = D`` (a ReLU mask, E[D] = 1/2) free from a Wishart ``W Wᵀ``:

>>> from tpsym.laws import bernoulli
>>> ab = Alphabet(weights=[WeightLetter("W")], diagonals=[DiagonalLetter("D")],
...               law=IndependentDiagonals({"D": bernoulli(sympy.Rational(1, 2), 0, 1)}))
>>> fip_moment("D W W' D W W'", ab)
3/4
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import sympy

from tpsym.errors import DomainError, InputError
from tpsym.series.encode import Encoder

__all__ = [
    "Ensemble",
    "FipMethod",
    "Token",
    "WeightLetter",
    "DiagonalLetter",
    "JointLaw",
    "IndependentDiagonals",
    "GaussianDiagonals",
    "ProductDiagonals",
    "Step",
    "Bump",
    "Alphabet",
    "parse_star_word",
    "fip_moment",
    "fip_cumulant",
    "word_space",
]

Ensemble = Literal["gaussian", "orthogonal", "wigner", "law"]
FipMethod = Literal["recursive", "lattice"]
#: A letter of a word: its name and whether it is transposed.
Token = tuple[str, bool]


def _expr(value: Any, what: str) -> sympy.Expr:
    if isinstance(value, bool) or not isinstance(value, (int, sympy.Expr)):
        if isinstance(value, float):
            raise InputError(f"{what}={value!r} is a float; give an exact number (a fraction)")
        raise InputError(f"{what}={value!r} is not a number or a sympy expression")
    return sympy.S(value)


def _name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value or any(ch.isspace() for ch in value) or value[-1] in "'ᵀ^":
        raise InputError(f"{what} name {value!r} must be a non-empty string without spaces, not ending in ', ᵀ or ^")
    return value


# =============================================================================
# Letters
# =============================================================================
@dataclass(frozen=True, slots=True)
class WeightLetter:
    """A weight matrix: free from the other weights and from the diagonal letters.

    Parameters
    ----------
    name : str
    ensemble : {"gaussian", "orthogonal", "wigner"}
        Gaussian entries of variance ``variance / N_cols`` (asymptotically
        circular), or ``sqrt(variance)`` times a Haar orthogonal matrix
        (asymptotically Haar unitary), or a symmetric Gaussian (GOE) matrix
        with entries of variance ``variance / N`` (semicircular, its own
        transpose), or ``"law"``: a self-adjoint letter of the given ``law``
        (any :class:`~tpsym.laws.Law`, through its free cumulants); the
        transpose is the adjoint.
    variance : number or sympy expression
        σ² > 0.
    rows, cols : hashable
        The spaces it maps into and from (keys of the alphabet's widths).

    >>> WeightLetter("W", variance=2).kappa(("W", False), 2)
    2
    """

    name: str
    ensemble: Ensemble = "gaussian"
    variance: Any = 1
    rows: Hashable = 0
    cols: Hashable = 0
    law: Any = None

    def __post_init__(self) -> None:
        _name(self.name, "a weight letter's")
        if self.ensemble not in ("gaussian", "orthogonal", "wigner", "law"):
            raise InputError(f"weight letter {self.name!r}: ensemble={self.ensemble!r} is not gaussian, orthogonal, wigner or law")
        if (self.ensemble == "law") != (self.law is not None):
            raise InputError(f"weight letter {self.name!r}: law= goes with ensemble='law' (a self-adjoint letter of that law)")
        if self.law is not None and not callable(getattr(self.law, "cumulants", None)):
            raise InputError(f"weight letter {self.name!r}: law={self.law!r} is not a law")
        v = _expr(self.variance, f"{self.name}.variance")
        if v.is_number and not v.is_positive:
            raise DomainError(f"weight letter {self.name!r}: variance={v} must be > 0")
        object.__setattr__(self, "variance", v)
        if self.ensemble != "gaussian" and self.rows != self.cols:
            raise InputError(f"weight letter {self.name!r}: a {self.ensemble} letter is square (rows == cols)")

    @property
    def selfadjoint(self) -> bool:
        """Whether the letter is its own transpose (a Wigner letter)."""
        return self.ensemble in ("wigner", "law")

    def shape(self, transposed: bool) -> tuple[Hashable, Hashable]:
        """(row space, column space) of the letter or of its transpose."""
        return (self.cols, self.rows) if transposed else (self.rows, self.cols)

    def kappa(self, first: Token, length: int) -> sympy.Expr:
        """The free cumulant of an alternating block ``(x, x*, x, ...)`` of ``length`` letters, in a square algebra.

        Non-alternating blocks have cumulant 0 for both ensembles. Gaussian:
        ``κ_2(W, Wᵀ) = σ²`` and nothing else; orthogonal: ``κ_{2n} = (−1)^{n−1} C_{n−1} σ^{2n}``.
        """
        if self.ensemble == "law":
            return sympy.S(self.law.cumulants(length)[length - 1])
        if length % 2:
            return sympy.Integer(0)
        n = length // 2
        if self.ensemble != "orthogonal":
            return self.variance if n == 1 else sympy.Integer(0)
        return sympy.Integer((-1) ** (n - 1) * math.comb(2 * n - 2, n - 1) // n) * self.variance**n


@dataclass(frozen=True, slots=True)
class DiagonalLetter:
    """A diagonal matrix on one space; diagonal letters commute among themselves.

    >>> DiagonalLetter("D1").space
    0
    """

    name: str
    space: Hashable = 0

    def __post_init__(self) -> None:
        _name(self.name, "a diagonal letter's")


# =============================================================================
# Joint laws of the diagonal letters
# =============================================================================
class JointLaw(ABC):
    """The classical joint law of commuting diagonal letters.

    Subclasses implement :meth:`moment`, the exact joint moment
    ``E[Π d_i^{n_i}]`` of a coordinate, and :attr:`letters`.
    """

    @property
    @abstractmethod
    def letters(self) -> frozenset[str]:
        """The names of the letters whose joint law this is."""

    @abstractmethod
    def moment(self, exponents: Mapping[str, int]) -> sympy.Expr:
        """``E[Π_i d_i^{n_i}]`` for ``exponents = {name: n_i}`` (names of this law, n_i >= 0)."""

    def _check(self, exponents: Mapping[str, int]) -> dict[str, int]:
        out = {}
        for name, n in exponents.items():
            if name not in self.letters:
                raise InputError(f"{name!r} is not a letter of this joint law (letters: {', '.join(sorted(self.letters))})")
            if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                raise InputError(f"the exponent of {name!r} must be an int >= 0, got {n!r}")
            if n:
                out[name] = n
        return out


class IndependentDiagonals(JointLaw):
    """Independent letters, each with its law (a Law or a sequence of moments ``m_1, m_2, ...``).

    >>> from tpsym.laws import bernoulli
    >>> law = IndependentDiagonals({"a": bernoulli(sympy.Rational(1, 2), 0, 1), "b": [1, 2, 5]})
    >>> law.moment({"a": 3, "b": 2})
    1
    """

    def __init__(self, laws: Mapping[str, Any]):
        if not isinstance(laws, Mapping):
            raise InputError("IndependentDiagonals takes a mapping from letter names to laws or moment sequences")
        self._laws: dict[str, Any] = {}
        for name, law in laws.items():
            _name(name, "a diagonal letter's")
            if isinstance(law, (str, bytes)) or not (callable(getattr(law, "moments", None)) or isinstance(law, Sequence)):
                raise InputError(f"the law of {name!r} is neither a law nor a sequence of moments: {law!r}")
            self._laws[name] = law

    @property
    def letters(self) -> frozenset[str]:
        return frozenset(self._laws)

    def moment(self, exponents: Mapping[str, int]) -> sympy.Expr:
        value = sympy.Integer(1)
        for name, n in self._check(exponents).items():
            law = self._laws[name]
            if callable(getattr(law, "moments", None)):
                m = law.moments(n)[n - 1]
            else:
                if len(law) < n:
                    raise InputError(f"the moment m_{n} of {name!r} is needed but only {len(law)} are given")
                m = law[n - 1]
            value = value * sympy.S(m)
        return value

    def __repr__(self) -> str:
        return f"IndependentDiagonals({sorted(self._laws)})"


@dataclass(frozen=True, slots=True)
class Step:
    """``f(g) = high`` for ``g > 0`` and ``low`` otherwise (φ' of ReLU: low=0, high=1; leaky: low=slope)."""

    low: Any = 0
    high: Any = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "low", _expr(self.low, "Step.low"))
        object.__setattr__(self, "high", _expr(self.high, "Step.high"))


@dataclass(frozen=True, slots=True)
class Bump:
    """``f(g) = scale · exp(−rate · g²)`` (φ' of erf: scale = 2/√π, rate = 1)."""

    scale: Any = 1
    rate: Any = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", _expr(self.scale, "Bump.scale"))
        r = _expr(self.rate, "Bump.rate")
        if r.is_number and r.is_negative:
            raise DomainError(f"Bump.rate={r} must be >= 0")
        object.__setattr__(self, "rate", r)


def _orthant(corr: sympy.Matrix) -> sympy.Expr:
    """P(g_1 > 0, ..., g_k > 0) for a centred Gaussian vector with correlation matrix ``corr`` (k <= 3 in closed form).

    Sheppard's formula for k = 2 and its k = 3 analogue (Plackett 1954).
    """
    k = corr.shape[0]
    pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
    if all(corr[i, j] == 0 for i, j in pairs):
        return sympy.Rational(1, 2**k)
    if k == 2:
        return sympy.Rational(1, 4) + sympy.asin(corr[0, 1]) / (2 * sympy.pi)
    if k == 3:
        return sympy.Rational(1, 8) + sum(sympy.asin(corr[i, j]) for i, j in pairs) / (4 * sympy.pi)
    raise DomainError(
        f"the orthant probability of {k} correlated Gaussian coordinates has no closed form: "
        "a word with more than 3 correlated step letters is not supported"
    )


class GaussianDiagonals(JointLaw):
    """Letters ``d_i = f_i(g_{c_i})`` of one centred Gaussian vector ``g`` with a given covariance.

    Parameters
    ----------
    functions : mapping
        Letter name to ``(f, coordinate)`` with ``f`` a :class:`Step`, a
        :class:`Bump` or the number 1 (a constant letter).
    covariance : square matrix (sympy Matrix or nested sequence)
        The covariance of ``g`` (for two inputs of a network, the NNGP kernel
        of the layer). Coordinates with zero covariance are independent.

    Joint moments are exact: products of steps reduce to orthant probabilities
    (closed forms for up to three correlated coordinates), products of bumps
    to ``det(I + 2 R Σ)^{-1/2}``; a step and a bump on correlated coordinates
    are refused.

    >>> r = sympy.Symbol("r")
    >>> law = GaussianDiagonals({"a": (Step(), 0), "b": (Step(), 1)}, [[1, r], [r, 1]])
    >>> law.moment({"a": 2, "b": 1})
    asin(r)/(2*pi) + 1/4
    >>> law.moment({"a": 1})
    1/2
    """

    def __init__(self, functions: Mapping[str, tuple[Any, int]], covariance: Any):
        cov = sympy.Matrix(covariance) if not isinstance(covariance, sympy.MatrixBase) else covariance
        if cov.shape[0] != cov.shape[1] or cov != cov.T:
            raise InputError(f"the covariance must be a symmetric square matrix, got shape {cov.shape}")
        for i in range(cov.shape[0]):
            v = sympy.S(cov[i, i])
            if v.is_number and not v.is_positive:
                raise DomainError(f"the variance of coordinate {i} is {v}; give a positive variance")
        self.covariance = cov.applyfunc(lambda x: _expr(sympy.S(x), "covariance entry"))
        self._f: dict[str, tuple[Any, int]] = {}
        for name, spec in functions.items():
            _name(name, "a diagonal letter's")
            if not isinstance(spec, tuple) or len(spec) != 2:
                raise InputError(f"the letter {name!r} takes (function, coordinate), got {spec!r}")
            f, c = spec
            if f == 1:
                f = Step(1, 1)
            if not isinstance(f, (Step, Bump)):
                raise InputError(f"the function of {name!r} must be a Step, a Bump or 1, got {f!r}")
            if isinstance(c, bool) or not isinstance(c, int) or not 0 <= c < cov.shape[0]:
                raise InputError(f"the coordinate of {name!r} must be an int in 0..{cov.shape[0] - 1}, got {c!r}")
            self._f[name] = (f, c)

    @property
    def letters(self) -> frozenset[str]:
        return frozenset(self._f)

    def moment(self, exponents: Mapping[str, int]) -> sympy.Expr:
        exps = self._check(exponents)
        # per coordinate: a product of steps is A + (B - A) 1{g > 0}; bumps multiply scale^n exp(-n rate g^2)
        steps: dict[int, tuple[sympy.Expr, sympy.Expr]] = {}
        bumps: dict[int, tuple[sympy.Expr, sympy.Expr]] = {}
        for name, n in exps.items():
            f, c = self._f[name]
            if isinstance(f, Step):
                a, b = steps.get(c, (sympy.Integer(1), sympy.Integer(1)))
                steps[c] = (a * f.low**n, b * f.high**n)
            else:
                s, r = bumps.get(c, (sympy.Integer(1), sympy.Integer(0)))
                bumps[c] = (s * f.scale**n, r + n * f.rate)
        value = sympy.Integer(1)
        for c in list(steps):  # steps that are constants
            a, b = steps[c]
            if sympy.expand(a - b) == 0:
                value *= a
                del steps[c]
        cov = self.covariance
        for c in steps:
            if any(cov[c, d] != 0 for d in bumps):
                raise DomainError("a step and a bump letter on correlated Gaussian coordinates have no closed-form joint moment")
        if bumps:
            idx = sorted(bumps)
            sub = cov.extract(idx, idx)
            rates = sympy.diag(*[bumps[c][1] for c in idx])
            det = sympy.factor((sympy.eye(len(idx)) + 2 * rates * sub).det())
            value *= sympy.Mul(*[bumps[c][0] for c in idx]) / sympy.sqrt(det)
        if steps:
            idx = sorted(steps)
            total = sympy.Integer(0)
            for mask in range(1 << len(idx)):
                chosen = [c for k, c in enumerate(idx) if mask >> k & 1]
                term = sympy.Integer(1)
                for c in idx:
                    a, b = steps[c]
                    term *= (b - a) if c in chosen else a
                if term == 0:
                    continue
                if chosen:
                    sub = cov.extract(chosen, chosen)
                    corr = sympy.Matrix(len(chosen), len(chosen), lambda i, j, sub=sub: sub[i, j] / sympy.sqrt(sub[i, i] * sub[j, j]))
                    term *= _orthant(corr)
                total += term
            value *= total
        return sympy.expand(value)

    def __repr__(self) -> str:
        return f"GaussianDiagonals({sorted(self._f)})"


class ProductDiagonals(JointLaw):
    """Independent groups of letters, each with its own joint law (letters disjoint).

    >>> law = ProductDiagonals([IndependentDiagonals({"a": [2]}), IndependentDiagonals({"b": [3]})])
    >>> law.moment({"a": 1, "b": 1})
    6
    """

    def __init__(self, laws: Iterable[JointLaw]):
        self.parts = tuple(laws)
        seen: set[str] = set()
        for part in self.parts:
            if not isinstance(part, JointLaw):
                raise InputError(f"{part!r} is not a joint law")
            both = seen & part.letters
            if both:
                raise InputError(f"the letter {sorted(both)[0]!r} is in two independent groups")
            seen |= part.letters
        self._letters = frozenset(seen)

    @property
    def letters(self) -> frozenset[str]:
        return self._letters

    def moment(self, exponents: Mapping[str, int]) -> sympy.Expr:
        exps = self._check(exponents)
        value = sympy.Integer(1)
        for part in self.parts:
            mine = {k: v for k, v in exps.items() if k in part.letters}
            if mine:
                value *= part.moment(mine)
        return value


# =============================================================================
# The alphabet
# =============================================================================
@dataclass(frozen=True)
class Alphabet:
    """The letter registry: weight letters, diagonal letters, their joint law and the widths.

    Parameters
    ----------
    weights : iterable of WeightLetter
    diagonals : iterable of DiagonalLetter
    law : JointLaw, optional
        The joint law of the diagonal letters (required when there are any).
    widths : mapping, optional
        Space to relative width (number or symbol); a missing space has width 1.

    Raises
    ------
    InputError
        A name used twice (in particular a letter declared both free, as a
        weight, and commuting, as a diagonal), a diagonal letter the law does
        not know, a law letter that is not a diagonal letter.
    """

    weights: tuple[WeightLetter, ...] = ()
    diagonals: tuple[DiagonalLetter, ...] = ()
    law: JointLaw | None = None
    widths: Mapping[Hashable, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", tuple(self.weights))
        object.__setattr__(self, "diagonals", tuple(self.diagonals))
        names: dict[str, str] = {}
        for kind, letters, cls in (("free weight", self.weights, WeightLetter), ("commuting diagonal", self.diagonals, DiagonalLetter)):
            for letter in letters:
                if not isinstance(letter, cls):
                    raise InputError(f"{letter!r} is not a {cls.__name__}")
                if letter.name in names:
                    other = names[letter.name]
                    if other != kind:
                        raise InputError(f"the letter {letter.name!r} is declared both {other} and {kind}")
                    raise InputError(f"the letter {letter.name!r} is declared twice")
                names[letter.name] = kind
        if self.diagonals:
            if not isinstance(self.law, JointLaw):
                raise InputError("diagonal letters need their joint law (law=IndependentDiagonals(...) or GaussianDiagonals(...))")
            missing = sorted({d.name for d in self.diagonals} - self.law.letters)
            if missing:
                raise InputError(f"the joint law does not know the diagonal letter {missing[0]!r}")
        if self.law is not None:
            extra = sorted(self.law.letters - {d.name for d in self.diagonals})
            if extra:
                what = "a weight letter (free)" if extra[0] in names else "not a diagonal letter of the alphabet"
                raise InputError(f"the joint law has the letter {extra[0]!r}, which is {what}")
        widths = dict(self.widths)
        for space, w in widths.items():
            w = _expr(w, f"width of space {space!r}")
            if w.is_number and not w.is_positive:
                raise DomainError(f"the width of space {space!r} is {w}; widths are > 0")
            widths[space] = w
        object.__setattr__(self, "widths", widths)

    @property
    def letters(self) -> dict[str, WeightLetter | DiagonalLetter]:
        """Name to letter."""
        every: list[WeightLetter | DiagonalLetter] = [*self.weights, *self.diagonals]
        return {x.name: x for x in every}

    def width(self, space: Hashable) -> sympy.Expr:
        """The relative width of a space (1 unless given)."""
        return self.widths.get(space, sympy.Integer(1))


def _weight(letter: WeightLetter | DiagonalLetter) -> WeightLetter:
    """A letter that stands where only weight letters can (a w_i of a word or a κ of the recursion)."""
    if not isinstance(letter, WeightLetter):
        raise InputError(f"the letter {letter.name!r} is a commuting diagonal, not a weight letter")
    return letter


def parse_star_word(word: str | Sequence[Any], alphabet: Alphabet) -> tuple[Token, ...]:
    """A word as a tuple of tokens ``(name, transposed)``, checked against the alphabet.

    A string is split on spaces; ``W'`` and ``Wᵀ`` are transposes, ``x^k``
    repeats a token; a sequence may hold names (``"W'"`` too) or tokens. A
    diagonal letter is its own transpose.

    >>> ab = Alphabet(weights=[WeightLetter("W")])
    >>> parse_star_word("W W'^2", ab)
    (('W', False), ('W', True), ('W', True))
    >>> parse_star_word("V", ab)
    Traceback (most recent call last):
    ...
    tpsym.errors.InputError: unknown letter 'V' in the word (letters: W)
    """
    if not isinstance(alphabet, Alphabet):
        raise InputError(f"{alphabet!r} is not an Alphabet")
    letters = alphabet.letters
    items: list[Any] = word.split() if isinstance(word, str) else list(word)
    out: list[Token] = []
    for item in items:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str) and isinstance(item[1], bool):
            name, transposed, power = item[0], item[1], 1
        elif isinstance(item, str):
            text, power = item, 1
            if "^" in text:
                text, _, exp = text.partition("^")
                if not exp.isdigit() or int(exp) < 1:
                    raise InputError(f"bad power in {item!r}: write x^k with an integer k >= 1")
                power = int(exp)
            transposed = False
            while text.endswith(("'", "ᵀ")):
                transposed, text = not transposed, text[:-1]
            name = text
        else:
            raise InputError(f"a word is made of letter names or (name, transposed) tokens, got {item!r}")
        if name not in letters:
            raise InputError(f"unknown letter {name!r} in the word (letters: {', '.join(sorted(letters)) or 'none'})")
        letter = letters[name]
        if isinstance(letter, DiagonalLetter) or letter.selfadjoint:
            transposed = False
        out.extend([(name, transposed)] * power)
    if not out:
        raise InputError("the word is empty")
    return tuple(out)


def _show(tok: Token) -> str:
    return tok[0] + ("ᵀ" if tok[1] else "")


def word_space(tokens: Sequence[Token], alphabet: Alphabet) -> Hashable:
    """The space a word starts and ends in; refuses a word whose shapes do not fit.

    >>> ab = Alphabet(weights=[WeightLetter("W", rows="out", cols="in")], widths={"out": 2, "in": 1})
    >>> word_space(parse_star_word("W' W", ab), ab)
    'in'
    >>> word_space(parse_star_word("W W", ab), ab)
    Traceback (most recent call last):
    ...
    tpsym.errors.InputError: the word does not fit: W maps into space 'out' but W takes space 'in' (a product W W of these shapes is undefined)
    """
    letters = alphabet.letters

    def shape(tok: Token) -> tuple[Hashable, Hashable]:
        x = letters[tok[0]]
        return x.shape(tok[1]) if isinstance(x, WeightLetter) else (x.space, x.space)

    n = len(tokens)
    for i in range(n):
        a, b = tokens[i], tokens[(i + 1) % n]
        if shape(a)[1] != shape(b)[0]:
            where = "" if i + 1 < n else " (the trace closes the word)"
            raise InputError(
                f"the word does not fit: {_show(b)} maps into space {shape(b)[0]!r} but {_show(a)} takes space "
                f"{shape(a)[1]!r} (a product {_show(a)} {_show(b)} of these shapes is undefined){where}"
            )
    return shape(tokens[0])[0]


# =============================================================================
# The engine
# =============================================================================
class _Bool:
    """The coefficient ring of the support pass: which monomials can appear."""

    zero, one = False, True

    @staticmethod
    def is_zero(x: bool) -> bool:
        return not x


class _Problem:
    """A word cut into weights ``w_1..w_m`` and diagonal monomials ``a_1..a_m`` (after each weight)."""

    def __init__(self, tokens: tuple[Token, ...], alphabet: Alphabet):
        self.alphabet = alphabet
        letters = alphabet.letters
        self.start = word_space(tokens, alphabet)
        diag_names = sorted({t[0] for t in tokens if isinstance(letters[t[0]], DiagonalLetter)})
        self.diag_names = diag_names
        index = {name: i for i, name in enumerate(diag_names)}
        spaces: list[Hashable] = []
        for t in tokens:
            x = letters[t[0]]
            for s in (x.shape(t[1]) if isinstance(x, WeightLetter) else (x.space,)):
                if s not in spaces:
                    spaces.append(s)
        self.spaces = spaces
        self.square = len(spaces) == 1
        has_haar = any(isinstance(x, WeightLetter) and x.ensemble in ("orthogonal", "law") for x in (letters[t[0]] for t in tokens))
        if has_haar and not self.square:
            raise InputError("a word with a Haar orthogonal letter or a letter of a given law must stay in one space (a square word)")
        # rotate so that the word starts with a weight (phi is a trace)
        first_w = next((i for i, t in enumerate(tokens) if isinstance(letters[t[0]], WeightLetter)), None)
        self.pure = first_w is None
        rot = tokens if first_w is None else tokens[first_w:] + tokens[:first_w]
        self.weights: list[Token] = []
        self.after: list[tuple[int, tuple[int, ...]]] = []  # a_i as (space index, exponents)
        zero = [0] * len(diag_names)
        exps = list(zero)
        for t in rot:
            x = letters[t[0]]
            if isinstance(x, WeightLetter):
                if self.weights:
                    self.after.append(self._mono(exps))
                self.weights.append(t)
                exps = list(zero)
            else:
                exps[index[t[0]]] += 1
        if self.pure:
            self.diag_only = tuple(exps)
        else:
            self.after.append(self._mono(exps))
            # the space of a_i: the column space of w_i
            self.after = [
                (spaces.index(_weight(letters[w[0]]).shape(w[1])[1]), e) for w, (_, e) in zip(self.weights, self.after)
            ]

    def _mono(self, exps: list[int]) -> tuple[int, tuple[int, ...]]:
        return (-1, tuple(exps))

    # -- scalars -------------------------------------------------------------
    def alpha(self, space: int) -> sympy.Expr:
        return sympy.Integer(1) if self.square else self.alphabet.width(self.spaces[space])

    def kappa(self, positions: Sequence[int]) -> sympy.Expr:
        """κ of the weights at ``positions`` (one block), in the square algebra of all spaces."""
        toks = [self.weights[p] for p in positions]
        name = toks[0][0]
        if any(t[0] != name for t in toks):
            return sympy.Integer(0)
        letter = _weight(self.alphabet.letters[name])
        alternating = all(toks[k][1] != toks[k + 1][1] for k in range(len(toks) - 1)) and (len(toks) < 2 or toks[0][1] != toks[-1][1])
        if not (alternating or letter.selfadjoint):
            return sympy.Integer(0)
        assert isinstance(letter, WeightLetter)
        value = letter.kappa(toks[0], len(toks))
        if not self.square:  # gaussian: W = P_r W~ P_c with kappa_2(W~) = sigma^2 / alpha_c
            value = value / self.alphabet.width(letter.cols)
        return value

    def expectation(self, mono: tuple[int, tuple[int, ...]]) -> sympy.Expr:
        space, exps = mono
        law = self.alphabet.law
        value = sympy.Integer(1)
        if any(exps):
            assert law is not None
            value = law.moment({self.diag_names[i]: n for i, n in enumerate(exps) if n})
        return self.alpha(space) * value


def _mul_mono(a: tuple[int, tuple[int, ...]], b: tuple[int, tuple[int, ...]]) -> tuple[int, tuple[int, ...]] | None:
    if a[0] >= 0 and b[0] >= 0 and a[0] != b[0]:
        return None  # P_s P_t = 0
    return (max(a[0], b[0]), tuple(x + y for x, y in zip(a[1], b[1])))


def _recursive(pb: _Problem, F: Any, conv: Any, E: Any) -> Any:
    """phi(w_1 a_1 ... w_m a_m) by the A-valued first-block recursion; ``conv`` maps scalars into ``F``."""
    w, a, m = pb.weights, pb.after, len(pb.weights)
    kappas: dict[tuple[str, bool, int], Any] = {}
    letters = pb.alphabet.letters

    def kappa_of(name: str, first_t: bool, length: int) -> Any:
        key = (name, first_t, length)
        if key not in kappas:
            letter = _weight(letters[name])
            v = letter.kappa((name, first_t), length)
            if not pb.square and v != 0:
                v = v / pb.alphabet.width(letter.cols)
            kappas[key] = conv(v)
        return kappas[key]

    def add_into(acc: dict, poly: dict, scale: Any, mono: tuple[int, tuple[int, ...]] | None) -> None:
        if F.is_zero(scale):
            return
        for mo, c in poly.items():
            mm = mo if mono is None else _mul_mono(mono, mo)
            if mm is None:
                continue
            v = scale * c
            if mm in acc:
                acc[mm] = acc[mm] + v
            else:
                acc[mm] = v

    expect_cache: dict[Any, Any] = {}

    def expect(poly: dict, left: tuple[int, tuple[int, ...]]) -> Any:
        # E[left * poly]
        total = F.zero
        for mo, c in poly.items():
            mm = _mul_mono(left, mo)
            if mm is None or F.is_zero(c):
                continue
            if mm not in expect_cache:
                expect_cache[mm] = E(mm)
            total = total + c * expect_cache[mm]
        return total

    ONE = {(-1, tuple([0] * len(pb.diag_names))): F.one}

    @lru_cache(maxsize=None)
    def R(i: int, j: int) -> dict:
        # E_A[w_i a_i ... w_j a_j] as {monomial: coefficient}; empty word -> 1
        if i > j:
            return ONE
        name, t0 = w[i]
        selfadjoint = _weight(letters[name]).selfadjoint

        @lru_cache(maxsize=None)
        def ext(p: int, s: int) -> dict:
            # blocks {i = p_1 < ... < p_s = p} so far; the letters alternate, so w[p] has flag t0 ^ (s - 1) % 2
            out: dict = {}
            k = kappa_of(name, t0, s)
            if not F.is_zero(k):
                add_into(out, R(p + 1, j), k, a[p])
            want = w[p][1] if selfadjoint else not w[p][1]
            for q in range(p + 1, j + 1):
                if w[q] == (name, want):
                    g = gap(p, q)
                    if not F.is_zero(g):
                        add_into(out, ext(q, s + 1), g, None)
            return out

        return ext(i, 1)

    @lru_cache(maxsize=None)
    def gap(p: int, q: int) -> Any:
        # phi(a_p w_{p+1} a_{p+1} ... w_{q-1} a_{q-1})
        return expect(R(p + 1, q - 1), a[p])

    top = R(0, m - 1)
    total = F.zero
    for mo, c in top.items():
        if F.is_zero(c):
            continue
        if mo not in expect_cache:
            expect_cache[mo] = E(mo)
        total = total + c * expect_cache[mo]
    return total


def _lattice(pb: _Problem, F: Any, conv: Any, E: Any) -> Any:
    """The plain sum over NC(m) of κ_π[w] φ_{K(π)}[a] (exponential: the oracle and the baseline)."""
    from tpsym.combinat import kreweras, noncrossing_partitions

    m = len(pb.weights)
    total = F.zero
    kcache: dict[tuple[int, ...], Any] = {}
    ecache: dict[Any, Any] = {}
    for pi in noncrossing_partitions(m):
        term = F.one
        for block in pi.blocks:
            key = tuple(i - 1 for i in block)
            if key not in kcache:
                kcache[key] = conv(pb.kappa(key))
            term = term * kcache[key]
            if F.is_zero(term):
                break
        if F.is_zero(term):
            continue
        for block in kreweras(pi).blocks:
            mono: tuple[int, tuple[int, ...]] | None = (-1, tuple([0] * len(pb.diag_names)))
            for i in block:
                mono = _mul_mono(mono, pb.after[i - 1]) if mono is not None else None
            if mono is None:
                term = F.zero
                break
            if mono not in ecache:
                ecache[mono] = E(mono)
            term = term * ecache[mono]
        total = total + term
    return total


def _evaluate(pb: _Problem, route: Any) -> sympy.Expr:
    if pb.pure:
        exps = pb.diag_only
        law = pb.alphabet.law
        assert law is not None
        return sympy.expand(law.moment({pb.diag_names[i]: n for i, n in enumerate(exps) if n}))
    # pass 1: which joint moments and cumulants are needed (a support computation)
    needed: dict[Any, sympy.Expr] = {}
    scalars: list[sympy.Expr] = []

    def E1(mono: Any) -> bool:
        needed[mono] = pb.expectation(mono)
        return True

    def conv1(v: sympy.Expr) -> bool:
        scalars.append(v)
        return v != 0

    route(pb, _Bool, conv1, E1)
    start = pb.spaces.index(pb.start)
    norm = pb.alpha(start)
    enc = Encoder.for_exprs([*needed.values(), *scalars, norm])
    F = enc.field
    conv = enc.encode

    def E2(mono: Any) -> Any:
        if mono not in needed:  # pragma: no cover - the support pass saw every monomial
            needed[mono] = pb.expectation(mono)
        return enc.encode(needed[mono])

    value = route(pb, F, conv, E2)
    return enc.decode(value * F(1) / enc.encode(norm)) if not F.is_zero(value) else sympy.Integer(0)


_ROUTES = {"recursive": _recursive, "lattice": _lattice}


def fip_moment(word: str | Sequence[Any], alphabet: Alphabet, *, method: FipMethod = "recursive") -> sympy.Expr:
    """The mixed moment ``tr(word)/N_s`` of a *-word in free weights and commuting diagonals.

    Parameters
    ----------
    word : str or sequence
        See :func:`parse_star_word`.
    alphabet : Alphabet
    method : {"recursive", "lattice"}
        The polynomial A-valued recursion, or the plain sum over NC(m).

    Raises
    ------
    InputError
        An unknown letter, an empty word, a word whose shapes do not fit, a
        Haar letter in a rectangular word, an unknown method.
    DomainError
        A joint moment the diagonal law cannot give exactly.

    Examples
    --------
    Free commutator of two semicirculars ``s_i = (W_i + W_iᵀ)/√2`` (variance 1/2
    each, so ``s_i`` has variance 1): ``φ((i(s_1 s_2 − s_2 s_1))²) = 2``
    (Nica–Speicher, Lecture 15):

    >>> ab = Alphabet(weights=[WeightLetter("A", variance=sympy.Rational(1, 2)),
    ...                        WeightLetter("B", variance=sympy.Rational(1, 2))])
    >>> s = lambda x: [[(x, False)], [(x, True)]]
    >>> import itertools
    >>> def poly_moment(terms):  # terms: (coefficient, list of letter names)
    ...     total = 0
    ...     for c, names in terms:
    ...         for choice in itertools.product([False, True], repeat=len(names)):
    ...             total += c * fip_moment([(x, t) for x, t in zip(names, choice)], ab)
    ...     return total
    >>> poly_moment([(1, "ABBA"), (1, "BAAB"), (-1, "ABAB"), (-1, "BABA")]) / 4  # phi((s1 s2 - s2 s1)(s2 s1 - s1 s2))... /2^2
    1/2

    Rectangular: a Gaussian ``N_1 × N_0`` letter with ``N_1/N_0 = 2``;
    ``WᵀW`` (on N_0) has moments 2, 6 and ``W Wᵀ`` (on N_1) 1, 3:

    >>> ab = Alphabet(weights=[WeightLetter("W", rows=1, cols=0)], widths={0: 1, 1: 2})
    >>> [fip_moment(w, ab) for w in ("W' W", "W' W W' W", "W W'", "W W' W W'")]
    [2, 6, 1, 3]
    """
    if method not in _ROUTES:
        raise InputError(f"unknown method {method!r}: choose recursive or lattice")
    tokens = parse_star_word(word, alphabet)
    return _evaluate(_Problem(tokens, alphabet), _ROUTES[method])


def fip_cumulant(word: str | Sequence[Any], alphabet: Alphabet, *, method: FipMethod = "recursive") -> sympy.Expr:
    """The mixed free cumulant ``κ_n(x_1, ..., x_n)`` of the letters of a square word.

    By Möbius inversion over NC(n): ``κ_n = Σ_{π∈NC(n)} μ(π, 1_n) Π_{V∈π} φ(x_V)``,
    each ``φ(x_V)`` by :func:`fip_moment`. Letters of a rectangular word are
    not elements of one algebra with a trace normalised on each space, so
    a word must stay in one space.

    Examples
    --------
    A Gaussian letter is circular: ``κ_2(W, Wᵀ) = σ²``, ``κ_2(W, W) = 0``;
    two commuting diagonal letters are not free: ``κ_4(D_1, D_2, D_1, D_2) = 1/16``
    for independent ReLU masks (free ones would give 0).

    >>> from tpsym.laws import bernoulli
    >>> half = bernoulli(sympy.Rational(1, 2), 0, 1)
    >>> ab = Alphabet(weights=[WeightLetter("W", variance=3)], diagonals=[DiagonalLetter("D1"), DiagonalLetter("D2")],
    ...               law=IndependentDiagonals({"D1": half, "D2": half}))
    >>> fip_cumulant("W W'", ab), fip_cumulant("W W", ab), fip_cumulant("D1 D2 D1 D2", ab)
    (3, 0, 1/16)
    """
    from tpsym.combinat import NCPartition, mobius, noncrossing_partitions

    tokens = parse_star_word(word, alphabet)
    space = word_space(tokens, alphabet)
    letters = alphabet.letters
    for name, _ in tokens:
        x = letters[name]
        shape = x.shape(False) if isinstance(x, WeightLetter) else (x.space, x.space)
        if shape != (space, space):
            raise InputError(f"mixed cumulants need a square word: {name} is not on the space {space!r} alone")
    n = len(tokens)
    top = NCPartition.coarsest(n)
    cache: dict[tuple[Token, ...], sympy.Expr] = {}
    total = sympy.Integer(0)
    for pi in noncrossing_partitions(n):
        term = sympy.Integer(int(mobius(pi, top)))
        for block in pi.blocks:
            sub = tuple(tokens[i - 1] for i in block)
            if sub not in cache:
                cache[sub] = fip_moment(sub, alphabet, method=method)
            term = term * cache[sub]
            if term == 0:
                break
        total = total + term
    return sympy.expand(total)
