"""Commands that make books: ``render`` and ``doctor``."""

from __future__ import annotations

from briefbook.cli import app  # noqa: F401
