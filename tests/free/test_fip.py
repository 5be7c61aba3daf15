"""Tests of tpsym.free.fip: *-words in free weights and commuting diagonal letters."""

from __future__ import annotations

import random

import numpy as np
import pytest
import sympy

from tpsym.errors import DomainError, InputError
from tpsym.free import mixed_moment
from tpsym.free.fip import (
    Alphabet,
    Bump,
    DiagonalLetter,
    GaussianDiagonals,
    IndependentDiagonals,
    ProductDiagonals,
    Step,
    WeightLetter,
    fip_cumulant,
    fip_moment,
    parse_star_word,
)
from tpsym.laws import bernoulli, dirac, mp, scale, semicircle
from tpsym.numeric.decision import MomentEstimate, decide_family

HALF = sympy.Rational(1, 2)
MASK = bernoulli(HALF, 0, 1)  # a ReLU mask: E[D^n] = 1/2


def _alphabet(ensembles=("gaussian", "gaussian"), diagonals=4, variances=(1, 2)) -> Alphabet:
    weights = [WeightLetter(f"W{i}", ensemble=e, variance=v) for i, (e, v) in enumerate(zip(ensembles, variances))]
    ds = [DiagonalLetter(f"D{i}") for i in range(diagonals)]
    laws = {f"D{i}": (MASK if i % 2 == 0 else bernoulli(sympy.Rational(1, 3), 1, 2)) for i in range(diagonals)}
    return Alphabet(weights=weights, diagonals=ds, law=IndependentDiagonals(laws))


def _random_word(rng: random.Random, ab: Alphabet, length: int) -> list[tuple[str, bool]]:
    names = [w.name for w in ab.weights]
    diags = [d.name for d in ab.diagonals]
    word = []
    for _ in range(length):
        if diags and rng.random() < 0.4:
            word.append((rng.choice(diags), False))
        else:
            word.append((rng.choice(names), rng.random() < 0.5))
    return word


# ------------------------------------------------------------- reference values ----
def test_circular_moments_are_catalan():
    # phi((W W')^k) = Catalan(k) (OEIS A000108), phi(W^2 W'^2) = 1, phi(W W) = 0
    ab = Alphabet(weights=[WeightLetter("W")])
    assert [fip_moment(" ".join(["W W'"] * k), ab) for k in range(1, 6)] == [1, 2, 5, 14, 42]
    assert fip_moment("W W W' W'", ab) == 1 and fip_moment("W W", ab) == 0


def test_haar_unitary_words():
    # u Haar: phi((u u*)^k) = 1, phi(u^k) = 0; u free from u2: phi(u v u* v*) = 0 (Nica–Speicher, Lecture 15)
    ab = Alphabet(weights=[WeightLetter("U", ensemble="orthogonal"), WeightLetter("V", ensemble="orthogonal", variance=3)])
    assert fip_moment("U U' U U' U U'", ab) == 1
    assert fip_moment("U U", ab) == 0 and fip_moment("U V U' V'", ab) == 0
    assert fip_moment("V V'", ab) == 3


def test_free_commutator_of_semicirculars():
    # i(st - ts): moments 2, 10, 66 (free cumulants 2, 2, 2), the same as st + ts
    import itertools

    ab = Alphabet(weights=[WeightLetter("S", ensemble="wigner"), WeightLetter("T", ensemble="wigner")])

    def power(sign: int, k: int) -> sympy.Expr:
        total = sympy.Integer(0)
        for combo in itertools.product([(1, "S T"), (sign, "T S")], repeat=k):
            c = sympy.prod([x[0] for x in combo])
            total += c * fip_moment(" ".join(x[1] for x in combo), ab)
        return total

    assert [sympy.I**k * power(-1, k) for k in (2, 4, 6)] == [2, 10, 66]
    assert [power(1, k) for k in (2, 4, 6)] == [2, 10, 66]


