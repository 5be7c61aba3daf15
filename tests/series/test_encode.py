"""Tests of tpsym.series.encode: choice of the field, atoms as generators, decoding."""

from __future__ import annotations

import pytest
import sympy

from tpsym.errors import DomainError
from tpsym.series import QQ
from tpsym.series.encode import Encoder, atoms_of

a, L = sympy.symbols("a L")
mu1 = sympy.Symbol("mu_1")


def test_rationals_use_qq():
    enc = Encoder.for_exprs([1, sympy.Rational(1, 2)])
    assert enc.field is QQ
    assert enc.decode(enc.encode(sympy.Rational(1, 2)) * 4) == 2


def test_atoms_become_generators_and_come_back():
    enc = Encoder.for_exprs([sympy.sqrt(2), a, sympy.pi])
    assert enc.field.names == ("_a0", "_a1", "a")
    x = enc.encode(sympy.sqrt(2) * a + sympy.pi)
    assert enc.decode(x * x) == sympy.expand((sympy.sqrt(2) * a + sympy.pi) ** 2)
    assert atoms_of(a**2 + sympy.sqrt(3) / a) == ({a}, {sympy.sqrt(3)})


def test_substitutions_pull_out_a_common_power():
    u = sympy.Symbol("_u")
    enc = Encoder.for_exprs([a], substitutions={u: mu1**L})
    x = enc.encode(u**2 * (a + 1))
    assert enc.decode(x) == mu1 ** (2 * L) * (a + 1)
    assert enc.decode_map() == {u: mu1**L}


def test_refusals():
    with pytest.raises(DomainError, match="float"):
        atoms_of(sympy.Float(0.5) * a)
    with pytest.raises(DomainError, match="reserved"):
        Encoder([sympy.Symbol("_a0")])
    with pytest.raises(DomainError, match="not a number"):
        Encoder.for_exprs([a]).encode(True)
    with pytest.raises(DomainError, match="not a number or a sympy expression"):
        atoms_of("a")


def test_affine_symbolic_exponents_share_one_generator():
    # mu**(2L - 2) = (mu**L)**2 * mu**-2: the canonical form sees through it
    from tpsym.series.encode import Encoder

    mu, L = sympy.symbols("mu L")
    a, b = mu ** (2 * L - 2) * (L + mu**2), mu ** (2 * L) * (L / mu**2 + 1)
    enc = Encoder.for_exprs([a, b])
    assert enc.encode(a) == enc.encode(b)
    assert enc.encode(mu ** (L + 1)) == enc.encode(mu**L) * enc.encode(mu)


def test_symbols_keep_their_assumptions():
    # the field's generators are plain names; decoding puts the user's symbols back, so that
    # substituting the symbol the user holds reaches every occurrence (it did not: one L came
    # back plain beside the L inside an atom, and .subs(L, 3) left the plain one in place)
    L = sympy.Symbol("L", positive=True, integer=True)
    a = sympy.Symbol("a", positive=True)
    enc = Encoder.for_exprs([L, a, ((L + a**2) / L) ** L])
    x = enc.decode(enc.encode(L + a**2) * enc.encode(((L + a**2) / L) ** L))
    assert x.free_symbols == {L, a} and x.subs(L, 3).free_symbols == {a}


def test_two_symbols_of_one_name_are_refused():
    with pytest.raises(DomainError, match="two different symbols are named 'c' \\(no assumptions and positive\\)"):
        Encoder.for_exprs([sympy.Symbol("c"), sympy.Symbol("c", positive=True)])


def test_residual_depth_symbol_substitutes_everywhere():
    from tpsym.nets.resnet import resnet_law

    L = sympy.Symbol("L", positive=True, integer=True)
    a = sympy.Symbol("a", positive=True)
    m1, _ = resnet_law("linear", sigma_w2=1, depth=L, alpha=a / sympy.sqrt(L)).moments(2)
    assert sympy.simplify(m1.subs(L, 3) - (1 + a**2 / 3) ** 3) == 0
