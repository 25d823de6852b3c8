"""A real ``briefbook preview`` process on 127.0.0.1, for the preview tests.

``PreviewProcess`` starts the command on a free port (``--port 0``), reads the URL it prints,
talks to it over loopback only, and stops it with SIGINT (Ctrl-C) — asserting that it exits
by itself, in time, and frees its port.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from plugins.cli import ctrl_c_as_in_a_terminal

REPO = Path(__file__).resolve().parents[2]
BRIEF = """\
title: 预览测试简报
issuer: 测试组
date: 2021-08-02
cover: false
contents: false
summary:
  text: |
    一段摘要文字。
sections:
  - heading: 第一节
    commentary: 初始的评论文字。
appendix:
  sources: false
  methodology: false
"""
#: Renders here take 2–10 s depending on the load of the shared machine.
RENDER_TIMEOUT = 90.0


class PreviewProcess:
    def __init__(self, brief: Path, *extra: str):
        exe = Path(sys.executable).with_name("briefbook")
        if "--project" not in extra and not any(p.joinpath("briefbook.yaml").is_file()
                                                for p in Path(brief).resolve().parents):
            extra = ("--project", str(REPO), *extra)  # a brief kept outside: the example project
        self.proc = subprocess.Popen([str(exe), "preview", str(brief), "--port", "0", *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=dict(os.environ, PYTHONUNBUFFERED="1"),
                                     preexec_fn=ctrl_c_as_in_a_terminal)
        line = self.proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            self.proc.kill()
            raise AssertionError(f"no URL printed: {line!r} {self.proc.stderr.read()!r}")
        self.port = int(match.group(1))
        self.url = match.group(0)

    def get(self, path: str, host: str | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url.rstrip("/") + path)
        if host:
            request.add_header("Host", host)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def state(self) -> dict:
        status, body = self.get("/state")
        assert status == 200
        return json.loads(body)

    def wait_for(self, predicate, timeout: float = RENDER_TIMEOUT) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            state = self.state()
            if predicate(state):
                return state
            if time.monotonic() > deadline:
                shown = {k: v for k, v in state.items() if k != "images"}
                raise AssertionError(f"timed out; last state: {shown}")
            time.sleep(0.1)

    def stop(self) -> str:
        """Ctrl-C; the process must exit cleanly within seconds and free its port."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            out, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError("preview did not stop within 30 s of Ctrl-C") from None
        assert self.proc.returncode == 0, err
        with socket.socket() as probe:
            # Free again: nothing listens (TIME_WAIT of closed connections is allowed).
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", self.port))
            probe.listen(1)
        return out + err
