"""Ctrl-C during render/build/editions: no temporary files; each output complete or absent.

The command runs in its own process group and gets SIGINT on the whole group, as a
terminal's Ctrl-C does (so worker processes of build/editions get it too).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefbook import paths

FULL = paths.BRIEFS_DIR / "full-book.yaml"
OLD = b"%PDF-1.7 yesterday's good book\n%%EOF\n"


def interrupt(args: list, after: float, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("BRIEFBOOK_DEBUG", None)
    proc = subprocess.Popen([sys.executable, "-m", "briefbook.cli", *map(str, args)], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    time.sleep(after)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"still running 60 s after Ctrl-C\n{err}")
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def leftovers(folder: Path) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.name.endswith((".part", ".tmp"))
            or p.name.startswith(".") and p.is_file()]


def complete_or_old(pdf: Path) -> bool:
    data = pdf.read_bytes()
    return data == OLD or (data.startswith(b"%PDF-") and b"%%EOF" in data[-64:])


@pytest.mark.parametrize("after", [1.0, 2.5])
def test_ctrl_c_during_render(tmp_path, after):
    out = tmp_path / "book.pdf"
    out.write_bytes(OLD)
    result = interrupt(["render", FULL, "-o", out], after, tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    if result.returncode == 0:  # finished before the signal: then the new PDF is complete
        assert complete_or_old(out) and out.read_bytes() != OLD
    else:
        assert out.read_bytes() == OLD
    assert result.returncode != 0 or after > 2
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
    (out / "full-book.pdf").write_bytes(OLD)
    briefs = sorted(paths.BRIEFS_DIR.glob("*.yaml"))
    result = interrupt(["build", *briefs, "--out", out, "--force", "-j", "2"], 2.0, tmp_path)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert leftovers(out) == [], leftovers(out)
    assert all(complete_or_old(p) for p in out.rglob("*.pdf"))


@pytest.mark.skipif(not _has("editions"), reason="no `briefbook editions` yet")
def test_ctrl_c_during_editions(tmp_path):
    out = tmp_path / "editions"
    readers = tmp_path / "readers.csv"
    readers.write_text("name,copy\n" + "".join(f"读者{i},{i}\n" for i in range(1, 41)),
                       encoding="utf-8")
    result = interrupt(["editions", FULL, "--readers", readers, "--out", out, "-j", "2"], 2.0,
                       tmp_path)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    if out.exists():
        assert leftovers(out) == [], leftovers(out)
        assert all(complete_or_old(p) for p in out.rglob("*.pdf"))
