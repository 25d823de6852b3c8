"""End to end: ``briefbook ingest`` of a saved page, a PDF report and a Word file made for the
tests (tests/plugins/saved_pages.py, report_pdfs.py, word_files.py), through the real CLI:
metadata from the file and where it was found, the original kept with its hash, the corpus
loads, ``corpus diff`` traces each line to its place in the original, ``corpus remove`` takes
both files."""

from __future__ import annotations

import hashlib
import json

import pytest
from plugins.cli import run_cli
from plugins.saved_pages import news_page

from briefbook.corpus import load_corpus
from briefbook.corpus.sources import load_sources


def ingest_json(project, path, article_id, *extra):
    result = run_cli("ingest", path, "--id", article_id, "--project", project.root, "--json",
                     *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_saved_page_end_to_end(project_copy, tmp_path):
    page = news_page()
    src = tmp_path / "news.html"
    src.write_bytes(page.html)
    report = ingest_json(project_copy, src, "qh-news-2021-07-25")
    assert report["format"] == "html" and report["stored"]
    assert report["article"]["title"] == page.title
    assert report["article"]["published"] == "2021-07-25"
    assert report["article"]["outlet"] == "青禾日报"
    assert set(report["from_page"]) == {"title", "date", "outlet"}
    assert report["found_in"]["outlet"] != "the page's header"  # the page's info bar, not text
    kept = project_copy.corpus_dir / "raw" / "qh-news-2021-07-25.html"
    assert report["original"] == str(kept) and kept.read_bytes() == page.html
    entry = next(e for e in load_sources(project_copy.corpus_dir).articles
                 if e.id == "qh-news-2021-07-25")
    assert entry.original is not None and entry.original.format == "html"
    assert entry.original.sha256 == hashlib.sha256(page.html).hexdigest()
    article = load_corpus(project_copy.corpus_dir).article("qh-news-2021-07-25")
    texts = [p.text for p in article.paragraphs()]
    # the lead first (its 本报讯 byline is metadata), nothing of the page's furniture
    assert texts[0].startswith("今年以来，青禾市加快推进老旧小区改造") and "林晓岚" in article.reporters
    assert not any(word in "".join(texts) for word in ("首页", "分享到", "相关新闻", "网友评论",
                                                        "责任编辑", "上一篇", "版权所有"))
    headings = [s.heading for s in article.sections if s.heading]
    assert headings == ["先问需于民再动工", "资金来源更加多元"]

    shown = run_cli("corpus", "diff", "qh-news-2021-07-25", "--project", project_copy.root)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("# original: raw/qh-news-2021-07-25.html (a saved web page, ")
    assert lines[1] == "# the original read again gives the raw text exactly"
    lead = next(i for i, line in enumerate(lines) if line.strip() == f"- {page.lines[0]}")
    assert lines[lead - 1].endswith("(<p> 1)"), lines[lead - 1]

    gone = run_cli("corpus", "remove", "qh-news-2021-07-25", "--project", project_copy.root)
    assert gone.returncode == 0, gone.stderr
    assert not kept.exists() and not kept.with_suffix(".txt").exists()


@pytest.mark.parametrize("suffix", [".html", ".pdf", ".docx"])
def test_encoding_is_refused_for_other_formats(project_copy, tmp_path, suffix):
    src = tmp_path / f"a{suffix}"
    src.write_bytes(news_page().html if suffix == ".html" else b"%PDF-1.7\n" if
                    suffix == ".pdf" else b"PK\x03\x04" + b"\0" * 40 + b"word/document.xml")
    result = run_cli("ingest", src, "--id", "x", "--encoding", "gbk", "--project",
                     project_copy.root)
    assert result.returncode == 1 and "--encoding applies to plain-text files" in result.stderr


def test_a_pdf_report_end_to_end(project_copy, tmp_path, work_report_pdf):
    from plugins.report_pdfs import REPORT_LONG

    made = work_report_pdf
    src = tmp_path / "report.pdf"
    src.write_bytes(made.pdf)
    report = ingest_json(project_copy, src, "qh-gwr-2024", "--outlet", "某某市人民政府")
    assert report["format"] == "pdf"
    assert (report["article"]["title"], report["article"]["published"]) == \
        (made.title, "2024-01-10")
    assert set(report["from_page"]) == {"title", "date"}
    kept = project_copy.corpus_dir / "raw" / "qh-gwr-2024.pdf"
    assert kept.read_bytes() == made.pdf
    article = load_corpus(project_copy.corpus_dir).article("qh-gwr-2024")
    texts = [p.text for p in article.paragraphs()]
    assert REPORT_LONG in texts  # the paragraph over the page break, whole, joined
    assert not any("— " in t or "政府工作报告" == t for t in texts)  # no folios, no running head
    shown = run_cli("corpus", "diff", "qh-gwr-2024", "--project", project_copy.root)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout.splitlines()
    assert out[1] == "# the original read again gives the raw text exactly"
    long_line = next(i for i, line in enumerate(out) if line.strip() == f"- {REPORT_LONG}")
    first, last = made.pages[made.blocks.index(REPORT_LONG)]
    assert out[long_line - 1].endswith(f"(pages {first}–{last})"), out[long_line - 1]


def test_a_word_file_end_to_end(project_copy, tmp_path):
    from plugins.word_files import notice

    made = notice()
    src = tmp_path / "notice.docx"
    src.write_bytes(made.data)
    report = ingest_json(project_copy, src, "qh-notice-2023")
    assert report["format"] == "docx"
    assert report["article"]["title"] == made.title
    assert report["article"]["published"] == made.date.isoformat()
    article = load_corpus(project_copy.corpus_dir).article("qh-notice-2023")
    got = [(s.heading, tuple(p.text for p in s.paragraphs)) for s in article.sections]
    assert tuple(got) == made.sections
    assert (project_copy.corpus_dir / "raw" / "qh-notice-2023.docx").read_bytes() == made.data
    shown = run_cli("corpus", "diff", "qh-notice-2023", "--project", project_copy.root)
    assert shown.returncode == 0 and "(paragraph " in shown.stdout, shown.stderr
