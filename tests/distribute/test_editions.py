"""Per-reader editions: one render, stamped copies that differ from it only in the mark."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from plugins.example import example_project

from briefbook.checks.lint import lint_pdf
from briefbook.checks.rasterise import rasterise
from briefbook.core.errors import BriefbookError
from briefbook.distribute import editions
from briefbook.distribute.editions import Reader, make_editions, mark_box_mm, read_readers

EXAMPLE = example_project()

DPI = 75
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def three_readers_copies(tmp_path_factory, sheet_brief, sheet_pdf):
    """Copies for three readers, one of whose names is an HTML script tag."""
    out = tmp_path_factory.mktemp("editions")
    csv = out.parent / "readers.csv"
    csv.write_text(f'name,copy\n张三,7\n李四,8\n"{HOSTILE}",12\n', encoding="utf-8")
    entries = make_editions(sheet_brief, read_readers(csv), out, base=sheet_pdf)
    return out, entries


def test_one_file_per_reader_named_by_copy_number(three_readers_copies):
    out, entries = three_readers_copies
    assert sorted(p.name for p in out.iterdir()) == [
        "editions.json", "summary-sheet-007.pdf", "summary-sheet-008.pdf", "summary-sheet-012.pdf"]
    manifest = json.loads((out / "editions.json").read_text(encoding="utf-8"))
    assert [(e["file"], e["copy"], e["name"], e["pages"]) for e in manifest["outputs"]] == [
        ("summary-sheet-007.pdf", 7, "张三", 1), ("summary-sheet-008.pdf", 8, "李四", 1),
        ("summary-sheet-012.pdf", 12, HOSTILE, 1)]
    assert not list(out.glob(".*"))  # no temporary files


def test_mark_is_text_in_bundled_fonts_and_rest_is_identical_text(three_readers_copies, sheet_pdf):
    out, _ = three_readers_copies
    base = lint_pdf(sheet_pdf)
    for name, mark in (("007", "张三 第007份"), ("012", f"{HOSTILE} 第012份")):
        report = lint_pdf((out / f"summary-sheet-{name}.pdf").read_bytes())
        assert report.ok, report.failures  # bundled families only, ToUnicode, no .notdef
        assert report.page_count == base.page_count
        for page, base_page in zip(report.text, base.text, strict=True):
            assert mark in page  # the hostile name prints literally
            assert page.replace(mark, "").strip() == base_page.strip()


def test_pixels_differ_only_inside_the_mark_box_and_the_trace_dots(three_readers_copies, sheet_pdf):
    from briefbook.distribute.trace import dot_boxes_mm

    out, _ = three_readers_copies
    base_pages = rasterise(sheet_pdf, dpi=DPI)
    copy_pages = rasterise(out / "summary-sheet-008.pdf", dpi=DPI)
    assert len(copy_pages) == len(base_pages)
    for base, copy in zip(base_pages, copy_pages, strict=True):
        assert copy.image.shape == base.image.shape
        width_mm, height_mm = (v / 72 * 25.4 for v in base.size_pt)
        changed = base.image != copy.image
        left, top, right, bottom = (round(v / 25.4 * DPI) for v in mark_box_mm(width_mm))
        inside = changed[top:bottom, left:right].sum()
        changed[top:bottom, left:right] = False
        assert inside > 20  # the mark is drawn …
        for box in dot_boxes_mm(width_mm, height_mm):
            left, top, right, bottom = (round(v / 25.4 * DPI) for v in box)
            assert changed[top:bottom, left - 1:right + 1].sum() > 20  # … the dots, …
            changed[top:bottom, left - 1:right + 1] = False
        assert not changed.any(), np.argwhere(changed)[:5]  # … and nothing else moved


def _mapped_characters(pdf: bytes) -> set[str]:
    """Every character any font of ``pdf`` maps to (ToUnicode), referenced or not."""
    import io

    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

    from briefbook.checks.lint import _parse_to_unicode

    reader = PdfReader(io.BytesIO(pdf))
    chars: set[str] = set()
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:
            continue
        if isinstance(obj, DictionaryObject) and "/ToUnicode" in obj:
            for text in _parse_to_unicode(obj["/ToUnicode"].get_object().get_data()).values():
                chars.update(text)
    return chars


def test_copy_is_one_revision_that_truncation_cannot_unmark(three_readers_copies, sheet_pdf):
    import pypdfium2 as pdfium

    out, _ = three_readers_copies
    data = (out / "summary-sheet-008.pdf").read_bytes()
    assert not data.startswith(sheet_pdf[:len(sheet_pdf) // 2])  # not the base plus an update
    assert data[:8] == sheet_pdf[:8]  # same PDF version as the base
    ends = [i + len(b"%%EOF") for i in range(len(data)) if data.startswith(b"%%EOF", i)]
    assert ends
    for end in ends:
        try:
            doc = pdfium.PdfDocument(data[:end])
        except pdfium.PdfiumError:
            continue
        try:
            texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
        finally:
            doc.close()
        assert all("李四 第008份" in text for text in texts), f"unmarked at byte {end}"


def test_stamp_font_holds_only_the_readers_own_mark(three_readers_copies, sheet_pdf):
    out, entries = three_readers_copies
    base_chars = _mapped_characters(sheet_pdf)
    marks = {e["copy"]: Reader(e["name"], e["copy"]).mark for e in entries}
    for copy, mark in marks.items():
        others = set("".join(m for c, m in marks.items() if c != copy)) - set(mark) - base_chars
        assert others, "fixture: other readers' names must have characters of their own"
        data = (out / f"summary-sheet-{copy:03d}.pdf").read_bytes()
        mapped = _mapped_characters(data)
        assert mapped - base_chars <= set(mark), (copy, sorted(mapped - base_chars - set(mark)))
        assert not others & mapped, (copy, sorted(others & mapped))
        text = "".join(lint_pdf(data).text)
        assert not others & set(text), (copy, sorted(others & set(text)))


def test_failed_run_leaves_no_copies_or_temporary_files(tmp_path, sheet_brief, sheet_pdf,
                                                        monkeypatch):
    calls = []
    real = editions.Stamper.stamp

    def flaky(self, stamp_page, out, under=b""):
        calls.append(1)
        if len(calls) == 2:
            out.write(b"%PDF-1.7 partial")
            raise OSError(28, "No space left on device")
        return real(self, stamp_page, out, under)

    monkeypatch.setattr(editions.Stamper, "stamp", flaky)
    readers = [Reader("甲", 1), Reader("乙", 2), Reader("丙", 3)]
    with pytest.raises(BriefbookError, match="disk full"):
        make_editions(sheet_brief, readers, tmp_path, base=sheet_pdf)
    assert list(tmp_path.iterdir()) == []


def _folder(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_failed_rerun_keeps_the_previous_copies_and_manifest(tmp_path, sheet_brief, sheet_pdf,
                                                             monkeypatch):
    readers = [Reader("甲", 1), Reader("乙", 2), Reader("丙", 3)]
    make_editions(sheet_brief, readers, tmp_path, base=sheet_pdf)
    before = _folder(tmp_path)
    assert set(before) == {"editions.json", "summary-sheet-001.pdf", "summary-sheet-002.pdf",
                           "summary-sheet-003.pdf"}
    calls = []
    real = editions.Stamper.stamp

    def flaky(self, stamp_page, out, under=b""):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(self, stamp_page, out, under)

    monkeypatch.setattr(editions.Stamper, "stamp", flaky)
    with pytest.raises(BriefbookError, match="disk full"):
        make_editions(sheet_brief, [Reader("丁", 1), Reader("戊", 2), Reader("己", 3)],
                      tmp_path, base=sheet_pdf)
    assert _folder(tmp_path) == before  # old copies, old manifest, no staging left behind


def test_editions_and_build_share_a_folder(tmp_path, sheet_brief, sheet_pdf):
    from briefbook.distribute.build import build

    assert build(EXAMPLE, [sheet_brief], tmp_path, jobs=1).built
    build_manifest = (tmp_path / "manifest.json").read_bytes()
    make_editions(sheet_brief, [Reader("甲", 1), Reader("乙", 2)], tmp_path, base=sheet_pdf)
    assert (tmp_path / "manifest.json").read_bytes() == build_manifest
    assert [e["file"] for e in json.loads((tmp_path / "editions.json").read_text("utf-8"))
            ["outputs"]] == ["summary-sheet-001.pdf", "summary-sheet-002.pdf"]
    again = build(EXAMPLE, [sheet_brief], tmp_path, jobs=1)
    assert again.skipped and not again.built
    # A smaller second edition replaces the first: copy 002 is no longer listed, so it goes.
    make_editions(sheet_brief, [Reader("丙", 1)], tmp_path, base=sheet_pdf)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "editions.json", "manifest.json", "summary-sheet-001.pdf", "summary-sheet.pdf"]


@pytest.mark.parametrize(("content", "line", "message"), [
    ("name,copy\n张三,1\n\n  ,2\n", 4, "empty name"),
    ("name\n张三\n李四\n张三\n", 4, "duplicate name '张三' (first on line 2)"),
    ("name,copy\n张三,1\n李四,1\n", 3, "duplicate copy number 1"),
    ("name,copy\n张三,x\n", 2, "copy number 'x'"),
    ("name,copy\n张三,0\n", 2, "copy number '0'"),
    ("who\n张三\n", 1, "expected 'name' or 'name,copy'"),
    ("name\n张\u200b三\n", 2, "invisible"),
    ("name\n张三\U0001F600\n", 2, "U+1F600"),
])
def test_readers_list_mistakes_name_file_and_line(tmp_path, content, line, message):
    csv = tmp_path / "readers.csv"
    csv.write_text(content, encoding="utf-8")
    with pytest.raises(BriefbookError) as caught:
        read_readers(csv)
    assert f"{csv}:{line}: " in str(caught.value)
    assert message in str(caught.value)


def test_readers_list_not_utf8(tmp_path):
    csv = tmp_path / "readers.csv"
    csv.write_bytes("name\n张三\n李四\n".encode("gbk"))
    with pytest.raises(BriefbookError, match=rf"{csv}:2: not UTF-8"):
        read_readers(csv)


def test_readers_default_copy_numbers_follow_the_rows(tmp_path):
    csv = tmp_path / "readers.csv"
    csv.write_text("\ufeffname\n张三\n李四\n", encoding="utf-8")
    assert [(r.name, r.copy, r.line) for r in read_readers(csv)] == [("张三", 1, 2), ("李四", 2, 3)]
    assert Reader("张三", 7).mark == "张三 第007份"


def test_worker_tasks_stay_small(tmp_path, sheet_brief, sheet_pdf, monkeypatch):
    """Tasks carry the base PDF's path, not its bytes: big payloads fill the pool's pipe, and
    Debian 12's Python 3.11.2 then hangs shutting the pool down after Ctrl-C (seen there)."""
    import pickle

    sizes = []
    real_run_jobs = editions.run_jobs

    def spy(work, tasks, **kwargs):
        tasks = list(tasks)
        sizes.extend(len(pickle.dumps(task)) for task in tasks)
        return real_run_jobs(work, tasks, **kwargs)

    monkeypatch.setattr(editions, "run_jobs", spy)
    make_editions(sheet_brief, [Reader("张三", 1), Reader("李四", 2)], tmp_path / "out",
                  base=sheet_pdf)
    assert sizes and max(sizes) < 4096, sizes
    assert len(sheet_pdf) > 4096 * 10  # the base itself would not fit
