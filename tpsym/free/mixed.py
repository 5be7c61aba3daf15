"""Mixed moments and mixed free cumulants of words in free variables.

For variables ``a, b, ...`` that are free, with known laws, a mixed free
cumulant vanishes unless all its arguments are the same variable, so the
multivariate moment–cumulant formula (Nica–Speicher, Lecture 11)

    phi(x_1 ... x_n) = sum_{pi in NC(n)} prod_{V in pi} kappa_|V|(x_V)

only keeps the partitions whose blocks are monochromatic. tpsym evaluates it
by three routes:

* ``"recursive"`` (default): the first-block decomposition of NC(n) — the
  block ``V`` of position 1 splits the rest into independent intervals — with
  memoisation over intervals of the word; polynomial in the word length;
* ``"kreweras"``: for alternating words ``p_1(a) q_1(b) ... p_n(a) q_n(b)`` in
  two free families, ``phi = sum_{pi in NC(n)} kappa_pi[p_1(a), ..., p_n(a)]
  phi_{K(pi)}[q_1(b), ..., q_n(b)]`` (Nica–Speicher, Theorem 14.4, with
  Kreweras' complement ``K``);
* ``"lattice"``: the plain sum over NC(n) (exponential; the test oracle).

Examples
--------
>>> from tpsym.laws import semicircle
>>> laws = {"a": semicircle(), "b": semicircle()}
>>> mixed_moment("a a b b", laws), mixed_moment("a b a b", laws)
(1, 0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal

import sympy

from tpsym.errors import InputError
from tpsym.free.cumulants import cumulants_from_moments_series
from tpsym.series.encode import Encoder

__all__ = ["mixed_moment", "mixed_cumulant", "parse_word", "MixedMethod"]

MixedMethod = Literal["recursive", "kreweras", "lattice"]


def parse_word(word: str | Sequence[str], labels: Mapping[str, Any]) -> tuple[str, ...]:
    """Split a word into labels and check each one is known.

    A string is split on whitespace; a label followed by ``^k`` (or ``**k``)
    repeats it ``k`` times.

    >>> parse_word("a b^2 a", {"a": 0, "b": 0})
    ('a', 'b', 'b', 'a')
    """
    if isinstance(word, str):
        tokens = word.split()
    else:
        tokens = list(word)
    out: list[str] = []
    for tok in tokens:
        if not isinstance(tok, str):
            raise InputError(f"a word is made of labels (strings), got {tok!r}")
        name, power = tok, 1
        for sep in ("**", "^"):
            if sep in tok:
                name, _, exp = tok.partition(sep)
                if not exp.isdigit() or int(exp) < 1:
                    raise InputError(f"bad power in {tok!r}: write label^k with an integer k >= 1")
                power = int(exp)
                break
        if name not in labels:
            known = ", ".join(sorted(labels)) or "none"
            raise InputError(f"unknown label {name!r} in the word (known labels: {known})")
        out.extend([name] * power)
    if not out:
        raise InputError("the word is empty")
    return tuple(out)


class _Data:
    """Exact moments and free cumulants of each label's law, in one field."""

    def __init__(self, moments: Mapping[str, Sequence[Any]]):
        self.enc = Encoder.for_exprs([m for seq in moments.values() for m in seq])
        self.F = self.enc.field
        self.moms = {lab: [self.enc.encode(m) for m in seq] for lab, seq in moments.items()}
        self.kappa = {lab: cumulants_from_moments_series(m, "free", self.F) for lab, m in self.moms.items()}

    @classmethod
    def of(cls, labels: Sequence[str], laws: Mapping[str, Any]) -> _Data:
        n = len(labels)
        moments = {}
        for lab in sorted(set(labels)):
            law = laws[lab]
            if callable(getattr(law, "moments", None)):
                seq = tuple(law.moments(n))
            else:
                seq = tuple(law)
                if len(seq) < n:
                    raise InputError(f"the word has length {n} but only {len(seq)} moments of {lab!r} are given")
            moments[lab] = seq[:n]
        return cls(moments)


