"""Running distribution tasks on Dask distributed.

Takes: an ``ExecutorSettings`` of kind "dask", a task function, its tasks, and optionally data
every task needs (``shared``). Gives: each task's result as it finishes (completion order).

- ``connect(settings, workers)`` — a ``Client`` of the scheduler at ``settings.scheduler``, or
  of a LocalCluster of ``workers`` single-threaded worker processes bound to 127.0.0.1 (no
  dashboard; the scheduler's small HTTP endpoint on a random loopback port) that is closed
  with the client.
- ``run_tasks(client, work, tasks, shared=...)`` — ``shared`` (the base PDF and stamp inputs)
  goes to the cluster ONCE, as a worker plugin: the scheduler hands it to every worker when
  it joins, including a worker the nanny restarted after a crash, and a task reads it with
  ``shared_data(name)``. Tasks carry only their own small arguments. At most ``window`` tasks
  are in the cluster at a time (a few per worker thread), so returned results never pile up
  in worker memory faster than the client writes them.
- Faults: a worker that dies mid-task has its tasks re-run elsewhere by the scheduler (Dask's
  own retry; a task that kills ``distributed.scheduler.allowed-failures`` workers is given up
  as ``KilledWorker``, here a ``BriefbookError``). When the caller stops (error, Ctrl-C,
  SIGTERM), the remaining tasks are cancelled and the plugin removed before returning, so the
  cluster is left idle; a LocalCluster started here is shut down, its processes with it.

``distributed`` is imported only by this module, which the local executor never loads.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from briefbook.distribute.executor import ExecutorSettings
from briefbook.errors import BriefbookError

Task = TypeVar("Task")
Result = TypeVar("Result")

CONNECT_TIMEOUT_S = 10
WINDOW_PER_THREAD = 3


try:
    import distributed
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError as exc:  # pragma: no cover - requirements.lock installs them
    raise BriefbookError("the Dask executor needs the packages dask and distributed",
                         hint="pip install 'briefbook[dask]', or use --executor local") from exc


class IgnoreCtrlC(WorkerPlugin):
    """Ctrl-C in a terminal reaches the whole process group, a LocalCluster's worker processes
    included; only the client acts on it (it cancels the run and closes the cluster)."""

    name = "briefbook-ignore-ctrl-c"

    def setup(self, worker) -> None:
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def local_cluster(workers: int, *, quiet: bool = False):
    """A LocalCluster on loopback only: ``workers`` processes of one thread, no dashboard.

    ``quiet``: only critical log records from the cluster (the command reports failures
    itself; a cluster shutting down after Ctrl-C logs harmless errors). The workers'
    statistical profiler (a stack sample every 10 ms, for the dashboard) is off: nobody reads
    it here."""
    import dask

    with dask.config.set({"distributed.worker.profile.enabled": False}):
        return _local_cluster(workers, quiet)


def _local_cluster(workers: int, quiet: bool):
    return distributed.LocalCluster(
        n_workers=max(1, workers), threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,  # no dashboard …
        # … and the scheduler's health/metrics endpoint on a random port of 127.0.0.1 (its
        # default is a fixed port; ":0" would mean every interface).
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        worker_dashboard_address=None, silence_logs=50 if quiet else 40,
        plugins=(IgnoreCtrlC(),))


@contextlib.contextmanager
def connect(settings: ExecutorSettings, workers: int = 2) -> Iterator[Any]:
    """A Dask ``Client`` for ``settings``; closed (and a cluster started here stopped) on exit."""
    cluster = None
    try:
        if settings.scheduler:
            client = distributed.Client(settings.scheduler, timeout=CONNECT_TIMEOUT_S,
                                        set_as_default=False)
        else:
            cluster = local_cluster(workers, quiet=True)
            client = distributed.Client(cluster, set_as_default=False)
    except OSError as exc:  # includes distributed's timeouts ("Timed out trying to connect")
        if cluster is not None:
            cluster.close()
        raise BriefbookError(f"cannot reach the Dask scheduler at {settings.scheduler} ({exc})",
                             hint="start it with `dask scheduler` and check the address, or "
                                  "leave out --scheduler to run a local cluster") from exc
    try:
        yield client
    finally:
        with contextlib.suppress(Exception):
            client.close(timeout=10)
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close(timeout=20)


class SharedData(WorkerPlugin):
    """Worker plugin carrying one value to every worker (current and future) once."""

    def __init__(self, name: str, value: Any):
        self.name = name
        self.value = value

    def teardown(self, worker) -> None:
        self.value = None


def shared_data(name: str) -> Any:
    """In a task: the value sent with ``run_tasks(..., shared=...)`` under ``name``."""
    from distributed import get_worker

    plugin = get_worker().plugins.get(name)
    if plugin is None:
        raise BriefbookError(f"this Dask worker has no {name!r} data (plugin not installed)")
    return plugin.value


def _threads(client) -> int:
    with contextlib.suppress(Exception):
        return max(1, sum(client.nthreads().values()))
    return 1


def run_tasks(client, work: Callable[..., Result], tasks: Iterable[Task], *,
              shared: Any = None, window: int | None = None) -> Iterator[Result]:
    """Run ``work(task)`` — or ``work(shared_name, task)`` when ``shared`` is given — on the
    cluster; yield results as they complete. See the module doc for shipping and faults."""
    tasks = list(tasks)
    if not tasks:
        return
    run_id = uuid.uuid4().hex[:12]
    name = None
    if shared is not None:
        name = f"briefbook-shared-{run_id}"
        client.register_plugin(SharedData(name, shared), name=name)
    limit = window or max(2, WINDOW_PER_THREAD * _threads(client))
    pending = iter(enumerate(tasks))
    running = distributed.as_completed(loop=client.loop)
    futures = set()

    def submit_next() -> bool:
        item = next(pending, None)
        if item is None:
            return False
        index, task = item
        args = (name, task) if name is not None else (task,)
        future = client.submit(work, *args, key=f"briefbook-{run_id}-{index}", pure=False,
                               retries=0)
        futures.add(future)
        running.add(future)
        return True

    try:
        for _ in range(limit):
            if not submit_next():
                break
        for future in running:
            try:
                result = future.result()
            except distributed.KilledWorker as exc:
                raise BriefbookError(
                    "a task was given up after the Dask workers running it died several "
                    "times (out of memory?); the run was stopped",
                    hint="give the workers more memory, or rerun") from exc
            except distributed.client.FutureCancelledError as exc:
                raise BriefbookError("the Dask scheduler cancelled the run (lost connection, "
                                     "or it was restarted)", hint="rerun") from exc
            futures.discard(future)
            future.release()
            submit_next()
            yield result
    except (OSError, distributed.comm.CommClosedError) as exc:
        raise BriefbookError(f"lost the Dask scheduler during the run ({exc})",
                             hint="check the cluster and rerun") from exc
    finally:
        # Done, failed, Ctrl-C or the caller stopped iterating: leave the cluster idle.
        if futures:
            with contextlib.suppress(Exception):
                client.cancel(list(futures), force=True)
        if name is not None:
            with contextlib.suppress(Exception):
                client.unregister_worker_plugin(name)


def worker_pids(client) -> dict[str, int]:
    """Worker address → process id (for tests and the benchmark)."""
    return client.run(os.getpid)


__all__ = ["connect", "local_cluster", "run_tasks", "shared_data", "worker_pids"]