def test_projection_free_from_wishart_pairs():
    # the 6: p of trace 1/4 free from two free Wisharts of variance 2
    ab = Alphabet(
        weights=[WeightLetter("W", variance=2), WeightLetter("V", variance=2)],
        diagonals=[DiagonalLetter("D"), DiagonalLetter("E")],
        law=IndependentDiagonals({"D": MASK, "E": MASK}),
    )
    assert fip_moment("D W W' D E V V' E D W W' D E V V' E", ab) == 6
    assert fip_moment("D E D E", ab) == sympy.Rational(1, 4)


def test_one_diagonal_letter_agrees_with_the_all_free_engine():
    # a single diagonal letter generates a commutative algebra free from W: the all-free engine applies
    law = bernoulli(sympy.Rational(1, 3), 1, 2)
    ab = Alphabet(weights=[WeightLetter("W", variance=3)], diagonals=[DiagonalLetter("D")], law=IndependentDiagonals({"D": law}))
    g = scale(mp(ratio=1), 3)
    m = law.moments(12)
    d1 = list(m[:6])
    d2 = [m[1], m[3], m[5], m[7], m[9], m[11]]
    assert fip_moment("D D W W' D D W W'", ab) == mixed_moment("d g d g", {"d": d2, "g": g})
    assert fip_moment("D W W' D W W' D W W'", ab) == mixed_moment("d g d g d g", {"d": d1, "g": g})


def test_rectangular_gram_matrices():
    # W of shape N_1 x N_0, N_1/N_0 = c: W W' is MP(c) on N_1, W'W is c times MP(c) on N_0
    c = sympy.Symbol("c")  # results come out in plain symbols
    ab = Alphabet(weights=[WeightLetter("W", rows=1, cols=0)], widths={0: 1, 1: c})
    out = [sympy.factor(fip_moment(" ".join(["W W'"] * k), ab)) for k in range(1, 4)]
    assert [sympy.expand(x - y) for x, y in zip(out, mp(ratio=c).moments(3))] == [0, 0, 0]
    inp = [fip_moment(" ".join(["W' W"] * k), ab) for k in range(1, 4)]
    assert [sympy.simplify(x - c * y) for x, y in zip(inp, mp(ratio=c).moments(3))] == [0, 0, 0]


def test_gaussian_diagonals_joint_moments():
    r = sympy.Symbol("r")
    law = GaussianDiagonals({"a": (Step(), 0), "b": (Step(), 1), "e": (Bump(2 / sympy.sqrt(sympy.pi), 1), 2)},
                            [[1, r, 0], [r, 1, 0], [0, 0, 1]])
    assert law.moment({"a": 1, "b": 1}) == sympy.Rational(1, 4) + sympy.asin(r) / (2 * sympy.pi)
    # E[erf'(g)^2], g ~ N(0, 1): (4/pi)/sqrt(5)
    assert sympy.simplify(law.moment({"e": 2}) - 4 / (sympy.pi * sympy.sqrt(5))) == 0
    # Sheppard at r = 0: independent
    assert law.moment({"a": 3, "b": 2}).subs(r, 0) == sympy.Rational(1, 4)
    leaky = GaussianDiagonals({"a": (Step(HALF, 1), 0)}, [[2]])
    assert leaky.moment({"a": 2}) == (1 + HALF**2) / 2


def test_gaussian_diagonals_monte_carlo():
    rng = np.random.default_rng(3)
    rho = 0.6
    g = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=400_000)
    law = GaussianDiagonals({"a": (Step(0, 1), 0), "b": (Bump(1, sympy.Rational(1, 2)), 1)}, [[1, 0], [0, 1]])
    est = np.mean((g[:, 0] > 0) * np.exp(-0.5 * g[:, 1] ** 2) ** 2)
    assert abs(est - float(law.moment({"a": 1, "b": 2}))) < 6 * np.std((g[:, 0] > 0) * np.exp(-g[:, 1] ** 2)) / np.sqrt(len(g))
    law2 = GaussianDiagonals({"a": (Step(0, 1), 0), "b": (Step(0, 1), 1)}, [[1, sympy.Rational(3, 5)], [sympy.Rational(3, 5), 1]])
    x = (g[:, 0] > 0) & (g[:, 1] > 0)
    assert abs(x.mean() - float(law2.moment({"a": 1, "b": 1}))) < 6 * x.std() / np.sqrt(len(x))


