"""Diff images and baselines on disk."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from briefbook.checks.baseline import check_against_baseline, load_baseline
from briefbook.checks.compare import compare_documents
from briefbook.checks.report import write_report
from briefbook.core.errors import BriefbookError


def test_report_writes_expected_actual_diff_and_summary(tmp_path, pages):
    result = compare_documents(pages["base"], pages["char"])
    (tmp_path / "page-009-diff.png").write_bytes(b"stale")
    (tmp_path / "keep.txt").write_text("not ours")
    write_report(result, pages["base"], pages["char"], tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["keep.txt", "page-002-actual.png", "page-002-diff.png",
                     "page-002-expected.png", "summary.json"]
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["result"] == "changed"
    assert [p["status"] for p in summary["pages"]] == ["identical", "changed"]
    assert summary["pages"][1]["files"]["diff"] == "page-002-diff.png"
    # the PNGs are lossless copies of the rendered pages
    expected = np.asarray(Image.open(tmp_path / "page-002-expected.png"))
    assert np.array_equal(expected, pages["base"][1].image)
    # diff: changed pixels are red, the rest is a faded grey copy (no pure black left)
    diff = np.asarray(Image.open(tmp_path / "page-002-diff.png").convert("RGB"))
    mask = result.pages[1].mask
    assert (diff[mask] == [230, 0, 0]).all()
    untouched = diff[~mask]
    grey = untouched[(untouched[:, 0] == untouched[:, 1]) & (untouched[:, 1] == untouched[:, 2])]
    assert grey[:, 0].min() >= 255 - 255 * 0.25 - 1


def test_baseline_record_compare_update(tmp_path, docs):
    base_dir, out = tmp_path / "baseline", tmp_path / "out"
    with pytest.raises(BriefbookError, match="no baseline recorded"):
        check_against_baseline(docs["base"].pdf, base_dir, out_dir=out)  # never silently
    assert not base_dir.exists()
    first = check_against_baseline(docs["base"].pdf, base_dir, out_dir=out, update=True)
    assert first.status == "recorded"
    assert sorted(p.name for p in base_dir.iterdir()) == ["baseline.json", "page-001.png", "page-002.png"]
    for png in base_dir.glob("*.png"):
        assert png.stat().st_size < 40_000  # small enough to commit
    meta, stored = load_baseline(base_dir)
    assert meta["dpi"] == 75 and meta["mode"] == "L" and len(stored) == 2

    same = check_against_baseline(docs["base"].pdf, base_dir, out_dir=out)
    assert same.status == "unchanged" and not same.failed

    changed = check_against_baseline(docs["nochart"].pdf, base_dir, out_dir=out)
    assert changed.failed
    assert [p.number for p in changed.comparison.failed_pages] == [2]
    assert {p.name for p in out.iterdir()} == {"page-002-expected.png", "page-002-actual.png",
                                              "page-002-diff.png", "summary.json"}
    assert "page 2: changed" in changed.describe()
    # the baseline itself is untouched by a failed comparison
    assert check_against_baseline(docs["base"].pdf, base_dir, out_dir=out).status == "unchanged"
    assert not list(out.glob("*.png"))  # a passing run clears the old diff images

    # update: a one-page document re-records and drops page 2
    one_page = docs["base"].pdf
    from pypdf import PdfReader, PdfWriter
    import io
    writer = PdfWriter()
    writer.add_page(PdfReader(io.BytesIO(one_page)).pages[0])
    buffer = io.BytesIO()
    writer.write(buffer)
    assert check_against_baseline(buffer.getvalue(), base_dir, update=True).status == "recorded"
    assert sorted(p.name for p in base_dir.iterdir()) == ["baseline.json", "page-001.png"]


def test_baseline_dpi_mismatch_and_damage_are_clear_errors(tmp_path, docs):
    base_dir = tmp_path / "b"
    check_against_baseline(docs["base"].pdf, base_dir, dpi=60, update=True)
    assert load_baseline(base_dir)[0]["dpi"] == 60
    assert check_against_baseline(docs["base"].pdf, base_dir).status == "unchanged"
    with pytest.raises(BriefbookError, match="recorded at 60 DPI"):
        check_against_baseline(docs["base"].pdf, base_dir, dpi=75)
    (base_dir / "page-002.png").unlink()
    with pytest.raises(BriefbookError, match="lists 2 pages"):
        check_against_baseline(docs["base"].pdf, base_dir)
    (base_dir / "baseline.json").write_text("{")
    with pytest.raises(BriefbookError, match="unreadable"):
        check_against_baseline(docs["base"].pdf, base_dir)
    (base_dir / "baseline.json").unlink()
    with pytest.raises(BriefbookError, match="no baseline.json"):
        check_against_baseline(docs["base"].pdf, base_dir)


def test_interrupted_update_leaves_the_previous_baseline_whole(tmp_path, docs, monkeypatch):
    from briefbook.checks import baseline as baseline_mod

    base_dir = tmp_path / "b"
    check_against_baseline(docs["base"].pdf, base_dir, update=True)
    (base_dir / "NOTES.txt").write_text("why this baseline\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in base_dir.iterdir()}
    real, calls = baseline_mod.png_bytes, []

    def interrupted(image):
        calls.append(1)
        if len(calls) == 2:  # the new page 1 is written, page 2 is not
            raise KeyboardInterrupt
        return real(image)

    monkeypatch.setattr(baseline_mod, "png_bytes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        check_against_baseline(docs["nochart"].pdf, base_dir, update=True, dpi=60)
    assert {p.name: p.read_bytes() for p in base_dir.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]  # no staging folder left
    monkeypatch.setattr(baseline_mod, "png_bytes", real)
    check_against_baseline(docs["nochart"].pdf, base_dir, update=True, dpi=60)
    assert load_baseline(base_dir)[0]["dpi"] == 60
    assert (base_dir / "NOTES.txt").read_text(encoding="utf-8") == "why this baseline\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]
