"""Notes on sources in the appendix say only what ingest and cleaning recorded.

Pages written for the tests (tests/corpus/pages/) are ingested with the real CLI into a copy
of the example project, quoted by a brief, and rendered by the real Renderer; each source's
notes are checked for presence AND absence in the book model and in the printed PDF.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from briefbook.checks.lint import normalise_text
from briefbook.corpus.store import load_corpus
from briefbook.project import load_project
from briefbook.render import Renderer
from plugins.example import CORPUS_DIR, copy_project

PAGES = Path(__file__).parents[1] / "corpus" / "pages"
HBRB, CJRB = "hbrb-2020-06-29", "cjrb-2021-07-25"

NO_HEADLINE = "原文无标题，标题为编者所拟"
TRAD_PINYIN = "所据网页为繁体并夹注拼音，已转为简体、删去注音"
TRAD = "所据网页为繁体，已转为简体"
PINYIN = "所据网页夹注拼音，已删去注音"
OWN_TITLE = "标题为编者所拟，原文标题为《青禾市新增社区食堂二十四家》"

# id → (page, ingest options, the notes it must have — and no other)
ARTICLES = {
    # traditional, no pinyin, everything printed on the page
    "qh-lanes": ("trad-header-after.txt", [], (TRAD,)),
    # traditional with pinyin, no headline: the title is the editor's
    "qh-kindergarten": ("trad-pinyin-no-header.txt",
                        ["--title", "青禾新增幼儿园学位", "--date", "2023-05-10", "--outlet", "澄江网"],
                        (NO_HEADLINE, TRAD_PINYIN)),
    # a headline of its own, and another title given
    "qh-canteens": ("simplified-own-headline.txt",
                    ["--title", "社区食堂越办越多", "--date", "2023-05-08", "--outlet", "青禾日报"],
                    (OWN_TITLE,)),
    # a headline of its own, and the same title given: simplified, nothing to note
    "qh-greenway": ("short-date.txt", ["--title", "青禾河滨绿道全线贯通"], ()),
    # simplified with pinyin after rare characters
    "qh-street": ("simplified-pinyin.txt", [], (PINYIN,)),
}
ALL_NOTES = (NO_HEADLINE, TRAD_PINYIN, TRAD, PINYIN, "标题为编者所拟", "原文标题")


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-c", "from briefbook.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The project with the five pages ingested, its book model and its PDF's text."""
    root = tmp_path_factory.mktemp("notes")
    project = copy_project(root / "project", briefs=False)
    for aid, (page, options, _) in ARTICLES.items():
        out = run("ingest", str(PAGES / page), "--id", aid, *options,
                  "--project", str(project.root))
        assert out.returncode == 0, out.stderr
    corpus = load_corpus(project.corpus_dir)
    quotes = [next(corpus.article(aid).paragraphs()).id for aid in [*ARTICLES, HBRB, CJRB]]
    brief = root / "project" / "notes.yaml"
    brief.write_text("title: 来源注记\nissuer: 研究组\ndate: 2023-06-01\ncover: false\n"
                     "contents: false\nappendix: {sources: true, methodology: false}\n"
                     f"sections:\n  - heading: 引文\n    quotes: [{', '.join(quotes)}]\n",
                     encoding="utf-8")
    renderer = Renderer(load_project(project.root))
    book = renderer.book(brief)
    return corpus, book, pdf_text(renderer.render(brief))


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, pages joined, whitespace removed (lint.normalise_text)."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return normalise_text("".join(doc[i].get_textpage().get_text_range()
                                      for i in range(len(doc))))
    finally:
        doc.close()


def appendix_entries(text: str, corpus, ids: list[str]) -> dict[str, str]:
    """Each source's printed entry: from its title to the next source's title."""
    start = text.index(normalise_text("附录一　资料来源"))
    at = [text.index(normalise_text(f"《{corpus.article(aid).title}》"), start) for aid in ids]
    ends = at[1:] + [len(text)]
    return {aid: text[a:b] for aid, a, b in zip(ids, at, ends, strict=True)}


@pytest.mark.parametrize("aid", list(ARTICLES))
def test_each_note_is_in_the_book_model_only_where_the_source_bears_it_out(rendered, aid):
    _, book, _ = rendered
    notes = {s.id: s.notes for s in book.sources}
    assert notes[aid] == ARTICLES[aid][2]


@pytest.mark.parametrize("aid", list(ARTICLES))
def test_each_note_prints_only_where_the_source_bears_it_out(rendered, aid):
    corpus, book, text = rendered
    entries = appendix_entries(text, corpus, [s.id for s in book.sources])
    printed = entries[aid]
    for note in ARTICLES[aid][2]:
        assert normalise_text(note) in printed, note
    for note in ALL_NOTES:
        if not any(note in wanted for wanted in ARTICLES[aid][2]):
            assert normalise_text(note) not in printed, note


def test_the_seed_with_pinyin_keeps_its_notes_and_a_simplified_seed_has_none(rendered):
    corpus, book, text = rendered
    notes = {s.id: s.notes for s in book.sources}
    assert notes[HBRB][:2] == (NO_HEADLINE, TRAD_PINYIN)
    assert all(n.startswith("原文缺字") for n in notes[HBRB][2:])
    assert notes[CJRB] == ()
    entries = appendix_entries(text, corpus, [s.id for s in book.sources])
    assert normalise_text(f"{NO_HEADLINE}；{TRAD_PINYIN}") in entries[HBRB]
    assert not any(normalise_text(n) in entries[CJRB] for n in ALL_NOTES)


def test_notes_rest_on_what_the_corpus_recorded(rendered):
    corpus, _, _ = rendered
    facts = {aid: (a.script, a.cleaning.simplified > 0, a.cleaning.pinyin > 0, a.title_supplied,
                   a.page.headline if a.page else None)
             for aid in ARTICLES for a in [corpus.article(aid)]}
    assert facts == {
        "qh-lanes": ("traditional", True, False, False, "青禾市今年将改造背街小巷六十条"),
        "qh-kindergarten": ("traditional", True, True, True, None),
        "qh-canteens": ("simplified", False, False, True, "青禾市新增社区食堂二十四家"),
        "qh-greenway": ("simplified", False, False, False, "青禾河滨绿道全线贯通"),
        "qh-street": ("simplified", False, True, False, "青禾老街修缮工程启动"),
    }


def test_the_example_books_print_the_seed_notes(example_pdfs):
    """The example corpus's notes, as its books print them (hbrb only: traditional, with
    pinyin, no headline; the two simplified seeds have none)."""
    seed = load_corpus(CORPUS_DIR)
    assert seed.article(HBRB).cleaning.pinyin > 0 and seed.article(HBRB).title_supplied
    checked = []
    for name, pdf in example_pdfs.items():
        text = pdf_text(pdf)
        if normalise_text("附录一　资料来源") not in text or \
                normalise_text(f"《{seed.article(HBRB).title}》") not in text:
            continue
        assert normalise_text(f"{NO_HEADLINE}；{TRAD_PINYIN}") in text, name
        assert normalise_text(TRAD + "；") not in text and normalise_text(PINYIN) not in text
        checked.append(name)
    assert "full-book" in checked, checked
