"""Fixtures for corpus tests: the real seed corpus's folder (``corpus`` and ``corpus_copy``
come from plugins/example.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from plugins.example import CORPUS_DIR


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return CORPUS_DIR
