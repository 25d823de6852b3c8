"""benchmarks/render_bench.py's process timer survives a child that writes a lot to stderr."""

from __future__ import annotations

import subprocess
import sys

from plugins.example import REPO as ROOT

SCRIPT = f"""
import sys
sys.path.insert(0, {str(ROOT / "benchmarks")!r})
from render_bench import run_process
chatty = [sys.executable, "-c", "import sys; sys.stderr.write('w' * 300_000)"]
wall, rss = run_process(chatty)
print("ok", rss > 0)
failing = [sys.executable, "-c", "import sys; sys.stderr.write('x' * 200_000 + 'END'); sys.exit(3)"]
try:
    run_process(failing)
except SystemExit as exc:
    print("failed-reported", str(exc).rstrip().endswith("END"))
"""


def test_run_process_does_not_deadlock_on_a_chatty_stderr():
    try:
        result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                                timeout=60)
    except subprocess.TimeoutExpired:
        raise AssertionError("run_process blocked on a full stderr pipe") from None
    assert result.stdout.split() == ["ok", "True", "failed-reported", "True"], result.stderr
