"""Hostile text in every field of a brief and in corpus text prints literally; nothing loads.

The render runs with a spy on the URL fetcher (every URL WeasyPrint asks for is recorded)
and a Python audit hook (every file the process opens is recorded): only the allow-list —
files under assets/ and templates/, and briefbook-generated: charts — is ever read.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pypdfium2 as pdfium
import pytest
import yaml

from briefbook.core import resources
from briefbook.checks.lint import normalise_text
from briefbook.corpus import load_corpus
from briefbook.corpus.clean import normalise_punctuation
from briefbook.corpus.ingest import ingest
from briefbook.core.errors import BriefbookError
from briefbook.render import Renderer
from briefbook.render.engine.fetcher import GENERATED_SCHEME, AssetFetcher

from plugins.cli import MINIMAL
from plugins.pdf_text import page_text
from briefbook.project import load_project
from plugins.example import example_project

EVENTS = example_project().events

HOSTILE = [
    '<img src="file:///etc/passwd">',
    "<script>alert(1)</script>",
    '<link rel=stylesheet href="file:///etc/passwd">',
    "<style>@import url(file:///etc/passwd);*{color:red}</style>",
    '@import "file:///etc/passwd";',
    "background:url(file:///etc/passwd)",
    "{{ 7*7 }}",
    '{% include "book.css" %}{# note #}',
    "&lt;b&gt; &amp; &#x41; &nbsp; &#0;",
    '<iframe src="http://127.0.0.1:9/"></iframe>',
    '<object data="data:text/html,x"></object>',
    '<svg><image href="file:///etc/passwd"/></svg>',
    "甲\u200b乙\u2060丙\ufeff丁",  # zero-width space, word joiner, BOM: invisible, allowed
    "</p></div></body></html><p>",
    "]]><!-- -->",
]
ALL = " ".join(HOSTILE)

# Every text field of a brief, each holding hostile text (Text fields: ≤ 200 characters).
BRIEF = {
    "title": HOSTILE[0], "subtitle": HOSTILE[1], "issuer": HOSTILE[2], "edition": HOSTILE[6],
    "date": "2021-08-01", "classification": HOSTILE[7], "subject": HOSTILE[4],
    "keywords": [HOSTILE[5], HOSTILE[8], HOSTILE[12]],
    "summary": {"text": ALL, "metrics": ["graduates-retained"]},
    "charts": [{"kind": "status-breakdown", "title": HOSTILE[11]}],
    "table": {"metrics": ["graduates-retained"]},
    "sections": [
        {"heading": HOSTILE[3], "commentary": ALL, "quotes": ["cjrb-2021-07-25/s3/p3"],
         "metrics": ["graduates-retained"],
         "charts": [{"kind": "pledged-vs-reported", "title": HOSTILE[9]}]},
        {"heading": HOSTILE[10], "commentary": HOSTILE[13] + HOSTILE[14]},
    ],
}
PRINTED = ["title", "subtitle", "issuer", "edition", "classification"]


class Spy:
    """Records every URL the fetcher is asked for and every file the process opens."""

    def __init__(self):
        self.urls: list[str] = []
        self.opened: list[str] = []
        self.active = False


SPY = Spy()


def _audit(event: str, args: tuple, spy: Spy = SPY, path_types=(str, bytes, Path)) -> None:
    # Bound as defaults: the hook outlives the module's globals at interpreter shutdown.
    if spy.active and event == "open" and args and isinstance(args[0], path_types):
        spy.opened.append(str(args[0]))


sys.addaudithook(_audit)  # hooks cannot be removed; it records only while SPY.active


@pytest.fixture
def spied_renderer(monkeypatch):
    original = AssetFetcher.fetch

    def fetch(self, url, headers=None):
        SPY.urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(AssetFetcher, "fetch", fetch)
    SPY.urls.clear()
    SPY.opened.clear()
    yield
    SPY.active = False


def _allowed(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == GENERATED_SCHEME:
        return True
    if parts.scheme != "file":
        return False
    path = Path(unquote(parts.path)).resolve()
    return path.is_relative_to(resources.ASSETS_DIR) or path.is_relative_to(resources.TEMPLATES_DIR)


def _render_spied(renderer: Renderer, brief: Path) -> bytes:
    SPY.active = True
    try:
        return renderer.render(brief)
    finally:
        SPY.active = False


def _assert_only_allow_list_read(charts: bool = True):
    assert SPY.urls, "the spy saw no fetch at all"
    assert all(_allowed(u) for u in SPY.urls), [u for u in SPY.urls if not _allowed(u)]
    assert any(u.startswith(GENERATED_SCHEME) for u in SPY.urls) == charts
    assert not [f for f in SPY.opened if "passwd" in f or f.startswith(("/etc", "http"))]


def test_hostile_text_in_every_brief_field_prints_literally(spied_renderer, tmp_path):
    brief = tmp_path / "hostile.yaml"
    brief.write_text(yaml.safe_dump(BRIEF, allow_unicode=True, sort_keys=False), encoding="utf-8")
    renderer = Renderer(example_project())  # fresh, so the spy also sees the stylesheet's font loads
    pdf = _render_spied(renderer, brief)

    flat = normalise_text(page_text(pdf))
    for field in PRINTED:
        assert normalise_text(BRIEF[field]) in flat, field
    for text in [*HOSTILE, BRIEF["sections"][0]["heading"], BRIEF["sections"][1]["heading"]]:
        assert normalise_text(text) in flat, text
    assert normalise_text(ALL) in flat  # summary and commentary, whole
    assert "49" not in flat.replace("2021", "")  # {{ 7*7 }} never expanded … (no 49 at all)
    assert "root:x:0" not in flat  # /etc/passwd never read

    doc = pdfium.PdfDocument(pdf)
    meta = doc.get_metadata_dict()
    doc.close()
    assert meta["Title"] == BRIEF["title"] and meta["Author"] == BRIEF["issuer"]
    assert meta["Subject"] == BRIEF["subject"]
    for keyword in BRIEF["keywords"]:
        assert keyword in meta["Keywords"]
    _assert_only_allow_list_read()


def test_hostile_corpus_text_prints_literally(spied_renderer, corpus_copy, tmp_path):
    lines = ["武汉测试报道", "", "  长江日报7月26日讯 市委十三届十一次全会召开。"]
    lines += [f"  第{i}段 {text} 这是正文里的一句话，用来测试清洗与排版。" for i, text in
              enumerate(HOSTILE, 1)]
    src = tmp_path / "hostile.txt"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest(src, corpus_dir=corpus_copy, article_id="hostile-2021-07-26",
                    date="2021-07-26", outlet="测试", title="<b>标题</b>{{ 7*7 }}",
                    events=["13-11"], known_events=EVENTS)
    # Short lines become section headings, longer ones paragraphs: quote whole sections.
    sections = report.article.sections
    corpus = load_corpus(corpus_copy)
    assert {s.id for s in sections} <= set(corpus.ids())
    brief = tmp_path / "brief.yaml"
    brief.write_text(MINIMAL + "cover: false\ncontents: false\nsections:\n  - heading: 引文\n"
                     f"    quotes: [{', '.join(s.id for s in sections)}]\n", encoding="utf-8")
    renderer = Renderer(load_project(corpus_copy.parent))
    pdf = _render_spied(renderer, brief)
    flat = normalise_text(page_text(pdf))
    printed = [s.heading for s in sections if s.heading and s.paragraphs] + [
        p.text for s in sections for p in s.paragraphs]
    for text in printed:
        assert normalise_text(text) in flat, text
    for text in HOSTILE:  # every hostile string is still there, changed only by the cleaning
        # rule that makes ASCII ; ( ) next to Chinese text full-width
        cleaned = normalise_text(normalise_punctuation(f"{text} 这")[0])[:-1]
        assert any(cleaned in normalise_text(t) for t in printed), text
    assert "root:x:0" not in flat
    _assert_only_allow_list_read(charts=False)


@pytest.mark.parametrize("char", ["\u202e", "\u202d", "\u2066", "\u200f", "\u061c"])
def test_bidi_override_is_refused_not_obeyed(renderer, tmp_path, char):
    brief = tmp_path / "bidi.yaml"
    brief.write_text(MINIMAL.replace("简报", f"简{char}报告"), encoding="utf-8")
    with pytest.raises(BriefbookError, match="bidirectional control") as info:
        renderer.render(brief)
    assert f"U+{ord(char):04X}" in str(info.value) and str(brief) in str(info.value)


def test_bidi_override_in_an_article_is_refused_at_ingest(corpus_copy, tmp_path):
    src = tmp_path / "bidi.txt"
    src.write_text("标题\n\n  长江日报讯 市委十三届十一次全会召开，\u202e甲乙丙。\n", encoding="utf-8")
    before = sorted(p.name for p in corpus_copy.rglob("*"))
    with pytest.raises(BriefbookError, match="line 3, column .*U\\+202E.*bidirectional"):
        ingest(src, corpus_dir=corpus_copy, article_id="bidi", date="2021-07-26", outlet="x",
               title="t", events=["13-11"], known_events=EVENTS)
    assert sorted(p.name for p in corpus_copy.rglob("*")) == before


def test_control_characters_are_a_clear_error(renderer, tmp_path):
    brief = tmp_path / "ctl.yaml"
    brief.write_text(MINIMAL.replace("简报", '"简\\x01\\x0b报"'), encoding="utf-8")
    with pytest.raises(BriefbookError) as info:
        renderer.render(brief)
    assert "U+0001 control character" in str(info.value)
    assert "U+000B control character" in str(info.value)
