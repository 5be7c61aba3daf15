"""Stand-in laws for the renderer tests: fixed moments and their own LaTeX names."""

from __future__ import annotations

import pytest
import sympy


class FakeLaw:
    """A stand-in law with fixed moments and its own LaTeX name."""

    def __init__(self, spec: str, latex: str, moments: tuple) -> None:
        self._spec, self._tex = spec, latex
        self._moments = tuple(m if isinstance(m, sympy.Basic) else sympy.Integer(m) for m in moments)

    def moments(self, order: int):
        return self._moments[:order]

    def cumulants(self, order: int, kind: str = "free"):
        return tuple(sympy.Symbol(f"{kind}_{k}") for k in range(1, order + 1))

    def _latex(self, printer) -> str:
        return self._tex

    def __str__(self) -> str:
        return self._spec


lam = sympy.Symbol("lam")
SC = FakeLaw("semicircle()", r"\mathrm{SC}", (0, 1, 0, 2))
MP = FakeLaw("mp(ratio=lam)", r"\mathrm{MP}_{\lambda}", (1, lam + 1, lam**2 + 3 * lam + 1, sympy.Rational(1, 2)))


@pytest.fixture
def sc():
    return SC


@pytest.fixture
def mp():
    return MP
