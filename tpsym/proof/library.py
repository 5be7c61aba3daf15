"""The bundled library of claims: the proof files that ship with tpsym.

In a checkout they are the top-level ``proofs/`` folder; an installed tpsym
carries the same files as the package ``tpsym.proofs``. ``tpsym verify``
with no path verifies all of them, and ``tpsym verify NAME`` one of them by
its name (the file name without ``.toml``).

>>> "networks" in library_names()
True
>>> bundled_library("networks").name
'networks.toml'
"""

from __future__ import annotations

from pathlib import Path

from tpsym.errors import InputError

__all__ = ["bundled_library", "library_names"]


def _folder() -> Path:
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "proofs", package.parent / "proofs"):  # installed, then checkout
        if candidate.is_dir() and any(candidate.glob("*.toml")):
            return candidate
    raise InputError("the bundled proof files are not installed: reinstall tpsym (pip install tpsym)")


def library_names() -> list[str]:
    """The names of the bundled proof files, sorted."""
    return sorted(p.stem for p in _folder().glob("*.toml"))


def bundled_library(name: str | None = None) -> Path:
    """The folder of the bundled proof files, or the file called ``name``.

    Raises
    ------
    InputError
        ``name`` is not one of :func:`library_names`.
    """
    folder = _folder()
    if name is None:
        return folder
    path = folder / f"{name}.toml"
    if not path.is_file():
        raise InputError(f"no bundled proof file {name!r}; the library has {', '.join(library_names())}")
    return path
