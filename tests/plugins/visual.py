"""Pytest plugin: page-image baselines for PDFs.

Takes: PDF bytes and a baseline name inside a test. Gives: the ``page_baseline`` fixture,
a callable ``page_baseline(pdf_bytes, name, *, threshold=..., budget=...)`` that compares the
PDF's pages with ``tests/baselines/<name>/page-NNN.png`` (+ ``baseline.json``) and fails
the test with the pages, % changed and bounding boxes of every change. The expected /
actual / diff PNGs and ``summary.json`` are then in ``test-artifacts/visual/<name>/``
(gitignored).

Baselines are only written with ``pytest --update-baselines`` — also the first time: a
missing baseline fails the test (its pages are written to the artifacts folder to look
at), so CI can never record one silently. Look at the diff before updating.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefbook.checks.baseline import META_NAME, check_against_baseline
from briefbook.checks.compare import DEFAULT_BUDGET, DEFAULT_THRESHOLD
from briefbook.checks.rasterise import DEFAULT_DPI, rasterise
from briefbook.checks.report import clear_report, png_bytes
from briefbook.core.fileio import write_atomic

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("briefbook visual")
    group.addoption("--update-baselines", action="store_true", default=False,
                    help="re-record page-image baselines in tests/baselines/ "
                         "(look at test-artifacts/visual/ first)")


def check_page_baseline(pdf_bytes: bytes, name: str, *, baselines_root: Path,
                        artifacts_root: Path, update: bool = False, dpi: float | None = None,
                        threshold: float = DEFAULT_THRESHOLD, budget=DEFAULT_BUDGET) -> str:
    """The fixture's work, without pytest: returns a status, calls ``pytest.fail`` on change."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"baseline name {name!r}: use letters, digits, '.', '_' or '-'")
    baseline_dir = Path(baselines_root) / name
    out_dir = Path(artifacts_root) / name
    if not update and not (baseline_dir / META_NAME).exists():
        clear_report(out_dir)
        pages = rasterise(pdf_bytes, dpi=dpi or DEFAULT_DPI)
        for page in pages:
            write_atomic(out_dir / f"page-{page.number:03d}-actual.png", png_bytes(page.image))
        pytest.fail(f"no baseline for {name!r} in {baseline_dir}; the rendered pages are in "
                    f"{out_dir}/ — look at them, then run pytest --update-baselines",
                    pytrace=False)
    result = check_against_baseline(pdf_bytes, baseline_dir, update=update, dpi=dpi,
                                    out_dir=out_dir, threshold=threshold, budget=budget)
    if result.failed:
        pytest.fail(f"visual change in {name!r}:\n{result.comparison.describe()}\n"
                    f"expected/actual/diff PNGs: {out_dir}/\n"
                    f"if intended: look at the diffs, then run pytest --update-baselines",
                    pytrace=False)
    return result.status


@pytest.fixture
def page_baseline(request: pytest.FixtureRequest):
    """``page_baseline(pdf_bytes, name, **options)`` — see the module docstring."""
    root = Path(request.config.rootpath)
    update = bool(request.config.getoption("--update-baselines"))

    def check(pdf_bytes: bytes, name: str, *, dpi: float | None = None,
              threshold: float = DEFAULT_THRESHOLD, budget=DEFAULT_BUDGET) -> str:
        return check_page_baseline(pdf_bytes, name, baselines_root=root / "tests" / "baselines",
                                   artifacts_root=root / "test-artifacts" / "visual",
                                   update=update, dpi=dpi, threshold=threshold, budget=budget)

    return check
