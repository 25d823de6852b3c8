"""Editions and build on Dask distributed: the same bytes as the local executor, and faults.

One real ``distributed.LocalCluster`` (two single-threaded worker processes on 127.0.0.1, no
dashboard) serves the whole module; the fixture starts and stops it. Every run is bounded: a
watchdog ends the test process (with a traceback) if a run hangs, and subprocesses have
timeouts.
"""

from __future__ import annotations

import faulthandler
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from plugins.cli import ctrl_c_as_in_a_terminal
from plugins.example import example_project

from briefbook.core.errors import BriefbookError
from briefbook.distribute import dask_run
from briefbook.distribute.build import build
from briefbook.distribute.editions import Reader, make_editions
from briefbook.distribute.executor import ExecutorSettings
from briefbook.distribute.finish import CopyFinish

#: Small reader lists; chunks of 3 readers, so each run is several tasks on both workers.
READERS = [Reader(f"读者{i}号", i) for i in range(1, 19)] + [Reader("<b>王五</b>", 40)]
CHUNK = 3
#: One trace key for every run here, so copies of different runs can be compared byte for byte
#: (a real run draws a fresh random key: its dot codes are its own).
FINISH = CopyFinish(trace_key=bytes(range(16)))
LOCAL_LIMIT_S = 180


@pytest.fixture(autouse=True)
def watchdog():
    """A hung run must fail the suite, not stall it."""
    faulthandler.dump_traceback_later(LOCAL_LIMIT_S, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="module")
def cluster():
    cluster = dask_run.local_cluster(2)
    try:
        yield cluster
    finally:
        cluster.close(timeout=30)


@pytest.fixture(scope="module")
def client(cluster):
    from distributed import Client

    with Client(cluster, set_as_default=False) as client:
        yield client


@pytest.fixture()
def on_dask(cluster, client) -> ExecutorSettings:
    _wait_for_workers(client, 2)
    return ExecutorSettings("dask", cluster.scheduler_address)


def _wait_for_workers(client, n: int, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while len(client.scheduler_info()["workers"]) < n:
        assert time.monotonic() < deadline, f"cluster did not get back to {n} workers"
        time.sleep(0.2)


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def local_copies(tmp_path_factory, sheet_brief, sheet_pdf) -> dict[str, str]:
    """The reference: the same readers through the local executor (two worker processes)."""
    out = tmp_path_factory.mktemp("local")
    make_editions(sheet_brief, READERS, out, jobs=2, base=sheet_pdf, finish=FINISH, chunk=CHUNK)
    digests = _digests(out)
    assert len(digests) == len(READERS) + 1  # copies and editions.json
    return digests


def test_editions_on_dask_are_byte_identical_to_local(tmp_path, sheet_brief, sheet_pdf,
                                                      local_copies, on_dask):
    entries = make_editions(sheet_brief, READERS, tmp_path, jobs=2, base=sheet_pdf, finish=FINISH,
                            chunk=CHUNK, executor=on_dask)
    assert _digests(tmp_path) == local_copies  # every copy and the manifest, byte for byte
    manifest = json.loads((tmp_path / "editions.json").read_text(encoding="utf-8"))
    assert [e["copy"] for e in manifest["outputs"]] == [r.copy for r in READERS]
    assert [e["copy"] for e in entries] == [r.copy for r in READERS]
    for entry in manifest["outputs"]:
        assert entry["sha256"] == hashlib.sha256((tmp_path / entry["file"]).read_bytes()).hexdigest()


def test_base_pdf_goes_once_per_worker_not_with_each_task(tmp_path, sheet_brief, sheet_pdf,
                                                          client, on_dask, monkeypatch):
    """Tasks carry reader names only; the base arrives with the run's worker plugin."""
    import pickle

    sizes, shared_sizes = [], []
    real = dask_run.run_tasks

    plugins_during: list[list[str]] = []

    def spy(run_client, work, tasks, *, shared=None, **kwargs):
        tasks = list(tasks)
        sizes.extend(len(pickle.dumps(task)) for task in tasks)
        shared_sizes.append(len(pickle.dumps(shared)))
        for result in real(run_client, work, tasks, shared=shared, **kwargs):
            plugins_during.append(_plugins(client))
            yield result

    monkeypatch.setattr(dask_run, "run_tasks", spy)
    make_editions(sheet_brief, READERS[:6], tmp_path, base=sheet_pdf, finish=FINISH, chunk=CHUNK,
                  executor=on_dask)
    assert len(sizes) == 2 and max(sizes) < 1024, sizes
    assert shared_sizes == [pytest.approx(len(sheet_pdf), abs=1024)]  # the base, in the plugin
    assert all(any(n.startswith("briefbook-shared-") for n in names) for names in plugins_during)
    assert not [n for n in _plugins(client) if n.startswith("briefbook-")]  # removed after


def _plugins(client) -> list[str]:
    return client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.worker_plugins))


