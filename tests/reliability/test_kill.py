"""SIGTERM and SIGKILL during editions and build, on real processes.

SIGTERM (what `kill`, systemd and CI runners send) must act like Ctrl-C: workers stopped,
staging removed, previous output untouched. SIGKILL cannot be caught: then the workers must
still die with their parent (no process outlives its command), and the next run of the same
command must find the dead run's staging, remove it and say so.

Signals go to the command's process only (not its group), so the workers' fate depends on
briefbook, not on the test.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from plugins.example import BRIEFS_DIR

from plugins.cli import run_cli
from test_interrupt import complete, leftovers

SHEET = BRIEFS_DIR / "summary-sheet.yaml"  # a one-page base: quick to render


def _children(pid: int) -> set[int]:
    """Every descendant of ``pid`` (read from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return False


def _start(args: list, cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("BRIEFBOOK_DEBUG", None)
    return subprocess.Popen([sys.executable, "-m", "briefbook.cli", *map(str, args)], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)


def _wait_for(condition, proc: subprocess.Popen, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"finished before the signal could land mid-way\n{out}{err}")
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail(f"no progress within {limit} s")


def _editions_run(tmp_path: Path) -> tuple[list, Path]:
    out = tmp_path / "editions"
    out.mkdir()
    readers = tmp_path / "readers.csv"
    readers.write_text("name,copy\n" + "".join(f"读者{i},{i}\n" for i in range(1, 151)),
                       encoding="utf-8")
    return ["editions", SHEET, "--readers", readers, "--out", out, "-j", "2"], out


def _stamping(out: Path, proc: subprocess.Popen):
    return lambda: (any(p.name != ".base.pdf" for p in out.glob(".editions-*/*.pdf"))
                    and len(_children(proc.pid)) >= 2)


def test_sigterm_during_editions_stops_workers_and_removes_staging(tmp_path):
    args, out = _editions_run(tmp_path)
    (out / "keep.txt").write_text("not ours")
    proc = _start(args, tmp_path)
    _wait_for(_stamping(out, proc), proc)
    workers = _children(proc.pid)
    start = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    out_text, err = proc.communicate(timeout=60)
    assert proc.returncode != 0 and "Traceback" not in err, err
    assert time.monotonic() - start < 30
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)], "workers outlived the command"
    assert leftovers(out) == [] and sorted(os.listdir(out)) == ["keep.txt"]


def test_sigkill_during_editions_workers_die_and_next_run_sweeps_staging(tmp_path):
    args, out = _editions_run(tmp_path)
    proc = _start(args, tmp_path)
    _wait_for(_stamping(out, proc), proc)
    workers = _children(proc.pid)
    assert workers
    proc.send_signal(signal.SIGKILL)  # the parent only: its workers get no signal from us
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 15
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)], "workers outlived the killed command"
    stale = sorted(out.glob(".editions-*.tmp"))
    assert stale and (stale[0] / ".owner").exists()  # what a SIGKILL leaves behind
    # The next run of the same command removes it and says so.
    readers = tmp_path / "one.csv"
    readers.write_text("name\n甲\n", encoding="utf-8")
    again = run_cli("editions", BRIEFS_DIR / "summary-sheet.yaml", "--readers", readers,
                    "--out", out, "-j", "1", timeout=180)
    assert again.returncode == 0, again.stderr
    assert f"removed {stale[0]}" in again.stderr and "killed" in again.stderr
    assert sorted(os.listdir(out)) == ["editions.json", "summary-sheet-001.pdf"]


def test_a_live_runs_staging_is_not_swept(tmp_path):
    from briefbook.core.fileio import make_staging, sweep_stale_staging

    mine = make_staging(tmp_path, ".editions-")
    dead = tmp_path / ".editions-dead.tmp"
    dead.mkdir()
    (dead / ".owner").write_text("999999999 0\n")
    unmarked = tmp_path / ".editions-unmarked.tmp"
    unmarked.mkdir()
    other = tmp_path / ".editions-link.tmp"
    other.symlink_to(tmp_path / "elsewhere")
    assert sweep_stale_staging(tmp_path, ".editions-") == [dead, unmarked]
    assert mine.is_dir() and other.is_symlink()


