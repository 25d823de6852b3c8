"""The CLI as users run it, for the reliability tests.

Gives: ``run_cli`` (``python -m briefbook.cli`` in a subprocess, from the repository root, with
UTF-8 output and no debug tracebacks), ``assert_clean_failure`` (exit 1 and an ``error:`` line
naming what it must, no traceback), ``MINIMAL`` (the smallest valid brief's text),
``snapshot`` (every file under a folder with its bytes, to prove nothing changed) and
``ctrl_c_as_in_a_terminal`` (for a child that a test will interrupt) and
``run_cli_on_a_terminal`` (stderr a real pseudo-terminal, as a user at a shell has it).
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
from pathlib import Path

from plugins.example import REPO as ROOT

BRIEFBOOK = [sys.executable, "-m", "briefbook.cli"]
MINIMAL = "title: 简报\nissuer: 研究组\ndate: 2021-08-01\n"


def ctrl_c_as_in_a_terminal() -> None:
    """``preexec_fn`` for a command a test interrupts: Ctrl-C acts as it does in a terminal.
    A shell starts background jobs with SIGINT ignored, and an ignored signal stays ignored
    across exec, so a suite launched with ``make test &`` would hand its commands a deaf ear
    and the interrupt tests would test nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_cli(*args, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("BRIEFBOOK_DEBUG", None)
    return subprocess.run([*BRIEFBOOK, *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=timeout, cwd=ROOT, **kw)


def assert_clean_failure(result: subprocess.CompletedProcess, *names: object) -> None:
    """Exit 1, an ``error:`` line naming each of ``names``, no traceback, no internal error."""
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "error:" in result.stderr, out
    assert "Traceback" not in out and "internal error" not in out, out
    for name in names:
        assert str(name) in result.stderr, (name, out)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (to prove nothing changed)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def run_cli_on_a_terminal(*args, timeout: float = 120, columns: int = 100
                          ) -> tuple[subprocess.CompletedProcess, str]:
    """``run_cli`` with stderr on a pseudo-terminal (stdout still a pipe): the result, and
    everything the command wrote to the terminal, control sequences and all."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": str(columns),
           "TERM": "xterm-256color"}
    for name in ("BRIEFBOOK_DEBUG", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CI",
                 "GITHUB_ACTIONS"):
        env.pop(name, None)
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen([*BRIEFBOOK, *map(str, args)], stdout=subprocess.PIPE,
                                stderr=follower, stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
        os.close(follower)
        follower = -1
        chunks: list[bytes] = []
        while True:  # drain the terminal while the command runs, or it blocks on a full one
            ready, _, _ = select.select([leader], [], [], timeout)
            if not ready:
                proc.kill()
                raise subprocess.TimeoutExpired(proc.args, timeout)
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the command closed its end
                break
            if not chunk:
                break
            chunks.append(chunk)
        out = proc.stdout.read() if proc.stdout else b""
        proc.wait(timeout)
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    result = subprocess.CompletedProcess(proc.args, proc.returncode, out.decode(), "")
    return result, b"".join(chunks).decode("utf-8", "replace")


def run_in_process(capsys, *args: str) -> tuple[int, str, str]:
    """The command run in this process, as a user does (for tests that inject failures with
    monkeypatch): exit code, stdout, stderr; never a traceback or an internal error."""
    from briefbook.cli import main

    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "internal error" not in out.err, out.err
    return code, out.out, out.err
