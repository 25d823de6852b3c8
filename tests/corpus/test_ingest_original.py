"""The original file is kept beside the raw text with its SHA-256, checked on every load, and
taken away with the article; metadata the text's header lacks comes from the file itself.

Articles written for these tests: a county water-works bulletin (in GBK and UTF-8).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from briefbook.core.errors import BriefbookError
from briefbook.corpus import load_corpus
from briefbook.corpus.formats import FileMetadata
from briefbook.corpus.ingest import PAGE_HEADER, ingest, page_metadata
from briefbook.corpus.model import PageHeader
from briefbook.corpus.remove import remove_article
from briefbook.corpus.sources import load_sources

BULLETIN = """\
青石镇完成老旧供水管网改造一期工程
2025-04-02 来源：青石镇人民政府

本报讯 青石镇老旧供水管网改造一期工程日前通过验收，镇区三个社区的居民用上了新管道送来的自来水。

一期工程更换主管道十二公里，新建加压泵站一座，改造入户管线两千三百户。工程完工后，镇区管网漏损率由百分之二十一降至百分之九。

镇政府表示，二期工程将于今年下半年开工，重点解决北片村组的季节性缺水问题。
"""
BODY_ONLY = BULLETIN.split("\n", 3)[3]  # no headline, no date line


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_gbk_file_is_kept_verbatim_beside_its_utf8_text(corpus_copy, tmp_path):
    data = BULLETIN.encode("gbk")
    src = tmp_path / "bulletin.txt"
    src.write_bytes(data)
    report = ingest(src, corpus_dir=corpus_copy, article_id="qingshi-water")
    kept = corpus_copy / "raw" / "qingshi-water.gb18030.txt"
    assert report.original_path == kept and kept.read_bytes() == data
    raw = (corpus_copy / "raw" / "qingshi-water.txt").read_bytes()
    assert raw == BULLETIN.encode("utf-8")
    entry = next(e for e in load_sources(corpus_copy).articles if e.id == "qingshi-water")
    assert entry.sha256 == sha(raw)
    assert entry.original is not None
    assert (entry.original.file, entry.original.format, entry.original.sha256,
            entry.original.encoding) == ("raw/qingshi-water.gb18030.txt", "text", sha(data),
                                         "gb18030")
    assert load_corpus(corpus_copy).article("qingshi-water").title == \
        "青石镇完成老旧供水管网改造一期工程"


def test_a_utf8_file_is_its_own_original(corpus_copy, tmp_path):
    src = tmp_path / "bulletin.txt"
    src.write_text(BULLETIN, encoding="utf-8")
    report = ingest(src, corpus_dir=corpus_copy, article_id="qingshi-water")
    assert report.original_path is None
    entry = next(e for e in load_sources(corpus_copy).articles if e.id == "qingshi-water")
    assert entry.original is None and entry.sha256 == sha(BULLETIN.encode("utf-8"))
    assert sorted(p.name for p in (corpus_copy / "raw").glob("qingshi-water*")) == \
        ["qingshi-water.txt"]


def test_a_dry_run_writes_no_original(corpus_copy, tmp_path):
    src = tmp_path / "bulletin.txt"
    src.write_bytes(BULLETIN.encode("gbk"))
    before = sorted(p.name for p in (corpus_copy / "raw").iterdir())
    report = ingest(src, corpus_dir=corpus_copy, article_id="qingshi-water", dry_run=True)
    assert not report.stored
    assert sorted(p.name for p in (corpus_copy / "raw").iterdir()) == before


@pytest.mark.parametrize("which", ["raw", "original"])
def test_an_edited_file_is_caught_on_load(corpus_copy, tmp_path, which):
    src = tmp_path / "bulletin.txt"
    src.write_bytes(BULLETIN.encode("gbk"))
    ingest(src, corpus_dir=corpus_copy, article_id="qingshi-water")
    name = "qingshi-water.txt" if which == "raw" else "qingshi-water.gb18030.txt"
    path = corpus_copy / "raw" / name
    path.write_bytes(path.read_bytes().replace("十二".encode("utf-8" if which == "raw"
                                                           else "gbk"),
                                               "十三".encode("utf-8" if which == "raw"
                                                           else "gbk")))
    with pytest.raises(BriefbookError, match=f"{name} is not the file ingested as "
                                             "qingshi-water") as err:
        load_corpus(corpus_copy)
    assert err.value.where == str(path) and "never edited" in (err.value.hint or "")


def test_a_missing_original_is_named(corpus_copy, tmp_path):
    src = tmp_path / "bulletin.txt"
    src.write_bytes(BULLETIN.encode("gbk"))
    ingest(src, corpus_dir=corpus_copy, article_id="qingshi-water")
    (corpus_copy / "raw" / "qingshi-water.gb18030.txt").unlink()
    with pytest.raises(BriefbookError, match="the original of article qingshi-water is "
                                             "missing"):
        load_corpus(corpus_copy)


def test_remove_takes_the_original_too(corpus_copy, tmp_path):
    src = tmp_path / "bulletin.txt"
    src.write_bytes(BULLETIN.encode("gbk"))
    ingest(src, corpus_dir=corpus_copy, article_id="qingshi-water")
    before = {p.name for p in (corpus_copy / "raw").iterdir()}
    remove_article(corpus_copy, "qingshi-water")
    assert before - {p.name for p in (corpus_copy / "raw").iterdir()} == \
        {"qingshi-water.txt", "qingshi-water.gb18030.txt"}
    load_corpus(corpus_copy)


def test_a_failed_store_leaves_no_original(corpus_copy, tmp_path, monkeypatch):
    import briefbook.corpus.ingest as ingest_module

    src = tmp_path / "bulletin.txt"
    src.write_bytes(BULLETIN.encode("gbk"))
    sources_before = (corpus_copy / "sources.yaml").read_bytes()
    real = ingest_module.write_atomic
    calls = []

    def failing(path, data):
        calls.append(Path(path).name)
        if len(calls) == 3:  # original, raw text, then the lock: fails
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(ingest_module, "write_atomic", failing)
    with pytest.raises(OSError):
        ingest(src, corpus_dir=corpus_copy, article_id="qingshi-water")
    assert calls[:2] == ["qingshi-water.gb18030.txt", "qingshi-water.txt"]
    assert not list((corpus_copy / "raw").glob("qingshi-water*"))
    assert (corpus_copy / "sources.yaml").read_bytes() == sources_before
    load_corpus(corpus_copy)


# --- metadata: the text's header first, then what the file says about itself -------------

FILE_META = FileMetadata(title="青石镇完成管网改造", date=dt.date(2025, 4, 2),
                         outlet="青石镇人民政府网",
                         found_in={"title": '<meta property="og:title">',
                                   "date": '<meta name="PubDate">',
                                   "outlet": '<meta property="og:site_name">'})


def test_the_file_fills_in_what_the_text_does_not_print():
    meta = page_metadata(None, title=None, date=None, outlet=None, date_inferred=False,
                         where="p.html", file_meta=FILE_META)
    assert (meta.title, meta.published, meta.outlet) == \
        ("青石镇完成管网改造", dt.date(2025, 4, 2), "青石镇人民政府网")
    assert meta.found_in == dict(FILE_META.found_in) and not meta.title_supplied
    assert set(meta.from_page) == {"title", "date", "outlet"}


def test_the_text_header_wins_over_the_file():
    page = PageHeader(headline="青石镇管网改造一期完工", time="2025-04-03 09:00",
                      source="青石日报", date=dt.date(2025, 4, 3))
    meta = page_metadata(page, title=None, date=None, outlet=None, date_inferred=False,
                         where="p.html", file_meta=FILE_META)
    assert (meta.title, meta.published, meta.outlet) == \
        ("青石镇管网改造一期完工", dt.date(2025, 4, 3), "青石日报")
    assert meta.found_in == {"title": PAGE_HEADER, "date": PAGE_HEADER, "outlet": PAGE_HEADER}


def test_a_given_value_still_wins_and_is_checked_against_the_file():
    meta = page_metadata(None, title=None, date=dt.date(2025, 4, 9), outlet=None,
                         date_inferred=False, where="p.html", file_meta=FILE_META)
    assert meta.published == dt.date(2025, 4, 9) and "date" not in meta.found_in
    assert any("differs from the date the page prints (2025-04-02" in w for w in meta.warnings)


def test_without_the_file_saying_it_the_options_are_asked_for():
    with pytest.raises(BriefbookError, match="no headline.*prints no date.*names no outlet") \
            as err:
        page_metadata(None, title=None, date=None, outlet=None, date_inferred=False,
                      where="p.html", file_meta=FileMetadata())
    assert err.value.hint == "pass --title TITLE --date YYYY-MM-DD (with --date-inferred if " \
        "you worked it out from the text) --outlet NAME"


def test_body_only_text_needs_the_options(corpus_copy, tmp_path):
    src = tmp_path / "body.txt"
    src.write_text(BODY_ONLY, encoding="utf-8")
    with pytest.raises(BriefbookError, match="does not say all the metadata"):
        ingest(src, corpus_dir=corpus_copy, article_id="body-only", dry_run=True)


# --- corpus diff names the original and checks it gives the raw text ---------------------

def test_diff_names_the_verified_original(project_copy, tmp_path):
    from plugins.cli import run_cli

    src = tmp_path / "bulletin.txt"
    src.write_bytes(BULLETIN.encode("gbk"))
    stored = run_cli("ingest", src, "--id", "qingshi-water", "--project", project_copy.root)
    assert stored.returncode == 0, stored.stderr
    assert "original kept: " in stored.stdout and "qingshi-water.gb18030.txt" in stored.stdout
    shown = run_cli("corpus", "diff", "qingshi-water", "--project", project_copy.root)
    assert shown.returncode == 0, shown.stderr
    head = shown.stdout.splitlines()[:2]
    assert head[0].startswith("# original: raw/qingshi-water.gb18030.txt (text in gb18030, "
                              f"{len(BULLETIN.encode('gbk')):,} bytes, SHA-256 "
                              f"{sha(BULLETIN.encode('gbk'))[:16]}…, verified)")
    assert head[1] == "# the original read again gives the raw text exactly"
    gone = run_cli("corpus", "remove", "qingshi-water", "--project", project_copy.root)
    assert gone.returncode == 0, gone.stderr
    assert gone.stdout.rstrip().endswith("corpus/raw/qingshi-water.txt and "
                                         "corpus/raw/qingshi-water.gb18030.txt")


# --- text read from a page's, PDF's or Word file's structure has no page header ----------

def test_a_structured_files_first_heading_stays_a_heading():
    from briefbook.corpus.defects import Corrections
    from briefbook.corpus.sources import Original, SourceEntry
    from briefbook.corpus.store import build_article

    text = ("工作进展\n\n今年以来，青石镇更换主管道十二公里，新建加压泵站一座。\n\n"
            "下步打算\n\n二期工程将于今年下半年开工，重点解决北片村组的季节性缺水问题。\n")
    common = {"id": "qs", "file": "raw/qs.txt", "outlet": "青石镇人民政府",
              "published": dt.date(2025, 4, 2), "title": "青石镇供水工作情况",
              "script": "simplified"}
    as_text = build_article(SourceEntry(**common), text, corrections=Corrections())
    as_word = build_article(SourceEntry(**common, original=Original(
        file="raw/qs.docx", format="docx", sha256="0" * 64)), text, corrections=Corrections())
    # copied page text: its first headline-like line is read as the page's headline
    assert as_text.article.page is not None and as_text.article.page.headline == "工作进展"
    # from a Word file, the title came from the file: the first line is a section heading
    assert as_word.article.page is None
    assert [s.heading for s in as_word.article.sections] == ["工作进展", "下步打算"]