def test_worker_killed_mid_run_is_retried_and_nothing_is_lost(tmp_path, sheet_brief, sheet_pdf,
                                                              local_copies, client, on_dask):
    pids = client.run(os.getpid)  # worker address -> pid
    assert len(pids) == 2
    killed: dict = {}

    def kill_a_busy_worker(n: int) -> None:
        killed.setdefault("progress", 0)
        if "pid" in killed:
            killed["after"] = killed.get("after", 0) + n
            return
        killed["progress"] += n
        busy = [addr for addr, keys in client.processing().items() if keys and addr in pids]
        assert busy, "no worker was busy: the kill would not interrupt anything"
        killed["pid"], killed["tasks"] = pids[busy[0]], client.processing()[busy[0]]
        os.kill(killed["pid"], signal.SIGKILL)

    make_editions(sheet_brief, READERS, tmp_path, jobs=2, base=sheet_pdf, finish=FINISH, chunk=CHUNK,
                  executor=on_dask, on_progress=kill_a_busy_worker)
    assert killed["tasks"] and killed.get("after", 0) > 0  # tasks were in flight on the victim
    assert not psutil.pid_exists(killed["pid"]) or psutil.Process(killed["pid"]).status() == \
        psutil.STATUS_ZOMBIE
    # Every copy exactly once, complete, the same bytes as locally; the manifest complete.
    assert _digests(tmp_path) == local_copies
    assert not list(tmp_path.glob(".*"))
    _wait_for_workers(client, 2)  # the nanny restarted the worker
    assert killed["pid"] not in client.run(os.getpid).values()


def test_build_on_dask_matches_local(tmp_path, sheet_brief, on_dask):
    briefs = []
    for name in ("alpha.yaml", "beta.yaml"):
        (tmp_path / name).write_bytes(sheet_brief.read_bytes())
        briefs.append(tmp_path / name)
    project = example_project()
    local = build(project, briefs, tmp_path / "local", jobs=1)
    remote = build(project, briefs, tmp_path / "dask", jobs=2, executor=on_dask)
    assert local.ok and remote.ok and len(remote.built) == 2
    assert _digests(tmp_path / "dask") == _digests(tmp_path / "local")  # PDFs and manifest.json
    again = build(project, briefs, tmp_path / "dask", jobs=2, executor=on_dask)
    assert again.skipped and not again.built  # unchanged inputs are skipped on Dask too


def test_unreachable_scheduler_is_a_clear_error_and_changes_nothing(tmp_path, sheet_brief,
                                                                    sheet_pdf):
    (tmp_path / "editions.json").write_text('{"outputs": []}\n', encoding="utf-8")
    before = _digests(tmp_path)
    start = time.monotonic()
    with pytest.raises(BriefbookError, match="cannot reach the Dask scheduler") as caught:
        make_editions(sheet_brief, READERS[:2], tmp_path, base=sheet_pdf, finish=FINISH,
                      executor=ExecutorSettings("dask", "tcp://127.0.0.1:1"))
    assert caught.value.hint and time.monotonic() - start < 40
    assert _digests(tmp_path) == before and not list(tmp_path.glob(".*"))


def test_cluster_listens_on_loopback_only(cluster):
    processes = [psutil.Process(), *psutil.Process().children(recursive=True)]
    listening = [c.laddr for p in processes for c in p.net_connections(kind="inet")
                 if c.status == psutil.CONN_LISTEN]
    assert listening  # scheduler, nannies, workers
    assert {addr.ip for addr in listening} == {"127.0.0.1"}, listening
    assert 8787 not in {addr.port for addr in listening}  # no dashboard on its usual port


