"""Running distribution tasks on Dask distributed.

Takes: an ``ExecutorSettings`` of kind "dask", a task function, its tasks, and optionally data
every task needs (``shared``). Gives: each task's result as it finishes (completion order).

- ``connect(settings, workers, note=...)`` — a ``Client`` of the scheduler at
  ``settings.scheduler``, or of a LocalCluster of ``workers`` single-threaded worker processes
  bound to 127.0.0.1 (no dashboard; the scheduler's small HTTP endpoint on a random loopback
  port) that is closed with the client. Every wait is bounded and spoken (``note(text)``): a
  closed port is refused at once; a port that accepts but does not answer as a Dask scheduler
  (a web server, a silent listener) is given up after ``settings.connect_timeout`` seconds;
  a scheduler without workers is waited on ("waiting for workers at tcp://…") for
  ``settings.workers_timeout`` seconds. Each ends in a ``BriefbookError``, and the client is
  closed so that nothing prints a traceback at exit.
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
import signal
import socket
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from briefbook.core.errors import BriefbookError
from briefbook.distribute.executor import ExecutorSettings

Task = TypeVar("Task")
Result = TypeVar("Result")

WINDOW_PER_THREAD = 3
CLOSE_TIMEOUT_S = 10


try:
    import dask
    import distributed
    from distributed import get_worker
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError as exc:  # pragma: no cover - requirements.lock installs them
    raise BriefbookError("the Dask executor needs the packages dask and distributed",
                         hint="pip install 'briefbook[dask]', or use --executor local") from exc


class IgnoreCtrlC(WorkerPlugin):
    """Ctrl-C in a terminal reaches the whole process group, a LocalCluster's worker processes
    included; only the client acts on it (it cancels the run and closes the cluster)."""

    name = "briefbook-ignore-ctrl-c"

    def setup(self, worker) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def local_cluster(workers: int, *, quiet: bool = False):
    """A LocalCluster on loopback only: ``workers`` processes of one thread, no dashboard.

    ``quiet``: only critical log records from the cluster (the command reports failures
    itself; a cluster shutting down after Ctrl-C logs harmless errors). The workers'
    statistical profiler (a stack sample every 10 ms, for the dashboard) is off: nobody reads
    it here."""
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


class _Client(distributed.Client):
    """A ``Client`` whose start is bounded and whose failure or close leaves nothing behind.

    ``Client(address, timeout=T)`` bounds only the TCP connection: a port that accepts and
    then stays silent, or answers in another protocol (HTTP), would hang its handshake
    forever. Here the whole start (connection, handshake, registration) is bounded by
    ``start_timeout``; a client that failed or was closed is marked closed, so its
    ``__del__`` at exit has nothing to do (no "Exception ignored in Client.__del__")."""

    def __init__(self, *args, start_timeout: float, **kwargs):
        self._start_timeout = start_timeout
        super().__init__(*args, **kwargs)

    def start(self, **kwargs):
        if self.asynchronous:
            return super().start(**kwargs)
        try:
            return super().start(callback_timeout=self._start_timeout, **kwargs)
        except BaseException:
            self.close_quietly(timeout=2)
            raise

    def close_quietly(self, timeout: float = CLOSE_TIMEOUT_S) -> None:
        """Close; on any failure still stop the client's event loop thread and mark it
        closed (Ctrl-C meanwhile still propagates)."""
        try:
            with contextlib.suppress(Exception):
                super().close(timeout=timeout)
        finally:
            self.status = "closed"
            with contextlib.suppress(Exception):
                self._loop_runner.stop()

    def __del__(self):
        with contextlib.suppress(BaseException):
            if getattr(self, "status", "closed") not in ("closed", "newly-created"):
                self.close_quietly(timeout=2)


def _split_address(address: str) -> tuple[str, int]:
    """(host, port) of ``tcp://host:port``, ``tls://[::1]:port`` or ``host:port``."""
    location = address.split("://", 1)[-1]
    host, _, port = location.rpartition(":")
    return host.strip("[]"), int(port)