# ---------------------------------------------------- two routes, brute force ----
@pytest.mark.parametrize("ensembles", [("gaussian", "gaussian"), ("orthogonal", "gaussian"), ("wigner", "orthogonal")])
def test_recursion_equals_the_plain_nc_sum(ensembles):
    rng = random.Random(hash(ensembles) % 1000)
    ab = _alphabet(ensembles)
    for _ in range(25):
        word = _random_word(rng, ab, rng.randint(1, 9))
        assert fip_moment(word, ab) == fip_moment(word, ab, method="lattice"), word


def test_law_letters_equal_the_all_free_engine():
    # self-adjoint letters of given laws, no diagonals: the all-free engine is the special case
    ab = Alphabet(weights=[WeightLetter("a", ensemble="law", law=mp(ratio=2)), WeightLetter("b", ensemble="law", law=semicircle())])
    rng = random.Random(5)
    for _ in range(15):
        word = [rng.choice("ab") for _ in range(rng.randint(1, 7))]
        assert fip_moment(word, ab) == mixed_moment(word, {"a": mp(ratio=2), "b": semicircle()}), word


def test_mixed_cumulants():
    ab = _alphabet(("gaussian", "orthogonal"))
    assert fip_cumulant("W0 W0'", ab) == 1 and fip_cumulant("W0 W0", ab) == 0
    # letters of distinct free families: mixed cumulants vanish (Nica–Speicher, Theorem 11.16)
    assert fip_cumulant("W0 W1 W0' W1'", ab) == 0
    # Haar unitary: kappa_4(u, u*, u, u*) = -1 (Nica–Speicher, Proposition 15.1), times sigma^4 = 4
    assert fip_cumulant("W1 W1' W1 W1'", ab) == -4
    # commuting independent masks are not free: kappa_4(D0, D2, D0, D2) = 1/16 != 0
    assert fip_cumulant("D0 D2 D0 D2", ab) == sympy.Rational(1, 16)
    # diagonal letters are free from weights
    assert fip_cumulant("D0 W0 D2 W0'", ab) == 0


# ------------------------------------------------------------ numpy oracle ----
def _sample(word, ab, rng, n):
    mats = {}
    for w in ab.weights:
        if w.ensemble == "gaussian":
            mats[w.name] = rng.standard_normal((n, n)) * np.sqrt(float(w.variance) / n)
        else:
            q, r = np.linalg.qr(rng.standard_normal((n, n)))
            mats[w.name] = q * np.sign(np.diag(r)) * np.sqrt(float(w.variance))
    vals = {"D0": (0.0, 1.0, 0.5), "D1": (1.0, 2.0, 1 / 3), "D2": (0.0, 1.0, 0.5), "D3": (1.0, 2.0, 1 / 3)}
    for d in ab.diagonals:
        a, b, p = vals[d.name]
        mats[d.name] = np.where(rng.random(n) < p, b, a)
    m = np.eye(n)
    for name, t in word:
        x = mats[name]
        m = m * x[None, :] if x.ndim == 1 else m @ (x.T if t else x)
    return np.trace(m) / n


def test_numpy_oracle_on_random_words():
    """Random words against real matrices: 1/N fit over two sizes, Holm at rate 1e-3 over all words."""
    rng = random.Random(11)
    ab = _alphabet(("gaussian", "orthogonal"))
    families = []
    sizes = (100, 200)
    for i in range(12):
        word = _random_word(rng, ab, rng.randint(2, 8))
        exact = float(fip_moment(word, ab))
        means, errs = [], []
        for n in sizes:
            g = np.random.default_rng([i, n])
            x = [_sample(word, ab, g, n) for _ in range(8)]
            means.append(float(np.mean(x)))
            errs.append(max(float(np.std(x, ddof=1) / np.sqrt(len(x))), 1e-12))
        est = MomentEstimate.from_sweep(1, sizes, means, errs, df=7)
        families.append((" ".join(n + ("'" if t else "") for n, t in word), [est], [exact]))
    decision = decide_family(families, alpha=1e-3)
    assert decision.verdict == "confirmed", decision.failures


