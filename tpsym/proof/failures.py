"""Why an all-order proof was not given: no proof found, or the claim is false."""

from __future__ import annotations

from sympy import Expr

from tpsym.errors import TpsymError

__all__ = ["ProofFailure", "ClaimRefuted"]


class ProofFailure(TpsymError):
    """The claim could not be proved for all orders (the reason is the message).

    This is not a refutation: the claim may still hold (for example a term
    that is not hypergeometric). :class:`ClaimRefuted` is the subclass for a
    claim shown to be false.
    """


class ClaimRefuted(ProofFailure):
    """The claim is false: it differs from the series at :attr:`index`.

    Attributes
    ----------
    index : int or None
        The first index where the claimed and the derived value differ (None
        when only the residual is known to be nonzero).
    claimed, expected : sympy.Expr or None
        The claimed and the derived value at ``index``.
    residual : sympy.Expr or None
        The nonzero residual of the recurrence or of the algebraic equation.
    """

    def __init__(self, message: str, *, index: int | None = None, claimed: Expr | None = None,
                 expected: Expr | None = None, residual: Expr | None = None) -> None:
        super().__init__(message)
        self.index = index
        self.claimed = claimed
        self.expected = expected
        self.residual = residual
