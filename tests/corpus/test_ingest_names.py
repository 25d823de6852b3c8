"""An article naming 硚口区 (硚 is not in GB2312) ingests and renders; an article with a
character no bundled face has is refused at ingest with its line and column."""

from __future__ import annotations

import pytest

from plugins.example import example_project

from briefbook.checks.lint import lint_pdf, normalise_text
from briefbook.corpus.ingest import ingest
from briefbook.core.errors import BriefbookError
from briefbook.project import load_project

EVENTS = example_project().events

# Written for this test (not from any newspaper).
ARTICLE = """硚口区推进老旧小区改造

  长江日报7月26日讯 市委十三届十一次全会召开后，硚口区召开会议部署落实。
  区里表示，今年将完成一批老旧小区改造，居民代表王喆、李堃在会上发言。
"""


def test_article_naming_qiaokou_ingests_and_renders(corpus_copy, tmp_path):
    from briefbook.render import Renderer

    src = tmp_path / "qiaokou.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    report = ingest(src, corpus_dir=corpus_copy, article_id="test-qiaokou-2021-07-26",
                    date="2021-07-26", outlet="测试", events=["13-11"], known_events=EVENTS,
                    title="硚口区推进老旧小区改造")
    assert report.article.title == "硚口区推进老旧小区改造"
    ids = [s.id for s in report.article.sections]
    brief = tmp_path / "brief.yaml"
    brief.write_text("title: 硚口区专题\nissuer: 研究组\ndate: 2021-08-01\ncover: false\n"
                     "contents: false\nappendix: {sources: false, methodology: false}\n"
                     f"sections:\n  - heading: 引文\n    quotes: [{', '.join(ids)}]\n",
                     encoding="utf-8")
    pdf = Renderer(load_project(corpus_copy.parent)).render(brief)
    lint = lint_pdf(pdf)
    assert lint.ok, lint.failures
    text = normalise_text("".join(lint.text))
    assert "硚口区召开会议部署落实" in text and "王喆、李堃" in text


def test_article_with_a_character_no_face_has_is_refused_at_line_and_column(corpus_copy,
                                                                             tmp_path):
    src = tmp_path / "bad.txt"
    src.write_text(ARTICLE.replace("居民代表", "居民代表𰀀"), encoding="utf-8")
    with pytest.raises(BriefbookError) as info:
        ingest(src, corpus_dir=corpus_copy, article_id="test-bad-2021-07-26",
               date="2021-07-26", outlet="测试", events=["13-11"], known_events=EVENTS,
               title="硚口区推进老旧小区改造")
    message = str(info.value)
    assert "U+30000" in message and "line 4, column 26" in message
    assert not (corpus_copy / "raw" / "test-bad-2021-07-26.txt").exists()
