"""``build``: parallel, incremental, atomic; and the on-disk chart cache."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from plugins.example import example_project

from briefbook.core.errors import BriefbookError
from briefbook.distribute.build import build, input_hash, shared_inputs_hash

EXAMPLE = example_project()

build_mod = importlib.import_module("briefbook.distribute.build")


@pytest.fixture
def two_briefs(tmp_path, sheet_brief) -> list[Path]:
    folder = tmp_path / "briefs"
    folder.mkdir()
    first = folder / "sheet-a.yaml"
    second = folder / "sheet-b.yaml"
    shutil.copy(sheet_brief, first)
    second.write_text(sheet_brief.read_text(encoding="utf-8").replace("第1期附页", "第2期附页"),
                      encoding="utf-8")
    return [first, second]


def test_build_twice_second_skips_both_and_manifest_describes_outputs(tmp_path, two_briefs):
    out = tmp_path / "dist"
    first = build(EXAMPLE, two_briefs, out, jobs=2)
    assert sorted(Path(b).name for b in first.built) == ["sheet-a.yaml", "sheet-b.yaml"]
    assert first.ok and not first.skipped
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    shared = shared_inputs_hash(EXAMPLE)
    assert [e["file"] for e in manifest["outputs"]] == ["sheet-a.pdf", "sheet-b.pdf"]
    for entry, brief in zip(manifest["outputs"], two_briefs, strict=True):
        data = (out / entry["file"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data) and entry["pages"] == 1
        assert entry["input_hash"] == input_hash(brief, shared)
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "sheet-a.pdf", "sheet-b.pdf"]
    stamp = (out / "manifest.json").stat().st_mtime_ns

    again = build(EXAMPLE, two_briefs, out, jobs=2)
    assert not again.built and len(again.skipped) == 2
    assert (out / "manifest.json").stat().st_mtime_ns == stamp  # nothing rewritten

    # One brief edited, one output damaged: exactly those two things are redone.
    two_briefs[0].write_text(two_briefs[0].read_text(encoding="utf-8") + "\n# edited\n",
                             encoding="utf-8")
    third = build(EXAMPLE, two_briefs, out, jobs=1)
    assert [Path(b).name for b in third.built] == ["sheet-a.yaml"]
    (out / "sheet-b.pdf").write_bytes(b"damaged")
    fourth = build(EXAMPLE, two_briefs, out, jobs=1)
    assert [Path(b).name for b in fourth.built] == ["sheet-b.yaml"]


def test_failed_brief_keeps_previous_output_and_leaves_no_temporaries(tmp_path, two_briefs):
    out = tmp_path / "dist"
    build(EXAMPLE, two_briefs, out, jobs=1)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    two_briefs[1].write_text("title: [unclosed\n", encoding="utf-8")
    result = build(EXAMPLE, two_briefs, out, jobs=2)
    assert not result.ok and [Path(b).name for b, _ in result.failed] == ["sheet-b.yaml"]
    assert result.skipped and not result.built
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_interrupted_build_leaves_no_partial_outputs(tmp_path, two_briefs, monkeypatch):
    out = tmp_path / "dist"
    real = build_mod._render_one

    def interrupted(task):
        if task.brief.endswith("sheet-b.yaml"):
            target = Path(task.target)
            # as if killed mid-write: a temporary file exists, no output
            (target.parent / f".{target.name}.abc123.part").write_bytes(b"%PDF-1.7 half")
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(build_mod, "_render_one", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(EXAMPLE, two_briefs, out, jobs=1)
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "sheet-a.pdf"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [e["file"] for e in manifest["outputs"]] == ["sheet-a.pdf"]


def test_same_output_name_twice_is_refused(tmp_path, two_briefs):
    other = tmp_path / "elsewhere"
    other.mkdir()
    clash = other / "sheet-a.yaml"
    shutil.copy(two_briefs[0], clash)
    with pytest.raises(BriefbookError, match="both write sheet-a.pdf"):
        build(EXAMPLE, [two_briefs[0], clash], tmp_path / "dist")


def test_cached_charts_skip_matplotlib_in_a_new_process(tmp_path, sheet_brief):
    env = {**os.environ, "BRIEFBOOK_CACHE": str(tmp_path / "cache")}
    script = ("import sys; from briefbook.render import Renderer; "
              "from briefbook.project import load_project; "
              f"pdf = Renderer(load_project({str(EXAMPLE.root)!r})).render({str(sheet_brief)!r}); "
              "print(len(pdf), 'matplotlib' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                           text=True, check=True).stdout.split() for _ in range(2)]
    assert runs[0][1] == "True" and runs[1][1] == "False"
    assert runs[0][0] == runs[1][0]
    assert len(list((tmp_path / "cache" / "charts").glob("*.svg"))) == 1


def test_damaged_cache_entry_is_redrawn(tmp_path, sheet_brief):
    from briefbook.render import Renderer, chart_store
    from briefbook.render.book.model import chart_jobs

    cache = tmp_path / "charts"
    renderer = Renderer(example_project(), chart_cache=cache)
    job = chart_jobs(renderer.book(sheet_brief))[0]
    svg = renderer.chart_svg(job)
    (entry,) = cache.glob("*.svg")
    entry.write_bytes(b"<?xml trunc")
    assert Renderer(example_project(), chart_cache=cache).chart_svg(job) == svg
    assert chart_store(cache).get(entry.stem) == svg  # rebuilt: the drawing, signed


def test_second_build_in_one_process_sees_edited_metrics(tmp_path, monkeypatch):
    """The parent's cached renderer must not outlive a change of the shared inputs."""
    import pypdfium2 as pdfium
    from plugins.example import copy_project

    project = copy_project(tmp_path / "project")
    sheet_brief = project.briefs_dir / "summary-sheet.yaml"
    monkeypatch.setattr(build_mod, "_renderer", None)

    def text(pdf: Path) -> str:
        doc = pdfium.PdfDocument(pdf.read_bytes())
        try:
            return doc[0].get_textpage().get_text_range()
        finally:
            doc.close()

    out = tmp_path / "dist"
    assert build(project, [sheet_brief], out, jobs=1).built
    assert "留汉大学生" in text(out / "summary-sheet.pdf")
    catalog = project.catalog_path
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        "label: 留汉大学生", "label: 留汉毕业生"), encoding="utf-8")
    second = build(project, [sheet_brief], out, jobs=1)
    assert second.built, "the edited catalog must trigger a rebuild"
    assert "留汉毕业生" in text(out / "summary-sheet.pdf")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["outputs"][0]["input_hash"] == input_hash(sheet_brief,
                                                              shared_inputs_hash(project))
    # the project file is an input too: a new event name re-renders
    config = project.config_path
    config.write_text(config.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert build(project, [sheet_brief], out, jobs=1).built


def test_input_hash_covers_the_font_files(tmp_path, monkeypatch):
    from briefbook.core import resources

    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "charset.txt").write_text("一二三\n", encoding="utf-8")
    (fonts / "Sans.otf").write_bytes(b"OTTO version 1")
    monkeypatch.setattr(resources, "FONTS_DIR", fonts)
    first = shared_inputs_hash(EXAMPLE)
    assert shared_inputs_hash(EXAMPLE) == first
    (fonts / "Sans.otf").write_bytes(b"OTTO version 2")  # a new font release, same charset
    second = shared_inputs_hash(EXAMPLE)
    assert second != first
    (fonts / "README.md").write_text("notes\n", encoding="utf-8")  # not a font: no rebuild
    assert shared_inputs_hash(EXAMPLE) == second
    (fonts / "Serif.otf").write_bytes(b"OTTO")
    assert shared_inputs_hash(EXAMPLE) != second
