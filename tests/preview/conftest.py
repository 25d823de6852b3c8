"""Fixtures for the preview tests: a brief in a temporary folder, a running preview of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from plugins.preview_process import BRIEF, PreviewProcess


@pytest.fixture
def brief_file(tmp_path) -> Path:
    path = tmp_path / "brief.yaml"
    path.write_text(BRIEF, encoding="utf-8")
    return path


@pytest.fixture
def preview(brief_file):
    process = PreviewProcess(brief_file)
    yield process
    if process.proc.poll() is None:
        process.stop()
