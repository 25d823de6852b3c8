"""The cleaned seed articles as a reader gets them: metadata, sections, text."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from plugins.raw_articles import CJRB, CJW, HBRB

from briefbook.corpus import Article, Paragraph, Section, load_corpus
from briefbook.corpus.clean import to_simplified
from briefbook.core.errors import BriefbookError

DEBRIS = ["展开频道", "收起频道", "新闻中心", "【字体", "一周热门", "【编辑", "Copyright",
          "All Rights", "版权", "营业执照", "许可证", "关于我们", "来源", "www.", " > ",
          "2021-07-25 22:30", "2020-12-22 07:08", "摄"]


def everything(art: Article) -> str:
    parts = [art.text] + [s.heading or "" for s in art.sections] + [c.text for c in art.captions]
    return "\n".join(parts)


def test_sources_metadata(corpus) -> None:
    assert [a.id for a in corpus.articles] == [HBRB, CJW, CJRB]  # by publication date
    h = corpus.article(HBRB)
    assert (h.outlet, h.published, h.published_inferred, h.script) == \
        ("湖北日报", dt.date(2020, 6, 29), True, "traditional")
    assert h.events == ("13-9",)
    assert "inferred" in h.notes and h.title_supplied
    w = corpus.article(CJW)
    assert (w.outlet, w.events) == ("长江网", ("13-10",))
    r = corpus.article(CJRB)
    assert (r.outlet, r.events, r.dateline, r.reporters) == \
        ("长江日报", ("13-11",), "长江日报7月25日讯", ("高萌",))
    assert r.page.source == "长江日报-长江网"


@pytest.mark.parametrize("aid", [CJRB, CJW, HBRB])
def test_debris_is_gone(corpus, aid) -> None:
    text = everything(corpus.article(aid))
    for bit in DEBRIS:
        assert bit not in text, bit


@pytest.mark.parametrize("aid", [CJRB, CJW, HBRB])
def test_clean_simplified_full_width(corpus, aid) -> None:
    text = everything(corpus.article(aid))
    assert not re.search(r"[,:;?!()]", text)  # no half-width marks left in Chinese text
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)|[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]", text)
    assert to_simplified(text)[0] == text  # OpenCC round trip: nothing traditional left
    assert "〓" not in text and "?" not in text
    for p in corpus.article(aid).paragraphs():
        assert p.text == p.text.strip() and "\n" not in p.text


def test_hbrb_reads_as_simplified(corpus) -> None:
    text = corpus.article(HBRB).text
    for phrase in ("着力织牢织密“五张网”", "力争全年留下25万大学生在汉创业就业",
                   "中心城区10分钟、新城区12分钟医疗急救圈", "打造15分钟生活圈、10分钟公共活动圈"):
        assert phrase in text


def test_cjrb_sections(corpus) -> None:
    art = corpus.article(CJRB)
    assert art.layout == "headings"
    assert [len(s.paragraphs) for s in art.sections] == [4, 5, 4, 5, 4, 5]
    assert art.sections[0].heading is None
    assert art.sections[2].heading == "持续实施“学子留汉”工程，新改扩建80个公益普惠性幼儿园"
    assert corpus.paragraph("cjrb-2021-07-25/s3/p3").text.startswith("持续实施“学子留汉”工程")
    assert "新增留汉大学生30.2万人" in corpus.paragraph("cjrb-2021-07-25/s3/p3").text
    assert [c.before for c in art.captions] == [f"{CJRB}/s{n}/p1" for n in range(1, 7)]
    assert art.captions[1].credit == "通讯员解天"


def test_cjw_speakers(corpus) -> None:
    art = corpus.article(CJW)
    assert art.layout == "speakers"
    intro, *speakers = art.sections
    assert intro.speaker is None and len(intro.paragraphs) == 2
    assert len(speakers) == 11
    s = corpus.resolve("cjw-2020-12-22/s8")
    assert (s.speaker, s.post, s.heading) == ("刘生华", "市审计局党组书记、局长",
                                              "充分发挥审计专业作用，为打造“五个中心”护航")
    assert len(s.paragraphs) == 7
    assert all(sec.heading for sec in speakers)
    assert "300米见绿，500米见园" in art.text
    assert art.credits[-1].role == "统筹"


def test_hbrb_themes(corpus) -> None:
    art = corpus.article(HBRB)
    assert art.layout == "themes"
    assert [len(s.paragraphs) for s in art.sections] == [2, 1, 1, 1, 1, 1]
    assert [s.topic for s in art.sections] == [None, "织密公共卫生防护网", "织密基层社会治理网",
                                               None, "优化营商环境", "民生"]
    assert all(s.heading is None for s in art.sections)
    assert art.sections[0].paragraphs[0].text.startswith("从6月28日举行的武汉市委")


def test_resolve_and_lookups(corpus) -> None:
    assert isinstance(corpus.resolve(CJRB), Article)
    assert isinstance(corpus.resolve(f"{CJRB}/s2"), Section)
    p = corpus.resolve(f"{CJRB}/s2/p1")
    assert isinstance(p, Paragraph) and p.section_id == f"{CJRB}/s2" and p.article_id == CJRB
    assert sum(1 for _ in corpus.paragraphs()) == 27 + 47 + 7
    with pytest.raises(BriefbookError) as err:
        corpus.resolve("cjrb-2021-07-25/s3/p9")
    assert "did you mean" in err.value.hint and "cjrb-2021-07-25/s3/p" in err.value.hint
    with pytest.raises(BriefbookError):
        corpus.paragraph(f"{CJRB}/s3")  # a section is not a paragraph
    with pytest.raises(BriefbookError, match="unknown article"):
        corpus.article("cjrb-2021-7-25")


def test_load_corpus_is_cached(seed_dir) -> None:
    assert load_corpus(seed_dir) is load_corpus(seed_dir)