def test_sigkill_during_build_workers_die_and_next_build_finishes(tmp_path):
    out = tmp_path / "dist"
    # every example but the 20-page full book: two workers are still rendering when the kill
    # lands, and the next build, which renders them all again, takes a fraction of the time
    briefs = sorted(p for p in BRIEFS_DIR.glob("*.yaml") if p.stem != "full-book")
    proc = _start(["build", *briefs, "--out", out, "--force", "-j", "2"], tmp_path)
    _wait_for(lambda: len(_children(proc.pid)) >= 2 and out.is_dir(), proc)
    time.sleep(1.0)  # workers busy rendering
    workers = _children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 15
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)], "build workers outlived the killed command"
    again = run_cli("build", *briefs, "--out", out, "-j", "2", timeout=300)
    assert again.returncode in (0, 1), again.stderr
    assert leftovers(out) == [], leftovers(out)
    # the next build leaves every brief's PDF whole (none cut short by the killed run)
    assert sorted(p.stem for p in out.glob("*.pdf")) == sorted(b.stem for b in briefs)
    assert all(complete(p.read_bytes()) for p in out.glob("*.pdf"))


# --- SIGKILL while an encrypted run moves its copies in (issue 24) ---------------------------

#: Runs the CLI with ``os.replace`` slowed at one moment of the parent's commit, like a disk
#: that stalls there: it touches ``$BB_PAUSED`` and sleeps, so the test's SIGKILL lands at
#: exactly that moment. Everything else is the real command (workers are spawned, so they run
#: the real ``os.replace``). ``$BB_PAUSE`` is "plan" (just before the run's plan is renamed
#: into place: copies and passwords staged, nothing decided) or "renames" (after the second
#: copy was moved into the editions folder).
PAUSING_CLI = r"""
import os, runpy, sys, time
real, moved = os.replace, []
def replace(src, dst, *args, **kwargs):
    src, dst = str(src), str(dst)
    if os.environ["BB_PAUSE"] == "plan" and dst.endswith("/commit.json"):
        open(os.environ["BB_PAUSED"], "w").close()
        time.sleep(600)
    real(src, dst, *args, **kwargs)
    if "/.editions-" in src and "/.editions-" not in dst and dst.endswith(".pdf"):
        moved.append(dst)
        if os.environ["BB_PAUSE"] == "renames" and len(moved) == 2:
            open(os.environ["BB_PAUSED"], "w").close()
            time.sleep(600)
os.replace = replace
sys.argv = ["briefbook", *sys.argv[1:]]
runpy.run_module("briefbook.cli", run_name="__main__")
"""


def _kill_when_paused(args: list, cwd: Path, pause: str) -> None:
    paused = cwd / f"paused-{pause}"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "BB_PAUSE": pause,
           "BB_PAUSED": str(paused)}
    env.pop("BRIEFBOOK_DEBUG", None)
    proc = subprocess.Popen([sys.executable, "-c", PAUSING_CLI, *map(str, args)], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    _wait_for(paused.exists, proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.slow
@pytest.mark.parametrize("pause", ["plan", "renames"])
def test_sigkill_while_an_encrypted_run_commits_next_run_finishes_or_sweeps_it(tmp_path, pause):
    """Killed before its plan, a run changed nothing and its staged passwords file goes with
    its staging; killed while moving its copies in, its commit is finished by the next run.
    Either way the next run starts, says what it did, and leaves one consistent run."""
    import hashlib
    import json
    import stat

    out, private = tmp_path / "editions", tmp_path / "private"
    out.mkdir()
    private.mkdir()
    passwords = private / "passwords.csv"
    readers = tmp_path / "readers.csv"
    readers.write_text("name\n甲\n乙\n丙\n丁\n", encoding="utf-8")
    args = ["editions", SHEET, "--readers", readers, "--out", out, "-j", "1", "--encrypt",
            "--passwords", passwords]
    _kill_when_paused(args, tmp_path, pause)
    assert [p.name for p in private.iterdir()] == []  # no plaintext passwords outside staging
    (staging,) = out.glob(".editions-*.tmp")
    moved = sorted(p.name for p in out.glob("*.pdf"))
    assert moved == ([] if pause == "plan" else moved[:2]) and len(moved) == (pause != "plan") * 2

    again = run_cli(*args, timeout=180)
    assert again.returncode == 0, again.stderr
    assert f"removed {staging}" in again.stderr and "Traceback" not in again.stderr
    assert ("finished the run that was killed while moving its copies into place: 4 copies"
            in again.stderr) == (pause == "renames"), again.stderr
    copies = [f"summary-sheet-00{i}.pdf" for i in range(1, 5)]
    assert sorted(os.listdir(out)) == ["editions.json", *copies]
    assert os.listdir(private) == ["passwords.csv"]
    manifest = json.loads((out / "editions.json").read_text(encoding="utf-8"))
    rows = passwords.read_text(encoding="utf-8").splitlines()[1:]
    assert sorted(e["file"] for e in manifest["outputs"]) == copies and len(rows) == 4
    for entry in manifest["outputs"]:
        assert entry["sha256"] == hashlib.sha256((out / entry["file"]).read_bytes()).hexdigest()
    assert stat.S_IMODE(passwords.stat().st_mode) == 0o600
