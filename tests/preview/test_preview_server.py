"""``briefbook preview`` as a user meets it: a real process on 127.0.0.1, real renders,
real file-system events, stopped with Ctrl-C (SIGINT)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path


from plugins.preview_process import PreviewProcess

from briefbook.render.book.typeset import cn_ordinal

EDIT = "初始的评论文字。"


def listening_addresses(port: int) -> list[str]:
    """IPv4/IPv6 addresses listening on ``port``, from /proc/net/tcp{,6} (state 0A = LISTEN)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:
                if len(address) == 8:
                    found.append(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1]))
                else:
                    found.append(address)
    return found


def page_text(state: dict) -> str:
    return "\n".join(image["text"] for image in state["images"])


def test_serves_the_book_and_only_the_preview_to_its_own_host(preview):
    state = preview.wait_for(lambda s: s["version"] >= 1)
    assert state["error"] is None and state["pages"] >= 1
    assert "初始的评论文字" in page_text(state)
    status, png = preview.get(state["images"][0]["url"])
    assert status == 200 and png.startswith(b"\x89PNG")
    status, html = preview.get("/")
    assert status == 200 and b"/events" in preview.get("/preview.js")[1]
    # DNS rebinding: a page on another name that resolves here must not read the book.
    for host in ("evil.example", "evil.example:%d" % preview.port, "127.0.0.1.nip.io"):
        status, _ = preview.get("/state", host=host)
        assert status == 400, host
    # Paths outside the preview: 404, never a file from disk.
    for path in ("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/templates/book.css",
                 "/pages/999/1.png", f"/pages/{state['version']}/999.png", "/nope"):
        status, body = preview.get(path)
        assert status == 404, path
        assert b"root:" not in body
    # Bound to loopback only: the listening socket is 127.0.0.1, not 0.0.0.0.
    assert listening_addresses(preview.port) == ["127.0.0.1"]
    out = preview.stop()
    assert "preview stopped" in out


def test_atomic_save_and_a_burst_of_saves_each_give_one_render(preview, brief_file):
    state = preview.wait_for(lambda s: s["version"] >= 1)
    renders = state["renders"]
    # An editor's atomic save: write a temporary file beside the brief, rename it over it.
    tmp = brief_file.with_name(".brief.yaml.swp-new")
    tmp.write_text(brief_file.read_text(encoding="utf-8").replace(EDIT, "原子保存后的文字。"),
                   encoding="utf-8")
    os.replace(tmp, brief_file)
    state = preview.wait_for(lambda s: "原子保存后的文字" in page_text(s))
    assert state["renders"] == renders + 1 and state["error"] is None
    renders = state["renders"]
    # 50 saves within one second: one render of the last one, not 50.
    text = brief_file.read_text(encoding="utf-8")
    began = time.monotonic()
    for i in range(50):
        brief_file.write_text(text.replace("原子保存后的文字", f"第{cn_ordinal(i + 1)}次保存"), encoding="utf-8")
        time.sleep(max(0.0, began + 0.016 * (i + 1) - time.monotonic()))  # paced: ≈0.8 s
    assert time.monotonic() - began < 1.5
    state = preview.wait_for(lambda s: "第五十次保存" in page_text(s))
    time.sleep(2.5)  # anything still queued would show up now
    state = preview.state()
    assert state["renders"] == renders + 1, state["renders"] - renders
    preview.stop()


def test_deleted_or_renamed_brief_keeps_the_pages_and_recovers(preview, brief_file):
    state = preview.wait_for(lambda s: s["version"] >= 1 and s["error"] is None)
    pages = state["pages"]
    moved = brief_file.with_name("renamed.yaml")
    brief_file.rename(moved)
    state = preview.wait_for(lambda s: s["error"] is not None)
    assert "the brief is gone" in state["error"] and str(brief_file) in state["error"]
    assert state["pages"] == pages  # the last good pages stay
    moved.rename(brief_file)
    state = preview.wait_for(lambda s: s["error"] is None and s["version"] > state["version"])
    assert "初始的评论文字" in page_text(state)
    brief_file.unlink()
    state = preview.wait_for(lambda s: s["error"] is not None)
    assert "the brief is gone" in state["error"]
    assert preview.proc.poll() is None  # still serving
    preview.stop()


def test_invalid_edit_shows_the_check_message_and_keeps_pages(preview, brief_file):
    state = preview.wait_for(lambda s: s["version"] >= 1 and s["error"] is None)
    pages = state["pages"]
    brief_file.write_text(brief_file.read_text(encoding="utf-8").replace(
        "commentary:", "metrics: [no-such-metric]\n    commentary:"), encoding="utf-8")
    state = preview.wait_for(lambda s: s["error"] is not None)
    check = subprocess.run([str(Path(sys.executable).with_name("briefbook")), "check", str(brief_file)],
                           capture_output=True, text=True)
    assert check.returncode == 1
    assert state["error"] == check.stderr.strip()  # the very message `check` prints
    assert "unknown metric 'no-such-metric'" in state["error"]
    assert state["pages"] == pages
    preview.stop()


def test_port_in_use_is_a_clear_error(brief_file):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        exe = Path(sys.executable).with_name("briefbook")
        result = subprocess.run([str(exe), "preview", str(brief_file), "--port", str(port)],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"error: port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "--port" in result.stderr and "Traceback" not in result.stderr


def test_a_corpus_change_reloads_and_renders_again(tmp_path):
    from plugins.example import copy_project
    from plugins.preview_process import BRIEF

    project = copy_project(tmp_path / "project", briefs=False)
    brief_file = project.root / "draft.yaml"  # inside the project: found by walking up
    brief_file.write_text(BRIEF, encoding="utf-8")
    preview = PreviewProcess(brief_file)
    try:
        state = preview.wait_for(lambda s: s["version"] >= 1 and s["error"] is None)
        metrics = project.catalog_path
        metrics.write_text(metrics.read_text(encoding="utf-8") + "\n# touched by the test\n",
                           encoding="utf-8")
        state = preview.wait_for(lambda s: s["renders"] == state["renders"] + 1)
        assert state["error"] is None
        assert state["detail"].startswith("laid out whole")  # corpus and catalog read anew
        # A broken catalog: the same clear message, the pages stay.
        metrics.write_text("metrics: [unclosed\n", encoding="utf-8")
        state = preview.wait_for(lambda s: s["error"] is not None)
        assert state["error"].startswith("error: ") and state["pages"] >= 1
    finally:
        preview.stop()
