"""Cached charts are keyed by their style (render.chart_style_key): an edit to any module of the
charts package — the wrapping of labels, the timeline's placement, not only the drawing — or a
new status colour must give a new key, so no chart drawn by older code is reused."""

from __future__ import annotations

import shutil
from pathlib import Path

from briefbook import charts
from briefbook.render import chart_style_key

PACKAGE = Path(charts.__file__).parent


def key_of(folder: Path, monkeypatch) -> str:
    monkeypatch.setattr(charts, "__file__", str(folder / "__init__.py"))
    chart_style_key.cache_clear()
    try:
        return chart_style_key()
    finally:
        chart_style_key.cache_clear()


def test_an_edit_to_any_charts_module_or_a_status_colour_changes_the_key(tmp_path, monkeypatch):
    copy = tmp_path / "charts"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    same = key_of(copy, monkeypatch)
    assert same == key_of(PACKAGE, monkeypatch)
    for module in ("__init__.py", "labels.py", "placement.py"):
        original = (copy / module).read_text(encoding="utf-8")
        (copy / module).write_text(original + "\n# a change\n", encoding="utf-8")
        assert key_of(copy, monkeypatch) != same, module
        (copy / module).write_text(original, encoding="utf-8")
    colours = dict(charts.STATUS_COLOURS, 推进中="#000000")
    monkeypatch.setattr(charts, "STATUS_COLOURS", colours)
    assert key_of(copy, monkeypatch) != same
