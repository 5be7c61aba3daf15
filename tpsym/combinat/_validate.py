"""Argument checks shared by the modules of :mod:`tpsym.combinat` (private)."""

from __future__ import annotations

import numbers

from tpsym.errors import InputError

__all__ = ["check_size", "check_positive"]


def check_size(value: object, name: str = "n") -> int:
    """Return ``value`` as an ``int`` if it is a non-negative integer, else raise.

    ``bool`` is refused (``True`` is not a size), and so is every non-integer
    type, ``3.0`` included.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputError(f"{name} must be a non-negative integer, got {value!r}")
    size = int(value)
    if size < 0:
        raise InputError(f"{name}={size} is negative; {name} must be a non-negative integer")
    return size


def check_positive(value: object, name: str) -> int:
    """Return ``value`` as an ``int`` if it is a positive integer, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 1:
        raise InputError(f"{name} must be a positive integer, got {value!r}")
    return int(value)
