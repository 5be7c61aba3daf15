"""One executor: results do not depend on where the trials run."""

from __future__ import annotations

import numpy as np
import pytest

from tpsym.errors import InputError
from tpsym.laws import mp
from tpsym.numeric.experiment import estimate_moments
from tpsym.numeric.executor import DaskExecutor, LocalExecutor, SerialExecutor, get_executor, job_seed


def _square(x):
    return x * x


def test_serial_and_local_map_in_order():
    jobs = list(range(7))
    assert SerialExecutor().map(_square, jobs) == LocalExecutor(2).map(_square, jobs) == [j * j for j in jobs]


def test_job_seed_is_keyed_by_value():
    a = np.random.default_rng(job_seed(3, 128, 4)).random(3)
    b = np.random.default_rng(job_seed(3, 128, 4)).random(3)
    c = np.random.default_rng(job_seed(3, 256, 4)).random(3)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    with pytest.raises(InputError, match="seed=-1"):
        job_seed(-1)


def _estimates(**kw):
    est = estimate_moments(mp(1), 3, sizes=(36, 64), trials=4, seed=9, **kw)
    return [(e.estimate, e.stderr) for e in est]


def test_results_do_not_depend_on_the_executor():
    serial = _estimates(workers=0)
    assert serial == _estimates(workers=2)


def test_adding_a_size_keeps_the_other_trials():
    a = estimate_moments(mp(1), 2, sizes=(36,), trials=3, seed=1, workers=0)
    b = estimate_moments(mp(1), 2, sizes=(36, 64), trials=3, seed=1, workers=0)
    assert a[0].per_size[0] == b[0].per_size[0]


def test_get_executor_choices():
    assert isinstance(get_executor(workers=0), SerialExecutor)
    assert isinstance(get_executor(workers=3), LocalExecutor)
    assert isinstance(get_executor("tcp://127.0.0.1:1"), DaskExecutor)
    with pytest.raises(InputError, match="workers=-1"):
        get_executor(workers=-1)


def test_dask_local_cluster_gives_the_same_results():
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask_result = _estimates(scheduler=cluster.scheduler_address)
    assert dask_result == _estimates(workers=0)


def test_dask_unreachable_scheduler_is_input_error():
    pytest.importorskip("distributed")
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        DaskExecutor("tcp://127.0.0.1:9", timeout="1s").map(_square, [1])


def test_progress_bar_on_stderr_only_when_asked(capsys):
    from tpsym.numeric.executor import SerialExecutor

    assert SerialExecutor().map(abs, [-1, 2, -3], progress=True) == [1, 2, 3]
    out, err = capsys.readouterr()
    assert out == "" and "trials" in err and "/3 " in err  # tqdm redraws at its own pace
    SerialExecutor().map(abs, [-1], progress=False)
    assert capsys.readouterr() == ("", "")