def _check_listening(address: str, timeout: float) -> None:
    """A plain TCP connection to ``address``, closed at once: a closed port or an unknown
    host is a clear error now, not after the client's retries."""
    host, port = _split_address(address)
    hint = ("start it with `dask scheduler` and check the address, or leave out --scheduler "
            "to run a local cluster")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except ConnectionRefusedError as exc:
        raise BriefbookError(f"cannot reach the Dask scheduler at {address}: nothing listens "
                             "on that port (connection refused)", hint=hint) from exc
    except socket.gaierror as exc:
        raise BriefbookError(f"cannot reach the Dask scheduler at {address}: unknown host "
                             f"{host!r}", hint=hint) from exc
    except TimeoutError as exc:
        raise BriefbookError(f"cannot reach the Dask scheduler at {address}: no answer within "
                             f"{timeout:g} s (host down, or a firewall drops the connection)",
                             hint=hint + "; or raise --connect-timeout") from exc
    except OSError as exc:
        raise BriefbookError(f"cannot reach the Dask scheduler at {address} "
                             f"({exc.strerror or exc})", hint=hint) from exc


def _running_workers(client) -> int:
    with contextlib.suppress(Exception):
        return sum(1 for w in client.scheduler_info(n_workers=-1)["workers"].values()
                   if w.get("status", "running") == "running")
    return 0


def _wait_for_first_worker(client, settings: ExecutorSettings,
                           note: Callable[[str], None]) -> None:
    if _running_workers(client):
        return
    note(f"waiting for workers at {settings.scheduler} (none has joined yet; giving up after "
         f"{settings.workers_timeout:g} s)")
    try:
        client.wait_for_workers(1, timeout=settings.workers_timeout)
    except (TimeoutError, OSError, distributed.comm.CommClosedError) as exc:
        raise BriefbookError(
            f"the Dask scheduler at {settings.scheduler} has no workers: none joined within "
            f"{settings.workers_timeout:g} s, so no work was sent",
            hint="start workers with `dask worker " + str(settings.scheduler) + "`, raise "
                 "--workers-timeout, or leave out --scheduler to run a local cluster") from exc


@contextlib.contextmanager
def connect(settings: ExecutorSettings, workers: int = 2, *,
            note: Callable[[str], None] | None = None) -> Iterator[Any]:
    """A Dask ``Client`` for ``settings``; closed (and a cluster started here stopped) on exit.
    ``note(text)`` hears about waits (see the module doc)."""
    say = note or (lambda _text: None)
    cluster = client = None
    address = settings.scheduler
    try:
        try:
            if address:
                _check_listening(address, settings.connect_timeout)
                say(f"connecting to the Dask scheduler at {address} (giving up after "
                    f"{settings.connect_timeout:g} s)")
                client = _Client(address, timeout=settings.connect_timeout,
                                 start_timeout=settings.connect_timeout, set_as_default=False)
            else:
                cluster = local_cluster(workers, quiet=True)
                client = _Client(cluster, start_timeout=settings.connect_timeout,
                                 set_as_default=False)
        except BriefbookError:
            raise
        except (OSError, ImportError, distributed.comm.CommClosedError) as exc:
            # OSError includes TimeoutError: the start's bound, and distributed's own
            # "Timed out trying to connect".
            if not address:
                raise BriefbookError(f"could not start a local Dask cluster ({exc})",
                                     hint="use --executor local") from exc
            if isinstance(exc, ImportError):  # the scheduler refused this client's versions
                raise BriefbookError(f"the Dask scheduler at {address} refused this client "
                                     f"({exc})", hint="install the same dask and distributed "
                                     "versions on this machine and the cluster") from exc
            why = (f"within {settings.connect_timeout:g} s" if isinstance(exc, TimeoutError)
                   else f"({type(exc).__name__}: {exc})")
            raise BriefbookError(
                f"cannot reach the Dask scheduler at {address}: the port accepts connections "
                f"but nothing there answered as a Dask scheduler {why}",
                hint="check the address: a scheduler listens on port 8786 by default (8787 "
                     "is its web dashboard); raise --connect-timeout for a slow network"
            ) from exc
        if address:
            _wait_for_first_worker(client, settings, say)
        yield client
    finally:
        if client is not None:
            client.close_quietly()
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
    plugin = get_worker().plugins.get(name)
    if not isinstance(plugin, SharedData):
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
