"""Ctrl-C during render/build/editions: no temporary files; each output complete or absent.

build and editions are interrupted once they have visibly made progress (a first output, a
first staged copy), and the tests check that the interrupt landed mid-way.

The command runs in its own process group and gets SIGINT on the whole group, as a
terminal's Ctrl-C does (so worker processes of build/editions get it too).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from plugins.cli import ctrl_c_as_in_a_terminal
from plugins.example import BRIEFS_DIR

FULL = BRIEFS_DIR / "full-book.yaml"
OLD = b"%PDF-1.7 yesterday's good book\n%%EOF\n"


def interrupt(args: list, cwd: Path, *, when: Callable[[], bool] | None = None,
              after: float = 0.0, limit: float = 60.0) -> subprocess.CompletedProcess:
    """Run the CLI; send Ctrl-C once ``when()`` is true (polled), or after ``after`` seconds.

    Fails the test if the command ends before the moment to interrupt it comes: then the
    test would not be testing an interrupt at all.
    """
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("BRIEFBOOK_DEBUG", None)
    proc = subprocess.Popen([sys.executable, "-m", "briefbook.cli", *map(str, args)], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True, preexec_fn=ctrl_c_as_in_a_terminal)
    deadline = time.monotonic() + (after if when is None else limit)
    while time.monotonic() < deadline and proc.poll() is None:
        if when is not None and when():
            break
        time.sleep(0.01)
    else:
        if when is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            pytest.fail(f"no progress to interrupt within {limit} s")
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
    elif when is not None:
        out, err = proc.communicate()
        pytest.fail(f"finished before it could be interrupted mid-way\n{out}{err}")
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"still running 60 s after Ctrl-C\n{err}")
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def leftovers(folder: Path) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.name.endswith((".part", ".tmp"))
            or p.name.startswith(".")]


def complete(data: bytes) -> bool:
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]


def complete_or_old(pdf: Path) -> bool:
    data = pdf.read_bytes()
    return data == OLD or complete(data)


@pytest.mark.parametrize("after", [1.0, 2.5])
def test_ctrl_c_during_render(tmp_path, after):
    # render reports no progress before it writes, so this one interrupts by the clock:
    # at 1.0 s the full book (about 3 s) is surely not done; at 2.5 s it may just be.
    out = tmp_path / "book.pdf"
    out.write_bytes(OLD)
    result = interrupt(["render", FULL, "-o", out], tmp_path, after=after)
    assert "Traceback" not in result.stderr, result.stderr
    data = out.read_bytes()
    if result.returncode == 0:  # finished before the signal: then the new PDF is complete
        assert complete(data) and data != OLD
    else:  # interrupted: the old file, or — signal just after the rename — the new, complete
        assert data == OLD or complete(data)
    if after < 2:
        assert result.returncode != 0 and data == OLD, "the 1 s interrupt must land mid-render"
    assert leftovers(tmp_path) == [] and os.listdir(tmp_path) == ["book.pdf"]


def _has(command: str) -> bool:
    from briefbook.cli import load_commands
    app = load_commands()

    return any(c.name == command or (c.callback and c.callback.__name__ == command)
               for c in app.registered_commands)


@pytest.mark.skipif(not _has("build"), reason="no `briefbook build` yet")
def test_ctrl_c_during_build(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    (out / "full-book.pdf").write_bytes(OLD)  # a previous build's output, in its manifest
    (out / "manifest.json").write_text(json.dumps({"outputs": [
        {"file": "full-book.pdf", "sha256": hashlib.sha256(OLD).hexdigest()}]}), encoding="utf-8")
    briefs = sorted(BRIEFS_DIR.glob("*.yaml"))
    assert len(briefs) >= 3

    def first_output_written() -> bool:
        return any(p.name != "full-book.pdf" for p in out.glob("*.pdf"))

    result = interrupt(["build", *briefs, "--out", out, "--force", "-j", "2"], tmp_path,
                       when=first_output_written)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert leftovers(out) == [], leftovers(out)
    assert all(complete_or_old(p) for p in out.rglob("*.pdf"))
    new = sorted(p.name for p in out.glob("*.pdf") if p.read_bytes() != OLD)
    assert 1 <= len(new) < len(briefs), f"interrupt did not land mid-build: {new}"
    # The manifest records only outputs the parent heard about, each as it is on disk (one
    # finished just as Ctrl-C came may be unrecorded: the next build redoes it).
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["outputs"]:
        if entry.get("pending"):  # claimed by the build, finished just as Ctrl-C came
            assert complete((out / entry["file"]).read_bytes())
            continue
        assert entry["file"] in new or entry["file"] == "full-book.pdf"  # rebuilt, or the old
        assert entry["sha256"] == hashlib.sha256((out / entry["file"]).read_bytes()).hexdigest()


@pytest.mark.skipif(not _has("editions"), reason="no `briefbook editions` yet")
def test_ctrl_c_during_editions(tmp_path):
    out = tmp_path / "editions"
    out.mkdir()
    # A previous run's copies and manifest: an interrupted run must leave them as they were.
    (out / "full-book-001.pdf").write_bytes(OLD)
    (out / "editions.json").write_text(json.dumps({"outputs": [
        {"file": "full-book-001.pdf", "edition": "full-book",
         "sha256": hashlib.sha256(OLD).hexdigest()}]}) + "\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    readers = tmp_path / "readers.csv"
    count = 150  # several chunks, so the copies are stamped by worker processes
    readers.write_text("name,copy\n" + "".join(f"读者{i},{i}\n" for i in range(1, count + 1)),
                       encoding="utf-8")

    def stamping() -> bool:
        return any(out.glob(".editions-*/*.pdf"))

    result = interrupt(["editions", FULL, "--readers", readers, "--out", out, "-j", "2"],
                       tmp_path, when=stamping)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert leftovers(out) == [], leftovers(out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
