"""Shared fixtures for the checks tests: the sample document and its faulty variants,
rendered once per session."""

from __future__ import annotations

import pytest

from plugins import sample_doc
from briefbook.checks.rasterise import DEFAULT_DPI, rasterise


@pytest.fixture(scope="session")
def docs() -> dict[str, sample_doc.SampleDoc]:
    return {variant: sample_doc.build(variant) for variant in sample_doc.VARIANTS}


@pytest.fixture(scope="session")
def pages(docs):
    """Each variant rasterised at the default DPI."""
    return {variant: rasterise(doc.pdf, dpi=DEFAULT_DPI) for variant, doc in docs.items()}