def test_numpy_oracle_refutes_the_all_free_value():
    # the all-free engine's 3/16 for D0 D2 D0 D2 is rejected by real commuting matrices
    ab = _alphabet()
    word = parse_star_word("D0 D2 D0 D2", ab)
    x = [_sample(word, ab, np.random.default_rng(k), 400) for k in range(8)]
    est = MomentEstimate.from_sweep(1, [400], [float(np.mean(x))], [float(np.std(x, ddof=1) / np.sqrt(8))], df=7)
    assert decide_family([("free", [est], [3 / 16])], alpha=1e-3).verdict == "contradicted"
    assert decide_family([("fip", [est], [1 / 4])], alpha=1e-3).verdict == "confirmed"


# ------------------------------------------------------------- bad input ----
def test_bad_input():
    ab = _alphabet()
    with pytest.raises(InputError, match="unknown letter 'X'"):
        fip_moment("X W0", ab)
    with pytest.raises(InputError, match="declared both free weight and commuting diagonal"):
        Alphabet(weights=[WeightLetter("A")], diagonals=[DiagonalLetter("A")], law=IndependentDiagonals({"A": MASK}))
    rect = Alphabet(weights=[WeightLetter("W", rows=1, cols=0)], widths={0: 1, 1: 2})
    with pytest.raises(InputError, match="does not fit"):
        fip_moment("W W", rect)
    with pytest.raises(InputError, match="the word is empty"):
        fip_moment("", ab)
    with pytest.raises(InputError, match="unknown method"):
        fip_moment("W0", ab, method="fast")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="a orthogonal letter is square|is square"):
        WeightLetter("O", ensemble="orthogonal", rows=0, cols=1)
    with pytest.raises(InputError, match="joint law does not know"):
        Alphabet(diagonals=[DiagonalLetter("A")], law=IndependentDiagonals({"B": MASK}))
    with pytest.raises(InputError, match="two independent groups"):
        ProductDiagonals([IndependentDiagonals({"A": MASK}), IndependentDiagonals({"A": MASK})])
    many = GaussianDiagonals({f"a{i}": (Step(), i) for i in range(4)}, sympy.Matrix(4, 4, lambda i, j: 1 if i == j else HALF))
    with pytest.raises(DomainError, match="no closed form"):
        many.moment({f"a{i}": 1 for i in range(4)})
    with pytest.raises(DomainError, match="step and a bump"):
        GaussianDiagonals({"a": (Step(), 0), "b": (Bump(), 1)}, [[1, HALF], [HALF, 1]]).moment({"a": 1, "b": 1})
    assert dirac(1).moments(1) == (1,)


# ------------------------------------------------------- hypothesis ----
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_HAB = _alphabet(("gaussian", "orthogonal"), diagonals=3)
_TOKENS = st.sampled_from([("W0", False), ("W0", True), ("W1", False), ("W1", True), ("D0", False), ("D1", False), ("D2", False)])


@settings(max_examples=40, deadline=None)
@given(st.lists(_TOKENS, min_size=1, max_size=9), st.integers(0, 8))
def test_trace_properties(word, shift):
    """φ is a trace (rotation invariant) and φ(xᵀ) = φ(x) (transposition reverses the word); both routes agree."""
    value = fip_moment(word, _HAB)
    k = shift % len(word)
    assert fip_moment(word[k:] + word[:k], _HAB) == value
    transposed = [(n, not t if n.startswith("W") else t) for n, t in reversed(word)]
    assert fip_moment(transposed, _HAB) == value
    assert fip_moment(word, _HAB, method="lattice") == value
