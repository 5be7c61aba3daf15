"""Package list for setuptools (the rest of the metadata is in pyproject.toml).

The bundled library of claims lives at the top of the repository as
``proofs/`` (``tpsym verify proofs/`` from a checkout) and ships inside the
package as ``tpsym.proofs``, so ``tpsym verify`` finds it after a plain install.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["tpsym", "tpsym.*"]), "tpsym.proofs"],
    package_dir={"tpsym.proofs": "proofs"},
)
