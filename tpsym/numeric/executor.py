"""One executor for every trial of every size of a run.

A run is a list of independent jobs (one per trial and size); an executor maps
a picklable top-level function over them and returns the results in the order
of the jobs:

* :class:`SerialExecutor`: in this process (doctests, tiny runs);
* :class:`LocalExecutor`: local processes
  (:class:`concurrent.futures.ProcessPoolExecutor`, 2 workers by default);
* :class:`DaskExecutor`: an existing Dask cluster, given the address of its
  scheduler (``tcp://host:8786``); needs ``pip install 'tpsym[dask]'``.

Results never depend on the executor: every job carries its own
:class:`numpy.random.SeedSequence` (:func:`job_seed`), keyed by the run's seed,
the size and the trial number, not by the order in which jobs run.

Progress is shown with a tqdm bar (on stderr) when
``progress=True``. On Ctrl-C, pending jobs are cancelled, the worker
processes stopped, and :class:`KeyboardInterrupt` re-raised for the caller
(the ``tpsym`` command turns it into one line, without a traceback); the
workers ignore SIGINT so that they print no traceback of their own.

>>> ex = SerialExecutor()
>>> ex.map(abs, [-1, 2, -3])
[1, 2, 3]
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol, TypeVar

import numpy as np

from tpsym.errors import InputError

__all__ = [
    "Executor",
    "SerialExecutor",
    "LocalExecutor",
    "DaskExecutor",
    "get_executor",
    "job_seed",
    "DEFAULT_WORKERS",
]

T = TypeVar("T")
R = TypeVar("R")

#: Worker processes of the default local executor.
DEFAULT_WORKERS = 2


def job_seed(seed: int, *key: int) -> np.random.SeedSequence:
    """The seed of one job: ``SeedSequence(seed, spawn_key=key)``.

    Keyed by values (e.g. ``(size, trial)``), so a job's random stream does
    not depend on which other jobs run or where: adding a size to a sweep
    leaves the trials of the other sizes unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.random.default_rng(job_seed(7, 256, 0)).random()
    >>> b = np.random.default_rng(job_seed(7, 256, 0)).random()
    >>> c = np.random.default_rng(job_seed(7, 256, 1)).random()
    >>> a == b, a == c
    (True, False)
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"{seed=} must be a non-negative int")
    return np.random.SeedSequence(int(seed), spawn_key=tuple(int(k) for k in key))


class Executor(Protocol):
    """Maps a picklable function over jobs, results in job order."""

    def map(
        self, fn: Callable[[T], R], jobs: Sequence[T], *, progress: bool = False
    ) -> list[R]: ...


def _progress_bar(total: int, enabled: bool) -> Any:
    """A tqdm progress bar over ``total`` trials (inert when not ``enabled``)."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="trials", leave=False, disable=not enabled)


class SerialExecutor:
    """Runs the jobs one after the other in this process.

    Examples
    --------
    >>> SerialExecutor().map(str, [1, 2])
    ['1', '2']
    """

    def map(self, fn: Callable[[T], R], jobs: Sequence[T], *, progress: bool = False) -> list[R]:
        bar = _progress_bar(len(jobs), progress)
        out = []
        try:
            for job in jobs:
                out.append(fn(job))
                bar.update(1)
        finally:
            bar.close()
        return out

    def __repr__(self) -> str:
        return "SerialExecutor()"


def _init_worker() -> None:
    """Worker set-up: ignore Ctrl-C (the parent stops the pool) and use one BLAS thread.

    The pool already runs one job per core; a multi-threaded BLAS inside each
    worker oversubscribes the cores and is many times slower (measured here:
    ``eigvalsh`` of a 256 × 256 matrix, 7 ms with one thread, 0.4 s with two
    threads in each of two busy processes).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


class LocalExecutor:
    """Runs the jobs in local worker processes (``ProcessPoolExecutor``).

    Examples
    --------
    >>> LocalExecutor(workers=2)
    LocalExecutor(workers=2)
    """

    def __init__(self, workers: int = DEFAULT_WORKERS) -> None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise InputError(f"{workers=} must be a positive int")
        self.workers = workers

    def __repr__(self) -> str:
        return f"LocalExecutor(workers={self.workers})"

    def map(self, fn: Callable[[T], R], jobs: Sequence[T], *, progress: bool = False) -> list[R]:
        jobs = list(jobs)
        if not jobs:
            return []
        if self.workers == 1 or len(jobs) == 1:
            return SerialExecutor().map(fn, jobs, progress=progress)
        bar = _progress_bar(len(jobs), progress)
        pool = ProcessPoolExecutor(max_workers=min(self.workers, len(jobs)), initializer=_init_worker)
        futures = [pool.submit(fn, job) for job in jobs]
        try:
            for fut in futures:
                fut.result()
                bar.update(1)
        except BaseException:
            for fut in futures:
                fut.cancel()
            # stop running jobs at once instead of waiting for them to finish
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            bar.close()
        pool.shutdown(wait=True)
        return [fut.result() for fut in futures]


class DaskExecutor:
    """Runs the jobs on an existing Dask cluster (``dask.distributed``).

    Parameters
    ----------
    address : str
        The scheduler's address, e.g. ``"tcp://127.0.0.1:8786"``.

    Raises
    ------
    tpsym.errors.InputError
        When ``dask.distributed`` is not installed (with the install hint).

    Examples
    --------
    >>> DaskExecutor("tcp://127.0.0.1:8786")  # connects only when used
    DaskExecutor('tcp://127.0.0.1:8786')
    """

    def __init__(self, address: str, *, timeout: str = "10s") -> None:
        if not isinstance(address, str) or not address:
            raise InputError(f"scheduler address {address!r} must be a non-empty string")
        self.address = address
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"DaskExecutor({self.address!r})"

    def map(self, fn: Callable[[T], R], jobs: Sequence[T], *, progress: bool = False) -> list[R]:
        try:
            from distributed import Client
        except ModuleNotFoundError as exc:
            if (exc.name or "").partition(".")[0] not in ("distributed", "dask"):  # a broken install is not a missing extra
                raise
            raise InputError(
                "the Dask executor needs dask.distributed: pip install 'tpsym[dask]'"
            ) from None
        jobs = list(jobs)
        bar = _progress_bar(len(jobs), progress)
        try:
            client = Client(self.address, set_as_default=False, timeout=self.timeout)
        except OSError as exc:
            raise InputError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from None
        futures = []
        try:
            # pure=False: two equal jobs are still two runs (their seeds differ anyway)
            futures = client.map(fn, jobs, pure=False)
            out = []
            for fut in futures:  # in job order; the cluster runs them concurrently
                out.append(fut.result())
                bar.update(1)
            return out
        except BaseException:
            client.cancel(futures)
            raise
        finally:
            bar.close()
            client.close()


def get_executor(
    scheduler: str | None = None, *, workers: int = DEFAULT_WORKERS
) -> SerialExecutor | LocalExecutor | DaskExecutor:
    """The executor of a run: Dask when ``scheduler`` is an address, else local.

    ``workers=0`` or ``1`` runs in this process.

    Examples
    --------
    >>> get_executor(), get_executor(workers=0)
    (LocalExecutor(workers=2), SerialExecutor())
    >>> get_executor("tcp://10.0.0.1:8786")
    DaskExecutor('tcp://10.0.0.1:8786')
    """
    if scheduler:
        return DaskExecutor(scheduler)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise InputError(f"{workers=} must be a non-negative int")
    if workers <= 1:
        return SerialExecutor()
    return LocalExecutor(workers)