@pytest.mark.parametrize("scheduler", [True, False], ids=["remote-scheduler", "own-cluster"])
def test_ctrl_c_during_dask_editions_keeps_previous_copies(tmp_path, cluster, client, scheduler,
                                                           sheet_brief):
    out = tmp_path / "editions"
    out.mkdir()
    old = b"%PDF-1.7 yesterday's copy\n%%EOF\n"
    (out / "summary-sheet-001.pdf").write_bytes(old)
    listed = {"file": "summary-sheet-001.pdf", "edition": "summary-sheet",
              "sha256": hashlib.sha256(old).hexdigest()}  # a copy editions wrote earlier
    (out / "editions.json").write_text(json.dumps({"outputs": [listed]}) + "\n",
                                       encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    readers = tmp_path / "readers.csv"
    readers.write_text("name,copy\n" + "".join(f"读者{i},{i}\n" for i in range(1, 301)),
                       encoding="utf-8")
    args = [sys.executable, "-m", "briefbook.cli", "editions", str(sheet_brief), "--readers",
            str(readers), "--out", str(out), "--executor", "dask", "-j", "2"]
    if scheduler:
        args += ["--scheduler", cluster.scheduler_address]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("BRIEFBOOK_DEBUG", None)
    proc = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, start_new_session=True,
                            preexec_fn=ctrl_c_as_in_a_terminal)
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while not any(out.glob(".editions-*/*.pdf")):  # progress: the first copies arrived
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no progress to interrupt within 120 s"
            seen |= {c.pid for c in psutil.Process(proc.pid).children(recursive=True)}
            time.sleep(0.02)
        seen |= {c.pid for c in psutil.Process(proc.pid).children(recursive=True)}
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal: the whole group
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode != 0, err
    assert "Traceback" not in err, err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # nothing moved in
    if not scheduler:
        assert len(seen) >= 2, seen  # its own cluster's worker processes …
    deadline = time.monotonic() + 20
    while [pid for pid in seen if psutil.pid_exists(pid)] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in seen if psutil.pid_exists(pid)], "processes left running"  # … gone
    # The cluster the client left is idle: its tasks were cancelled, its data plugin removed.
    deadline = time.monotonic() + 20
    while any(client.processing().values()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(client.processing().values())
    assert not [n for n in _plugins(client) if n.startswith("briefbook-")]


def test_executor_options_are_checked():
    assert ExecutorSettings().override(None, None) == ExecutorSettings("local")
    assert ExecutorSettings().override(None, "tcp://10.0.0.5:8786") == \
        ExecutorSettings("dask", "tcp://10.0.0.5:8786")
    configured = ExecutorSettings("dask", "tcp://sched:8786")  # e.g. from project settings
    assert configured.override("local", None) == ExecutorSettings("local")
    assert configured.override(None, None) == configured
    for kind, scheduler, message in [("ray", None, "unknown executor"),
                                     ("local", "tcp://h:1", "only applies to the Dask"),
                                     ("dask", "http://h:1", "not a scheduler address"),
                                     ("dask", "tcp://h:99999", "not a scheduler address")]:
        with pytest.raises(BriefbookError, match=message) as caught:
            ExecutorSettings().override(kind, scheduler)
        assert caught.value.hint


def test_cli_rejects_a_bad_executor_before_any_work(tmp_path, sheet_brief):
    readers = tmp_path / "readers.csv"
    readers.write_text("name\n张三\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "briefbook.cli", "editions", str(sheet_brief),
                             "--readers", str(readers), "--out", str(tmp_path / "out"),
                             "--executor", "local", "--scheduler", "tcp://127.0.0.1:8786"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "error: --scheduler only applies to the Dask executor" in result.stderr
    assert "hint:" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_worker_with_other_project_inputs_refuses_the_brief(sheet_brief):
    """What a Dask worker runs for ``build``, called here: a client whose inputs hash differs
    from what this process sees (another corpus, templates, fonts or release) gets a failed
    brief, not a PDF rendered from other inputs."""
    import importlib

    build_mod = importlib.import_module("briefbook.distribute.build")
    task = build_mod.RenderTask(str(sheet_brief), "out/summary-sheet.pdf", "in", "0" * 64,
                                str(example_project().root))
    outcome = build_mod._render_bytes(task)
    assert "pdf" not in outcome
    assert "another corpus, templates, fonts or briefbook version" in outcome["error"]
    assert str(sheet_brief) in outcome["error"] and "shared storage" in outcome["error"]
