"""The exception hierarchy of tpsym.

Every error tpsym raises on purpose derives from :class:`TpsymError`, and
also from the builtin exception that fits, so that callers may catch either.

>>> from tpsym.errors import CrossingError, InputError
>>> issubclass(CrossingError, ValueError) and issubclass(CrossingError, InputError)
True
"""

from __future__ import annotations

__all__ = [
    "TpsymError",
    "InputError",
    "CrossingError",
    "SpecError",
    "DomainError",
    "SeriesError",
    "ReversionError",
    "InversionError",
    "NumericError",
    "NoSamplerError",
    "ProofFileError",
    "CertificateError",
    "MissingDependencyError",
]


class TpsymError(Exception):
    """Base class of every error raised by tpsym."""


class InputError(TpsymError, ValueError):
    """An argument given by the user is not acceptable."""


class CrossingError(InputError):
    """A partition given as non-crossing has two crossing blocks."""


class SpecError(InputError):
    """A law spec or a formula is malformed, unknown or unsafe."""


class DomainError(InputError):
    """A parameter lies outside the domain where the object is defined."""


class SeriesError(TpsymError, ArithmeticError):
    """An operation on power series is not defined for its arguments."""


class ReversionError(SeriesError):
    """A series has no compositional inverse (its linear coefficient is not invertible)."""


class InversionError(SeriesError, ZeroDivisionError):
    """A series has no reciprocal (its constant coefficient is not invertible)."""


class NumericError(TpsymError, ArithmeticError):
    """A numerical computation cannot reach what was asked of it."""


class NoSamplerError(InputError):
    """A law has a part that the numeric layer cannot sample."""


class ProofFileError(InputError):
    """A proof file is malformed."""


class CertificateError(TpsymError):
    """A certificate does not hold."""


class MissingDependencyError(TpsymError, ImportError):
    """An optional dependency is not installed; the message names the extra that brings it."""