def _recursive(word: tuple[str, ...], data: _Data) -> Any:
    F = data.F
    n = len(word)

    @lru_cache(maxsize=None)
    def phi(i: int, j: int) -> Any:
        # phi of word[i:j]; the block of position i is {i = p_1 < ... < p_s}, same label.
        if i >= j:
            return F.one
        label = word[i]
        kap = data.kappa[label]

        @lru_cache(maxsize=None)
        def extend(p: int, s: int) -> Any:
            # sum over blocks whose last chosen element so far is p (s elements so far)
            total = kap[s - 1] * phi(p + 1, j)
            for q in range(p + 1, j):
                if word[q] == label:
                    gap = phi(p + 1, q)
                    if not F.is_zero(gap):
                        total = total + gap * extend(q, s + 1)
            return total

        return extend(i, 1)

    return phi(0, n)


def _lattice(word: tuple[str, ...], data: _Data) -> Any:
    from tpsym.combinat import noncrossing_partitions

    F = data.F
    total = F.zero
    for pi in noncrossing_partitions(len(word)):
        term = F.one
        for block in pi.blocks:
            labels = {word[i - 1] for i in block}
            if len(labels) > 1:
                term = F.zero
                break
            term = term * data.kappa[labels.pop()][len(block) - 1]
        total = total + term
    return total


def _alternating_runs(word: tuple[str, ...]) -> tuple[str, str, list[int], list[int]] | None:
    """``word = a^{p_1} b^{q_1} ... a^{p_n} b^{q_n}`` up to a cyclic rotation?"""
    runs: list[tuple[str, int]] = []
    for x in word:
        if runs and runs[-1][0] == x:
            runs[-1] = (x, runs[-1][1] + 1)
        else:
            runs.append((x, 1))
    if len(runs) > 1 and runs[0][0] == runs[-1][0]:  # phi is a trace: rotate the last run to the front
        runs[0] = (runs[0][0], runs[0][1] + runs[-1][1])
        runs.pop()
    labels = {r[0] for r in runs}
    if len(labels) != 2 or len(runs) % 2:
        return None
    a, b = runs[0][0], runs[1][0]
    if any(r[0] != (a if k % 2 == 0 else b) for k, r in enumerate(runs)):
        return None
    return a, b, [r[1] for r in runs[0::2]], [r[1] for r in runs[1::2]]


def _kreweras(word: tuple[str, ...], data: _Data) -> Any:
    from tpsym.combinat import kreweras, mobius, noncrossing_partitions, NCPartition

    shape = _alternating_runs(word)
    if shape is None:
        raise InputError("the Kreweras route needs a word alternating between two labels, such as 'a b a^2 b'")
    a, b, p, q = shape
    F = data.F
    ma, mb = data.moms[a], data.moms[b]
    n = len(p)

    def moment(m: list[Any], k: int) -> Any:
        return F.one if k == 0 else m[k - 1]

    @lru_cache(maxsize=None)
    def cumulant_of_powers(powers: tuple[int, ...]) -> Any:
        # kappa_s(a^{p_1}, ..., a^{p_s}) = sum_{sigma in NC(s)} mu(sigma, 1_s) prod_U phi(a^{sum p_U})
        s = len(powers)
        top = NCPartition.coarsest(s)
        total = F.zero
        for sigma in noncrossing_partitions(s):
            term = F.from_int(int(mobius(sigma, top)))
            for block in sigma.blocks:
                term = term * moment(ma, sum(powers[i - 1] for i in block))
            total = total + term
        return total

    total = F.zero
    for pi in noncrossing_partitions(n):
        term = F.one
        for block in pi.blocks:
            term = term * cumulant_of_powers(tuple(p[i - 1] for i in block))
        for block in kreweras(pi).blocks:
            term = term * moment(mb, sum(q[i - 1] for i in block))
        total = total + term
    return total


