"""The garbage collector kept to a block's own objects, and a program that leaves its garbage to
its exit without leaving files behind (core/collector.py)."""

import gc
import os
import subprocess
import sys
import weakref

from briefbook.core.collector import only_new_objects
from plugins.example import BRIEFS_DIR


class Node:
    """An object that can be in a cycle and be watched through a weak reference."""

    def __init__(self):
        self.other = self


def test_objects_alive_at_the_start_are_frozen_for_the_block_only():
    assert gc.get_freeze_count() == 0
    before = Node()
    with only_new_objects():
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with only_new_objects():  # nested: left to the outer block
            assert gc.get_freeze_count() == frozen
        assert gc.get_freeze_count() == frozen
        assert before.other is before
    assert gc.get_freeze_count() == 0


def test_garbage_made_in_the_block_is_collected_in_it():
    with only_new_objects():
        made = Node()
        watch = weakref.ref(made)
        del made
        gc.collect()
        assert watch() is None


def test_garbage_dropped_from_before_the_block_is_collected_after_it():
    earlier = Node()
    watch = weakref.ref(earlier)
    with only_new_objects():
        del earlier
        gc.collect()
    gc.collect()
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
