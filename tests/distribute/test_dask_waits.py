"""Bounded, spoken waits for a Dask scheduler (issue 24), on real servers on 127.0.0.1.

- A real Dask scheduler with no workers: "waiting for workers at tcp://…" on stderr, then a
  clear error after ``--workers-timeout``.
- A web server (HTTP) on the port, and a listener that accepts and never answers: a clear
  error after ``--connect-timeout``; no traceback, also not at exit (``Client.__del__``).
- A closed port: refused at once.

The timeouts are passed short (2 s), so each case costs a CLI start and its wait. ``build``
sends its work to the cluster before rendering anything, so it shows the connection's cost
alone; ``editions`` (the reported case) renders its base first.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from briefbook.core.errors import BriefbookError
from briefbook.distribute.executor import ExecutorSettings

BRIEFBOOK = [sys.executable, "-m", "briefbook.cli"]
WAIT_S = 2
#: A CLI start (imports, project) plus the wait, with room for a loaded 2-core machine.
SLACK_S = 40


def run(*args, timeout: float = 120) -> tuple[subprocess.CompletedProcess, float]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("BRIEFBOOK_DEBUG", None)
    start = time.monotonic()
    result = subprocess.run([*BRIEFBOOK, *map(str, args)], capture_output=True, text=True,
                            timeout=timeout, env=env)
    return result, time.monotonic() - start


def clean_failure(result: subprocess.CompletedProcess, *needles: str) -> None:
    text = result.stdout + result.stderr
    assert result.returncode == 1, text
    assert "Traceback" not in text and "Exception ignored" not in text, text
    assert "error:" in result.stderr and "hint:" in result.stderr, text
    for needle in needles:
        assert needle in result.stderr, (needle, text)


@pytest.fixture()
def empty_scheduler():
    """A real Dask scheduler on 127.0.0.1 with no workers (a LocalCluster of none)."""
    import distributed

    cluster = distributed.LocalCluster(n_workers=0, processes=False, protocol="tcp://",
                                       host="127.0.0.1",
                                       dashboard_address=None,
                                       scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close(timeout=20)


@pytest.fixture()
def http_server():
    class Hello(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"hello")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def silent_listener():
    """Accepts every connection, never sends a byte, never closes one."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        listener.close()


def _readers(tmp_path: Path) -> Path:
    path = tmp_path / "readers.csv"
    path.write_text("name\n甲\n乙\n", encoding="utf-8")
    return path


def test_scheduler_without_workers_is_waited_on_aloud_then_given_up(tmp_path, sheet_brief,
                                                                    empty_scheduler):
    out = tmp_path / "out"
    result, took = run("editions", sheet_brief, "--readers", _readers(tmp_path), "--out", out,
                       "--executor", "dask", "--scheduler", empty_scheduler,
                       "--workers-timeout", WAIT_S)
    clean_failure(result, f"waiting for workers at {empty_scheduler}",
                  f"the Dask scheduler at {empty_scheduler} has no workers",
                  "--workers-timeout")
    assert result.stderr.index("waiting for workers") < result.stderr.index("error:")
    assert took < WAIT_S + SLACK_S, took
    assert not out.exists()  # nothing staged, nothing left


@pytest.mark.parametrize("server", ["http_server", "silent_listener"])
def test_a_port_that_does_not_speak_dask_fails_cleanly(tmp_path, sheet_brief, server, request):
    address = request.getfixturevalue(server)
    result, took = run("build", sheet_brief, "--out", tmp_path / "out", "--executor", "dask",
                       "--scheduler", address, "--connect-timeout", WAIT_S)
    clean_failure(result, f"connecting to the Dask scheduler at {address}",
                  f"cannot reach the Dask scheduler at {address}",
                  "nothing there answered as a Dask scheduler",
                  "--connect-timeout")
    assert took < WAIT_S + SLACK_S, took
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_a_closed_port_is_refused_at_once(tmp_path, sheet_brief):
    from briefbook.distribute import dask_run

    with socket.socket() as probe:  # a port nothing listens on: bound, never listening
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
        start = time.monotonic()
        with pytest.raises(BriefbookError, match="nothing listens on that port"):
            with dask_run.connect(ExecutorSettings("dask", address, connect_timeout=30)):
                pass
        assert time.monotonic() - start < 5


def test_wait_options_are_checked():
    settings = ExecutorSettings().override(None, "tcp://10.0.0.5:8786", connect_timeout=5,
                                           workers_timeout=7)
    assert (settings.kind, settings.connect_timeout, settings.workers_timeout) == ("dask", 5, 7)
    assert ExecutorSettings().connect_timeout == 20 and ExecutorSettings().workers_timeout == 60
    for bad in (0, -1, float("nan"), 10**9):
        with pytest.raises(BriefbookError, match="--connect-timeout"):
            ExecutorSettings("dask", connect_timeout=bad)
