"""The :class:`Law` value type and the exact computation context.

A law is a frozen, hashable value: a node of the catalogue
(:mod:`tpsym.laws.catalogue`) or an operation on laws
(:mod:`tpsym.laws.operations`). Its parameters are sympy expressions. Every
exact quantity of a law (moments, cumulants, transforms) is computed in one
field chosen for the whole law tree by :class:`Context`: QQ when all
parameters are rational numbers, QQ(parameters) otherwise (see
:mod:`tpsym.series.encode`).

Each node class implements one of ``_moments(ctx, n)`` and
``_free_cumulants(ctx, n)``; the other follows by the series route of
:mod:`tpsym.free.cumulants`. What a class knows beyond its moments (atoms,
a closed-form density, its place in a ⊠-product, its lattice formula) it
says through the ``_density_*``/``_lattice_*`` hooks below, whose defaults
treat it as a law known by its moments; the density routes and the lattice
route dispatch on these methods only (:mod:`tpsym.laws._density.hooks`).
Its algebraic equation, if it has one, it derives through the
``_algebraic_*`` hooks (:mod:`tpsym.laws.algebraic`), whose defaults refuse.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

import sympy

from tpsym.errors import DomainError, InputError
from tpsym.free.cumulants import cumulants_from_moments_series, moments_from_cumulants_series
from tpsym.free.transforms import s_transform_in
from tpsym.series.encode import Encoder, atoms_of
from tpsym.utils import as_param

if TYPE_CHECKING:
    from tpsym.laws._density.hooks import ClosedDensity, Hooks
    from tpsym.laws.algebraic import Deriver
    from tpsym.laws.lattice import _Lattice

_F = TypeVar("_F", bound=Callable[..., Any])

__all__ = ["Law", "Context", "check_order", "as_param", "spec_constructor", "spec_constructors", "spec_law_positions"]

# spec name -> constructor, and the positions of its law parameters: filled by
# @spec_constructor where each constructor is defined, read by tpsym.spec
_SPEC_CONSTRUCTORS: dict[str, Callable[..., Any]] = {}
_SPEC_LAW_POSITIONS: dict[str, str | int] = {}
_SPEC_VIEW = MappingProxyType(_SPEC_CONSTRUCTORS)
_POSITIONS_VIEW = MappingProxyType(_SPEC_LAW_POSITIONS)


def spec_constructor(*names: str, laws: str | int | None = None) -> Callable[[_F], _F]:
    """Register the decorated function as the constructor of the spec names ``names``.

    The spec language (:mod:`tpsym.spec`) reads this one table: a law is
    added to it by its constructor, where the law's class is defined.
    ``laws`` names the positional parameters that take a law (an index, or
    ``"*"`` for every one) when the annotations do not say so.

    >>> import tpsym.laws.catalogue  # the catalogue registers its constructors where they are defined
    >>> spec_constructors()["mp"].__name__
    'marchenko_pastur'
    """

    def register(fn: _F) -> _F:
        for name in names:
            if not name.isidentifier() or name.startswith("_"):
                raise InputError(f"not a valid spec name: {name!r}")
            if name in _SPEC_CONSTRUCTORS and _SPEC_CONSTRUCTORS[name] is not fn:
                raise InputError(f"the spec name {name!r} is taken by {_SPEC_CONSTRUCTORS[name].__qualname__}")
            _SPEC_CONSTRUCTORS[name] = fn
            if laws is not None:
                _SPEC_LAW_POSITIONS[name] = laws
        return fn

    return register


def spec_constructors() -> Mapping[str, Callable[..., Any]]:
    """The table spec name -> constructor of every law registered so far (a read-only view).

    >>> import tpsym.laws.catalogue
    >>> spec_constructors()["semicircle"].__name__
    'semicircle'
    """
    return _SPEC_VIEW


def spec_law_positions() -> Mapping[str, str | int]:
    """The table spec name -> positions of the parameters that take a law (a read-only view).

    >>> import tpsym.laws.operations
    >>> spec_law_positions()["boxplus"], spec_law_positions()["scale"]
    ('*', 0)
    """
    return _POSITIONS_VIEW

CumulantKind = Literal["free", "boolean", "classical"]


def check_order(order: Any) -> int:
    """Validate an order (a positive integer) and return it.

    >>> check_order(3)
    3
    """
    if isinstance(order, bool) or not isinstance(order, int):
        raise InputError(f"the order must be a positive integer, not {order!r}")
    if order < 1:
        raise InputError(f"the order must be at least 1, got order={order}")
    return order


def _sign_check(value: sympy.Expr, name: str, *, positive: bool = False, nonnegative: bool = False) -> None:
    if positive and value.is_positive is False:
        raise DomainError(f"{name} must be positive, got {name}={value}")
    if nonnegative and value.is_nonnegative is False:
        raise DomainError(f"{name} must be non-negative, got {name}={value}")


class Context:
    """One exact computation: the field of a law tree and memoised results.

    Parameters
    ----------
    laws : Law
        The laws whose quantities will be computed together.
    order : int
        The highest order that will be asked (generic laws need a generator
        per moment).
    extra : sympy expressions
        Other expressions that must live in the same field.
    """

    def __init__(self, *laws: Law, order: int, extra: tuple[Any, ...] = ()):
        symbols: set[sympy.Symbol] = set()
        atoms: set[sympy.Expr] = set()
        subs: dict[sympy.Symbol, sympy.Expr] = {}
        for law in laws:
            for node in law.walk():
                for p in node._params():
                    s, a = atoms_of(p)
                    symbols |= s
                    atoms |= a
                symbols |= node._order_symbols(order)
                subs.update(node._internal_symbols(order))
        for e in extra:
            s, a = atoms_of(e)
            symbols |= s
            atoms |= a
        self.encoder = Encoder(symbols - set(subs), atoms, subs)
        self.field = self.encoder.field
        self._moments: dict[Law, list[Any]] = {}
        self._cumulants: dict[Law, list[Any]] = {}
        self._s: dict[Law, list[Any]] = {}

    def encode(self, expr: Any) -> Any:
        return self.encoder.encode(expr)

    def decode(self, x: Any) -> sympy.Expr:
        return self.encoder.decode(x)

    def moments(self, law: Law, n: int) -> list[Any]:
        """``m_1..m_n`` of ``law`` as field elements (memoised)."""
        got = self._moments.get(law)
        if got is None or len(got) < n:
            got = law._moments(self, n)
            self._moments[law] = got
        return got[:n]

    def s_transform(self, law: Law, n: int) -> list[Any]:
        """``s_0..s_{n-1}`` of the S-transform of ``law`` (memoised; needs a non-zero mean)."""
        got = self._s.get(law)
        if got is None or len(got) < n:
            got = law._s_transform(self, n)
            self._s[law] = got
        return got[:n]

    def free_cumulants(self, law: Law, n: int) -> list[Any]:
        """``kappa_1..kappa_n`` of ``law`` as field elements (memoised)."""
        got = self._cumulants.get(law)
        if got is None or len(got) < n:
            got = law._free_cumulants(self, n)
            self._cumulants[law] = got
        return got[:n]


class Law:
    """A probability law (or a distribution in the algebraic sense) known exactly.

    Subclasses are frozen dataclasses. Public methods return sympy
    expressions; ``str(law)`` is its canonical spec, which
    :func:`tpsym.spec.parse_spec` reads back.
    """

    __slots__ = ()
    _spec_name: ClassVar[str] = "law"

    # -- structure --------------------------------------------------------
    def children(self) -> tuple[Law, ...]:
        """The laws this one is built from (none for catalogue laws)."""
        return ()

    def _params(self) -> tuple[sympy.Expr, ...]:
        """The parameter expressions of this node (not of its children)."""
        return ()

    def _order_symbols(self, n: int) -> set[sympy.Symbol]:
        """Symbols needed for the first ``n`` moments beyond the parameters."""
        return set()

    def _internal_symbols(self, n: int) -> dict[sympy.Symbol, sympy.Expr]:
        """Internal generators this node introduces for the first ``n`` moments, and what they stand for.

        Their values may be any sympy expressions (numbers given to finite
        precision too): the computation is exact in the generators and the
        values are put in only when results are decoded.
        """
        return {}

    def walk(self) -> Iterator[Law]:
        """This law and every law below it, depth first.

        >>> from tpsym.laws import boxplus, semicircle, dirac
        >>> [str(x) for x in boxplus(semicircle(), dirac(1)).walk()]
        ['boxplus(semicircle(), dirac(1))', 'semicircle()', 'dirac(1)']
        """
        stack = [self]
        while stack:  # invariant: the stack holds the roots of the subtrees still to visit
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children()))

    @property
    def parameters(self) -> frozenset[sympy.Symbol]:
        """The free symbols of the law's parameters."""
        out: set[sympy.Symbol] = set()
        for node in self.walk():
            for p in node._params():
                out |= p.free_symbols
        return frozenset(out)

    # -- field-level hooks ------------------------------------------------
    def _moments(self, ctx: Context, n: int) -> list[Any]:
        return moments_from_cumulants_series(ctx.free_cumulants(self, n), "free", ctx.field)

    def _free_cumulants(self, ctx: Context, n: int) -> list[Any]:
        if type(self)._moments is Law._moments:
            raise NotImplementedError(f"{type(self).__name__} defines neither moments nor free cumulants")
        return cumulants_from_moments_series(ctx.moments(self, n), "free", ctx.field)

    def _s_transform(self, ctx: Context, n: int) -> list[Any]:
        mom = ctx.moments(self, n)
        if ctx.field.is_zero(mom[0]):
            raise DomainError(f"{self} has mean 0 and no S-transform")
        return s_transform_in(mom, ctx.field, n)

    # -- density hooks (tpsym.laws.density; d: tpsym.laws._density.hooks.Hooks) --
    #: whether the law stands for itself by the Gauss rule of its moments (False: an exact node)
    _density_by_moments: ClassVar[bool] = True
    #: how the law enters the subordination of a ⊠-product: "moments" (its Gauss rule),
    #: "free poisson" (an explicit S-transform), "discrete" (exact finitely many atoms), "none"
    _subordination_kind: ClassVar[str] = "moments"

    def _density_atoms(self, d: Hooks) -> list[tuple[float, float]] | None:
        """The atoms ``(location, mass)`` by the law's structure, or None if no rule applies."""
        return [] if d.leaf(self) is not None else None  # known by its moments: taken without atoms (documented)

    def _density_nonnegative(self, d: Hooks) -> bool | None:
        """Whether the law lives on ``[0, inf)`` (None: unknown)."""
        leaf = d.leaf(self)
        return None if leaf is None else bool((leaf.nodes >= -1e-14).all())

    def _closed_density(self, d: Hooks) -> ClosedDensity | None:
        """``(f, support, atoms)``: the density of the a.c. part on its support intervals, or None."""
        return None

    def _product_factors(self, d: Hooks, mult: int) -> tuple[float, list[tuple[Law, int]]]:
        """``law^{⊠ mult} = C ⊠_k law_k^{⊠ t_k}``: the scalar ``C`` and the factors with multiplicities."""
        return 1.0, [(self, mult)]

    def _subordination_factor(self, d: Hooks) -> Any:
        """The law as a factor of subordination: by :attr:`_subordination_kind`, ``(rate, jump)``
        ("free poisson") or a ``Discrete`` law (the others)."""
        if self._subordination_kind == "none":
            raise d.unsupported(f"{self}: the subordination route covers ⊠-products of free Poisson laws, point masses, Bernoulli laws and laws known by their moments")
        return d.leaf(self, need=True)

    def _free_product_factors(self) -> tuple[Law, ...]:
        """The factors of a free product node (all but one must be nonnegative for a spectral density)."""
        return ()

    def _moments_in_values(self, sequences: dict[str, Any]) -> list[Any] | None:
        """The law's numeric moments given in the density's ``values=`` (by name), or None."""
        return None

    def _dilution(self) -> tuple[Law, sympy.Expr] | None:
        """``(X, c)`` when the law is ``(1 − c) δ_0 + c·X``, else None."""
        return None

    # -- lattice hooks (tpsym.laws.lattice) ---------------------------------
    def _lattice_cumulants(self, lat: _Lattice, n: int) -> list[Any] | None:
        """The free cumulants by the law's own structure, or None (then from its moments)."""
        if type(self)._moments is Law._moments:  # a law defined by its free cumulants
            return self._free_cumulants(lat.ctx, n)
        return None

    def _lattice_moments(self, lat: _Lattice, n: int) -> list[Any]:
        """The moments when :meth:`_lattice_cumulants` gives none: the law's own definition."""
        return self._moments(lat.ctx, n)

    # -- algebraic hooks (tpsym.laws.algebraic; d: tpsym.laws.algebraic.Deriver) --
    #: the form the law's moment equation ``P(z, M)`` is derived from: "moment" (its own,
    #: :meth:`_algebraic_p`), "free cumulant" (``P(z, M) = Q(z M, M)`` from :meth:`_algebraic_r`) or
    #: "S" (``P(z, M) = T(M - 1, z M / (M - 1))`` from :meth:`_algebraic_s`; such a law checks that
    #: its factors have an S-transform, so its own mean is not checked)
    _algebraic_route: ClassVar[str] = "moment"

    def _algebraic_p(self, d: Deriver) -> Any:
        """``P(z, y)`` with ``P(z, M(z)) = 0``, in ``d.ring`` (``a = z``, ``b = y``), not yet irreducible.

        The default refuses: a law has an algebraic equation only when its
        class says how to derive it (this hook, or :meth:`_algebraic_r` /
        :meth:`_algebraic_s` with :attr:`_algebraic_route`).
        """
        raise DomainError(f"no algebraic equation is known for {type(self).__name__} ({self})")

    def _algebraic_r(self, d: Deriver) -> Any | None:
        """``Q(w, C)`` with ``Q(w, C(w)) = 0`` for ``C(w) = 1 + sum kappa_n w^n`` (``a = w``, ``b = C``), or None (then from ``P``)."""
        return None

    def _algebraic_s(self, d: Deriver) -> Any | None:
        """``T(u, S)`` with ``T(u, S(u)) = 0`` for the S-transform (``a = u``, ``b = S``), or None (then from ``P``)."""
        return None

    # -- public, exact ----------------------------------------------------
    def moments(self, order: int) -> tuple[sympy.Expr, ...]:
        """The moments ``m_1, ..., m_order``, exactly.

        >>> from tpsym.laws import semicircle
        >>> semicircle().moments(6)
        (0, 1, 0, 2, 0, 5)
        """
        return _law_moments(self, check_order(order))

    def moment(self, k: int) -> sympy.Expr:
        """The k-th moment (``m_0 = 1``).

        >>> from tpsym.laws import mp
        >>> mp(ratio=1).moment(4)  # Catalan number, OEIS A000108
        14
        """
        if isinstance(k, bool) or not isinstance(k, int) or k < 0:
            raise InputError(f"a moment index is a non-negative integer, not {k!r}")
        return sympy.Integer(1) if k == 0 else self.moments(k)[k - 1]

    def cumulants(self, order: int, kind: CumulantKind = "free") -> tuple[sympy.Expr, ...]:
        """The cumulants ``c_1..c_order`` of the given kind.

        >>> from tpsym.laws import free_poisson
        >>> lam = sympy.Symbol("lam")
        >>> free_poisson(rate=lam).cumulants(3)
        (lam, lam, lam)
        >>> free_poisson(rate=lam).cumulants(2, kind="classical")
        (lam, lam)
        """
        return _law_cumulants(self, check_order(order), kind)

    def r_transform(self, order: int) -> tuple[sympy.Expr, ...]:
        """Coefficients ``kappa_1..kappa_order`` of ``R(z) = sum kappa_n z^(n-1)``.

        >>> from tpsym.laws import semicircle
        >>> semicircle(variance=sympy.Symbol("s")).r_transform(3)
        (0, s, 0)
        """
        return self.cumulants(order, "free")

    def s_transform(self, order: int) -> tuple[sympy.Expr, ...]:
        """Coefficients ``s_0..s_{order-1}`` of the S-transform (needs a non-zero mean).

        >>> from tpsym.laws import mp
        >>> mp(ratio=sympy.Symbol("c")).s_transform(3)  # S(z) = 1/(1 + c z)
        (1, -c, c**2)
        """
        return _law_s_transform(self, check_order(order))

    @property
    def mean(self) -> sympy.Expr:
        """The first moment.

        >>> from tpsym.laws import free_poisson
        >>> free_poisson(rate=2, jump=3).mean
        6
        """
        return self.moments(1)[0]

    # -- presentation -----------------------------------------------------
    @property
    def spec(self) -> str:
        """The canonical spec string of the law."""
        return self._spec()

    def _spec(self) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def __str__(self) -> str:
        return self._spec()

    def _latex(self, printer: Any) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def _repr_latex_(self) -> str:
        return f"${sympy.latex(self)}$"

    def _sympystr(self, printer: Any) -> str:
        return self._spec()

    def _internal_name(self, prefix: str) -> str:
        digest = hashlib.sha1(self._spec().encode()).hexdigest()[:10]
        return f"_{prefix}{digest}"


@lru_cache(maxsize=512)
def _law_moments(law: Law, order: int) -> tuple[sympy.Expr, ...]:
    ctx = Context(law, order=order)
    return tuple(ctx.decode(x) for x in ctx.moments(law, order))


@lru_cache(maxsize=512)
def _law_cumulants(law: Law, order: int, kind: str) -> tuple[sympy.Expr, ...]:
    from tpsym.free.cumulants import check_kind, cumulants_from_moments_in

    check_kind(kind)
    ctx = Context(law, order=order)
    if kind == "free":
        values = ctx.free_cumulants(law, order)
    else:
        values = cumulants_from_moments_in(ctx.moments(law, order), kind, ctx.field)  # type: ignore[arg-type]
    return tuple(ctx.decode(x) for x in values)


@lru_cache(maxsize=512)
def _law_s_transform(law: Law, order: int) -> tuple[sympy.Expr, ...]:
    ctx = Context(law, order=order)
    return tuple(ctx.decode(x) for x in ctx.s_transform(law, order))
