"""Numeric cross-checks: random matrices and real networks confirm derived moments.

The layer has samplers (:mod:`~tpsym.numeric.ensembles`: GOE and i.i.d.
Wigner, Wishart, Haar orthogonal, spectra rotated by Haar matrices, free sums
and products), the dispatch from a law to a sampler
(:mod:`~tpsym.numeric.law_samplers`), real network Jacobians
(:mod:`~tpsym.numeric.network`), estimators of moments with standard errors
(:mod:`~tpsym.numeric.estimate`), the statistical decision with 1/N
extrapolation and Holm's procedure (:mod:`~tpsym.numeric.decision`), one
executor for local processes or a Dask cluster
(:mod:`~tpsym.numeric.executor`), the orchestration
(:mod:`~tpsym.numeric.experiment`) and pictures (:mod:`~tpsym.numeric.plot`).

>>> from tpsym.laws import mp
>>> from tpsym.numeric import crosscheck
>>> crosscheck(mp(1), 3, sizes=(64, 128), trials=6, seed=0, workers=0).verdict
'confirmed'
"""

from __future__ import annotations

from tpsym.numeric.experiment import (
    DEFAULT_PROBES,
    DEFAULT_SIZES,
    DEFAULT_TRIALS,
    CrossCheck,
    crosscheck,
    estimate_moments,
    min_size,
)
from tpsym.numeric.decision import (
    DEFAULT_ALPHA,
    Decision,
    MomentEstimate,
    MomentTest,
    decide,
    decide_family,
    extrapolate,
    holm,
)
from tpsym.numeric.estimate import hutchinson_moments, spectral_moments, trial_statistics
from tpsym.numeric.executor import DaskExecutor, LocalExecutor, SerialExecutor, get_executor, job_seed
from tpsym.numeric.network import JacobianOperator, NetworkSampler, forward_pass, jacobian, jacobian_gram
from tpsym.numeric.ensembles import (
    free_product,
    free_sum,
    haar_orthogonal,
    wigner,
    wishart,
)
from tpsym.numeric.law_samplers import LawSampler, check_samplable, sample_matrix

__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_PROBES",
    "DEFAULT_SIZES",
    "DEFAULT_TRIALS",
    "CrossCheck",
    "DaskExecutor",
    "Decision",
    "JacobianOperator",
    "LawSampler",
    "LocalExecutor",
    "MomentEstimate",
    "MomentTest",
    "NetworkSampler",
    "SerialExecutor",
    "check_samplable",
    "crosscheck",
    "decide",
    "decide_family",
    "estimate_moments",
    "extrapolate",
    "forward_pass",
    "free_product",
    "free_sum",
    "get_executor",
    "haar_orthogonal",
    "holm",
    "hutchinson_moments",
    "jacobian",
    "jacobian_gram",
    "job_seed",
    "min_size",
    "sample_matrix",
    "spectral_moments",
    "trial_statistics",
    "wigner",
    "wishart",
]
