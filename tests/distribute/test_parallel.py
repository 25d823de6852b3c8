"""``run_jobs``: a dead worker ends the run with a clear error; a crashing brief is one failure."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

from plugins.example import example_project

from briefbook.distribute.build import build

EXAMPLE = example_project()

build_mod = importlib.import_module("briefbook.distribute.build")


def test_worker_killed_mid_task_is_an_error_not_a_hang():
    script = Path(__file__).with_name("parallel_script.py")
    try:
        result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                                timeout=60)
    except subprocess.TimeoutExpired:
        raise AssertionError("run_jobs still waiting 60 s after a worker died") from None
    assert result.returncode == 3, result.stdout + result.stderr
    assert "worker process died" in result.stdout
    assert "Traceback" not in result.stderr, result.stderr


def test_unexpected_exception_fails_that_brief_only(tmp_path, sheet_brief, monkeypatch):
    from briefbook import render

    briefs = []
    for name in ("ok.yaml", "crash.yaml"):
        shutil.copy(sheet_brief, tmp_path / name)
        briefs.append(tmp_path / name)
    real = render.render_to_file

    def crashing(brief, out, renderer=None):
        if Path(brief).name == "crash.yaml":
            raise ZeroDivisionError("boom")
        return real(brief, out, renderer)

    monkeypatch.setattr(render, "render_to_file", crashing)
    result = build(EXAMPLE, briefs, tmp_path / "dist", jobs=1)
    assert [Path(b).name for b in result.built] == ["ok.yaml"]
    ((brief, message),) = result.failed
    assert Path(brief).name == "crash.yaml"
    assert message.startswith("internal error: ZeroDivisionError: boom")
    assert (tmp_path / "dist" / "ok.pdf").exists() and not (tmp_path / "dist" / "crash.pdf").exists()


def test_build_cli_reports_each_failure_once(tmp_path, sheet_brief):
    import os

    broken = tmp_path / "broken.yaml"
    broken.write_text("title: [unclosed\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("BRIEFBOOK_DEBUG", None)
    result = subprocess.run([sys.executable, "-m", "briefbook.cli", "build", str(broken),
                             "--out", str(tmp_path / "dist"), "-j", "1"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "0 built, 0 unchanged, 1 failed" in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(broken) in errors[0], result.stderr
    assert "Traceback" not in result.stderr
