"""Fixtures for corpus tests: the real seed corpus's folder (``corpus`` and ``corpus_copy``
come from plugins/example.py; ``hewan``, a small project with comments everywhere, from
plugins/hewan.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from plugins.example import CORPUS_DIR
from plugins.hewan import hewan, hewan_template  # noqa: F401  (fixtures for this folder)


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return CORPUS_DIR
