"""Test-run settings shared by the whole suite (tests, doctests, docs).

* Tests marked ``slow`` are the long numeric runs; the default run uses their
  small versions and skips them. ``TPSYM_FULL=1`` runs them too.
* Hypothesis runs without per-example deadlines: CI machines are shared and
  their timings vary; correctness does not depend on them.
* The default Hypothesis profile is derandomized, so that a run of the suite
  is reproducible: the examples depend only on the test and the Hypothesis
  version. ``HYPOTHESIS_PROFILE=explore`` draws fresh random examples (and
  more of them) for a search for new counterexamples.
* Under parallel workers (``pytest -n auto``, pytest-xdist) each worker keeps
  BLAS to one thread: two workers with two BLAS threads each on a 2-core
  machine spin against each other and ran the numeric tests up to 40x slower.
"""

from __future__ import annotations

import os

import pytest

try:
    from hypothesis import settings
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    pass
else:
    settings.register_profile("tpsym", deadline=None, print_blob=True, derandomize=True, database=None)
    settings.register_profile("explore", deadline=None, print_blob=True, max_examples=1000)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "tpsym"))


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("TPSYM_FULL") == "1":
        return
    skip = pytest.mark.skip(reason="long numeric run: set TPSYM_FULL=1 to run it")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
