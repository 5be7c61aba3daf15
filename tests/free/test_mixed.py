"""Tests of tpsym.free.mixed: the three routes agree on every word of length
<= 8 over two free families, mixed cumulants vanish, and the classical
formulas hold."""

from __future__ import annotations

from itertools import product

import pytest
import sympy

from free import _oracle as O
from tpsym.combinat import NCPartition, kreweras, noncrossing_partitions
from tpsym.errors import InputError
from tpsym.free import mixed_cumulant, mixed_moment, parse_word
from tpsym.free.mixed import _alternating_runs
from tpsym.laws import boxtimes, generic_law, mp, semicircle

LAWS = {"a": semicircle(variance=2), "b": mp(ratio=sympy.Rational(1, 2))}
GENERIC = {"x": generic_law("x"), "y": generic_law("y")}
x1, x2, y1, y2 = sympy.symbols("x_1 x_2 y_1 y_2")


def words(labels, max_len):
    for n in range(1, max_len + 1):
        yield from product(labels, repeat=n)


def _kreweras_ok(word):
    return _alternating_runs(tuple(word)) is not None


def test_all_words_up_to_8_numeric():
    cum = {k: law.cumulants(8) for k, law in LAWS.items()}
    n_alt = 0
    for w in words("ab", 8):
        rec = mixed_moment(w, LAWS)
        assert rec == mixed_moment(w, LAWS, method="lattice"), w
        if len(w) <= 6:
            assert rec == O.mixed_moment(w, cum), w  # the brute-force oracle (filtered set partitions)
        if _kreweras_ok(w):
            n_alt += 1
            assert rec == mixed_moment(w, LAWS, method="kreweras"), w
    assert n_alt > 100


def test_all_words_up_to_6_symbolic():
    cum = {k: law.cumulants(6) for k, law in GENERIC.items()}
    for w in words("xy", 6):
        rec = mixed_moment(w, GENERIC)
        assert rec == mixed_moment(w, GENERIC, method="lattice"), w
        assert O.same([rec], [O.mixed_moment(w, cum)]), w
        if _kreweras_ok(w):
            assert O.same([rec], [mixed_moment(w, GENERIC, method="kreweras")]), w


def test_phi_abab():
    # Nica–Speicher, Lecture 5, Example 5.15: phi(a1 b1 a2 b2) for free {a_i}, {b_j}
    got = mixed_moment("x y x y", GENERIC)
    assert got == sympy.expand(x2 * y1**2 + x1**2 * y2 - x1**2 * y1**2)
    assert mixed_moment("x y", GENERIC) == x1 * y1
    assert mixed_moment("x x y y", GENERIC) == x2 * y2
    assert mixed_moment("x y y x", GENERIC) == x2 * y2


def test_alternating_products_are_boxtimes():
    # phi((ab)^n) = m_n(a ⊠ b) for free a, b (Nica–Speicher, Lecture 14)
    for laws in (LAWS, {"a": mp(ratio=sympy.Rational(1, 3)), "b": mp(ratio=2)}):
        moms = boxtimes(laws["a"], laws["b"]).moments(8)
        assert moms == tuple(mixed_moment(["a", "b"] * n, laws) for n in range(1, 9))
        assert moms == tuple(mixed_moment(["a", "b"] * n, laws, method="kreweras") for n in range(1, 9))


def test_mixed_cumulants_vanish():
    # Speicher's theorem (Nica–Speicher, Theorem 11.16): mixed free cumulants of free variables vanish
    for w in words("ab", 6):
        k = mixed_cumulant(w, LAWS)
        if len(set(w)) > 1:
            assert k == 0, w
        else:
            assert k == LAWS[w[0]].cumulants(len(w))[-1]
    for w in words("xy", 4):
        if len(set(w)) > 1:
            assert mixed_cumulant(w, GENERIC) == 0


def test_one_family_gives_its_moments():
    law = mp(ratio=sympy.Rational(1, 2))
    assert tuple(mixed_moment("a " * n, {"a": law}) for n in range(1, 7)) == law.moments(6)
    assert mixed_moment("a^3 b^2", LAWS) == LAWS["a"].moment(3) * LAWS["b"].moment(2)


def test_laws_as_moment_sequences():
    seqs = {"a": (0, 1, 0, 2), "b": (1, 2, 5, 14)}
    assert mixed_moment("a b a b", seqs) == mixed_moment("a b a b", {"a": semicircle(), "b": mp(ratio=1)})
    with pytest.raises(InputError, match="length 5 but only 4 moments of 'a'"):
        mixed_moment("a a a a b", seqs)


def test_kreweras_complement_matches_brute_force():
    # the route "kreweras" rests on tpsym.combinat.kreweras; check it on NC(n), n <= 5, by definition
    for n in range(1, 6):
        for pi in noncrossing_partitions(n):
            got = tuple(tuple(b) for b in kreweras(pi).blocks)
            assert sorted(got) == sorted(O.kreweras_brute(tuple(tuple(b) for b in pi.blocks), n))
    assert str(kreweras(NCPartition.from_string("1 2|3 4"))) == "1|2 4|3"  # docs/design.md


def test_parse_word():
    labels = {"a": 0, "b": 0}
    assert parse_word("a b^2 a**2", labels) == ("a", "b", "b", "a", "a")
    assert parse_word(["a", "b"], labels) == ("a", "b")
    with pytest.raises(InputError, match="unknown label 'c' in the word \\(known labels: a, b\\)"):
        parse_word("a c", labels)
    with pytest.raises(InputError, match="bad power in 'a\\^0'"):
        parse_word("a^0", labels)
    with pytest.raises(InputError, match="bad power"):
        parse_word("a^x", labels)
    with pytest.raises(InputError, match="the word is empty"):
        parse_word("  ", labels)
    with pytest.raises(InputError, match="labels \\(strings\\)"):
        parse_word([1, 2], labels)


def test_bad_input():
    with pytest.raises(InputError, match="alternating between two labels"):
        mixed_moment("a b a c", {**LAWS, "c": mp(ratio=1)}, method="kreweras")
    with pytest.raises(InputError, match="alternating"):
        mixed_moment("a a", LAWS, method="kreweras")
    with pytest.raises(InputError, match="unknown method 'fast'"):
        mixed_moment("a b", LAWS, method="fast")
    with pytest.raises(InputError, match="mapping from labels"):
        mixed_moment("a", {})
    with pytest.raises(InputError, match="neither a law nor a sequence"):
        mixed_moment("a", {"a": "semicircle()"})
    with pytest.raises(InputError, match="unknown label"):
        mixed_cumulant("a z", LAWS)
