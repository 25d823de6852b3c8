"""The garbage collector around forks — without keeping garbage frozen from one render to the
next — and a program that leaves its garbage to its exit without leaving files behind
(core/collector.py)."""

import gc
import os
import subprocess
import sys
import weakref

from briefbook.core.collector import shared_with_children
from plugins.example import BRIEFS_DIR


class Node:
    """An object that can be in a cycle and be watched through a weak reference."""

    def __init__(self):
        self.other = self


def test_what_is_alive_at_the_start_is_frozen_for_the_block_only():
    assert gc.get_freeze_count() == 0
    before = Node()
    with shared_with_children():
        assert gc.get_freeze_count() > 0
        assert before.other is before
    assert gc.get_freeze_count() == 0


def test_garbage_made_in_the_block_is_collected_in_it():
    with shared_with_children():
        made = Node()
        watch = weakref.ref(made)
        del made
        gc.collect()
        assert watch() is None


def test_garbage_frozen_by_one_block_is_collected_by_the_next():
    """A long-lived process (a build, the preview) renders again and again: what one block
    froze and let go of must not stay frozen at every later block, uncollected."""
    with shared_with_children():
        pass
    earlier = Node()
    watch = weakref.ref(earlier)
    with shared_with_children():  # frozen with the block: not garbage yet
        del earlier
        gc.collect()
        assert watch() is not None  # frozen: the collector does not see it
    with shared_with_children():  # the next block collects it before freezing
        assert watch() is None


def test_a_render_from_the_command_line_leaves_no_temporary_folder(tmp_path):
    """WeasyPrint copies the fonts into a temporary folder; the program leaves its garbage to
    the exit (uncollected), and the folder is still removed."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    out = tmp_path / "sheet.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "briefbook", "render", str(BRIEFS_DIR / "summary-sheet.yaml"),
         "-o", str(out)],
        env={**os.environ, "TMPDIR": str(temporary)}, capture_output=True, text=True,
        timeout=300)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    assert list(temporary.iterdir()) == []
