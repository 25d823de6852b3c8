"""Atomic writes: the target is either the complete new file or untouched."""

import errno
import os

import pytest

from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import atomic_path, write_atomic


def test_writes_and_replaces(tmp_path):
    target = tmp_path / "book.pdf"
    write_atomic(target, b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["book.pdf"]


def test_failure_keeps_previous_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "book.pdf"
    target.write_bytes(b"good")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half of a PDF")
        raise RuntimeError("renderer crashed")
    assert target.read_bytes() == b"good"
    assert os.listdir(tmp_path) == ["book.pdf"]


def test_interrupt_leaves_no_temp(tmp_path):
    target = tmp_path / "book.pdf"
    with pytest.raises(KeyboardInterrupt), atomic_path(target) as tmp:
        tmp.write_bytes(b"partial")
        raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []


def test_full_disk_is_a_clear_error(tmp_path):
    target = tmp_path / "book.pdf"
    target.write_bytes(b"good")
    with pytest.raises(BriefbookError, match="disk full"), atomic_path(target) as tmp:
        tmp.write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert target.read_bytes() == b"good"
    assert os.listdir(tmp_path) == ["book.pdf"]


def test_unusable_output_folder_is_a_clear_error(tmp_path):
    # A path through a regular file cannot be a folder, even for root.
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    with pytest.raises(BriefbookError, match="cannot write to folder"):
        write_atomic(blocker / "book.pdf", b"x")


def test_output_is_world_readable(tmp_path):
    target = tmp_path / "book.pdf"
    write_atomic(target, b"x")
    assert target.stat().st_mode & 0o777 == 0o644