def _check_laws(laws: Mapping[str, Any]) -> None:
    if not isinstance(laws, Mapping) or not laws:
        raise InputError("give the laws as a mapping from labels to laws (or to moment sequences)")
    for label, law in laws.items():
        if isinstance(law, (str, bytes)) or not (callable(getattr(law, "moments", None)) or isinstance(law, Sequence)):
            raise InputError(f"the law of {label!r} is neither a law nor a sequence of moments: {law!r}")
    networks = sorted(label for label, law in laws.items() if getattr(law, "mlp", None) is not None)
    if len(networks) > 1:
        # J Jᵀ and K Kᵀ of networks on one input are not free: their diagonals D commute
        raise InputError(
            f"the letters {networks[0]!r} and {networks[1]!r} are Gram matrices of networks, which are not free "
            "(their diagonal matrices commute): use tpsym.nets.words.network_mixed_moment (tpsym mixed --net)"
        )


def mixed_moment(
    word: str | Sequence[str], laws: Mapping[str, Any], *, method: MixedMethod = "recursive"
) -> sympy.Expr:
    """The mixed moment ``phi(x_1 x_2 ... x_n)`` of free variables.

    Parameters
    ----------
    word : str or sequence of str
        Labels, e.g. ``"a b a b"`` or ``["a", "b"]``; ``a^3`` repeats a label.
    laws : mapping
        The law of each label (a :class:`~tpsym.laws.Law`, or any object with
        a ``moments(order)`` method, or a sequence of moments ``m_1, m_2, ...``);
        distinct labels are free from each other.
    method : {"recursive", "kreweras", "lattice"}
        See the module documentation; all three give the same value.

    Raises
    ------
    InputError
        On an unknown label, an empty word, or a word the Kreweras route
        cannot take.

    Examples
    --------
    ``phi(a b a b) = m_2(a) m_1(b)^2 + m_1(a)^2 m_2(b) - m_1(a)^2 m_1(b)^2``
    (Nica–Speicher, Example 5.15):

    >>> from tpsym.laws import generic_law
    >>> mixed_moment("a b a b", {"a": generic_law("x"), "b": generic_law("y")})
    -x_1**2*y_1**2 + x_1**2*y_2 + x_2*y_1**2
    """
    _check_laws(laws)
    labels = parse_word(word, laws)
    if method not in ("recursive", "kreweras", "lattice"):
        raise InputError(f"unknown method {method!r}: choose recursive, kreweras or lattice")
    data = _Data.of(labels, laws)
    route = {"recursive": _recursive, "kreweras": _kreweras, "lattice": _lattice}[method]
    return data.enc.decode(route(labels, data))


def mixed_cumulant(word: str | Sequence[str], laws: Mapping[str, Any]) -> sympy.Expr:
    """The mixed free cumulant ``kappa_n(x_1, ..., x_n)`` of free variables.

    Computed from mixed moments by Möbius inversion over NC(n),
    ``kappa_n = sum_{pi in NC(n)} mu(pi, 1_n) prod_{V in pi} phi(x_V)``; for
    free variables it vanishes unless all labels agree (Speicher's theorem,
    Nica–Speicher, Theorem 11.16), which this function does not assume.

    >>> from tpsym.laws import mp, semicircle
    >>> laws = {"a": semicircle(), "b": mp(ratio=1)}
    >>> mixed_cumulant("a b a b", laws), mixed_cumulant("b b b", laws)
    (0, 1)
    """
    from tpsym.combinat import NCPartition, mobius, noncrossing_partitions

    _check_laws(laws)
    labels = parse_word(word, laws)
    n = len(labels)
    data = _Data.of(labels, laws)
    F = data.F
    top = NCPartition.coarsest(n)
    total = F.zero
    for pi in noncrossing_partitions(n):
        term = F.from_int(int(mobius(pi, top)))
        for block in pi.blocks:
            term = term * _recursive(tuple(labels[i - 1] for i in block), data)
        total = total + term
    return data.enc.decode(total)
